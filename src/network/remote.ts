/**
 * Remote collaboration and specialist outreach (远程协作, 专家下沉):
 *   - remote requests (远程会诊 teleconsultation, 远程影像 imaging reading, 远程心电 ECG reading) from a
 *     township centre or the county hospital to a higher hospital, timed from request to report:
 *     median and 90th percentile turnaround, and the share reported within the time limit
 *     `network.remote.reportWithinHours.<kind>` (in force on the China date of the request);
 *   - famous-doctor studios (名医工作室) and visiting specialists (专家坐诊) as schedules of sessions at a
 *     county institution;
 *   - the monthly series of sessions next to out-of-county admissions. It is a series side by side, not
 *     a causal estimate.
 *
 * Quantiles: the median is the middle value (the mean of the two middle values for an even count);
 * the 90th percentile is the nearest rank, the ⌈0.9 n⌉-th smallest. Turnaround hours are exact.
 */
import type { ParamTree } from '../rules/params.js';
import { addDays, dayOfWeek, daysBetween, parseDate, periodRange, type IsoDate } from '../rules/period.js';
import { TraceBuilder, type Trace } from '../rules/trace.js';
import { chinaDate, compareInstants, hoursBetween, levelRank, NetworkInputError, share, type Instant, type InstitutionRef, type Share } from './common.js';
import type { EncounterRef } from './reimbursement.js';

export const REMOTE_KINDS = ['teleconsultation', 'remote_imaging', 'remote_ecg'] as const;
export type RemoteKind = (typeof REMOTE_KINDS)[number];

export interface RemoteRequest {
  id: string;
  kind: RemoteKind;
  /** The requesting institution: a township centre or the county hospital. */
  from: InstitutionRef;
  /** The higher hospital that reads or consults. */
  to: InstitutionRef;
  personId?: string;
  requestedAt: Instant;
  /** When the report or opinion came back; absent while pending. */
  reportedAt?: Instant;
}

/** Problems of a request: who may ask whom, times in order. */
export function remoteRequestProblems(r: RemoteRequest): string[] {
  const out: string[] = [];
  if (r.from.level !== 'township' && r.from.level !== 'county') out.push(`remote request ${r.id}: requested by a ${r.from.level} institution (${r.from.id}); only township centres and county hospitals request`);
  if (levelRank(r.to.level) <= levelRank(r.from.level)) out.push(`remote request ${r.id}: ${r.to.id} (${r.to.level}) is not above ${r.from.id} (${r.from.level})`);
  if (r.reportedAt !== undefined && compareInstants(r.reportedAt, r.requestedAt) < 0) out.push(`remote request ${r.id}: reported at ${r.reportedAt}, before it was requested at ${r.requestedAt}`);
  return out;
}

/** Median (mean of the two middle values for an even count) and nearest-rank 90th percentile. */
export function medianAndP90(values: readonly number[]): { median: number | null; p90: number | null } {
  if (values.length === 0) return { median: null, p90: null };
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const median = n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
  const p90 = s[Math.ceil(0.9 * n) - 1]!;
  return { median, p90 };
}

export interface TurnaroundStats {
  requests: number;
  reported: number;
  pending: number;
  medianHours: number | null;
  p90Hours: number | null;
  /** Reported within the limit / (reported + pending past the limit at `asOf`). */
  withinLimit: Share;
}

/**
 * Turnaround (requested → reported) of the requests made in a period (China dates of the request),
 * overall and by kind. Pending requests past their limit at `asOf` count as late; without `asOf`
 * pending requests are left out of the on-time share.
 */
export function turnaround(
  requests: readonly RemoteRequest[],
  period: { start: IsoDate; end: IsoDate },
  params: ParamTree,
  jurisdiction: string,
  asOf?: Instant,
): { all: TurnaroundStats; byKind: Record<RemoteKind, TurnaroundStats>; trace: Trace } {
  const t = new TraceBuilder('network.remote.turnaround', { ...period, jurisdiction, ...(asOf ? { asOf } : {}) }, { zh: '远程诊疗报告时效', en: 'Remote request turnaround' });
  const seen = new Set<string>();
  const limitOf = (r: RemoteRequest): number => {
    const date = chinaDate(r.requestedAt);
    const res = params.number(`network.remote.reportWithinHours.${r.kind}`, date, jurisdiction);
    const key = `${res.path}@${res.provenance.jurisdiction}@${res.provenance.effectiveFrom}`;
    if (!seen.has(key)) {
      seen.add(key);
      t.param(res);
    }
    return res.value;
  };
  type Acc = { hours: number[]; pending: number; onTime: number; late: number };
  const acc = (): Acc => ({ hours: [], pending: 0, onTime: 0, late: 0 });
  const all = acc();
  const by = Object.fromEntries(REMOTE_KINDS.map((k) => [k, acc()])) as Record<RemoteKind, Acc>;
  for (const r of requests) {
    const d = chinaDate(r.requestedAt);
    if (d < period.start || d > period.end) continue;
    const limit = limitOf(r);
    for (const a of [all, by[r.kind]]) {
      if (r.reportedAt !== undefined) {
        const h = hoursBetween(r.requestedAt, r.reportedAt);
        if (h < 0) throw new NetworkInputError(`remote request ${r.id}: reported before it was requested`);
        a.hours.push(h);
        if (h <= limit) a.onTime++;
        else a.late++;
      } else {
        a.pending++;
        if (asOf !== undefined && hoursBetween(r.requestedAt, asOf) > limit) a.late++;
      }
    }
  }
  const stats = (a: Acc): TurnaroundStats => {
    const q = medianAndP90(a.hours);
    return { requests: a.hours.length + a.pending, reported: a.hours.length, pending: a.pending, medianHours: q.median, p90Hours: q.p90, withinLimit: share(a.onTime, a.onTime + a.late, 'no reported or overdue request') };
  };
  const result = { all: stats(all), byKind: Object.fromEntries(REMOTE_KINDS.map((k) => [k, stats(by[k])])) as Record<RemoteKind, TurnaroundStats> };
  t.step('medianHours', result.all.medianHours, { unit: 'hours', formula: 'middle value' });
  t.step('p90Hours', result.all.p90Hours, { unit: 'hours', formula: '⌈0.9 n⌉-th smallest' });
  return { ...result, trace: t.done({ medianHours: result.all.medianHours, p90Hours: result.all.p90Hours, withinLimit: result.all.withinLimit.value }) };
}

