/** Tests only: a server on an in-memory store holding a generated, loaded and settled small county. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { openContext, type AppContext } from '../../runs/context.js';
import { generateToDirectory } from '../../runs/generate.js';
import { loadGenerated } from '../../runs/load-generated.js';
import { seedJurisdictions } from '../../runs/seed.js';
import { settleYear, type SettleSummary } from '../../runs/settle.js';
import { loadCatalogue } from '../../simulation/catalogue.js';
import { buildApp } from '../app.js';

export interface SettledApp {
  ctx: AppContext;
  app: FastifyInstance;
  /** http://127.0.0.1:<port> */
  base: string;
  summary: SettleSummary;
  close(): Promise<void>;
}

/** Generates `population` persons of the demo county for 2025 (seed given), loads, settles and listens. */
export async function startSettledApp(opts: { population: number; seed: number }): Promise<SettledApp> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'sanyi-api-'));
  const ctx = await openContext({ memory: true });
  const catalogue = await loadCatalogue();
  const dir = path.join(tmp, 'gen');
  await generateToDirectory({ params: ctx.params, catalogue, population: opts.population, startYear: 2025, years: 1, seed: opts.seed, out: dir, catalogueVersion: catalogue.version, generatedBy: 'test' });
  await seedJurisdictions(ctx.store, ctx.params);
  await loadGenerated(ctx.store, dir);
  const summary = await settleYear(ctx, { jurisdiction: 'demo', year: 2025 });
  const app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no port');
  return {
    ctx,
    app,
    base: `http://127.0.0.1:${addr.port}`,
    summary,
    async close() {
      await app.close();
      await ctx.close();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}
