/**
 * Shared types of the care network (分级诊疗): institutions as the network sees them, instants
 * (date and time with an offset) for workflows timed in hours, and China civil dates of instants.
 * Pure: no clock, no I/O.
 */
import { civilFromDays, type IsoDate } from '../rules/period.js';

/** Care levels (村卫生室, 乡镇卫生院, 县级医院, 县外医院), as in src/simulation/catalogue.ts. */
export const NETWORK_LEVELS = ['village', 'township', 'county', 'out_of_county'] as const;
export type NetworkLevel = (typeof NETWORK_LEVELS)[number];

/** Rank of a level for the direction of a referral: village < township < county < out of county. */
export function levelRank(level: NetworkLevel): number {
  return NETWORK_LEVELS.indexOf(level);
}

/** An institution as the care network needs it. */
export interface InstitutionRef {
  id: string;
  level: NetworkLevel;
  /** Inside the county (县域内) or not. */
  inCounty: boolean;
}

/**
 * An instant: ISO 8601 date and time with an explicit offset, e.g. `2025-03-01T09:30:00+08:00` or
 * `2025-03-01T01:30:00Z`. Never a local time without offset (it would depend on the machine).
 */
export type Instant = string;

const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** China Standard Time, UTC+8, for the civil date of an instant (parameters are dated in China). */
const CHINA_OFFSET_MS = 8 * HOUR_MS;

export class NetworkInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkInputError';
  }
}

/** Milliseconds since the epoch of a valid instant; an error naming `what` otherwise. */
export function instantMs(at: Instant, what = 'instant'): number {
  if (typeof at !== 'string' || !INSTANT_RE.test(at)) {
    throw new NetworkInputError(`${what}: expected a date and time with an offset like 2025-03-01T09:30:00+08:00, got ${JSON.stringify(at)}`);
  }
  const ms = Date.parse(at);
  if (!Number.isFinite(ms)) throw new NetworkInputError(`${what}: not a real date and time: ${at}`);
  return ms;
}

/** The instant `hours` after `at`, written in UTC (`…Z`). */
export function addHours(at: Instant, hours: number): Instant {
  return new Date(instantMs(at) + hours * HOUR_MS).toISOString();
}

/** Hours from `a` to `b` (b − a), exact (may be fractional). */
export function hoursBetween(a: Instant, b: Instant): number {
  return (instantMs(b) - instantMs(a)) / HOUR_MS;
}

/** −1, 0 or 1 as instant `a` is before, at or after `b`. */
export function compareInstants(a: Instant, b: Instant): -1 | 0 | 1 {
  const d = instantMs(a) - instantMs(b);
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

/** The civil date in China (UTC+8) of an instant: the date parameters are resolved at. */
export function chinaDate(at: Instant): IsoDate {
  const days = Math.floor((instantMs(at) + CHINA_OFFSET_MS) / DAY_MS);
  const c = civilFromDays(days);
  return `${String(c.y).padStart(4, '0')}-${String(c.m).padStart(2, '0')}-${String(c.d).padStart(2, '0')}`;
}

/** Age in completed years (周岁) on `date` of a person born on `birthDate`. */
export function ageOn(birthDate: IsoDate, date: IsoDate): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  let age = y - by;
  if (m < bm || (m === bm && d < bd)) age--;
  return age;
}

/** A share with its parts; `value` is null when the denominator is 0 (with the reason). */
export interface Share {
  numerator: number;
  denominator: number;
  /** numerator / denominator, or null when the denominator is 0. */
  value: number | null;
  reason?: string;
}

export function share(numerator: number, denominator: number, emptyReason = 'no one in the denominator'): Share {
  return denominator === 0 ? { numerator, denominator, value: null, reason: emptyReason } : { numerator, denominator, value: numerator / denominator };
}
