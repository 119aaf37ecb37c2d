/**
 * Two-way referral (双向转诊) as a workflow with explicit states and who may move it.
 *
 *   requested ──accept──▶ accepted ──arrive──▶ arrived ──return_record──▶ record_returned ──close──▶ closed
 *       │  └──decline (reason)──▶ declined
 *       ├──cancel──▶ cancelled ◀──cancel── accepted
 *       └──expire──▶ expired  ◀──expire── accepted
 *
 * Who: a doctor of the sending institution (转出机构) requests and cancels; the receiving institution
 * (接收机构) accepts, declines, marks the patient arrived and returns the record (诊疗信息回传); the
 * sending institution closes; the system expires a referral whose time limit passed. The table is
 * `REFERRAL_TRANSITIONS`, data in code; `transition` refuses anything the table does not allow with
 * an error naming the referral, its state, the action and who may do it.
 *
 * Time limits are dated parameters resolved on the China date the clock started (the request for
 * acceptance, the acceptance for arrival, the arrival for the record), in the referral's
 * jurisdiction: `network.referral.acceptWithinHours`, `network.referral.arriveWithinDays` and
 * `network.referral.recordReturnWithinDays` (a day is 24 hours). A referral still requested or
 * accepted after its limit expires (`expireDue`); a record not returned in time is reported overdue
 * but its referral keeps its state.
 *
 * Concurrency: a referral carries `version` (= the number of events in its history). `transition`
 * takes the version the caller read and refuses a stale one (`StaleReferralError`), so a store that
 * writes with compare-and-set on the version never loses another writer's state change.
 *
 * Referrals are immutable values: every function returns a new referral.
 */
import type { Bilingual, ParamTree } from '../rules/params.js';
import { TraceBuilder, type Trace } from '../rules/trace.js';
import { addHours, chinaDate, compareInstants, instantMs, levelRank, NetworkInputError, type Instant, type InstitutionRef } from './common.js';

// ---------------------------------------------------------------------------------------------
// States, actions, the table

export const REFERRAL_STATES = ['requested', 'accepted', 'declined', 'arrived', 'record_returned', 'closed', 'cancelled', 'expired'] as const;
export type ReferralState = (typeof REFERRAL_STATES)[number];

/** States nothing leaves. */
export const TERMINAL_STATES: readonly ReferralState[] = ['declined', 'closed', 'cancelled', 'expired'];

export const REFERRAL_ACTIONS = ['accept', 'decline', 'arrive', 'return_record', 'close', 'cancel', 'expire'] as const;
export type ReferralAction = (typeof REFERRAL_ACTIONS)[number];

/** Whose move it is, relative to the referral. */
export type Party = 'sender' | 'receiver' | 'system';

export interface TransitionRule {
  action: ReferralAction;
  from: readonly ReferralState[];
  to: ReferralState;
  party: Party;
  /** Only a doctor of the party (not other staff) may do it. */
  doctorOnly: boolean;
  reason: 'required' | 'optional';
  label: Bilingual;
}

/** The referral workflow: every allowed move, with who may make it. */
export const REFERRAL_TRANSITIONS: readonly TransitionRule[] = Object.freeze([
  { action: 'accept', from: ['requested'], to: 'accepted', party: 'receiver', doctorOnly: false, reason: 'optional', label: { zh: '接收', en: 'accept' } },
  { action: 'decline', from: ['requested'], to: 'declined', party: 'receiver', doctorOnly: false, reason: 'required', label: { zh: '拒绝（须说明理由）', en: 'decline (with a reason)' } },
  { action: 'arrive', from: ['accepted'], to: 'arrived', party: 'receiver', doctorOnly: false, reason: 'optional', label: { zh: '患者到诊', en: 'mark the patient arrived' } },
  { action: 'return_record', from: ['arrived'], to: 'record_returned', party: 'receiver', doctorOnly: false, reason: 'optional', label: { zh: '回传诊疗信息', en: 'return the record' } },
  { action: 'close', from: ['record_returned'], to: 'closed', party: 'sender', doctorOnly: false, reason: 'optional', label: { zh: '结束转诊', en: 'close' } },
  { action: 'cancel', from: ['requested', 'accepted'], to: 'cancelled', party: 'sender', doctorOnly: true, reason: 'optional', label: { zh: '撤销转诊', en: 'cancel' } },
  { action: 'expire', from: ['requested', 'accepted'], to: 'expired', party: 'system', doctorOnly: false, reason: 'required', label: { zh: '逾期失效', en: 'expire' } },
] satisfies TransitionRule[]);

