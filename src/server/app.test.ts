import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openContext, type AppContext } from '../runs/context.js';
import { buildApp } from './app.js';

let ctx: AppContext;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  ctx = await openContext({ memory: true });
  app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${addr.port}`;
});
afterAll(async () => {
  await app.close();
  await ctx.close();
});

async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path);
  const text = await res.text();
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

describe('GET /api/health', () => {
  test('reports ok with the database backend and the parameter version', async () => {
    const r = await get('/api/health');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ok', version: expect.any(String), paramVersion: ctx.params.version, database: { backend: 'pglite' } });
  });
});

describe('GET /api/params', () => {
  test('returns every parameter in force at the date and jurisdiction, with provenance', async () => {
    const r = await get('/api/params?date=2025-06-01&jurisdiction=demo');
    expect(r.status).toBe(200);
    expect(r.body.version).toBe(ctx.params.version);
    expect(r.body.params).toHaveLength(ctx.params.paths().length);
    const deductible = r.body.params.find((p: { path: string }) => p.path === 'benefit.resident.inpatient.deductible.primary');
    expect(deductible).toMatchObject({
      unit: 'fen',
      kind: 'value',
      value: 10000,
      label: { zh: '城乡居民医保住院起付线（基层医疗机构）' },
      provenance: { jurisdiction: 'demo', effectiveFrom: '2025-01-01', reference: { basis: 'default' } },
    });
  });

  test('gives null with no provenance for a parameter not yet in force', async () => {
    const r = await get('/api/params?date=2023-06-01&jurisdiction=demo');
    expect(r.status).toBe(200);
    const benefits = r.body.params.filter((p: { path: string }) => p.path.startsWith('benefit.'));
    expect(benefits.length).toBeGreaterThan(20);
    expect(benefits.every((p: { value: unknown; provenance: unknown }) => p.value === null && p.provenance === null)).toBe(true);
  });

  test('refuses a malformed date with 400 and a message', async () => {
    const r = await get('/api/params?date=2025-6-1');
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('bad_request');
    expect(r.body.message).toMatch(/YYYY-MM-DD/);
  });

  test('refuses an impossible date with 400', async () => {
    const r = await get('/api/params?date=2025-02-30');
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/2025-02-30/);
  });

  test('answers 404 for an unknown jurisdiction', async () => {
    const r = await get('/api/params?date=2025-01-01&jurisdiction=atlantis');
    expect(r.status).toBe(404);
    expect(r.body.message).toMatch(/unknown jurisdiction/);
  });
});

describe('GET /api/params/:path', () => {
  test("returns every jurisdiction's dated values, most general first", async () => {
    const r = await get('/api/params/benefit.resident.inpatient.deductible.primary');
    expect(r.status).toBe(200);
    expect(r.body.definitions.map((d: { jurisdiction: string }) => d.jurisdiction)).toEqual(['demo-province', 'demo']);
    expect(r.body.definitions[0].values).toEqual([{ effectiveFrom: '2024-01-01', value: 15000 }]);
  });

  test('answers 404 for an unknown parameter', async () => {
    const r = await get('/api/params/benefit.nothing');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: 'not_found', message: expect.stringMatching(/benefit\.nothing/) });
  });
});

describe('GET /api/jurisdictions', () => {
  test('lists the demo chain', async () => {
    const r = await get('/api/jurisdictions');
    expect(r.body.jurisdictions.map((j: { id: string }) => j.id)).toEqual(['national', 'demo-province', 'demo-region', 'demo']);
  });
});

describe('OpenAPI', () => {
  test('documents the API at /docs', async () => {
    const html = await get('/docs/');
    expect(html.status).toBe(200);
    const spec = await get('/docs/json');
    expect(spec.body.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/params', '/api/params/{path}', '/api/jurisdictions']));
  });

  test('answers an unknown API route with a JSON 404', async () => {
    const r = await get('/api/nothing');
    expect(r.status).toBe(404);
    expect(r.body.error).toBe('not_found');
  });
});
