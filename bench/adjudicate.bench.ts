/**
 * Claim adjudication (issue 5) in memory, one core, trace off: a mix of resident and employee
 * outpatient, chronic outpatient and inpatient claims with class A/B/C lines, each person's year
 * account carried across claims (target ≥ 500,000 claims/s).
 */
import { fileURLToPath } from 'node:url';
import { loadParamTree } from '../src/rules/params.js';
import { Random } from '../src/rules/random.js';
import { BenefitRules, newYearAccount, type Claim, type YearAccount } from '../src/insurance/adjudicate.js';
import type { Figure } from './run.js';

export async function run(): Promise<Figure[]> {
  const params = await loadParamTree(fileURLToPath(new URL('../params/', import.meta.url)));
  const rules = new BenefitRules(params, 'demo');
  const rng = Random.fromSeed('bench-adjudicate');
  const grades = ['primary', 'secondary', 'tertiary'] as const;
  const claims: Claim[] = [];
  for (let i = 0; i < 200_000; i++) {
    const inpatient = rng.next() < 0.05;
    const total = inpatient ? 200_000 + Math.floor(rng.next() * 2_000_000) : 2_000 + Math.floor(rng.next() * 30_000);
    const b = Math.floor(total * 0.3 * rng.next());
    const c = Math.floor(total * 0.05 * rng.next());
    const month = 1 + Math.floor((i / 200_000) * 12);
    claims.push({
      id: String(i),
      scheme: rng.next() < 0.8 ? 'resident' : 'employee',
      type: inpatient ? 'inpatient' : 'outpatient',
      chronic: !inpatient && rng.next() < 0.2,
      grade: grades[Math.floor(rng.next() * 3)]!,
      outOfCounty: rng.next() < 0.1,
      referred: rng.next() < 0.5,
      date: `2025-${String(month).padStart(2, '0')}-${String(1 + Math.floor(rng.next() * 28)).padStart(2, '0')}`,
      lines: [
        { amountFen: total - b - c, class: 'A' },
        { amountFen: b, class: 'B' },
        { amountFen: c, class: 'C' },
      ],
    });
  }
  const persons = 20_000;
  const accounts: YearAccount[] = Array.from({ length: persons }, newYearAccount);
  let sink = 0;
  const pass = (n: number) => {
    for (let i = 0; i < n; i++) sink += rules.adjudicate(claims[i % claims.length]!, accounts[i % persons]!).fundFen;
  };
  pass(200_000); // warm-up and parameter cache
  const n = 2_000_000;
  const t = performance.now();
  pass(n);
  const perSecond = n / ((performance.now() - t) / 1000);
  if (sink <= 0) throw new Error('no fund paid');
  return [{ name: 'adjudication in memory, trace off (target ≥ 500,000)', value: perSecond, unit: 'claims/s' }];
}
