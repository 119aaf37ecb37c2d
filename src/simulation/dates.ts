/**
 * Day numbers for bulk work: a date is the count of days since 1970-01-01 (proleptic Gregorian), so
 * the generator stores dates in typed arrays and formats them once per distinct day.
 * Algorithms: Howard Hinnant, "chrono-compatible low-level date algorithms" (days_from_civil,
 * civil_from_days), in integer arithmetic.
 */
import type { IsoDate } from '../rules/period.js';

/** Days since 1970-01-01 of a calendar date (month 1–12). */
export function dayNumber(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The calendar date of a day number. */
export function civilDate(n: number): { year: number; month: number; day: number } {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** ISO date of a day number. */
export function isoDate(n: number): IsoDate {
  const { year, month, day } = civilDate(n);
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

/** Day number of an ISO date `YYYY-MM-DD`. */
export function dayOf(iso: IsoDate): number {
  return dayNumber(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10)));
}

/** First day of a year. */
export const yearStart = (year: number): number => dayNumber(year, 1, 1);

/** Days in a year. */
export const daysInYear = (year: number): number => yearStart(year + 1) - yearStart(year);

/** Formats day numbers with a cache, for writing millions of dates. */
export class DayFormatter {
  readonly #cache = new Map<number, string>();
  iso(n: number): string {
    let s = this.#cache.get(n);
    if (s === undefined) {
      s = isoDate(n);
      this.#cache.set(n, s);
    }
    return s;
  }
  /** `YYYY-MM` of a day number. */
  month(n: number): string {
    return this.iso(n).slice(0, 7);
  }
}

/** Whole years of age on a day, born on another (birthdays on 29 February count from 1 March). */
export function ageOn(birth: number, on: number): number {
  const b = civilDate(birth);
  const d = civilDate(on);
  let age = d.year - b.year;
  if (d.month < b.month || (d.month === b.month && d.day < b.day)) age--;
  return age;
}
