import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadParamTree, type ParamTree } from '../rules/params.js';
import { withOverrides } from '../rules/test-support/param-overrides.js';
import { loadCatalogue, type Catalogue } from '../simulation/catalogue.js';
import { priceOn, priceTable } from './prices.js';
import { priceProposal, type ProposalInput, type ServiceUse } from './proposal.js';

let params: ParamTree;
let catalogue: Catalogue;
beforeAll(async () => {
  params = await loadParamTree(fileURLToPath(new URL('../../params/', import.meta.url)));
  catalogue = await loadCatalogue();
});

const YEAR = { year: 2025, visits: 1000, visitChargesFen: 10_000_000, admissions: 100, admissionChargesFen: 90_000_000, medicalRevenueFen: 100_000_000 };

const input = (over: Partial<ProposalInput> = {}): ProposalInput => ({
  year: 2025,
  effectiveFrom: '2026-01-01',
  catalogue,
  prices: priceTable(catalogue, params, 'demo', '2025-07-01'),
  uses: [
    { institutionId: 'CGH', level: 'county', serviceId: 'ct_head', quantity: 100, amountFen: 1_600_000 },
    { institutionId: 'CGH', level: 'county', serviceId: 'nursing_day', quantity: 1000, amountFen: 2_500_000 },
    { institutionId: 'T1', level: 'township', serviceId: 'nursing_day', quantity: 500, amountFen: 750_000 },
  ],
  institutions: [
    { id: 'CGH', level: 'county', fundFen: 6, chargesFen: 10, savingFen: 600_000 },
    { id: 'T1', level: 'township', fundFen: 7, chargesFen: 10, savingFen: 400_000 },
  ],
  procurementSavingFen: 1_000_000,
  fund: { balanceFen: 10_000_000_000, monthlySpendFen: 100_000_000 },
  history: [YEAR],
  ...over,
});

describe('the service-price table (医疗服务价格表)', () => {
  test('Without an adopted adjustment an item costs its catalogue price, and a level that does not offer it has none', () => {
    expect(priceOn(catalogue, params, 'demo', 'nursing_day', 'county', '2025-07-01')).toEqual({ priceFen: 2500, adopted: null });
    expect(priceOn(catalogue, params, 'demo', 'ct_head', 'village', '2025-07-01')).toBeUndefined();
  });
});

