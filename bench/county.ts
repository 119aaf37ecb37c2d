/**
 * Bench support: the demo county-year (300,000 persons, seed 42) generated once into a temporary
 * directory, and a measurement run on a fresh embedded PGlite on disk and, with DATABASE_URL, on a
 * fresh PostgreSQL database. Not a benchmark itself (no `.bench.ts`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadParamTree, type ParamTree } from '../src/rules/params.js';
import { loadCatalogue, SHIPPED_CATALOGUE_DIR, type Catalogue } from '../src/simulation/catalogue.js';
import { SHIPPED_PARAMS_DIR } from '../src/runs/config.js';
import { generateToDirectory } from '../src/runs/generate.js';
import { openStore, type Store } from '../src/store/store.js';
import { createTestDatabase } from '../src/store/test-support/backends.js';
import type { Figure } from './run.js';

export interface CountyBench {
  params: ParamTree;
  catalogue: Catalogue;
  tmp: string;
  /** The generated demo county-year. */
  county: string;
}

/** Generates the county, then runs `measure` on PGlite and (with DATABASE_URL) PostgreSQL; `more` may add runs. */
export async function onCountyBackends(
  name: string,
  measure: (label: string, store: Store, bench: CountyBench) => Promise<Figure[]>,
  more?: (bench: CountyBench) => Promise<Figure[]>,
): Promise<Figure[]> {
  const params = await loadParamTree(SHIPPED_PARAMS_DIR);
  const catalogue = await loadCatalogue(SHIPPED_CATALOGUE_DIR);
  const tmp = await mkdtemp(path.join(os.tmpdir(), `sanyi-bench-${name}-`));
  const bench: CountyBench = { params, catalogue, tmp, county: path.join(tmp, 'county') };
  const figures: Figure[] = [];
  try {
    await generateToDirectory({ params, catalogue, population: 300_000, startYear: 2025, years: 1, seed: 42, out: bench.county, catalogueVersion: catalogue.version, generatedBy: 'bench' });
    const pglite = await openStore({ dataDir: path.join(tmp, 'pglite') });
    try {
      await pglite.migrate();
      figures.push(...(await measure('county-year, PGlite on disk', pglite, bench)));
    } finally {
      await pglite.close();
    }
    if (process.env.DATABASE_URL) {
      const db = await createTestDatabase();
      const pg = await openStore({ databaseUrl: db.url });
      try {
        await pg.migrate();
        figures.push(...(await measure('county-year, PostgreSQL', pg, bench)));
      } finally {
        await pg.close();
        await db.drop();
      }
    }
    if (more) figures.push(...(await more(bench)));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return figures;
}
