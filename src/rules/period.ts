/**
 * Civil dates and reporting periods (统计期间: 日/月/季/半年/年).
 *
 * Dates are ISO strings 'YYYY-MM-DD' in the proleptic Gregorian calendar, years 0001–9999, with no
 * time of day and no time zone. Day arithmetic uses Howard Hinnant's days-from-civil algorithm on
 * plain integers; JS `Date` is never used. Periods are plain JSON-serialisable objects.
 */

/** A civil date 'YYYY-MM-DD'. */
export type IsoDate = string;

/** Thrown for malformed dates and periods and for out-of-range results. */
export class PeriodError extends Error {
  override name = 'PeriodError';
}

/** Period granularities, finest first. */
export type PeriodKind = 'day' | 'month' | 'quarter' | 'half' | 'year';

/** All period kinds, finest first. */
export const PERIOD_KINDS: readonly PeriodKind[] = Object.freeze(['day', 'month', 'quarter', 'half', 'year'] as const);

/** A calendar period: `start` and `end` are inclusive; `label` is canonical ('2025-Q3'). */
export interface Period {
  readonly kind: PeriodKind;
  readonly start: IsoDate;
  readonly end: IsoDate;
  readonly label: string;
}

const MIN_YEAR = 1;
const MAX_YEAR = 9999;

// ---------------------------------------------------------------------------------------------
// Civil dates ↔ day numbers (days since 1970-01-01)

export interface Civil {
  y: number;
  m: number;
  d: number;
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to y-m-d (Hinnant, "chrono-compatible low-level date algorithms"). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400; // [0, 399]
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1; // [0, 365]
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy; // [0, 146096]
  return era * 146097 + doe - 719468;
}

