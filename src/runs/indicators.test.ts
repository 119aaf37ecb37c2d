/**
 * The indicators of a settled county-year (issue 7 §1): the data items are the store's figures, every
 * shipped indicator is evaluated and stored with the assessments, the dashboard snapshots are built,
 * and the assessment loop closes — a stored assessment changes package retention and salary budgets,
 * and their traces say which score they used.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadParamTree, type ParamTree } from '../rules/params.js';
import { loadCatalogue, SHIPPED_CATALOGUE_DIR } from '../simulation/catalogue.js';
import { backends } from '../store/test-support/backends.js';
import type { Store } from '../store/store.js';
import { SHIPPED_PARAMS_DIR } from './config.js';
import { generateToDirectory } from './generate.js';
import { loadGenerated } from './load-generated.js';
import { seedJurisdictions } from './seed.js';
import { settleYear, type SettleSummary } from './settle.js';
import { linkageYear, type LinkageResult } from './linkage.js';
import { indicatorsYear, type IndicatorsResult } from './indicators.js';
import { chooseScore, readItems } from './indicator-items.js';
import { histogram, readSnapshot, readTrace, SnapshotCache } from './dashboard.js';
import { NotSettledError } from './settlement-read.js';

let tmp: string;
let dir: string;
let params: ParamTree;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sanyi-indicators-'));
  params = await loadParamTree(SHIPPED_PARAMS_DIR);
  const catalogue = await loadCatalogue(SHIPPED_CATALOGUE_DIR);
  dir = path.join(tmp, 'gen');
  await generateToDirectory({ params, catalogue, population: 4000, startYear: 2025, years: 1, seed: 5, out: dir, catalogueVersion: catalogue.version, generatedBy: 'test' });
}, 60_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const backend = backends[0]!;

describe(`the indicators of a settled county-year (${backend.name})`, () => {
  let store: Store;
  let settled: SettleSummary;
  let linked: LinkageResult;
  let r: IndicatorsResult;
  beforeAll(async () => {
    store = await backend.open();
    await seedJurisdictions(store, params);
    await loadGenerated(store, dir);
    settled = await settleYear({ store, params }, { jurisdiction: 'demo', year: 2025 });
    linked = await linkageYear({ store, params }, { jurisdiction: 'demo', year: 2025 });
    r = await indicatorsYear({ store, params }, { jurisdiction: 'demo', year: 2025 });
  }, 180_000);
  afterAll(async () => {
    await store?.close();
  });

  test('A year that was not settled is refused with the command that settles it', async () => {
    await expect(indicatorsYear({ store, params }, { jurisdiction: 'demo', year: 2024 })).rejects.toThrow(NotSettledError);
    await expect(indicatorsYear({ store, params }, { jurisdiction: 'demo', year: 2024 })).rejects.toThrow(/sanyi settle --jurisdiction demo --year 2024/);
  });

  test('The county items are the store’s own figures: encounters, the settlement and the linkage', async () => {
    const items = (await readItems(store, 'demo', 2025))!;
    const C = items.countyItems;
    const [enc] = await store.query<{ visits: number; admissions: number; in_county_fen: number }>(
      `select count(*) filter (where type <> 'inpatient')::float8 as visits, count(*) filter (where type = 'inpatient')::float8 as admissions,
              sum(total_fen) filter (where care_level <> 'out_of_county')::float8 as in_county_fen
         from encounters where county_id = 'demo' and end_date between '2025-01-01' and '2025-12-31'`,
    );
    expect(C.get('visits.total')).toBe(enc!.visits);
    expect(C.get('admissions.total')).toBe(enc!.admissions);
    expect(C.get('admissions.inCounty')! + C.get('admissions.outOfCounty')!).toBe(enc!.admissions);
    expect(C.get('revenue.medical')).toBe(enc!.in_county_fen);
    expect(C.get('revenue.medicalService')).toBe(C.get('revenue.medical')! - C.get('revenue.drug')! - C.get('revenue.consumable')! - C.get('revenue.examLab')!);
    expect(C.get('revenue.outpatient')! + C.get('revenue.inpatient')!).toBe(C.get('revenue.medical'));
    expect(C.get('fund.total')).toBe(settled.fund_fen);
    expect(C.get('package.retained')).toBe(settled.package.retained_fen);
    expect(C.get('chronic.primaryManaged')!).toBeLessThanOrEqual(C.get('chronic.patients')!);
    expect(C.get('chronic.patients')!).toBeGreaterThan(0);
    expect(C.get('salary.budget')).toBe(linked.summary.salary_budget_fen);
    expect(C.get('vbp.savingFen')).toBe(linked.summary.vbp_savings_fen);
    expect(C.get('fund.balanceMonths')).toBe(linked.summary.fund_balance_months);
    // Each institution's items add up to the county's.
    const inCounty = (await store.query<{ id: string }>('select id from institutions where in_county')).map((x) => x.id);
    const sumOf = (k: string) => inCounty.reduce((a, id) => a + (items.institutions.get(id)?.get(k) ?? 0), 0);
    expect(sumOf('revenue.drug')).toBe(C.get('revenue.drug'));
    expect(sumOf('salary.budget')).toBe(C.get('salary.budget'));
  });

  test('Every shipped indicator is evaluated for the county and each institution, most with a value', async () => {
    expect(r.county.length).toBeGreaterThan(10);
    expect(r.institutions.size).toBeGreaterThan(5);
    const withValue = r.county.filter((v) => v.value !== null);
    expect(withValue.length / r.county.length).toBeGreaterThan(0.7);
    const [stored] = await store.query<{ n: number }>(`select count(*)::int as n from indicator_values where county_id = 'demo' and year = 2025`);
    expect(stored!.n).toBe(r.summary.values);
    expect(r.countyAssessment!.score).toBeGreaterThanOrEqual(0);
    expect(r.countyAssessment!.score).toBeLessThanOrEqual(100);
    expect(r.institutionAssessments.size).toBe(r.institutions.size);
  });

  test('Every dashboard page is built, a filtered page holds one institution, and a figure’s trace opens', async () => {
    for (const page of ['overview', 'fund', 'hospitals', 'procurement', 'prices', 'salary', 'indicators', 'findings'] as const) {
      const body = JSON.parse((await readSnapshot(store, 'demo', 2025, page)).toString());
      expect(Object.keys(body).length).toBeGreaterThan(0);
    }
    const overview = JSON.parse((await readSnapshot(store, 'demo', 2025, 'overview')).toString());
    const savings = overview.loop.find((f: { id: string }) => f.id === 'vbp_savings');
    expect(savings.value).toBe(linked.summary.vbp_savings_fen);
    expect(JSON.parse(await readTrace(store, 'demo', 2025, savings.trace)).rule).toBe('procurement.year');
    const ind = JSON.parse((await readSnapshot(store, 'demo', 2025, 'indicators')).toString());
    expect(ind.assessment.score).toBe(r.countyAssessment!.score);
    expect(JSON.parse(await readTrace(store, 'demo', 2025, ind.indicators[0].trace)).rule).toMatch(/^indicator\./);
    const one = JSON.parse((await readSnapshot(store, 'demo', 2025, 'salary', 'CGH')).toString());
    expect(one.institutions.map((i: { id: string }) => i.id)).toEqual(['CGH']);
    expect(one.distribution.reduce((a: number, b: { count: number }) => a + b.count, 0)).toBe(one.institutions[0].staff);
  });

  test('A stored assessment sets package retention and salary budgets, and their traces say so', async () => {
    const stepOf = (t: { steps: Array<{ name: string; note?: string }> }) => t.steps.find((s) => s.name === 'assessmentScore')!;
    const settleTrace = async () => ((await store.query<{ t: { steps: Array<{ name: string; value: number; note?: string }> } }>(`select summary->'package_detail'->'settlement'->'trace' as t from settlements where county_id = 'demo' and year = 2025`))[0]!.t);
    // Settled before any assessment: the parameter.
    expect(stepOf(linked.salary.institutions[0]!.budget.trace).note).toBe('no assessment stored: parameter package.assessmentScore');
    // With a county score of 65 and CGH's own of 50 stored, settle and link again.
    await store.query(`delete from assessments where county_id = 'demo' and year = 2025`);
    await store.query(`insert into assessments (county_id, year, scope, institution_id, scheme_id, score, result) values ('demo', 2025, 'county', '', 'county_community', 65, '{}'), ('demo', 2025, 'institution', 'CGH', 'institution', 50, '{}')`);
    const again = await settleYear({ store, params }, { jurisdiction: 'demo', year: 2025 });
    const trace = await settleTrace();
    expect(stepOf(trace).note).toMatch(/^assessment county_community of 2025 \(stored \d{4}-/);
    if (again.package.balance_fen > 0) {
      // 65 points retain 50 % of the surplus (the parameter's 85 retains 80 %).
      expect(again.package.retained_fen).toBe(Math.round(again.package.balance_fen * 0.5));
      expect(again.package.retained_fen).toBeLessThan(settled.package.retained_fen);
    } else {
      // An overspend retains nothing, whatever the score.
      expect(again.package.retained_fen).toBe(0);
    }
    const l2 = await linkageYear({ store, params }, { jurisdiction: 'demo', year: 2025 });
    const cgh = l2.salary.institutions.find((i) => i.institutionId === 'CGH')!;
    const cgh1 = linked.salary.institutions.find((i) => i.institutionId === 'CGH')!;
    expect(cgh.budget.assessmentAdjustment).toBe(0.8);
    expect(cgh1.budget.assessmentAdjustment).toBe(0.95);
    expect(stepOf(cgh.budget.trace).note).toMatch(/^institution CGH's assessment institution of 2025/);
    expect(cgh.leaders.totalFen).toBeLessThan(cgh1.leaders.totalFen);
    const other = l2.salary.institutions.find((i) => i.institutionId !== 'CGH')!;
    expect(other.budget.assessmentAdjustment).toBe(0.8); // the county's 65 (band 0–70: 0.8)
    expect(stepOf(other.budget.trace).note).toMatch(/county \(institution .* has none\): assessment county_community/);
  }, 180_000);
});

describe('the salary histogram', () => {
  test('Bins are of one round width from 0 and hold every pay', () => {
    const h = histogram([0, 1_000_00, 5_000_000, 12_345_678]);
    expect(h[0]!.fromFen).toBe(0);
    expect(h.reduce((a, b) => a + b.count, 0)).toBe(4);
    const w = h[0]!.toFen - h[0]!.fromFen;
    expect(h.every((b) => b.toFen - b.fromFen === w)).toBe(true);
    expect(h.at(-1)!.toFen).toBeGreaterThan(12_345_678);
  });
});

describe('the score that applies', () => {
  const stored = { county: { schemeId: 'county_community', score: 72.5, storedAt: '2026-01-02T00:00:00.000Z' }, institutions: new Map([['CGH', { schemeId: 'institution', score: 100.01, storedAt: '2026-01-02T00:00:00.000Z' }]]) };
  const param = { value: 85, path: 'package.assessmentScore' };
  test('An institution’s own score, else the county’s, else the parameter; above 100 is taken as 100', () => {
    expect(chooseScore(stored, 2025, 'CGH', param)).toEqual({ score: 100, source: 'assessment', note: "institution CGH's assessment institution of 2025 (stored 2026-01-02T00:00:00.000Z, 100.01 taken as 100)" });
    expect(chooseScore(stored, 2025, 'T01', param).score).toBe(72.5);
    expect(chooseScore(stored, 2025, null, param).note).toBe('assessment county_community of 2025 (stored 2026-01-02T00:00:00.000Z)');
    expect(chooseScore({ county: null, institutions: new Map() }, 2025, 'CGH', param)).toEqual({ score: 85, source: 'parameter', note: 'no assessment stored: parameter package.assessmentScore' });
  });
});

describe('the snapshot cache', () => {
  test('A body is served only for the build time it was stored with, and the least recently used leave first', () => {
    const c = new SnapshotCache(10);
    c.set('a', 't1', Buffer.from('aaaa'));
    c.set('b', 't1', Buffer.from('bbbb'));
    expect(c.get('a', 't2')).toBeUndefined();
    expect(c.get('a', 't1')?.toString()).toBe('aaaa');
    c.set('c', 't1', Buffer.from('cccc'));
    expect(c.get('b', 't1')).toBeUndefined();
    expect(c.get('a', 't1')?.toString()).toBe('aaaa');
    expect(c.get('c', 't1')?.toString()).toBe('cccc');
  });
});
