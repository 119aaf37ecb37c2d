import type { Jurisdiction } from './api';

export type JurisdictionIndex = ReadonlyMap<string, Jurisdiction>;

export function indexJurisdictions(list: readonly Jurisdiction[]): JurisdictionIndex {
  return new Map(list.map((j) => [j.id, j]));
}

/** The jurisdiction and its ancestors, most specific first (the order in which values are looked up). */
export function chainOf(id: string, index: JurisdictionIndex): Jurisdiction[] {
  const out: Jurisdiction[] = [];
  for (let j = index.get(id); j && !out.includes(j); j = j.parent ? index.get(j.parent) : undefined) out.push(j);
  return out;
}

/** Depth-first order (each jurisdiction followed by its children), with each one's depth. */
export function treeOrder(list: readonly Jurisdiction[]): Array<{ jurisdiction: Jurisdiction; depth: number }> {
  const ids = new Set(list.map((j) => j.id));
  const children = (parent: string | null) => list.filter((j) => (parent === null ? j.parent === null || !ids.has(j.parent) : j.parent === parent));
  const out: Array<{ jurisdiction: Jurisdiction; depth: number }> = [];
  const walk = (j: Jurisdiction, depth: number) => {
    out.push({ jurisdiction: j, depth });
    for (const c of children(j.id)) walk(c, depth + 1);
  };
  for (const root of children(null)) walk(root, 0);
  return out;
}

/** The jurisdiction shown first: the first county, else the most specific one listed. */
export function defaultJurisdiction(list: readonly Jurisdiction[]): string | undefined {
  return (list.find((j) => j.level === 'county') ?? treeOrder(list).at(-1)?.jurisdiction)?.id;
}
