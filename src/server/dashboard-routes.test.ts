/** The dashboard API over HTTP, on a settled, linked and assessed small county (issue 7, docs/dashboard.md). */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSettledApp, type SettledApp } from './test-support/settled-app.js';
import { linkageYear } from '../runs/linkage.js';
import { indicatorsYear } from '../runs/indicators.js';

let server: SettledApp;
let base: string;
beforeAll(async () => {
  server = await startSettledApp({ population: 3000, seed: 13 });
  ({ base } = server);
}, 120_000);
afterAll(async () => {
  await server?.close();
});

async function get(p: string): Promise<{ status: number; body: any }> {
  const res = await fetch(base + p);
  return { status: res.status, body: JSON.parse(await res.text()) };
}

const PAGES = ['overview', 'fund', 'hospitals', 'procurement', 'prices', 'salary', 'indicators', 'findings'];

describe('the dashboard API', () => {
  test('Right after settling, the pages answer from the settlement (the linkage figures are null until it runs)', async () => {
    const r = await get('/api/dashboard/demo/2025/overview');
    expect(r.status).toBe(200);
    expect(r.body.headline.find((f: any) => f.id === 'claims').value).toBe(server.summary.claims);
    expect(r.body.loop.find((f: any) => f.id === 'vbp_savings').value).toBeNull();
  });

  describe('after the linkage and the indicators', () => {
    beforeAll(async () => {
      await linkageYear(server.ctx, { jurisdiction: 'demo', year: 2025 });
      await indicatorsYear(server.ctx, { jurisdiction: 'demo', year: 2025 });
    }, 120_000);

    test('Every page answers with data', async () => {
      for (const page of PAGES) {
        const r = await get(`/api/dashboard/demo/2025/${page}`);
        expect(r.status, page).toBe(200);
      }
      const o = (await get('/api/dashboard/demo/2025/overview')).body;
      expect(o.loop).toHaveLength(11);
      for (const f of o.loop) expect(typeof f.value, f.id).toBe('number');
      expect((await get('/api/dashboard/demo/2025/fund')).body.months).toHaveLength(12);
      expect((await get('/api/dashboard/demo/2025/hospitals')).body.institutions.length).toBeGreaterThan(5);
      const proc = (await get('/api/dashboard/demo/2025/procurement')).body;
      expect(proc.products.length).toBeGreaterThan(0);
      expect(proc.months.length).toBeGreaterThan(0);
      expect((await get('/api/dashboard/demo/2025/prices')).body.figures.length).toBeGreaterThan(0);
      const sal = (await get('/api/dashboard/demo/2025/salary')).body;
      expect(sal.distribution.reduce((a: number, b: { count: number }) => a + b.count, 0)).toBe(sal.institutions.reduce((a: number, b: { staff: number }) => a + b.staff, 0));
      const ind = (await get('/api/dashboard/demo/2025/indicators')).body;
      expect(ind.indicators.length).toBeGreaterThan(10);
      expect(typeof ind.assessment.score).toBe('number');
      expect(ind.indicators[0].trend).toEqual([{ year: 2025, value: ind.indicators[0].value }]);
      expect((await get('/api/dashboard/demo/2025/findings')).body.rules).toBeInstanceOf(Array);
    });

    test('?institution= gives one institution’s figures on the pages that filter, and 404 for an unknown one', async () => {
      const h = await get('/api/dashboard/demo/2025/hospitals?institution=CGH');
      expect(h.body.institutions.map((i: { id: string }) => i.id)).toEqual(['CGH']);
      expect(h.body.institutions[0].name.zh).toMatch(/总医院/);
      const s = await get('/api/dashboard/demo/2025/salary?institution=CGH');
      expect(s.body.institutions.map((i: { id: string }) => i.id)).toEqual(['CGH']);
      const i = await get('/api/dashboard/demo/2025/indicators?institution=CGH');
      expect(i.body.institution.id).toBe('CGH');
      expect(i.body.indicators[0].trace).toMatch(/@CGH$/);
      const nope = await get('/api/dashboard/demo/2025/hospitals?institution=NOPE');
      expect(nope.status).toBe(404);
      expect(nope.body.message).toMatch(/institution NOPE/);
    });

    test('The years with a dashboard of a jurisdiction are listed, and an unknown jurisdiction is 404', async () => {
      expect((await get('/api/dashboard/demo')).body).toEqual({ jurisdiction: 'demo', years: [2025] });
      expect((await get('/api/dashboard/demo-region')).body.years).toEqual([]);
      expect((await get('/api/dashboard/nowhere')).status).toBe(404);
    });

    test('An institution without rows on a filtered page gets the page empty (200), an unknown id 404', async () => {
      const fund = (await get('/api/dashboard/demo/2025/fund')).body;
      const outside = fund.outOfCounty[0].institutionId as string;
      for (const page of ['procurement', 'salary', 'indicators']) {
        const r = await get(`/api/dashboard/demo/2025/${page}?institution=${outside}`);
        expect(r.status, page).toBe(200);
        expect(r.body.empty, page).toBe(true);
        expect(r.body.institution.id, page).toBe(outside);
      }
      const proc = (await get(`/api/dashboard/demo/2025/procurement?institution=${outside}`)).body;
      expect(proc).toMatchObject({ figures: [], months: [], products: [] });
      const sal = (await get(`/api/dashboard/demo/2025/salary?institution=${outside}`)).body;
      expect(sal).toMatchObject({ figures: [], institutions: [], distribution: [] });
      // The same shape as an institution with rows (plus `empty`).
      for (const page of ['procurement', 'salary', 'indicators']) {
        const filled = (await get(`/api/dashboard/demo/2025/${page}?institution=CGH`)).body;
        const empty = (await get(`/api/dashboard/demo/2025/${page}?institution=${outside}`)).body;
        expect(Object.keys(empty).sort(), page).toEqual([...Object.keys(filled), 'empty'].sort());
      }
      for (const page of ['hospitals', 'procurement', 'salary', 'indicators']) {
        const r = await get(`/api/dashboard/demo/2025/${page}?institution=NOPE`);
        expect(r.status, page).toBe(404);
        expect(r.body.message, page).toMatch(/institution NOPE/);
      }
    });

    test('Chart items carry the traces the runs stored: months, institutions’ CMI and DRG payment, products, price items', async () => {
      const rule = async (id: string) => (await get(`/api/dashboard/demo/2025/trace/${encodeURIComponent(id)}`)).body.rule as string;
      const fund = (await get('/api/dashboard/demo/2025/fund')).body;
      expect(await rule(fund.months[0].trace.budget)).toBe('insurance.package.budget');
      expect(await rule(fund.months[0].trace.charged)).toBe('insurance.package.settle');
      const cgh = (await get('/api/dashboard/demo/2025/hospitals?institution=CGH')).body.institutions[0];
      expect(cgh.trace.cmi).toBe('indicator:cmi@CGH');
      expect(await rule(cgh.trace.cmi)).toBe('indicator.cmi');
      expect(await rule(cgh.trace.costIndex)).toBe('indicator.costIndex');
      expect(await rule(cgh.trace.drgPayment)).toBe('insurance.payment.tables');
      const proc = (await get('/api/dashboard/demo/2025/procurement')).body;
      expect(await rule(proc.products[0].trace)).toBe('procurement.year');
      const prices = (await get('/api/dashboard/demo/2025/prices')).body;
      expect(await rule(prices.items[0].trace)).toBe('pricing.proposal');
    });

    test('The findings name their supervision rules in both languages', async () => {
      const f = (await get('/api/dashboard/demo/2025/findings')).body;
      expect(f.rules.length).toBeGreaterThan(0);
      for (const r of f.rules) expect(r.label.zh, r.ruleId).not.toBe(r.ruleId);
      const split = f.rules.find((r: { ruleId: string }) => r.ruleId === 'split_admission');
      if (split) expect(split.label).toEqual({ zh: '分解住院', en: 'Split admission' });
      expect(f.findings[0].ruleLabel.en).toEqual(expect.any(String));
    });

    test('A figure’s trace opens by its id: linkage, salary, indicator and assessment traces', async () => {
      const o = (await get('/api/dashboard/demo/2025/overview')).body;
      const fund = o.loop.find((f: any) => f.id === 'fund_months');
      const t = await get(`/api/dashboard/demo/2025/trace/${encodeURIComponent(fund.trace)}`);
      expect(t.status).toBe(200);
      expect(t.body.rule).toBe('fund.year');
      const sal = (await get('/api/dashboard/demo/2025/salary?institution=CGH')).body;
      expect((await get(`/api/dashboard/demo/2025/trace/${encodeURIComponent(sal.institutions[0].trace.budget)}`)).body.rule).toBe('salary.budget');
      const ind = (await get('/api/dashboard/demo/2025/indicators')).body;
      expect((await get(`/api/dashboard/demo/2025/trace/${encodeURIComponent(ind.indicators[0].trace)}`)).body.rule).toBe(`indicator.${ind.indicators[0].id}`);
      expect((await get(`/api/dashboard/demo/2025/trace/${encodeURIComponent(ind.assessment.trace)}`)).body.rule).toBe('indicators.assessment');
      expect((await get('/api/dashboard/demo/2025/trace/nope')).status).toBe(404);
    });

    test('A large page goes gzipped to a client that accepts it, and as it is to one that does not', async () => {
      const zipped = await fetch(`${base}/api/dashboard/demo/2025/prices`, { headers: { 'accept-encoding': 'gzip' } });
      expect(zipped.headers.get('content-encoding')).toBe('gzip');
      const body = (await zipped.json()) as { figures: unknown[] };
      expect(body.figures.length).toBeGreaterThan(0);
      const plain = await fetch(`${base}/api/dashboard/demo/2025/prices`, { headers: { 'accept-encoding': 'identity' } });
      expect(plain.headers.get('content-encoding')).toBeNull();
      expect(await plain.json()).toEqual(body);
    });

    test('A year without snapshots is 404 with the command that builds them', async () => {
      const r = await get('/api/dashboard/demo/2024/overview');
      expect(r.status).toBe(404);
      expect(r.body.message).toMatch(/sanyi indicators --jurisdiction demo --year 2024/);
      expect((await get('/api/dashboard/demo/1800/overview')).status).toBe(400);
    });
  });
});