/** Requesting a referral: a doctor of the sending institution. */
export const REQUEST_RULE = Object.freeze({ action: 'request', to: 'requested', party: 'sender', doctorOnly: true, label: { zh: '提出转诊申请', en: 'request' } } as const);

const RULE_BY_ACTION = new Map(REFERRAL_TRANSITIONS.map((r) => [r.action, r]));

/** The table row of an action. */
export function ruleOf(action: ReferralAction): TransitionRule {
  const r = RULE_BY_ACTION.get(action);
  if (!r) throw new NetworkInputError(`unknown referral action ${JSON.stringify(action)} (known: ${REFERRAL_ACTIONS.join(', ')})`);
  return r;
}

/** The actions allowed from a state (for an inbox's buttons). */
export function actionsFrom(state: ReferralState): TransitionRule[] {
  return REFERRAL_TRANSITIONS.filter((r) => r.from.includes(state));
}

// ---------------------------------------------------------------------------------------------
// Referrals

/** Who acts: a doctor or other staff member of an institution, or the system (time limits). */
export interface Actor {
  kind: 'doctor' | 'staff' | 'system';
  id: string;
  /** The institution the person acts for; absent for the system. */
  institutionId?: string;
}

export const SYSTEM_ACTOR: Actor = Object.freeze({ kind: 'system', id: 'system' });

export type ReferralDirection = 'up' | 'down';
export type ReferralScope = 'within_county' | 'out_of_county';

export interface ReferralEvent {
  /** 1, 2, … in order; equals the referral's version after the event. */
  seq: number;
  action: ReferralAction | 'request';
  from: ReferralState | null;
  to: ReferralState;
  at: Instant;
  actor: Actor;
  reason?: string;
  /** The encounter at the receiver this step links (the admission or visit the referral caused). */
  encounterId?: string;
}

export interface Referral {
  id: string;
  /** Jurisdiction whose parameters time the referral (e.g. `demo`). */
  jurisdiction: string;
  personId: string;
  diseaseId?: string;
  from: InstitutionRef;
  to: InstitutionRef;
  /** 上转 up / 下转 down. */
  direction: ReferralDirection;
  /** 县域内 / 县外: out of county when either institution is outside the county. */
  scope: ReferralScope;
  state: ReferralState;
  /** Number of events so far; the optimistic-concurrency token. */
  version: number;
  requestedAt: Instant;
  /** When the current state began (the last event's time). */
  stateSince: Instant;
  /** The encounter at the sender that led to the referral. */
  sourceEncounterId?: string;
  /** Encounters at the receiver the referral caused (linked when the patient arrives). */
  encounterIds: string[];
  events: ReferralEvent[];
}

export interface ReferralRequest {
  id: string;
  jurisdiction: string;
  personId: string;
  diseaseId?: string;
  from: InstitutionRef;
  to: InstitutionRef;
  /** Needed only between institutions of the same level (e.g. city → provincial hospital). */
  direction?: ReferralDirection;
  actor: Actor;
  at: Instant;
  /** Clinical reason for the referral (转诊原因). */
  reason?: string;
  sourceEncounterId?: string;
}

// ---------------------------------------------------------------------------------------------
// Errors

