import { describe, expect, test } from 'vitest';
import { addDays } from '../rules/period.js';
import { ageOn, civilDate, dayNumber, dayOf, daysInYear, isoDate, yearStart } from './dates.js';

describe('day numbers', () => {
  test('count days from 1970-01-01 and agree with the period module over four centuries', () => {
    expect(dayNumber(1970, 1, 1)).toBe(0);
    expect(isoDate(0)).toBe('1970-01-01');
    let iso = '1900-01-01';
    for (let n = dayOf(iso); n < dayOf('2300-01-01'); n += 97) {
      expect(isoDate(n)).toBe(iso);
      iso = addDays(iso, 97);
    }
  });

  test('round-trip every day of a leap year', () => {
    for (let n = yearStart(2024); n < yearStart(2025); n++) {
      const { year, month, day } = civilDate(n);
      expect(dayNumber(year, month, day)).toBe(n);
    }
    expect(daysInYear(2024)).toBe(366);
    expect(daysInYear(2025)).toBe(365);
    expect(daysInYear(2100)).toBe(365);
  });

  test('give whole years of age, the birthday itself included', () => {
    expect(ageOn(dayOf('1980-07-01'), dayOf('2025-06-30'))).toBe(44);
    expect(ageOn(dayOf('1980-07-01'), dayOf('2025-07-01'))).toBe(45);
    expect(ageOn(dayOf('2024-02-29'), dayOf('2025-02-28'))).toBe(0);
    expect(ageOn(dayOf('2024-02-29'), dayOf('2025-03-01'))).toBe(1);
  });
});
