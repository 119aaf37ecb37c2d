import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  PERIOD_KINDS, PeriodError, addDays, compareDates, contains, dayOfWeek, days, daysBetween, formatPeriod,
  isIsoDate, iterate, next, overlaps, parseDate, parsePeriod, periodOf, periodRange, previous,
} from './period.js';
import type { Period, PeriodKind } from './period.js';

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** Test oracle only: day number of a date via Date.UTC (the module itself never uses Date). */
function utcDay(y: number, m: number, d: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d); // setUTCFullYear handles years < 100 literally
  return Math.round(t.getTime() / 86_400_000);
}

const dateArb = fc.record({
  y: fc.integer({ min: 1, max: 9999 }),
  m: fc.integer({ min: 1, max: 12 }),
  d: fc.integer({ min: 1, max: 31 }),
}).filter(({ y, m, d }) => {
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return t.getUTCDate() === d;
}).map(({ y, m, d }) => ({ y, m, d, iso: `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}` }));

const labelArb: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1, max: 9999 }).map((y) => pad(y, 4)),
  fc.tuple(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 2 })).map(([y, h]) => `${pad(y, 4)}-H${h}`),
  fc.tuple(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 4 })).map(([y, q]) => `${pad(y, 4)}-Q${q}`),
  fc.tuple(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 12 })).map(([y, m]) => `${pad(y, 4)}-${pad(m, 2)}`),
  dateArb.map((d) => d.iso),
);

describe('parseDate', () => {
  test('accepts real calendar dates and returns them unchanged', () => {
    expect(parseDate('2025-07-15')).toBe('2025-07-15');
    expect(parseDate('0001-01-01')).toBe('0001-01-01');
    expect(parseDate('9999-12-31')).toBe('9999-12-31');
  });

  test('knows the leap years: 2024 and 2000 are leap, 2025 and 1900 are not', () => {
    expect(parseDate('2024-02-29')).toBe('2024-02-29');
    expect(parseDate('2000-02-29')).toBe('2000-02-29');
    expect(() => parseDate('2025-02-29')).toThrow(PeriodError);
    expect(() => parseDate('1900-02-29')).toThrow(PeriodError);
  });

  test('rejects impossible or malformed dates with the bad input in the message', () => {
    for (const bad of ['2025-04-31', '2025-13-01', '2025-00-10', '2025-01-00', '2025-1-5', '20250715', '2025-07-15T00:00',
      ' 2025-07-15', '0000-01-01', '']) {
      expect(() => parseDate(bad)).toThrow(PeriodError);
    }
    expect(() => parseDate('2025-02-30')).toThrow(/"2025-02-30"/);
  });

  test('isIsoDate is the non-throwing check', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate(20250101)).toBe(false);
  });
});

