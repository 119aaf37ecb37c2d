/**
 * Day numbers for bulk work: a date is the count of days since 1970-01-01 (proleptic Gregorian), so
 * the generator stores dates in typed arrays and formats them once per distinct day. The civil-date
 * arithmetic is the period module's (rules/period.ts).
 */
import { civilFromDays, daysFromCivil, type IsoDate } from '../rules/period.js';

/** Days since 1970-01-01 of a calendar date (month 1–12). */
export function dayNumber(year: number, month: number, day: number): number {
  return daysFromCivil(year, month, day);
}

/** The calendar date of a day number. */
export function civilDate(n: number): { year: number; month: number; day: number } {
  const c = civilFromDays(n);
  return { year: c.y, month: c.m, day: c.d };
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
