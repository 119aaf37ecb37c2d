/**
 * `sanyi network build`: the care network of a county-year from the stored data (issue 8).
 *
 *  - Workflow referrals from the generated referral events (`referrals`) requested in the year (a
 *    referral belongs to the build of its request year, so a December referral whose stay starts in
 *    January is one workflow, not one per year; the data's first year also takes those requested
 *    before the data begin): each becomes a referral requested by a doctor of the
 *    sender, accepted, arrived (linked to its encounter), record returned and closed by the right
 *    parties at plausible times; a seeded share is declined or left to expire
 *    (`network.demoData.referral.*`). Steps are taken up to the end of the loaded data (the steps of
 *    a December referral in January when next year's data are loaded); later ones are not taken yet.
 *  - Left-county-without-referral alerts (`leftCountyWithoutReferral`, catalogue/in-county-diseases.yaml).
 *  - Family-doctor teams (one per township health centre) and contracts (from `residents.family_doctor`),
 *    with synthetic service deliveries. When last year is built, a holder of last year's contract who
 *    still qualifies renews it (`renewal_of`) unless a seeded share lets it lapse
 *    (`network.demoData.familyDoctor.lapseShare`); the others sign anew. Pregnancies come from the
 *    deliveries in the encounters (ICD-10 O80–O84, `network.familyDoctor.priority.pregnancyDays`):
 *    a contract overlapping one holds the maternal package.
 *  - Synthetic remote requests, outreach sessions, village doctors (from the village-doctor staff) and
 *    training records.
 *  - The measures (coverage, fulfilment, own-team visit share, team payments, turnaround, the outreach
 *    series, the workforce picture) in `network_builds.summary`.
 *
 * Randomness: one seed `<dataset seed>:network:<year>`, stored with the build. Idempotent: the year's
 * built rows are replaced (referrals requested through the API stay); the contracts depend on last
 * year's stored contracts, which a rebuild of this year does not touch. Every shape of the synthetic
 * data is a dated parameter under `network.demoData` (docs/network.md); what stays in code is
 * mechanics: times of day, minimum gaps between steps, the day in the month or year a draw falls on.
 */
import type { ParamTree } from '../rules/params.js';
import { Random } from '../rules/random.js';
import { addDays, daysBetween, type IsoDate } from '../rules/period.js';
import type { Store } from '../store/store.js';
import { loadCatalogue, type Catalogue } from '../simulation/catalogue.js';
import { addHours, share, type InstitutionRef, type Share } from '../network/common.js';
import { requestReferral, transition, expireDue, ReferralError, type Actor, type Referral } from '../network/referral.js';
import type { EncounterRef } from '../network/reimbursement.js';
import { leftCountyWithoutReferral, loadInCountyDiseases } from '../network/in-county.js';
import { contractFee, coverage, packageFulfilment, packageIdsFor, packageOf, pregnanciesFromDeliveries, pregnantDuring, priorityGroupsOf, renewalRate, renewContract, teamGaps, teamPayments, type Contract, type Resident, type ServiceRecord, type Team, type TeamMember } from '../network/family-doctor.js';
import { outreachSeries, scheduledSessions, turnaround, REMOTE_KINDS, type OutreachSchedule, type OutreachSession, type RemoteKind, type RemoteRequest } from '../network/remote.js';
import { ageingPicture, subsidyRoll, trainingCompletion, vacancy, QUALIFICATIONS, type Qualification, type TrainingRecord, type Village, type VillageDoctor } from '../network/workforce.js';
import { loadStoredReferrals } from './referral-cover.js';
import { EVENT_INSERT_COLUMNS, REFERRAL_INSERT_COLUMNS, networkLevelOfKind, referralRows } from './network.js';

export class NetworkBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkBuildError';
  }
}

export interface NetworkBuildSummary {
  jurisdiction: string;
  year: number;
  seed: string;
  paramVersion: string;
  asOf: string;
  referrals: { total: number; byState: Record<string, number> };
  alerts: number;
  teams: number;
  contracts: number;
  /** Of the year's contracts, those renewing last year's (续约) and those signed anew; last year's due contracts left to lapse. */
  contractRenewal: {
    previousYear: number;
    previousBuilt: boolean;
    renewed: number;
    new: number;
    lapsed: number;
    /** When next year is built: its renewals that name a contract of this year the build does not have (rebuild next year then); null when it is not built. */
    nextYearRenewalsMissing: number | null;
  };
  services: number;
  remoteRequests: number;
  outreachSessions: number;
  villageDoctors: number;
  trainingRecords: number;
  seconds: number;
}

interface InstRow {
  id: string;
  kind: string;
  in_county: boolean;
  township_id: string | null;
  name_zh: string;
  name_en: string;
}

const TZ = '+08:00';
/** An instant on a China date at `hours` (may be fractional) after midnight. */
function at(date: IsoDate, hours: number): string {
  return addHours(`${date}T00:00:00${TZ}`, hours);
}
const later = (a: string, b: string): string => (Date.parse(a) >= Date.parse(b) ? a : b);
const before = (a: string, b: string): boolean => Date.parse(a) <= Date.parse(b);

const DECLINE_REASONS = ['床位已满 / no bed available', '超出本院诊疗范围 / beyond the hospital’s scope', '患者可在基层继续治疗 / can be treated at the sending level'];

