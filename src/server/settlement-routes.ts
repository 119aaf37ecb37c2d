/**
 * Settlement API (issue 5): fund status and package, monthly ledger, payments per institution,
 * inpatient case payments, one claim explained with its trace, and supervision findings.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBody, yearParams, row } from './schemas.js';
import type { AppContext } from '../runs/context.js';
import { casePayments, explainClaim, findings, institutionPayments, ledger, listSettlements, settlementRun } from '../runs/settlement-read.js';

const page = { limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0) };
const tags = ['insurance'];

export function registerSettlementRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/settlements',
    { schema: { summary: 'The settled county-years (结算年度)', tags, response: { 200: z.object({ settlements: z.array(z.object({ jurisdiction: z.string(), year: z.number(), runId: z.number(), finishedAt: z.string() })) }) } } },
    async () => ({ settlements: await listSettlements(ctx.store) }),
  );
  r.get(
    '/api/settlements/:jurisdiction/:year',
    {
      schema: {
        summary: 'Fund status of a settled county-year: claims, fund and patient shares, payments to institutions, the county package (budget, charged, balance, retained) with its trace, findings',
        tags,
        params: yearParams,
        response: { 200: z.object({ runId: z.number(), summary: row }), 404: errorBody },
      },
    },
    async (req) => await settlementRun(ctx.store, req.params.jurisdiction, req.params.year),
  );
  r.get(
    '/api/settlements/:jurisdiction/:year/ledger',
    { schema: { summary: 'The county package ledger by month (打包付费台账)', tags, params: yearParams, response: { 200: z.object({ months: z.array(row) }), 404: errorBody } } },
    async (req) => ({ months: await ledger(ctx.store, req.params.jurisdiction, req.params.year) }),
  );
  r.get(
    '/api/settlements/:jurisdiction/:year/institutions',
    { schema: { summary: 'Payments per institution: charges, fund, DRG/DIP payment against item charges (结余/超支), capitation', tags, params: yearParams, response: { 200: z.object({ institutions: z.array(row) }), 404: errorBody } } },
    async (req) => ({ institutions: await institutionPayments(ctx.store, req.params.jurisdiction, req.params.year) }),
  );
  r.get(
    '/api/settlements/:jurisdiction/:year/cases',
    {
      schema: {
        summary: 'Inpatient case payments (DRG/DIP or by item), optionally of one institution',
        tags,
        params: yearParams,
        querystring: z.object({ institution: z.string().optional(), ...page }),
        response: { 200: z.object({ total: z.number(), cases: z.array(row) }), 404: errorBody },
      },
    },
    async (req) => await casePayments(ctx.store, req.params.jurisdiction, req.params.year, req.query),
  );
  r.get(
    '/api/settlements/:jurisdiction/:year/claims/:encounterId',
    {
      schema: {
        summary: "One claim explained: its adjudication re-run with the trace (rules, parameters with their dates and references, intermediate amounts) next to the stored figures",
        tags,
        params: yearParams.extend({ encounterId: z.coerce.number().int().positive() }),
        response: { 200: row, 404: errorBody },
      },
    },
    async (req) => ({ ...(await explainClaim(ctx.store, ctx.params, req.params.jurisdiction, req.params.year, req.params.encounterId)) }),
  );
  r.get(
    '/api/settlements/:jurisdiction/:year/findings',
    {
      schema: {
        summary: 'Fund supervision findings (基金监管线索) with their evidence, by rule and institution',
        tags,
        params: yearParams,
        querystring: z.object({ rule: z.string().optional(), institution: z.string().optional(), ...page }),
        response: { 200: z.object({ total: z.number(), byRule: z.array(row), findings: z.array(row) }), 404: errorBody },
      },
    },
    async (req) => await findings(ctx.store, req.params.jurisdiction, req.params.year, req.query),
  );
}
