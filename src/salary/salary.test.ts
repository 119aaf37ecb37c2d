import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadParamTree, type ParamTree, type ParamValue } from '../rules/params.js';
import { withOverrides } from '../rules/test-support/param-overrides.js';
import { renderTrace, type Trace } from '../rules/trace.js';
import {
  distributeSalaries,
  leaderSalaries,
  medicalServiceRevenue,
  salaryBudget,
  salaryDate,
  STAFF_ROLES,
  STAFF_TITLES,
  type SalaryBudgetInput,
  type StaffMember,
} from './salary.js';

let params: ParamTree;
beforeAll(async () => {
  params = await loadParamTree(fileURLToPath(new URL('../../params/', import.meta.url)));
});

/** The real tree with the demo county's own value of some parameters set (from 2024-01-01). */
const demoWith = (overrides: Record<string, ParamValue | null>): ParamTree => withOverrides(params, 'demo', overrides);
/** No randomness: every productivity is exactly 1 and every qualitative score exactly the mean (85). */
const noSpread = (more: Record<string, ParamValue | null> = {}) => demoWith({ 'salary.workPoints.productivitySigma': 0, 'salary.workPoints.qualitativeSd': 0, ...more });

const paramOf = (trace: Trace, path: string) => trace.params.find((p) => p.path === path);
const stepOf = (trace: Trace, name: string) => trace.steps.find((s) => s.name === name);

describe('medical-service revenue (医务性收入)', () => {
  test('Medical-service revenue is medical revenue less drugs, consumables, examination and laboratory', () => {
    // ¥10,000,000 − ¥3,000,000 − ¥1,500,000 − ¥1,000,000 − ¥800,000 = ¥3,700,000 (odd fen kept exactly).
    const r = medicalServiceRevenue({ institutionId: 'H1', medicalRevenueFen: 1_000_000_001, drugFen: 300_000_000, materialsFen: 150_000_000, examinationFen: 100_000_000, laboratoryFen: 80_000_000 });
    expect(r.medicalServiceRevenueFen).toBe(370_000_001);
    expect(stepOf(r.trace, 'excluded')).toMatchObject({ value: 630_000_000 });
    expect(stepOf(r.trace, 'medicalServiceRevenue')?.note).toContain('国办发〔2021〕18号');
  });

  test('A revenue without drugs, tests or consumables is all medical-service revenue', () => {
    expect(medicalServiceRevenue({ institutionId: 'V1', medicalRevenueFen: 12_345, drugFen: 0, materialsFen: 0, examinationFen: 0, laboratoryFen: 0 }).medicalServiceRevenueFen).toBe(12_345);
  });

  test('A negative part, a part above the revenue, or parts that together exceed it are errors naming the institution', () => {
    const base = { institutionId: 'THC-7', medicalRevenueFen: 1_000, drugFen: 100, materialsFen: 100, examinationFen: 100, laboratoryFen: 100 };
    expect(() => medicalServiceRevenue({ ...base, drugFen: -1 })).toThrow(/institution THC-7: drugFen must be a non-negative integer number of fen, got -1/);
    expect(() => medicalServiceRevenue({ ...base, laboratoryFen: 1_001 })).toThrow(/institution THC-7: laboratoryFen \(1001 fen\) exceeds the medical revenue \(1000 fen\)/);
    expect(() => medicalServiceRevenue({ ...base, drugFen: 700, materialsFen: 301 })).toThrow(/institution THC-7: .*= 1201 fen\) exceed the medical revenue \(1000 fen\)/);
    expect(() => medicalServiceRevenue({ ...base, medicalRevenueFen: 1.5 })).toThrow(/THC-7: medicalRevenueFen/);
  });
});

