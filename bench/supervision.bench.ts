/**
 * Fund supervision (issue 5 §4) in memory, one core: every shipped rule over a county-year of 2
 * million encounters (3% inpatient, persons of ~7 claims, rows contiguous by person, 0.2%
 * duplicated claims, 1% of persons dead mid-year), without the settlement's fee hash so duplicates
 * compare all 14 fee categories. A region-year (15 million) scales linearly.
 */
import { fileURLToPath } from 'node:url';
import { allocateColumns, FEE, N_FEE_CATEGORIES, type InstitutionInfo } from '../src/insurance/columns.js';
import { loadSupervisionRules, runSupervision } from '../src/insurance/supervision.js';
import { loadParamTree } from '../src/rules/params.js';
import { Random } from '../src/rules/random.js';
import type { Figure } from './run.js';

export async function run(): Promise<Figure[]> {
  const N = 2_000_000;
  const params = await loadParamTree(fileURLToPath(new URL('../params/', import.meta.url)));
  const rules = loadSupervisionRules();
  const rng = Random.fromSeed('bench-supervision');
  const E = allocateColumns(N);
  E.institutions = Array.from({ length: 200 }, (_, i): InstitutionInfo => ({ id: `I${i}`, careLevel: i < 10 ? 'county' : 'township', grade: i < 10 ? 'secondary' : 'primary', inCounty: true, kind: i < 10 ? 'county_general' : 'township_centre' }));
  E.diseases = Array.from({ length: 50 }, (_, i) => `d${i}`);
  const drg: string[] = new Array<string>(N);
  const deathDay = new Map<number, number>();
  let person = 0;
  for (let r = 0; r < N; r++) {
    const dup = r > 0 && E.type[r - 1] === 0 && rng.next() < 0.002;
    if (!dup && rng.next() < 0.15) {
      person++;
      if (rng.next() < 0.01) deathDay.set(person, 20_089 + 180);
    }
    const src = dup ? r - 1 : r;
    E.id[r] = r + 1;
    E.person[r] = person;
    if (dup) {
      for (const col of [E.institution, E.type, E.disease, E.start, E.end, E.los, E.total] as const) col[r] = col[src]!;
      E.fees.copyWithin(r * N_FEE_CATEGORIES, src * N_FEE_CATEGORIES, (src + 1) * N_FEE_CATEGORIES);
      drg[r] = drg[src]!;
      continue;
    }
    const inpatient = rng.next() < 0.03;
    E.institution[r] = Math.floor(rng.next() * 200);
    E.type[r] = inpatient ? 2 : 0;
    E.disease[r] = Math.floor(rng.next() * 50);
    const start = 20_089 + Math.floor(rng.next() * 365);
    const los = inpatient ? 1 + Math.floor(rng.next() * 10) : 0;
    E.start[r] = start;
    E.end[r] = start + los;
    E.los[r] = los;
    let total = 0;
    for (let k = 0; k < N_FEE_CATEGORIES; k++) {
      const v = k === FEE.bed && !inpatient ? 0 : Math.floor(rng.next() * (inpatient ? 50_000 : 1_000));
      E.fees[r * N_FEE_CATEGORIES + k] = v;
      total += v;
    }
    E.total[r] = total;
    drg[r] = inpatient ? ['ES11', 'ES13', 'ES15', 'FR29'][Math.floor(rng.next() * 4)]! : '';
  }
  E.length = N;
  const t0 = performance.now();
  const res = runSupervision({ encounters: E, deathDay, drg, bedDayPriceFen: { county: 5_000, township: 3_000 } }, rules, params, 'demo', 2025);
  const ms = performance.now() - t0;
  return [
    { name: 'supervision, all rules, 2M encounters', value: Math.round(ms), unit: 'ms' },
    { name: 'supervision throughput', value: Math.round(N / (ms / 1000)), unit: 'encounters/s' },
    { name: 'supervision findings', value: res.findings.length, unit: 'findings' },
  ];
}
