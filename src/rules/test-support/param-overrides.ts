/** Tests only: a copy of a parameter tree with some values of one jurisdiction replaced or removed. */
import { ParamTree, type ParamDefinition, type ParamValue } from '../params.js';

/** `overrides`: path → the value in force from 2024-01-01 in `jurisdiction`, or null to remove its own definition. */
export function withOverrides(tree: ParamTree, jurisdiction: string, overrides: Record<string, ParamValue | null>): ParamTree {
  const defs: ParamDefinition[] = [];
  for (const path of tree.paths()) {
    for (const d of tree.definitions(path)) if (!(d.jurisdiction === jurisdiction && path in overrides)) defs.push(d);
  }
  for (const [path, value] of Object.entries(overrides)) {
    if (value === null) continue;
    const base = tree.definitions(path)[0]!;
    defs.push({ ...base, jurisdiction, file: `${jurisdiction}/${path.replaceAll('.', '/')}.yaml`, reference: { basis: 'default', reason: 'test' }, values: [{ effectiveFrom: '2024-01-01', value }] });
  }
  return new ParamTree(tree.jurisdictions(), defs, 'test');
}
