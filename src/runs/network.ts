/**
 * The referral workflow in the store (issue 8): a referral is a row of `network_referrals` with its
 * state and `version`, and its history is the rows of `network_referral_events`. Every move runs the
 * domain's `transition` on the referral as read, then writes it with compare-and-set on the version
 * (`UPDATE … WHERE id = $1 AND version = $expected`) in the same transaction that appends the event:
 * when another writer moved it first, 0 rows are updated and the move is refused with
 * `StaleReferralError` naming the referral, the expected and the current version. No change is lost.
 */
import type { Bilingual, ParamTree } from '../rules/params.js';
import { loadCatalogue, SHIPPED_CATALOGUE_DIR } from '../simulation/catalogue.js';
import type { Queryable, Store, StoreTx } from '../store/store.js';
import type { InstitutionRef, Instant, NetworkLevel } from '../network/common.js';
import {
  actionsFrom,
  deadlineOf,
  expireDue,
  requestReferral,
  StaleReferralError,
  transition,
  type Actor,
  type Referral,
  type ReferralAction,
  type ReferralDirection,
  type ReferralEvent,
  type ReferralState,
  type TransitionRule,
} from '../network/referral.js';

/** The network level of an institution kind (src/store/schema.ts INSTITUTION_KINDS). */
export function networkLevelOfKind(kind: string): NetworkLevel {
  if (kind === 'village_clinic') return 'village';
  if (kind === 'township_centre') return 'township';
  if (kind.startsWith('out_of_county')) return 'out_of_county';
  return 'county';
}

export interface NetworkInstitution extends InstitutionRef {
  kind: string;
  nameZh: string;
  nameEn: string;
  townshipId: string | null;
}

/** An institution as the network sees it, or null when unknown. */
export async function networkInstitution(q: Queryable, id: string): Promise<NetworkInstitution | null> {
  const [r] = await q.query<{ id: string; kind: string; in_county: boolean; name_zh: string; name_en: string; township_id: string | null }>(
    'select id, kind, in_county, name_zh, name_en, township_id from institutions where id = $1',
    [id],
  );
  return r ? { id: r.id, kind: r.kind, level: networkLevelOfKind(r.kind), inCounty: r.in_county, nameZh: r.name_zh, nameEn: r.name_en, townshipId: r.township_id } : null;
}

export class UnknownReferralError extends Error {
  constructor(readonly referralId: string) {
    super(`no referral ${referralId} is stored`);
    this.name = 'UnknownReferralError';
  }
}

/** A referral asked for a person who is not a resident of the jurisdiction's county. */
export class UnknownPersonError extends Error {
  constructor(readonly personId: string, readonly jurisdiction: string) {
    super(`no resident ${personId} is stored for ${jurisdiction}: a referral is requested for a resident of the county (residents.id)`);
    this.name = 'UnknownPersonError';
  }
}

export class UnknownInstitutionError extends Error {
  constructor(readonly institutionId: string) {
    super(`no institution ${institutionId} is stored`);
    this.name = 'UnknownInstitutionError';
  }
}

/** A move or request by someone who is not on the staff of the institution they act for. */
export class ActorNotOnStaffError extends Error {
  constructor(readonly actor: Actor, message: string) {
    super(message);
    this.name = 'ActorNotOnStaffError';
  }
}

/** Staff roles that may act as a doctor (a referral is requested or cancelled by a doctor). */
export const DOCTOR_ROLES: readonly string[] = ['doctor', 'village_doctor'];

/**
 * The actor must be on the staff (the `staff` table) of the institution it acts for, and a doctor
 * must hold a doctor's role. The system (expiry) is not checked. An institution whose staff the
 * county does not hold (a partner hospital outside the county) cannot be checked: its actor's id is
 * recorded as given. There is no log-in yet: the id is what the caller says it is.
 */
export async function checkActor(q: Queryable, actor: Actor): Promise<void> {
  if (actor.kind === 'system') return;
  const inst = actor.institutionId;
  if (!inst) throw new ActorNotOnStaffError(actor, `${actor.kind} ${actor.id} acts for no institution`);
  const held = await q.query('select 1 from staff where institution_id = $1 limit 1', [inst]);
  if (held.length === 0) return;
  const [s] = await q.query<{ institution_id: string; role: string }>('select institution_id, role from staff where id = $1', [actor.id]);
  if (!s) throw new ActorNotOnStaffError(actor, `${actor.kind} ${actor.id} is not on the staff of ${inst}: no staff member has that id (GET /api/network/{jurisdiction}/staff?institution=${inst} lists them)`);
  if (s.institution_id !== inst) throw new ActorNotOnStaffError(actor, `${actor.kind} ${actor.id} works at ${s.institution_id}, not at ${inst}, and may not act for it`);
  if (actor.kind === 'doctor' && !DOCTOR_ROLES.includes(s.role)) throw new ActorNotOnStaffError(actor, `${actor.id} of ${inst} is a ${s.role}, not a doctor: only a doctor may do this`);
}