describe('day arithmetic', () => {
  test('adds days across month, year and leap-day boundaries', () => {
    expect(addDays('2025-01-31', 1)).toBe('2025-02-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    expect(addDays('2025-07-15', 0)).toBe('2025-07-15');
    expect(addDays('1970-01-01', 0)).toBe('1970-01-01');
  });

  test('counts days between dates', () => {
    expect(daysBetween('2025-01-01', '2025-01-31')).toBe(30);
    expect(daysBetween('2025-01-01', '2026-01-01')).toBe(365);
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2025-03-01', '2025-02-01')).toBe(-28);
    expect(daysBetween('0001-01-01', '9999-12-31')).toBe(3_652_058);
  });

  test('refuses results outside years 0001–9999 and non-integer steps', () => {
    expect(() => addDays('9999-12-31', 1)).toThrow(/out of range/);
    expect(() => addDays('0001-01-01', -1)).toThrow(PeriodError);
    expect(() => addDays('2025-01-01', 0.5)).toThrow(PeriodError);
  });

  test('compares dates', () => {
    expect(compareDates('2025-01-01', '2025-01-02')).toBe(-1);
    expect(compareDates('2025-01-02', '2025-01-01')).toBe(1);
    expect(compareDates('2025-01-01', '2025-01-01')).toBe(0);
  });

  test('gives the ISO day of the week, Monday = 1', () => {
    expect(dayOfWeek('1970-01-01')).toBe(4); // Thursday
    expect(dayOfWeek('2025-01-01')).toBe(3); // Wednesday
    expect(dayOfWeek('2025-07-13')).toBe(7); // Sunday
    expect(dayOfWeek('2025-07-14')).toBe(1); // Monday
    expect(dayOfWeek('1969-12-29')).toBe(1); // Monday before the epoch
  });

  test('day numbers agree with the UTC calendar for any date (property)', () => {
    fc.assert(fc.property(dateArb, dateArb, (a, b) => {
      expect(daysBetween(a.iso, b.iso)).toBe(utcDay(b.y, b.m, b.d) - utcDay(a.y, a.m, a.d));
    }));
  });

  test('addDays and daysBetween are inverse (property)', () => {
    fc.assert(fc.property(dateArb, fc.integer({ min: -100_000, max: 100_000 }), (a, n) => {
      let b: string;
      try {
        b = addDays(a.iso, n);
      } catch (e) {
        expect(e).toBeInstanceOf(PeriodError); // out of the 0001–9999 range
        return;
      }
      expect(isIsoDate(b)).toBe(true);
      expect(daysBetween(a.iso, b)).toBe(n);
      expect(compareDates(b, a.iso)).toBe(Math.sign(n) + 0);
    }));
  });

  test('the day of the week advances by one each day (property)', () => {
    fc.assert(fc.property(dateArb.filter((d) => d.iso < '9999-12-31'), (a) => {
      expect(dayOfWeek(addDays(a.iso, 1))).toBe((dayOfWeek(a.iso) % 7) + 1);
    }));
  });
});

describe('parsePeriod', () => {
  test('reads every accepted form', () => {
    expect(parsePeriod('2025')).toEqual({ kind: 'year', start: '2025-01-01', end: '2025-12-31', label: '2025' });
    expect(parsePeriod('2025-H1')).toEqual({ kind: 'half', start: '2025-01-01', end: '2025-06-30', label: '2025-H1' });
    expect(parsePeriod('2025-H2')).toEqual({ kind: 'half', start: '2025-07-01', end: '2025-12-31', label: '2025-H2' });
    expect(parsePeriod('2025-Q3')).toEqual({ kind: 'quarter', start: '2025-07-01', end: '2025-09-30', label: '2025-Q3' });
    expect(parsePeriod('2025-07')).toEqual({ kind: 'month', start: '2025-07-01', end: '2025-07-31', label: '2025-07' });
    expect(parsePeriod('2025-07-15')).toEqual({ kind: 'day', start: '2025-07-15', end: '2025-07-15', label: '2025-07-15' });
  });

  test('gets the quarter boundaries right', () => {
    expect(parsePeriod('2025-Q1')).toMatchObject({ start: '2025-01-01', end: '2025-03-31' });
    expect(parsePeriod('2024-Q1')).toMatchObject({ start: '2024-01-01', end: '2024-03-31' });
    expect(parsePeriod('2025-Q2')).toMatchObject({ start: '2025-04-01', end: '2025-06-30' });
    expect(parsePeriod('2025-Q4')).toMatchObject({ start: '2025-10-01', end: '2025-12-31' });
  });

  test('ends February on the right day', () => {
    expect(parsePeriod('2024-02').end).toBe('2024-02-29');
    expect(parsePeriod('2025-02').end).toBe('2025-02-28');
    expect(parsePeriod('1900-02').end).toBe('1900-02-28');
    expect(parsePeriod('2000-02').end).toBe('2000-02-29');
  });

  test('rejects anything else, naming the input and the accepted forms', () => {
    for (const bad of ['25', '2025-Q5', '2025-Q0', '2025-H3', '2025-13', '2025-00', '2025-02-30', '2025q3', '2025-q3',
      '2025-W01', '2025/07', ' 2025', '0000', '']) {
      expect(() => parsePeriod(bad)).toThrow(PeriodError);
    }
    expect(() => parsePeriod('2025-Q5')).toThrow(/"2025-Q5".*YYYY-Q1/);
  });

  test('round-trips with formatPeriod (property)', () => {
    fc.assert(fc.property(labelArb, (label) => {
      const p = parsePeriod(label);
      expect(p.label).toBe(label);
      expect(formatPeriod(p)).toBe(label);
      expect(parsePeriod(formatPeriod(p))).toEqual(p);
      expect(JSON.parse(JSON.stringify(p))).toEqual(p);
    }));
  });
});

describe('formatPeriod', () => {
  test('recomputes the canonical label from kind and dates', () => {
    expect(formatPeriod({ kind: 'quarter', start: '2025-07-01', end: '2025-09-30', label: 'stale' })).toBe('2025-Q3');
  });

  test('throws when the dates do not match the kind', () => {
    expect(() => formatPeriod({ kind: 'quarter', start: '2025-07-01', end: '2025-08-31', label: '' })).toThrow(PeriodError);
    expect(() => formatPeriod({ kind: 'month', start: '2025-07-02', end: '2025-08-01', label: '' })).toThrow(PeriodError);
  });
});

describe('periodOf', () => {
  test('finds the period of each kind containing a date', () => {
    expect(periodOf('day', '2025-08-15').label).toBe('2025-08-15');
    expect(periodOf('month', '2025-08-15').label).toBe('2025-08');
    expect(periodOf('quarter', '2025-08-15').label).toBe('2025-Q3');
    expect(periodOf('quarter', '2025-09-30').label).toBe('2025-Q3');
    expect(periodOf('quarter', '2025-10-01').label).toBe('2025-Q4');
    expect(periodOf('half', '2025-06-30').label).toBe('2025-H1');
    expect(periodOf('half', '2025-07-01').label).toBe('2025-H2');
    expect(periodOf('year', '2025-08-15').label).toBe('2025');
  });

  test('rejects unknown kinds and bad dates', () => {
    expect(() => periodOf('week' as PeriodKind, '2025-01-01')).toThrow(/unknown period kind "week"/);
    expect(() => periodOf('month', '2025-02-29')).toThrow(PeriodError);
  });

  test('the period of a date contains it (property)', () => {
    fc.assert(fc.property(fc.constantFrom(...PERIOD_KINDS), dateArb, (kind, d) => {
      const p = periodOf(kind, d.iso);
      expect(p.kind).toBe(kind);
      expect(contains(p, d.iso)).toBe(true);
      expect(periodOf(kind, p.start)).toEqual(p);
      expect(periodOf(kind, p.end)).toEqual(p);
    }));
  });
});

describe('next and previous', () => {
  test('step across year boundaries', () => {
    expect(next(parsePeriod('2025-12')).label).toBe('2026-01');
    expect(next(parsePeriod('2025-Q4')).label).toBe('2026-Q1');
    expect(next(parsePeriod('2025-H2')).label).toBe('2026-H1');
    expect(next(parsePeriod('2025')).label).toBe('2026');
    expect(next(parsePeriod('2025-12-31')).label).toBe('2026-01-01');
    expect(previous(parsePeriod('2025-01')).label).toBe('2024-12');
    expect(previous(parsePeriod('2025-Q1')).label).toBe('2024-Q4');
    expect(previous(parsePeriod('2024-03-01')).label).toBe('2024-02-29');
  });

  test('take a step count', () => {
    expect(next(parsePeriod('2025-11'), 3).label).toBe('2026-02');
    expect(next(parsePeriod('2025-Q1'), -5).label).toBe('2023-Q4');
    expect(previous(parsePeriod('2025'), 25).label).toBe('2000');
    expect(next(parsePeriod('2025-07'), 0).label).toBe('2025-07');
  });

  test('throw past year 9999', () => {
    expect(() => next(parsePeriod('9999'))).toThrow(/out of range/);
    expect(() => previous(parsePeriod('0001-Q1'))).toThrow(PeriodError);
  });

  test('next follows directly after the end and previous undoes it (property)', () => {
    fc.assert(fc.property(labelArb, (label) => {
      const p = parsePeriod(label);
      if (p.end === '9999-12-31' || p.start === '0001-01-01') return;
      const n = next(p);
      expect(n.kind).toBe(p.kind);
      expect(n.start).toBe(addDays(p.end, 1));
      expect(previous(n)).toEqual(p);
      expect(previous(p).end).toBe(addDays(p.start, -1));
    }));
  });
});

describe('days', () => {
  test('counts the days in each kind of period', () => {
    expect(days(parsePeriod('2025'))).toBe(365);
    expect(days(parsePeriod('2024'))).toBe(366);
    expect(days(parsePeriod('1900'))).toBe(365);
    expect(days(parsePeriod('2000'))).toBe(366);
    expect(days(parsePeriod('2025-H1'))).toBe(181);
    expect(days(parsePeriod('2024-H1'))).toBe(182);
    expect(days(parsePeriod('2025-H2'))).toBe(184);
    expect(days(parsePeriod('2025-Q1'))).toBe(90);
    expect(days(parsePeriod('2025-Q3'))).toBe(92);
    expect(days(parsePeriod('2025-02'))).toBe(28);
    expect(days(parsePeriod('2025-07-15'))).toBe(1);
  });
});

describe('contains and overlaps', () => {
  const q3 = parsePeriod('2025-Q3');

  test('contains includes both edges and nothing beyond', () => {
    expect(contains(q3, '2025-07-01')).toBe(true);
    expect(contains(q3, '2025-09-30')).toBe(true);
    expect(contains(q3, '2025-06-30')).toBe(false);
    expect(contains(q3, '2025-10-01')).toBe(false);
  });

  test('contains accepts periods and period labels', () => {
    expect(contains(q3, '2025-08')).toBe(true);
    expect(contains(q3, parsePeriod('2025-09'))).toBe(true);
    expect(contains(q3, q3)).toBe(true);
    expect(contains(q3, '2025-H2')).toBe(false);
    expect(contains(parsePeriod('2025-H2'), q3)).toBe(true);
    expect(() => contains(q3, '2025-02-30')).toThrow(PeriodError);
  });

  test('overlaps needs at least one shared day', () => {
    expect(overlaps(q3, parsePeriod('2025-09-30'))).toBe(true);
    expect(overlaps(q3, parsePeriod('2025-10'))).toBe(false);
    expect(overlaps(q3, parsePeriod('2025-06'))).toBe(false);
    expect(overlaps(q3, parsePeriod('2025'))).toBe(true);
    expect(overlaps(parsePeriod('2025'), q3)).toBe(true);
    expect(overlaps(parsePeriod('2025-H1'), parsePeriod('2025-H2'))).toBe(false);
  });
});

describe('iterate', () => {
  const all = (p: Period, kind: PeriodKind): string[] => [...iterate(p, kind)].map((q) => q.label);

  test('yields the sub-periods in order', () => {
    expect(all(parsePeriod('2025'), 'month')).toEqual([
      '2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06',
      '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12',
    ]);
    expect(all(parsePeriod('2025'), 'quarter')).toEqual(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']);
    expect(all(parsePeriod('2025'), 'half')).toEqual(['2025-H1', '2025-H2']);
    expect(all(parsePeriod('2025-H2'), 'quarter')).toEqual(['2025-Q3', '2025-Q4']);
    expect(all(parsePeriod('2025-Q3'), 'month')).toEqual(['2025-07', '2025-08', '2025-09']);
    expect(all(parsePeriod('2025-Q3'), 'quarter')).toEqual(['2025-Q3']);
    expect(all(parsePeriod('2025-07-15'), 'day')).toEqual(['2025-07-15']);
  });

  test('counts the days of years and quarters', () => {
    expect(all(parsePeriod('2025'), 'day')).toHaveLength(365);
    expect(all(parsePeriod('2024'), 'day')).toHaveLength(366);
    expect(all(parsePeriod('2025-Q3'), 'day')).toHaveLength(92);
    const feb = all(parsePeriod('2024-02'), 'day');
    expect(feb[0]).toBe('2024-02-01');
    expect(feb.at(-1)).toBe('2024-02-29');
  });

  test('works at the last representable year', () => {
    expect(all(parsePeriod('9999'), 'quarter')).toHaveLength(4);
  });

  test('throws if the kind is coarser than the period', () => {
    expect(() => iterate(parsePeriod('2025-Q3'), 'year')).toThrow(/coarser/);
    expect(() => [...iterate(parsePeriod('2025-07'), 'quarter')]).toThrow(PeriodError);
    expect(() => [...iterate(parsePeriod('2025-07-01'), 'month')]).toThrow(PeriodError);
  });

  test('sub-periods tile the period without gaps or overlaps (property)', () => {
    const pairArb = fc.tuple(labelArb, fc.constantFrom(...PERIOD_KINDS))
      .filter(([label, kind]) => PERIOD_KINDS.indexOf(kind) <= PERIOD_KINDS.indexOf(parsePeriod(label).kind));
    fc.assert(fc.property(pairArb, ([label, kind]) => {
      const p = parsePeriod(label);
      const parts = [...iterate(p, kind)];
      expect(parts[0]?.start).toBe(p.start);
      expect(parts.at(-1)?.end).toBe(p.end);
      parts.forEach((q, i) => {
        expect(q.kind).toBe(kind);
        const prev = parts[i - 1];
        if (prev !== undefined) expect(q.start).toBe(addDays(prev.end, 1));
      });
      expect(parts.reduce((n, q) => n + days(q), 0)).toBe(days(p));
    }));
  });
});

describe('periodRange', () => {
  test('lists periods from one to another inclusive', () => {
    expect(periodRange('2025-11', '2026-02').map((p) => p.label)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(periodRange(parsePeriod('2025-Q3'), parsePeriod('2025-Q3')).map((p) => p.label)).toEqual(['2025-Q3']);
    expect(periodRange('2024-02-28', '2024-03-01')).toHaveLength(3);
    expect(periodRange('9998', '9999')).toHaveLength(2);
  });

  test('is empty when the end is before the start', () => {
    expect(periodRange('2026', '2025')).toEqual([]);
  });

  test('throws when the kinds differ', () => {
    expect(() => periodRange('2025', '2025-Q1')).toThrow(/year.*quarter/);
  });
});
