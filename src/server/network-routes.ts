/**
 * Care-network API (issue 8, docs/network.md): referral inbox/outbox and moves with optimistic
 * versions, one referral with its history, patient flows for a Sankey, family doctors, remote care,
 * the village workforce and left-county alerts of a built county-year.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBody, row, yearParams } from './schemas.js';
import type { AppContext } from '../runs/context.js';
import { NetworkInputError, NETWORK_LEVELS } from '../network/common.js';
import { REFERRAL_STATES, ReferralError, StaleReferralError } from '../network/referral.js';
import { COVERING_STATES } from '../network/reimbursement.js';
import {
  ActorNotOnStaffError,
  expireDueReferrals,
  institutionStaff,
  referralBox,
  referralDetail,
  requestStoredReferral,
  transitionStoredReferral,
  UnknownInstitutionError,
  UnknownPersonError,
  UnknownReferralError,
} from '../runs/network.js';
import { buildNetwork, NetworkBuildError, readNetworkBuild } from '../runs/network-build.js';
import { teamPanel, UnknownTeamError } from '../runs/network-panel.js';
import { PRIORITY_GROUPS } from '../network/family-doctor.js';

const tags = ['network'];
const jParams = z.object({ jurisdiction: z.string().min(1) });
const instant = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/, 'a date and time with an offset, e.g. 2025-03-01T09:30:00+08:00');
const staleBody = z.object({ error: z.literal('stale_version'), message: z.string(), referralId: z.string(), expectedVersion: z.number(), currentVersion: z.number(), currentState: z.string() });
const state = z.enum(REFERRAL_STATES);
/** `?year=`: a calendar year of four digits (the referrals requested in it, China time). */
const yearQuery = z
  .string()
  .regex(/^\d{4}$/, 'year must be a calendar year of four digits, e.g. 2025')
  .transform(Number)
  .refine((y) => y >= 1900 && y <= 2200, 'year must be between 1900 and 2200');

const LEVEL_LABEL: Record<string, { zh: string; en: string }> = {
  village: { zh: '村卫生室', en: 'village clinic' },
  township: { zh: '乡镇卫生院', en: 'township health centre' },
  county: { zh: '县级医院', en: 'county hospital' },
  out_of_county: { zh: '县外医院', en: 'hospital outside the county' },
  self: { zh: '自行就医（未转诊）', en: 'self-presented (no referral)' },
};

/**
 * The status and body of a care-network refusal, or null for any other error. The app's error
 * handler asks it, so the routes below need no try/catch of their own.
 */
export function networkRefusal(e: unknown): { status: number; body: Record<string, unknown> } | null {
  if (e instanceof StaleReferralError) {
    return { status: 409, body: { error: 'stale_version', message: e.message, referralId: e.referralId, expectedVersion: e.expectedVersion, currentVersion: e.currentVersion, currentState: e.currentState } };
  }
  if (e instanceof ReferralError) return { status: 400, body: { error: e.code, message: e.message } };
  if (e instanceof NetworkInputError) return { status: 400, body: { error: 'bad_request', message: e.message } };
  if (e instanceof ActorNotOnStaffError) return { status: 403, body: { error: 'not_on_staff', message: e.message } };
  if (e instanceof UnknownReferralError || e instanceof UnknownInstitutionError || e instanceof UnknownPersonError || e instanceof UnknownTeamError || e instanceof NetworkBuildError) {
    return { status: 404, body: { error: 'not_found', message: e.message } };
  }
  return null;
}

