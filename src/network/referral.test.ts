import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadParamTree, type ParamTree } from '../rules/params.js';
import { withOverrides } from '../rules/test-support/param-overrides.js';
import type { InstitutionRef } from './common.js';
import {
  actionsFrom,
  deadlineOf,
  expireDue,
  historyProblems,
  linkEncounter,
  REFERRAL_ACTIONS,
  REFERRAL_STATES,
  REFERRAL_TRANSITIONS,
  ReferralError,
  requestReferral,
  StaleReferralError,
  transition,
  type Actor,
  type Referral,
  type ReferralAction,
} from './referral.js';

let params: ParamTree;
beforeAll(async () => {
  params = await loadParamTree(fileURLToPath(new URL('../../params/', import.meta.url)));
});

const THC: InstitutionRef = { id: 'THC-1', level: 'township', inCounty: true };
const COUNTY: InstitutionRef = { id: 'CH-1', level: 'county', inCounty: true };
const PROVINCE: InstitutionRef = { id: 'PROV-1', level: 'out_of_county', inCounty: false };
const CITY: InstitutionRef = { id: 'CITY-1', level: 'out_of_county', inCounty: false };

const senderDoctor: Actor = { kind: 'doctor', id: 'D-1', institutionId: 'THC-1' };
const senderClerk: Actor = { kind: 'staff', id: 'S-1', institutionId: 'THC-1' };
const receiver: Actor = { kind: 'staff', id: 'S-9', institutionId: 'CH-1' };
const stranger: Actor = { kind: 'doctor', id: 'D-7', institutionId: 'THC-2' };

const T0 = '2025-03-03T09:00:00+08:00';
const up = (): Referral => requestReferral({ id: 'R-1', jurisdiction: 'demo', personId: 'P-1', diseaseId: 'pneumonia_adult', from: THC, to: COUNTY, actor: senderDoctor, at: T0, reason: 'suspected severe pneumonia' });

describe('requesting a referral (转诊申请)', () => {
  test('A doctor of the township centre refers a patient up to the county hospital: requested, version 1', () => {
    const r = up();
    expect(r).toMatchObject({ state: 'requested', version: 1, direction: 'up', scope: 'within_county', requestedAt: T0, stateSince: T0 });
    expect(r.events).toEqual([{ seq: 1, action: 'request', from: null, to: 'requested', at: T0, actor: senderDoctor, reason: 'suspected severe pneumonia' }]);
    expect(historyProblems(r)).toEqual([]);
  });

  test('Direction and scope follow the institutions: county hospital to the provincial hospital is up and out of county; provincial back to the township is down', () => {
    const out = requestReferral({ id: 'R-2', jurisdiction: 'demo', personId: 'P-1', from: COUNTY, to: PROVINCE, actor: { kind: 'doctor', id: 'D-2', institutionId: 'CH-1' }, at: T0 });
    expect(out).toMatchObject({ direction: 'up', scope: 'out_of_county' });
    const back = requestReferral({ id: 'R-3', jurisdiction: 'demo', personId: 'P-1', from: PROVINCE, to: THC, actor: { kind: 'doctor', id: 'D-3', institutionId: 'PROV-1' }, at: T0 });
    expect(back).toMatchObject({ direction: 'down', scope: 'out_of_county' });
  });

  test('Between two hospitals of the same level the direction must be given, and a wrong direction is refused', () => {
    const q = { id: 'R-4', jurisdiction: 'demo', personId: 'P-1', from: CITY, to: PROVINCE, actor: { kind: 'doctor', id: 'D-4', institutionId: 'CITY-1' } as Actor, at: T0 };
    expect(() => requestReferral(q)).toThrow(/referral R-4: .*needs its direction/);
    expect(requestReferral({ ...q, direction: 'up' }).direction).toBe('up');
    expect(() => requestReferral({ ...q, from: THC, to: COUNTY, actor: senderDoctor, direction: 'down' })).toThrow(/goes up, not down/);
  });

  test('Only a doctor of the sending institution may request a referral', () => {
    expect(() => requestReferral({ id: 'R-5', jurisdiction: 'demo', personId: 'P-1', from: THC, to: COUNTY, actor: senderClerk, at: T0 })).toThrow(
      /referral R-5: only a doctor of the sending institution \(THC-1\) may request it; staff S-1 of THC-1 may not/,
    );
    expect(() => requestReferral({ id: 'R-5', jurisdiction: 'demo', personId: 'P-1', from: THC, to: COUNTY, actor: receiver, at: T0 })).toThrow(ReferralError);
    expect(() => requestReferral({ id: 'R-5', jurisdiction: 'demo', personId: 'P-1', from: THC, to: THC, actor: senderDoctor, at: T0 })).toThrow(/the same \(THC-1\)/);
  });

  test('An instant without an offset is refused', () => {
    expect(() => requestReferral({ id: 'R-6', jurisdiction: 'demo', personId: 'P-1', from: THC, to: COUNTY, actor: senderDoctor, at: '2025-03-03 09:00' })).toThrow(/offset/);
  });
});