export interface StaffMember {
  id: string;
  role: string;
  title: string;
  /** May act as a doctor (request or cancel a referral). */
  doctor: boolean;
}

/** The staff of an institution who may act for it (ordered by id); [] when its staff are not held (outside the county). */
export async function institutionStaff(q: Queryable, institutionId: string): Promise<StaffMember[]> {
  if (!(await networkInstitution(q, institutionId))) throw new UnknownInstitutionError(institutionId);
  const rows = await q.query<{ id: string; role: string; title: string }>('select id, role, title from staff where institution_id = $1 order by id', [institutionId]);
  return rows.map((r) => ({ ...r, doctor: DOCTOR_ROLES.includes(r.role) }));
}

// ---------------------------------------------------------------------------------------------
// Rows ⇄ referrals

export interface ReferralRow {
  id: string;
  county_id: string;
  person_id: string;
  disease_id: string | null;
  from_institution_id: string;
  from_level: string;
  from_in_county: boolean;
  to_institution_id: string;
  to_level: string;
  to_in_county: boolean;
  direction: string;
  scope: string;
  state: string;
  version: number;
  requested_at: Date | string;
  state_since: Date | string;
  source_encounter_id: string | null;
  encounter_ids: string;
}

export interface EventRow {
  referral_id: string;
  seq: number;
  action: string;
  actor_kind: string;
  actor_id: string;
  actor_institution_id: string | null;
  at: Date | string;
  from_state: string | null;
  to_state: string;
  reason: string | null;
  encounter_id: string | null;
}

const iso = (v: Date | string): Instant => (v instanceof Date ? v.toISOString() : new Date(v).toISOString());

export const REFERRAL_COLUMNS =
  'id, county_id, person_id, disease_id, from_institution_id, from_level, from_in_county, to_institution_id, to_level, to_in_county, direction, scope, state, version, requested_at, state_since, source_encounter_id, encounter_ids';

function eventOf(e: EventRow): ReferralEvent {
  const actor: Actor = { kind: e.actor_kind as Actor['kind'], id: e.actor_id, ...(e.actor_institution_id ? { institutionId: e.actor_institution_id } : {}) };
  return {
    seq: e.seq,
    action: e.action as ReferralEvent['action'],
    from: e.from_state as ReferralState | null,
    to: e.to_state as ReferralState,
    at: iso(e.at),
    actor,
    ...(e.reason ? { reason: e.reason } : {}),
    ...(e.encounter_id ? { encounterId: e.encounter_id } : {}),
  };
}

export function referralOf(r: ReferralRow, events: EventRow[]): Referral {
  return {
    id: r.id,
    jurisdiction: r.county_id,
    personId: r.person_id,
    ...(r.disease_id ? { diseaseId: r.disease_id } : {}),
    from: { id: r.from_institution_id, level: r.from_level as NetworkLevel, inCounty: r.from_in_county },
    to: { id: r.to_institution_id, level: r.to_level as NetworkLevel, inCounty: r.to_in_county },
    direction: r.direction as ReferralDirection,
    scope: r.scope as Referral['scope'],
    state: r.state as ReferralState,
    version: r.version,
    requestedAt: iso(r.requested_at),
    stateSince: iso(r.state_since),
    ...(r.source_encounter_id ? { sourceEncounterId: r.source_encounter_id } : {}),
    encounterIds: r.encounter_ids ? r.encounter_ids.split('|') : [],
    events: events.map(eventOf),
  };
}

/** The stored referral with its history, or null. */
export async function loadReferral(q: Queryable, id: string): Promise<Referral | null> {
  const [row] = await q.query<ReferralRow>(`select ${REFERRAL_COLUMNS} from network_referrals where id = $1`, [id]);
  if (!row) return null;
  const events = await q.query<EventRow>('select * from network_referral_events where referral_id = $1 order by seq', [id]);
  return referralOf(row, events);
}

