import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadParamTree, type ParamTree } from '../rules/params.js';
import { BenefitRules, newYearAccount, type Claim, type YearAccount } from './adjudicate.js';

let params: ParamTree;
let rules: BenefitRules;
beforeAll(async () => {
  params = await loadParamTree(fileURLToPath(new URL('../../params/', import.meta.url)));
  rules = new BenefitRules(params, 'demo');
});
const adjudicate = (c: Claim, account: YearAccount, opts: { trace?: boolean; lines?: boolean } = { trace: true }) => rules.adjudicate(c, account, opts);

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
    const r = adjudicate(claim(), newYearAccount());
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
    adjudicate(claim(), account);
    const second = adjudicate(claim({ id: 'c2' }), account);
    expect(second.patient.deductibleFen).toBe(20_000);
    expect(account.admissions).toBe(2);
  });

  test('stops at the annual ceiling and leaves the rest to the patient', () => {
    const account = { ...newYearAccount(), fundPaid: 20_000_000 - 10_000 };
    const r = adjudicate(claim(), account);
    expect(r.fundFen).toBe(10_000);
    expect(r.patient.overCeilingFen).toBe(71_900);
    expect(r.fundFen + r.patientFen).toBe(r.totalFen);
  });

  test('lowers the ratio out of the county without a referral', () => {
    const referred = adjudicate(claim({ grade: 'tertiary', outOfCounty: true, referred: true }), newYearAccount());
    const unreferred = adjudicate(claim({ grade: 'tertiary', outOfCounty: true, referred: false }), newYearAccount());
    // E − d = 145,000 − 80,000 = 65,000 at 60% referred, at 45% without referral.
    expect([referred.fundFen, unreferred.fundFen]).toEqual([39_000, 29_250]);
  });

  test('takes the county deductible at the primary level (demo county overrides the province)', () => {
    const r = adjudicate(claim({ grade: 'primary' }), newYearAccount());
    expect(r.patient.deductibleFen).toBe(10_000);
  });
});

describe('the rules of the resident and employee schemes', () => {
  test('Class-B drugs are first co-paid at the class-B rate before the ratio applies', () => {
    // ¥1,000 class B: first pay 10% = 10,000; E = 90,000; d = 40,000; fund = 50,000 × 0.78 = 39,000.
    const r = adjudicate(claim({ lines: [{ amountFen: 100_000, class: 'B' }] }), newYearAccount());
    expect(r.fundFen).toBe(39_000);
    expect(r.patient).toEqual({ deductibleFen: 40_000, coPaymentFen: 11_000, firstPayFen: 10_000, selfPayFen: 0, overCeilingFen: 0 });
  });

  test('A line above its payment standard leaves the excess to the patient as self-pay', () => {
    // cap 80,000 of 100,000: over 20,000; E = 80,000; fund = (80,000 − 40,000) × 0.78 = 31,200.
    const r = adjudicate(claim({ lines: [{ amountFen: 100_000, class: 'A', capFen: 80_000 }] }), newYearAccount());
    expect([r.fundFen, r.patient.selfPayFen, r.patient.coPaymentFen, r.patientFen]).toEqual([31_200, 20_000, 8_800, 68_800]);
  });

  test('A retired employee gets the retiree addition on the inpatient ratio', () => {
    // employee secondary: d = 60,000, ratio 0.88 (+0.05 retired): 40,000 × 0.93 = 37,200 vs × 0.88 = 35,200.
    const c = { scheme: 'employee' as const, lines: [{ amountFen: 100_000, class: 'A' as const }] };
    expect(adjudicate(claim({ ...c, retired: true }), newYearAccount()).fundFen).toBe(37_200);
    expect(adjudicate(claim(c), newYearAccount()).fundFen).toBe(35_200);
  });

  test('A chronic-disease outpatient visit (门诊慢特病) is paid at its own ratio without the outpatient deductible', () => {
    // ¥200 at township: chronic 65%, no deductible = 13,000; general pooling (200 − 50) × 50% = 7,500.
    const c = { type: 'outpatient' as const, grade: 'primary' as const, lines: [{ amountFen: 20_000, class: 'A' as const }] };
    expect(adjudicate(claim({ ...c, chronic: true }), newYearAccount()).fundFen).toBe(13_000);
    expect(adjudicate(claim(c), newYearAccount()).fundFen).toBe(7_500);
  });

  test('Chronic-disease outpatient benefits stop at their annual cap', () => {
    const account = { ...newYearAccount(), chronicFundPaid: 300_000 - 1_000 };
    const r = adjudicate(claim({ type: 'outpatient', chronic: true, grade: 'primary', lines: [{ amountFen: 20_000, class: 'A' }] }), account);
    expect([r.fundFen, r.patient.overCeilingFen, account.chronicFundPaid]).toEqual([1_000, 12_000, 300_000]);
  });

  test('Critical-illness insurance (大病保险) pays 60% of the eligible out-of-pocket above the year threshold', () => {
    // tertiary ¥10,000: d = 80,000; basic = 920,000 × 0.6 = 552,000; oop = 448,000;
    // accumulated 1,480,000 → 1,928,000: 428,000 above ¥15,000; ci = 256,800; co-payment 368,000 − 256,800.
    const account = { ...newYearAccount(), criticalIllnessBase: 1_480_000 };
    const r = adjudicate(claim({ grade: 'tertiary', lines: [{ amountFen: 1_000_000, class: 'A' }] }), account);
    expect([r.basicFundFen, r.criticalIllnessFen, r.fundFen, r.patientFen]).toEqual([552_000, 256_800, 808_800, 191_200]);
    expect(r.patient).toEqual({ deductibleFen: 80_000, coPaymentFen: 111_200, firstPayFen: 0, selfPayFen: 0, overCeilingFen: 0 });
    expect(account.criticalIllnessBase).toBe(1_928_000);
  });

  test('Employees have no critical-illness payment in this version (the parameter says so)', () => {
    const account = { ...newYearAccount(), criticalIllnessBase: 10_000_000 };
    expect(adjudicate(claim({ scheme: 'employee' }), account).criticalIllnessFen).toBe(0);
  });

  test('A claim explained with its trace has the same figures as the bulk result', () => {
    const a = adjudicate(claim(), newYearAccount(), {});
    const b = adjudicate(claim(), newYearAccount(), { trace: true });
    expect(a.trace).toEqual([]);
    expect({ ...b, trace: [] }).toEqual(a);
    expect(b.trace.map((t) => t.parameter).filter(Boolean)).toContain('benefit.resident.classBFirstPayRate');
    // The bulk path without the per-line split gives the same claim figures.
    const c = adjudicate(claim(), newYearAccount(), { lines: false });
    expect({ ...c, lines: [] }).toEqual({ ...a, lines: [] });
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
          const account = { ...newYearAccount(), fundPaid: used, criticalIllnessBase: Math.floor(used / 10) };
          const r = adjudicate(claim({ lines, grade, type }), account, {});
          const ok = r.lines.every((l) => l.fundFen + l.patientFen === l.totalFen && l.fundFen >= 0);
          return ok && r.fundFen + r.patientFen === r.totalFen && r.basicFundFen <= Math.max(0, 20_000_000 - used) && r.patient.deductibleFen + r.patient.coPaymentFen + r.patient.firstPayFen + r.patient.selfPayFen + r.patient.overCeilingFen === r.patientFen;
        },
      ),
      { numRuns: 500, seed: 20261122 },
    );
  });
});
