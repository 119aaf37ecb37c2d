import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadParamTree, type ParamTree } from '../rules/params.js';
import { withOverrides } from '../rules/test-support/param-overrides.js';
import { loadCatalogue, SHIPPED_CATALOGUE_DIR, type Catalogue } from '../simulation/catalogue.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { BatchError, buildBatches, loadBatches, prePriceFromCut, VBP_BATCHES_FILE, type VbpProduct } from './batches.js';
import { procurementYear, ProcurementError, type ProcurementInput, type VolumeRow } from './procurement.js';

let params: ParamTree;
let catalogue: Catalogue;
beforeAll(async () => {
  params = await loadParamTree(fileURLToPath(new URL('../../params/', import.meta.url)));
  catalogue = await loadCatalogue();
});

const months = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `2025-${String(from + i).padStart(2, '0')}`);
const rows = (ms: string[], institutionId: string, itemId: string, quantity: number, price: number): VolumeRow[] => ms.map((month) => ({ month, institutionId, itemId, quantity, amountFen: quantity * price }));

// Batch 1 cuts 52%: amlodipine ¥4.20 was 420 / 0.48 = 875 fen before procurement.
const amlodipine: VbpProduct = {
  batchId: 'national_1',
  kind: 'drug',
  itemId: 'amlodipine',
  units: 28,
  winners: 3,
  cut: 0.52,
  cutSource: 'batch',
  prePriceFen: 875,
  selectedPriceFen: 420,
  firms: [],
  alternatives: [{ drug: 'amlodipine_originator', units: 7 }],
  agreement: { from: '2025-01-01', to: '2025-12-31' },
};
// Batch 7 cuts 54%: budesonide ¥30.00 was 3,000 / 0.46 = 6,521.74 → 6,522 fen before procurement.
const budesonide: VbpProduct = {
  batchId: 'national_7',
  kind: 'drug',
  itemId: 'budesonide_neb',
  units: 5,
  winners: 3,
  cut: 0.54,
  cutSource: 'batch',
  prePriceFen: 6522,
  selectedPriceFen: 3000,
  firms: [],
  alternatives: [],
  agreement: { from: '2025-04-01', to: '2027-03-31' },
};
const hip: VbpProduct = { batchId: 'national_consumables_joints', kind: 'consumable', itemId: 'hip_prosthesis', units: 1, winners: 4, cut: 0.82, cutSource: 'batch', firms: [], alternatives: [], agreement: { from: '2025-01-01', to: '2026-12-31' } };

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
    expect(aml).toMatchObject({ prePriceFen: 875, selectedPriceFen: 420, cut: 0.52, cutSource: 'batch', firms: [], units: 28, alternatives: [{ drug: 'amlodipine_originator', units: 7 }] });
    expect(aml.manufacturer).toBeUndefined();
    expect(products.filter((p) => p.kind === 'consumable').map((p) => p.itemId).sort()).toEqual(['hip_prosthesis', 'intraocular_lens', 'stapler']);
  });

  test('Every drug winner is priced before procurement from its batch’s reported cut, pre = price / (1 − cut) half-up to the fen', async () => {
    const products = await loadBatches(SHIPPED_CATALOGUE_DIR, catalogue);
    const pre = (id: string) => products.find((p) => p.itemId === id)!;
    // Batch 1 (4+7) 52%: 420 / 0.48 = 875;  batch 2 54%: acarbose 1,800 / 0.46 = 3,913.04 → 3,913;
    // batch 5 56%: ceftriaxone 350 / 0.44 = 795.45 → 795;  insulin 48%: 7,000 / 0.52 = 13,461.54 → 13,462;
    // TCM alliance 42%: xueshuantong 2,800 / 0.58 = 4,827.59 → 4,828.
    expect(pre('amlodipine')).toMatchObject({ cut: 0.52, prePriceFen: 875 });
    expect(pre('acarbose')).toMatchObject({ cut: 0.54, prePriceFen: 3913 });
    expect(pre('ceftriaxone')).toMatchObject({ cut: 0.56, prePriceFen: 795 });
    expect(pre('insulin_glargine')).toMatchObject({ cut: 0.48, prePriceFen: 13_462 });
    expect(pre('xueshuantong_iv')).toMatchObject({ cut: 0.42, prePriceFen: 4828 });
    // The batch cuts: 4+7 52% [S5]; rounds 2–3 54% [S6]; batch 5 56% [R20]; 4 and 7 54% (defaults).
    const cutOf = new Map(products.map((p) => [p.batchId, p.cut]));
    expect(Object.fromEntries(cutOf)).toEqual({
      national_1: 0.52,
      national_2: 0.54,
      national_3: 0.54,
      national_4: 0.54,
      national_5: 0.56,
      national_6_insulin: 0.48,
      national_7: 0.54,
      alliance_tcm_hubei: 0.42,
      national_consumables_joints: 0.82,
      national_consumables_lens: 0.6,
      alliance_consumables_stapler: 0.7,
    });
    for (const p of products.filter((x) => x.kind === 'drug')) expect(p.cutSource, p.itemId).toBe('batch');
  });

  test('The price before procurement rounds half-up to the fen', () => {
    // 1 / (1 − 0.6) = 2.5 → 3;  3 / 0.4 = 7.5 → 8;  2 / 0.4 = 5 exactly;  9,999 / 0.0001 = 99,990,000.
    expect([prePriceFromCut(1, 0.6), prePriceFromCut(3, 0.6), prePriceFromCut(2, 0.6), prePriceFromCut(9999, 0.9999)]).toEqual([3, 8, 5, 99_990_000]);
  });

  const shipped = () => parseYaml(readFileSync(path.join(SHIPPED_CATALOGUE_DIR, VBP_BATCHES_FILE), 'utf8')) as Array<Record<string, unknown> & { products: Array<Record<string, unknown>> }>;
  const withDrug = (id: string, over: Record<string, unknown>): Catalogue => ({ ...catalogue, drugs: catalogue.drugs.map((d) => (d.id === id ? { ...d, ...over } : d)) });
  const problemsOf = (raw: unknown, cat: Catalogue): string[] => {
    try {
      buildBatches(raw, cat, 'batches.yaml');
    } catch (e) {
      if (e instanceof BatchError) return e.problems;
      throw e;
    }
    return [];
  };

  test('A price before procurement stated in drugs.yaml must be the one the cut gives, or the batches are refused naming the drug and both values', () => {
    expect(problemsOf(shipped(), withDrug('amlodipine', { preVbpPriceFen: 875 }))).toEqual([]);
    expect(problemsOf(shipped(), withDrug('amlodipine', { preVbpPriceFen: 3300 }))).toEqual([
      'batches.yaml: batch national_1: drug amlodipine: drugs.yaml gives preVbpPriceFen 3300, but its cut 0.52 (the reportedCut of the batch) gives 875 (= 420 / (1 − 0.52), half-up to the fen); remove preVbpPriceFen from drugs.yaml or make it 875',
    ]);
  });

  test('A product’s own published cut replaces the batch’s; a batch without a reportedCut needs one on each product', () => {
    const own = shipped();
    own[0]!.products[0]!.cut = 0.9; // amlodipine: 420 / 0.1 = 4,200
    const aml = buildBatches(own, catalogue).find((p) => p.itemId === 'amlodipine')!;
    expect(aml).toMatchObject({ cut: 0.9, cutSource: 'product', prePriceFen: 4200 });
    const none = shipped();
    delete none[0]!.reportedCut;
    const problems = problemsOf(none, catalogue);
    expect(problems).toHaveLength(10);
    expect(problems[0]).toBe('batches.yaml: batch national_1: drug amlodipine has no cut: give the batch its reportedCut (or the product its own published cut)');
    const fine = shipped();
    fine[0]!.reportedCut = 0.52345;
    expect(problemsOf(fine, catalogue)[0]).toBe('batches.yaml: batch national_1: reportedCut: a fraction with at most 4 decimals');
  });

  test('Selected firms and the manufacturer are carried to the products; firms must match the winners and include the catalogue’s manufacturer', () => {
    const raw = shipped();
    raw[0]!.products[0]!.firms = ['甲药业有限公司', '乙制药股份有限公司', '丙药业集团有限公司']; // amlodipine, 3 winners
    const cat = withDrug('amlodipine', { manufacturer: '乙制药股份有限公司' });
    const aml = buildBatches(raw, cat).find((p) => p.itemId === 'amlodipine')!;
    expect(aml).toMatchObject({ firms: ['甲药业有限公司', '乙制药股份有限公司', '丙药业集团有限公司'], manufacturer: '乙制药股份有限公司' });
    // The firms and manufacturer reach the procurement rows by product.
    const y = procurementYear(base({ products: [aml], drugVolumes: rows(['2025-03'], 'T1', 'amlodipine', 1, 420) }), params, 'demo');
    expect(y.byProduct).toEqual([
      expect.objectContaining({ itemId: 'amlodipine', cut: 0.52, prePriceFen: 875, selectedPriceFen: 420, firms: ['甲药业有限公司', '乙制药股份有限公司', '丙药业集团有限公司'], manufacturer: '乙制药股份有限公司', savingFen: 455 }),
    ]);
    expect(problemsOf(raw, withDrug('amlodipine', { manufacturer: '丁药业有限公司' }))).toEqual([
      'batches.yaml: batch national_1: drug amlodipine is made by "丁药业有限公司" in drugs.yaml, which is not one of the batch\'s firms (甲药业有限公司, 乙制药股份有限公司, 丙药业集团有限公司)',
    ]);
    raw[0]!.products[0]!.firms = ['甲药业有限公司'];
    expect(problemsOf(raw, catalogue)).toEqual(['batches.yaml: batch national_1: drug amlodipine lists 1 firms but has 3 winners']);
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
    //   saving   = 12 × (875 × 10 − 4,200) = 12 × 4,550 = 54,600 fen
    //   fund     = 54,600 × 600 / 1,000 = 32,760;  retained = 32,760 × 50% = 16,380
    const y = procurementYear(base({ drugVolumes: [...rows(months(1, 12), 'T1', 'amlodipine', 10, 420), ...rows(months(1, 12), 'T1', 'amlodipine_originator', 8, 2800)] }), params, 'demo');
    const a = y.agreements.find((x) => x.itemId === 'amlodipine' && x.institutionId === 'T1')!;
    expect(a).toMatchObject({ reportedDemand: 4032, agreedShare: 0.7, agreed: 2822, purchased: 3360, nonSelected: 672, savingFen: 54_600, fundSavingFen: 32_760, retainedFen: 16_380, onSchedule: true, alert: false });
    expect(a.completion).toBeCloseTo(3360 / 2822, 12);
    expect(a.nonSelectedShare).toBeCloseTo(672 / 4032, 12);
    expect(a.months).toHaveLength(12);
    expect(a.months[5]).toMatchObject({ month: '2025-06', cumulative: 1680 });
    expect(a.months[5]!.timeProgress).toBeCloseTo(181 / 365, 12);
    expect(y).toMatchObject({ savingFen: 54_600, drugSavingFen: 54_600, consumableSavingFen: 0, fundSavingFen: 32_760, retainedFen: 16_380 });
    expect(y.byMonth).toHaveLength(12);
    expect(y.byMonth[0]).toEqual({ month: '2025-01', savingFen: 4_550 });
  });

  test('A batch whose agreement starts in April counts purchases from April, pro-rates the agreed volume, and alerts when behind', () => {
    // CGH uses 20 boxes (5 vials each) of budesonide every month from January to April, then none.
    //   demand  = 4 × 20 × 5 = 400 vials;  window 2025-04-01 … 2025-12-31 = 275 days
    //   agreed  = 400 × 70% × 275/365 = 210.96 → 211;  purchased (April only) = 100 → completion 47.39%
    //   saving  = 6,522 × 20 − 60,000 = 70,440;  fund = 70,440 × 500/1,000 = 35,220
    //   behind schedule (47.39% < 100% time progress): retained = 35,220 × 50% × 100/211 = 8,345.97 → 8,346
    //   alert from September: completion < 80% × time progress once elapsed days > 162.9 (end of August 153 days, end of September 183)
    const y = procurementYear(base({ drugVolumes: rows(months(1, 4), 'CGH', 'budesonide_neb', 20, 3000) }), params, 'demo');
    const a = y.agreements.find((x) => x.itemId === 'budesonide_neb')!;
    expect(a).toMatchObject({ window: { from: '2025-04-01', to: '2025-12-31' }, reportedDemand: 400, agreed: 211, purchased: 100, savingFen: 70_440, fundSavingFen: 35_220, retainedFen: 8_346, onSchedule: false, alert: true });
    expect(a.months.map((m) => m.month)).toEqual(months(4, 12));
    expect(a.months.find((m) => m.month === '2025-08')!.alert).toBe(false);
    expect(a.months.find((m) => m.month === '2025-09')!.alert).toBe(true);
  });

  test('With retention none an institution behind schedule keeps nothing', () => {
    const tree = withOverrides(params, 'demo', { 'procurement.retentionWhenBehind': 'none' });
    const y = procurementYear(base({ drugVolumes: rows(months(1, 4), 'CGH', 'budesonide_neb', 20, 3000) }), tree, 'demo');
    expect(y.agreements[0]!.retainedFen).toBe(0);
    expect(y.fundSavingFen).toBe(35_220);
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
