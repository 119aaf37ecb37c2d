/** The linkage API over HTTP, on a settled small county (issue 6 §4). */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSettledApp, type SettledApp } from './test-support/settled-app.js';

let server: SettledApp;
let base: string;
beforeAll(async () => {
  server = await startSettledApp({ population: 3000, seed: 11 });
  ({ base } = server);
}, 120_000);
afterAll(async () => {
  await server?.close();
});

async function call(method: 'GET' | 'POST', p: string): Promise<{ status: number; body: any }> {
  const res = await fetch(base + p, { method });
  return { status: res.status, body: JSON.parse(await res.text()) };
}

describe('the linkage API', () => {
  test('Before the linkage is computed the address answers 404 saying how to compute it', async () => {
    const r = await call('GET', '/api/linkage/demo/2025');
    expect(r.status).toBe(404);
    expect(r.body.message).toMatch(/sanyi linkage --jurisdiction demo --year 2025/);
  });

  test('POST computes the chain; GET serves it whole or by part, with the traces', async () => {
    const p = await call('POST', '/api/linkage/demo/2025');
    expect(p.status).toBe(200);
    for (const k of ['vbp_savings_fen', 'space_fen', 'price_change_fen', 'drug_share_before', 'drug_share_after', 'service_share_before', 'service_share_after', 'salary_budget_fen', 'fund_balance_fen', 'patient_oop_change_fen']) {
      expect(typeof p.body.summary[k]).toBe('number');
    }
    const all = await call('GET', '/api/linkage/demo/2025');
    expect(all.body.summary).toEqual(p.body.summary);
    expect(all.body.procurement.trace.rule).toBe('procurement.year');
    expect(all.body.pricing.trace.rule).toBe('pricing.proposal');
    expect(all.body.fund.trace.params.length).toBe(3);
    const part = await call('GET', '/api/linkage/demo/2025?part=salary');
    expect(Object.keys(part.body)).toEqual(['salary']);
    expect(part.body.salary.budgetFen).toBe(p.body.summary.salary_budget_fen);
    expect((await call('GET', '/api/linkage/demo/2025?part=nope')).status).toBe(400);
  });

  test('A year that was not settled is 404 with the command to settle it', async () => {
    const r = await call('POST', '/api/linkage/demo/2024');
    expect(r.status).toBe(404);
    expect(r.body.message).toMatch(/sanyi settle/);
  });
});
