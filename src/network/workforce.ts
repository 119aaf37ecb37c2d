/**
 * The village workforce (乡村医生队伍): village doctors with age, qualification and education, their
 * monthly subsidies and pension contribution, rotation training, and the county's vacancy (villages
 * without a doctor, 空白村) and ageing picture.
 *
 *   monthly pay   = (subsidy + qualified addition if 执业(助理)医师 + pension contribution) for the days
 *                   active in the month: each part × active days / days of the month, half-up to the fen
 *                   (the parameter's rounding), parameters in force on the first day of the month
 *   training met  = training days in the year (overlap of each record with the year, inclusive) ≥
 *                   `network.workforce.villageDoctor.trainingDaysPerYear`
 *   ageing        = share of active village doctors aged ≥ `network.workforce.agingAge` (completed years)
 *
 * Parameters: `network.workforce.villageDoctor.{subsidyMonthlyFen, qualifiedAdditionMonthlyFen,
 * pensionContributionMonthlyFen, trainingDaysPerYear}`, `network.workforce.agingAge`.
 */
import { mulDiv, type Fen } from '../rules/money.js';
import type { ParamTree, Resolved } from '../rules/params.js';
import { daysBetween, parsePeriod, type IsoDate } from '../rules/period.js';
import { TraceBuilder, type Trace } from '../rules/trace.js';
import { ageOn, NetworkInputError, share, type Share } from './common.js';

export const QUALIFICATIONS = ['licensed_physician', 'licensed_assistant_physician', 'village_doctor_certificate', 'none'] as const;
/** 执业医师, 执业助理医师, 乡村医生执业证书, none. */
export type Qualification = (typeof QUALIFICATIONS)[number];

export interface VillageDoctor {
  id: string;
  villageId: string;
  clinicId: string;
  birthDate: IsoDate;
  sex?: 'M' | 'F';
  qualification: Qualification;
  /** Graduated from a college (大专及以上) or not. */
  collegeGraduate: boolean;
  /** In post from / until (inclusive); absent: always. */
  start?: IsoDate;
  end?: IsoDate;
}

export interface Village {
  id: string;
  townshipId: string;
}

export interface TrainingRecord {
  doctorId: string;
  /** rotation 轮训 (at the county hospital or township centre), further_study 进修. */
  kind: 'rotation' | 'further_study';
  institutionId: string;
  start: IsoDate;
  /** Inclusive. */
  end: IsoDate;
}

export const isLicensed = (q: Qualification): boolean => q === 'licensed_physician' || q === 'licensed_assistant_physician';
export const activeOn = (d: VillageDoctor, date: IsoDate): boolean => (!d.start || d.start <= date) && (!d.end || date <= d.end);

function overlapDays(aStart: IsoDate, aEnd: IsoDate, bStart: IsoDate, bEnd: IsoDate): number {
  const s = aStart > bStart ? aStart : bStart;
  const e = aEnd < bEnd ? aEnd : bEnd;
  return s > e ? 0 : daysBetween(s, e) + 1;
}

export interface MonthlyPay {
  doctorId: string;
  month: string;
  activeDays: number;
  subsidyFen: Fen;
  qualifiedAdditionFen: Fen;
  pensionContributionFen: Fen;
  totalFen: Fen;
}

/** Subsidies and pension contribution of the village doctors for a month ('YYYY-MM'), with one trace. */
export function subsidyRoll(doctors: readonly VillageDoctor[], month: string, params: ParamTree, jurisdiction: string): { rows: MonthlyPay[]; totalFen: Fen; trace: Trace } {
  const p = parsePeriod(month);
  if (p.kind !== 'month') throw new NetworkInputError(`subsidyRoll: expected a month 'YYYY-MM', got ${month}`);
  const t = new TraceBuilder('network.workforce.villageDoctorPay', { month, jurisdiction, doctors: doctors.length }, { zh: '乡村医生补助与养老保险缴费补助', en: 'Village-doctor subsidies and pension contribution' });
  const base = 'network.workforce.villageDoctor.';
  const r = (name: string): Resolved<number> => params.fen(`${base}${name}`, p.start, jurisdiction);
  const subsidy = r('subsidyMonthlyFen');
  const addition = r('qualifiedAdditionMonthlyFen');
  const pension = r('pensionContributionMonthlyFen');
  for (const x of [subsidy, addition, pension]) t.param(x);
  const monthDays = daysBetween(p.start, p.end) + 1;
  const part = (x: Resolved<number>, days: number): Fen => (days === monthDays ? x.value : mulDiv(x.value, days, monthDays, x.rounding ?? 'halfUp'));
  const rows: MonthlyPay[] = [];
  let total = 0;
  for (const d of doctors) {
    const days = overlapDays(d.start ?? p.start, d.end ?? p.end, p.start, p.end);
    if (days === 0) continue;
    const s = part(subsidy, days);
    const a = isLicensed(d.qualification) ? part(addition, days) : 0;
    const pc = part(pension, days);
    rows.push({ doctorId: d.id, month, activeDays: days, subsidyFen: s, qualifiedAdditionFen: a, pensionContributionFen: pc, totalFen: s + a + pc });
    total += s + a + pc;
  }
  t.step('doctorsPaid', rows.length, { unit: 'count' });
  t.step('total', total, { unit: 'fen', formula: 'Σ (subsidy + addition if licensed + pension) × active days / month days, half-up per part' });
  return { rows, totalFen: total, trace: t.done({ totalFen: total }) };
}

