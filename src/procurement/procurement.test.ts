import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadParamTree, type ParamTree } from '../rules/params.js';
import { withOverrides } from '../rules/test-support/param-overrides.js';
import { loadCatalogue, SHIPPED_CATALOGUE_DIR, type Catalogue } from '../simulation/catalogue.js';
import { BatchError, buildBatches, loadBatches, type VbpProduct } from './batches.js';
import { procurementYear, ProcurementError, type ProcurementInput, type VolumeRow } from './procurement.js';

let params: ParamTree;
let catalogue: Catalogue;
beforeAll(async () => {
  params = await loadParamTree(fileURLToPath(new URL('../../params/', import.meta.url)));
  catalogue = await loadCatalogue();
});

const months = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `2025-${String(from + i).padStart(2, '0')}`);
const rows = (ms: string[], institutionId: string, itemId: string, quantity: number, price: number): VolumeRow[] => ms.map((month) => ({ month, institutionId, itemId, quantity, amountFen: quantity * price }));

const amlodipine: VbpProduct = {
  batchId: 'national_1',
  kind: 'drug',
  itemId: 'amlodipine',
  units: 28,
  winners: 3,
  prePriceFen: 3300,
  selectedPriceFen: 420,
  alternatives: [{ drug: 'amlodipine_originator', units: 7 }],
  agreement: { from: '2025-01-01', to: '2025-12-31' },
};
const budesonide: VbpProduct = {
  batchId: 'national_7',
  kind: 'drug',
  itemId: 'budesonide_neb',
  units: 5,
  winners: 3,
  prePriceFen: 8000,
  selectedPriceFen: 3000,
  alternatives: [],
  agreement: { from: '2025-04-01', to: '2027-03-31' },
};
const hip: VbpProduct = { batchId: 'national_consumables_joints', kind: 'consumable', itemId: 'hip_prosthesis', units: 1, winners: 4, cut: 0.82, alternatives: [], agreement: { from: '2025-01-01', to: '2026-12-31' } };

const base = (over: Partial<ProcurementInput>): ProcurementInput => ({
  year: 2025,
  products: [amlodipine, budesonide, hip],
  drugVolumes: [],
  serviceVolumes: [],
  institutions: [
    { id: 'T1', careLevel: 'township', inCounty: true, fundFen: 600, chargesFen: 1000 },
    { id: 'CGH', careLevel: 'county', inCounty: true, fundFen: 500, chargesFen: 1000 },
    { id: 'OCITY', careLevel: 'out_of_county', inCounty: false, fundFen: 700, chargesFen: 1000 },
  ],
  consumablePrice: (id, level) => catalogue.services[catalogue.serviceIndex.get(id)!]!.price[level],
  ...over,
});