export type ReferralErrorCode = 'illegal_transition' | 'wrong_actor' | 'reason_required' | 'time_order' | 'deadline_passed' | 'not_due' | 'invalid_request';

/** A refused move: names the referral, its state, the action and who may do it. */
export class ReferralError extends Error {
  constructor(
    readonly code: ReferralErrorCode,
    readonly referralId: string,
    readonly state: ReferralState | null,
    readonly action: ReferralAction | 'request',
    message: string,
  ) {
    super(message);
    this.name = 'ReferralError';
  }
}

/** The caller's copy is out of date: another writer changed the referral first. */
export class StaleReferralError extends Error {
  constructor(
    readonly referralId: string,
    readonly expectedVersion: number,
    readonly currentVersion: number,
    readonly currentState: ReferralState,
    message: string,
  ) {
    super(message);
    this.name = 'StaleReferralError';
  }
}

const PARTY_NAME: Record<Party, string> = { sender: 'the sending institution', receiver: 'the receiving institution', system: 'the system (time limits)' };

function whoMay(r: Pick<Referral, 'from' | 'to'>, rule: { party: Party; doctorOnly: boolean }): string {
  const inst = rule.party === 'sender' ? ` (${r.from.id})` : rule.party === 'receiver' ? ` (${r.to.id})` : '';
  return `${rule.doctorOnly ? 'a doctor of ' : ''}${PARTY_NAME[rule.party]}${inst}`;
}

function describeActor(a: Actor): string {
  return a.kind === 'system' ? 'the system' : `${a.kind} ${a.id}${a.institutionId ? ` of ${a.institutionId}` : ''}`;
}

/** The actor's party for this referral, or null when the actor belongs to neither institution. */
export function partyOf(r: Pick<Referral, 'from' | 'to'>, actor: Actor): Party | null {
  if (actor.kind === 'system') return 'system';
  if (actor.institutionId === r.from.id) return 'sender';
  if (actor.institutionId === r.to.id) return 'receiver';
  return null;
}

function mayAct(r: Pick<Referral, 'from' | 'to'>, actor: Actor, rule: { party: Party; doctorOnly: boolean }): boolean {
  return partyOf(r, actor) === rule.party && (!rule.doctorOnly || actor.kind === 'doctor');
}

function nonBlank(s: string | undefined): string | undefined {
  const t = s?.trim();
  return t ? t : undefined;
}

// ---------------------------------------------------------------------------------------------
// Request

/** Direction and scope of a referral between two institutions. */
export function classify(from: InstitutionRef, to: InstitutionRef, direction?: ReferralDirection): { direction: ReferralDirection; scope: ReferralScope } {
  const d = levelRank(to.level) - levelRank(from.level);
  const scope: ReferralScope = from.inCounty && to.inCounty ? 'within_county' : 'out_of_county';
  if (d === 0) {
    if (!direction) throw new NetworkInputError(`a referral between two ${from.level} institutions (${from.id} → ${to.id}) needs its direction (up or down)`);
    return { direction, scope };
  }
  const derived: ReferralDirection = d > 0 ? 'up' : 'down';
  if (direction && direction !== derived) {
    throw new NetworkInputError(`a referral from ${from.level} ${from.id} to ${to.level} ${to.id} goes ${derived}, not ${direction}`);
  }
  return { direction: derived, scope };
}

