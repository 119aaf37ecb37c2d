import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadParamTree, type ParamTree } from '../rules/params.js';
import { adjudicate, newYearAccount, type Claim } from './adjudicate.js';

let params: ParamTree;
beforeAll(async () => {
  params = await loadParamTree(fileURLToPath(new URL('../../params/', import.meta.url)));
});

const claim = (over: Partial<Claim> = {}): Claim => ({
  id: 'c1',
  scheme: 'resident',
  type: 'inpatient',
  grade: 'secondary',
  date: '2025-06-01',
  lines: [
    { amountFen: 100_000, class: 'A' },
    { amountFen: 50_000, class: 'B' },
    { amountFen: 10_000, class: 'C' },
  ],
  ...over,
});

describe('adjudicating a resident admission at a secondary (county) hospital', () => {
  test('splits ¥1,600 into fund ¥819 and patient ¥781: deductible ¥400, co-payment ¥231, class-B first pay ¥50, self-pay ¥100', () => {
    const r = adjudicate(claim(), newYearAccount(), params, 'demo');
    // E = 100,000 + 50,000 × 0.9 = 145,000; d = 40,000; fund = 105,000 × 0.78 = 81,900.
    expect(r).toMatchObject({ totalFen: 160_000, fundFen: 81_900, patientFen: 78_100 });
    expect(r.patient).toEqual({ deductibleFen: 40_000, coPaymentFen: 23_100, firstPayFen: 5_000, selfPayFen: 10_000, overCeilingFen: 0 });
    expect(r.lines.map((l) => [l.fundFen, l.patientFen])).toEqual([
      [56_483, 43_517],
      [25_417, 24_583],
      [0, 10_000],
    ]);
    expect(r.trace.find((t) => t.parameter === 'benefit.resident.inpatient.ratio.secondary')).toMatchObject({ value: 0.78, provenance: { jurisdiction: 'demo-province', effectiveFrom: '2024-01-01' } });
  });

  test('charges the second admission of the year half the deductible', () => {
    const account = newYearAccount();
    adjudicate(claim(), account, params, 'demo');
    const second = adjudicate(claim({ id: 'c2' }), account, params, 'demo');
    expect(second.patient.deductibleFen).toBe(20_000);
    expect(account.admissions).toBe(2);
  });

  test('stops at the annual ceiling and leaves the rest to the patient', () => {
    const account = { ...newYearAccount(), fundPaid: 20_000_000 - 10_000 };
    const r = adjudicate(claim(), account, params, 'demo');
    expect(r.fundFen).toBe(10_000);
    expect(r.patient.overCeilingFen).toBe(71_900);
    expect(r.fundFen + r.patientFen).toBe(r.totalFen);
  });

  test('lowers the ratio out of the county without a referral', () => {
    const referred = adjudicate(claim({ grade: 'tertiary', outOfCounty: true, referred: true }), newYearAccount(), params, 'demo');
    const unreferred = adjudicate(claim({ grade: 'tertiary', outOfCounty: true, referred: false }), newYearAccount(), params, 'demo');
    // E − d = 145,000 − 80,000 = 65,000 at 60% referred, at 45% without referral.
    expect([referred.fundFen, unreferred.fundFen]).toEqual([39_000, 29_250]);
  });

  test('takes the county deductible at the primary level (demo county overrides the province)', () => {
    const r = adjudicate(claim({ grade: 'primary' }), newYearAccount(), params, 'demo');
    expect(r.patient.deductibleFen).toBe(10_000);
  });
});

describe('the invariant', () => {
  test('fund + patient = total for every line and claim, and the fund never exceeds the ceiling left', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ amountFen: fc.integer({ min: 0, max: 5_000_000 }), class: fc.constantFrom('A' as const, 'B' as const, 'C' as const) }), { minLength: 1, maxLength: 12 }),
        fc.constantFrom('primary' as const, 'secondary' as const, 'tertiary' as const),
        fc.integer({ min: 0, max: 20_000_000 }),
        fc.constantFrom('inpatient' as const, 'outpatient' as const),
        (lines, grade, used, type) => {
          const account = { ...newYearAccount(), fundPaid: used };
          const r = adjudicate(claim({ lines, grade, type }), account, params, 'demo');
          const ok = r.lines.every((l) => l.fundFen + l.patientFen === l.totalFen && l.fundFen >= 0);
          return ok && r.fundFen + r.patientFen === r.totalFen && r.fundFen <= Math.max(0, 20_000_000 - used) && r.patient.deductibleFen + r.patient.coPaymentFen + r.patient.firstPayFen + r.patient.selfPayFen + r.patient.overCeilingFen === r.patientFen;
        },
      ),
      { numRuns: 500, seed: 20261122 },
    );
  });
});