describe('moving a referral', () => {
  test('The whole path: requested → accepted → arrived → record returned → closed, each step in the history', () => {
    let r = up();
    r = transition(r, 'accept', receiver, '2025-03-03T15:00:00+08:00', { expectedVersion: 1 });
    r = transition(r, 'arrive', receiver, '2025-03-04T10:00:00+08:00', { expectedVersion: 2, encounterId: 'E-100' });
    r = transition(r, 'return_record', receiver, '2025-03-12T10:00:00+08:00', { expectedVersion: 3, reason: 'discharge summary sent' });
    r = transition(r, 'close', senderClerk, '2025-03-13T10:00:00+08:00', { expectedVersion: 4 });
    expect(r.state).toBe('closed');
    expect(r.version).toBe(5);
    expect(r.encounterIds).toEqual(['E-100']);
    expect(r.events.map((e) => [e.from, e.to, e.actor.id])).toEqual([
      [null, 'requested', 'D-1'],
      ['requested', 'accepted', 'S-9'],
      ['accepted', 'arrived', 'S-9'],
      ['arrived', 'record_returned', 'S-9'],
      ['record_returned', 'closed', 'S-1'],
    ]);
    expect(historyProblems(r)).toEqual([]);
  });

  test('Only the receiving institution may accept', () => {
    const r = up();
    expect(() => transition(r, 'accept', senderDoctor, T0, { expectedVersion: 1 })).toThrow(
      'referral R-1 (state requested): only the receiving institution (CH-1) may accept; doctor D-1 of THC-1 (the sending institution) may not',
    );
    expect(() => transition(r, 'accept', stranger, T0, { expectedVersion: 1 })).toThrow(/doctor D-7 of THC-2 \(neither institution of the referral\) may not/);
    try {
      transition(r, 'accept', senderDoctor, T0, { expectedVersion: 1 });
    } catch (e) {
      expect(e).toBeInstanceOf(ReferralError);
      expect(e).toMatchObject({ code: 'wrong_actor', referralId: 'R-1', state: 'requested', action: 'accept' });
    }
  });

  test('A declined referral needs a reason, and keeps it in its history', () => {
    const r = up();
    expect(() => transition(r, 'decline', receiver, T0, { expectedVersion: 1 })).toThrow('referral R-1 (state requested): decline needs a reason');
    expect(() => transition(r, 'decline', receiver, T0, { expectedVersion: 1, reason: '   ' })).toThrow(/needs a reason/);
    const d = transition(r, 'decline', receiver, '2025-03-03T11:00:00+08:00', { expectedVersion: 1, reason: 'no ICU bed; refer to the city hospital' });
    expect(d.state).toBe('declined');
    expect(d.events[1]).toMatchObject({ action: 'decline', from: 'requested', to: 'declined', reason: 'no ICU bed; refer to the city hospital', actor: receiver });
  });

  test('An illegal transition is refused with the state, the action and who may do it', () => {
    const r = up();
    expect(() => transition(r, 'arrive', receiver, T0, { expectedVersion: 1 })).toThrow(
      'referral R-1 (state requested): cannot arrive: arrive is allowed only from accepted, by the receiving institution (CH-1)',
    );
    const declined = transition(r, 'decline', receiver, T0, { expectedVersion: 1, reason: 'full' });
    expect(() => transition(declined, 'accept', receiver, T0, { expectedVersion: 2 })).toThrow(/cannot accept: accept is allowed only from requested.*; declined is final/);
  });

  test('Only a doctor of the sender may cancel, while the referral is requested or accepted', () => {
    const r = up();
    expect(() => transition(r, 'cancel', senderClerk, T0, { expectedVersion: 1 })).toThrow(/only a doctor of the sending institution \(THC-1\) may cancel/);
    const c = transition(r, 'cancel', senderDoctor, T0, { expectedVersion: 1, reason: 'patient improved' });
    expect(c.state).toBe('cancelled');
  });

  test('Time runs forward: a step dated before the last change is refused', () => {
    expect(() => transition(up(), 'accept', receiver, '2025-03-03T08:00:00+08:00', { expectedVersion: 1 })).toThrow(/before its last change/);
  });

  test('The sender closes only after the record came back; an encounter can be linked after the arrival', () => {
    let r = transition(up(), 'accept', receiver, T0, { expectedVersion: 1 });
    expect(() => linkEncounter(r, 'E-1')).toThrow(/only after the patient arrived/);
    r = transition(r, 'arrive', receiver, T0, { expectedVersion: 2 });
    expect(() => transition(r, 'close', senderDoctor, T0, { expectedVersion: 3 })).toThrow(/close is allowed only from record_returned/);
    expect(linkEncounter(r, 'E-1').encounterIds).toEqual(['E-1']);
  });

  test('The buttons of a state come from the table', () => {
    expect(actionsFrom('requested').map((a) => a.action)).toEqual(['accept', 'decline', 'cancel', 'expire']);
    expect(actionsFrom('closed')).toEqual([]);
  });
});