describe('the price proposal (调价方案)', () => {
  test('Test prices are cut, the space is passed to labour items, and every fen of the space is accounted for', () => {
    // Cut: head CT at the county ¥160 → ¥144 (10%), 100 scans: cuts = 160,000.
    // Space = 1,000,000 (procurement) + 160,000 = 1,160,000; passed through 80% = 928,000;
    // the fund (¥100,000,000 balance, ¥1,000,000 a month) affords it all.
    // Only nursing has volume, so it takes the whole 928,000: base = 2,500 × 1,000 + 1,500 × 500 = 3,250,000,
    // rate = 928,000 / 3,250,000 = 28.553846%; county ¥25 + floor(713.8 to 10 fen) = 3,210; township 1,500 + 420 = 1,920.
    // Raises = 710 × 1,000 + 420 × 500 = 920,000; unused = 232,000 not passed + 8,000 rounding = 240,000.
    const p = priceProposal(input(), params, 'demo');
    expect(p.space).toEqual({ procurementFen: 1_000_000, cutsFen: 160_000, totalFen: 1_160_000 });
    expect(p.adjustmentTotalFen).toBe(928_000);
    const nursing = p.groups.find((g) => g.category === 'nursing')!;
    expect(nursing).toMatchObject({ budgetFen: 928_000, baseRevenueFen: 3_250_000, usedFen: 920_000, cappedAtMaxRate: false });
    expect(p.changes.find((c) => c.serviceId === 'nursing_day' && c.level === 'county')).toMatchObject({ oldFen: 2500, newFen: 3210, quantity: 1000, revenueChangeFen: 710_000 });
    expect(p.changes.find((c) => c.serviceId === 'nursing_day' && c.level === 'township')).toMatchObject({ oldFen: 1500, newFen: 1920 });
    expect(p.changes.find((c) => c.serviceId === 'ct_head' && c.level === 'county')).toMatchObject({ oldFen: 16_000, newFen: 14_400, revenueChangeFen: -160_000 });
    expect(p.use).toEqual({ raisesFen: 920_000, unused: { notPassedThroughFen: 232_000, overAffordabilityFen: 0, noVolumeFen: 0, maxRateFen: 0, roundingFen: 8_000 }, unusedFen: 240_000 });
  });

  test('The impact splits each institution’s revenue change between the fund and patients by its settled share', () => {
    // CGH: −160,000 + 710,000 = 550,000; fund 6/10 = 330,000; patients 220,000.
    // T1: 210,000; fund 7/10 = 147,000; patients 63,000.
    // With the procurement saving: CGH 550,000 − 600,000 = −50,000 → fund −30,000, patients −20,000;
    // T1 210,000 − 400,000 = −190,000 → fund −133,000, patients −57,000. Patients pay 77,000 less: adoptable.
    const p = priceProposal(input(), params, 'demo');
    expect(p.impact).toMatchObject({ revenueChangeFen: 760_000, raisesFen: 920_000, cutsFen: 160_000, fundChangeFen: 477_000, patientChangeFen: 283_000, chainFundChangeFen: -163_000, chainPatientChangeFen: -77_000 });
    expect(p.impact.byInstitution.find((i) => i.institutionId === 'CGH')).toMatchObject({ revenueChangeFen: 550_000, fundChangeFen: 330_000, patientChangeFen: 220_000, byCategory: { examination: -160_000, nursing: 710_000 } });
    expect(p.mayRaise).toBe(true);
    expect(p.triggers.find((c) => c.id === 'space_available')!.status).toBe('met');
    expect(p.triggers.find((c) => c.id === 'revenue_growth_below_gdp')!.status).toBe('no_data');
    expect(p.reasons).toEqual([]);
    expect(p.adoptable).toBe(true);
    expect(p.constraints.every((c) => c.status === 'met')).toBe(true);
  });

  test('A fund short of its required months blocks the raise and caps the total', () => {
    // Balance ¥2,500,000 against ¥1,000,000 a month: 2.5 months < 3.
    const p = priceProposal(input({ fund: { balanceFen: 250_000_000, monthlySpendFen: 100_000_000 } }), params, 'demo');
    expect(p.blocks.find((c) => c.id === 'fund_months')!.status).toBe('met');
    expect(p.adjustmentTotalFen).toBe(0);
    expect(p.use.unused.overAffordabilityFen).toBe(928_000);
    expect(p.adoptable).toBe(false);
    expect(p.reasons).toContain('a block condition is met');
  });

  test('A proposal that would raise what patients pay is not adoptable', () => {
    // Without the procurement saving the raises are paid partly by patients.
    const p = priceProposal(input({ institutions: input().institutions.map((i) => ({ ...i, savingFen: 0 })), procurementSavingFen: 1_000_000 }), params, 'demo');
    expect(p.impact.chainPatientChangeFen).toBe(283_000);
    expect(p.adoptable).toBe(false);
    expect(p.reasons.join()).toMatch(/constraint patient_burden fails/);
  });

  test('Which categories are raised is parameter data: with the nursing weight at 0 nursing keeps its price', () => {
    // Nursing is the only raise group with volume here, so the whole adjustment total is unused for lack of volume.
    const p = priceProposal(input(), withOverrides(params, 'demo', { 'pricing.proposal.raiseWeight.nursing': 0 }), 'demo');
    expect(p.groups.map((g) => g.category)).toEqual(['consultation', 'treatment', 'surgery']); // settlement-list order
    expect(p.changes.some((c) => c.category === 'nursing')).toBe(false);
    expect(p.use.unused.noVolumeFen).toBe(928_000);
    expect(p.use.raisesFen).toBe(0);
  });

  test('A group that would need more than the maximum rise stops there and reports the rest', () => {
    const p = priceProposal(input({ procurementSavingFen: 10_000_000 }), params, 'demo');
    const nursing = p.groups.find((g) => g.category === 'nursing')!;
    expect(nursing.cappedAtMaxRate).toBe(true);
    expect(nursing.rate).toBe(0.3);
    expect(p.use.unused.maxRateFen).toBe(nursing.budgetFen - nursing.usedFen);
  });

  test('Property: every fen of the space is either used by the raises or reported as unused', () => {
    const services = ['nursing_day', 'inpatient_consultation', 'ct_head', 'ecg', 'bed_day', 'outpatient_consultation'];
    const use = fc.record({
      institution: fc.constantFrom('CGH', 'T1'),
      serviceId: fc.constantFrom(...services),
      quantity: fc.integer({ min: 0, max: 20_000 }),
    });
    fc.assert(
      fc.property(fc.array(use, { maxLength: 12 }), fc.integer({ min: 0, max: 50_000_000 }), fc.integer({ min: 0, max: 2_000_000_000 }), (us, saving, balance) => {
        const uses: ServiceUse[] = us.flatMap((u) => {
          const level = u.institution === 'CGH' ? 'county' : 'township';
          const price = catalogue.services[catalogue.serviceIndex.get(u.serviceId)!]!.price[level];
          return price === undefined ? [] : [{ institutionId: u.institution, level, serviceId: u.serviceId, quantity: u.quantity, amountFen: u.quantity * price }];
        });
        const p = priceProposal(input({ uses, procurementSavingFen: saving, fund: { balanceFen: balance, monthlySpendFen: 100_000_000 } }), params, 'demo');
        const u = p.use.unused;
        expect(p.use.raisesFen + u.notPassedThroughFen + u.overAffordabilityFen + u.noVolumeFen + u.maxRateFen + u.roundingFen).toBe(p.space.totalFen);
        expect(p.use.raisesFen).toBeLessThanOrEqual(p.adjustmentTotalFen);
        expect(p.impact.revenueChangeFen).toBe(p.use.raisesFen - p.space.cutsFen);
        for (const k of Object.values(u)) expect(Number.isInteger(k)).toBe(true);
      }),
      { seed: 20251122, numRuns: 200 },
    );
  });
});