/** A new referral in state `requested`, version 1; refused unless a doctor of the sender asks. */
export function requestReferral(q: ReferralRequest): Referral {
  const refuse = (msg: string): never => {
    throw new ReferralError('invalid_request', q.id, null, 'request', `referral ${q.id}: ${msg}`);
  };
  instantMs(q.at, `referral ${q.id}: requested at`);
  if (!q.id) refuse('needs an id');
  if (!q.personId) refuse('needs the person');
  if (q.from.id === q.to.id) refuse(`the sending and receiving institutions are the same (${q.from.id})`);
  if (!mayAct(q, q.actor, REQUEST_RULE)) {
    refuse(`only ${whoMay(q, REQUEST_RULE)} may request it; ${describeActor(q.actor)} may not`);
  }
  let cls: { direction: ReferralDirection; scope: ReferralScope };
  try {
    cls = classify(q.from, q.to, q.direction);
  } catch (e) {
    return refuse((e as Error).message);
  }
  const reason = nonBlank(q.reason);
  const event: ReferralEvent = { seq: 1, action: 'request', from: null, to: 'requested', at: q.at, actor: q.actor, ...(reason ? { reason } : {}) };
  return {
    id: q.id,
    jurisdiction: q.jurisdiction,
    personId: q.personId,
    ...(q.diseaseId ? { diseaseId: q.diseaseId } : {}),
    from: q.from,
    to: q.to,
    direction: cls.direction,
    scope: cls.scope,
    state: 'requested',
    version: 1,
    requestedAt: q.at,
    stateSince: q.at,
    ...(q.sourceEncounterId ? { sourceEncounterId: q.sourceEncounterId } : {}),
    encounterIds: [],
    events: [event],
  };
}

// ---------------------------------------------------------------------------------------------
// Time limits

export type LimitKind = 'accept' | 'arrive' | 'record_return';

export interface Deadline {
  /** The state whose clock this is. */
  state: ReferralState;
  limit: LimitKind;
  /** The parameter that sets it. */
  path: string;
  /** The limit in hours (days × 24 for the day limits). */
  hours: number;
  since: Instant;
  by: Instant;
  /** What passing it does: the referral expires, or it is only reported overdue. */
  effect: 'expire' | 'overdue';
  trace: Trace;
}

const LIMITS: Partial<Record<ReferralState, { limit: LimitKind; path: string; unit: 'hours' | 'days'; effect: 'expire' | 'overdue'; label: Bilingual }>> = {
  requested: { limit: 'accept', path: 'network.referral.acceptWithinHours', unit: 'hours', effect: 'expire', label: { zh: '转诊接收时限', en: 'time limit to accept' } },
  accepted: { limit: 'arrive', path: 'network.referral.arriveWithinDays', unit: 'days', effect: 'expire', label: { zh: '到诊时限', en: 'time limit to arrive' } },
  arrived: { limit: 'record_return', path: 'network.referral.recordReturnWithinDays', unit: 'days', effect: 'overdue', label: { zh: '诊疗信息回传时限', en: 'time limit to return the record' } },
};

/** The time limit running in the referral's current state, or null when none runs. */
export function deadlineOf(r: Referral, params: ParamTree): Deadline | null {
  const spec = LIMITS[r.state];
  if (!spec) return null;
  const date = chinaDate(r.stateSince);
  const t = new TraceBuilder('network.referral.deadline', { referral: r.id, state: r.state, since: r.stateSince, date }, spec.label);
  const value = t.param(params.number(spec.path, date, r.jurisdiction));
  const hours = t.step('hours', spec.unit === 'days' ? value * 24 : value, { unit: 'hours', formula: spec.unit === 'days' ? 'days × 24' : undefined });
  const by = t.step('by', addHours(r.stateSince, hours), { formula: 'since + hours' });
  return { state: r.state, limit: spec.limit, path: spec.path, hours, since: r.stateSince, by, effect: spec.effect, trace: t.done(by) };
}

export interface ExpireResult {
  referral: Referral;
  /** The referral expired in this call. */
  expired: boolean;
  /** The running time limit passed (an expired referral, or a record not returned in time). */
  overdue: boolean;
  deadline: Deadline | null;
}

/**
 * Expires a referral whose time limit passed by `now`: still requested after
 * `network.referral.acceptWithinHours`, or accepted and not arrived after
 * `network.referral.arriveWithinDays`. The expiry is recorded at the moment the limit passed, by the
 * system. A record not returned in time only sets `overdue`. At the limit exactly it is still on time.
 */
