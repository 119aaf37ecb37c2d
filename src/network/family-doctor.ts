/**
 * Family-doctor contracts (家庭医生签约服务): teams that co-manage a panel of residents (三师共管: a
 * county specialist 专科医生, a township general practitioner 全科医生, a village doctor 乡村医生 or a
 * health manager 健康管理师), contracts with residents for a package of services, priority groups
 * (重点人群), services delivered against the package, renewal (续约), and the measures:
 *
 *   coverage(group)        = residents of the group with a contract in force on the date / residents of the group present
 *                            (with a period, the pregnant group 孕产妇 is measured over it: women pregnant at some time
 *                            in the period while resident / those of them with a contract in force on a day of that time)
 *   pregnancy              = [delivery date − pregnancyDays, delivery date]; a woman's deliveries less than pregnancyDays
 *                            apart are one pregnancy (a transfer or readmission), ending at the first
 *   renewal rate           = contracts due in the period renewed by a later contract (renewalOf) / contracts due
 *   fulfilment             = Σ min(delivered, promised) / Σ promised over the contracts whose term ended in the period
 *                            (promised = per-year quantity × contract years, years = max(1, round(term days / 365)))
 *   own-team visit share   = visits of contracted residents at their own team's institutions / all their visits
 *                            (team institutions: the contracting institution and those of its primary-care members,
 *                            not the county specialist's hospital)
 *   fee split              = fee × insuranceShare and fee × personalShare, each half-up to the fen; the public-health
 *                            part is the rest, so the three parts sum to the fee exactly
 *   team payment           = Σ over contracts of fee × teamShare × (days of the term inside the period / term days),
 *                            exact and rounded half-up once per contract; fee and share in force at the contract's start
 *
 * Parameters: `network.familyDoctor.fee.{annualFen, insuranceShare, personalShare}`,
 * `network.familyDoctor.teamShare`, `network.familyDoctor.priority.{elderlyMinAge, childMaxAge, pregnancyDays}`.
 * Package contents are data in code (`SERVICE_PACKAGES`), each item with its basis.
 */
import { divRound, mulDiv, mulRate, ratioOf, type Fen } from '../rules/money.js';
import type { Bilingual, ParamTree, Reference, Resolved } from '../rules/params.js';
import { addDays, daysBetween, parseDate, type IsoDate } from '../rules/period.js';
import { TraceBuilder, type Trace } from '../rules/trace.js';
import { ageOn, NetworkInputError, share, type Share } from './common.js';

// ---------------------------------------------------------------------------------------------
// Teams

export const TEAM_ROLES = ['specialist', 'general_practitioner', 'village_doctor', 'health_manager', 'nurse'] as const;
/** specialist 县级专科医生, general_practitioner 全科医生, village_doctor 乡村医生, health_manager 健康管理师, nurse 护士. */
export type TeamRole = (typeof TEAM_ROLES)[number];

/** Professional titles (职称), as in the generated staff (src/simulation/county.ts). */
export const TITLES = ['chief_physician', 'associate_chief_physician', 'attending_physician', 'resident_physician', 'senior_nurse', 'nurse', 'none'] as const;
export type Title = (typeof TITLES)[number];

export interface TeamMember {
  staffId: string;
  role: TeamRole;
  title: Title;
  institutionId: string;
}

export interface Team {
  id: string;
  /** The contracting institution (签约机构), usually the township health centre. */
  institutionId: string;
  members: TeamMember[];
}

/** What a team lacks for "three doctors co-managing" (三师共管); empty when complete. */
export function teamGaps(team: Team): string[] {
  const has = (...roles: TeamRole[]) => team.members.some((m) => roles.includes(m.role));
  const out: string[] = [];
  if (!has('specialist')) out.push(`team ${team.id}: no county specialist (专科医生)`);
  if (!has('general_practitioner')) out.push(`team ${team.id}: no general practitioner (全科医生)`);
  if (!has('village_doctor', 'health_manager')) out.push(`team ${team.id}: no village doctor or health manager (乡村医生/健康管理师)`);
  return out;
}