describe('the salary budget (工资总额)', () => {
  const township: SalaryBudgetInput = { institutionId: 'THC-1', tier: 'township', medicalServiceRevenueFen: 500_000_000, assessmentScore: 85, retainedSurplusFen: 100_000_000, vbpRetentionFen: 20_000_000 };

  test('The parameters of a year are those in force on 1 January, as for the county package', () => {
    expect(salaryDate(2025)).toBe('2025-01-01');
    expect(() => salaryDate(25)).toThrow(/four-digit/);
  });

  test('A township centre with surplus and VBP retention: MSR × 0.55 × 0.95 + surplus × 0.6 + VBP × 1', () => {
    const b = salaryBudget(township, params, 'demo', 2025);
    // approved = ¥5,000,000 × 0.55 × 0.95 (score 85 → 0.95)  = 261,250,000 fen
    // surplus  = ¥1,000,000 × 0.6                             =  60,000,000
    // vbp      = ¥200,000 × 1.0                               =  20,000,000
    // budget   = 341,250,000 fen (¥3,412,500)
    expect(b).toMatchObject({ approvedCoef: 0.55, assessmentAdjustment: 0.95, approvedFen: 261_250_000, fromSurplusFen: 60_000_000, fromVbpFen: 20_000_000, salaryBudgetFen: 341_250_000 });
    for (const path of ['salary.budget.approvedCoef.township', 'salary.budget.assessmentAdjustment', 'salary.budget.surplusToSalaryShare', 'salary.budget.vbpRetentionToSalaryShare']) {
      expect(paramOf(b.trace, path)).toMatchObject({ jurisdiction: 'national', effectiveFrom: '2024-01-01', reference: { basis: 'default' } });
    }
    expect(renderTrace(b.trace)).toContain('salaryBudget = ¥3,412,500.00');
  });

  test('A county hospital with score 92: each term is rounded half-up once, then summed', () => {
    const b = salaryBudget({ institutionId: 'CH', tier: 'county', medicalServiceRevenueFen: 4_321_234_567, assessmentScore: 92, retainedSurplusFen: 123_456_789, vbpRetentionFen: 9_876_543 }, params, 'demo', 2025);
    // approved = 4,321,234,567 × 0.45 × 1.00 = 1,944,555,555.15 → 1,944,555,555
    // surplus  =   123,456,789 × 0.6         =    74,074,073.4  →    74,074,073
    // vbp      =     9,876,543 × 1           =     9,876,543
    // budget   = 2,028,506,171
    expect([b.approvedFen, b.fromSurplusFen, b.fromVbpFen, b.salaryBudgetFen]).toEqual([1_944_555_555, 74_074_073, 9_876_543, 2_028_506_171]);
  });

  test('The coefficient and the adjustment are multiplied exactly before the single rounding', () => {
    // 10 × 0.55 × 0.95 = 5.225 → 5 (rounding 10 × 0.55 = 5.5 → 6 first would give 6 × 0.95 = 5.7 → 6).
    const b = salaryBudget({ ...township, medicalServiceRevenueFen: 10, retainedSurplusFen: 0, vbpRetentionFen: 0 }, params, 'demo', 2025);
    expect(b.approvedFen).toBe(5);
  });

  test('A village clinic has the highest coefficient, 0.60', () => {
    // ¥100,000 × 0.60 × 1.00 = ¥60,000.
    const b = salaryBudget({ institutionId: 'VC-1', tier: 'village', medicalServiceRevenueFen: 10_000_000, assessmentScore: 95, retainedSurplusFen: 0, vbpRetentionFen: 0 }, params, 'demo', 2025);
    expect([b.approvedCoef, b.salaryBudgetFen]).toEqual([0.6, 6_000_000]);
  });

  test.each([
    // score, adjustment, approved of ¥1,000,000 at the township coefficient 0.55
    [100, 1, 55_000_000],
    [90, 1, 55_000_000],
    [89.9, 0.95, 52_250_000],
    [80, 0.95, 52_250_000],
    [79.99, 0.9, 49_500_000],
    [70, 0.9, 49_500_000],
    [69.9, 0.8, 44_000_000],
    [0, 0.8, 44_000_000],
  ])('At assessment score %s the budget adjustment is %s', (score, adj, approved) => {
    const b = salaryBudget({ ...township, medicalServiceRevenueFen: 100_000_000, assessmentScore: score }, params, 'demo', 2025);
    expect([b.assessmentAdjustment, b.approvedFen]).toEqual([adj, approved]);
  });

  test('A county that sets its own coefficient overrides the national default', () => {
    const b = salaryBudget({ ...township, retainedSurplusFen: 0, vbpRetentionFen: 0 }, demoWith({ 'salary.budget.approvedCoef.township': 0.5 }), 'demo', 2025);
    // ¥5,000,000 × 0.5 × 0.95 = ¥2,375,000.
    expect(b.salaryBudgetFen).toBe(237_500_000);
    expect(paramOf(b.trace, 'salary.budget.approvedCoef.township')).toMatchObject({ jurisdiction: 'demo', value: 0.5 });
  });

  test('Bad input is an error naming the institution and the field', () => {
    expect(() => salaryBudget({ ...township, assessmentScore: 101 }, params, 'demo', 2025)).toThrow(/institution THC-1: assessmentScore must be between 0 and 100/);
    expect(() => salaryBudget({ ...township, retainedSurplusFen: -5 }, params, 'demo', 2025)).toThrow(/institution THC-1: retainedSurplusFen/);
    expect(() => salaryBudget({ ...township, tier: 'city' as never }, params, 'demo', 2025)).toThrow(/unknown tier "city"/);
  });
});

