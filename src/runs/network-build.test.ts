/**
 * `sanyi network build` over two years of a generated small county (issue 8): family-doctor contracts
 * renewed from one year to the next (签约续约), pregnancies from the deliveries and the maternal
 * package, the synthetic shapes from their dated parameters. On PGlite and, when DATABASE_URL is set,
 * on PostgreSQL.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadParamTree, type ParamTree } from '../rules/params.js';
import { withOverrides } from '../rules/test-support/param-overrides.js';
import { addDays } from '../rules/period.js';
import { loadCatalogue } from '../simulation/catalogue.js';
import { backends } from '../store/test-support/backends.js';
import type { Store } from '../store/store.js';
import { SHIPPED_PARAMS_DIR } from './config.js';
import { generateToDirectory } from './generate.js';
import { loadGenerated } from './load-generated.js';
import { buildNetwork, readNetworkBuild, type NetworkBuildSummary } from './network-build.js';
import { seedJurisdictions } from './seed.js';

let tmp: string;
let dir: string;
let params: ParamTree;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sanyi-network-build-'));
  params = await loadParamTree(SHIPPED_PARAMS_DIR);
  const catalogue = await loadCatalogue();
  dir = path.join(tmp, 'gen');
  await generateToDirectory({ params, catalogue, population: 3000, startYear: 2025, years: 2, seed: 7, out: dir, catalogueVersion: catalogue.version, generatedBy: 'test' });
}, 120_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

interface ContractRow {
  id: string;
  person_id: string;
  start_date: string;
  end_date: string;
  package_ids: string;
  renewal_of: string | null;
}
const contractsOf = async (store: Store, year: number): Promise<ContractRow[]> =>
  store.query<ContractRow>(`select id, person_id, start_date::text, end_date::text, package_ids, renewal_of from network_contracts where county_id = 'demo' and year = $1 order by id`, [year]);

interface Renewal {
  numerator: number;
  denominator: number;
  value: number | null;
  reason?: string;
  renewed: number;
  new: number;
  lapsed: number;
  ended: number;
  lapseShare: number;
}
interface FamilyDoctors {
  renewal: Renewal;
  coverage: { byGroup: Record<string, { numerator: number; denominator: number; value: number | null }> };
  maternal: { pregnancyDays: number; deliveryDiseases: string[]; deliveries: number; pregnantResidents: number; contractsWithMaternalPackage: number; dataThrough: string; note: string };
  fulfilment: { byService: Record<string, { numerator: number; denominator: number }> };
}
const familyDoctors = async (store: Store, year: number): Promise<FamilyDoctors> => (await readNetworkBuild(store, 'demo', year))!.measures.familyDoctors as FamilyDoctors;

for (const backend of backends) {
  describe(`Building the care network of two years on ${backend.name}`, () => {
    let store: Store;
    let first: NetworkBuildSummary;
    let second: NetworkBuildSummary;
    beforeAll(async () => {
      store = await backend.open();
      await seedJurisdictions(store, params);
      await loadGenerated(store, dir);
      first = await buildNetwork({ store, params }, { jurisdiction: 'demo', year: 2025 });
      second = await buildNetwork({ store, params }, { jurisdiction: 'demo', year: 2026 });
    }, 180_000);
    afterAll(async () => {
      await store?.close();
    });

    describe('referral workflows across the turn of the year', () => {
      test('Every generated referral is one workflow, built by the year it was requested in, even when its stay starts next year', async () => {
        const [dup] = await store.query<{ n: number }>(`select count(*)::int as n from (select generated_id from network_referrals where origin = 'generated' group by 1 having count(*) > 1) d`);
        expect(dup!.n).toBe(0);
        const [all] = await store.query<{ n: number }>(`select count(*)::int as n from referrals where county_id = 'demo'`);
        expect(first.referrals.total + second.referrals.total).toBe(all!.n);
        const wrongYear = await store.query(`select n.id from network_referrals n join referrals r on r.id = n.generated_id where n.origin = 'generated' and n.year <> greatest(2025, extract(year from r.referral_date)::int)`);
        expect(wrongYear).toEqual([]);
      });

      test('A December referral whose stay starts in January is one workflow, of its request year, followed into January when January’s data are loaded', async () => {
        // The generator draws each year on its own, so the sample may hold no such referral: make one
        // from a stay of early January 2026 that came without a referral (its referral dated 31 December).
        const [stay] = await store.query<{ id: string; person_id: string; institution_id: string; disease_id: string }>(
          `select e.id::text, e.person_id::text, e.institution_id, e.disease_id from encounters e join institutions i on i.id = e.institution_id
            where e.county_id = 'demo' and e.type = 'inpatient' and e.referral_id is null and i.kind in ('county_general', 'out_of_county_city', 'out_of_county_province')
              and e.start_date between '2026-01-02' and '2026-01-05' order by e.id limit 1`,
        );
        const [thc] = await store.query<{ id: string }>(`select id from institutions where jurisdiction_id = 'demo' and kind = 'township_centre' order by id limit 1`);
        const [next] = await store.query<{ id: string }>(`select (max(id) + 1)::text as id from referrals`);
        await store.query(
          `insert into referrals (id, county_id, person_id, direction, from_institution_id, to_institution_id, referral_date, disease_id, source_encounter_id, encounter_id)
           values ($1, 'demo', $2, 'up', $3, $4, '2025-12-31', $5, null, $6)`,
          [next!.id, stay!.person_id, thc!.id, stay!.institution_id, stay!.disease_id, stay!.id],
        );
        await store.query('update encounters set referral_id = $1 where id = $2', [next!.id, stay!.id]);
        await buildNetwork({ store, params }, { jurisdiction: 'demo', year: 2025 });
        await buildNetwork({ store, params }, { jurisdiction: 'demo', year: 2026 });
        const built = await store.query<{ year: number; state: string; encounter_ids: string }>(`select year, state, encounter_ids from network_referrals where generated_id = $1`, [next!.id]);
        expect(built).toHaveLength(1);
        expect(built[0]!.year).toBe(2025);
        // Not left where the end of 2025 would stop it (accepted, waiting): followed to the stay in January and closed.
        expect(built[0]).toMatchObject({ state: 'closed', encounter_ids: stay!.id });
      });
    });

    describe('family-doctor contracts renewed across years (签约续约)', () => {
      test('A resident contracted in 2025 who still qualifies is renewed in 2026 with renewal_of naming the 2025 contract', async () => {
        // The first resident with a family doctor, present all of both years.
        const [p] = await store.query<{ id: string }>(
          `select r.id::text from residents r where r.county_id = 'demo' and r.family_doctor and r.entry_date <= '2025-01-01' and r.exit_date is null
             and exists (select 1 from network_contracts c where c.year = 2026 and c.person_id = r.id::text) order by r.id limit 1`,
        );
        const old = (await contractsOf(store, 2025)).find((c) => c.person_id === p!.id)!;
        const renewal = (await contractsOf(store, 2026)).find((c) => c.person_id === p!.id)!;
        expect(old).toMatchObject({ id: `FDC-2025-${p!.id}`, start_date: '2025-01-01', end_date: '2025-12-31', renewal_of: null });
        expect(renewal).toMatchObject({ id: `FDC-2026-${p!.id}`, start_date: '2026-01-01', end_date: '2026-12-31', renewal_of: old.id });
      });

      test('About the parameter’s share of the contracts due lapses (10% «default»), the rest are renewed, and the renewal measure is their share', async () => {
        const r = (await familyDoctors(store, 2026)).renewal;
        expect(r.lapseShare).toBe(0.1);
        expect(r.denominator).toBe(r.renewed + r.lapsed);
        expect(r.numerator).toBe(r.renewed);
        expect(r.value).toBeCloseTo(r.renewed / r.denominator, 12);
        expect(r.denominator).toBeGreaterThan(900);
        // ~1,000 draws: the lapsed share lies within three standard errors (0.9 points each) of 10%.
        expect(Math.abs(r.lapsed / r.denominator - 0.1)).toBeLessThan(0.03);
        expect(second.contractRenewal).toEqual({ previousYear: 2025, previousBuilt: true, renewed: r.renewed, new: r.new, lapsed: r.lapsed, nextYearRenewalsMissing: null });
      });

      test('Every 2026 renewal names a 2025 contract of the same person that ran to the end of 2025; the lapsed holders have no 2026 contract', async () => {
        const old = new Map((await contractsOf(store, 2025)).map((c) => [c.id, c]));
        const now = await contractsOf(store, 2026);
        const renewals = now.filter((c) => c.renewal_of !== null);
        expect(renewals.length).toBe(second.contractRenewal.renewed);
        for (const c of renewals) {
          const o = old.get(c.renewal_of!);
          expect(o?.person_id, c.id).toBe(c.person_id);
          expect(o?.end_date).toBe('2025-12-31');
          expect(c.start_date).toBe('2026-01-01');
        }
        const renewedOrNew = new Set(now.map((c) => c.person_id));
        const dueAndLapsed = [...old.values()].filter((c) => c.end_date === '2025-12-31' && !renewedOrNew.has(c.person_id));
        // Those with a 2025 contract to the year's end and none in 2026: the lapsed, and those who left on 31 December.
        expect(dueAndLapsed.length).toBeGreaterThanOrEqual(second.contractRenewal.lapsed);
      });

      test('A resident with a family doctor and no 2025 contract (born or moved in during 2026) signs a new one', async () => {
        const now = await contractsOf(store, 2026);
        const fresh = now.filter((c) => c.renewal_of === null);
        expect(fresh.length).toBe(second.contractRenewal.new);
        expect(fresh.length).toBeGreaterThan(0);
        const old = new Set((await contractsOf(store, 2025)).map((c) => c.person_id));
        const entrants = await store.query<{ id: string }>(`select id::text from residents where county_id = 'demo' and family_doctor and entry_date between '2026-01-01' and '2026-12-31'`);
        const entrantIds = new Set(entrants.map((e) => e.id));
        for (const c of fresh) {
          expect(old.has(c.person_id), c.id).toBe(false);
          expect(entrantIds.has(c.person_id), c.id).toBe(true);
        }
        expect(second.contracts).toBe(second.contractRenewal.renewed + second.contractRenewal.new);
      });

      test('Without the previous year built, every contract is new and the renewal share has no value, saying so', async () => {
        const r = (await familyDoctors(store, 2025)).renewal;
        expect(r).toMatchObject({ numerator: 0, denominator: 0, value: null, renewed: 0, lapsed: 0, new: first.contracts });
        expect(r.reason).toBe('year 2024 of demo is not built, so no contract is due for renewal: build it (sanyi network build --year 2024), then this year again');
      });

      test('Building 2026 again gives the same contracts and services', async () => {
        const before = await store.copyOut(`select * from network_contracts where county_id = 'demo' and year = 2026 order by id`);
        const services = await store.copyOut(`select * from network_services where county_id = 'demo' and year = 2026 order by person_id, service, date, contract_id`);
        const again = await buildNetwork({ store, params }, { jurisdiction: 'demo', year: 2026 });
        expect(again.contractRenewal).toEqual(second.contractRenewal);
        expect(await store.copyOut(`select * from network_contracts where county_id = 'demo' and year = 2026 order by id`)).toBe(before);
        expect(await store.copyOut(`select * from network_services where county_id = 'demo' and year = 2026 order by person_id, service, date, contract_id`)).toBe(services);
      });

      test('Building 2025 again after 2026 leaves 2026 intact: its renewals still name stored 2025 contracts', async () => {
        const again = await buildNetwork({ store, params }, { jurisdiction: 'demo', year: 2025 });
        expect(again.contracts).toBe(first.contracts);
        expect(again.contractRenewal.nextYearRenewalsMissing).toBe(0);
        const [dangling] = await store.query<{ n: number }>(
          `select count(*)::int as n from network_contracts n where n.year = 2026 and n.renewal_of is not null and not exists (select 1 from network_contracts c where c.id = n.renewal_of and c.year = 2025)`,
        );
        expect(dangling!.n).toBe(0);
      });

      test('A county that lets no contract lapse renews every one due', async () => {
        const none = withOverrides(params, 'demo', { 'network.demoData.familyDoctor.lapseShare': 0 });
        try {
          const s = await buildNetwork({ store, params: none }, { jurisdiction: 'demo', year: 2026 });
          expect(s.contractRenewal.lapsed).toBe(0);
          expect(s.contractRenewal.renewed).toBe(second.contractRenewal.renewed + second.contractRenewal.lapsed);
          expect((await familyDoctors(store, 2026)).renewal.value).toBe(1);
        } finally {
          await buildNetwork({ store, params }, { jurisdiction: 'demo', year: 2026 });
        }
      });
    });

    describe('pregnancies from the deliveries and the maternal package (孕产妇)', () => {
      test('The generated data hold deliveries: inpatient stays of vaginal or caesarean delivery (ICD-10 O80, O82)', async () => {
        const m = (await familyDoctors(store, 2025)).maternal;
        expect(m.deliveryDiseases).toEqual(['vaginal_delivery', 'caesarean_delivery']);
        expect(m.pregnancyDays).toBe(280);
        expect(m.deliveries).toBeGreaterThan(0);
        expect(m.dataThrough).toBe('2026-12-31');
        // 2025's pregnancies that end in 2026 are in the data; 2026's that end in 2027 are not, and the note says so.
        expect(m.note).not.toContain('the data end');
        expect((await familyDoctors(store, 2026)).maternal.note).toContain('the data end on 2026-12-31: women pregnant in 2026 who deliver after that are not known');
      });

      test('A contracted woman who delivers in 2025 holds the maternal package, and her prenatal visits fall in the 280 days before the delivery', async () => {
        const [w] = await store.query<{ person_id: string; start_date: string }>(
          // Her only delivery in the data, between March and December 2025.
          `select e.person_id::text, min(e.start_date)::text as start_date from encounters e join residents r on r.id = e.person_id
            where e.county_id = 'demo' and e.type = 'inpatient' and e.disease_id in ('vaginal_delivery', 'caesarean_delivery') and r.family_doctor and r.entry_date <= '2025-01-01' and r.exit_date is null
            group by 1 having count(*) = 1 and min(e.start_date) between '2025-03-01' and '2025-12-31' order by 1 limit 1`,
        );
        expect(w).toBeDefined();
        const c = (await contractsOf(store, 2025)).find((x) => x.person_id === w!.person_id)!;
        expect(c.package_ids.split('|')).toContain('maternal');
        const visits = await store.query<{ date: string }>(`select date::text from network_services where year = 2025 and person_id = $1 and service = 'prenatal_visit' order by date`, [w!.person_id]);
        expect(visits.length).toBeGreaterThan(0);
        for (const v of visits) {
          expect(v.date >= addDays(w!.start_date, -280) && v.date >= '2025-01-01', v.date).toBe(true);
          expect(v.date <= w!.start_date, v.date).toBe(true);
        }
      });

      test('The coverage of the pregnant group counts every woman pregnant during the year, contracted or not, and the contracted ones are those holding the maternal package', async () => {
        const fd = await familyDoctors(store, 2025);
        const g = fd.coverage.byGroup.pregnant!;
        expect(g.denominator).toBe(fd.maternal.pregnantResidents);
        expect(g.denominator).toBeGreaterThan(g.numerator);
        expect(g.numerator).toBe(fd.maternal.contractsWithMaternalPackage);
        expect(g.numerator).toBeGreaterThan(0);
        expect(fd.fulfilment.byService.prenatal_visit!.denominator).toBe(5 * fd.maternal.contractsWithMaternalPackage);
      });
    });

    describe('the synthetic shapes follow their dated parameters (network.demoData.*)', () => {
      test('With no outreach session held, no village doctor leaving and every training session two, the build follows', async () => {
        const shaped = withOverrides(params, 'demo', {
          'network.demoData.outreach.heldShare': 0,
          'network.demoData.villageDoctor.leavingShare': 0,
          'network.demoData.villageDoctor.training.twoSessionsShare': 1,
          'network.demoData.villageDoctor.collegeGraduate.youngShare': 1,
          'network.demoData.villageDoctor.collegeGraduate.olderShare': 1,
        });
        try {
          const s = await buildNetwork({ store, params: shaped }, { jurisdiction: 'demo', year: 2025 });
          expect(s.outreachSessions).toBe(0);
          const [d] = await store.query<{ leaving: number; graduates: number; n: number }>(
            `select count(*) filter (where end_date is not null)::int as leaving, count(*) filter (where college_graduate)::int as graduates, count(*)::int as n from network_village_doctors where year = 2025`,
          );
          expect(d).toEqual({ leaving: 0, graduates: d!.n, n: s.villageDoctors });
          // Two sessions each, unless the second would end after the year.
          expect(s.trainingRecords).toBeGreaterThan(1.5 * s.villageDoctors);
        } finally {
          await buildNetwork({ store, params }, { jurisdiction: 'demo', year: 2025 });
        }
      });
    });
  });
}