/** The team's own institutions: the contracting institution and those of its primary-care members. */
export function teamInstitutions(team: Team): Set<string> {
  const s = new Set([team.institutionId]);
  for (const m of team.members) if (m.role !== 'specialist') s.add(m.institutionId);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Services and packages (data)

export const SERVICES = ['health_assessment', 'health_check', 'hypertension_follow_up', 'diabetes_follow_up', 'child_health_check', 'prenatal_visit'] as const;
/** health_assessment 健康评估, health_check 年度健康体检, hypertension/diabetes_follow_up 高血压/糖尿病随访, child_health_check 儿童健康检查, prenatal_visit 产前随访. */
export type ServiceKind = (typeof SERVICES)[number];

export const PRIORITY_GROUPS = ['elderly', 'hypertension', 'diabetes', 'children', 'pregnant'] as const;
/** 老年人 (≥ elderlyMinAge), 高血压, 糖尿病, 0–6 岁儿童 (≤ childMaxAge), 孕产妇. */
export type PriorityGroup = (typeof PRIORITY_GROUPS)[number];

export interface ServicePackage {
  id: string;
  label: Bilingual;
  /** Who it is for: everyone contracted, or one priority group. */
  for: 'all' | PriorityGroup;
  items: Array<{ service: ServiceKind; perYear: number }>;
  reference: Reference;
}

const BPHS = 'national basic public-health service specification, 3rd edition (国家基本公共卫生服务规范（第三版）, 2017; identification best-effort)';

/** The service packages (服务包) a contract may hold. */
export const SERVICE_PACKAGES: readonly ServicePackage[] = Object.freeze([
  { id: 'basic', label: { zh: '基础服务包', en: 'Basic package' }, for: 'all', items: [{ service: 'health_assessment', perYear: 1 }], reference: { basis: 'default', reason: 'one health assessment a year for every contracted resident; a common basic package' } },
  { id: 'elderly', label: { zh: '老年人服务包', en: 'Elderly package' }, for: 'elderly', items: [{ service: 'health_check', perYear: 1 }], reference: { basis: 'default', reason: `${BPHS}: one health check a year for residents aged 65 and over` } },
  {
    id: 'hypertension',
    label: { zh: '高血压服务包', en: 'Hypertension package' },
    for: 'hypertension',
    items: [
      { service: 'hypertension_follow_up', perYear: 4 },
      { service: 'health_check', perYear: 1 },
    ],
    reference: { basis: 'default', reason: `${BPHS}: at least four face-to-face follow-ups and one health check a year` },
  },
  {
    id: 'diabetes',
    label: { zh: '糖尿病服务包', en: 'Diabetes package' },
    for: 'diabetes',
    items: [
      { service: 'diabetes_follow_up', perYear: 4 },
      { service: 'health_check', perYear: 1 },
    ],
    reference: { basis: 'default', reason: `${BPHS}: at least four face-to-face follow-ups and one health check a year` },
  },
  { id: 'child', label: { zh: '0–6 岁儿童服务包', en: 'Children 0–6 package' }, for: 'children', items: [{ service: 'child_health_check', perYear: 2 }], reference: { basis: 'default', reason: `${BPHS}: checks at set ages, about two a year between one and three years; two a year assumed` } },
  { id: 'maternal', label: { zh: '孕产妇服务包', en: 'Maternal package' }, for: 'pregnant', items: [{ service: 'prenatal_visit', perYear: 5 }], reference: { basis: 'default', reason: `${BPHS}: five prenatal visits in a pregnancy` } },
] satisfies ServicePackage[]);

const PACKAGE_BY_ID = new Map(SERVICE_PACKAGES.map((p) => [p.id, p]));

export function packageOf(id: string): ServicePackage {
  const p = PACKAGE_BY_ID.get(id);
  if (!p) throw new NetworkInputError(`unknown service package ${JSON.stringify(id)} (known: ${SERVICE_PACKAGES.map((x) => x.id).join(', ')})`);
  return p;
}

// ---------------------------------------------------------------------------------------------
// Residents, contracts

export interface Resident {
  id: string;
  birthDate: IsoDate;
  /** Chronic conditions (e.g. hypertension, diabetes), as in the generated persons. */
  conditions?: readonly string[];
  /** Pregnancies (start and end dates, inclusive). */
  pregnancies?: ReadonlyArray<{ start: IsoDate; end: IsoDate }>;
  /** In the county population from / until (inclusive); absent: always. */
  entryDate?: IsoDate;
  exitDate?: IsoDate;
}

export interface Contract {
  id: string;
  personId: string;
  teamId: string;
  start: IsoDate;
  /** Inclusive. */
  end: IsoDate;
  packageIds: string[];
  /** The contract this one renews (续约). */
  renewalOf?: string;
}

export const inForce = (c: Contract, date: IsoDate): boolean => c.start <= date && date <= c.end;
const present = (p: Resident, date: IsoDate): boolean => (!p.entryDate || p.entryDate <= date) && (!p.exitDate || date <= p.exitDate);
const termDays = (c: Contract): number => daysBetween(c.start, c.end) + 1;

/** Checks a contract: dates in order, known packages. */
export function contractProblems(c: Contract): string[] {
  const out: string[] = [];
  try {
    parseDate(c.start);
    parseDate(c.end);
    if (c.end < c.start) out.push(`contract ${c.id}: ends ${c.end} before it starts ${c.start}`);
  } catch (e) {
    out.push(`contract ${c.id}: ${(e as Error).message}`);
  }
  for (const id of c.packageIds) if (!PACKAGE_BY_ID.has(id)) out.push(`contract ${c.id}: unknown package ${id}`);
  return out;
}

/** The priority groups a resident belongs to on `date` (ages in completed years, 周岁). */
export function priorityGroupsOf(p: Resident, date: IsoDate, ages: { elderlyMinAge: number; childMaxAge: number }): PriorityGroup[] {
  const age = ageOn(p.birthDate, date);
  const out: PriorityGroup[] = [];
  if (age >= ages.elderlyMinAge) out.push('elderly');
  if (p.conditions?.includes('hypertension')) out.push('hypertension');
  if (p.conditions?.includes('diabetes')) out.push('diabetes');
  if (age >= 0 && age <= ages.childMaxAge) out.push('children');
  if (p.pregnancies?.some((q) => q.start <= date && date <= q.end)) out.push('pregnant');
  return out;
}

/** The packages for a resident's priority groups: the basic package plus the package of each group (`SERVICE_PACKAGES` order). */
export function packageIdsFor(groups: readonly PriorityGroup[]): string[] {
  return SERVICE_PACKAGES.filter((p) => p.for === 'all' || groups.includes(p.for)).map((p) => p.id);
}

/** True when one of the resident's pregnancies overlaps the days `from`–`to` (inclusive). */
export function pregnantDuring(p: Resident, from: IsoDate, to: IsoDate): boolean {
  return p.pregnancies?.some((q) => q.start <= to && from <= q.end) ?? false;
}

/**
 * A woman's pregnancies from her delivery dates (分娩): each ends on the delivery and starts
 * `pregnancyDays` before it (full term, 足月; a preterm birth is not told apart). A delivery less than
 * `pregnancyDays` after the last one kept is the same pregnancy (a transfer between hospitals or a
 * readmission) and adds none.
 */
export function pregnanciesFromDeliveries(deliveries: readonly IsoDate[], pregnancyDays: number): Array<{ start: IsoDate; end: IsoDate }> {
  if (!Number.isInteger(pregnancyDays) || pregnancyDays < 1) throw new NetworkInputError(`pregnancy length must be a whole number of days ≥ 1, not ${pregnancyDays}`);
  const out: Array<{ start: IsoDate; end: IsoDate }> = [];
  for (const d of [...deliveries].sort()) {
    parseDate(d);
    const last = out[out.length - 1];
    if (last && daysBetween(last.end, d) < pregnancyDays) continue;
    out.push({ start: addDays(d, -pregnancyDays), end: d });
  }
  return out;
}

function priorityAges(params: ParamTree, date: IsoDate, jurisdiction: string, t: TraceBuilder) {
  return {
    elderlyMinAge: t.param(params.number('network.familyDoctor.priority.elderlyMinAge', date, jurisdiction)),
    childMaxAge: t.param(params.number('network.familyDoctor.priority.childMaxAge', date, jurisdiction)),
  };
}

/**
 * The renewal of a contract (续约): starts the day after it ends, with the same team and packages
 * unless given, and the same length (whole years kept as years) unless `end` is given — e.g. a
 * calendar-year contract renewed for the next year, or cut at the day the resident leaves.
 */
export function renewContract(c: Contract, next: { id: string; packageIds?: string[]; teamId?: string; end?: IsoDate }): Contract {
  const start = addDays(c.end, 1);
  let end: IsoDate;
  if (next.end !== undefined) {
    parseDate(next.end);
    if (next.end < start) throw new NetworkInputError(`renewal ${next.id} of contract ${c.id}: ends ${next.end} before it starts ${start}`);
    end = next.end;
  } else {
    const years = wholeYears(c.start, c.end);
    end = years !== null ? addDays(addYears(start, years), -1) : addDays(start, termDays(c) - 1);
  }
  return { id: next.id, personId: c.personId, teamId: next.teamId ?? c.teamId, start, end, packageIds: next.packageIds ?? [...c.packageIds], renewalOf: c.id };
}

function addYears(date: IsoDate, n: number): IsoDate {
  const y = Number(date.slice(0, 4)) + n;
  const md = date.slice(5);
  return md === '02-29' && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? `${y}-03-01` : `${String(y).padStart(4, '0')}-${md}`;
}

function wholeYears(start: IsoDate, end: IsoDate): number | null {
  for (let n = 1; n <= 10; n++) if (addDays(addYears(start, n), -1) === end) return n;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Measures

export interface CoverageResult {
  date: IsoDate;
  overall: Share;
  /** Residents in at least one priority group. */
  anyPriority: Share;
  byGroup: Record<PriorityGroup, Share>;
  trace: Trace;
}

/**
 * Contract coverage (签约覆盖率) on a date, overall and per priority group, among residents present.
 * With `opts.period`, the pregnant group (孕产妇) is measured over the period instead of on the date,
 * since a pregnancy is a passing state: women pregnant at some time in the period while resident,
 * contracted when a contract of theirs is in force on a day of that time.
 */
export function coverage(residents: readonly Resident[], contracts: readonly Contract[], date: IsoDate, params: ParamTree, jurisdiction: string, opts: { period?: { start: IsoDate; end: IsoDate } } = {}): CoverageResult {
  parseDate(date);
  const period = opts.period;
  const t = new TraceBuilder('network.familyDoctor.coverage', { date, jurisdiction, residents: residents.length, contracts: contracts.length, ...(period ? { pregnantOver: `${period.start}..${period.end}` } : {}) }, { zh: '家庭医生签约覆盖率', en: 'Family-doctor contract coverage' });
  const ages = priorityAges(params, date, jurisdiction, t);
  const contracted = new Set(contracts.filter((c) => inForce(c, date)).map((c) => c.personId));
  const contractsOf = new Map<string, Contract[]>();
  if (period) {
    for (const c of contracts) {
      const l = contractsOf.get(c.personId);
      if (l) l.push(c);
      else contractsOf.set(c.personId, [c]);
    }
  }
  const counts = Object.fromEntries(PRIORITY_GROUPS.map((g) => [g, { n: 0, d: 0 }])) as Record<PriorityGroup, { n: number; d: number }>;
  let n = 0;
  let d = 0;
  let pn = 0;
  let pd = 0;
  for (const p of residents) {
    if (period && p.pregnancies?.length) {
      // Pregnant in the period while resident: the spans of pregnancy ∩ period ∩ presence.
      const from = p.entryDate && p.entryDate > period.start ? p.entryDate : period.start;
      const to = p.exitDate && p.exitDate < period.end ? p.exitDate : period.end;
      const spans = p.pregnancies.map((q) => ({ from: q.start > from ? q.start : from, to: q.end < to ? q.end : to })).filter((x) => x.from <= x.to);
      if (spans.length) {
        counts.pregnant.d++;
        if ((contractsOf.get(p.id) ?? []).some((c) => spans.some((x) => c.start <= x.to && x.from <= c.end))) counts.pregnant.n++;
      }
    }
    if (!present(p, date)) continue;
    const has = contracted.has(p.id) ? 1 : 0;
    d++;
    n += has;
    const groups = priorityGroupsOf(p, date, ages);
    if (groups.length) {
      pd++;
      pn += has;
    }
    for (const g of groups) {
      if (period && g === 'pregnant') continue;
      counts[g].d++;
      counts[g].n += has;
    }
  }
  const byGroup = Object.fromEntries(PRIORITY_GROUPS.map((g) => [g, share(counts[g].n, counts[g].d, `no resident in group ${g}`)])) as Record<PriorityGroup, Share>;
  t.step('contracted', n, { unit: 'count' });
  t.step('residents', d, { unit: 'count' });
  for (const g of PRIORITY_GROUPS) t.step(`${g}`, byGroup[g].value, { unit: 'ratio', formula: period && g === 'pregnant' ? `${counts[g].n} / ${counts[g].d}: pregnant at some time in ${period.start}..${period.end}, contracted while pregnant` : `${counts[g].n} / ${counts[g].d}` });
  const result = { date, overall: share(n, d, 'no resident present'), anyPriority: share(pn, pd, 'no resident in a priority group'), byGroup };
  return { ...result, trace: t.done({ overall: result.overall.value, anyPriority: result.anyPriority.value }) };
}

export interface FeeSplit {
  totalFen: Fen;
  insuranceFen: Fen;
  personalFen: Fen;
  /** Basic public-health funds: the rest. */
  publicHealthFen: Fen;
  trace: Trace;
}

/** The contract fee in force on `date` and its split between the insurance fund, the resident and public-health funds. */
export function contractFee(date: IsoDate, params: ParamTree, jurisdiction: string): FeeSplit {
  const t = new TraceBuilder('network.familyDoctor.fee', { date, jurisdiction }, { zh: '签约服务费分担', en: 'Contract fee split' });
  const feeR = params.fen('network.familyDoctor.fee.annualFen', date, jurisdiction);
  const total = t.param(feeR);
  const rounding = feeR.rounding ?? 'halfUp';
  const ins = t.param(params.number('network.familyDoctor.fee.insuranceShare', date, jurisdiction));
  const pers = t.param(params.number('network.familyDoctor.fee.personalShare', date, jurisdiction));
  if (ins + pers > 1 + 1e-9) throw new NetworkInputError(`family-doctor fee on ${date} in ${jurisdiction}: insurance share ${ins} + personal share ${pers} exceed 1`);
  const insuranceFen = t.step('insurance', mulRate(total, ins, rounding), { unit: 'fen', formula: `fee × insuranceShare, ${rounding}` });
  const personalFen = t.step('personal', mulRate(total, pers, rounding), { unit: 'fen', formula: `fee × personalShare, ${rounding}` });
  const publicHealthFen = t.step('publicHealth', total - insuranceFen - personalFen, { unit: 'fen', formula: 'fee − insurance − personal' });
  return { totalFen: total, insuranceFen, personalFen, publicHealthFen, trace: t.done({ totalFen: total, insuranceFen, personalFen, publicHealthFen }) };
}

export interface TeamPayment {
  teamId: string;
  contracts: number;
  persons: number;
  paymentFen: Fen;
  /** paymentFen / persons, half-up (for display; the payment is the sum per contract). */
  perCapitaFen: Fen | null;
}

/**
 * Per-capita payment to teams for a period (inclusive dates): for each contract overlapping it,
 * fee × teamShare × overlap days / term days, exact, half-up once; fee and share in force at the
 * contract's start. A team share of 0 pays nothing (the parameters do not pay teams per capita).
 */
export function teamPayments(contracts: readonly Contract[], period: { start: IsoDate; end: IsoDate }, params: ParamTree, jurisdiction: string): { teams: TeamPayment[]; totalFen: Fen; trace: Trace } {
  const t = new TraceBuilder('network.familyDoctor.teamPayment', { ...period, jurisdiction, contracts: contracts.length }, { zh: '签约团队按人头拨付', en: 'Per-capita payment to family-doctor teams' });
  const by = new Map<string, { contracts: number; persons: Set<string>; fen: Fen }>();
  const seen = new Set<string>();
  // The fee and share in force on each start date, resolved once per date (most contracts share a start).
  const atStart = new Map<IsoDate, { fee: Resolved<number>; r: ReturnType<typeof ratioOf> }>();
  let total = 0;
  for (const c of contracts) {
    const from = c.start > period.start ? c.start : period.start;
    const to = c.end < period.end ? c.end : period.end;
    if (from > to) continue;
    let inForceAtStart = atStart.get(c.start);
    if (!inForceAtStart) {
      const fee = params.fen('network.familyDoctor.fee.annualFen', c.start, jurisdiction);
      const shareR = params.number('network.familyDoctor.teamShare', c.start, jurisdiction);
      const key = `${fee.provenance.file}@${fee.provenance.effectiveFrom}|${shareR.provenance.file}@${shareR.provenance.effectiveFrom}`;
      if (!seen.has(key)) {
        seen.add(key);
        t.param(fee);
        t.param(shareR);
      }
      inForceAtStart = { fee, r: ratioOf(shareR.value, 'teamShare') };
      atStart.set(c.start, inForceAtStart);
    }
    const { fee, r } = inForceAtStart;
    const days = daysBetween(from, to) + 1;
    const fen = mulDiv(fee.value, r.num * BigInt(days), r.den * BigInt(termDays(c)), fee.rounding ?? 'halfUp');
    const e = by.get(c.teamId) ?? { contracts: 0, persons: new Set<string>(), fen: 0 };
    e.contracts++;
    e.persons.add(c.personId);
    e.fen += fen;
    by.set(c.teamId, e);
    total += fen;
  }
  const teams = [...by.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([teamId, e]) => ({ teamId, contracts: e.contracts, persons: e.persons.size, paymentFen: e.fen, perCapitaFen: e.persons.size ? divRound(e.fen, e.persons.size) : null }));
  t.step('total', total, { unit: 'fen', formula: 'Σ fee × teamShare × overlap / term, half-up per contract' });
  return { teams, totalFen: total, trace: t.done({ totalFen: total }) };
}

export interface ServiceRecord {
  personId: string;
  service: ServiceKind;
  date: IsoDate;
  institutionId?: string;
  /** The contract it was delivered under, when recorded. */
  contractId?: string;
}

export interface ContractFulfilment {
  contractId: string;
  personId: string;
  teamId: string;
  items: Array<{ service: ServiceKind; promised: number; delivered: number; credited: number }>;
}

/**
 * Services delivered against the package (履约) for the contracts whose term ended in the period:
 * promised = per-year quantity × contract years; delivered = the person's services of that kind in
 * the term (under this contract when the record names one); credited = min(delivered, promised).
 */
export function packageFulfilment(
  contracts: readonly Contract[],
  services: readonly ServiceRecord[],
  period: { start: IsoDate; end: IsoDate },
): { contracts: ContractFulfilment[]; byService: Record<ServiceKind, Share>; overall: Share; delivered: number } {
  const byPerson = new Map<string, ServiceRecord[]>();
  for (const s of services) {
    const l = byPerson.get(s.personId);
    if (l) l.push(s);
    else byPerson.set(s.personId, [s]);
  }
  const tally = Object.fromEntries(SERVICES.map((s) => [s, { n: 0, d: 0 }])) as Record<ServiceKind, { n: number; d: number }>;
  const out: ContractFulfilment[] = [];
  let deliveredAll = 0;
  for (const c of contracts) {
    if (c.end < period.start || c.end > period.end) continue;
    const years = Math.max(1, Math.round(termDays(c) / 365));
    const promised = new Map<ServiceKind, number>();
    for (const id of c.packageIds) for (const it of packageOf(id).items) promised.set(it.service, (promised.get(it.service) ?? 0) + it.perYear * years);
    const mine = (byPerson.get(c.personId) ?? []).filter((s) => inForce(c, s.date) && (!s.contractId || s.contractId === c.id));
    const items = [...promised.entries()].map(([service, p]) => {
      const delivered = mine.filter((s) => s.service === service).length;
      const credited = Math.min(delivered, p);
      tally[service].n += credited;
      tally[service].d += p;
      deliveredAll += delivered;
      return { service, promised: p, delivered, credited };
    });
    out.push({ contractId: c.id, personId: c.personId, teamId: c.teamId, items });
  }
  const byService = Object.fromEntries(SERVICES.map((s) => [s, share(tally[s].n, tally[s].d, `no ${s} promised`)])) as Record<ServiceKind, Share>;
  const n = SERVICES.reduce((a, s) => a + tally[s].n, 0);
  const d = SERVICES.reduce((a, s) => a + tally[s].d, 0);
  return { contracts: out, byService, overall: share(n, d, 'no contract ended in the period'), delivered: deliveredAll };
}

export interface Visit {
  id: string;
  personId: string;
  institutionId: string;
  date: IsoDate;
}

/** Share of contracted residents' visits (on days their contract is in force) made at their own team's institutions. */
export function ownTeamVisitShare(
  contracts: readonly Contract[],
  teams: readonly Team[],
  visits: readonly Visit[],
  period: { start: IsoDate; end: IsoDate },
): { overall: Share; byTeam: Array<{ teamId: string } & Share> } {
  const institutions = new Map(teams.map((t) => [t.id, teamInstitutions(t)]));
  const byPerson = new Map<string, Contract[]>();
  for (const c of contracts) {
    const l = byPerson.get(c.personId);
    if (l) l.push(c);
    else byPerson.set(c.personId, [c]);
  }
  const per = new Map<string, { n: number; d: number }>();
  let n = 0;
  let d = 0;
  for (const v of visits) {
    if (v.date < period.start || v.date > period.end) continue;
    const c = byPerson.get(v.personId)?.find((x) => inForce(x, v.date));
    if (!c) continue;
    const own = institutions.get(c.teamId);
    if (!own) throw new NetworkInputError(`contract ${c.id} names team ${c.teamId}, which is not among the teams given`);
    const e = per.get(c.teamId) ?? { n: 0, d: 0 };
    e.d++;
    d++;
    if (own.has(v.institutionId)) {
      e.n++;
      n++;
    }
    per.set(c.teamId, e);
  }
  const byTeam = [...per.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([teamId, e]) => ({ teamId, ...share(e.n, e.d) }));
  return { overall: share(n, d, 'no visit by a contracted resident in the period'), byTeam };
}

/**
 * Of the contracts ending in the period, the share renewed (续约率: a later contract names it in
 * `renewalOf`). Pass as contracts due only those whose holders could renew (e.g. leave out those who
 * left the county), together with the later contracts.
 */
export function renewalRate(contracts: readonly Contract[], period: { start: IsoDate; end: IsoDate }): Share {
  const renewed = new Set(contracts.map((c) => c.renewalOf).filter((x): x is string => !!x));
  const ending = contracts.filter((c) => c.end >= period.start && c.end <= period.end);
  return share(ending.filter((c) => renewed.has(c.id)).length, ending.length, 'no contract ended in the period');
}
