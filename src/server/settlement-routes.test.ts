/** The settlement API over HTTP, on a settled small county (issue 5 §5). */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AppContext } from '../runs/context.js';
import { startSettledApp, type SettledApp } from './test-support/settled-app.js';
import type { SettleSummary } from '../runs/settle.js';

let server: SettledApp;
let ctx: AppContext;
let base: string;
let summary: SettleSummary;
beforeAll(async () => {
  server = await startSettledApp({ population: 3000, seed: 11 });
  ({ ctx, base, summary } = server);
}, 120_000);
afterAll(async () => {
  await server?.close();
});

async function get(p: string): Promise<{ status: number; body: any }> {
  const res = await fetch(base + p);
  return { status: res.status, body: JSON.parse(await res.text()) };
}

describe('the settlement API', () => {
  test('lists the settled county-years and serves the fund status with the package and its trace', async () => {
    expect((await get('/api/settlements')).body.settlements).toEqual([{ jurisdiction: 'demo', year: 2025, runId: summary.run_id, finishedAt: expect.any(String) }]);
    const r = await get('/api/settlements/demo/2025');
    expect(r.status).toBe(200);
    expect(r.body.summary).toMatchObject({ claims: summary.claims, fund_fen: summary.fund_fen, package: summary.package, param_version: ctx.params.version, seed: '11' });
    expect(r.body.summary.package_detail.budget.trace.params.map((p: { path: string }) => p.path)).toContain('package.perCapitaFen');
  });

  test('serves the twelve months of the package ledger and the payments per institution', async () => {
    const l = await get('/api/settlements/demo/2025/ledger');
    expect(l.body.months.map((m: { month: string }) => m.month)).toEqual(Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`));
    const i = await get('/api/settlements/demo/2025/institutions');
    const total = i.body.institutions.reduce((a: number, x: { paymentFen: number }) => a + x.paymentFen, 0);
    expect(total).toBe(summary.hospital_payment_fen);
    expect(i.body.institutions[0]).toMatchObject({ institutionId: expect.any(String), nameZh: expect.any(String), balanceFen: expect.any(Number) });
  });

  test('pages the case payments of one institution and explains a claim with its trace', async () => {
    const all = await get('/api/settlements/demo/2025/cases?limit=5');
    expect(all.body.cases).toHaveLength(5);
    const one = all.body.cases[0] as { encounterId: number; institutionId: string };
    const mine = await get(`/api/settlements/demo/2025/cases?institution=${one.institutionId}&limit=1000`);
    expect(mine.body.cases.every((c: { institutionId: string }) => c.institutionId === one.institutionId)).toBe(true);
    const x = await get(`/api/settlements/demo/2025/claims/${one.encounterId}`);
    expect(x.status).toBe(200);
    expect(x.body.adjudication.fundFen).toBe(x.body.stored.fundFen);
    expect(x.body.adjudication.trace.find((t: { parameter?: string }) => t.parameter === 'benefit.resident.classBFirstPayRate' || t.parameter === 'benefit.employee.classBFirstPayRate')).toMatchObject({ provenance: { effectiveFrom: '2024-01-01' } });
    expect(x.body.casePayment).toMatchObject({ method: expect.any(String) });
  });

  test('serves the supervision findings by rule, and says clearly what is not settled', async () => {
    const f = await get('/api/settlements/demo/2025/findings?limit=3');
    expect(f.body.total).toBe(summary.findings);
    expect(f.body.byRule.reduce((a: number, r: { n: number }) => a + r.n, 0)).toBe(summary.findings);
    const none = await get('/api/settlements/demo/2024');
    expect(none).toEqual({ status: 404, body: { error: 'not_found', message: 'demo 2024 has not been settled: run `sanyi settle --jurisdiction demo --year 2024`' } });
    expect((await get('/api/settlements/demo/2025/claims/999999999')).status).toBe(404);
  });
});
