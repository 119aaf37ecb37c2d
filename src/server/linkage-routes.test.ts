/** The linkage API over HTTP, on a settled small county (issue 6 §4). */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openContext, type AppContext } from '../runs/context.js';
import { generateToDirectory } from '../runs/generate.js';
import { loadGenerated } from '../runs/load-generated.js';
import { seedJurisdictions } from '../runs/seed.js';
import { settleYear } from '../runs/settle.js';
import { loadCatalogue } from '../simulation/catalogue.js';
import { buildApp } from './app.js';

let ctx: AppContext;
let app: FastifyInstance;
let base: string;
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sanyi-api-linkage-'));
  ctx = await openContext({ memory: true });
  const catalogue = await loadCatalogue();
  const dir = path.join(tmp, 'gen');
  await generateToDirectory({ params: ctx.params, catalogue, population: 3000, startYear: 2025, years: 1, seed: 11, out: dir, catalogueVersion: catalogue.version, generatedBy: 'test' });
  await seedJurisdictions(ctx.store, ctx.params);
  await loadGenerated(ctx.store, dir);
  await settleYear(ctx, { jurisdiction: 'demo', year: 2025 });
  app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${addr.port}`;
}, 120_000);
afterAll(async () => {
  await app?.close();
  await ctx?.close();
  await rm(tmp, { recursive: true, force: true });
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