/** Builds (or rebuilds) a county-year's network data; returns its summary. */
export async function buildNetwork(ctx: { store: Store; params: ParamTree }, opts: { jurisdiction: string; year: number; onStage?: (msg: string) => void }): Promise<NetworkBuildSummary> {
  const { store, params } = ctx;
  const { jurisdiction: county, year } = opts;
  const t0 = performance.now();
  const report = opts.onStage ?? (() => {});
  const log = (m: string) => report(`${((performance.now() - t0) / 1000).toFixed(1)} s: ${m}`);
  const [ds] = await store.query<{ seed: string; start_year: number; years: number }>('select seed, start_year, years from datasets where county_id = $1 order by 1 limit 1', [county]);
  if (!ds) throw new NetworkBuildError(`no data of ${county} are loaded: run \`sanyi generate --into-db\` first`);
  const seed = `${ds.seed}:network:${year}`;
  const rng = Random.fromSeed(seed);
  const start = `${year}-01-01`;
  const end = `${year}-12-31`;
  const asOf = at(addDays(end, 1), 0);
  // The referral steps run to the end of the loaded data (not only of the year).
  const dataEnd = at(`${ds.start_year + ds.years}-01-01`, 0);
  const stepsUntil = Date.parse(dataEnd) > Date.parse(asOf) ? dataEnd : asOf;

  const insts = await store.query<InstRow>('select id, kind, in_county, township_id, name_zh, name_en from institutions where jurisdiction_id = $1 or not in_county order by id', [county]);
  const instById = new Map(insts.map((i) => [i.id, i]));
  const ref = (id: string): InstitutionRef => {
    const i = instById.get(id);
    if (!i) throw new NetworkBuildError(`institution ${id} of ${county}'s data is not stored`);
    return { id, level: networkLevelOfKind(i.kind), inCounty: i.in_county };
  };
  const staff = await store.query<{ id: string; institution_id: string; role: string; title: string; sex: string; birth_year: number }>(
    'select s.id, s.institution_id, s.role, s.title, s.sex, s.birth_year from staff s join institutions i on i.id = s.institution_id where i.jurisdiction_id = $1 or not i.in_county order by s.id',
    [county],
  );
  const staffOf = new Map<string, typeof staff>();
  for (const s of staff) {
    const l = staffOf.get(s.institution_id);
    if (l) l.push(s);
    else staffOf.set(s.institution_id, [s]);
  }
  const pick = <T>(r: Random, list: readonly T[]): T => list[r.int(list.length)]!;
  const doctorOf = (r: Random, inst: string): Actor => {
    const ds = (staffOf.get(inst) ?? []).filter((s) => s.role === 'doctor' || s.role === 'village_doctor');
    return { kind: 'doctor', id: ds.length ? pick(r, ds).id : `${inst}-DR`, institutionId: inst };
  };
  const deskOf = (r: Random, inst: string): Actor => {
    const ds = (staffOf.get(inst) ?? []).filter((s) => s.role === 'manager' || s.role === 'nurse');
    return { kind: 'staff', id: ds.length ? pick(r, ds).id : `${inst}-DESK`, institutionId: inst };
  };

  // ---- workflow referrals from the generated referral events
  log('referral workflows from the generated referral events …');
  const events = await store.query<{ id: number; person_id: number; direction: string; from_institution_id: string; to_institution_id: string; referral_date: string; disease_id: string; source_encounter_id: number | null; encounter_id: number; start_date: string; end_date: string }>(
    `select r.id, r.person_id, r.direction, r.from_institution_id, r.to_institution_id, r.referral_date, r.disease_id, r.source_encounter_id, r.encounter_id, e.start_date, e.end_date
       from referrals r join encounters e on e.id = r.encounter_id
      where r.county_id = $1 and r.referral_date between $2 and $3 order by r.id`,
    // The first year of the data also takes the referrals requested before the data begin (no build holds them).
    [county, year === ds.start_year ? '0001-01-01' : start, end],
  );
  // Synthetic demo assumptions (docs/network.md), dated parameters under network.demoData.
  const demo = (path: string): number => params.number(`network.demoData.${path}`, start, county).value;
  /** A demo parameter that must be a whole number (a count of days or items drawn with `Random.int`). */
  const demoWhole = (path: string): number => {
    const v = demo(path);
    if (!Number.isInteger(v)) throw new NetworkBuildError(`parameter network.demoData.${path} is ${v} on ${start} in ${county}: it must be a whole number`);
    return v;
  };
  const deliveryRate = demo('services.deliveryRate');
  const followUpAtVillageShare = demo('services.followUpAtVillageShare');
  const acceptSpreadHours = demo('referral.acceptSpreadHours');
  const lateRecordReturnShare = demo('referral.lateRecordReturnShare');
  const lateRecordReturnDays = demoWhole('referral.lateRecordReturnDays');
  const closeSpreadHours = demo('referral.closeSpreadHours');
  const remoteVariation = demo('remote.monthlyVariation');
  const turnaroundOf = (k: RemoteKind | 'countyToProvince') => ({ min: demo(`remote.turnaround.${k}.minHours`), spread: demo(`remote.turnaround.${k}.spreadHours`) });
  const outreachHeldShare = demo('outreach.heldShare');
  const patientsMin = demoWhole('outreach.patientsPerSession.min');
  const patientsMax = demoWhole('outreach.patientsPerSession.max');
  if (patientsMax < patientsMin) throw new NetworkBuildError(`network.demoData.outreach.patientsPerSession: max ${patientsMax} is below min ${patientsMin} on ${start} in ${county}`);
  const leavingShare = demo('villageDoctor.leavingShare');
  const graduateShare = { young: demo('villageDoctor.collegeGraduate.youngShare'), older: demo('villageDoctor.collegeGraduate.olderShare'), youngMaxAge: demo('villageDoctor.collegeGraduate.youngMaxAge') };
  const twoSessionsShare = demo('villageDoctor.training.twoSessionsShare');
  const sessionDaysMin = demoWhole('villageDoctor.training.sessionDays.min');
  const sessionDaysMax = demoWhole('villageDoctor.training.sessionDays.max');
  if (sessionDaysMax < sessionDaysMin || sessionDaysMin < 1) throw new NetworkBuildError(`network.demoData.villageDoctor.training.sessionDays: min ${sessionDaysMin} and max ${sessionDaysMax} on ${start} in ${county} must satisfy 1 ≤ min ≤ max`);
  const furtherStudyShare = demo('villageDoctor.training.furtherStudyShare');
  const remotePerThcMonth = (k: RemoteKind): number => demo(`remote.perTownshipMonth.${k}`);
  const qualificationMix = [demo('villageDoctor.qualification.licensedPhysician'), demo('villageDoctor.qualification.licensedAssistant'), demo('villageDoctor.qualification.certificate')] as const;
  const qualificationCumulative = [qualificationMix[0], qualificationMix[0] + qualificationMix[1], qualificationMix[0] + qualificationMix[1] + qualificationMix[2]] as const;
  const declineShare = demo('referral.declineShare');
  const expireShare = demo('referral.expireShare');
  const rr = rng.stream('referrals');
  const referrals: Referral[] = [];
  const generatedIds: number[] = [];
  for (const g of events) {
    const from = ref(g.from_institution_id);
    const to = ref(g.to_institution_id);
    const sender = doctorOf(rr, from.id);
    const receiver = deskOf(rr, to.id);
    const requestedAt = at(g.referral_date, 8 + rr.next() * 8);
    let r = requestReferral({
      id: `R-${year}-${String(g.id).padStart(7, '0')}`,
      jurisdiction: county,
      personId: String(g.person_id),
      diseaseId: g.disease_id,
      from,
      to,
      direction: g.direction === 'down' ? 'down' : 'up',
      actor: sender,
      at: requestedAt,
      ...(g.source_encounter_id !== null ? { sourceEncounterId: String(g.source_encounter_id) } : {}),
    });
    const u = rr.next();
    const arriveAt = later(at(g.start_date, 9 + rr.next() * 3), addHours(requestedAt, 2 + rr.next() * 2));
    const acceptAt = addHours(requestedAt, Math.min(0.25 + rr.next() * acceptSpreadHours, Math.max(0.25, (Date.parse(arriveAt) - Date.parse(requestedAt)) / 3_600_000 - 0.5)));
    const step = (action: 'accept' | 'decline' | 'arrive' | 'return_record' | 'close', actor: Actor, when: string, extra: { reason?: string; encounterId?: string } = {}): boolean => {
      if (!before(when, stepsUntil)) return false;
      try {
        r = transition(r, action, actor, when, { expectedVersion: r.version, params, ...extra });
        return true;
      } catch (e) {
        // A generated arrival later than the time limit: the referral expires (below) and the stay is not covered.
        if (e instanceof ReferralError && e.code === 'deadline_passed') return false;
        throw e;
      }
    };
    if (u < expireShare) {
      // Left unhandled: expires below when its limit passed by the end of the year.
    } else if (u < expireShare + declineShare) {
      step('decline', receiver, acceptAt, { reason: pick(rr, DECLINE_REASONS) });
    } else if (step('accept', receiver, acceptAt) && step('arrive', receiver, arriveAt, { encounterId: String(g.encounter_id) })) {
      const returnAt = later(at(g.end_date, 14 + rr.next() * 4 + (rr.bool(lateRecordReturnShare) ? 24 * rr.int(lateRecordReturnDays) : 0)), addHours(arriveAt, 1));
      if (step('return_record', receiver, returnAt)) step('close', sender, addHours(returnAt, 2 + rr.next() * closeSpreadHours));
    }
    r = expireDue(r, stepsUntil, params).referral;
    referrals.push(r);
    generatedIds.push(g.id);
  }

  // ---- left-county alerts
  log('left-county-without-referral alerts …');
  const catalogue = await loadCatalogue();
  const list = await loadInCountyDiseases(new Map(catalogue.diseases.map((d) => [d.id, d.name])));
  // The inpatient stays, read once (the encounters have no index on county and type, so each read is a
  // full scan): the year's for the alerts and the outreach series, and the deliveries from
  // pregnancyDays before the year to pregnancyDays after it for the pregnancies (below).
  const pregnancyDays = params.number('network.familyDoctor.priority.pregnancyDays', start, county).value;
  const stays: Array<{ id: number; personId: string; institutionId: string; startDate: IsoDate; diseaseId: string; outOfCounty: boolean }> = [];
  for (const line of (
    await store.copyOut(
      `select id, person_id, institution_id, start_date, disease_id, care_level = 'out_of_county' from encounters
        where county_id = ${quote(county)} and type = 'inpatient' and start_date between '${addDays(start, -pregnancyDays)}' and '${addDays(end, pregnancyDays)}'`,
    )
  ).split('\n')) {
    if (line === '') continue;
    const [id, personId, institutionId, startDate, diseaseId, ooc] = line.split(',') as [string, string, string, IsoDate, string, string];
    stays.push({ id: Number(id), personId, institutionId, startDate, diseaseId, outOfCounty: ooc === 't' });
  }
  const inYear = (x: { startDate: IsoDate }): boolean => x.startDate >= start && x.startDate <= end;
  const admissions: EncounterRef[] = stays
    .filter((e) => e.outOfCounty && inYear(e))
    .sort((a, b) => (a.startDate < b.startDate ? -1 : a.startDate > b.startDate ? 1 : a.id - b.id))
    .map((e) => ({ id: String(e.id), personId: e.personId, institution: ref(e.institutionId), type: 'inpatient', startDate: e.startDate, diseaseId: e.diseaseId }));
  const apiReferrals = await store.query<{ id: string }>(`select id from network_referrals where county_id = $1 and origin = 'api'`, [county]);
  // A stay may be covered by this build's referrals, by last year's (requested in December), or by
  // one requested through the API.
  const stored = await loadStoredReferrals(store, county, year, { exceptGeneratedOfYear: year });
  const alerts = leftCountyWithoutReferral(admissions, [...referrals, ...stored], list, params);

  // ---- family-doctor teams and contracts
  log('family-doctor teams, contracts and services …');
  const townshipCentres = insts.filter((i) => i.kind === 'township_centre' && i.in_county);
  const countyHospital = insts.find((i) => i.kind === 'county_general' && i.in_county) ?? insts.find((i) => networkLevelOfKind(i.kind) === 'county' && i.in_county);
  if (!countyHospital || townshipCentres.length === 0) throw new NetworkBuildError(`${county} has no county hospital or no township health centre stored`);
  const villageClinics = insts.filter((i) => i.kind === 'village_clinic' && i.in_county);
  const tr = rng.stream('teams');
  const specialists = (staffOf.get(countyHospital.id) ?? []).filter((s) => s.role === 'doctor');
  const teams: Array<Team & { nameZh: string; nameEn: string; townshipId: string | null }> = townshipCentres.map((thc) => {
    const members: TeamMember[] = [];
    const own = staffOf.get(thc.id) ?? [];
    const spec = specialists.length ? pick(tr, specialists) : undefined;
    if (spec) members.push({ staffId: spec.id, role: 'specialist', title: titleOf(spec.title), institutionId: countyHospital.id });
    const gp = own.filter((s) => s.role === 'doctor');
    if (gp.length) members.push({ staffId: pick(tr, gp).id, role: 'general_practitioner', title: titleOf(pick(tr, gp).title), institutionId: thc.id });
    const nurses = own.filter((s) => s.role === 'nurse');
    if (nurses.length) members.push({ staffId: pick(tr, nurses).id, role: 'health_manager', title: 'nurse', institutionId: thc.id });
    for (const vc of villageClinics.filter((v) => v.township_id === thc.township_id)) {
      for (const s of (staffOf.get(vc.id) ?? []).filter((x) => x.role === 'village_doctor').slice(0, 1)) members.push({ staffId: s.id, role: 'village_doctor', title: 'none', institutionId: vc.id });
    }
    return { id: `FDT-${year}-${thc.id}`, institutionId: thc.id, members, nameZh: `${thc.name_zh}家庭医生团队`, nameEn: `${thc.name_en} family-doctor team`, townshipId: thc.township_id };
  });
  const teamByTownship = new Map(teams.map((t) => [t.townshipId, t]));
  // Read through COPY: ~10× faster than row objects on PGlite for the county's 300,000 residents.
  const residentsRows: Array<{ id: number; township_id: string; village_id: string; birth_date: string; conditions: string; family_doctor: boolean; entry_date: string | null; exit_date: string | null }> = [];
  for (const line of (
    await store.copyOut(
      `select id, township_id, village_id, birth_date, conditions, family_doctor, entry_date, exit_date from residents
        where county_id = ${quote(county)} and (entry_date is null or entry_date <= '${end}') and (exit_date is null or exit_date >= '${start}') order by id`,
    )
  ).split('\n')) {
    if (line === '') continue;
    const [id, township, village, birth, conditions, fd, entry, exit] = line.split(',') as [string, string, string, string, string, string, string, string];
    residentsRows.push({ id: Number(id), township_id: township, village_id: village, birth_date: birth, conditions, family_doctor: fd === 't', entry_date: entry || null, exit_date: exit || null });
  }
  const residents: Resident[] = residentsRows.map((p) => ({ id: String(p.id), birthDate: p.birth_date, conditions: p.conditions ? p.conditions.split('|') : [], ...(p.entry_date ? { entryDate: p.entry_date } : {}), ...(p.exit_date ? { exitDate: p.exit_date } : {}) }));
  const ages = { elderlyMinAge: params.number('network.familyDoctor.priority.elderlyMinAge', start, county).value, childMaxAge: params.number('network.familyDoctor.priority.childMaxAge', start, county).value };

  // Pregnancies (孕产妇) from the deliveries (分娩) in the data: inpatient encounters of a catalogue
  // disease diagnosed in the ICD-10 delivery block O80–O84. Read from pregnancyDays before the year
  // (so a second delivery within that time counts as the same pregnancy) to pregnancyDays after it
  // (the pregnancies of the year that end in the next one, when the data hold it).
  const deliveryDiseases = deliveryDiseaseIds(catalogue);
  const deliveriesByPerson = new Map<string, IsoDate[]>();
  let deliveriesInYear = 0;
  for (const e of stays) {
    if (!deliveryDiseases.includes(e.diseaseId)) continue;
    if (inYear(e)) deliveriesInYear++;
    const l = deliveriesByPerson.get(e.personId);
    if (l) l.push(e.startDate);
    else deliveriesByPerson.set(e.personId, [e.startDate]);
  }
  for (const p of residents) {
    const d = deliveriesByPerson.get(p.id);
    if (!d) continue;
    const pregnancies = pregnanciesFromDeliveries(d, pregnancyDays).filter((q) => q.start <= end && start <= q.end);
    if (pregnancies.length) p.pregnancies = pregnancies;
  }

  // Last year's contracts (签约续约): a holder whose contract ran to the end of last year and who still
  // qualifies renews it (renewal_of), unless a seeded share lets it lapse; the others sign anew.
  const previousYear = year - 1;
  const [previousBuild] = await store.query<{ n: number }>('select count(*)::int as n from network_builds where county_id = $1 and year = $2', [county, previousYear]);
  const previousBuilt = (previousBuild?.n ?? 0) > 0;
  const previous = new Map<string, Contract>();
  if (previousBuilt) {
    for (const line of (await store.copyOut(`select id, person_id, team_id, start_date, end_date, package_ids from network_contracts where county_id = ${quote(county)} and year = ${previousYear} order by id`)).split('\n')) {
      if (line === '') continue;
      const [id, personId, teamId, cStart, cEnd, packageIds] = line.split(',') as [string, string, string, IsoDate, IsoDate, string];
      previous.set(personId, { id, personId, teamId, start: cStart, end: cEnd, packageIds: packageIds ? packageIds.split('|') : [] });
    }
  }
  const lapseShare = demo('familyDoctor.lapseShare');
  const lr = rng.stream('renewals');
  const due: Contract[] = [];
  let lapsed = 0;

  const contracts: Contract[] = [];
  const cr = rng.stream('contracts');
  const services: ServiceRecord[] = [];
  for (let i = 0; i < residentsRows.length; i++) {
    const p = residentsRows[i]!;
    if (!p.family_doctor) continue;
    const resident = residents[i]!;
    const team = teamByTownship.get(p.township_id) ?? teams[0]!;
    const cStart = p.entry_date && p.entry_date > start ? p.entry_date : start;
    const cEnd = p.exit_date && p.exit_date < end ? p.exit_date : end;
    if (cEnd < cStart) continue;
    const groups = priorityGroupsOf(resident, cStart, ages);
    if (!groups.includes('pregnant') && pregnantDuring(resident, cStart, cEnd)) groups.push('pregnant');
    const packageIds = packageIdsFor(groups);
    const id = `FDC-${year}-${p.id}`;
    const old = previous.get(resident.id);
    let c: Contract;
    if (old && addDays(old.end, 1) === cStart) {
      due.push(old);
      if (lr.bool(lapseShare)) {
        lapsed++;
        continue;
      }
      c = renewContract(old, { id, packageIds, teamId: team.id, end: cEnd });
    } else {
      c = { id, personId: resident.id, teamId: team.id, start: cStart, end: cEnd, packageIds };
    }
    contracts.push(c);
    // Synthetic deliveries: each promised service delivered with the parameter's probability, spread
    // over the term (prenatal visits over the part of the term the woman is pregnant).
    const villageDoctor = team.members.find((m) => m.role === 'village_doctor');
    for (const pid of packageIds) {
      const pkg = packageOf(pid);
      const [from, to] = pkg.for === 'pregnant' ? pregnancyWindow(resident, cStart, cEnd) : [cStart, cEnd];
      const span = daysBetween(from, to) + 1;
      for (const it of pkg.items) {
        for (let k = 0; k < it.perYear; k++) {
          if (!cr.bool(deliveryRate)) continue;
          const date = addDays(from, Math.min(span - 1, Math.floor(((k + cr.next()) / it.perYear) * span)));
          const where = it.service.endsWith('follow_up') && villageDoctor && cr.bool(followUpAtVillageShare) ? villageDoctor.institutionId : team.institutionId;
          services.push({ personId: c.personId, service: it.service, date, institutionId: where, contractId: c.id });
        }
      }
    }
  }
  const renewed = contracts.filter((c) => c.renewalOf !== undefined).length;
  const qualifying = new Set(due.map((c) => c.personId));
  const renewal = {
    ...(previousBuilt
      ? renewalRate([...due, ...contracts], { start: `${previousYear}-01-01`, end: `${previousYear}-12-31` })
      : share(0, 0, `year ${previousYear} of ${county} is not built, so no contract is due for renewal: build it (sanyi network build --year ${previousYear}), then this year again`)),
    previousYear,
    previousBuilt,
    renewed,
    new: contracts.length - renewed,
    lapsed,
    /** Last year's contracts not due for renewal: ended before the end of last year, or their holders are not contracted residents this year (left the county, died). */
    ended: [...previous.values()].filter((c) => !qualifying.has(c.personId)).length,
    lapseShare,
  };
  const dataThrough = `${ds.start_year + ds.years - 1}-12-31`;
  const maternal = {
    pregnancyDays,
    deliveryDiseases,
    deliveries: deliveriesInYear,
    pregnantResidents: residents.filter((p) => p.pregnancies?.length).length,
    contractsWithMaternalPackage: contracts.filter((c) => c.packageIds.includes('maternal')).length,
    dataThrough,
    note:
      deliveryDiseases.length === 0
        ? 'the catalogue has no delivery disease (ICD-10 O80–O84): no pregnancy is known, no one is in the pregnant group'
        : [
            `a pregnancy is the ${pregnancyDays} days before a delivery (an inpatient stay of ${deliveryDiseases.join(', ')})`,
            ...(deliveriesByPerson.size === 0 ? [`the data hold no delivery from ${start} to ${addDays(end, pregnancyDays)}, so no one is in the pregnant group`] : []),
            ...(addDays(end, pregnancyDays) > dataThrough ? [`the data end on ${dataThrough}: women pregnant in ${year} who deliver after that are not known`] : []),
          ].join('; '),
  };

  // ---- remote requests and outreach (synthetic)
  log('remote requests, outreach sessions and the village workforce …');
  const remoteRng = rng.stream('remote');
  const province = insts.find((i) => i.kind === 'out_of_county_province') ?? insts.find((i) => !i.in_county);
  const city = insts.find((i) => i.kind === 'out_of_county_city') ?? province;
  const remote: RemoteRequest[] = [];
  const addRemote = (kind: RemoteKind, from: string, to: string, perMonth: number, turnaround: { min: number; spread: number }) => {
    for (let m = 0; m < 12; m++) {
      const n = Math.max(0, Math.round(perMonth * (1 - remoteVariation + remoteRng.next() * (2 * remoteVariation))));
      for (let k = 0; k < n; k++) {
        const day = addDays(`${year}-${String(m + 1).padStart(2, '0')}-01`, remoteRng.int(28));
        const requestedAt = at(day, 8 + remoteRng.next() * 9);
        // Turnaround = min + spread × u²: most quick, a few near or past the limit.
        const h = turnaround.min + remoteRng.next() * remoteRng.next() * turnaround.spread;
        const reportedAt = addHours(requestedAt, h);
        remote.push({ id: `RR-${year}-${String(remote.length + 1).padStart(6, '0')}`, kind, from: ref(from), to: ref(to), requestedAt, ...(before(reportedAt, asOf) ? { reportedAt } : {}) });
      }
    }
  };
  for (const thc of townshipCentres) {
    for (const kind of ['remote_ecg', 'remote_imaging', 'teleconsultation'] as const) addRemote(kind, thc.id, countyHospital.id, remotePerThcMonth(kind), turnaroundOf(kind));
  }
  if (province) addRemote('teleconsultation', countyHospital.id, province.id, demo('remote.countyToProvinceMonth'), turnaroundOf('countyToProvince'));
  const schedules: OutreachSchedule[] = [];
  if (province) schedules.push({ id: `OS-${year}-STUDIO-CARDIO`, kind: 'famous_doctor_studio', specialistId: `${province.id}-CARDIO-1`, homeInstitutionId: province.id, hostInstitutionId: countyHospital.id, specialty: 'cardiology', weekdays: [2], from: `${year}-03-01`, to: end });
  if (city) schedules.push({ id: `OS-${year}-VISIT-ORTHO`, kind: 'visiting_specialist', specialistId: `${city.id}-ORTHO-1`, homeInstitutionId: city.id, hostInstitutionId: countyHospital.id, specialty: 'orthopaedics', weekdays: [4], everyWeeks: 2, from: start, to: end });
  const sessions: Array<OutreachSession & { specialistId: string; homeInstitutionId: string }> = [];
  for (const s of schedules) for (const x of scheduledSessions(s, { start, end })) if (remoteRng.bool(outreachHeldShare)) sessions.push({ ...x, patients: patientsMin + remoteRng.int(patientsMax - patientsMin + 1), specialistId: s.specialistId, homeInstitutionId: s.homeInstitutionId });

  // ---- village doctors (from the village-doctor staff) and training
  const wr = rng.stream('workforce');
  const villageRows = await store.query<{ id: string; township_id: string }>(
    `select v.id, v.parent_id as township_id from jurisdictions v join jurisdictions t on t.id = v.parent_id where v.level = 'village' and t.parent_id = $1 order by v.id`,
    [county],
  );
  const villages: Village[] = villageRows.map((v) => ({ id: v.id, townshipId: v.township_id }));
  // Clinics and villages pair up in id order within a township (one clinic per village in the generated county).
  const clinicVillage = new Map<string, string>();
  for (const tId of new Set(villages.map((v) => v.townshipId))) {
    const vs = villages.filter((v) => v.townshipId === tId);
    const cs = villageClinics.filter((c) => c.township_id === tId);
    cs.forEach((c, i) => {
      const v = vs[i];
      if (v) clinicVillage.set(c.id, v.id);
    });
  }
  const doctors: Array<VillageDoctor & { townshipId: string }> = [];
  for (const c of villageClinics) {
    const villageId = clinicVillage.get(c.id);
    if (!villageId) continue;
    for (const s of (staffOf.get(c.id) ?? []).filter((x) => x.role === 'village_doctor')) {
      const u = wr.next();
      const qualification: Qualification = u < qualificationCumulative[0] ? 'licensed_physician' : u < qualificationCumulative[1] ? 'licensed_assistant_physician' : u < qualificationCumulative[2] ? 'village_doctor_certificate' : 'none';
      const leaves = wr.bool(leavingShare) ? addDays(start, 30 + wr.int(300)) : undefined;
      doctors.push({
        // The year in the id: the table's key is the id alone, and each built year has its own rows.
        id: `VD-${year}-${s.id}`,
        villageId,
        townshipId: c.township_id ?? '',
        clinicId: c.id,
        birthDate: `${s.birth_year}-${String(1 + wr.int(12)).padStart(2, '0')}-${String(1 + wr.int(28)).padStart(2, '0')}`,
        sex: s.sex === 'F' ? 'F' : 'M',
        qualification,
        collegeGraduate: wr.bool(s.birth_year >= year - graduateShare.youngMaxAge ? graduateShare.young : graduateShare.older),
        ...(leaves ? { end: leaves } : {}),
      });
    }
  }
  const training: TrainingRecord[] = [];
  for (const d of doctors) {
    let day = addDays(start, 20 + wr.int(60));
    const sessionsN = wr.bool(twoSessionsShare) ? 2 : wr.int(2);
    for (let k = 0; k < sessionsN; k++) {
      const days = sessionDaysMin + wr.int(sessionDaysMax - sessionDaysMin + 1);
      const tEnd = addDays(day, days - 1);
      if (tEnd > end) break;
      training.push({ doctorId: d.id, kind: k === 0 ? 'rotation' : wr.bool(1 - furtherStudyShare) ? 'rotation' : 'further_study', institutionId: k === 0 ? (townshipCentres.find((t) => t.township_id === d.townshipId)?.id ?? countyHospital.id) : countyHospital.id, start: day, end: tEnd });
      day = addDays(tEnd, 90 + wr.int(90));
    }
  }

  // ---- measures
  log('measures …');
  const period = { start, end };
  const cov = coverage(residents, contracts, end, params, county, { period });
  const fulfil = packageFulfilment(contracts, services, period);
  const payments = teamPayments(contracts, period, params, county);
  const fee = contractFee(start, params, county);
  const remoteTurnaround = turnaround(remote, period, params, county, asOf);
  const series = outreachSeries(
    sessions,
    stays.filter(inYear).map((e) => ({ id: String(e.id), personId: e.personId, institution: ref(e.institutionId), type: 'inpatient' as const, startDate: e.startDate, diseaseId: e.diseaseId })),
    `${year}-01`,
    `${year}-12`,
  );
  const doctorsPlain: VillageDoctor[] = doctors.map(({ townshipId: _t, ...d }) => d);
  const vac = vacancy(villages, doctorsPlain, end);
  const ageing = ageingPicture(doctorsPlain, end, params, county);
  const roll = subsidyRoll(doctorsPlain, `${year}-12`, params, county);
  const trained = trainingCompletion(doctorsPlain, training, year, params, county);

  // ---- write
  log('writing: removing the year’s earlier rows …');
  const summaryBase = {
    jurisdiction: county,
    year,
    seed,
    paramVersion: params.version,
    asOf,
    referrals: { total: referrals.length, byState: countBy(referrals.map((r) => r.state)) },
    alerts: alerts.length,
    teams: teams.length,
    contracts: contracts.length,
    services: services.length,
    remoteRequests: remote.length,
    outreachSessions: sessions.length,
    villageDoctors: doctors.length,
    trainingRecords: training.length,
  };
  await store.transaction(async (tx) => {
    await tx.query(`delete from network_referrals where county_id = $1 and origin = 'generated' and year = $2`, [county, year]);
    for (const t of ['network_alerts', 'network_contracts', 'network_services', 'network_remote_requests', 'network_outreach_sessions', 'network_teams', 'network_village_doctors', 'network_builds']) {
      await tx.query(`delete from ${t} where county_id = $1 and year = $2`, [county, year]);
    }
    log('writing referrals …');
    const refRows: unknown[][] = [];
    const evRows: unknown[][] = [];
    referrals.forEach((r, i) => {
      const rows = referralRows(r, params, 'generated', year, generatedIds[i]!);
      refRows.push(rows.referral);
      evRows.push(...rows.events);
    });
    await tx.copyInto('network_referrals', REFERRAL_INSERT_COLUMNS, refRows);
    await tx.copyInto('network_referral_events', EVENT_INSERT_COLUMNS, evRows);
    await tx.copyInto(
      'network_alerts',
      ['county_id', 'year', 'encounter_id', 'person_id', 'disease_id', 'institution_id', 'date', 'message_zh', 'message_en'],
      alerts.map((a) => [county, year, a.encounterId, a.personId, a.diseaseId, a.institutionId, a.date, a.message.zh, a.message.en]),
    );
    log('writing teams, contracts and services …');
    await tx.copyInto('network_teams', ['id', 'county_id', 'year', 'institution_id', 'name_zh', 'name_en'], teams.map((t) => [t.id, county, year, t.institutionId, t.nameZh, t.nameEn]));
    await tx.copyInto('network_team_members', ['team_id', 'staff_id', 'role', 'title', 'institution_id'], uniqueMembers(teams).map(([t, m]) => [t, m.staffId, m.role, m.title, m.institutionId]));
    await tx.copyInto('network_contracts', ['id', 'county_id', 'year', 'person_id', 'team_id', 'start_date', 'end_date', 'package_ids', 'renewal_of'], contracts.map((c) => [c.id, county, year, c.personId, c.teamId, c.start, c.end, c.packageIds.join('|'), c.renewalOf ?? null]));
    await tx.copyInto('network_services', ['county_id', 'year', 'person_id', 'service', 'date', 'institution_id', 'contract_id'], services.map((s) => [county, year, s.personId, s.service, s.date, s.institutionId ?? null, s.contractId ?? null]));
    log('writing remote requests, sessions and the workforce …');
    await tx.copyInto('network_remote_requests', ['id', 'county_id', 'year', 'kind', 'from_institution_id', 'to_institution_id', 'person_id', 'requested_at', 'reported_at'], remote.map((r) => [r.id, county, year, r.kind, r.from.id, r.to.id, r.personId ?? null, r.requestedAt, r.reportedAt ?? null]));
    await tx.copyInto(
      'network_outreach_sessions',
      ['county_id', 'year', 'schedule_id', 'kind', 'specialty', 'specialist_id', 'home_institution_id', 'host_institution_id', 'date', 'patients'],
      sessions.map((s) => [county, year, s.scheduleId, s.kind, s.specialty, s.specialistId, s.homeInstitutionId, s.hostInstitutionId, s.date, s.patients ?? null]),
    );
    await tx.copyInto(
      'network_village_doctors',
      ['id', 'county_id', 'year', 'village_id', 'township_id', 'clinic_id', 'birth_date', 'sex', 'qualification', 'college_graduate', 'start_date', 'end_date'],
      doctors.map((d) => [d.id, county, year, d.villageId, d.townshipId, d.clinicId, d.birthDate, d.sex ?? null, d.qualification, d.collegeGraduate, d.start ?? null, d.end ?? null]),
    );
    await tx.copyInto('network_training_records', ['doctor_id', 'kind', 'institution_id', 'start_date', 'end_date'], training.map((r) => [r.doctorId, r.kind, r.institutionId, r.start, r.end]));
  });
  // A built next year renews this year's contracts: say when this build no longer has some it names.
  const [nextYear] = await store.query<{ built: number; missing: number }>(
    `select (select count(*)::int from network_builds where county_id = $1 and year = $3) as built,
            (select count(*)::int from network_contracts n where n.county_id = $1 and n.year = $3 and n.renewal_of is not null
               and not exists (select 1 from network_contracts c where c.id = n.renewal_of and c.county_id = $1 and c.year = $2)) as missing`,
    [county, year, year + 1],
  );
  const nextYearRenewalsMissing = nextYear && nextYear.built > 0 ? nextYear.missing : null;
  if (nextYearRenewalsMissing) log(`${year + 1} is built on an earlier build of ${year}: ${nextYearRenewalsMissing} of its renewals name a ${year} contract this build does not have; build ${year + 1} again`);
  // Own-team visit share: contracted residents' outpatient visits in their term, at their team's institutions.
  log('own-team visit share …');
  await store.exec('analyze network_contracts');
  const visits = await store.query<{ team_id: string; institution_id: string; n: number }>(
    `select c.team_id, e.institution_id, count(*)::int as n
       from network_contracts c
       join encounters e on e.county_id = c.county_id and e.person_id = c.person_id::bigint and e.type = 'outpatient' and e.start_date between c.start_date and c.end_date
      where c.county_id = $1 and c.year = $2
      group by 1, 2`,
    [county, year],
  );
  const teamInsts = new Map(teams.map((t) => [t.id, new Set([t.institutionId, ...t.members.map((m) => m.institutionId)])]));
  const own = [{ n: visits.filter((v) => teamInsts.get(v.team_id)?.has(v.institution_id)).reduce((a, v) => a + v.n, 0), d: visits.reduce((a, v) => a + v.n, 0) }];
  log('summary …');
  const ownShare = share(own[0]?.n ?? 0, own[0]?.d ?? 0, 'no outpatient visit of a contracted resident');
  const teamRows = teams.map((t) => {
    const p = payments.teams.find((x) => x.teamId === t.id);
    return { id: t.id, nameZh: t.nameZh, nameEn: t.nameEn, institutionId: t.institutionId, members: t.members, gaps: teamGaps(t), contracts: p?.contracts ?? 0, paymentFen: p?.paymentFen ?? 0, perCapitaFen: p?.perCapitaFen ?? null };
  });
  const measures = {
    familyDoctors: {
      asOf: end,
      residents: residents.length,
      coverage: { overall: cov.overall, anyPriority: cov.anyPriority, byGroup: cov.byGroup, trace: cov.trace },
      fulfilment: { overall: fulfil.overall, byService: fulfil.byService, delivered: fulfil.delivered },
      ownTeamVisitShare: ownShare,
      renewal,
      maternal,
      payments: { totalFen: payments.totalFen, trace: payments.trace },
      fee,
      teams: teamRows,
    },
    remote: {
      asOf,
      turnaround: remoteTurnaround,
      series: series.series,
      note: series.note,
      sessions: { total: sessions.length, byKind: countBy(sessions.map((s) => s.kind)), schedules },
    },
    workforce: {
      asOf: end,
      doctors: doctors.filter((d) => !d.end || d.end >= end).length,
      vacancy: { villages: villages.length, withoutDoctor: vac.villagesWithoutDoctor.length, share: vac.share, byTownship: vac.byTownship, villagesWithoutDoctor: vac.villagesWithoutDoctor },
      ageing,
      subsidy: { month: `${year}-12`, totalFen: roll.totalFen, doctors: roll.rows.length, rows: roll.rows.slice(0, 200), trace: roll.trace },
      training: { completion: trained.met, trace: trained.trace },
    },
    apiReferralsKept: apiReferrals.length,
  };
  const summary: NetworkBuildSummary = { ...summaryBase, contractRenewal: { previousYear, previousBuilt, renewed: renewal.renewed, new: renewal.new, lapsed: renewal.lapsed, nextYearRenewalsMissing }, seconds: (performance.now() - t0) / 1000 };
  await store.query('insert into network_builds (county_id, year, seed, param_version, summary) values ($1, $2, $3, $4, $5::jsonb)', [county, year, seed, params.version, JSON.stringify({ ...summary, measures })]);
  log(`built in ${summary.seconds.toFixed(1)} s`);
  return summary;
}