export function expireDue(r: Referral, now: Instant, params: ParamTree): ExpireResult {
  const deadline = deadlineOf(r, params);
  if (!deadline || compareInstants(now, deadline.by) <= 0) return { referral: r, expired: false, overdue: false, deadline };
  if (deadline.effect === 'overdue') return { referral: r, expired: false, overdue: true, deadline };
  const next = transition(r, 'expire', SYSTEM_ACTOR, deadline.by, { expectedVersion: r.version, params, reason: expiryReason(deadline) });
  return { referral: next, expired: true, overdue: true, deadline };
}

function expiryReason(d: Deadline): string {
  const what = d.limit === 'accept' ? 'not accepted' : 'patient did not arrive';
  return `${what} within ${d.hours} hours (${d.path}) of ${d.since}`;
}

// ---------------------------------------------------------------------------------------------
// Transition

export interface TransitionOptions {
  /** The version the caller read; a different current version is refused as stale. */
  expectedVersion: number;
  reason?: string;
  /** With `arrive`: the encounter at the receiver (admission or visit) the referral caused. */
  encounterId?: string;
  /**
   * With the parameter tree, an action after the running time limit passed is refused (the referral
   * is due to expire; cancel stays possible), and `expire` checks that the limit passed.
   */
  params?: ParamTree;
}

/**
 * The referral after `action` by `actor` at `at`. Refuses (throws) a stale version, an instant before
 * the last event, an action the state does not allow, an actor the table does not allow, a decline
 * or expiry without a reason, and — with `params` — a late action or an expiry not yet due.
 */
export function transition(r: Referral, action: ReferralAction, actor: Actor, at: Instant, opts: TransitionOptions): Referral {
  if (opts.expectedVersion !== r.version) {
    const last = r.events[r.events.length - 1];
    const lastText = last ? `${last.action} by ${describeActor(last.actor)} at ${last.at}` : 'none';
    throw new StaleReferralError(
      r.id,
      opts.expectedVersion,
      r.version,
      r.state,
      `referral ${r.id}: stale version ${opts.expectedVersion}: it is at version ${r.version} (state ${r.state}, last change: ${lastText}); reload it and decide again`,
    );
  }
  const rule = ruleOf(action);
  const fail = (code: ReferralErrorCode, msg: string): never => {
    throw new ReferralError(code, r.id, r.state, action, `referral ${r.id} (state ${r.state}): ${msg}`);
  };
  if (compareInstants(at, r.stateSince) < 0) fail('time_order', `cannot ${action} at ${at}, before its last change at ${r.stateSince}`);
  if (!rule.from.includes(r.state)) {
    const terminal = TERMINAL_STATES.includes(r.state) ? `; ${r.state} is final` : '';
    fail('illegal_transition', `cannot ${action}: ${action} is allowed only from ${rule.from.join(' or ')}, by ${whoMay(r, rule)}${terminal}`);
  }
  if (!mayAct(r, actor, rule)) {
    const party = partyOf(r, actor);
    const is = party ? ` (${PARTY_NAME[party]})` : ' (neither institution of the referral)';
    fail('wrong_actor', `only ${whoMay(r, rule)} may ${action}; ${describeActor(actor)}${is} may not`);
  }
  const reason = nonBlank(opts.reason);
  if (rule.reason === 'required' && !reason) fail('reason_required', `${action} needs a reason`);
  if (opts.params) {
    const d = deadlineOf(r, opts.params);
    const expiring = d !== null && d.effect === 'expire';
    // On time up to the limit exactly; an expiry is recorded at the limit itself or later.
    const passed = expiring && compareInstants(at, d.by) > 0;
    if (action === 'expire' && !(expiring && compareInstants(at, d.by) >= 0)) {
      fail('not_due', d ? `cannot expire at ${at}: its time limit (${d.path}) runs until ${d.by}` : 'no time limit runs in this state');
    }
    if (passed && action !== 'expire' && action !== 'cancel') {
      fail('deadline_passed', `cannot ${action} at ${at}: its time limit (${d.path} = ${d.hours} hours from ${d.since}) passed at ${d.by}; it expires`);
    }
  } else if (action === 'expire') {
    fail('not_due', 'expire needs the parameter tree to check the time limit (use expireDue)');
  }
  const seq = r.version + 1;
  const encounterId = action === 'arrive' ? nonBlank(opts.encounterId) : undefined;
  const event: ReferralEvent = { seq, action, from: r.state, to: rule.to, at, actor, ...(reason ? { reason } : {}), ...(encounterId ? { encounterId } : {}) };
  return {
    ...r,
    state: rule.to,
    version: seq,
    stateSince: at,
    encounterIds: encounterId && !r.encounterIds.includes(encounterId) ? [...r.encounterIds, encounterId] : r.encounterIds,
    events: [...r.events, event],
  };
}

