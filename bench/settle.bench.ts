/**
 * `sanyi settle` (issue 5): the demo county-year (300,000 persons, ~2.2 million claims) settled on
 * the embedded PGlite and, with DATABASE_URL, on PostgreSQL — target ≤ 30 s including the store;
 * with SANYI_BENCH_REGION=1 also a 2,500,000-person region-year on PostgreSQL (target ≤ 5 minutes).
 * The county is generated and loaded first (not timed).
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { loadParamTree } from '../src/rules/params.js';
import { generateToDirectory } from '../src/runs/generate.js';
import { loadGenerated } from '../src/runs/load-generated.js';
import { seedJurisdictions } from '../src/runs/seed.js';
import { settleYear } from '../src/runs/settle.js';
import { openStore, type Store } from '../src/store/store.js';
import { createTestDatabase } from '../src/store/test-support/backends.js';
import type { Figure } from './run.js';
import { onCountyBackends } from './county.js';

async function settleOn(label: string, store: Store, dir: string, params: Awaited<ReturnType<typeof loadParamTree>>, target: number): Promise<Figure[]> {
  await seedJurisdictions(store, params);
  const t0 = performance.now();
  await loadGenerated(store, dir);
  const loadSecs = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const s = await settleYear({ store, params }, { jurisdiction: 'demo', year: 2025 });
  const first = (performance.now() - t1) / 1000;
  const t2 = performance.now();
  await settleYear({ store, params }, { jurisdiction: 'demo', year: 2025 });
  const again = (performance.now() - t2) / 1000;
  return [
    { name: `${label}: load the generated files (not part of settle)`, value: loadSecs, unit: 's' },
    { name: `${label}: settle, ${s.claims.toLocaleString('en-US')} claims`, value: first, unit: `s (target ≤ ${target})` },
    { name: `${label}: settle again (replaces the results)`, value: again, unit: 's' },
    ...Object.entries(s.seconds).map(([k, v]) => ({ name: `${label}:   of which ${k}`, value: v, unit: 's' })),
  ];
}

export async function run(): Promise<Figure[]> {
  return onCountyBackends(
    'settle',
    (label, store, b) => settleOn(label, store, b.county, b.params, 30),
    async (b) => {
      if (!process.env.DATABASE_URL || process.env.SANYI_BENCH_REGION !== '1') return [];
      await rm(b.county, { recursive: true, force: true });
      const region = path.join(b.tmp, 'region');
      await generateToDirectory({ params: b.params, catalogue: b.catalogue, population: 2_500_000, startYear: 2025, years: 1, seed: 42, out: region, catalogueVersion: b.catalogue.version, generatedBy: 'bench' });
      const rdb = await createTestDatabase();
      const rpg = await openStore({ databaseUrl: rdb.url });
      try {
        await rpg.migrate();
        return await settleOn('region-year 2.5M persons, PostgreSQL', rpg, region, b.params, 300);
      } finally {
        await rpg.close();
        await rdb.drop();
      }
    },
  );
}