describe("the leaders' annual salary (院长、书记、总会计师年薪)", () => {
  test('County hospital leaders with score 92.5 are paid 92.5% of their base by the government', () => {
    const l = leaderSalaries({ institutionId: 'CH', tier: 'county', assessmentScore: 92.5 }, params, 'demo', 2025);
    // president ¥400,000 × 0.925 = ¥370,000; party secretary the same; chief accountant ¥300,000 × 0.925 = ¥277,500.
    expect(l.rows).toEqual([
      { role: 'president', baseFen: 40_000_000, scoreFactor: 0.925, payFen: 37_000_000, payer: 'government' },
      { role: 'party_secretary', baseFen: 40_000_000, scoreFactor: 0.925, payFen: 37_000_000, payer: 'government' },
      { role: 'chief_accountant', baseFen: 30_000_000, scoreFactor: 0.925, payFen: 27_750_000, payer: 'government' },
    ]);
    expect(l.totalFen).toBe(101_750_000);
    expect(paramOf(l.trace, 'salary.leader.base.county.president')).toMatchObject({ value: 40_000_000, reference: { basis: 'default' } });
  });

  test('Township centre leaders with score 87.3: the fraction is exact and rounded half-up once', () => {
    const l = leaderSalaries({ institutionId: 'THC-1', tier: 'township', assessmentScore: 87.3 }, params, 'demo', 2025);
    // ¥200,000 × 0.873 = ¥174,600; ¥150,000 × 0.873 = ¥130,950.
    expect(l.rows.map((r) => r.payFen)).toEqual([17_460_000, 17_460_000, 13_095_000]);
    // 12,345 fen × 0.333 = 4,110.885 → 4,111.
    const odd = leaderSalaries({ institutionId: 'THC-1', tier: 'township', assessmentScore: 33.3 }, demoWith({ 'salary.leader.base.township.president': 12_345 }), 'demo', 2025);
    expect(odd.rows[0]?.payFen).toBe(4_111);
  });

  test('A village clinic has no leaders', () => {
    const l = leaderSalaries({ institutionId: 'VC-1', tier: 'village', assessmentScore: 90 }, params, 'demo', 2025);
    expect([l.rows, l.totalFen]).toEqual([[], 0]);
    expect(stepOf(l.trace, 'leaders')?.note).toContain('village clinic');
  });
});