// ---------------------------------------------------------------------------------------------
// Studios and visiting specialists

export type OutreachKind = 'famous_doctor_studio' | 'visiting_specialist';

export interface OutreachSchedule {
  id: string;
  kind: OutreachKind;
  /** The specialist (or lead specialist of the studio) and the hospital they come from. */
  specialistId: string;
  homeInstitutionId: string;
  /** Where the sessions are held (the county hospital, or a township centre). */
  hostInstitutionId: string;
  specialty: string;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  weekdays: number[];
  /** Every n-th week counted from `from` (1 = every week). */
  everyWeeks?: number;
  from: IsoDate;
  /** Inclusive. */
  to: IsoDate;
}

export interface OutreachSession {
  scheduleId: string;
  kind: OutreachKind;
  specialty: string;
  hostInstitutionId: string;
  date: IsoDate;
  /** Patients seen, when recorded. */
  patients?: number;
}

/** The sessions a schedule plans in a period (inclusive dates). */
export function scheduledSessions(s: OutreachSchedule, period: { start: IsoDate; end: IsoDate }): OutreachSession[] {
  parseDate(s.from);
  parseDate(s.to);
  const every = s.everyWeeks ?? 1;
  if (!Number.isInteger(every) || every < 1) throw new NetworkInputError(`schedule ${s.id}: everyWeeks must be a positive integer`);
  for (const w of s.weekdays) if (!Number.isInteger(w) || w < 1 || w > 7) throw new NetworkInputError(`schedule ${s.id}: weekday ${w} is not 1 (Monday) … 7 (Sunday)`);
  const start = s.from > period.start ? s.from : period.start;
  const end = s.to < period.end ? s.to : period.end;
  const out: OutreachSession[] = [];
  for (let d = start; d <= end; d = addDays(d, 1)) {
    if (!s.weekdays.includes(dayOfWeek(d))) continue;
    if (Math.floor(daysBetween(s.from, d) / 7) % every !== 0) continue;
    out.push({ scheduleId: s.id, kind: s.kind, specialty: s.specialty, hostInstitutionId: s.hostInstitutionId, date: d });
  }
  return out;
}

export interface OutreachMonth {
  month: string;
  sessions: number;
  admissions: number;
  outOfCountyAdmissions: number;
  /** outOfCountyAdmissions / admissions. */
  outOfCountyShare: number | null;
}

/**
 * Per month from `fromMonth` to `toMonth` ('YYYY-MM'): outreach sessions held, residents' admissions
 * and those outside the county (optionally only of some diseases, e.g. the studio's specialty). The
 * series side by side, for the indicator; it makes no causal claim.
 */
export function outreachSeries(
  sessions: readonly OutreachSession[],
  admissions: readonly EncounterRef[],
  fromMonth: string,
  toMonth: string,
  opts: { diseaseIds?: readonly string[]; specialty?: string } = {},
): { series: OutreachMonth[]; note: string } {
  const months = periodRange(fromMonth, toMonth);
  if (months.some((m) => m.kind !== 'month')) throw new NetworkInputError(`outreachSeries: expected months 'YYYY-MM', got ${fromMonth} … ${toMonth}`);
  const idx = new Map(months.map((m, i) => [m.label, i]));
  const rows = months.map((m) => ({ month: m.label, sessions: 0, admissions: 0, outOfCountyAdmissions: 0, outOfCountyShare: null as number | null }));
  for (const s of sessions) {
    if (opts.specialty && s.specialty !== opts.specialty) continue;
    const i = idx.get(s.date.slice(0, 7));
    if (i !== undefined) rows[i]!.sessions++;
  }
  const diseases = opts.diseaseIds ? new Set(opts.diseaseIds) : null;
  for (const a of admissions) {
    if (a.type !== 'inpatient') continue;
    if (diseases && (!a.diseaseId || !diseases.has(a.diseaseId))) continue;
    const i = idx.get(a.startDate.slice(0, 7));
    if (i === undefined) continue;
    rows[i]!.admissions++;
    if (!a.institution.inCounty) rows[i]!.outOfCountyAdmissions++;
  }
  for (const r of rows) r.outOfCountyShare = r.admissions ? r.outOfCountyAdmissions / r.admissions : null;
  return { series: rows, note: 'sessions and out-of-county admissions per month side by side; not a causal estimate' };
}
