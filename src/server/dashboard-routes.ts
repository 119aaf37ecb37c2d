/**
 * Dashboard API (issue 7, docs/dashboard.md): each page of a county-year from its pre-built snapshot
 * (one row read and sent as stored, or the bytes sent before while the row's build time is
 * unchanged, gzipped once when large and the client accepts it, so every call stays below 100 ms),
 * `?institution=` for the pages that filter by it (an institution without rows on a page gets the
 * page empty, an unknown one 404), the trace of any figure by its id, and the years of a
 * jurisdiction that have a dashboard. A county-year without snapshots answers 404 with the command
 * that builds them.
 */
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBody, yearParams, row } from './schemas.js';
import type { AppContext } from '../runs/context.js';
import { DASHBOARD_PAGES, FILTERED_PAGES, NoSnapshotError, readSnapshot, readTrace, readYears, SnapshotCache, type DashboardPage } from '../runs/dashboard.js';

const tags = ['dashboard'];

const SUMMARIES: Record<DashboardPage, string> = {
  overview: 'The linkage loop of the year (VBP savings → space → prices → revenue structure → salary → fund and patients) and headline figures',
  fund: 'The package budget against spending by month, the surplus, and out-of-county flow',
  hospitals: 'Revenue structure, CMI, cost and time indices, DRG payment against charges, by institution',
  procurement: 'VBP completion against time progress by month and product, and the savings',
  prices: 'The service-price proposal and its impact by institution',
  salary: 'Salary budgets, leaders’ pay and the staff pay distribution',
  indicators: 'Every indicator against its target with its trend, and the assessment score',
  findings: 'Fund-supervision findings by rule and the largest 200',
};

/** Gzip of the large bodies, made once per body (the cache hands out the same Buffer while the row is unchanged). */
const gzipped = new WeakMap<Buffer, Buffer>();
const GZIP_FROM_BYTES = 16 * 1024;

async function send(req: FastifyRequest, reply: FastifyReply, read: () => Promise<string | Buffer>) {
  let body: string | Buffer;
  try {
    body = await read();
  } catch (e) {
    if (e instanceof NoSnapshotError) return reply.status(404).send({ error: 'not_found', message: e.message });
    throw e;
  }
  reply.type('application/json; charset=utf-8');
  if (Buffer.isBuffer(body) && body.length >= GZIP_FROM_BYTES && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    let gz = gzipped.get(body);
    if (!gz) gzipped.set(body, (gz = gzipSync(body)));
    return reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding').send(gz);
  }
  return reply.send(body);
}

export function registerDashboardRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // Bodies already sent, re-sent while their snapshot row is unchanged (one small read per call).
  const cache = new SnapshotCache();
  r.get(
    '/api/dashboard/:jurisdiction',
    {
      schema: {
        summary: 'The years of a jurisdiction that have a dashboard (snapshots), oldest first',
        tags,
        params: z.object({ jurisdiction: z.string().min(1) }),
        response: { 200: z.object({ jurisdiction: z.string(), years: z.array(z.number().int()) }), 404: errorBody },
      },
    },
    async (req, reply) => {
      const years = await readYears(ctx.store, req.params.jurisdiction);
      if (years === null) return reply.status(404).send({ error: 'not_found', message: `no jurisdiction ${req.params.jurisdiction} is known` });
      return { jurisdiction: req.params.jurisdiction, years };
    },
  );
  for (const page of DASHBOARD_PAGES) {
    const filtered = FILTERED_PAGES.has(page);
    r.get(
      `/api/dashboard/:jurisdiction/:year/${page}`,
      {
        schema: {
          summary: `${SUMMARIES[page]} (pre-built snapshot${filtered ? '; `institution` selects one institution' : ''})`,
          tags,
          params: yearParams,
          ...(filtered ? { querystring: z.object({ institution: z.string().min(1).optional() }) } : {}),
          response: { 200: row, 404: errorBody },
        },
      },
      (req, reply) => send(req, reply, () => readSnapshot(ctx.store, req.params.jurisdiction, req.params.year, page, filtered ? (req.query as { institution?: string }).institution : undefined, cache)),
    );
  }
  r.get(
    '/api/dashboard/:jurisdiction/:year/trace/:id',
    {
      schema: {
        summary: 'The trace of a dashboard figure (rule, parameters with dates and references, steps, children)',
        tags,
        params: yearParams.extend({ id: z.string().min(1) }),
        response: { 200: row, 404: errorBody },
      },
    },
    (req, reply) => send(req, reply, () => readTrace(ctx.store, req.params.jurisdiction, req.params.year, req.params.id)),
  );
}
