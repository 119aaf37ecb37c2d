/** Parameter tree: load + validate time, and resolutions per second (the hot path of every rule). */
import { loadParamTree } from '../src/rules/params.js';
import { SHIPPED_PARAMS_DIR } from '../src/runs/config.js';
import type { Figure } from './run.js';

export async function run(): Promise<Figure[]> {
  let t0 = performance.now();
  const loads = 20;
  let tree = await loadParamTree(SHIPPED_PARAMS_DIR);
  for (let i = 1; i < loads; i++) tree = await loadParamTree(SHIPPED_PARAMS_DIR);
  const loadMs = (performance.now() - t0) / loads;

  const paths = tree.paths();
  const dates = ['2024-03-01', '2025-06-30', '2026-02-01'];
  const n = 1_000_000;
  let sink = 0;
  t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = tree.tryResolve(paths[i % paths.length]!, dates[i % 3]!, 'demo');
    if (r) sink++;
  }
  const secs = (performance.now() - t0) / 1000;
  if (sink === 0) throw new Error('nothing resolved');
  return [
    { name: `load + validate the tree (${paths.length} parameters)`, value: loadMs, unit: 'ms' },
    { name: 'resolve(path, date, county) through the chain', value: n / secs, unit: 'resolutions/s' },
  ];
}