describe('the procurement batches (带量采购批次)', () => {
  test('The shipped batches resolve against the catalogue and cover every VBP winner', async () => {
    const products = await loadBatches(SHIPPED_CATALOGUE_DIR, catalogue);
    const drugs = products.filter((p) => p.kind === 'drug').map((p) => p.itemId);
    expect(drugs).toContain('amlodipine');
    for (const d of catalogue.drugs) if (d.vbp) expect(drugs).toContain(d.id);
    const aml = products.find((p) => p.itemId === 'amlodipine')!;
    expect(aml).toMatchObject({ prePriceFen: 3300, selectedPriceFen: 420, units: 28, alternatives: [{ drug: 'amlodipine_originator', units: 7 }] });
    expect(products.filter((p) => p.kind === 'consumable').map((p) => p.itemId).sort()).toEqual(['hip_prosthesis', 'intraocular_lens', 'stapler']);
  });

  test('A batch naming a drug the catalogue lacks, or a product selected twice, is refused with the batch named', () => {
    const raw = [
      { id: 'b1', name: { zh: '甲', en: 'A' }, kind: 'national', tendered: '2020-01-01', agreement: { from: '2025-01-01', to: '2025-12-31' }, products: [{ drug: 'no_such_drug', units: 1, winners: 1 }] },
      { id: 'b2', name: { zh: '乙', en: 'B' }, kind: 'national', tendered: '2020-01-01', agreement: { from: '2025-01-01', to: '2024-12-31' }, consumables: [{ service: 'ct_head', units: 1, winners: 1, cut: 0.5 }] },
    ];
    let err: unknown;
    try {
      buildBatches(raw, catalogue, 'batches.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BatchError);
    const problems = (err as BatchError).problems.join('\n');
    expect(problems).toContain('batches.yaml: batch b1: drug no_such_drug is not in the catalogue');
    expect(problems).toContain('batch b2: agreement.to 2024-12-31 is before agreement.from 2025-01-01');
    expect(problems).toContain('service ct_head is not a consumable');
    expect(problems).toContain('drug amlodipine is a VBP winner in drugs.yaml but in no batch');
  });
});

describe('a year of volume-based procurement (带量采购)', () => {
  test('An institution ahead of its agreed volume keeps half of the fund saving', () => {
    // T1 buys 10 boxes of the selected amlodipine (28 tablets, ¥4.20) and 8 boxes of the originator
    // (7 tablets) every month of 2025.
    //   reported demand (same_year, demo) = 12 × (10 × 28 + 8 × 7) = 4,032 tablets
    //   agreed   = 4,032 × 70% (3 winners) × 365/365 = 2,822.4 → 2,822 tablets
    //   purchased = 12 × 280 = 3,360 → completion 3,360 / 2,822 = 119.06%
    //   saving   = 12 × (3,300 × 10 − 4,200) = 345,600 fen
    //   fund     = 345,600 × 600 / 1,000 = 207,360;  retained = 207,360 × 50% = 103,680
    const y = procurementYear(base({ drugVolumes: [...rows(months(1, 12), 'T1', 'amlodipine', 10, 420), ...rows(months(1, 12), 'T1', 'amlodipine_originator', 8, 2800)] }), params, 'demo');
    const a = y.agreements.find((x) => x.itemId === 'amlodipine' && x.institutionId === 'T1')!;
    expect(a).toMatchObject({ reportedDemand: 4032, agreedShare: 0.7, agreed: 2822, purchased: 3360, nonSelected: 672, savingFen: 345_600, fundSavingFen: 207_360, retainedFen: 103_680, onSchedule: true, alert: false });
    expect(a.completion).toBeCloseTo(3360 / 2822, 12);
    expect(a.nonSelectedShare).toBeCloseTo(672 / 4032, 12);
    expect(a.months).toHaveLength(12);
    expect(a.months[5]).toMatchObject({ month: '2025-06', cumulative: 1680 });
    expect(a.months[5]!.timeProgress).toBeCloseTo(181 / 365, 12);
    expect(y).toMatchObject({ savingFen: 345_600, drugSavingFen: 345_600, consumableSavingFen: 0, fundSavingFen: 207_360, retainedFen: 103_680 });
    expect(y.byMonth).toHaveLength(12);
    expect(y.byMonth[0]).toEqual({ month: '2025-01', savingFen: 28_800 });
  });

  test('A batch whose agreement starts in April counts purchases from April, pro-rates the agreed volume, and alerts when behind', () => {
    // CGH uses 20 boxes (5 vials each) of budesonide every month from January to April, then none.
    //   demand  = 4 × 20 × 5 = 400 vials;  window 2025-04-01 … 2025-12-31 = 275 days
    //   agreed  = 400 × 70% × 275/365 = 210.96 → 211;  purchased (April only) = 100 → completion 47.39%
    //   saving  = 8,000 × 20 − 60,000 = 100,000;  fund = 100,000 × 500/1,000 = 50,000
    //   behind schedule (47.39% < 100% time progress): retained = 50,000 × 50% × 100/211 = 11,848.34 → 11,848
    //   alert from September: completion < 80% × time progress once elapsed days > 162.9 (end of August 153 days, end of September 183)
    const y = procurementYear(base({ drugVolumes: rows(months(1, 4), 'CGH', 'budesonide_neb', 20, 3000) }), params, 'demo');
    const a = y.agreements.find((x) => x.itemId === 'budesonide_neb')!;
    expect(a).toMatchObject({ window: { from: '2025-04-01', to: '2025-12-31' }, reportedDemand: 400, agreed: 211, purchased: 100, savingFen: 100_000, fundSavingFen: 50_000, retainedFen: 11_848, onSchedule: false, alert: true });
    expect(a.months.map((m) => m.month)).toEqual(months(4, 12));
    expect(a.months.find((m) => m.month === '2025-08')!.alert).toBe(false);
    expect(a.months.find((m) => m.month === '2025-09')!.alert).toBe(true);
  });

  test('With retention none an institution behind schedule keeps nothing', () => {
    const tree = withOverrides(params, 'demo', { 'procurement.retentionWhenBehind': 'none' });
    const y = procurementYear(base({ drugVolumes: rows(months(1, 4), 'CGH', 'budesonide_neb', 20, 3000) }), tree, 'demo');
    expect(y.agreements[0]!.retainedFen).toBe(0);
    expect(y.fundSavingFen).toBe(50_000);
  });

  test('A consumable saving uses the price before procurement derived from the reported cut', () => {
    // Hip prosthesis at the county level ¥7,000, cut 82%: pre = 700,000 / 0.18 = 3,888,888.9 → 3,888,889 fen.
    // Two in 2025-03: saving = 2 × 3,888,889 − 1,400,000 = 6,377,778.
    const y = procurementYear(base({ serviceVolumes: [{ month: '2025-03', institutionId: 'CGH', itemId: 'hip_prosthesis', quantity: 2, amountFen: 1_400_000 }] }), params, 'demo');
    expect(y).toMatchObject({ savingFen: 6_377_778, consumableSavingFen: 6_377_778, drugSavingFen: 0 });
  });

  test('Hospitals out of county do not count toward the county agreements', () => {
    const y = procurementYear(base({ drugVolumes: rows(months(1, 12), 'OCITY', 'amlodipine', 10, 420) }), params, 'demo');
    expect(y.savingFen).toBe(0);
    expect(y.agreements).toHaveLength(0);
  });

  test('The previous-year basis without the previous year is refused with what to do', () => {
    const tree = withOverrides(params, 'demo', { 'procurement.reportedDemandBasis': null });
    expect(() => procurementYear(base({}), tree, 'demo')).toThrow(ProcurementError);
    expect(() => procurementYear(base({}), tree, 'demo')).toThrow(/no drug volumes of 2024 are loaded for demo; load that year or set the parameter to same_year/);
    // With the previous year, demand comes from it: 12 × 336 tablets in 2024, 365 days.
    const prev = rows(months(1, 12), 'T1', 'amlodipine', 12, 420).map((r) => ({ ...r, month: r.month.replace('2025', '2024') }));
    const y = procurementYear(base({ previousDrugVolumes: prev, drugVolumes: rows(months(1, 12), 'T1', 'amlodipine', 10, 420) }), tree, 'demo');
    // agreed = 12 × 12 × 28 × 70% = 2,822.4 → 2,822
    expect(y.agreements[0]).toMatchObject({ reportedDemand: 4032, agreed: 2822 });
  });

  test('A volume row of an institution the county does not know is refused', () => {
    expect(() => procurementYear(base({ drugVolumes: rows(['2025-01'], 'NOPE', 'amlodipine', 1, 420) }), params, 'demo')).toThrow(/institution NOPE/);
  });

  test('Zero mark-up: the drug mark-up parameters are zero and there is no mark-up revenue', () => {
    const y = procurementYear(base({ drugVolumes: rows(months(1, 2), 'T1', 'amlodipine', 10, 420) }), params, 'demo');
    expect(y.markup).toEqual({ drugRate: 0, consumableRate: 0, markupRevenueFen: 0 });
    expect(y.trace.params.map((p) => p.path)).toEqual(expect.arrayContaining(['procurement.markupRate.drug', 'procurement.agreedShare', 'procurement.retentionShare']));
  });

  test('Under a 15% drug mark-up the mark-up revenue is amount × 15/115', () => {
    // 2 months × 10 boxes × ¥4.20 = 8,400 fen at T1; 8,400 × 15 / 115 = 1,095.65 → 1,096.
    const tree = withOverrides(params, 'demo', { 'procurement.markupRate.drug': 0.15 });
    const y = procurementYear(base({ drugVolumes: rows(months(1, 2), 'T1', 'amlodipine', 10, 420) }), tree, 'demo');
    expect(y.markup.markupRevenueFen).toBe(1096);
  });
});