/** The instant an open referral expires at (its accept or arrive limit), or null. */
export function expiryAt(r: Referral, params: ParamTree): Instant | null {
  const d = deadlineOf(r, params);
  return d && d.effect === 'expire' ? d.by : null;
}

/** Row values of a referral, in the order of INSERT_REFERRAL's columns after origin, year and generated id. */
function referralValues(r: Referral, params: ParamTree): unknown[] {
  return [
    r.id,
    r.jurisdiction,
    r.personId,
    r.diseaseId ?? null,
    r.from.id,
    r.from.level,
    r.from.inCounty,
    r.to.id,
    r.to.level,
    r.to.inCounty,
    r.direction,
    r.scope,
    r.state,
    r.version,
    r.requestedAt,
    r.stateSince,
    expiryAt(r, params),
    r.sourceEncounterId ?? null,
    r.encounterIds.join('|'),
  ];
}

export const REFERRAL_INSERT_COLUMNS = [
  'id',
  'county_id',
  'person_id',
  'disease_id',
  'from_institution_id',
  'from_level',
  'from_in_county',
  'to_institution_id',
  'to_level',
  'to_in_county',
  'direction',
  'scope',
  'state',
  'version',
  'requested_at',
  'state_since',
  'deadline_at',
  'source_encounter_id',
  'encounter_ids',
  'origin',
  'year',
  'generated_id',
] as const;

export const EVENT_INSERT_COLUMNS = ['referral_id', 'seq', 'action', 'actor_kind', 'actor_id', 'actor_institution_id', 'at', 'from_state', 'to_state', 'reason', 'encounter_id'] as const;

/** The rows to COPY or insert for a referral: its own and its events'. */
export function referralRows(r: Referral, params: ParamTree, origin: 'generated' | 'api', year: number | null, generatedId: number | null): { referral: unknown[]; events: unknown[][] } {
  return {
    referral: [...referralValues(r, params), origin, year, generatedId],
    events: r.events.map((e) => eventValues(r.id, e)),
  };
}

function eventValues(referralId: string, e: ReferralEvent): unknown[] {
  return [referralId, e.seq, e.action, e.actor.kind, e.actor.id, e.actor.institutionId ?? null, e.at, e.from, e.to, e.reason ?? null, e.encounterId ?? null];
}

const placeholders = (n: number, from = 1): string => Array.from({ length: n }, (_, i) => `$${i + from}`).join(', ');

async function insertEvent(tx: StoreTx, referralId: string, e: ReferralEvent): Promise<void> {
  await tx.query(`insert into network_referral_events (${EVENT_INSERT_COLUMNS.join(', ')}) values (${placeholders(EVENT_INSERT_COLUMNS.length)})`, eventValues(referralId, e));
}

// ---------------------------------------------------------------------------------------------
// Request, transition, expiry

export interface StoreReferralRequest {
  jurisdiction: string;
  personId: string;
  fromInstitutionId: string;
  toInstitutionId: string;
  diseaseId?: string | undefined;
  direction?: ReferralDirection | undefined;
  actor: { kind: 'doctor' | 'staff'; id: string };
  at: Instant;
  reason?: string | undefined;
  sourceEncounterId?: string | undefined;
}

/** Requests a referral (the actor acts for the sending institution) and stores it; returns it. */
export async function requestStoredReferral(store: Store, params: ParamTree, q: StoreReferralRequest): Promise<Referral> {
  return store.transaction(async (tx) => {
    const from = await networkInstitution(tx, q.fromInstitutionId);
    if (!from) throw new UnknownInstitutionError(q.fromInstitutionId);
    const to = await networkInstitution(tx, q.toInstitutionId);
    if (!to) throw new UnknownInstitutionError(q.toInstitutionId);
    const person = /^\d{1,15}$/.test(q.personId) ? await tx.query('select 1 from residents where id = $1 and county_id = $2', [Number(q.personId), q.jurisdiction]) : [];
    if (person.length === 0) throw new UnknownPersonError(q.personId, q.jurisdiction);
    await checkActor(tx, { ...q.actor, institutionId: from.id });
    const [n] = await tx.query<{ n: number }>("select nextval('network_referral_api_seq')::int as n");
    const id = `R-API-${String(n?.n ?? 0).padStart(6, '0')}`;
    const r = requestReferral({
      id,
      jurisdiction: q.jurisdiction,
      personId: q.personId,
      from: { id: from.id, level: from.level, inCounty: from.inCounty },
      to: { id: to.id, level: to.level, inCounty: to.inCounty },
      actor: { ...q.actor, institutionId: from.id },
      at: q.at,
      ...(q.diseaseId ? { diseaseId: q.diseaseId } : {}),
      ...(q.direction ? { direction: q.direction } : {}),
      ...(q.reason ? { reason: q.reason } : {}),
      ...(q.sourceEncounterId ? { sourceEncounterId: q.sourceEncounterId } : {}),
    });
    const rows = referralRows(r, params, 'api', null, null);
    await tx.query(`insert into network_referrals (${REFERRAL_INSERT_COLUMNS.join(', ')}) values (${placeholders(REFERRAL_INSERT_COLUMNS.length)})`, rows.referral);
    for (const e of r.events) await insertEvent(tx, r.id, e);
    return r;
  });
}