describe('time limits (network.referral.*)', () => {
  test('A referral not accepted within 48 hours expires', () => {
    const r = up();
    const d = deadlineOf(r, params)!;
    expect(d).toMatchObject({ limit: 'accept', path: 'network.referral.acceptWithinHours', hours: 48, effect: 'expire' });
    expect(d.by).toBe('2025-03-05T01:00:00.000Z'); // 2025-03-05 09:00 in China
    expect(d.trace.params[0]).toMatchObject({ path: 'network.referral.acceptWithinHours', value: 48, jurisdiction: 'national' });

    const onTime = expireDue(r, '2025-03-05T09:00:00+08:00', params);
    expect(onTime).toMatchObject({ expired: false, overdue: false });
    expect(onTime.referral).toBe(r);

    const late = expireDue(r, '2025-03-05T09:00:01+08:00', params);
    expect(late.expired).toBe(true);
    expect(late.referral).toMatchObject({ state: 'expired', version: 2, stateSince: '2025-03-05T01:00:00.000Z' });
    expect(late.referral.events[1]).toMatchObject({ action: 'expire', from: 'requested', to: 'expired', actor: { kind: 'system' } });
    expect(late.referral.events[1]!.reason).toMatch(/not accepted within 48 hours \(network.referral.acceptWithinHours\)/);
    expect(historyProblems(late.referral)).toEqual([]);
  });

  test('An accepted referral whose patient does not arrive within the days expires; the limit is the one in force when the clock started', () => {
    const r = transition(up(), 'accept', receiver, '2025-03-03T10:00:00+08:00', { expectedVersion: 1 });
    expect(deadlineOf(r, params)).toMatchObject({ limit: 'arrive', hours: 7 * 24 });
    expect(expireDue(r, '2025-03-10T10:00:00+08:00', params).expired).toBe(false);
    expect(expireDue(r, '2025-03-10T10:00:01+08:00', params).referral.state).toBe('expired');
    const three = withOverrides(params, 'demo', { 'network.referral.arriveWithinDays': 3 });
    expect(expireDue(r, '2025-03-06T10:00:01+08:00', three).expired).toBe(true);
  });

  test('A record not returned in time is overdue, but the referral keeps its state', () => {
    let r = transition(up(), 'accept', receiver, T0, { expectedVersion: 1 });
    r = transition(r, 'arrive', receiver, '2025-03-04T09:00:00+08:00', { expectedVersion: 2 });
    const x = expireDue(r, '2025-03-18T09:00:01+08:00', params);
    expect(x).toMatchObject({ expired: false, overdue: true, deadline: { limit: 'record_return', hours: 14 * 24 } });
    expect(x.referral).toBe(r);
  });

  test('With the parameters, a late acceptance is refused (cancel still works) and an expiry before its time is refused', () => {
    const r = up();
    const late = '2025-03-06T09:00:00+08:00';
    expect(() => transition(r, 'accept', receiver, late, { expectedVersion: 1, params })).toThrow(/cannot accept at .*network.referral.acceptWithinHours = 48 hours.*passed at 2025-03-05T01:00:00.000Z; it expires/);
    expect(transition(r, 'cancel', senderDoctor, late, { expectedVersion: 1, params }).state).toBe('cancelled');
    expect(() => transition(r, 'expire', { kind: 'system', id: 'system' }, T0, { expectedVersion: 1, params, reason: 'x' })).toThrow(/cannot expire .*runs until/);
    expect(() => transition(r, 'expire', { kind: 'system', id: 'system' }, late, { expectedVersion: 1, reason: 'x' })).toThrow(/use expireDue/);
    expect(() => transition(r, 'expire', receiver, late, { expectedVersion: 1, params, reason: 'x' })).toThrow(/only the system \(time limits\) may expire/);
  });
});