export function registerNetworkRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const now = () => new Date().toISOString();

  r.get(
    '/api/network/:jurisdiction/referrals',
    {
      schema: {
        summary: "An institution's referral inbox (to it) or outbox (from it), newest first, with each referral's allowed next actions; `year`: only those requested in that year (China time)",
        tags,
        params: jParams,
        querystring: z.object({
          institution: z.string().min(1),
          box: z.enum(['inbox', 'outbox']).default('inbox'),
          state: state.optional(),
          year: yearQuery.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          offset: z.coerce.number().int().min(0).default(0),
        }),
        response: { 200: row, 400: errorBody, 404: errorBody },
      },
    },
    async (req) => {
      const { year, ...q } = req.query;
      const box = { jurisdiction: req.params.jurisdiction, ...q };
      return await referralBox(ctx.store, ctx.params, { ...box, year });
    },
  );

  r.post(
    '/api/network/:jurisdiction/referrals/expire',
    {
      schema: {
        summary: 'Expire every open referral whose time limit passed as of a time (default now), recorded at the limit by the system',
        tags,
        params: jParams,
        body: z.object({ asOf: instant.optional() }).default({}),
        response: { 200: z.object({ expired: z.number(), ids: z.array(z.string()) }) },
      },
    },
    async (req) => {
      const ids = await expireDueReferrals(ctx.store, ctx.params, req.params.jurisdiction, req.body.asOf ?? now());
      return { expired: ids.length, ids };
    },
  );

  r.get(
    '/api/network/:jurisdiction/referrals/:id',
    { schema: { summary: 'One referral with its history (events) and allowed next actions', tags, params: jParams.extend({ id: z.string().min(1) }), response: { 200: row, 404: errorBody } } },
    async (req, reply) => {
      const v = await referralDetail(ctx.store, ctx.params, req.params.id);
      if (!v || (await ctx.store.query('select 1 from network_referrals where id = $1 and county_id = $2', [req.params.id, req.params.jurisdiction])).length === 0) {
        return reply.status(404).send({ error: 'not_found', message: `no referral ${req.params.id} in ${req.params.jurisdiction}` });
      }
      return v as unknown as Record<string, unknown>;
    },
  );

  r.get(
    '/api/network/:jurisdiction/staff',
    {
      schema: {
        summary: 'The staff who may act for an institution in the referral workflow (a doctor requests and cancels; any staff member answers); empty for a partner outside the county, whose staff the county does not hold',
        tags,
        params: jParams,
        querystring: z.object({ institution: z.string().min(1) }),
        response: { 200: z.object({ institution: z.string(), staff: z.array(z.object({ id: z.string(), role: z.string(), title: z.string(), doctor: z.boolean() })) }), 404: errorBody },
      },
    },
    async (req) => {
      return { institution: req.query.institution, staff: await institutionStaff(ctx.store, req.query.institution) };
    },
  );

  r.post(
    '/api/network/:jurisdiction/referrals',
    {
      schema: {
        summary: 'Request a referral (a doctor of the sending institution)',
        tags,
        params: jParams,
        body: z.object({
          personId: z.string().min(1),
          fromInstitutionId: z.string().min(1),
          toInstitutionId: z.string().min(1),
          diseaseId: z.string().min(1).optional(),
          direction: z.enum(['up', 'down']).optional(),
          reason: z.string().optional(),
          sourceEncounterId: z.string().min(1).optional(),
          actor: z.object({ kind: z.enum(['doctor', 'staff']), id: z.string().min(1) }),
          at: instant.optional(),
        }),
        response: { 201: row, 400: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (req, reply) => {
      const created = await requestStoredReferral(ctx.store, ctx.params, { jurisdiction: req.params.jurisdiction, ...req.body, at: req.body.at ?? now() });
      return reply.status(201).send((await referralDetail(ctx.store, ctx.params, created.id)) as unknown as Record<string, unknown>);
    },
  );

  r.post(
    '/api/network/:jurisdiction/referrals/:id/actions',
    {
      schema: {
        summary: 'Move a referral (accept, decline, arrive, return_record, close, cancel) with the version you read: 409 when it moved meanwhile, 400 when the move is not allowed',
        tags,
        params: jParams.extend({ id: z.string().min(1) }),
        body: z.object({
          action: z.enum(['accept', 'decline', 'arrive', 'return_record', 'close', 'cancel']),
          expectedVersion: z.number().int().min(1),
          actor: z.object({ kind: z.enum(['doctor', 'staff']), id: z.string().min(1), institutionId: z.string().min(1) }),
          at: instant.optional(),
          reason: z.string().optional(),
          encounterId: z.string().min(1).optional(),
        }),
        response: { 200: row, 400: errorBody, 403: errorBody, 404: errorBody, 409: staleBody },
      },
    },
    async (req) => {
      const exists = await ctx.store.query('select 1 from network_referrals where id = $1 and county_id = $2', [req.params.id, req.params.jurisdiction]);
      if (exists.length === 0) throw new UnknownReferralError(req.params.id);
      await transitionStoredReferral(ctx.store, ctx.params, req.params.id, { ...req.body, at: req.body.at ?? now() });
      return (await referralDetail(ctx.store, ctx.params, req.params.id)) as unknown as Record<string, unknown>;
    },
  );

  const built = async (jurisdiction: string, year: number) => {
    const b = await readNetworkBuild(ctx.store, jurisdiction, year);
    if (!b) throw new NetworkBuildError(`the care network of ${jurisdiction} ${year} is not built: run \`sanyi network build --jurisdiction ${jurisdiction} --year ${year}\` or POST /api/network/${jurisdiction}/${year}/build`);
    return b;
  };

  r.get(
    '/api/network/:jurisdiction/:year/flows',
    { schema: { summary: 'Patient flows of a year between levels and out of the county, as Sankey nodes and links', tags, params: yearParams, response: { 200: row, 404: errorBody } } },
    async (req) => {
      const { jurisdiction, year } = req.params;
      await built(jurisdiction, year);
      const from = `${year}-01-01T00:00:00+08:00`;
      const to = `${year + 1}-01-01T00:00:00+08:00`;
      const rows = await ctx.store.query<{ from_level: string; to_level: string; direction: string; state: string; n: number }>(
        `select from_level, to_level, direction, state, count(*)::int as n from network_referrals
          where county_id = $1 and requested_at >= $2 and requested_at < $3 group by 1, 2, 3, 4`,
        [jurisdiction, from, to],
      );
      type Link = { source: string; target: string; value: number; kind: 'referral' | 'self_referred'; direction: string; notCompleted: { declined: number; cancelled: number; expired: number; open: number } };
      const links = new Map<string, Link>();
      let referralsTotal = 0;
      let referredOut = 0;
      for (const x of rows) {
        referralsTotal += x.n;
        const k = `${x.from_level}>${x.to_level}>${x.direction}`;
        const l: Link = links.get(k) ?? { source: x.from_level, target: x.to_level, value: 0, kind: 'referral', direction: x.direction, notCompleted: { declined: 0, cancelled: 0, expired: 0, open: 0 } };
        links.set(k, l);
        if (x.state === 'declined' || x.state === 'cancelled' || x.state === 'expired') l.notCompleted[x.state] += x.n;
        else if (x.state === 'requested') l.notCompleted.open += x.n;
        else l.value += x.n;
        if (x.to_level === 'out_of_county' && (COVERING_STATES as readonly string[]).includes(x.state)) referredOut += x.n;
      }
      const [ooc] = await ctx.store.query<{ n: number }>(
        `select count(*)::int as n from encounters where county_id = $1 and care_level = 'out_of_county' and type = 'inpatient' and start_date between $2 and $3`,
        [jurisdiction, `${year}-01-01`, `${year}-12-31`],
      );
      const outOfCounty = ooc?.n ?? 0;
      const self = Math.max(0, outOfCounty - referredOut);
      const all = [...links.values()].sort((a, b) => b.value - a.value);
      if (self > 0) all.push({ source: 'self', target: 'out_of_county', value: self, kind: 'self_referred', direction: 'up', notCompleted: { declined: 0, cancelled: 0, expired: 0, open: 0 } });
      return {
        year,
        nodes: [...NETWORK_LEVELS, 'self'].map((id) => ({ id, label: LEVEL_LABEL[id] })),
        links: all,
        totals: { referrals: referralsTotal, outOfCountyAdmissions: outOfCounty, referredOutOfCounty: referredOut, selfReferredOutOfCounty: self },
      };
    },
  );

  const section = (name: 'familyDoctors' | 'remote' | 'workforce', summary: string) =>
    r.get(`/api/network/:jurisdiction/:year/${name === 'familyDoctors' ? 'family-doctors' : name}`, { schema: { summary, tags, params: yearParams, response: { 200: row, 404: errorBody } } }, async (req) => {
      const b = await built(req.params.jurisdiction, req.params.year);
      return { year: req.params.year, seed: b.seed, ...(b.measures[name] as Record<string, unknown>) };
    });
  section('familyDoctors', 'Family doctors of a year: coverage overall and by priority group, services delivered against the packages, own-team visit share, teams and their per-capita payments');
  section('remote', 'Remote care of a year: turnaround by kind (median, p90, within the limit) and the monthly series of outreach sessions next to out-of-county admissions');
  section('workforce', 'The village workforce of a year: vacancy (villages without a doctor), ageing and qualification picture, the subsidy roll of December, training completion');

  r.get(
    '/api/network/:jurisdiction/:year/family-doctors/teams/:team',
    {
      schema: {
        summary: "A family-doctor team's panel (签约居民名单): its members, and each contract with the person's sex and age, term, packages, priority groups, the contract it renews and services promised against delivered; by person, paged, optionally one priority group",
        tags,
        params: yearParams.extend({ team: z.string().min(1) }),
        querystring: z.object({ group: z.enum(PRIORITY_GROUPS).optional(), limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) }),
        response: { 200: row, 404: errorBody },
      },
    },
    async (req) => {
      return (await teamPanel(ctx.store, req.params.jurisdiction, req.params.year, req.params.team, req.query)) as unknown as Record<string, unknown>;
    },
  );

  r.get(
    '/api/network/:jurisdiction/:year/alerts',
    {
      schema: {
        summary: 'Cases of a disease the county treats in county that were admitted outside the county without a referral',
        tags,
        params: yearParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) }),
        response: { 200: row, 404: errorBody },
      },
    },
    async (req) => {
      const { jurisdiction, year } = req.params;
      await built(jurisdiction, year);
      const [t] = await ctx.store.query<{ n: number }>('select count(*)::int as n from network_alerts where county_id = $1 and year = $2', [jurisdiction, year]);
      const rows = await ctx.store.query<{ person_id: string; encounter_id: string; disease_id: string; institution_id: string; date: string; message_zh: string; message_en: string }>(
        'select person_id, encounter_id, disease_id, institution_id, date, message_zh, message_en from network_alerts where county_id = $1 and year = $2 order by date, encounter_id limit $3 offset $4',
        [jurisdiction, year, req.query.limit, req.query.offset],
      );
      return {
        total: t?.n ?? 0,
        limit: req.query.limit,
        offset: req.query.offset,
        alerts: rows.map((a) => ({ personId: a.person_id, encounterId: a.encounter_id, diseaseId: a.disease_id, institutionId: a.institution_id, date: a.date, message: { zh: a.message_zh, en: a.message_en } })),
      };
    },
  );

  r.post(
    '/api/network/:jurisdiction/:year/build',
    { schema: { summary: "Build (or rebuild) a county-year's network data, as `sanyi network build`; answers the build summary", tags, params: yearParams, response: { 200: row, 404: errorBody } } },
    async (req) => {
      return (await buildNetwork(ctx, { jurisdiction: req.params.jurisdiction, year: req.params.year })) as unknown as Record<string, unknown>;
    },
  );
}