/** Inverse of `daysFromCivil`. */
export function civilFromDays(z: number): Civil {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

const MIN_DAY = daysFromCivil(MIN_YEAR, 1, 1);
const MAX_DAY = daysFromCivil(MAX_YEAR, 12, 31);

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function formatCivil(y: number, m: number, d: number): IsoDate {
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

/** The date of day number `z` (days since 1970-01-01): dateOfDay(0) = '1970-01-01'. */
export function dateOfDay(z: number): IsoDate {
  if (!Number.isSafeInteger(z) || z < MIN_DAY || z > MAX_DAY) {
    throw new PeriodError(`date out of range (years ${MIN_YEAR}–${MAX_YEAR})`);
  }
  const c = civilFromDays(z);
  return formatCivil(c.y, c.m, c.d);
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function civilOrUndefined(s: unknown): Civil | undefined {
  if (typeof s !== 'string') return undefined;
  const m = DATE_RE.exec(s);
  if (m === null) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < MIN_YEAR || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  return { y, m: mo, d };
}

function civil(s: unknown): Civil {
  const c = civilOrUndefined(s);
  if (c === undefined) {
    throw new PeriodError(`invalid date ${JSON.stringify(s) ?? String(s)}: expected a real calendar date 'YYYY-MM-DD' (years ${pad(MIN_YEAR, 4)}–${MAX_YEAR})`);
  }
  return c;
}

function dayOf(s: IsoDate): number {
  const c = civil(s);
  return daysFromCivil(c.y, c.m, c.d);
}

/** True if `s` is a real calendar date 'YYYY-MM-DD' (leap years honoured). */
export function isIsoDate(s: unknown): s is IsoDate {
  return civilOrUndefined(s) !== undefined;
}

/** Validates a date string and returns it; throws `PeriodError` naming the input if invalid. */
export function parseDate(s: string): IsoDate {
  civil(s);
  return s;
}

/** `date` plus `n` days (n may be negative). */
export function addDays(date: IsoDate, n: number): IsoDate {
  if (!Number.isSafeInteger(n)) throw new PeriodError(`addDays: day count must be an integer, got ${String(n)}`);
  return dateOfDay(dayOf(date) + n);
}

/** Days from `a` to `b` (b − a): daysBetween('2025-01-01', '2025-01-31') = 30. */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return dayOf(b) - dayOf(a);
}

/** −1, 0 or 1 as `a` is before, equal to or after `b`. */
export function compareDates(a: IsoDate, b: IsoDate): -1 | 0 | 1 {
  const d = daysBetween(b, a);
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

/** ISO day of the week: 1 = Monday … 7 = Sunday. */
export function dayOfWeek(date: IsoDate): number {
  const z = dayOf(date); // 1970-01-01 was a Thursday (4)
  return ((((z + 3) % 7) + 7) % 7) + 1;
}

// ---------------------------------------------------------------------------------------------
// Periods

/** Months per period of each coarser kind. */
const MONTHS: Record<Exclude<PeriodKind, 'day'>, number> = { month: 1, quarter: 3, half: 6, year: 12 };

function rank(kind: PeriodKind): number {
  const i = PERIOD_KINDS.indexOf(kind);
  if (i < 0) throw new PeriodError(`unknown period kind ${JSON.stringify(kind)}; expected one of ${PERIOD_KINDS.join(', ')}`);
  return i;
}

function dayPeriod(date: IsoDate): Period {
  return { kind: 'day', start: date, end: date, label: date };
}

/** The period of `kind` numbered by a month ordinal (year × 12 + month − 1) of its first month. */
function monthlyPeriod(kind: Exclude<PeriodKind, 'day'>, ordinal: number): Period {
  const y = Math.floor(ordinal / 12);
  if (y < MIN_YEAR || y > MAX_YEAR) throw new PeriodError(`period out of range (years ${MIN_YEAR}–${MAX_YEAR})`);
  const m = (ordinal % 12) + 1;
  const lastMonth = m + MONTHS[kind] - 1;
  const start = formatCivil(y, m, 1);
  const end = formatCivil(y, lastMonth, daysInMonth(y, lastMonth));
  const yyyy = pad(y, 4);
  let label: string;
  switch (kind) {
    case 'month': label = `${yyyy}-${pad(m, 2)}`; break;
    case 'quarter': label = `${yyyy}-Q${(m + 2) / 3}`; break;
    case 'half': label = `${yyyy}-H${m === 1 ? 1 : 2}`; break;
    case 'year': label = yyyy; break;
  }
  return { kind, start, end, label };
}

const FORMS = "expected 'YYYY', 'YYYY-H1'/'YYYY-H2', 'YYYY-Q1'…'YYYY-Q4', 'YYYY-MM' or 'YYYY-MM-DD'";

/**
 * Parses a canonical period label: '2025' (year), '2025-H1' (half), '2025-Q3' (quarter),
 * '2025-07' (month), '2025-07-15' (day). Throws `PeriodError` naming the input and the accepted forms.
 */
export function parsePeriod(s: string): Period {
  const bad = (): PeriodError => new PeriodError(`invalid period ${JSON.stringify(s) ?? String(s)}: ${FORMS}`);
  if (typeof s !== 'string') throw bad();
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})$/.exec(s)) !== null) return yearPart('year', Number(m[1]), 0, bad);
  if ((m = /^(\d{4})-H([12])$/.exec(s)) !== null) return yearPart('half', Number(m[1]), (Number(m[2]) - 1) * 6, bad);
  if ((m = /^(\d{4})-Q([1-4])$/.exec(s)) !== null) return yearPart('quarter', Number(m[1]), (Number(m[2]) - 1) * 3, bad);
  if ((m = /^(\d{4})-(\d{2})$/.exec(s)) !== null) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) throw bad();
    return yearPart('month', Number(m[1]), month - 1, bad);
  }
  if (DATE_RE.test(s)) {
    if (!isIsoDate(s)) throw bad();
    return dayPeriod(s);
  }
  throw bad();
}

