/**
 * A family-doctor team's panel (签约居民名单) on a built small county: every contract of the team, its
 * packages and groups, and services promised against delivered that add up to the build's measure.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSettledApp, type SettledApp } from '../server/test-support/settled-app.js';
import { packageOf } from '../network/family-doctor.js';
import { buildNetwork, readNetworkBuild } from './network-build.js';
import { teamPanel, UnknownTeamError } from './network-panel.js';

describe("A family-doctor team's panel", () => {
  let server: SettledApp;
  let teams: Array<{ id: string; n: number }>;

  beforeAll(async () => {
    server = await startSettledApp({ population: 3_000, seed: 11 });
    await buildNetwork(server.ctx, { jurisdiction: 'demo', year: 2025 });
    teams = await server.ctx.store.query<{ id: string; n: number }>("select team_id as id, count(*)::int as n from network_contracts where county_id = 'demo' and year = 2025 group by 1 order by 2 desc, 1");
  }, 240_000);

  afterAll(async () => {
    await server?.close();
  });

  test('lists every contract of the team once, by person, with its members, packages, groups and the services each package promises', async () => {
    const { store } = server.ctx;
    const biggest = teams[0]!;
    const elderlyMinAge = server.ctx.params.number('network.familyDoctor.priority.elderlyMinAge', '2025-01-01', 'demo').value;
    const seen: string[] = [];
    let last = -1;
    let elderlyRows = 0;
    for (let offset = 0; offset < biggest.n; offset += 200) {
      const p = await teamPanel(store, 'demo', 2025, biggest.id, { limit: 200, offset });
      expect(p.total).toBe(biggest.n);
      expect(p.team.members.map((m) => m.role)).toContain('general_practitioner');
      for (const r of p.rows) {
        expect(Number(r.personId)).toBeGreaterThan(last);
        last = Number(r.personId);
        seen.push(r.contractId);
        // One year's term: what the packages promise a year, each service delivered at most as promised when credited.
        const promised = r.packages.flatMap((k) => packageOf(k.id).items).reduce((a, it) => a + it.perYear, 0);
        expect(r.promised).toBe(promised);
        expect(r.credited).toBeLessThanOrEqual(r.promised);
        expect(r.services.reduce((a, s) => a + Math.min(s.delivered, s.promised), 0)).toBe(r.credited);
        if (r.packages.some((k) => k.id === 'elderly')) expect(r.groups).toContain('elderly');
        if (r.groups.includes('elderly')) {
          elderlyRows++;
          expect(r.age).toBeGreaterThanOrEqual(elderlyMinAge);
        }
      }
    }
    expect(new Set(seen).size).toBe(biggest.n);
    expect(elderlyRows, 'the team holds elderly contracts').toBeGreaterThan(0);
  });

  test('the panels of all teams add up to the build’s fulfilment of promised services', async () => {
    const { store } = server.ctx;
    let credited = 0;
    let promised = 0;
    for (const t of teams) {
      const p = await teamPanel(store, 'demo', 2025, t.id, { limit: 10_000, offset: 0 });
      for (const r of p.rows) {
        credited += r.credited;
        promised += r.promised;
      }
    }
    const build = await readNetworkBuild(store, 'demo', 2025);
    const overall = (build!.measures.familyDoctors as { fulfilment: { overall: { numerator: number; denominator: number } } }).fulfilment.overall;
    expect({ credited, promised }).toEqual({ credited: overall.numerator, promised: overall.denominator });
  });

  test('filtered by a priority group it lists only the contracts holding that group’s package', async () => {
    const { store } = server.ctx;
    const t = teams[0]!;
    const p = await teamPanel(store, 'demo', 2025, t.id, { limit: 10_000, offset: 0, group: 'hypertension' });
    const [n] = await store.query<{ n: number }>("select count(*)::int as n from network_contracts where team_id = $1 and package_ids like '%hypertension%'", [t.id]);
    expect(p.total).toBe(n!.n);
    expect(p.total).toBeGreaterThan(0);
    for (const r of p.rows) expect(r.groups).toContain('hypertension');
  });

  test('an unknown team is refused naming it and how to list the teams', async () => {
    await expect(teamPanel(server.ctx.store, 'demo', 2025, 'FDT-NOPE', { limit: 10, offset: 0 })).rejects.toThrow(UnknownTeamError);
    await expect(teamPanel(server.ctx.store, 'demo', 2025, 'FDT-NOPE', { limit: 10, offset: 0 })).rejects.toThrow('no family-doctor team FDT-NOPE is stored for demo 2025 (GET /api/network/demo/2025/family-doctors lists the teams');
  });
});
