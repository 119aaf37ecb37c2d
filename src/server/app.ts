/**
 * The HTTP server: a thin face over the application context. JSON API under /api (validated and
 * documented from one zod schema each, OpenAPI at /docs), the web app from web/dist with a
 * single-page fallback, structured logs (pino).
 */
import { existsSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBody } from './schemas.js';
import { ParamNotFoundError, UNITS, type ParamDefinition } from '../rules/params.js';
import { PeriodError } from '../rules/period.js';
import type { AppContext } from '../runs/context.js';
import { todayInChina } from '../runs/config.js';
import { NotSettledError } from '../runs/settlement-read.js';
import { SettleInputError } from '../runs/read-year.js';
import { LinkageInputError } from '../runs/linkage.js';
import { registerSettlementRoutes } from './settlement-routes.js';
import { registerLinkageRoutes } from './linkage-routes.js';
import { registerDashboardRoutes } from './dashboard-routes.js';
import { networkRefusal, registerNetworkRoutes } from './network-routes.js';

export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));
export const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

// ---------------------------------------------------------------------------------------------
// Schemas (one source for validation, types and OpenAPI)

const bilingual = z.object({ zh: z.string(), en: z.string() });
const reference = z.object({
  basis: z.enum(['source', 'reported', 'default']),
  docNo: z.string().optional(),
  title: z.string().optional(),
  url: z.string().optional(),
  reason: z.string().optional(),
});
const unit = z.enum(UNITS);
const scale = z.object({
  type: z.enum(['single_amount', 'marginal_rate']),
  base: unit.optional(),
  brackets: z.array(z.object({ threshold: z.number(), value: z.number() })),
});
const paramValue = z.union([z.number(), z.string(), z.boolean(), scale]);
const provenance = z.object({ file: z.string(), jurisdiction: z.string(), effectiveFrom: z.string(), reference });
const description = z.object({ zh: z.string().optional(), en: z.string().optional() });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is YYYY-MM-DD');

const resolvedParam = z.object({
  path: z.string(),
  label: bilingual,
  description: description.optional(),
  unit,
  kind: z.enum(['value', 'scale']),
  value: paramValue.nullable(),
  provenance: provenance.nullable(),
});

const paramDetail = z.object({
  path: z.string(),
  label: bilingual,
  description: description.optional(),
  unit,
  kind: z.enum(['value', 'scale']),
  definitions: z.array(
    z.object({
      jurisdiction: z.string(),
      file: z.string(),
      reference,
      values: z.array(z.object({ effectiveFrom: z.string(), value: paramValue.nullable(), reference: reference.optional() })),
    }),
  ),
});

const jurisdiction = z.object({
  id: z.string(),
  parent: z.string().nullable(),
  level: z.enum(['national', 'province', 'region', 'county']),
  name: bilingual,
  adcode: z.string().nullable(),
});

function describeParam(d: ParamDefinition) {
  return { path: d.path, label: d.label, ...(d.description ? { description: d.description } : {}), unit: d.unit, kind: d.kind };
}

// ---------------------------------------------------------------------------------------------

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  /** Log every request and response (off unless LOG_LEVEL is debug or trace). */
  logRequests?: boolean;
}

