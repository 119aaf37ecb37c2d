/**
 * Linkage API (issue 6): the stored chain of a county-year — VBP savings, space, price proposal,
 * revenue structure, salary budget, fund and patients — with the trace of every figure.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBody, yearParams, row } from './schemas.js';
import type { AppContext } from '../runs/context.js';
import { linkageYear, readLinkage } from '../runs/linkage.js';
import { NotSettledError } from '../runs/settlement-read.js';

const tags = ['linkage'];

export function registerLinkageRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/linkage/:jurisdiction/:year',
    {
      schema: {
        summary: 'The linkage chain of a county-year (三医联动): procurement, fund, price proposal, revenue structure, salary; `part` selects one section',
        tags,
        params: yearParams,
        querystring: z.object({ part: z.enum(['summary', 'trace', 'procurement', 'fund', 'pricing', 'structure', 'salary']).optional() }),
        response: { 200: row, 404: errorBody },
      },
    },
    async (req) => {
      const res = await readLinkage(ctx.store, req.params.jurisdiction, req.params.year);
      if (!res) throw new NotSettledError(`no linkage of ${req.params.jurisdiction} ${req.params.year} is stored: run \`sanyi linkage --jurisdiction ${req.params.jurisdiction} --year ${req.params.year}\` or POST to this address`);
      return req.query.part ? { [req.query.part]: res[req.query.part] } : (res as unknown as Record<string, unknown>);
    },
  );
  r.post(
    '/api/linkage/:jurisdiction/:year',
    { schema: { summary: 'Compute (or recompute) the linkage of a settled county-year and store it; answers the summary', tags, params: yearParams, response: { 200: row, 404: errorBody } } },
    async (req) => ({ summary: (await linkageYear(ctx, { jurisdiction: req.params.jurisdiction, year: req.params.year })).summary }),
  );
}