/** Links an encounter the referral caused (e.g. an admission recorded after the arrival); no state change. */
export function linkEncounter(r: Referral, encounterId: string): Referral {
  if (r.encounterIds.includes(encounterId)) return r;
  if (!['arrived', 'record_returned', 'closed'].includes(r.state)) {
    throw new ReferralError('illegal_transition', r.id, r.state, 'arrive', `referral ${r.id} (state ${r.state}): an encounter can be linked only after the patient arrived`);
  }
  return { ...r, encounterIds: [...r.encounterIds, encounterId] };
}

/** The time of the event that entered `state`, if the referral went through it. */
export function enteredAt(r: Referral, state: ReferralState): Instant | undefined {
  return r.events.find((e) => e.to === state)?.at;
}

// ---------------------------------------------------------------------------------------------
// Checks

/**
 * Problems of a referral's history (empty when consistent): events numbered 1…version, the first a
 * request, each leaving the state the previous one entered by a move of the table made by the right
 * party, times in order, the state and its start the last event's.
 */
export function historyProblems(r: Referral): string[] {
  const out: string[] = [];
  if (r.version !== r.events.length) out.push(`version ${r.version} ≠ ${r.events.length} events`);
  let state: ReferralState | null = null;
  let last: number | null = null;
  r.events.forEach((e, i) => {
    if (e.seq !== i + 1) out.push(`event ${i + 1} has seq ${e.seq}`);
    if (e.from !== state) out.push(`event ${e.seq} leaves ${String(e.from)} but the referral was ${String(state)}`);
    if (i === 0) {
      if (e.action !== 'request' || e.to !== 'requested' || !mayAct(r, e.actor, REQUEST_RULE)) out.push('the first event is not a request by a doctor of the sender');
    } else {
      const rule = e.action === 'request' ? undefined : RULE_BY_ACTION.get(e.action);
      if (!rule || !rule.from.includes(e.from as ReferralState) || rule.to !== e.to) out.push(`event ${e.seq} (${e.action} ${String(e.from)} → ${e.to}) is not in the table`);
      else {
        if (!mayAct(r, e.actor, rule)) out.push(`event ${e.seq} (${e.action}) made by ${describeActor(e.actor)}, not ${whoMay(r, rule)}`);
        if (rule.reason === 'required' && !nonBlank(e.reason)) out.push(`event ${e.seq} (${e.action}) has no reason`);
      }
    }
    const t = instantMs(e.at);
    if (last !== null && t < last) out.push(`event ${e.seq} at ${e.at} is before the previous event`);
    last = t;
    state = e.to;
  });
  if (state !== r.state) out.push(`state ${r.state} is not the last event's (${String(state)})`);
  const lastEvent = r.events[r.events.length - 1];
  if (lastEvent && lastEvent.at !== r.stateSince) out.push(`stateSince ${r.stateSince} is not the last event's time ${lastEvent.at}`);
  return out;
}
