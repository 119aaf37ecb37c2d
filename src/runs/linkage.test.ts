/**
 * The linkage chain over a settled county-year in the store (issue 6 §4): the figures of one section
 * are the inputs of the next, every fen of the space is used or reported unused, the result is stored
 * and deterministic, and an adopted proposal becomes dated prices that later years use.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadParamTree, type ParamTree } from '../rules/params.js';
import { loadCatalogue, SHIPPED_CATALOGUE_DIR, type Catalogue } from '../simulation/catalogue.js';
import { backends } from '../store/test-support/backends.js';
import type { Store } from '../store/store.js';
import { SHIPPED_PARAMS_DIR } from './config.js';
import { generateToDirectory } from './generate.js';
import { loadGenerated } from './load-generated.js';
import { seedJurisdictions } from './seed.js';
import { settleYear } from './settle.js';
import { LinkageInputError, linkageYear, readLinkage, type LinkageResult } from './linkage.js';
import { adoptedPriceFiles } from '../pricing/adopt.js';
import { importPurchaseOrders } from './import-orders.js';
import { priceOn } from '../pricing/prices.js';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

let tmp: string;
let dir: string;
let params: ParamTree;
let catalogue: Catalogue;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sanyi-linkage-'));
  params = await loadParamTree(SHIPPED_PARAMS_DIR);
  catalogue = await loadCatalogue(SHIPPED_CATALOGUE_DIR);
  dir = path.join(tmp, 'gen');
  await generateToDirectory({ params, catalogue, population: 6000, startYear: 2025, years: 1, seed: 7, out: dir, catalogueVersion: catalogue.version, generatedBy: 'test' });
}, 60_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const backend = backends[0]!;

const ORDERS = [
  'order_date,institution_id,item_kind,item_id,quantity,unit_price_fen',
  '2025-03-10,CGH,drug,amlodipine,100,420',
  '2025-03-20,CGH,drug,amlodipine_originator,50,2800',
  '2025-05-05,CGH,consumable,hip_prosthesis,2,700000',
  '2025-13-01,CGH,drug,amlodipine,1,420',
  '2025-03-11,NOPE,drug,amlodipine,1,420',
  '2025-03-11,CGH,device,amlodipine,1,420',
  '2025-03-11,CGH,drug,no_such_drug,1,420',
  '2025-03-11,CGH,consumable,ct_head,1,420',
  '2025-03-11,CGH,drug,amlodipine,0,420',
  '2025-03-11,CGH,drug,amlodipine,1,-5',
  '2025-03-11,CGH,drug,amlodipine,1',
  '',
].join('\n');

describe(`the linkage of a settled county-year (${backend.name})`, () => {
  let store: Store;
  let r: LinkageResult;
  beforeAll(async () => {
    store = await backend.open();
    await seedJurisdictions(store, params);
    await loadGenerated(store, dir);
    await settleYear({ store, params }, { jurisdiction: 'demo', year: 2025 });
    r = await linkageYear({ store, params }, { jurisdiction: 'demo', year: 2025 });
  }, 120_000);
  afterAll(async () => {
    await store?.close();
  });

  test('VBP savings are the sum over institutions, products and months, and become the space with the test cuts', () => {
    const s = r.summary;
    expect(s.vbp_savings_fen).toBeGreaterThan(0);
    expect(s.vbp_savings_fen).toBe(r.procurement.byInstitution.reduce((a, i) => a + i.savingFen, 0));
    expect(s.vbp_savings_fen).toBe(r.procurement.byMonth.reduce((a, m) => a + m.savingFen, 0));
    expect(s.vbp_savings_fen).toBe(r.procurement.byProduct.reduce((a, p) => a + p.savingFen, 0));
    expect(s.space_fen).toBe(s.vbp_savings_fen + r.pricing.space.cutsFen);
    for (const x of Object.values(s)) if (typeof x === 'number') expect(Number.isFinite(x)).toBe(true);
  });

  test('Every fen of the space is used by the adopted price changes or reported as unused', () => {
    const s = r.summary;
    expect(s.space_used_fen + s.space_unused_fen).toBe(s.space_fen);
    const u = r.pricing.use.unused;
    expect(r.pricing.use.raisesFen + u.notPassedThroughFen + u.overAffordabilityFen + u.noVolumeFen + u.maxRateFen + u.roundingFen).toBe(s.space_fen);
    if (s.proposal_adopted) expect(s.price_change_fen).toBe(r.pricing.use.raisesFen - r.pricing.space.cutsFen);
    else expect(s.price_change_fen).toBe(0);
  });

  test('The demo proposal is adoptable: patients pay less than before procurement and the revenue shifts from drugs to services', () => {
    const s = r.summary;
    expect(r.pricing.reasons).toEqual([]);
    expect(s.proposal_adopted).toBe(true);
    expect(s.patient_oop_change_fen).toBeLessThanOrEqual(0);
    expect(s.drug_share_actual).toBeLessThan(s.drug_share_before);
    expect(s.drug_share_after).toBeLessThanOrEqual(s.drug_share_actual);
    expect(s.service_share_after).toBeGreaterThan(s.service_share_actual);
    expect(s.service_share_actual).toBeGreaterThan(s.service_share_before);
  });

  test('The salary budget follows medical-service revenue after the price change, and each institution’s budget explains itself', () => {
    const s = r.summary;
    expect(s.salary_budget_fen).toBe(r.salary.institutions.reduce((a, i) => a + i.budget.salaryBudgetFen, 0));
    for (const i of r.salary.institutions) {
      const st = r.structure.byInstitution.find((x) => x.institutionId === i.institutionId)!;
      expect(i.medicalServiceRevenueFen).toBe(st.after.medicalServiceFen);
      expect(i.budget.trace.params.map((p) => p.path)).toContain(`salary.budget.approvedCoef.${i.tier}`);
      expect(i.distribution.totals.payFen).toBeLessThanOrEqual(i.budget.salaryBudgetFen);
    }
    expect(r.salary.institutions.some((i) => i.distribution.staff > 0)).toBe(true);
  });

  test('The fund balance is opening + income − spending − the fund’s share of the price change', () => {
    const f = r.fund;
    expect(f.balanceBeforeFen).toBe(f.openingFen + f.incomeFen - f.spendFen);
    expect(r.summary.fund_balance_fen).toBe(f.balanceBeforeFen - (r.summary.proposal_adopted ? r.pricing.impact.fundChangeFen : 0));
    expect(f.trace.params.map((p) => p.path)).toEqual(['fund.openingBalanceMonths', 'fund.income.perCapitaFen.resident', 'fund.income.perCapitaFen.employee']);
    // opening = 8.5 months × spend / 12, exact and half-up
    expect(f.openingFen).toBe(Math.round((f.spendFen * 85) / 120));
    expect(r.summary.fund_balance_months).toBe(r.summary.proposal_adopted ? r.pricing.fundMonths.after : r.pricing.fundMonths.before);
  });

  test('The chain explains each summary figure, with the procurement, fund and pricing traces under it', () => {
    const steps = new Map(r.trace.steps.map((s) => [s.name, s.value]));
    expect(steps.get('vbpSavings')).toBe(r.summary.vbp_savings_fen);
    expect(steps.get('drugShare.after')).toBe(r.summary.drug_share_after);
    expect(steps.get('patientChange')).toBe(r.summary.patient_oop_change_fen);
    expect(r.trace.children.map((c) => c.rule)).toEqual(['procurement.year', 'fund.year', 'pricing.proposal']);
    expect(r.trace.params.map((p) => p.path)).toEqual(['package.assessmentScore']);
  });

  test('The result is stored with its seed and parameter version, and a second run gives the same figures', async () => {
    const stored = await readLinkage(store, 'demo', 2025);
    expect(stored!.summary.seed).toBe(r.summary.seed);
    expect(stored!.summary.param_version).toBe(params.version);
    const again = await linkageYear({ store, params }, { jurisdiction: 'demo', year: 2025 });
    expect({ ...again.summary, seconds: 0 }).toEqual({ ...r.summary, seconds: 0 });
    expect(again.salary.institutions.map((i) => i.distribution.totals)).toEqual(r.salary.institutions.map((i) => i.distribution.totals));
  });

  test('An adopted proposal becomes dated prices: before its date the catalogue price, from it the new one', async () => {
    const files = adoptedPriceFiles(r.pricing, 'demo', { basis: 'default', reason: 'test' }, () => null);
    expect(files.length).toBe(r.pricing.changes.length);
    // Written into a copy of the parameter tree, as `sanyi linkage --adopt` does, and loaded again.
    const root = path.join(tmp, 'params');
    cpSync(SHIPPED_PARAMS_DIR, root, { recursive: true });
    for (const f of files) {
      mkdirSync(path.dirname(path.join(root, f.file)), { recursive: true });
      writeFileSync(path.join(root, f.file), f.text);
    }
    const tree = await loadParamTree(root);
    const c = r.pricing.changes.find((x) => x.category === 'nursing')!;
    expect(priceOn(catalogue, tree, 'demo', c.serviceId, c.level, '2025-12-31')!.priceFen).toBe(c.oldFen);
    const after = priceOn(catalogue, tree, 'demo', c.serviceId, c.level, '2026-01-01')!;
    expect(after.priceFen).toBe(c.newFen);
    expect(after.adopted!.effectiveFrom).toBe('2026-01-01');
  });

  test('Claims generated after the adoption date are charged the adopted prices, and those before it the catalogue prices', async () => {
    const c = r.pricing.changes.find((x) => x.serviceId === 'nursing_day' && x.level === 'county')!;
    const root = path.join(tmp, 'params-gen');
    cpSync(SHIPPED_PARAMS_DIR, root, { recursive: true });
    for (const f of adoptedPriceFiles(r.pricing, 'demo', { basis: 'default', reason: 'test' }, () => null)) {
      mkdirSync(path.dirname(path.join(root, f.file)), { recursive: true });
      writeFileSync(path.join(root, f.file), f.text);
    }
    const tree = await loadParamTree(root);
    const out = path.join(tmp, 'gen-adopted');
    await generateToDirectory({ params: tree, catalogue, population: 1500, startYear: 2025, years: 2, seed: 3, out, catalogueVersion: catalogue.version, generatedBy: 'test' });
    // nursing_day lines at county hospitals: encounter ids tell the year through encounters.csv.
    const yearOf = new Map<string, string>();
    const enc = readFileSync(path.join(out, 'encounters.csv'), 'utf8').split('\n');
    const head = enc[0]!.split(',');
    const [iId, iStart, iLevel] = ['encounter_id', 'start_date', 'care_level'].map((k) => head.indexOf(k));
    for (const l of enc.slice(1)) {
      const f = l.split(',');
      if (f[iLevel!] === 'county') yearOf.set(f[iId!]!, f[iStart!]!.slice(0, 4));
    }
    const prices = { '2025': new Set<number>(), '2026': new Set<number>() };
    const lines = readFileSync(path.join(out, 'charge_lines.csv'), 'utf8').split('\n');
    const lh = lines[0]!.split(',');
    const [lEnc, lSvc, lPrice] = ['encounter_id', 'service_id', 'unit_price_fen'].map((k) => lh.indexOf(k));
    for (const l of lines.slice(1)) {
      const f = l.split(',');
      const y = yearOf.get(f[lEnc!]!);
      if (f[lSvc!] === 'nursing_day' && (y === '2025' || y === '2026')) prices[y].add(Number(f[lPrice!]));
    }
    expect([...prices['2025']]).toEqual([c.oldFen]);
    expect([...prices['2026']]).toEqual([c.newFen]);
  }, 120_000);

  test('A purchase-order file is imported row by row: each bad row is refused with its line, column and problem and kept for review', async () => {
    const file = path.join(tmp, 'orders-2025.csv');
    writeFileSync(file, ORDERS);
    const r = await importPurchaseOrders(store, catalogue, { jurisdiction: 'demo', file });
    expect(r.accepted).toBe(3);
    expect(r.rejected).toEqual([
      { line: 5, column: 'order_date', problem: '"2025-13-01" is not a date (YYYY-MM-DD)' },
      { line: 6, column: 'institution_id', problem: '"NOPE" is not an institution of demo' },
      { line: 7, column: 'item_kind', problem: '"device" is not drug or consumable' },
      { line: 8, column: 'item_id', problem: '"no_such_drug" is not a drug of the catalogue' },
      { line: 9, column: 'item_id', problem: '"ct_head" is not a consumable (materials) item of the catalogue' },
      { line: 10, column: 'quantity', problem: '"0" is not a positive integer' },
      { line: 11, column: 'unit_price_fen', problem: '"-5" is not a positive integer number of fen' },
      { line: 12, column: '(row)', problem: 'has 5 fields, the header 6' },
    ]);
    const kept = await store.query<{ row_no: number; field: string; raw: string }>("select row_no, field, raw from purchase_order_rejects where source = 'orders-2025.csv' order by row_no");
    expect(kept.map((k) => k.row_no)).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    expect(kept[1]!.raw).toBe('2025-03-11,NOPE,drug,amlodipine,1,420');
    // Importing the same file again replaces its rows: still 3 orders, 8 rejects.
    await importPurchaseOrders(store, catalogue, { jurisdiction: 'demo', file });
    expect(Number((await store.query<{ n: number }>("select count(*)::int as n from purchase_orders where source = 'orders-2025.csv'"))[0]!.n)).toBe(3);
    expect(Number((await store.query<{ n: number }>("select count(*)::int as n from purchase_order_rejects where source = 'orders-2025.csv'"))[0]!.n)).toBe(8);
  });

  test('With imported orders for the year, procurement reads them instead of the generated volumes', async () => {
    // amlodipine at CGH: before procurement 420 / (1 − 0.52, batch 1's reported cut) = 875;
    // saving (875 − 420) × 100 = 45,500; its originator (50 boxes of 7) is non-selected.
    // hip prosthesis at the county level: pre = 700,000 / 0.18 → 3,888,889; saving 2 × 3,888,889 − 1,400,000 = 6,377,778.
    // demand (same_year) = 100 × 28 + 50 × 7 = 3,150 tablets; agreed = 3,150 × 70% = 2,205; purchased 2,800.
    const withOrders = await linkageYear({ store, params }, { jurisdiction: 'demo', year: 2025 });
    expect(withOrders.procurement.volumeSource).toBe('purchase_orders');
    expect(withOrders.summary.vbp_savings_fen).toBe(45_500 + 6_377_778);
    const a = withOrders.procurement.byProduct.find((p) => p.itemId === 'amlodipine')!;
    expect(a).toMatchObject({ agreed: 2205, purchased: 2800, savingFen: 45_500, cut: 0.52, prePriceFen: 875, firms: [] });
    expect(withOrders.trace.steps.find((s) => s.name === 'volumeSource')!.value).toBe('purchase_orders');
    await store.query("delete from purchase_orders where county_id = 'demo'");
    expect((await linkageYear({ store, params }, { jurisdiction: 'demo', year: 2025 })).procurement.volumeSource).toBe('generated');
  });

  test('An order naming another manufacturer than the one the catalogue names for the drug is refused; the same one, an empty cell or an unnamed product is accepted', async () => {
    // The shipped catalogue names no manufacturer (none is invented); a deployment's names amlodipine's.
    const named: Catalogue = { ...catalogue, drugs: catalogue.drugs.map((d) => (d.id === 'amlodipine' ? { ...d, manufacturer: '乙制药股份有限公司' } : d)) };
    const file = path.join(tmp, 'orders-manufacturer.csv');
    writeFileSync(
      file,
      [
        'order_date,institution_id,item_kind,item_id,quantity,unit_price_fen,manufacturer',
        '2025-04-01,CGH,drug,amlodipine,10,420,乙制药股份有限公司',
        '2025-04-02,CGH,drug,amlodipine,10,420,',
        '2025-04-03,CGH,drug,amlodipine,10,420,丁药业有限公司',
        '2025-04-04,CGH,drug,metformin,10,450,丁药业有限公司',
        '2025-04-05,CGH,consumable,hip_prosthesis,1,700000,丁医疗器械有限公司',
        '2025-04-06,CGH,drug,amlodipine,1,420, 乙制药股份有限公司 ',
        '',
      ].join('\n'),
    );
    const r = await importPurchaseOrders(store, named, { jurisdiction: 'demo', file });
    expect(r.accepted).toBe(5);
    expect(r.rejected).toEqual([{ line: 4, column: 'manufacturer', problem: '"丁药业有限公司" is not the manufacturer of amlodipine, which the catalogue names "乙制药股份有限公司"' }]);
    const kept = await store.query<{ row_no: number; field: string }>("select row_no, field from purchase_order_rejects where source = 'orders-manufacturer.csv'");
    expect(kept).toEqual([{ row_no: 4, field: 'manufacturer' }]);
    // Without a manufacturer in the catalogue, the column is not checked.
    expect((await importPurchaseOrders(store, catalogue, { jurisdiction: 'demo', file })).accepted).toBe(6);
    await store.query("delete from purchase_orders where source = 'orders-manufacturer.csv'");
  });

  test('A year without settlement or without service volumes is refused with what to do', async () => {
    await expect(linkageYear({ store, params }, { jurisdiction: 'demo', year: 2024 })).rejects.toThrow(/has not been settled: run `sanyi settle/);
    await store.query("delete from service_volumes where county_id = 'demo'");
    await expect(linkageYear({ store, params }, { jurisdiction: 'demo', year: 2025 })).rejects.toThrow(LinkageInputError);
  });
});

