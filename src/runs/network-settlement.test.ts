/**
 * The care network's workflow decides whether an out-of-county stay was referred (issue 8 §1, read by
 * the settlement of issue 5): a stay whose referral was declined, expired, cancelled or never
 * answered is self-referred; one whose referral was accepted and followed is referred.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSettledApp, type SettledApp } from '../server/test-support/settled-app.js';
import { buildNetwork } from './network-build.js';
import { requestStoredReferral, transitionStoredReferral } from './network.js';
import { ENCOUNTER_SELECT, UNCOVERED_REFERRAL_STATES } from './read-year.js';
import { settleYear } from './settle.js';
import { explainClaim } from './settlement-read.js';

/** The referred flag (column 12 of ENCOUNTER_SELECT) the settlement reads for each encounter. */
async function referredFlags(server: SettledApp, ids: readonly number[]): Promise<Map<number, number>> {
  const text = String(await server.ctx.store.copyOut(`${ENCOUNTER_SELECT} where e.id in (${ids.join(', ')})`));
  const flags = new Map<number, number>();
  for (const line of text.split('\n').filter(Boolean)) {
    const f = line.split(',');
    flags.set(Number(f[0]), Number(f[11]));
  }
  return flags;
}

describe('Whether an out-of-county stay counts as referred', () => {
  let server: SettledApp;
  let uncovered: number[];
  let covered: number[];

  beforeAll(async () => {
    server = await startSettledApp({ population: 3_000, seed: 7 });
    const withReferral = await server.ctx.store.query<{ id: number }>(
      `select id from encounters where county_id = 'demo' and care_level = 'out_of_county' and referral_id is not null order by id`,
    );
    const before = await referredFlags(server, withReferral.map((r) => r.id));
    // Before the network is built, the referral the generator wrote on the encounter decides.
    expect([...before.values()].every((f) => f === 1)).toBe(true);
    await buildNetwork(server.ctx, { jurisdiction: 'demo', year: 2025 });
    const states = await server.ctx.store.query<{ id: number; state: string }>(
      `select e.id, n.state from encounters e join network_referrals n on n.county_id = e.county_id and n.generated_id = e.referral_id
        where e.county_id = 'demo' and e.care_level = 'out_of_county' order by e.id`,
    );
    const uncoveredStates: readonly string[] = UNCOVERED_REFERRAL_STATES;
    uncovered = states.filter((s) => uncoveredStates.includes(s.state)).map((s) => s.id);
    covered = states.filter((s) => !uncoveredStates.includes(s.state)).map((s) => s.id);
  }, 240_000);

  afterAll(async () => {
    await server?.close();
  });

  test('A stay whose referral the workflow declined or let expire is read as self-referred', async () => {
    expect(uncovered.length).toBeGreaterThan(0);
    const flags = await referredFlags(server, uncovered);
    expect([...flags.values()]).toEqual(uncovered.map(() => 0));
  });

  test('A stay whose referral was accepted and followed stays referred', async () => {
    expect(covered.length).toBeGreaterThan(uncovered.length);
    const flags = await referredFlags(server, covered);
    expect([...flags.values()]).toEqual(covered.map(() => 1));
  });

  test('A resident referred through the API to the out-of-county hospital is reimbursed at the referred ratio, in the settlement and its explanation', async () => {
    const { store, params } = server.ctx;
    // The costliest self-referred out-of-county admission of 2025 that no other referral could touch.
    const [stay] = await store.query<{ id: number; person_id: number; institution_id: string; start_date: string }>(
      `select e.id, e.person_id, e.institution_id, e.start_date::text from encounters e
        where e.county_id = 'demo' and e.care_level = 'out_of_county' and e.type = 'inpatient' and e.referral_id is null
          and e.start_date between '2025-01-05' and '2025-12-20' and e.end_date <= '2025-12-31'
          and not exists (select 1 from encounters o where o.person_id = e.person_id and o.id <> e.id and o.institution_id = e.institution_id and o.start_date between e.start_date - 10 and e.start_date + 10)
        order by e.total_fen desc limit 1`,
    );
    expect(stay).toBeDefined();
    const [sender] = await store.query<{ id: string; institution_id: string }>(
      `select s.id, s.institution_id from staff s join institutions i on i.id = s.institution_id where i.jurisdiction_id = 'demo' and i.kind = 'county_general' and s.role = 'doctor' order by s.id limit 1`,
    );
    const before = await explainClaim(store, params, 'demo', 2025, stay!.id);
    expect(before.claim.referred).toBe(false);
    expect(before.apiReferral).toBeNull();

    const day = new Date(Date.parse(`${stay!.start_date}T09:00:00+08:00`) - 86_400_000).toISOString();
    const r = await requestStoredReferral(store, params, { jurisdiction: 'demo', personId: String(stay!.person_id), fromInstitutionId: sender!.institution_id, toInstitutionId: stay!.institution_id, actor: { kind: 'doctor', id: sender!.id }, at: day });
    // Requested only: it covers nothing yet.
    expect((await explainClaim(store, params, 'demo', 2025, stay!.id)).apiReferral).toBeNull();
    await transitionStoredReferral(store, params, r.id, { action: 'accept', actor: { kind: 'staff', id: 'desk', institutionId: stay!.institution_id }, at: new Date(Date.parse(day) + 2 * 3_600_000).toISOString(), expectedVersion: 1 });

    const after = await explainClaim(store, params, 'demo', 2025, stay!.id);
    expect(after.claim.referred).toBe(true);
    expect(after.apiReferral?.referralId).toBe(r.id);
    expect(after.apiReferral?.reason).toContain('accepted, admission within');
    expect(after.adjudication.fundFen).toBeGreaterThan(before.adjudication.fundFen);

    const settled = await settleYear(server.ctx, { jurisdiction: 'demo', year: 2025 });
    expect(settled.api_referrals).toEqual({ referrals: 1, stays_covered: 1, newly_referred: 1 });
    const again = await explainClaim(store, params, 'demo', 2025, stay!.id);
    expect(again.stored.fundFen).toBe(after.adjudication.fundFen);
  }, 240_000);
});