function yearPart(kind: Exclude<PeriodKind, 'day'>, y: number, month0: number, bad: () => PeriodError): Period {
  if (y < MIN_YEAR) throw bad();
  return monthlyPeriod(kind, y * 12 + month0);
}

/** The period of `kind` that contains `date`: periodOf('quarter', '2025-08-15') is 2025-Q3. */
export function periodOf(kind: PeriodKind, date: IsoDate): Period {
  rank(kind);
  const c = civil(date);
  if (kind === 'day') return dayPeriod(date);
  const size = MONTHS[kind];
  return monthlyPeriod(kind, c.y * 12 + Math.floor((c.m - 1) / size) * size);
}

/** The canonical label of a period (the inverse of `parsePeriod`), recomputed from kind and start. */
export function formatPeriod(p: Period): string {
  const q = periodOf(p.kind, p.start);
  if (q.start !== p.start || q.end !== p.end) {
    throw new PeriodError(`not a ${p.kind} period: ${p.start}..${p.end}`);
  }
  return q.label;
}

/** The period `n` steps after `p` (default 1; negative steps go back). */
export function next(p: Period, n = 1): Period {
  if (!Number.isSafeInteger(n)) throw new PeriodError(`step count must be an integer, got ${String(n)}`);
  if (p.kind === 'day') return dayPeriod(addDays(p.start, n));
  const c = civil(p.start);
  return monthlyPeriod(p.kind, c.y * 12 + c.m - 1 + n * MONTHS[p.kind]);
}

/** The period `n` steps before `p` (default 1). */
export function previous(p: Period, n = 1): Period {
  return next(p, -n);
}

/** Number of days in the period (2025 → 365, 2025-Q3 → 92). */
export function days(p: Period): number {
  return daysBetween(p.start, p.end) + 1;
}

function asPeriod(x: IsoDate | Period): Period {
  return typeof x === 'string' ? parsePeriod(x) : x;
}

/** True if `inner` (a date, a period label or a period) lies wholly inside `p`, edges included. */
export function contains(p: Period, inner: IsoDate | Period): boolean {
  const q = asPeriod(inner);
  return p.start <= q.start && q.end <= p.end; // ISO dates with 4-digit years sort as strings
}

/** True if the two periods share at least one day. */
export function overlaps(a: Period, b: Period): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/**
 * The sub-periods of `kind` that make up `p`, in order: iterate(year 2025, 'month') yields the 12
 * months, iterate(2025-Q3, 'day') its 92 days. Throws at the call if `kind` is coarser than `p`.
 */
export function iterate(p: Period, kind: PeriodKind): Generator<Period, void, undefined> {
  // Checked here, not inside the generator, so a bad call throws at once rather than on first use.
  if (rank(kind) > rank(p.kind)) {
    throw new PeriodError(`cannot split ${p.label} (${p.kind}) into ${kind}s: ${kind} is coarser than ${p.kind}`);
  }
  return subPeriods(periodOf(kind, p.start), p.end);
}

function* subPeriods(first: Period, end: IsoDate): Generator<Period, void, undefined> {
  let q = first;
  for (;;) {
    yield q;
    if (q.end >= end) return;
    q = next(q);
  }
}

/**
 * All periods from `from` to `to` inclusive, which must be of the same kind (labels accepted):
 * periodRange('2025-11', '2026-02') is Nov, Dec, Jan, Feb. Empty if `to` is before `from`.
 */
export function periodRange(from: Period | string, to: Period | string): Period[] {
  const a = asPeriod(from);
  const b = asPeriod(to);
  if (a.kind !== b.kind) throw new PeriodError(`periodRange: ${a.label} is a ${a.kind} but ${b.label} is a ${b.kind}`);
  const out: Period[] = [];
  for (let q = a; q.start <= b.start; q = next(q)) {
    out.push(q);
    if (q.start === b.start) break;
  }
  return out;
}
