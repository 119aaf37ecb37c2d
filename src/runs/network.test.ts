/**
 * The referral workflow in the store: compare-and-set on the version, the history as rows, expiry
 * over open referrals. On PGlite and, when DATABASE_URL is set, on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadParamTree, type ParamTree } from '../rules/params.js';
import { ReferralError, StaleReferralError, type Actor } from '../network/referral.js';
import { backends } from '../store/test-support/backends.js';
import type { Store } from '../store/store.js';
import { SHIPPED_PARAMS_DIR } from './config.js';
import { seedJurisdictions } from './seed.js';
import { expireDueReferrals, loadReferral, startReferralExpiry, referralBox, requestStoredReferral, transitionFromRead, transitionStoredReferral } from './network.js';

let params: ParamTree;
beforeAll(async () => {
  params = await loadParamTree(SHIPPED_PARAMS_DIR);
});

const DOCTOR: Actor = { kind: 'doctor', id: 'D-1', institutionId: 'T-THC' };
const RECEIVER: Actor = { kind: 'staff', id: 'S-9', institutionId: 'T-CH' };
const OTHER_RECEIVER: Actor = { kind: 'staff', id: 'S-10', institutionId: 'T-CH' };
const AT = '2025-03-01T09:00:00+08:00';

async function request(store: Store, at = AT) {
  return requestStoredReferral(store, params, { jurisdiction: 'demo', personId: '42', fromInstitutionId: 'T-THC', toInstitutionId: 'T-CH', diseaseId: 'pneumonia', actor: { kind: 'doctor', id: 'D-1' }, at });
}

for (const backend of backends) {
  describe(`The referral workflow in the store, on ${backend.name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await backend.open();
      await seedJurisdictions(store, params);
      await store.query(
        `insert into institutions (id, jurisdiction_id, kind, level, in_county, name_zh, name_en) values
         ('T-THC', 'demo', 'township_centre', 'primary', true, '测试卫生院', 'Test THC'),
         ('T-CH', 'demo', 'county_general', 'secondary', true, '测试县医院', 'Test CH')`,
      );
      await store.query(`insert into residents (id, county_id, township_id, village_id, sex, birth_date) values (42, 'demo', 'T1', 'V1', 'F', '1950-05-01')`);
    });
    afterAll(async () => {
      await store?.close();
    });

    test('A referral for someone who is not a resident of the county is refused and nothing is stored', async () => {
      const before = await store.query<{ n: number }>('select count(*)::int as n from network_referrals');
      await expect(requestStoredReferral(store, params, { jurisdiction: 'demo', personId: '43', fromInstitutionId: 'T-THC', toInstitutionId: 'T-CH', actor: { kind: 'doctor', id: 'D-1' }, at: AT })).rejects.toThrow(
        'no resident 43 is stored for demo',
      );
      expect(await store.query<{ n: number }>('select count(*)::int as n from network_referrals')).toEqual(before);
    });

    test('A requested referral is stored at version 1 with its request as the first event', async () => {
      const r = await request(store);
      const back = await loadReferral(store, r.id);
      expect(back?.state).toBe('requested');
      expect(back?.version).toBe(1);
      expect(back?.direction).toBe('up');
      expect(back?.events.map((e) => e.action)).toEqual(['request']);
      expect(back?.events[0]?.actor).toEqual(DOCTOR);
    });

    test('Two concurrent moves with the same expected version: exactly one is applied, the other is refused as stale, and no state change is lost', async () => {
      const r = await request(store);
      const results = await Promise.allSettled([
        transitionStoredReferral(store, params, r.id, { action: 'accept', actor: RECEIVER, at: '2025-03-01T10:00:00+08:00', expectedVersion: 1 }),
        transitionStoredReferral(store, params, r.id, { action: 'decline', actor: OTHER_RECEIVER, at: '2025-03-01T10:00:00+08:00', expectedVersion: 1, reason: 'no bed' }),
      ]);
      const applied = results.filter((x) => x.status === 'fulfilled');
      const refused = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
      expect(applied).toHaveLength(1);
      expect(refused).toHaveLength(1);
      const err = refused[0]!.reason as StaleReferralError;
      expect(err).toBeInstanceOf(StaleReferralError);
      expect(err.message).toContain(r.id);
      expect(err.expectedVersion).toBe(1);
      expect(err.currentVersion).toBe(2);
      const back = await loadReferral(store, r.id);
      expect(back?.version).toBe(2);
      expect(back?.events).toHaveLength(2);
      expect(back?.state).toBe(back?.events[1]?.to);
    });

    test('Of five writers moving one referral at once from the same version, exactly one wins and the history holds exactly its move', async () => {
      const r = await request(store);
      const moves = [RECEIVER, OTHER_RECEIVER, RECEIVER, OTHER_RECEIVER, RECEIVER].map((actor, i) =>
        transitionStoredReferral(store, params, r.id, i % 2 ? { action: 'decline', actor, at: '2025-03-01T10:00:00+08:00', expectedVersion: 1, reason: `no bed ${i}` } : { action: 'accept', actor, at: '2025-03-01T10:00:00+08:00', expectedVersion: 1 }),
      );
      const results = await Promise.allSettled(moves);
      expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
      for (const x of results) if (x.status === 'rejected') expect(x.reason).toBeInstanceOf(StaleReferralError);
      const back = await loadReferral(store, r.id);
      expect(back?.events).toHaveLength(2);
      expect(back?.version).toBe(2);
    });

    test('A move decided on a copy read before another writer moved the referral is refused by the compare-and-set, naming the expected and current version', async () => {
      const r = await request(store);
      await transitionStoredReferral(store, params, r.id, { action: 'accept', actor: RECEIVER, at: '2025-03-01T10:00:00+08:00', expectedVersion: 1 });
      const stale = transitionFromRead(store, params, r, { action: 'decline', actor: OTHER_RECEIVER, at: '2025-03-01T10:05:00+08:00', expectedVersion: 1, reason: 'no bed' });
      await expect(stale).rejects.toThrow(StaleReferralError);
      await expect(stale).rejects.toThrow(new RegExp(`referral ${r.id}: stale version 1: .*version 2 \\(state accepted\\)`));
      const back = await loadReferral(store, r.id);
      expect(back?.state).toBe('accepted');
      expect(back?.events.map((e) => e.action)).toEqual(['request', 'accept']);
    });

    test('An illegal move is refused with the domain error and changes nothing', async () => {
      const r = await request(store);
      await expect(transitionStoredReferral(store, params, r.id, { action: 'close', actor: DOCTOR, at: '2025-03-01T10:00:00+08:00', expectedVersion: 1 })).rejects.toThrow(ReferralError);
      expect((await loadReferral(store, r.id))?.version).toBe(1);
    });

    test('A referral moved through its whole workflow keeps every step in order, and the outbox of the sender lists it closed', async () => {
      const r = await request(store);
      let v = 1;
      const step = async (action: 'accept' | 'arrive' | 'return_record' | 'close', actor: Actor, at: string, encounterId?: string) => {
        const next = await transitionStoredReferral(store, params, r.id, { action, actor, at, expectedVersion: v, encounterId });
        v = next.version;
      };
      await step('accept', RECEIVER, '2025-03-01T12:00:00+08:00');
      await step('arrive', RECEIVER, '2025-03-02T09:00:00+08:00', '9001');
      await step('return_record', RECEIVER, '2025-03-08T09:00:00+08:00');
      await step('close', DOCTOR, '2025-03-09T09:00:00+08:00');
      const back = await loadReferral(store, r.id);
      expect(back?.state).toBe('closed');
      expect(back?.encounterIds).toEqual(['9001']);
      expect(back?.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      const box = await referralBox(store, params, { jurisdiction: 'demo', institution: 'T-THC', box: 'outbox', state: 'closed', limit: 10, offset: 0 });
      expect(box.referrals.map((x) => x.id)).toContain(r.id);
      expect(box.referrals.find((x) => x.id === r.id)?.allowedActions).toEqual([]);
    });

    test('A referral not accepted within 48 hours expires, recorded at the limit by the system', async () => {
      const r = await request(store, '2025-04-01T09:00:00+08:00');
      expect(await expireDueReferrals(store, params, 'demo', '2025-04-03T09:00:00+08:00')).not.toContain(r.id);
      expect(await expireDueReferrals(store, params, 'demo', '2025-04-03T09:00:01+08:00')).toContain(r.id);
      const back = await loadReferral(store, r.id);
      expect(back?.state).toBe('expired');
      expect(back?.events[1]).toMatchObject({ action: 'expire', at: '2025-04-03T01:00:00.000Z', actor: { kind: 'system' } });
    });

    test('The server\'s sweep expires an overdue referral as soon as it starts and says how many it expired', async () => {
      const r = await request(store, '2025-05-01T09:00:00+08:00');
      const said: string[] = [];
      const sweep = startReferralExpiry(store, params, { everyMinutes: 60, log: (m) => said.push(m), now: () => '2025-05-03T09:00:01+08:00' });
      await sweep.stop(); // waits for the sweep under way
      expect((await loadReferral(store, r.id))?.state).toBe('expired');
      expect(said.some((m) => /^expired \d+ overdue referrals? of demo$/.test(m))).toBe(true);
    });

    test('A referral still within its limit is left alone by the sweep, and a stopped sweep does nothing', async () => {
      const r = await request(store, '2025-06-01T09:00:00+08:00');
      const sweep = startReferralExpiry(store, params, { everyMinutes: 0, log: () => {}, now: () => '2025-06-02T09:00:00+08:00' });
      await sweep.sweep();
      expect((await loadReferral(store, r.id))?.state).toBe('requested');
      await sweep.stop();
      await sweep.sweep();
      expect((await loadReferral(store, r.id))?.state).toBe('requested');
    });
  });
}
