/**
 * The care network's workflow decides whether an out-of-county stay was referred (issue 8 §1, read by
 * the settlement of issue 5): a stay whose referral was declined, expired, cancelled or never
 * answered is self-referred; one whose referral was accepted and followed is referred.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSettledApp, type SettledApp } from '../server/test-support/settled-app.js';
import { buildNetwork } from './network-build.js';
import { ENCOUNTER_SELECT, UNCOVERED_REFERRAL_STATES } from './read-year.js';

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
});
