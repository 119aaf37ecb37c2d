/**
 * Synthetic county generator (issue 3): a 300,000-person county-year (target ≤ 10 s) and a
 * 2.5-million-person region-year (target ≤ 90 s, ≤ 4 GB), files written to a temporary directory.
 * Each run is a fresh child process, so its peak memory is its own. `BENCH_QUICK=1` skips the region.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Figure } from './run.js';

const CHILD = fileURLToPath(new URL('./generate-child.ts', import.meta.url));

function once(population: number, years: number): { secs: number; encounters: number; rows: number; maxRssMb: number } {
  const out = path.join(os.tmpdir(), `sanyi-bench-generate-${process.pid}-${population}`);
  const stdout = execFileSync(process.execPath, ['--import', 'tsx', CHILD, String(population), String(years), out], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { secs: number; encounters: number; rows: number; maxRssMb: number };
}

export async function run(): Promise<Figure[]> {
  await Promise.resolve();
  const figures: Figure[] = [];
  const county = once(300_000, 1);
  figures.push(
    { name: 'county-year, 300,000 persons: generate + write files', value: county.secs, unit: 's (target ≤ 10)' },
    { name: 'county-year: encounters', value: county.encounters, unit: 'encounters' },
    { name: 'county-year: rows written (all files)', value: county.rows / county.secs, unit: 'rows/s' },
    { name: 'county-year: peak memory', value: county.maxRssMb, unit: 'MB' },
  );
  if (!process.env.BENCH_QUICK) {
    const region = once(2_500_000, 1);
    figures.push(
      { name: 'region-year, 2,500,000 persons: generate + write files', value: region.secs, unit: 's (target ≤ 90)' },
      { name: 'region-year: encounters', value: region.encounters, unit: 'encounters' },
      { name: 'region-year: peak memory', value: region.maxRssMb, unit: 'MB (target ≤ 4,096)' },
      { name: 'region-year / county-year time per person', value: region.secs / 2_500_000 / (county.secs / 300_000), unit: '× (1 = linear)' },
    );
  }
  return figures;
}
