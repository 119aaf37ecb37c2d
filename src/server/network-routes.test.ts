/** The care-network API over HTTP, on a generated, loaded, settled and network-built small county (issue 8, docs/network.md). */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSettledApp, type SettledApp } from './test-support/settled-app.js';
import { buildNetwork, type NetworkBuildSummary } from '../runs/network-build.js';
import { loadReferral } from '../runs/network.js';
import { historyProblems } from '../network/referral.js';

let server: SettledApp;
let base: string;
let build: NetworkBuildSummary;
beforeAll(async () => {
  server = await startSettledApp({ population: 3000, seed: 13 });
  ({ base } = server);
  build = await buildNetwork(server.ctx, { jurisdiction: 'demo', year: 2025 });
}, 180_000);
afterAll(async () => {
  await server?.close();
});

async function get(p: string): Promise<{ status: number; body: any }> {
  const res = await fetch(base + p);
  return { status: res.status, body: JSON.parse(await res.text()) };
}
async function post(p: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(base + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: JSON.parse(await res.text()) };
}

describe('the care-network API', () => {
  test('The build of the data’s first year turns every generated referral event requested in it, or before the data begin, into a workflow, most of them closed, a few declined or expired, and stores its seed', async () => {
    const [n] = await server.ctx.store.query<{ n: number }>("select count(*)::int as n from referrals r join encounters e on e.id = r.encounter_id where r.county_id = 'demo' and r.referral_date <= '2025-12-31'");
    expect(build.referrals.total).toBe(n!.n);
    expect(build.referrals.byState.closed).toBeGreaterThan(build.referrals.total / 2);
    expect(build.seed).toBe('13:network:2025');
    const again = await buildNetwork(server.ctx, { jurisdiction: 'demo', year: 2025 });
    expect(again.referrals).toEqual(build.referrals);
    expect(again.contracts).toBe(build.contracts);
  });

  test('Every built referral has a consistent history: states follow the table, versions count the events, times never go backwards', async () => {
    const ids = await server.ctx.store.query<{ id: string }>("select id from network_referrals where origin = 'generated' order by id");
    expect(ids.length).toBe(build.referrals.total);
    for (const { id } of ids) {
      const r = (await loadReferral(server.ctx.store, id))!;
      expect(historyProblems(r), id).toEqual([]);
      expect(r.version).toBe(r.events.length);
    }
  });

  test("The county hospital's inbox lists referrals to it with their allowed next actions, and its outbox those it sent", async () => {
    const inbox = await get('/api/network/demo/referrals?institution=CGH&box=inbox&limit=5');
    expect(inbox.status).toBe(200);
    expect(inbox.body.total).toBeGreaterThan(0);
    expect(inbox.body.referrals.length).toBeLessThanOrEqual(5);
    for (const r of inbox.body.referrals) expect(r.to.id).toBe('CGH');
    const closed = await get('/api/network/demo/referrals?institution=CGH&box=inbox&state=closed&limit=1');
    expect(closed.body.referrals[0].allowedActions).toEqual([]);
    const outbox = await get('/api/network/demo/referrals?institution=CGH&box=outbox');
    for (const r of outbox.body.referrals) expect(r.from.id).toBe('CGH');
    expect((await get('/api/network/demo/referrals?institution=NOPE')).status).toBe(404);
    expect((await get('/api/network/demo/referrals')).status).toBe(400);
  });

  test('The outbox for 2025 lists only referrals requested in 2025 (China time), with its counts and total of that year; without a year it lists every year', async () => {
    const doctor = (await staffOf('THC01')).doctor;
    const request = async (at: string) => (await post('/api/network/demo/referrals', { personId: '49', fromInstitutionId: 'THC01', toInstitutionId: 'CGH', actor: { kind: 'doctor', id: doctor }, at })).body.id as string;
    // Half an hour before and after midnight in China: both are 2025 in UTC.
    const lastOf2025 = await request('2025-12-31T23:30:00+08:00');
    const firstOf2026 = await request('2026-01-01T00:30:00+08:00');
    const chinaYear = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3600_000).getUTCFullYear();
    const of2025 = await get('/api/network/demo/referrals?institution=THC01&box=outbox&year=2025&limit=500');
    expect(of2025.status).toBe(200);
    expect(of2025.body.year).toBe(2025);
    expect(of2025.body.referrals.length).toBeGreaterThan(1);
    for (const r of of2025.body.referrals) expect(chinaYear(r.requestedAt), r.id).toBe(2025);
    const [n] = await server.ctx.store.query<{ n: number }>("select count(*)::int as n from network_referrals where from_institution_id = 'THC01' and requested_at >= '2025-01-01T00:00:00+08:00' and requested_at < '2026-01-01T00:00:00+08:00'");
    expect(of2025.body.total).toBe(n!.n);
    expect(Object.values(of2025.body.counts as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(n!.n);
    const requested2025 = (await get('/api/network/demo/referrals?institution=THC01&box=outbox&year=2025&state=requested&limit=500')).body.referrals.map((r: { id: string }) => r.id);
    expect(requested2025).toContain(lastOf2025);
    expect(requested2025).not.toContain(firstOf2026);
    const of2026 = (await get('/api/network/demo/referrals?institution=THC01&box=outbox&year=2026&limit=500')).body;
    expect(of2026.referrals.map((r: { id: string }) => r.id)).toContain(firstOf2026);
    for (const r of of2026.referrals) expect(chinaYear(r.requestedAt), r.id).toBe(2026);
    // Without a year: every year, as before.
    const all = (await get('/api/network/demo/referrals?institution=THC01&box=outbox&limit=1')).body;
    expect(all.year).toBeUndefined();
    expect(all.total).toBe(of2025.body.total + of2026.total + (await get('/api/network/demo/referrals?institution=THC01&box=outbox&year=2024&limit=1')).body.total);
  });

  test('A bad year is refused with 400 saying what a year is', async () => {
    for (const bad of ['25', 'abcd', '20255', '1800']) {
      const res = await get(`/api/network/demo/referrals?institution=THC01&box=outbox&year=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error).toBe('bad_request');
      expect(res.body.message, bad).toMatch(/year must be/);
    }
  });

  test('One referral answers with its history from request to close, linked to the encounter it caused', async () => {
    const closed = (await get('/api/network/demo/referrals?institution=CGH&box=inbox&state=closed&limit=1')).body.referrals[0];
    const one = await get(`/api/network/demo/referrals/${closed.id}`);
    expect(one.status).toBe(200);
    expect(one.body.events.map((e: { action: string }) => e.action)).toEqual(['request', 'accept', 'arrive', 'return_record', 'close']);
    expect(one.body.encounterIds).toHaveLength(1);
    expect((await get('/api/network/demo/referrals/R-NONE')).status).toBe(404);
  });

  /** A doctor of the institution and another staff member (GET /api/network/{j}/staff). */
  async function staffOf(institution: string): Promise<{ doctor: string; other: string }> {
    const res = await get(`/api/network/demo/staff?institution=${institution}`);
    expect(res.status).toBe(200);
    const staff = res.body.staff as Array<{ id: string; doctor: boolean }>;
    return { doctor: staff.find((s) => s.doctor)!.id, other: staff.find((s) => !s.doctor)!.id };
  }

  test('A referral requested through the API is accepted with its version; a second move on the old version gets 409, an illegal move 400 with the domain message', async () => {
    const thc = await staffOf('THC01');
    const cgh = await staffOf('CGH');
    const created = await post('/api/network/demo/referrals', { personId: '49', fromInstitutionId: 'THC01', toInstitutionId: 'CGH', diseaseId: 'pneumonia_adult', actor: { kind: 'doctor', id: thc.doctor }, at: '2026-01-05T09:00:00+08:00' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'requested', version: 1, direction: 'up', scope: 'within_county' });
    expect(created.body.allowedActions.map((a: { action: string }) => a.action)).toEqual(['accept', 'decline', 'cancel']);
    const id = created.body.id;
    // The disease goes out with its catalogue name (catalogue/diseases.yaml: pneumonia_adult 肺炎).
    expect((await get(`/api/network/demo/referrals/${id}`)).body).toMatchObject({ diseaseId: 'pneumonia_adult', disease: { zh: '肺炎', en: 'Pneumonia' } });
    const desk = { kind: 'staff', id: cgh.other, institutionId: 'CGH' };
    const accepted = await post(`/api/network/demo/referrals/${id}/actions`, { action: 'accept', expectedVersion: 1, actor: desk, at: '2026-01-05T10:00:00+08:00' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ state: 'accepted', version: 2 });
    const stale = await post(`/api/network/demo/referrals/${id}/actions`, { action: 'decline', expectedVersion: 1, actor: desk, at: '2026-01-05T10:05:00+08:00', reason: 'no bed' });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ error: 'stale_version', expectedVersion: 1, currentVersion: 2, currentState: 'accepted' });
    expect(stale.body.message).toContain(id);
    const illegal = await post(`/api/network/demo/referrals/${id}/actions`, { action: 'close', expectedVersion: 2, actor: { kind: 'doctor', id: thc.doctor, institutionId: 'THC01' }, at: '2026-01-05T11:00:00+08:00' });
    expect(illegal.status).toBe(400);
    expect(illegal.body.error).toBe('illegal_transition');
    expect(illegal.body.message).toContain(`referral ${id} (state accepted)`);
    const notDoctor = await post('/api/network/demo/referrals', { personId: '49', fromInstitutionId: 'THC01', toInstitutionId: 'CGH', actor: { kind: 'staff', id: thc.other } });
    expect(notDoctor.status).toBe(400);
    expect(notDoctor.body.message).toMatch(/only a doctor of the sending institution/);
  });

  test('Only the staff of the institution may act for it: an unknown id, a member of another institution, or a nurse calling herself a doctor is refused with 403 naming them', async () => {
    const thc = await staffOf('THC01');
    const cgh = await staffOf('CGH');
    const unknown = await post('/api/network/demo/referrals', { personId: '49', fromInstitutionId: 'THC01', toInstitutionId: 'CGH', actor: { kind: 'doctor', id: 'NOBODY' } });
    expect(unknown.status).toBe(403);
    expect(unknown.body).toMatchObject({ error: 'not_on_staff', message: expect.stringContaining('doctor NOBODY is not on the staff of THC01') });
    const elsewhere = await post('/api/network/demo/referrals', { personId: '49', fromInstitutionId: 'THC01', toInstitutionId: 'CGH', actor: { kind: 'doctor', id: cgh.doctor } });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.message).toBe(`doctor ${cgh.doctor} works at CGH, not at THC01, and may not act for it`);
    const notADoctor = await post('/api/network/demo/referrals', { personId: '49', fromInstitutionId: 'THC01', toInstitutionId: 'CGH', actor: { kind: 'doctor', id: thc.other } });
    expect(notADoctor.status).toBe(403);
    expect(notADoctor.body.message).toMatch(new RegExp(`^${thc.other} of THC01 is a \\w+, not a doctor`));
    const created = await post('/api/network/demo/referrals', { personId: '49', fromInstitutionId: 'THC01', toInstitutionId: 'CGH', actor: { kind: 'doctor', id: thc.doctor } });
    const stranger = await post(`/api/network/demo/referrals/${created.body.id}/actions`, { action: 'accept', expectedVersion: 1, actor: { kind: 'staff', id: thc.other, institutionId: 'CGH' } });
    expect(stranger.status).toBe(403);
    expect((await get(`/api/network/demo/referrals/${created.body.id}`)).body).toMatchObject({ state: 'requested', version: 1 });
    expect((await get('/api/network/demo/staff?institution=NOPE')).status).toBe(404);
    // A partner outside the county: its staff are not held, so its list is empty and its desk's id is taken as given.
    const [outside] = await server.ctx.store.query<{ id: string }>('select id from institutions where not in_county order by id limit 1');
    expect((await get(`/api/network/demo/staff?institution=${outside!.id}`)).body.staff).toEqual([]);
    const out = await post('/api/network/demo/referrals', { personId: '49', fromInstitutionId: 'CGH', toInstitutionId: outside!.id, actor: { kind: 'doctor', id: cgh.doctor } });
    expect(out.status).toBe(201);
    const partner = await post(`/api/network/demo/referrals/${out.body.id}/actions`, { action: 'accept', expectedVersion: 1, actor: { kind: 'staff', id: 'PARTNER-DESK', institutionId: outside!.id } });
    expect(partner.status).toBe(200);
  });

  test('A referral for a person who is not a resident of the county is refused with 404 naming the person', async () => {
    const res = await post('/api/network/demo/referrals', { personId: '999999999', fromInstitutionId: 'THC01', toInstitutionId: 'CGH', actor: { kind: 'doctor', id: (await staffOf('THC01')).doctor }, at: '2026-01-05T09:00:00+08:00' });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('no resident 999999999 is stored for demo: a referral is requested for a resident of the county (residents.id)');
  });

  test('A referral not accepted within 48 hours expires when the expiry runs', async () => {
    const created = await post('/api/network/demo/referrals', { personId: '80', fromInstitutionId: 'THC01', toInstitutionId: 'CGH', actor: { kind: 'doctor', id: (await staffOf('THC01')).doctor }, at: '2026-02-01T09:00:00+08:00' });
    const run = await post('/api/network/demo/referrals/expire', { asOf: '2026-02-03T09:00:01+08:00' });
    expect(run.body.ids).toContain(created.body.id);
    expect((await get(`/api/network/demo/referrals/${created.body.id}`)).body.state).toBe('expired');
  });

  test('The flows of the year are Sankey nodes and links whose referral counts add up, with self-referred out-of-county admissions', async () => {
    const f = await get('/api/network/demo/2025/flows');
    expect(f.status).toBe(200);
    expect(f.body.nodes.map((n: { id: string }) => n.id)).toEqual(['village', 'township', 'county', 'out_of_county', 'self']);
    const sum = f.body.links.filter((l: any) => l.kind === 'referral').reduce((a: number, l: { value: number; notCompleted: Record<string, number> }) => a + l.value + l.notCompleted.declined! + l.notCompleted.cancelled! + l.notCompleted.expired! + l.notCompleted.open!, 0);
    expect(sum).toBe(f.body.totals.referrals);
    expect(f.body.totals.selfReferredOutOfCounty + f.body.totals.referredOutOfCounty).toBe(f.body.totals.outOfCountyAdmissions);
    expect(f.body.links.find((l: any) => l.source === 'township' && l.target === 'county').value).toBeGreaterThan(0);
  });

  test('Family doctors: coverage overall and by priority group, fulfilment, own-team visit share and team payments in fen', async () => {
    const r = await get('/api/network/demo/2025/family-doctors');
    expect(r.status).toBe(200);
    expect(r.body.coverage.overall.value).toBeGreaterThan(0.2);
    expect(r.body.coverage.byGroup.elderly.denominator).toBeGreaterThan(0);
    expect(r.body.fulfilment.overall.value).toBeGreaterThan(0.5);
    expect(r.body.ownTeamVisitShare.denominator).toBeGreaterThan(0);
    expect(Number.isInteger(r.body.payments.totalFen)).toBe(true);
    expect(r.body.teams[0].paymentFen).toBeGreaterThan(0);
  });

  test("A team's panel lists its contracted residents with their packages and services, pages them, filters by priority group, and 404s an unknown team", async () => {
    const fd = await get('/api/network/demo/2025/family-doctors');
    const team = fd.body.teams.sort((a: { contracts: number }, b: { contracts: number }) => b.contracts - a.contracts)[0] as { id: string; contracts: number };
    const p = await get(`/api/network/demo/2025/family-doctors/teams/${team.id}?limit=3`);
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ total: team.contracts, limit: 3, offset: 0, group: null });
    expect(p.body.rows).toHaveLength(3);
    expect(p.body.rows[0].packages[0]).toMatchObject({ id: 'basic', label: { zh: '基础服务包' } });
    const next = await get(`/api/network/demo/2025/family-doctors/teams/${team.id}?limit=3&offset=3`);
    expect(next.body.rows[0].personId).not.toBe(p.body.rows[0].personId);
    const elderly = await get(`/api/network/demo/2025/family-doctors/teams/${team.id}?group=elderly&limit=500`);
    expect(elderly.body.total).toBeGreaterThan(0);
    for (const r of elderly.body.rows) expect(r.groups).toContain('elderly');
    expect((await get(`/api/network/demo/2025/family-doctors/teams/${team.id}?group=teenagers`)).status).toBe(400);
    const missing = await get('/api/network/demo/2025/family-doctors/teams/FDT-NOPE');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toContain('no family-doctor team FDT-NOPE');
  });

  test('Remote care: turnaround by kind and the monthly sessions vs out-of-county admissions series', async () => {
    const r = await get('/api/network/demo/2025/remote');
    expect(r.status).toBe(200);
    expect(r.body.turnaround.byKind.remote_ecg.medianHours).toBeLessThan(r.body.turnaround.byKind.remote_imaging.medianHours);
    expect(r.body.series).toHaveLength(12);
    expect(r.body.series.reduce((a: number, m: { sessions: number }) => a + m.sessions, 0)).toBe(r.body.sessions.total);
  });

  test('Workforce: vacancy, ageing picture, subsidy roll and training completion', async () => {
    const r = await get('/api/network/demo/2025/workforce');
    expect(r.status).toBe(200);
    expect(r.body.vacancy.villages).toBeGreaterThan(0);
    expect(r.body.ageing.inPost).toBeGreaterThan(0);
    expect(r.body.subsidy.totalFen).toBeGreaterThan(0);
    expect(r.body.training.completion.denominator).toBeGreaterThan(0);
  });

  test('Left-county alerts name the person, the disease and the institution outside the county', async () => {
    const r = await get('/api/network/demo/2025/alerts?limit=3');
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(build.alerts);
    expect(r.body.total).toBeGreaterThan(0);
    expect(r.body.alerts[0].message.en).toMatch(/without a referral/);
  });

  test('A year whose network is not built answers 404 with how to build it', async () => {
    const r = await get('/api/network/demo/2024/flows');
    expect(r.status).toBe(404);
    expect(r.body.message).toMatch(/sanyi network build/);
  });
});