/** Training days of each doctor active in the year and whether they meet the required days. */
export function trainingCompletion(
  doctors: readonly VillageDoctor[],
  records: readonly TrainingRecord[],
  year: number,
  params: ParamTree,
  jurisdiction: string,
): { rows: Array<{ doctorId: string; days: number; met: boolean }>; met: Share; trace: Trace } {
  const y = parsePeriod(String(year));
  const t = new TraceBuilder('network.workforce.training', { year, jurisdiction }, { zh: '乡村医生培训完成情况', en: 'Village-doctor training completion' });
  const required = t.param(params.number('network.workforce.villageDoctor.trainingDaysPerYear', y.start, jurisdiction));
  const days = new Map<string, number>();
  for (const r of records) {
    if (r.end < r.start) throw new NetworkInputError(`training of ${r.doctorId} at ${r.institutionId}: ends ${r.end} before it starts ${r.start}`);
    days.set(r.doctorId, (days.get(r.doctorId) ?? 0) + overlapDays(r.start, r.end, y.start, y.end));
  }
  const rows = doctors.filter((d) => overlapDays(d.start ?? y.start, d.end ?? y.end, y.start, y.end) > 0).map((d) => ({ doctorId: d.id, days: days.get(d.id) ?? 0, met: (days.get(d.id) ?? 0) >= required }));
  const met = share(rows.filter((r) => r.met).length, rows.length, 'no village doctor in post in the year');
  t.step('met', met.value, { unit: 'ratio', formula: `${met.numerator} / ${met.denominator}` });
  return { rows, met, trace: t.done({ met: met.value }) };
}

/** Villages without a village doctor in post on the date (空白村), by id, and their share. */
export function vacancy(villages: readonly Village[], doctors: readonly VillageDoctor[], date: IsoDate): { villagesWithoutDoctor: string[]; share: Share; byTownship: Record<string, { villages: number; withoutDoctor: number }> } {
  const staffed = new Set(doctors.filter((d) => activeOn(d, date)).map((d) => d.villageId));
  const without = villages.filter((v) => !staffed.has(v.id));
  const byTownship: Record<string, { villages: number; withoutDoctor: number }> = {};
  for (const v of villages) {
    const e = (byTownship[v.townshipId] ??= { villages: 0, withoutDoctor: 0 });
    e.villages++;
    if (!staffed.has(v.id)) e.withoutDoctor++;
  }
  return { villagesWithoutDoctor: without.map((v) => v.id), share: share(without.length, villages.length, 'no village'), byTownship };
}

/** Age bands of the picture (display only; the ageing line is the parameter). */
export const AGE_BANDS: ReadonlyArray<{ label: string; from: number; to: number | null }> = [
  { label: '<30', from: 0, to: 29 },
  { label: '30–39', from: 30, to: 39 },
  { label: '40–49', from: 40, to: 49 },
  { label: '50–59', from: 50, to: 59 },
  { label: '60–69', from: 60, to: 69 },
  { label: '≥70', from: 70, to: null },
];

export interface AgeingPicture {
  date: IsoDate;
  inPost: number;
  bands: Array<{ label: string; count: number }>;
  /** Share aged at least `network.workforce.agingAge`. */
  ageing: Share;
  meanAge: number | null;
  byQualification: Record<Qualification, number>;
  /** 执业(助理)医师 among those in post. */
  licensed: Share;
  collegeGraduates: Share;
  trace: Trace;
}

/** The ageing and qualification picture of the village doctors in post on a date. */
export function ageingPicture(doctors: readonly VillageDoctor[], date: IsoDate, params: ParamTree, jurisdiction: string): AgeingPicture {
  const t = new TraceBuilder('network.workforce.ageing', { date, jurisdiction }, { zh: '乡村医生年龄结构', en: 'Village-doctor ageing picture' });
  const line = t.param(params.number('network.workforce.agingAge', date, jurisdiction));
  const inPost = doctors.filter((d) => activeOn(d, date));
  const ages = inPost.map((d) => ageOn(d.birthDate, date));
  const bands = AGE_BANDS.map((b) => ({ label: b.label, count: ages.filter((a) => a >= b.from && (b.to === null || a <= b.to)).length }));
  const byQualification = Object.fromEntries(QUALIFICATIONS.map((q) => [q, inPost.filter((d) => d.qualification === q).length])) as Record<Qualification, number>;
  const ageing = share(
    ages.filter((a) => a >= line).length,
    ages.length,
    'no village doctor in post',
  );
  t.step('ageing', ageing.value, { unit: 'ratio', formula: `${ageing.numerator} / ${ageing.denominator}` });
  return {
    date,
    inPost: inPost.length,
    bands,
    ageing,
    meanAge: ages.length ? ages.reduce((a, b) => a + b, 0) / ages.length : null,
    byQualification,
    licensed: share(inPost.filter((d) => isLicensed(d.qualification)).length, inPost.length, 'no village doctor in post'),
    collegeGraduates: share(inPost.filter((d) => d.collegeGraduate).length, inPost.length, 'no village doctor in post'),
    trace: t.done({ ageing: ageing.value }),
  };
}