describe('distributing the salary budget over staff (全员目标年薪制，年薪计算工分制)', () => {
  const four: StaffMember[] = [
    { id: 'd1', role: 'doctor', title: 'chief_physician' },
    { id: 'd2', role: 'doctor', title: 'attending_physician' },
    { id: 'n1', role: 'nurse', title: 'nurse' },
    { id: 'v1', role: 'village_doctor', title: 'none' },
  ];
  const input = { institutionId: 'THC-1', budgetFen: 70_000_000, staff: four, workPointsTotal: 6_800, seed: 'test' };

  test('Without spread everyone meets the target points and is paid target × score / 100', () => {
    const d = distributeSalaries(input, noSpread(), 'demo', 2025);
    // Targets ¥300,000 / ¥180,000 / ¥100,000 / ¥100,000 (village doctor by role), Σ ¥680,000;
    // 6,800 points → target points 3,000 / 1,800 / 1,000 / 1,000, and points the same.
    // score = 0.35 × 85 + 0.65 × 100 = 94.75 → pay = target × 0.9475:
    //   28,425,000 + 17,055,000 + 9,475,000 + 9,475,000 = 64,430,000 ≤ 70,000,000: 5,570,000 unspent.
    expect(d.rows.map((r) => [r.id, r.targetFen, r.targetPoints, r.points, r.score, r.payFen])).toEqual([
      ['d1', 30_000_000, 3_000, 3_000, 94.75, 28_425_000],
      ['d2', 18_000_000, 1_800, 1_800, 94.75, 17_055_000],
      ['n1', 10_000_000, 1_000, 1_000, 94.75, 9_475_000],
      ['v1', 10_000_000, 1_000, 1_000, 94.75, 9_475_000],
    ]);
    expect(d.totals).toEqual({ targetFen: 68_000_000, payBeforeRescaleFen: 64_430_000, payFen: 64_430_000, unspentFen: 5_570_000, rescaleFactor: 1 });
    expect(d.summary).toEqual([
      { title: 'chief_physician', count: 1, totalFen: 28_425_000, meanFen: 28_425_000, minFen: 28_425_000, maxFen: 28_425_000 },
      { title: 'attending_physician', count: 1, totalFen: 17_055_000, meanFen: 17_055_000, minFen: 17_055_000, maxFen: 17_055_000 },
      { title: 'nurse', count: 1, totalFen: 9_475_000, meanFen: 9_475_000, minFen: 9_475_000, maxFen: 9_475_000 },
      { title: 'none', count: 1, totalFen: 9_475_000, meanFen: 9_475_000, minFen: 9_475_000, maxFen: 9_475_000 },
    ]);
    expect(paramOf(d.trace, 'salary.target.chief_physician')).toMatchObject({ value: 30_000_000, reference: { basis: 'reported' } });
    expect(paramOf(d.trace, 'salary.target.role.village_doctor')).toMatchObject({ value: 10_000_000, reference: { basis: 'reported' } });
    expect(paramOf(d.trace, 'salary.workPoints.weight.quantitative')).toMatchObject({ value: 0.65, reference: { basis: 'reported' } });
    expect(d.seed).toBe('test');
  });

  test('When Σ pay exceeds the budget every pay is rescaled by one factor to exactly the budget, and the factor is in the trace', () => {
    const d = distributeSalaries({ ...input, budgetFen: 60_000_000 }, noSpread(), 'demo', 2025);
    // factor = 60,000,000 / 64,430,000 = 6000/6443 ≈ 0.93124
    //   28,425,000 × 6000/6443 = 26,470,588.235  → 26,470,588
    //   17,055,000 × 6000/6443 = 15,882,352.941  → 15,882,353 (largest remainder takes the first spare fen)
    //    9,475,000 × 6000/6443 =  8,823,529.412  →  8,823,530 (tie with v1: the lower index takes the second)
    //    9,475,000 × 6000/6443 =  8,823,529.412  →  8,823,529
    expect(d.rows.map((r) => r.payFen)).toEqual([26_470_588, 15_882_353, 8_823_530, 8_823_529]);
    expect(d.rows.map((r) => r.payBeforeRescaleFen)).toEqual([28_425_000, 17_055_000, 9_475_000, 9_475_000]);
    expect(d.totals).toMatchObject({ payBeforeRescaleFen: 64_430_000, payFen: 60_000_000, unspentFen: 0 });
    expect(d.totals.rescaleFactor).toBeCloseTo(6000 / 6443, 12);
    expect(stepOf(d.trace, 'rescaleFactor')).toMatchObject({ formula: 'budget / Σ pay', value: 6000 / 6443 });
    expect(stepOf(d.trace, 'rescaleFactor')).toHaveProperty('note', expect.stringContaining('exceeds the budget 60000000'));
  });

  test('A zero budget pays nobody, whatever the points', () => {
    const d = distributeSalaries({ ...input, budgetFen: 0 }, params, 'demo', 2025);
    expect(d.rows.every((r) => r.payFen === 0)).toBe(true);
    expect(d.totals).toMatchObject({ payFen: 0, unspentFen: 0, rescaleFactor: 0 });
  });

  test('An empty staff list pays nothing and leaves the whole budget unspent', () => {
    const d = distributeSalaries({ ...input, staff: [] }, params, 'demo', 2025);
    expect(d.rows).toEqual([]);
    expect(d.summary).toEqual([]);
    expect(d.totals).toEqual({ targetFen: 0, payBeforeRescaleFen: 0, payFen: 0, unspentFen: 70_000_000, rescaleFactor: 1 });
  });

  test('The same seed gives the same rows; a different seed gives different rows', () => {
    const a = distributeSalaries(input, params, 'demo', 2025);
    const b = distributeSalaries(input, params, 'demo', 2025);
    const c = distributeSalaries({ ...input, seed: 'other' }, params, 'demo', 2025);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(c.rows.map((r) => r.points)).not.toEqual(a.rows.map((r) => r.points));
    expect(c.rows.map((r) => r.payFen)).not.toEqual(a.rows.map((r) => r.payFen));
    expect([a.seed, c.seed]).toEqual(['test', 'other']);
  });

  test("A person's draws do not depend on the order of the staff list", () => {
    const a = distributeSalaries(input, params, 'demo', 2025);
    const b = distributeSalaries({ ...input, staff: [...four].reverse() }, params, 'demo', 2025);
    const byId = (rows: typeof a.rows) => Object.fromEntries(rows.map((r) => [r.id, [r.productivity, r.qualitativeScore, r.points, r.payFen]]));
    expect(byId(b.rows)).toEqual(byId(a.rows));
  });

  test('With spread the points still sum to the work points and each score combines 35% qualitative and 65% quantitative', () => {
    const d = distributeSalaries(input, params, 'demo', 2025);
    expect(d.rows.reduce((a, r) => a + r.points, 0)).toBeCloseTo(6_800, 6);
    for (const r of d.rows) {
      expect(r.quantitativeScore).toBeCloseTo(Math.min(100, (100 * r.points) / r.targetPoints), 9);
      expect(r.score).toBeCloseTo(0.35 * r.qualitativeScore + 0.65 * r.quantitativeScore, 9);
    }
    expect(new Set(d.rows.map((r) => r.productivity)).size).toBe(4);
  });

  test('No one is paid more than cap × target: points above 1.2 × target points count as 1.2', () => {
    const staff: StaffMember[] = Array.from({ length: 60 }, (_, i) => ({ id: `s${i}`, role: 'doctor', title: 'resident_physician' }));
    const d = distributeSalaries({ institutionId: 'CH', budgetFen: 10_000_000_000, staff, workPointsTotal: 60_000, seed: 'cap' }, demoWith({ 'salary.workPoints.productivitySigma': 0.6 }), 'demo', 2025);
    const capped = d.rows.filter((r) => r.points / r.targetPoints > 1.2);
    expect(capped.length).toBeGreaterThan(0);
    for (const r of capped) expect(r.payFen).toBe(Math.round((12_000_000 * 1.2 * r.score) / 100));
    for (const r of d.rows) expect(r.payFen).toBeLessThanOrEqual(12_000_000 * 1.2);
    expect(stepOf(d.trace, 'capped')).toMatchObject({ value: capped.length });
  });

  test('Qualitative scores are clipped to 0–100', () => {
    const staff: StaffMember[] = Array.from({ length: 40 }, (_, i) => ({ id: `s${i}`, role: 'nurse', title: 'nurse' }));
    const high = distributeSalaries({ ...input, staff }, demoWith({ 'salary.workPoints.qualitativeMean': 98, 'salary.workPoints.qualitativeSd': 20 }), 'demo', 2025);
    expect(high.rows.some((r) => r.qualitativeScore === 100)).toBe(true);
    expect(high.rows.every((r) => r.qualitativeScore <= 100 && r.qualitativeScore >= 0)).toBe(true);
    const low = distributeSalaries({ ...input, staff }, demoWith({ 'salary.workPoints.qualitativeMean': 2, 'salary.workPoints.qualitativeSd': 20 }), 'demo', 2025);
    expect(low.rows.some((r) => r.qualitativeScore === 0)).toBe(true);
  });

  test('The trace gives summary figures only, not every person', () => {
    const staff: StaffMember[] = Array.from({ length: 200 }, (_, i) => ({ id: `person-${i}`, role: 'nurse', title: i % 2 ? 'nurse' : 'senior_nurse' }));
    const d = distributeSalaries({ ...input, staff, budgetFen: 1_000_000_000 }, params, 'demo', 2025);
    const json = JSON.stringify(d.trace);
    expect(json).not.toContain('person-');
    expect(d.trace.steps.length).toBeLessThan(20);
    expect(d.trace.params.map((p) => p.path).filter((p) => p.startsWith('salary.target.'))).toEqual(['salary.target.senior_nurse', 'salary.target.nurse']);
    expect(d.summary.map((s) => [s.title, s.count])).toEqual([['senior_nurse', 100], ['nurse', 100]]);
  });

  test('No work points means no pay and the whole budget unspent', () => {
    const d = distributeSalaries({ ...input, workPointsTotal: 0 }, params, 'demo', 2025);
    expect(d.rows.every((r) => r.payFen === 0 && r.points === 0)).toBe(true);
    expect(d.totals.unspentFen).toBe(70_000_000);
  });

  test('Bad input and score weights that do not sum to 1 are errors naming what is wrong', () => {
    expect(() => distributeSalaries({ ...input, staff: [four[0]!, four[0]!] }, params, 'demo', 2025)).toThrow(/staff d1 is given twice/);
    expect(() => distributeSalaries({ ...input, staff: [{ id: 'x', role: 'surgeon' as never, title: 'none' }] }, params, 'demo', 2025)).toThrow(/unknown role "surgeon"/);
    expect(() => distributeSalaries({ ...input, workPointsTotal: -1 }, params, 'demo', 2025)).toThrow(/workPointsTotal/);
    expect(() => distributeSalaries({ ...input, budgetFen: 0.5 }, params, 'demo', 2025)).toThrow(/budgetFen/);
    expect(() => distributeSalaries(input, demoWith({ 'salary.workPoints.weight.qualitative': 0.4 }), 'demo', 2025)).toThrow(/sum to 1\.05, not 1/);
  });

  test('For any budget and staff, Σ pay ≤ budget and every pay is a non-negative integer', () => {
    const member = fc.record({ role: fc.constantFrom(...STAFF_ROLES), title: fc.constantFrom(...STAFF_TITLES) });
    fc.assert(
      fc.property(
        fc.array(member, { maxLength: 30 }),
        fc.integer({ min: 0, max: 2_000_000_000 }),
        fc.double({ min: 0, max: 1e7, noNaN: true }),
        fc.string(),
        fc.constantFrom(0, 0.15, 1),
        (members, budgetFen, workPointsTotal, seed, sigma) => {
          const staff = members.map((m, i) => ({ id: `s${i}`, ...m }));
          const tree = sigma === 0.15 ? params : demoWith({ 'salary.workPoints.productivitySigma': sigma });
          const d = distributeSalaries({ institutionId: 'P', budgetFen, staff, workPointsTotal, seed }, tree, 'demo', 2025);
          const total = d.rows.reduce((a, r) => a + r.payFen, 0);
          expect(total).toBe(d.totals.payFen);
          expect(total).toBeLessThanOrEqual(budgetFen);
          expect(d.totals.unspentFen).toBe(budgetFen - total);
          if (d.totals.payBeforeRescaleFen > budgetFen) expect(total).toBe(budgetFen);
          for (const r of d.rows) {
            expect(Number.isSafeInteger(r.payFen)).toBe(true);
            expect(r.payFen).toBeGreaterThanOrEqual(0);
            expect(r.payFen).toBeLessThanOrEqual(r.payBeforeRescaleFen);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