export interface StoredTransition {
  action: ReferralAction;
  actor: Actor;
  at: Instant;
  expectedVersion: number;
  reason?: string | undefined;
  encounterId?: string | undefined;
}

/**
 * Moves a stored referral: the domain's transition on the referral as read, then compare-and-set on
 * the version with the event appended, in one transaction. Throws `StaleReferralError` when the
 * expected version is not the current one (read, or changed by a concurrent writer before the
 * update), `ReferralError` when the move is illegal, `UnknownReferralError` when there is no such referral.
 */
export async function transitionStoredReferral(store: Store, params: ParamTree, id: string, t: StoredTransition): Promise<Referral> {
  return store.transaction((tx) => transitionInTx(tx, params, id, t));
}

/**
 * Moves a referral from the copy a caller read earlier (a form opened minutes ago): the domain checks
 * the move on that copy and the compare-and-set refuses it when the stored version moved on since.
 */
export async function transitionFromRead(store: Store, params: ParamTree, read: Referral, t: StoredTransition): Promise<Referral> {
  return store.transaction((tx) => transitionInTx(tx, params, read.id, t, read));
}

async function transitionInTx(tx: StoreTx, params: ParamTree, id: string, t: StoredTransition, current?: Referral): Promise<Referral> {
  const r = current ?? (await loadReferral(tx, id));
  if (!r) throw new UnknownReferralError(id);
  const next = transition(r, t.action, t.actor, t.at, { expectedVersion: t.expectedVersion, params, ...(t.reason ? { reason: t.reason } : {}), ...(t.encounterId ? { encounterId: t.encounterId } : {}) });
  await checkActor(tx, t.actor);
  await writeMove(tx, params, next, t.expectedVersion);
  return next;
}

/** Compare-and-set of the referral's new state on the expected version, plus its last event. */
async function writeMove(tx: StoreTx, params: ParamTree, next: Referral, expectedVersion: number): Promise<void> {
  const updated = await tx.query<{ id: string }>(
    `update network_referrals set state = $3, version = version + 1, state_since = $4, deadline_at = $5, encounter_ids = $6
      where id = $1 and version = $2 returning id`,
    [next.id, expectedVersion, next.state, next.stateSince, expiryAt(next, params), next.encounterIds.join('|')],
  );
  if (updated.length === 0) {
    const [cur] = await tx.query<{ version: number; state: string }>('select version, state from network_referrals where id = $1', [next.id]);
    if (!cur) throw new UnknownReferralError(next.id);
    throw new StaleReferralError(
      next.id,
      expectedVersion,
      cur.version,
      cur.state as ReferralState,
      `referral ${next.id}: stale version ${expectedVersion}: another writer moved it first; it is at version ${cur.version} (state ${cur.state}); reload it and decide again`,
    );
  }
  const last = next.events[next.events.length - 1];
  if (last) await insertEvent(tx, next.id, last);
}

/**
 * Expires every open referral of a jurisdiction whose time limit passed by `asOf` (recorded at the
 * limit, by the system). A referral moved meanwhile by someone else is left alone (it is no longer
 * due, or the next run expires it). Returns the ids expired.
 */
export async function expireDueReferrals(store: Store, params: ParamTree, jurisdiction: string, asOf: Instant): Promise<string[]> {
  const due = await store.query<{ id: string }>(
    `select id from network_referrals where county_id = $1 and state in ('requested', 'accepted') and deadline_at < $2 order by deadline_at, id`,
    [jurisdiction, asOf],
  );
  const out: string[] = [];
  for (const { id } of due) {
    try {
      const done = await store.transaction(async (tx) => {
        const r = await loadReferral(tx, id);
        if (!r) return false;
        const res = expireDue(r, asOf, params);
        if (!res.expired) return false;
        await writeMove(tx, params, res.referral, r.version);
        return true;
      });
      if (done) out.push(id);
    } catch (e) {
      if (!(e instanceof StaleReferralError)) throw e;
    }
  }
  return out;
}

