import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { withOverrides } from '../rules/test-support/param-overrides.js';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadParamTree, type ParamTree, type ParamValue } from '../rules/params.js';
import { renderTrace } from '../rules/trace.js';
import {
  allocateSurplus,
  packageBudget,
  packageLedger,
  packageYear,
  settlePackage,
  type FacilityBasis,
  type PackageCharge,
} from './package.js';

let params: ParamTree;
beforeAll(async () => {
  params = await loadParamTree(fileURLToPath(new URL('../../params/', import.meta.url)));
});

/** The real tree with the demo county's own value of some parameters replaced (from 2024-01-01);
 * null drops the county's file so the value of its parents applies. */
const demoWith = (overrides: Record<string, ParamValue | null>): ParamTree => withOverrides(params, 'demo', overrides);

const charge = (month: string, category: PackageCharge['category'], fundFen: number, institutionId?: string): PackageCharge => ({ month, category, fundFen, ...(institutionId ? { institutionId } : {}) });

describe('the package budget (打包预算)', () => {
  test('The budget is insured × per-capita × (1 + growth) less reserve and carve-outs', () => {
    const b = packageBudget({ insured: 270_000 }, params, 'demo', 2025);
    // Demo: per-capita ¥1,740 (parameter basis), growth 3%, reserve 5%, critical-illness premium ¥65 per head, out-of-province ¥1,000,000.
    // gross   = 270,000 × 174,000 × 1.03         = 48,389,400,000
    // reserve = 48,389,400,000 × 0.05            =  2,419,470,000
    // carve   = 270,000 × 6,500 + 100,000,000    =  1,855,000,000
    // budget  = 48,389,400,000 − 2,419,470,000 − 1,855,000,000 = 44,114,930,000 (≈ ¥1,634 per insured)
    expect(b).toMatchObject({
      basis: 'parameter',
      perCapitaBase: 174_000,
      grossFen: 48_389_400_000,
      riskReserveFen: 2_419_470_000,
      carveOuts: { criticalIllnessPremiumFen: 1_755_000_000, outOfProvinceEmergencyFen: 100_000_000 },
      carveOutsFen: 1_855_000_000,
      budgetFen: 44_114_930_000,
    });
    expect(b.trace.params.find((p) => p.path === 'package.perCapitaFen')).toMatchObject({ value: 174_000, jurisdiction: 'demo', effectiveFrom: '2024-01-01', reference: { basis: 'default' } });
    expect(b.trace.params.find((p) => p.path === 'package.allowedGrowth')).toMatchObject({ value: 0.03, jurisdiction: 'national' });
    expect(b.trace.steps.find((s) => s.name === 'budget')).toMatchObject({ value: 44_114_930_000, formula: 'gross − riskReserve − carveOuts' });
    expect(renderTrace(b.trace)).toContain('budget = ¥441,149,300.00');
  });

  test('Base years are weighted 7:2:1 and renormalised when a year is missing', () => {
    const tree = demoWith({ 'package.perCapitaBasis': 'history' });
    const history = [
      { year: 2024, fundSpendFen: 9_000_000_000, insured: 100_000 }, // 90,000 per head
      { year: 2023, fundSpendFen: 8_000_000_000, insured: 100_000 }, // 80,000
      { year: 2022, fundSpendFen: 7_000_000_000, insured: 100_000 }, // 70,000
      { year: 2019, fundSpendFen: 1, insured: 1 }, // not a base year of 2025: ignored
    ];
    const full = packageBudget({ insured: 100_000, history }, tree, 'demo', 2025);
    // 0.7 × 90,000 + 0.2 × 80,000 + 0.1 × 70,000 = 86,000; gross = 100,000 × 86,000 × 1.03 = 8,858,000,000;
    // reserve 442,900,000; carve-outs 100,000 × 6,500 + 100,000,000 = 750,000,000; budget 7,665,100,000.
    expect(full).toMatchObject({ basis: 'history', perCapitaBase: 86_000, grossFen: 8_858_000_000, riskReserveFen: 442_900_000, budgetFen: 7_665_100_000 });
    expect(full.trace.steps.find((s) => s.name === 'history years not used')).toMatchObject({ value: '2019' });

    // Without 2023 the weights 0.7 and 0.1 become 7/8 and 1/8: 78,750 + 8,750 = 87,500.
    const missing = packageBudget({ insured: 100_000, history: history.filter((h) => h.year !== 2023) }, tree, 'demo', 2025);
    expect(missing.perCapitaBase).toBe(87_500);
    expect(missing.trace.steps.find((s) => s.name === 'weights renormalised')?.note).toContain('t−1 (2024), t−3 (2022)');
    expect(missing.trace.steps.find((s) => s.name === 'weight 2024')).toMatchObject({ value: 0.875 });
  });

  test('The per-capita base is kept exact until it is multiplied by the insured, then rounded half-up once', () => {
    const tree = demoWith({ 'package.perCapitaBasis': 'history', 'package.carveOuts.criticalIllnessPremiumPerCapita': 0, 'package.carveOuts.outOfProvinceEmergency': 0 });
    // 1,000,000 / 3 = 333,333.33… per head; 3 × 1,000,000/3 × 1.03 = 1,030,000 exactly
    // (rounding the per-capita first would give 999,999 × 1.03 = 1,029,998.97 → 1,029,999).
    const b = packageBudget({ insured: 3, history: [{ year: 2024, fundSpendFen: 1_000_000, insured: 3 }] }, tree, 'demo', 2025);
    expect(b.perCapitaBaseExact).toBe('1000000/3');
    expect(b.grossFen).toBe(1_030_000);
    // 7 × 1,000,000/3 × 1.03 = 2,403,333.33… → 2,403,333; reserve 120,166.65 → 120,167.
    const c = packageBudget({ insured: 7, history: [{ year: 2024, fundSpendFen: 1_000_000, insured: 3 }] }, tree, 'demo', 2025);
    expect([c.grossFen, c.riskReserveFen, c.budgetFen]).toEqual([2_403_333, 120_167, 2_283_166]);
  });

  test('A history basis without any base year is an error that says how to fix it', () => {
    const tree = demoWith({ 'package.perCapitaBasis': 'history' });
    expect(() => packageBudget({ insured: 100, history: [{ year: 2020, fundSpendFen: 1, insured: 1 }] }, tree, 'demo', 2025)).toThrow(/no base year 2022–2024.*perCapitaFen/);
  });

  test('A budget the carve-outs exceed is an error naming the figures', () => {
    const tree = demoWith({ 'package.carveOuts.outOfProvinceEmergency': 50_000_000_000 });
    expect(() => packageBudget({ insured: 270_000 }, tree, 'demo', 2025)).toThrow(/negative.*carve-outs \(51755000000\)/);
  });

  test('The same input and parameters give the same budget and trace', () => {
    const a = packageBudget({ insured: 123_457 }, params, 'demo', 2025);
    const b = packageBudget({ insured: 123_457 }, params, 'demo', 2025);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

describe('the monthly ledger (打包付费台账)', () => {
  const charges = [charge('2025-01', 'in_county', 50_000, 'H1'), charge('2025-01', 'out_of_county', 20_000), charge('2025-03', 'pharmacy', 10_000, 'P1')];

  test('The ledger has twelve months and its advances sum to the budget × advance ratio', () => {
    const l = packageLedger({ budgetFen: 1_200_007, charges }, params, 'demo', 2025);
    expect(l.rows.map((r) => r.month)).toEqual(['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12']);
    // Budget 1,200,007 / 12 = 100,000 r 7: the first seven months take 100,001.
    expect(l.rows.map((r) => r.budgetFen)).toEqual([100_001, 100_001, 100_001, 100_001, 100_001, 100_001, 100_001, 100_000, 100_000, 100_000, 100_000, 100_000]);
    // Advances: 1,200,007 × 0.9 = 1,080,006.3 → 1,080,006 = 12 × 90,000 + 6: the first six months take 90,001.
    expect(l.advanceTotalFen).toBe(1_080_006);
    expect(l.rows.reduce((a, r) => a + r.advanceFen, 0)).toBe(1_080_006);
    expect(l.rows.map((r) => r.advanceFen).slice(5, 7)).toEqual([90_001, 90_000]);
    expect(l.rows.at(-1)).toMatchObject({ cumulativeBudgetFen: 1_200_007, cumulativeAdvanceFen: 1_080_006 });
  });

  test('Charges are booked by category and month, with cumulative charged and balance', () => {
    const l = packageLedger({ budgetFen: 1_200_007, charges }, params, 'demo', 2025);
    // January: 50,000 + 20,000 charged against 100,001; March adds the pharmacy's 10,000 (in scope in the demo county).
    expect(l.rows[0]).toMatchObject({ inCountyFen: 50_000, outOfCountyFen: 20_000, pharmacyFen: 0, chargedFen: 70_000, cumulativeChargedFen: 70_000, cumulativeBalanceFen: 30_001 });
    expect(l.rows[1]).toMatchObject({ chargedFen: 0, cumulativeBudgetFen: 200_002, cumulativeChargedFen: 70_000, cumulativeBalanceFen: 130_002 });
    expect(l.rows[2]).toMatchObject({ pharmacyFen: 10_000, cumulativeBudgetFen: 300_003, cumulativeChargedFen: 80_000, cumulativeBalanceFen: 220_003 });
    expect(l.rows[11]).toMatchObject({ chargedFen: 0, cumulativeChargedFen: 80_000, cumulativeBalanceFen: 1_120_007 });
    expect(l.chargedFen).toBe(80_000);
  });

  test('Pharmacy payments are not charged when the package does not include pharmacies', () => {
    const l = packageLedger({ budgetFen: 1_200_007, charges }, demoWith({ 'package.includesPharmacy': false }), 'demo', 2025);
    expect(l.scope).toEqual({ in_county: true, out_of_county: true, pharmacy: false });
    expect(l.rows[2]).toMatchObject({ pharmacyFen: 0, chargedFen: 0, excludedFen: 10_000 });
    expect([l.chargedFen, l.excludedFen]).toEqual([70_000, 10_000]);
  });

  test('A year with no charges still has twelve rows', () => {
    const l = packageLedger({ budgetFen: 0, charges: [] }, params, 'demo', 2025);
    expect(l.rows).toHaveLength(12);
    expect(l.rows.every((r) => r.chargedFen === 0 && r.advanceFen === 0)).toBe(true);
  });

  test('A charge outside the package year is an error naming it', () => {
    expect(() => packageLedger({ budgetFen: 100, charges: [charge('2024-12', 'in_county', 1)] }, params, 'demo', 2025)).toThrow(/charge 0: month 2024-12 is outside the package year 2025/);
    expect(() => packageLedger({ budgetFen: 100, charges: [charge('2025-13', 'in_county', 1)] }, params, 'demo', 2025)).toThrow(/not YYYY-MM/);
  });
});

describe('the year-end settlement (年终清算)', () => {
  const settle = (chargedFen: number, assessmentScore: number, overspendReasonable = true, tree = params) =>
    settlePackage({ budgetFen: 1_000_000, charges: [charge('2025-06', 'in_county', chargedFen)], assessmentScore, overspendReasonable }, tree, 'demo', 2025);

  test('A surplus with assessment score 92 is retained in full', () => {
    const s = settle(800_000, 92);
    expect(s).toMatchObject({ budgetFen: 1_000_000, chargedFen: 800_000, balanceFen: 200_000, retainedFen: 200_000, returnedToFundFen: 0, fundCompensationFen: 0, communityBearsFen: 0 });
    expect(s.trace.params.find((p) => p.path === 'package.retentionRateByScore')).toMatchObject({ jurisdiction: 'national', effectiveFrom: '2024-01-01', reference: { basis: 'default' } });
  });

  test.each([
    // score, rate, retained of the 200,000 surplus, returned to the fund
    [90, 1, 200_000, 0],
    [85, 0.8, 160_000, 40_000],
    [80, 0.8, 160_000, 40_000],
    [70, 0.5, 100_000, 100_000],
    [59.5, 0, 0, 200_000],
  ])('A surplus with assessment score %s is retained at %s and the rest returns to the fund', (score, rate, retained, returned) => {
    const s = settle(800_000, score);
    expect(s.trace.steps.find((x) => x.name === 'retentionRate')?.value).toBe(rate);
    expect([s.retainedFen, s.returnedToFundFen]).toEqual([retained, returned]);
  });

  test('The retained part is rounded half-up to the fen and retained + returned = balance', () => {
    // 200,001 × 0.8 = 160,000.8 → 160,001; returned 40,000.
    const s = settle(799_999, 85);
    expect([s.balanceFen, s.retainedFen, s.returnedToFundFen]).toEqual([200_001, 160_001, 40_000]);
  });

  test('An overspend is not compensated under 超支不补', () => {
    const s = settle(1_250_000, 95, true);
    expect(s).toMatchObject({ balanceFen: -250_000, retainedFen: 0, returnedToFundFen: 0, fundCompensationFen: 0, communityBearsFen: 250_000 });
    expect(s.trace.params.find((p) => p.path === 'package.overspendShare')).toMatchObject({ value: 0, jurisdiction: 'demo', reference: { basis: 'reported' } });
    expect(s.trace.steps.find((x) => x.name === 'overspend share applied')?.note).toContain('超支不补');
  });

  test('Outside Sanming the fund shares a reasonable overspend at the national default of half, and none of an unreasonable one', () => {
    const national = demoWith({ 'package.overspendShare': null });
    // 250,000 × 0.5 = 125,000 each.
    expect(settle(1_250_000, 95, true, national)).toMatchObject({ fundCompensationFen: 125_000, communityBearsFen: 125_000 });
    expect(settle(1_250_000, 95, false, national)).toMatchObject({ fundCompensationFen: 0, communityBearsFen: 250_000 });
  });

  test('An assessment score outside 0–100 is an error', () => {
    expect(() => settle(0, 101)).toThrow(/assessmentScore must be between 0 and 100/);
  });
});

describe('allocating the retained surplus inside the community (结余留用分配)', () => {
  const facilities: FacilityBasis[] = [
    { facilityId: 'county-hospital', basis: { county: 1 } },
    { facilityId: 'thc-1', basis: { township: 3 } },
    { facilityId: 'thc-2', basis: { township: 1 } },
    { facilityId: 'vc-1', basis: { village: 1 } },
    { facilityId: 'vc-2', basis: { village: 1 } },
    { facilityId: 'vc-3', basis: { village: 1 } },
  ];

  test('The retained surplus is allocated to facilities without losing a fen', () => {
    const a = allocateSurplus({ allocatedFen: 1_000_000, facilities }, params, 'demo', 2025);
    // Weights 60/30/10: county 600,000; township 300,000 at 75,000 per unit (3 : 1); village 100,000 / 3 =
    // 33,333.33 each, the odd fen to the first clinic (largest remainder, ties to the earlier facility).
    expect(a.facilities.map((f) => [f.facilityId, f.fen])).toEqual([
      ['county-hospital', 600_000],
      ['thc-1', 225_000],
      ['thc-2', 75_000],
      ['vc-1', 33_334],
      ['vc-2', 33_333],
      ['vc-3', 33_333],
    ]);
    expect(a.levels.township).toMatchObject({ weight: 30, allocatedFen: 300_000, basisTotal: 4, unit: 75_000 });
    expect(a.trace.params.map((p) => p.path)).toEqual(['package.allocation.weight.county', 'package.allocation.weight.township', 'package.allocation.weight.village']);
  });

  test('The allocation sums to the allocated amount exactly for any surplus and basis', () => {
    const basis = fc.option(fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }).map((x) => x / 100)), { nil: undefined });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50_000_000_000 }),
        fc.array(fc.record({ county: basis, township: basis, village: basis }), { minLength: 1, maxLength: 30 }),
        (allocatedFen, rows) => {
          const fs: FacilityBasis[] = rows.map((r, i) => ({
            facilityId: `f${i}`,
            basis: Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)),
          }));
          // Each level needs some basis: give the first facility one unit of each.
          fs[0]!.basis = { county: 1, township: 1, village: 1, ...Object.fromEntries(Object.entries(fs[0]!.basis).filter(([, v]) => (v ?? 0) > 0)) };
          const a = allocateSurplus({ allocatedFen, facilities: fs }, params, 'demo', 2025);
          expect(a.facilities.reduce((s, f) => s + f.fen, 0)).toBe(allocatedFen);
          for (const k of ['county', 'township', 'village'] as const) {
            const lv = a.levels[k];
            expect(a.facilities.reduce((s, f) => s + f.byLevel[k], 0)).toBe(lv.allocatedFen);
            fs.forEach((f, j) => expect(Math.abs(a.facilities[j]!.byLevel[k] - ((f.basis[k] ?? 0) * lv.allocatedFen) / lv.basisTotal)).toBeLessThan(1 + 1e-6));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test('Allocation to a level with no basis is an error naming the level', () => {
    expect(() => allocateSurplus({ allocatedFen: 1_000_000, facilities: facilities.filter((f) => !f.facilityId.startsWith('vc')) }, params, 'demo', 2025)).toThrow(/the village level has no basis/);
  });

  test('Weights that do not sum to 100 are an error listing them', () => {
    const tree = demoWith({ 'package.allocation.weight.village': 20 });
    expect(() => allocateSurplus({ allocatedFen: 1, facilities }, tree, 'demo', 2025)).toThrow(/sum to 110, not 100 \(county 60, township 30, village 20\)/);
  });

  test('Nothing to allocate needs no basis', () => {
    const a = allocateSurplus({ allocatedFen: 0, facilities: [] }, params, 'demo', 2025);
    expect(a.facilities).toEqual([]);
  });
});

describe('a whole package year', () => {
  test('The ledger, the settlement and the allocation agree with each other', () => {
    // Budget 21,922,550,000 (see the first test); charges 20,000,000,000 in county + 1,000,000,000 out of county
    // + 500,000,000 pharmacy = 21,500,000,000; balance 422,550,000; score 85 → retained × 0.8 = 338,040,000.
    const y = packageYear(
      {
        insured: 270_000,
        charges: [charge('2025-02', 'in_county', 20_000_000_000, 'H1'), charge('2025-07', 'out_of_county', 1_000_000_000), charge('2025-11', 'pharmacy', 500_000_000)],
        assessmentScore: 85,
        overspendReasonable: false,
        facilities: [
          { facilityId: 'county-hospital', basis: { county: 1 } },
          { facilityId: 'thc-1', basis: { township: 12_000, village: 0 } },
          { facilityId: 'thc-2', basis: { township: 8_000, village: 2_500 } },
          { facilityId: 'vc-1', basis: { village: 1_500 } },
        ],
      },
      params,
      'demo',
      2025,
    );
    expect(y.settlement).toMatchObject({ budgetFen: 44_114_930_000, chargedFen: 21_500_000_000, balanceFen: 22_614_930_000, retainedFen: 18_091_944_000, returnedToFundFen: 4_522_986_000 });
    expect(y.ledger.rows.at(-1)?.cumulativeBalanceFen).toBe(y.settlement.balanceFen);
    // 18,091,944,000: county 10,855,166,400; township 5,427,583,200 (3,256,549,920 / 2,171,033,280); village 1,809,194,400 (1,130,746,500 / 678,447,900).
    expect(y.allocation?.facilities.map((f) => f.fen)).toEqual([10_855_166_400, 3_256_549_920, 2_171_033_280 + 1_130_746_500, 678_447_900]);
    expect(y.trace.children.map((c) => c.rule)).toEqual(['insurance.package.budget', 'insurance.package.ledger', 'insurance.package.settle', 'insurance.package.allocate']);
  });
});