export async function buildApp(ctx: AppContext, opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: opts.logger ?? false, logController: new LogController({ disableRequestLogging: !opts.logRequests }) }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'sanyi API',
        description: '三医联动 — medical care, medical insurance and medicine for a county medical community',
        version: PACKAGE_VERSION,
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.setErrorHandler((err, req, reply) => {
    const refused = networkRefusal(err);
    if (refused) return reply.status(refused.status).send(refused.body);
    if (err instanceof ParamNotFoundError || err instanceof NotSettledError || err instanceof SettleInputError || err instanceof LinkageInputError) return reply.status(404).send({ error: 'not_found', message: err.message });
    if (err instanceof PeriodError) return reply.status(400).send({ error: 'bad_request', message: err.message });
    const e = err as { validation?: unknown; statusCode?: number; message: string };
    if (e.validation) return reply.status(400).send({ error: 'bad_request', message: e.message });
    if (e.statusCode && e.statusCode < 500) return reply.status(e.statusCode).send({ error: 'bad_request', message: e.message });
    req.log.error({ err }, 'request failed');
    return reply.status(500).send({ error: 'internal', message: 'internal error; see the server log' });
  });

  app.get(
    '/api/health',
    {
      schema: {
        summary: 'Health of the server and its database',
        tags: ['system'],
        response: {
          200: z.object({
            status: z.literal('ok'),
            version: z.string(),
            paramVersion: z.string(),
            database: z.object({ backend: z.enum(['pglite', 'postgres']) }),
          }),
        },
      },
    },
    async () => {
      await ctx.store.query('select 1');
      return { status: 'ok' as const, version: PACKAGE_VERSION, paramVersion: ctx.params.version, database: { backend: ctx.store.backend } };
    },
  );

  app.get(
    '/api/jurisdictions',
    { schema: { summary: 'The jurisdiction tree (national → province → pooling region → county)', tags: ['parameters'], response: { 200: z.object({ jurisdictions: z.array(jurisdiction) }) } } },
    () => ({ jurisdictions: ctx.params.jurisdictions() }),
  );

  app.get(
    '/api/params',
    {
      schema: {
        summary: 'Every parameter in force at a date in a jurisdiction, with where each value comes from',
        tags: ['parameters'],
        querystring: z.object({
          date: isoDate.optional().describe('defaults to today in China'),
          jurisdiction: z.string().default('demo'),
        }),
        response: { 200: z.object({ date: z.string(), jurisdiction: z.string(), version: z.string(), params: z.array(resolvedParam) }), 400: errorBody, 404: errorBody },
      },
    },
    (req) => {
      const date = req.query.date ?? todayInChina();
      const snapshot = ctx.params.snapshot(date, req.query.jurisdiction);
      return {
        date,
        jurisdiction: req.query.jurisdiction,
        version: ctx.params.version,
        params: snapshot.map((s) => ({
          ...describeParam(s.definition),
          value: s.resolved?.value ?? null,
          provenance: s.resolved?.provenance ?? null,
        })),
      };
    },
  );

  app.get(
    '/api/params/:path',
    {
      schema: {
        summary: "One parameter: every jurisdiction's dated values, most general first",
        tags: ['parameters'],
        params: z.object({ path: z.string() }),
        response: { 200: paramDetail, 404: errorBody },
      },
    },
    (req) => {
      const defs = ctx.params.definitions(req.params.path);
      const first = defs[0];
      if (!first) throw new ParamNotFoundError(req.params.path, '*', '*', 'no such parameter');
      return {
        ...describeParam(first),
        definitions: defs.map((d) => ({ jurisdiction: d.jurisdiction, file: d.file, reference: d.reference, values: d.values })),
      };
    },
  );

  registerSettlementRoutes(app, ctx);
  registerLinkageRoutes(app, ctx);
  registerDashboardRoutes(app, ctx);
  registerNetworkRoutes(app, ctx);

  // The web app, with a single-page fallback for its client-side routes.
  const hasWeb = existsSync(`${WEB_DIST}index.html`);
  if (hasWeb) await app.register(fastifyStatic, { root: WEB_DIST, wildcard: false });
  app.setNotFoundHandler((req, reply) => {
    const url = req.raw.url ?? '/';
    if (url.startsWith('/api/') || url === '/api' || req.method !== 'GET') {
      return reply.status(404).send({ error: 'not_found', message: `no route ${req.method} ${url.split('?')[0]}` });
    }
    if (!hasWeb) {
      return reply.status(404).type('text/plain').send('The web app is not built: run `npm run build` (npm start does it for you).');
    }
    return reply.sendFile('index.html');
  });

  return app;
}