const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** The catalogue's delivery diseases (分娩): those with an inpatient diagnosis in the ICD-10 delivery block O80–O84. */
function deliveryDiseaseIds(catalogue: Catalogue): string[] {
  return catalogue.diseases.filter((d) => d.inpatient?.dx.some((code) => /^O8[0-4]/.test(code))).map((d) => d.id);
}

/** The days of the term `from`–`to` on which the resident is pregnant: from the first such day to the last. */
function pregnancyWindow(p: Resident, from: IsoDate, to: IsoDate): [IsoDate, IsoDate] {
  const qs = (p.pregnancies ?? []).filter((q) => q.start <= to && from <= q.end);
  if (qs.length === 0) return [from, to];
  const first = qs.reduce((m, q) => (q.start < m ? q.start : m), qs[0]!.start);
  const last = qs.reduce((m, q) => (q.end > m ? q.end : m), qs[0]!.end);
  return [first > from ? first : from, last < to ? last : to];
}

function titleOf(t: string): TeamMember['title'] {
  return (['chief_physician', 'associate_chief_physician', 'attending_physician', 'resident_physician', 'senior_nurse', 'nurse'] as const).find((x) => x === t) ?? 'none';
}

function countBy(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

function uniqueMembers(teams: readonly Team[]): Array<[string, TeamMember]> {
  const seen = new Set<string>();
  const out: Array<[string, TeamMember]> = [];
  for (const t of teams) {
    for (const m of t.members) {
      const k = `${t.id}\0${m.staffId}\0${m.role}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push([t.id, m]);
    }
  }
  return out;
}

/** The stored build of a county-year (summary with its measures), or null. */
export async function readNetworkBuild(store: Store, county: string, year: number): Promise<(NetworkBuildSummary & { measures: Record<string, unknown> }) | null> {
  const [row] = await store.query<{ summary: NetworkBuildSummary & { measures: Record<string, unknown> } }>('select summary from network_builds where county_id = $1 and year = $2', [county, year]);
  return row?.summary ?? null;
}

export type { Share, RemoteKind };
export { REMOTE_KINDS, QUALIFICATIONS };