describe('concurrent updates (optimistic concurrency on version)', () => {
  /** A store row written with compare-and-set on the version, as the store will do. */
  class Row {
    constructor(private current: Referral) {}
    read(): Referral {
      return this.current;
    }
    update(fn: (r: Referral) => Referral): Referral {
      const next = fn(this.current);
      if (next.version !== this.current.version + 1) throw new Error('a write moves the version by one');
      this.current = next;
      return next;
    }
  }

  test('A stale version is refused and the state change of the other writer is kept', () => {
    const row = new Row(up());
    const seenByA = row.read();
    const seenByB = row.read();
    row.update((cur) => transition(cur, 'accept', receiver, '2025-03-03T10:00:00+08:00', { expectedVersion: seenByA.version }));
    let err: unknown;
    try {
      row.update((cur) => transition(cur, 'cancel', senderDoctor, '2025-03-03T10:05:00+08:00', { expectedVersion: seenByB.version, reason: 'changed my mind' }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StaleReferralError);
    expect((err as Error).message).toBe(
      'referral R-1: stale version 1: it is at version 2 (state accepted, last change: accept by staff S-9 of CH-1 at 2025-03-03T10:00:00+08:00); reload it and decide again',
    );
    expect(row.read()).toMatchObject({ state: 'accepted', version: 2 });
    expect(row.read().events.map((e) => e.action)).toEqual(['request', 'accept']);
    // B reloads and decides again on the current state.
    const again = row.update((cur) => transition(cur, 'cancel', senderDoctor, '2025-03-03T10:06:00+08:00', { expectedVersion: cur.version, reason: 'changed my mind' }));
    expect(again).toMatchObject({ state: 'cancelled', version: 3 });
  });
});

describe('property: any sequence of actions', () => {
  const actors: Actor[] = [senderDoctor, senderClerk, receiver, { kind: 'doctor', id: 'D-9', institutionId: 'CH-1' }, stranger, { kind: 'system', id: 'system' }];
  const step = fc.record({
    action: fc.constantFrom<ReferralAction>(...REFERRAL_ACTIONS),
    actor: fc.constantFrom(...actors),
    hours: fc.oneof(fc.integer({ min: -2, max: 24 }), fc.integer({ min: 0, max: 200 })),
    reason: fc.constantFrom(undefined, '', 'a reason'),
    versionSkew: fc.constantFrom(0, 0, 0, 0, -1, 1),
    withParams: fc.boolean(),
    /** Mostly an action the state allows by the party that may do it (so runs reach every state). */
    legal: fc.constantFrom(true, true, true, false),
    k: fc.nat(),
  });
  const byParty = { sender: senderDoctor, receiver, system: { kind: 'system', id: 'system' } as Actor };
  const reached = new Set<string>();

  test('keeps the referral in a legal state with a consistent history; a refused action changes nothing', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 25 }), fc.boolean(), (steps, expireEachTime) => {
        let r = up();
        let ms = Date.parse(T0);
        for (const s of steps) {
          ms += s.hours * 3_600_000;
          const at = new Date(ms).toISOString();
          const before = r;
          const allowed = actionsFrom(r.state);
          const rule = s.legal && allowed.length ? allowed[s.k % allowed.length]! : undefined;
          const action = rule ? rule.action : s.action;
          const actor = rule ? byParty[rule.party] : s.actor;
          try {
            r = transition(r, action, actor, at, { expectedVersion: r.version + s.versionSkew, reason: s.reason, ...(s.withParams ? { params } : {}) });
            expect(r.version).toBe(before.version + 1);
            const row = REFERRAL_TRANSITIONS.find((t) => t.action === action)!;
            expect(row.from).toContain(before.state);
            expect(r.state).toBe(row.to);
          } catch (e) {
            expect(e instanceof ReferralError || e instanceof StaleReferralError).toBe(true);
            expect(r).toBe(before);
          }
          if (expireEachTime) r = expireDue(r, at, params).referral;
          expect(REFERRAL_STATES).toContain(r.state);
          reached.add(r.state);
          expect(historyProblems(r)).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
    expect([...reached].sort()).toEqual([...REFERRAL_STATES].sort());
  });
});