/**
 * 转诊超时 — one sweep over every county with open referrals: each referral whose time limit has
 * passed at `asOf` expires (`expireDueReferrals`). Returns the expired ids by county.
 */
export async function expireOverdueEverywhere(store: Store, params: ParamTree, asOf: Instant): Promise<Map<string, string[]>> {
  const counties = await store.query<{ county_id: string }>(
    `select distinct county_id from network_referrals where state in ('requested', 'accepted') and deadline_at < $1 order by county_id`,
    [asOf],
  );
  const out = new Map<string, string[]>();
  for (const { county_id } of counties) {
    const ids = await expireDueReferrals(store, params, county_id, asOf);
    if (ids.length > 0) out.set(county_id, ids);
  }
  return out;
}

/**
 * The server's expiry sweep: once now, then every `everyMinutes` (the timer does not keep the process
 * alive). A sweep that fails is logged and the next one runs; `stop()` ends it and waits for a sweep
 * under way.
 */
export function startReferralExpiry(
  store: Store,
  params: ParamTree,
  opts: { everyMinutes: number; log: (msg: string) => void; now?: () => Instant },
): { stop: () => Promise<void>; sweep: () => Promise<void> } {
  const now = opts.now ?? (() => new Date().toISOString());
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  // A sweep asked for before stop() runs to its end; one asked for after it does nothing.
  const sweep = (): Promise<void> => {
    if (stopped) return running;
    return (running = running.then(async () => {
      try {
        const done = await expireOverdueEverywhere(store, params, now());
        for (const [county, ids] of done) opts.log(`expired ${ids.length} overdue referral${ids.length === 1 ? '' : 's'} of ${county}`);
      } catch (e) {
        opts.log(`referral expiry sweep failed: ${(e as Error).message}`);
      }
    }));
  };
  const timer = opts.everyMinutes > 0 ? setInterval(() => void sweep(), opts.everyMinutes * 60_000) : undefined;
  timer?.unref();
  if (opts.everyMinutes > 0) void sweep();
  return {
    sweep,
    stop: async () => {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Reads for the API

export interface AllowedAction {
  action: ReferralAction;
  to: ReferralState;
  party: TransitionRule['party'];
  doctorOnly: boolean;
  reason: TransitionRule['reason'];
  label: TransitionRule['label'];
}

/** The moves a person may offer on a referral in its state (expire is the system's and not offered). */
export function allowedActions(state: ReferralState): AllowedAction[] {
  return actionsFrom(state)
    .filter((r) => r.party !== 'system')
    .map((r) => ({ action: r.action, to: r.to, party: r.party, doctorOnly: r.doctorOnly, reason: r.reason, label: r.label }));
}

export interface ReferralView {
  id: string;
  personId: string;
  diseaseId: string | null;
  /** The disease's name from the shipped catalogue (null for an id it does not hold). */
  disease: Bilingual | null;
  from: InstitutionRef & { nameZh: string; nameEn: string };
  to: InstitutionRef & { nameZh: string; nameEn: string };
  direction: ReferralDirection;
  scope: Referral['scope'];
  state: ReferralState;
  version: number;
  requestedAt: Instant;
  stateSince: Instant;
  deadline: { kind: string; effect: string; at: Instant; path: string } | null;
  sourceEncounterId: string | null;
  encounterIds: string[];
  allowedActions: AllowedAction[];
  events?: ReferralEvent[];
}

let diseaseNamesOnce: Promise<ReadonlyMap<string, Bilingual>> | undefined;
/** Disease names of the shipped catalogue by id, read once per process. */
function diseaseNames(): Promise<ReadonlyMap<string, Bilingual>> {
  return (diseaseNamesOnce ??= loadCatalogue(SHIPPED_CATALOGUE_DIR).then((c) => new Map(c.diseases.map((d) => [d.id, d.name]))));
}

export function viewOf(
  r: Referral,
  names: ReadonlyMap<string, { nameZh: string; nameEn: string }>,
  params: ParamTree,
  withEvents: boolean,
  diseases: ReadonlyMap<string, Bilingual> = new Map(),
): ReferralView {
  const name = (id: string) => names.get(id) ?? { nameZh: id, nameEn: id };
  const d = deadlineOf(r, params);
  return {
    id: r.id,
    personId: r.personId,
    diseaseId: r.diseaseId ?? null,
    disease: (r.diseaseId && diseases.get(r.diseaseId)) || null,
    from: { ...r.from, ...name(r.from.id) },
    to: { ...r.to, ...name(r.to.id) },
    direction: r.direction,
    scope: r.scope,
    state: r.state,
    version: r.version,
    requestedAt: r.requestedAt,
    stateSince: r.stateSince,
    deadline: d ? { kind: d.limit, effect: d.effect, at: d.by, path: d.path } : null,
    sourceEncounterId: r.sourceEncounterId ?? null,
    encounterIds: r.encounterIds,
    allowedActions: allowedActions(r.state),
    ...(withEvents ? { events: r.events } : {}),
  };
}

export async function institutionNames(q: Queryable, ids: Iterable<string>): Promise<Map<string, { nameZh: string; nameEn: string }>> {
  const list = [...new Set(ids)];
  if (list.length === 0) return new Map();
  const rows = await q.query<{ id: string; name_zh: string; name_en: string }>('select id, name_zh, name_en from institutions where id = any($1::text[])', [list]);
  return new Map(rows.map((r) => [r.id, { nameZh: r.name_zh, nameEn: r.name_en }]));
}

export interface BoxQuery {
  jurisdiction: string;
  institution: string;
  box: 'inbox' | 'outbox';
  state?: ReferralState | undefined;
  /** Only the referrals requested in this calendar year, China time (UTC+8) — the ones the year's flows count. */
  year?: number | undefined;
  limit: number;
  offset: number;
}

/**
 * An institution's inbox (to it) or outbox (from it), newest request first, with the allowed moves.
 * With `year`, the counts by state, the total and the page are of the referrals requested in that
 * year (by `requested_at`, API-requested ones too), and the answer carries the year.
 */
export async function referralBox(
  store: Store,
  params: ParamTree,
  q: BoxQuery,
): Promise<{ institution: string; box: string; year?: number; total: number; limit: number; offset: number; counts: Record<string, number>; referrals: ReferralView[] }> {
  if (!(await networkInstitution(store, q.institution))) throw new UnknownInstitutionError(q.institution);
  const col = q.box === 'inbox' ? 'to_institution_id' : 'from_institution_id';
  const args: unknown[] = [q.jurisdiction, q.institution];
  let where = `county_id = $1 and ${col} = $2`;
  if (q.year !== undefined) {
    args.push(`${q.year}-01-01T00:00:00+08:00`, `${q.year + 1}-01-01T00:00:00+08:00`);
    where += ` and requested_at >= $3 and requested_at < $4`;
  }
  const countRows = await store.query<{ state: string; n: number }>(`select state, count(*)::int as n from network_referrals where ${where} group by state`, args);
  const counts: Record<string, number> = Object.fromEntries(countRows.map((c) => [c.state, c.n]));
  const total = q.state ? (counts[q.state] ?? 0) : countRows.reduce((a, c) => a + c.n, 0);
  const page = [...args, q.limit, q.offset, ...(q.state ? [q.state] : [])];
  const n = args.length;
  const rows = await store.query<ReferralRow>(
    `select ${REFERRAL_COLUMNS} from network_referrals where ${where} ${q.state ? `and state = $${n + 3}` : ''} order by requested_at desc, id limit $${n + 1} offset $${n + 2}`,
    page,
  );
  const ids = rows.map((r) => r.id);
  const events = ids.length ? await store.query<EventRow>('select * from network_referral_events where referral_id = any($1::text[]) order by referral_id, seq', [ids]) : [];
  const byRef = new Map<string, EventRow[]>();
  for (const e of events) {
    const l = byRef.get(e.referral_id);
    if (l) l.push(e);
    else byRef.set(e.referral_id, [e]);
  }
  const names = await institutionNames(store, rows.flatMap((r) => [r.from_institution_id, r.to_institution_id]));
  const diseases = await diseaseNames();
  return {
    institution: q.institution,
    box: q.box,
    ...(q.year !== undefined ? { year: q.year } : {}),
    total,
    limit: q.limit,
    offset: q.offset,
    counts,
    referrals: rows.map((r) => viewOf(referralOf(r, byRef.get(r.id) ?? []), names, params, false, diseases)),
  };
}

/** One referral with its history, or null. */
export async function referralDetail(store: Store, params: ParamTree, id: string): Promise<ReferralView | null> {
  const r = await loadReferral(store, id);
  if (!r) return null;
  return viewOf(r, await institutionNames(store, [r.from.id, r.to.id]), params, true, await diseaseNames());
}
