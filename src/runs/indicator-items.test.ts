/**
 * The outreach items and indicators of a county-year (issue 8 §3): famous-doctor studio and
 * visiting-specialist sessions from the care network's build, beside the out-of-county admissions of
 * the outreach specialties' diseases (catalogue/outreach-specialties.yaml). On a small generated
 * county of two years (2025, 2026), settled; the network is built only after a first run of the
 * indicators, so that run shows the indicators without a build.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { IndicatorValue } from '../indicators/index.js';
import { loadOutreachSpecialties } from '../network/outreach-specialties.js';
import { loadParamTree, type ParamTree } from '../rules/params.js';
import { loadCatalogue, SHIPPED_CATALOGUE_DIR } from '../simulation/catalogue.js';
import { backends } from '../store/test-support/backends.js';
import type { Store } from '../store/store.js';
import { SHIPPED_PARAMS_DIR } from './config.js';
import { generateToDirectory } from './generate.js';
import { computeItems, readItems, type Items } from './indicator-items.js';
import { indicatorsYear, type IndicatorsResult } from './indicators.js';
import { loadGenerated } from './load-generated.js';
import { buildNetwork } from './network-build.js';
import { seedJurisdictions } from './seed.js';
import { settlementRun } from './settlement-read.js';
import { settleYear } from './settle.js';

const OUTREACH = ['outreachOutOfCountyShare', 'outreachOutOfCountyShareChange', 'outreachSessionsPerMonth', 'outreachPatientsPerSession'];
const OUTREACH_ITEMS = ['outreach.sessions', 'outreach.patients', 'outreach.admissions', 'outreach.outOfCountyAdmissions'];

let tmp: string;
let dir: string;
let params: ParamTree;
let diseasesOf: Map<string, string[]>;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sanyi-outreach-'));
  params = await loadParamTree(SHIPPED_PARAMS_DIR);
  const catalogue = await loadCatalogue(SHIPPED_CATALOGUE_DIR);
  diseasesOf = new Map((await loadOutreachSpecialties(catalogue.diseases)).specialties.map((s) => [s.id, s.diseaseIds]));
  dir = path.join(tmp, 'gen');
  await generateToDirectory({ params, catalogue, population: 3000, startYear: 2025, years: 2, seed: 11, out: dir, catalogueVersion: catalogue.version, generatedBy: 'test' });
}, 120_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const byId = (vs: readonly IndicatorValue[], id: string): IndicatorValue => vs.find((v) => v.id === id)!;

for (const backend of backends) describe(`the outreach items and indicators of a county-year (${backend.name})`, () => {
  let store: Store;
  let before: IndicatorsResult;
  let y25: IndicatorsResult;
  let y26: IndicatorsResult;
  let items25: Items;
  let items26: Items;

  beforeAll(async () => {
    store = await backend.open();
    await seedJurisdictions(store, params);
    await loadGenerated(store, dir);
    await settleYear({ store, params }, { jurisdiction: 'demo', year: 2025 });
    await settleYear({ store, params }, { jurisdiction: 'demo', year: 2026 });
    before = await indicatorsYear({ store, params }, { jurisdiction: 'demo', year: 2025 });
    await buildNetwork({ store, params }, { jurisdiction: 'demo', year: 2025 });
    // The build keys village doctors by staff id alone (VD-<staff>, primary key id), so a second
    // year's build collides with the first's; the outreach items read only network_builds and
    // network_outreach_sessions, so 2025's village doctors are let go before 2026 is built.
    await store.query(`delete from network_village_doctors where county_id = 'demo' and year = 2025`);
    await buildNetwork({ store, params }, { jurisdiction: 'demo', year: 2026 });
    y25 = await indicatorsYear({ store, params }, { jurisdiction: 'demo', year: 2025 });
    y26 = await indicatorsYear({ store, params }, { jurisdiction: 'demo', year: 2026 });
    items25 = (await readItems(store, 'demo', 2025))!.countyItems;
    items26 = (await readItems(store, 'demo', 2026))!.countyItems;
  }, 600_000);
  afterAll(async () => {
    await store?.close();
  });

  /** The residents' admissions of some diseases discharged in a year: all and out of county. */
  async function admissionsOf(year: number, diseases: readonly string[]): Promise<{ all: number; ooc: number }> {
    const [r] = await store.query<{ all: number; ooc: number }>(
      `select count(*)::int as all, count(*) filter (where care_level = 'out_of_county')::int as ooc from encounters
        where county_id = 'demo' and type = 'inpatient' and end_date between $1 and $2 and disease_id = any($3::text[])`,
      [`${year}-01-01`, `${year}-12-31`, diseases],
    );
    return r!;
  }

  test('Without a network build the outreach indicators have no value and say why', () => {
    for (const id of OUTREACH) {
      const v = byId(before.county, id);
      expect(v.value).toBeNull();
      expect(v.reason).toMatch(/^missing item (prev\()?outreach\./);
    }
    expect(byId(before.county, 'outreachOutOfCountyShare').reason).toBe('missing item outreach.outOfCountyAdmissions');
    expect(byId(before.county, 'outreachSessionsPerMonth').reason).toBe('missing item outreach.sessions');
  });

  test('With the network built the sessions and patients are those stored for the year, at the county and at the host hospital', async () => {
    const hosts = await store.query<{ host: string; n: number; patients: number }>(
      `select host_institution_id as host, count(*)::int as n, sum(patients)::int as patients from network_outreach_sessions where county_id = 'demo' and year = 2025 group by 1`,
    );
    expect(hosts.length).toBeGreaterThan(0);
    expect(items25.get('outreach.sessions')).toBe(hosts.reduce((a, h) => a + h.n, 0));
    expect(items25.get('outreach.patients')).toBe(hosts.reduce((a, h) => a + h.patients, 0));
    const stored = (await readItems(store, 'demo', 2025))!;
    for (const h of hosts) {
      expect(stored.institutions.get(h.host)?.get('outreach.sessions')).toBe(h.n);
      expect(stored.institutions.get(h.host)?.get('outreach.patients')).toBe(h.patients);
    }
    expect(byId(y25.county, 'outreachSessionsPerMonth').value).toBe(items25.get('outreach.sessions')! / 12);
    expect(byId(y25.county, 'outreachPatientsPerSession').value).toBe(items25.get('outreach.patients')! / items25.get('outreach.sessions')!);
  });

  test("Out-of-county admissions are counted for the outreach indicator only for the diseases of the year's studio and specialist specialties", async () => {
    const specialties = (await store.query<{ specialty: string }>(`select distinct specialty from network_outreach_sessions where county_id = 'demo' and year = 2025 order by 1`)).map((r) => r.specialty);
    expect(specialties).toEqual(['cardiology', 'orthopaedics']);
    const diseases = [...new Set(specialties.flatMap((s) => diseasesOf.get(s)!))];
    const own = await admissionsOf(2025, diseases);
    expect(items25.get('outreach.admissions')).toBe(own.all);
    expect(items25.get('outreach.outOfCountyAdmissions')).toBe(own.ooc);
    expect(own.ooc).toBeGreaterThan(0);
    // Other diseases' out-of-county stays (pneumonia, cancers, deliveries …) are left out.
    expect(items25.get('outreach.outOfCountyAdmissions')!).toBeLessThan(items25.get('admissions.outOfCounty')!);
    const share = byId(y25.county, 'outreachOutOfCountyShare');
    expect(share.value).toBe((own.ooc * 100) / own.all);
    expect(share.trace.steps.map((s) => s.name)).toContain('outreach.outOfCountyAdmissions');
  });

  test('An out-of-county stay turned into a cardiology disease is counted; the same stay as pneumonia is not', async () => {
    const settlement = await settlementRun(store, 'demo', 2025);
    const input = { county: 'demo', year: 2025, runId: settlement.runId, summary: settlement.summary };
    const [stay] = await store.query<{ id: number }>(
      `select id from encounters where county_id = 'demo' and type = 'inpatient' and care_level = 'out_of_county' and disease_id = 'pneumonia_adult' and end_date between '2025-01-01' and '2025-12-31' order by id limit 1`,
    );
    expect(stay).toBeDefined();
    try {
      await store.query(`update encounters set disease_id = 'heart_failure' where id = $1`, [stay!.id]);
      const moved = (await computeItems(store, input)).countyItems;
      expect(moved.get('outreach.outOfCountyAdmissions')).toBe(items25.get('outreach.outOfCountyAdmissions')! + 1);
      expect(moved.get('outreach.admissions')).toBe(items25.get('outreach.admissions')! + 1);
      expect(moved.get('admissions.outOfCounty')).toBe(items25.get('admissions.outOfCounty'));
    } finally {
      await store.query(`update encounters set disease_id = 'pneumonia_adult' where id = $1`, [stay!.id]);
    }
    const back = (await computeItems(store, input)).countyItems;
    for (const k of OUTREACH_ITEMS) expect(back.get(k)).toBe(items25.get(k));
  });

  test('A session of a specialty the table does not map is refused, naming it and the file', async () => {
    const settlement = await settlementRun(store, 'demo', 2025);
    const [host] = await store.query<{ host: string }>(`select host_institution_id as host from network_outreach_sessions where county_id = 'demo' and year = 2025 limit 1`);
    await store.query(
      `insert into network_outreach_sessions (county_id, year, schedule_id, kind, specialty, specialist_id, home_institution_id, host_institution_id, date, patients)
       values ('demo', 2025, 'OS-TEST-DERM', 'visiting_specialist', 'dermatology', 'X-1', $1, $1, '2025-06-03', 9)`,
      [host!.host],
    );
    try {
      await expect(computeItems(store, { county: 'demo', year: 2025, runId: settlement.runId, summary: settlement.summary })).rejects.toThrow(
        /outreach-specialties\.yaml: no entry for outreach specialty dermatology \(mapped: cardiology, orthopaedics\)/,
      );
    } finally {
      await store.query(`delete from network_outreach_sessions where schedule_id = 'OS-TEST-DERM'`);
    }
  });

  test('With two built years the change on last year has a value: this year’s share minus last year’s, in points', () => {
    const share = (m: Items) => m.get('outreach.outOfCountyAdmissions')! / m.get('outreach.admissions')!;
    const change = byId(y26.county, 'outreachOutOfCountyShareChange');
    expect(change.reason).toBeUndefined();
    expect(change.value).toBeCloseTo((share(items26) - share(items25)) * 100, 10);
    expect(change.met).toBe(change.value! <= 0);
    // 2025 has no stored 2024: no change, and the reason says so.
    expect(byId(y25.county, 'outreachOutOfCountyShareChange').reason).toMatch(/^missing item prev\(outreach\.outOfCountyAdmissions\)/);
  });
});
