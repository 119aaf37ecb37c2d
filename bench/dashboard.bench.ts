/**
 * The dashboard (issue 7): `sanyi indicators` on the demo county-year (300,000 persons) after its
 * settlement and linkage, then every dashboard endpoint loaded with autocannon against a listening
 * server, asking for gzip as a browser does — the first (cold, uncached) call of each, then latency
 * p50 / p95 / p99 under load (target p95 ≤ 100 ms) and requests per second — on the embedded
 * PGlite and, with DATABASE_URL, on PostgreSQL; with SANYI_BENCH_REGION=1 also the 2,500,000-person
 * region-year on PostgreSQL. Generating, loading, settling and linking are not timed.
 *
 * autocannon runs in the bench's own process, beside the server: its client work shares the event
 * loop, so the figures are a little worse than a separate client would see.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import autocannon from 'autocannon';
import type { ParamTree } from '../src/rules/params.js';
import { readConfig } from '../src/runs/config.js';
import { generateToDirectory } from '../src/runs/generate.js';
import { loadGenerated } from '../src/runs/load-generated.js';
import { seedJurisdictions } from '../src/runs/seed.js';
import { settleYear } from '../src/runs/settle.js';
import { linkageYear } from '../src/runs/linkage.js';
import { indicatorsYear } from '../src/runs/indicators.js';
import { buildApp } from '../src/server/app.js';
import { openStore, type Store } from '../src/store/store.js';
import { createTestDatabase } from '../src/store/test-support/backends.js';
import type { Figure } from './run.js';
import { onCountyBackends } from './county.js';

const SECONDS = Number(process.env.SANYI_BENCH_SECONDS ?? 4);
const CONNECTIONS = 10;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function load(url: string): Promise<{ p50: number; p95: number; p99: number; rps: number; bytes: number; non2xx: number }> {
  const times: number[] = [];
  let bytes = 0;
  // As a browser asks: bodies of 16 KiB and more come gzipped.
  const inst = autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers: { 'accept-encoding': 'gzip' } });
  (inst as unknown as NodeJS.EventEmitter).on('response', (_client: unknown, _status: number, resBytes: number, responseTime: number) => {
    times.push(responseTime);
    bytes = resBytes;
  });
  const r = await inst;
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), rps: r.requests.average, bytes, non2xx: r.non2xx };
}

async function dashboardOn(label: string, store: Store, dir: string, params: ParamTree): Promise<Figure[]> {
  await seedJurisdictions(store, params);
  await loadGenerated(store, dir);
  const ctx = { store, params };
  await settleYear(ctx, { jurisdiction: 'demo', year: 2025 });
  await indicatorsYear(ctx, { jurisdiction: 'demo', year: 2025 });
  await linkageYear(ctx, { jurisdiction: 'demo', year: 2025 });
  const t0 = performance.now();
  const ind = await indicatorsYear(ctx, { jurisdiction: 'demo', year: 2025 });
  const indSecs = (performance.now() - t0) / 1000;
  const figures: Figure[] = [{ name: `${label}: sanyi indicators (${ind.summary.values.toLocaleString('en-US')} values, ${ind.summary.snapshots} snapshots)`, value: indSecs, unit: 's' }];

  const app = await buildApp({ config: readConfig(), params, store, close: async () => {} });
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const addr = app.server.address();
    if (!addr || typeof addr === 'string') throw new Error('no port');
    const base = `http://127.0.0.1:${addr.port}/api/dashboard/demo/2025`;
    const lead = [...ind.institutions.keys()].sort()[0] ?? 'CGH';
    const inst = ind.institutions.has('CGH') ? 'CGH' : lead;
    const firstIndicator = ind.county.find((v) => v.value !== null)?.id ?? ind.county[0]?.id;
    const endpoints = [
      'overview',
      'fund',
      'hospitals',
      `hospitals?institution=${inst}`,
      'procurement',
      `procurement?institution=${inst}`,
      'prices',
      'salary',
      `salary?institution=${inst}`,
      'indicators',
      `indicators?institution=${inst}`,
      'findings',
      'trace/linkage.pricing',
      'trace/package.settlement',
      `trace/${encodeURIComponent(`indicator:${firstIndicator}`)}`,
    ];
    // Cold: the first call of each endpoint after the server started, its body not yet cached (one
    // snapshot row read, serialised and gzipped) — what the first visitor after a rebuild waits.
    for (const e of endpoints) {
      const t = performance.now();
      const res = await fetch(`${base}/${e}`, { headers: { 'accept-encoding': 'gzip' } });
      await res.arrayBuffer();
      figures.push({ name: `${label}: ${e} first call (cold)`, value: performance.now() - t, unit: `ms (status ${res.status})` });
    }
    for (const e of endpoints) {
      const r = await load(`${base}/${e}`);
      if (r.non2xx) figures.push({ name: `${label}: ${e} non-2xx answers`, value: r.non2xx, unit: '' });
      figures.push({ name: `${label}: ${e} p50`, value: r.p50, unit: `ms (${(r.bytes / 1024).toFixed(0)} KiB sent)` });
      figures.push({ name: `${label}: ${e} p95`, value: r.p95, unit: 'ms (target ≤ 100)' });
      figures.push({ name: `${label}: ${e} p99`, value: r.p99, unit: 'ms' });
      figures.push({ name: `${label}: ${e} requests/s`, value: r.rps, unit: `req/s (${CONNECTIONS} connections, ${SECONDS} s)` });
    }
  } finally {
    await app.close();
  }
  return figures;
}

export async function run(): Promise<Figure[]> {
  return onCountyBackends(
    'dashboard',
    (label, store, b) => dashboardOn(label, store, b.county, b.params),
    async (b) => {
      if (!process.env.DATABASE_URL || process.env.SANYI_BENCH_REGION !== '1') return [];
      await rm(b.county, { recursive: true, force: true });
      const region = path.join(b.tmp, 'region');
      await generateToDirectory({ params: b.params, catalogue: b.catalogue, population: 2_500_000, startYear: 2025, years: 1, seed: 42, out: region, catalogueVersion: b.catalogue.version, generatedBy: 'bench' });
      const rdb = await createTestDatabase();
      const rpg = await openStore({ databaseUrl: rdb.url });
      try {
        await rpg.migrate();
        return await dashboardOn('region-year 2.5M persons, PostgreSQL', rpg, region, b.params);
      } finally {
        await rpg.close();
        await rdb.drop();
      }
    },
  );
}
