import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  ratioOf,
  MoneyError, ROUNDING_MODES, add, allocate, assertFen, clamp, divRound, fen, formatFen, isRounding,
  max, min, mulDiv, mulRate, neg, sub, sum, yuanToFen,
} from './money.js';
import type { Rounding } from './money.js';

const MAX = Number.MAX_SAFE_INTEGER;

/** Reference rounding of the exact rational n/d, written independently of the module. */
function refRound(n: bigint, d: bigint, mode: Rounding): bigint {
  if (d < 0n) return refRound(-n, -d, mode);
  const floor = n >= 0n ? n / d : -((-n + d - 1n) / d);
  const ceil = floor * d === n ? floor : floor + 1n;
  if (floor === ceil) return floor;
  // compare the fractional part n/d − floor with 1/2
  const frac2 = 2n * (n - floor * d); // 2 × fractional part × d
  const towardZero = n < 0n ? ceil : floor;
  const awayFromZero = n < 0n ? floor : ceil;
  switch (mode) {
    case 'floor': return floor;
    case 'ceil': return ceil;
    case 'down': return towardZero;
    case 'up': return awayFromZero;
    case 'halfUp':
    case 'halfDown':
    case 'halfEven':
      if (frac2 < d) return floor;
      if (frac2 > d) return ceil;
      if (mode === 'halfUp') return awayFromZero;
      if (mode === 'halfDown') return towardZero;
      return floor % 2n === 0n ? floor : ceil;
  }
}

const fenArb = fc.integer({ min: -MAX, max: MAX });
const smallFenArb = fc.integer({ min: -1_000_000_000, max: 1_000_000_000 });
const modeArb = fc.constantFrom(...ROUNDING_MODES);

describe('fen and assertFen', () => {
  test('accepts safe integers, including the extremes', () => {
    expect(fen(0)).toBe(0);
    expect(fen(MAX)).toBe(MAX);
    expect(fen(-MAX)).toBe(-MAX);
    expect(() => assertFen(123456)).not.toThrow();
  });

  test('normalises negative zero to zero', () => {
    expect(Object.is(fen(-0), 0)).toBe(true);
  });

  test('rejects non-integers, NaN, infinities and unsafe integers with a MoneyError', () => {
    for (const bad of [0.5, NaN, Infinity, -Infinity, MAX + 1, -(MAX + 1), 1e300]) {
      expect(() => fen(bad)).toThrow(MoneyError);
    }
  });

  test('rejects values that are not numbers', () => {
    for (const bad of ['1', 1n, null, undefined, {}]) {
      expect(() => assertFen(bad)).toThrow(MoneyError);
    }
  });

  test('names the checked value in the message', () => {
    expect(() => assertFen(1.5, 'hospital budget')).toThrow(/hospital budget/);
    expect(() => fen(NaN, 'claim total')).toThrow(/claim total.*NaN/);
  });
});

describe('rounding modes', () => {
  test('lists the seven modes', () => {
    expect([...ROUNDING_MODES].sort()).toEqual(['ceil', 'down', 'floor', 'halfDown', 'halfEven', 'halfUp', 'up']);
  });

  test('isRounding accepts exactly the mode names', () => {
    for (const m of ROUNDING_MODES) expect(isRounding(m)).toBe(true);
    for (const x of ['HALF_UP', 'half-up', '', 1, null, undefined]) expect(isRounding(x)).toBe(false);
  });

  test('an unknown mode name throws', () => {
    expect(() => mulRate(100, 0.5, 'nearest' as Rounding)).toThrow(/unknown rounding mode "nearest"/);
    expect(() => yuanToFen('1.005', 'banker' as Rounding)).toThrow(MoneyError);
  });

  test.each([
    // amount/10 for amount = 25, 15, -25, -15, 21, -21, 29, -29
    ['halfUp', [3, 2, -3, -2, 2, -2, 3, -3]],
    ['halfEven', [2, 2, -2, -2, 2, -2, 3, -3]],
    ['halfDown', [2, 1, -2, -1, 2, -2, 3, -3]],
    ['up', [3, 2, -3, -2, 3, -3, 3, -3]],
    ['down', [2, 1, -2, -1, 2, -2, 2, -2]],
    ['floor', [2, 1, -3, -2, 2, -3, 2, -3]],
    ['ceil', [3, 2, -2, -1, 3, -2, 3, -2]],
  ] as const)('%s rounds ties and non-ties as documented', (mode, expected) => {
    const amounts = [25, 15, -25, -15, 21, -21, 29, -29];
    expect(amounts.map((a) => divRound(a, 10, mode))).toEqual(expected);
  });
});

describe('yuanToFen', () => {
  test('parses decimal strings exactly', () => {
    expect(yuanToFen('1234.56')).toBe(123456);
    expect(yuanToFen('0.01')).toBe(1);
    expect(yuanToFen('-0.01')).toBe(-1);
    expect(yuanToFen('12')).toBe(1200);
    expect(yuanToFen('12.5')).toBe(1250);
    expect(yuanToFen('.5')).toBe(50);
    expect(yuanToFen('7.')).toBe(700);
    expect(yuanToFen('+3.10')).toBe(310);
    expect(yuanToFen(' 8.88 ')).toBe(888);
  });

  test('converts numbers through their shortest decimal string', () => {
    expect(yuanToFen(1234.56)).toBe(123456);
    expect(yuanToFen(0.1 + 0.2, 'halfUp')).toBe(30); // 0.30000000000000004
    expect(yuanToFen(19.99)).toBe(1999);
    expect(yuanToFen(-5)).toBe(-500);
    expect(yuanToFen(1e10)).toBe(1e12);
  });

  test('accepts trailing zeros beyond the fen because the value is still exact', () => {
    expect(yuanToFen('1.230')).toBe(123);
    expect(yuanToFen('100.0000')).toBe(10000);
  });

  test('throws on more than 2 significant decimals unless a rounding mode is given', () => {
    expect(() => yuanToFen('0.125')).toThrow(/more than 2 decimals/);
    expect(() => yuanToFen(0.1 + 0.2)).toThrow(MoneyError);
    expect(yuanToFen('0.125', 'halfUp')).toBe(13);
    expect(yuanToFen('0.125', 'halfEven')).toBe(12);
    expect(yuanToFen('-0.125', 'halfUp')).toBe(-13);
    expect(yuanToFen('0.129', 'down')).toBe(12);
    expect(yuanToFen('-0.121', 'floor')).toBe(-13);
  });

  test('rejects malformed strings naming the input', () => {
    for (const bad of ['', '1,234.56', '1e3', 'abc', '12.3.4', '¥12', '--1', '.']) {
      expect(() => yuanToFen(bad)).toThrow(MoneyError);
    }
    expect(() => yuanToFen('1,234.56')).toThrow(/"1,234.56"/);
  });

  test('rejects non-finite numbers and amounts beyond the safe range', () => {
    expect(() => yuanToFen(NaN)).toThrow(MoneyError);
    expect(() => yuanToFen(Infinity)).toThrow(MoneyError);
    expect(() => yuanToFen('90071992547409.92')).toThrow(/overflows/);
    expect(yuanToFen('90071992547409.91')).toBe(MAX);
  });

  test('round-trips with formatFen for any safe amount (property)', () => {
    fc.assert(fc.property(fenArb, (x) => {
      expect(yuanToFen(formatFen(x, { symbol: false, grouping: false }))).toBe(x);
    }));
  });
});

describe('add, sub, sum, neg', () => {
  test('adds any number of amounts', () => {
    expect(add()).toBe(0);
    expect(add(1)).toBe(1);
    expect(add(1, 2, 3, -4)).toBe(2);
    expect(sum([100, 250, -50])).toBe(300);
    expect(sum(new Set([1, 2]))).toBe(3);
    expect(sub(10, 25)).toBe(-15);
    expect(neg(5)).toBe(-5);
    expect(Object.is(neg(0), 0)).toBe(true);
  });

  test('tolerates an intermediate total beyond the safe range if the result is safe', () => {
    expect(add(MAX, 1, -1)).toBe(MAX);
    expect(sum([MAX, MAX, -MAX])).toBe(MAX);
  });

  test('throws beyond the safe range', () => {
    expect(() => add(MAX, 1)).toThrow(/overflows/);
    expect(() => sum([-MAX, -1])).toThrow(MoneyError);
    expect(() => sub(-MAX, 1)).toThrow(MoneyError);
  });

  test('rejects invalid operands, naming their position', () => {
    expect(() => add(1, 0.5)).toThrow(/add\[1\]/);
    expect(() => sum([1, 2, NaN])).toThrow(/sum\[2\]/);
    expect(() => sub(1, Infinity)).toThrow(MoneyError);
  });

  test('add throws exactly when the true sum leaves the safe range (property)', () => {
    fc.assert(fc.property(fc.array(fenArb, { maxLength: 6 }), (xs) => {
      const exact = xs.reduce((a, b) => a + BigInt(b), 0n);
      const safe = exact <= BigInt(MAX) && exact >= -BigInt(MAX);
      if (safe) expect(add(...xs)).toBe(Number(exact));
      else expect(() => add(...xs)).toThrow(MoneyError);
    }));
  });
});

describe('min, max, clamp', () => {
  test('pick the extreme amount', () => {
    expect(min(3, -2, 7)).toBe(-2);
    expect(max(3, -2, 7)).toBe(7);
  });

  test('need at least one valid amount', () => {
    expect(() => min()).toThrow(MoneyError);
    expect(() => max()).toThrow(MoneyError);
    expect(() => max(1, 1.5)).toThrow(MoneyError);
  });

  test('clamp limits to the inclusive range', () => {
    expect(clamp(5, 0, 10)).toBe(5);
    expect(clamp(-5, 0, 10)).toBe(0);
    expect(clamp(15, 0, 10)).toBe(10);
    expect(clamp(10, 10, 10)).toBe(10);
  });

  test('clamp throws when lo is above hi', () => {
    expect(() => clamp(5, 10, 0)).toThrow(/lo 10 is greater than hi 0/);
  });
});

describe('ratioOf', () => {
  test('A decimal parameter reads exactly as the fraction it prints as', () => {
    expect(ratioOf(0.85)).toEqual({ num: 85n, den: 100n });
    expect(ratioOf(8.5)).toEqual({ num: 85n, den: 10n });
    expect(ratioOf(-0.002)).toEqual({ num: -2n, den: 1000n });
    expect(ratioOf(1e-7)).toEqual({ num: 1n, den: 10_000_000n });
    expect(ratioOf(3)).toEqual({ num: 3n, den: 1n });
    expect(() => ratioOf(Number.NaN, 'months')).toThrow(/months must be a finite number/);
  });
});

describe('mulRate', () => {
  test('rounds half up to the fen by default', () => {
    expect(mulRate(12345, 0.85)).toBe(10493); // 10493.25
    expect(mulRate(1, 0.5)).toBe(1);
    expect(mulRate(-1, 0.5)).toBe(-1);
    expect(mulRate(3, 0.5)).toBe(2);
  });

  test('reads number rates exactly through their shortest decimal string', () => {
    // In doubles 100 × 1.005 = 100.49999999999999; exactly it is 100.5, which rounds half up to 101.
    expect(mulRate(100, 1.005)).toBe(101);
    expect(mulRate(10, 0.15)).toBe(2);
    expect(mulRate(100000, 1.035)).toBe(103500);
    expect(mulRate(201, 1.035)).toBe(208); // 208.035
    expect(mulRate(1000, 0.07)).toBe(70);
    expect(mulRate(5, 1e-1)).toBe(1); // 0.5
    expect(mulRate(7, 1e6)).toBe(7_000_000);
    expect(mulRate(7, 2.5e-7, 'up')).toBe(1); // 1.75e-6
    expect(() => mulRate(7, 1e21)).toThrow(MoneyError);
  });

  test('honours every rounding mode', () => {
    expect(mulRate(5, 0.5, 'halfUp')).toBe(3);
    expect(mulRate(5, 0.5, 'halfEven')).toBe(2);
    expect(mulRate(5, 0.5, 'halfDown')).toBe(2);
    expect(mulRate(12345, 0.85, 'up')).toBe(10494);
    expect(mulRate(-12345, 0.85, 'floor')).toBe(-10494);
    expect(mulRate(-12345, 0.85, 'ceil')).toBe(-10493);
    expect(mulRate(-12345, 0.85, 'down')).toBe(-10493);
  });

  test('accepts a rational rate with number or bigint parts', () => {
    expect(mulRate(100, { num: 1, den: 3 })).toBe(33);
    expect(mulRate(200, { num: 1n, den: 3n })).toBe(67);
    expect(mulRate(100, { num: -2, den: 3 })).toBe(-67);
    expect(mulRate(100, { num: 2, den: -3 })).toBe(-67);
  });

  test('rejects bad rates', () => {
    expect(() => mulRate(100, NaN)).toThrow(MoneyError);
    expect(() => mulRate(100, Infinity)).toThrow(MoneyError);
    expect(() => mulRate(100, { num: 1, den: 0 })).toThrow(/division by zero/);
    expect(() => mulRate(100, { num: 0.5, den: 1 })).toThrow(/rate.num/);
  });

  test('uses exact big arithmetic when the product leaves the safe range', () => {
    expect(mulRate(MAX, 0.5, 'down')).toBe(Math.floor(MAX / 2));
    expect(mulRate(MAX, { num: 3, den: 3 })).toBe(MAX);
    expect(() => mulRate(MAX, 2)).toThrow(/overflows/);
  });

  test('mulRate(x, 1) is x (property)', () => {
    fc.assert(fc.property(fenArb, modeArb, (x, mode) => {
      expect(mulRate(x, 1, mode)).toBe(x);
      expect(mulRate(x, { num: 7n, den: 7n }, mode)).toBe(x);
    }));
  });

  test('agrees with a BigInt reference for random amounts, decimal rates and modes (property)', () => {
    const rateArb = fc.tuple(fc.integer({ min: -2_000_000, max: 2_000_000 }), fc.integer({ min: 0, max: 6 }))
      .map(([units, places]) => units / 10 ** places);
    fc.assert(fc.property(fenArb, rateArb, modeArb, (x, rate, mode) => {
      // The reference reads the rate from its string form independently of the module.
      const [mant = '0', exp = '0'] = String(rate).split('e');
      const [i = '0', f = ''] = mant.replace('-', '').split('.');
      const e = Number(exp) - f.length;
      let num = BigInt(i + f) * (rate < 0 ? -1n : 1n);
      let den = 1n;
      if (e >= 0) num *= 10n ** BigInt(e);
      else den = 10n ** BigInt(-e);
      const expected = refRound(BigInt(x) * num, den, mode);
      if (expected > BigInt(MAX) || expected < -BigInt(MAX)) {
        expect(() => mulRate(x, rate, mode)).toThrow(MoneyError);
      } else {
        expect(mulRate(x, rate, mode)).toBe(Number(expected));
      }
    }));
  });

  test('agrees with a BigInt reference for rational rates (property)', () => {
    fc.assert(fc.property(
      smallFenArb, fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
      fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.boolean(), modeArb,
      (x, num, den, negDen, mode) => {
        const d = negDen ? -den : den;
        const expected = refRound(BigInt(x) * num, d, mode);
        if (expected > BigInt(MAX) || expected < -BigInt(MAX)) {
          expect(() => mulRate(x, { num, den: d }, mode)).toThrow(MoneyError);
        } else {
          expect(mulRate(x, { num, den: d }, mode)).toBe(Number(expected));
        }
      },
    ));
  });
});

describe('mulDiv and divRound', () => {
  test('mulDiv multiplies then divides with one rounding', () => {
    expect(mulDiv(1000, 1, 3)).toBe(333);
    expect(mulDiv(1000, 2, 3)).toBe(667);
    expect(mulDiv(1000, 2, 3, 'down')).toBe(666);
    expect(mulDiv(MAX, MAX, MAX)).toBe(MAX);
    expect(mulDiv(10, 10n ** 30n, 10n ** 30n)).toBe(10);
  });

  test('divRound divides by an integer', () => {
    expect(divRound(100, 3)).toBe(33);
    expect(divRound(-100, 3)).toBe(-33);
    expect(divRound(5, 2)).toBe(3);
    expect(divRound(5, 2, 'halfEven')).toBe(2);
    expect(divRound(100, -3, 'floor')).toBe(-34);
  });

  test('both refuse division by zero and non-integer operands', () => {
    expect(() => divRound(1, 0)).toThrow(/division by zero/);
    expect(() => mulDiv(1, 1, 0)).toThrow(MoneyError);
    expect(() => divRound(1, 1.5)).toThrow(/divisor/);
    expect(() => mulDiv(1.5, 1, 1)).toThrow(MoneyError);
  });

  test('divRound agrees with the reference for all modes (property)', () => {
    fc.assert(fc.property(fenArb, fc.integer({ min: -1e6, max: 1e6 }).filter((d) => d !== 0), modeArb, (x, d, mode) => {
      expect(divRound(x, d, mode)).toBe(Number(refRound(BigInt(x), BigInt(d), mode)));
    }));
  });
});

describe('allocate', () => {
  test('splits by the largest remainder, ties to the lower index', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(200, [1, 1, 1])).toEqual([67, 67, 66]);
    expect(allocate(10, [0.5, 0.3, 0.2])).toEqual([5, 3, 2]);
    expect(allocate(1, [1, 1])).toEqual([1, 0]);
    expect(allocate(7, [1, 2, 4])).toEqual([1, 2, 4]);
    expect(allocate(5, [0.1, 0.2, 0.3])).toEqual([1, 2, 2]); // exact shares 0.8333, 1.6667, 2.5
  });

  test('reads decimal shares exactly', () => {
    // 0.1 + 0.2 ≠ 0.3 in floating point, but as decimals the weights are exactly 1 : 2 : 3.
    expect(allocate(600, [0.1, 0.2, 0.3])).toEqual([100, 200, 300]);
    expect(allocate(3, [1e-7, 2e-7])).toEqual([1, 2]);
  });

  test('gives nothing to zero shares', () => {
    expect(allocate(100, [0, 1, 0, 1])).toEqual([0, 50, 0, 50]);
    expect(allocate(1, [0, 0, 5])).toEqual([0, 0, 1]);
  });

  test('allocates the magnitude of a negative total and negates it', () => {
    expect(allocate(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
    expect(allocate(0, [1, 2])).toEqual([0, 0]);
    expect(allocate(0, [1, 2]).every((x) => Object.is(x, 0))).toBe(true);
  });

  test('throws a clear MoneyError for all-zero or empty shares', () => {
    expect(() => allocate(100, [0, 0])).toThrow(/all zero/);
    expect(() => allocate(100, [])).toThrow(/no shares/);
    expect(() => allocate(100, [0, 0], { what: 'drug budget' })).toThrow(/drug budget/);
    expect(() => allocate(100, [0, 0])).toThrow(MoneyError);
  });

  test('rejects negative or non-finite shares and a non-fen total', () => {
    expect(() => allocate(100, [1, -1])).toThrow(/share\[1\]/);
    expect(() => allocate(100, [1, NaN])).toThrow(MoneyError);
    expect(() => allocate(100, [Infinity])).toThrow(MoneyError);
    expect(() => allocate(1.5, [1])).toThrow(MoneyError);
  });

  test('gives the same parts on its integer fast path as on its exact decimal path (property)', () => {
    // Integer shares take the double-arithmetic path; the same shares divided by 10 are decimals and
    // take the BigInt path. The proportions are equal, so the parts must be.
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.array(fc.integer({ min: 0, max: 1e6 }), { minLength: 1, maxLength: 8 }).filter((a) => a.some((x) => x > 0)), (t, shares) => {
        expect(allocate(t, shares)).toEqual(allocate(t, shares.map((x) => x / 10)));
      }),
      { seed: 11, numRuns: 2000 },
    );
  });

  test('works for the largest totals', () => {
    const parts = allocate(MAX, [1, 1, 1]);
    expect(parts.reduce((a, b) => a + BigInt(b), 0n)).toBe(BigInt(MAX));
  });

  const sharesArb = fc.array(
    fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 1000, noNaN: true }), fc.constant(0)),
    { minLength: 1, maxLength: 12 },
  ).filter((s) => s.some((x) => x > 0));

  test('parts sum to the total and each is within 1 fen of its exact share (property)', () => {
    fc.assert(fc.property(fenArb, sharesArb, (total, shares) => {
      const parts = allocate(total, shares);
      expect(parts).toHaveLength(shares.length);
      expect(parts.reduce((a, b) => a + BigInt(b), 0n)).toBe(BigInt(total));
      // Exact share of part i = total × w_i / W with the shares as exact decimals (via toString).
      const dec = shares.map((s) => {
        const [m = '0', e = '0'] = String(s).split('e');
        const [i = '0', f = ''] = m.split('.');
        return { digits: BigInt(i + f), scale: f.length - Number(e) };
      });
      const scale = Math.max(0, ...dec.map((d) => d.scale));
      const w = dec.map((d) => d.digits * 10n ** BigInt(scale - d.scale));
      const W = w.reduce((a, b) => a + b, 0n);
      parts.forEach((p, i) => {
        const wi = w[i] ?? 0n;
        // |p − total·wi/W| < 1  ⇔  |p·W − total·wi| < W
        const diff = BigInt(p) * W - BigInt(total) * wi;
        expect(diff < W && diff > -W).toBe(true);
        if (wi === 0n) expect(p).toBe(0);
      });
    }));
  });

  test('is deterministic and keeps the sign of the total (property)', () => {
    fc.assert(fc.property(smallFenArb, sharesArb, (total, shares) => {
      const a = allocate(total, shares);
      expect(allocate(total, shares)).toEqual(a);
      for (const p of a) expect(total < 0 ? p <= 0 : p >= 0).toBe(true);
      expect(allocate(-total, shares)).toEqual(a.map((p) => -p + 0));
    }));
  });
});

describe('formatFen', () => {
  test('formats yuan with the symbol and thousands separators', () => {
    expect(formatFen(123456)).toBe('¥1,234.56');
    expect(formatFen(-123456)).toBe('-¥1,234.56');
    expect(formatFen(0)).toBe('¥0.00');
    expect(formatFen(-0)).toBe('¥0.00');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(-5)).toBe('-¥0.05');
    expect(formatFen(100)).toBe('¥1.00');
    expect(formatFen(100000000)).toBe('¥1,000,000.00');
    expect(formatFen(MAX)).toBe('¥90,071,992,547,409.91');
  });

  test('can leave out the symbol and the grouping', () => {
    expect(formatFen(123456, { symbol: false })).toBe('1,234.56');
    expect(formatFen(-123456, { symbol: false })).toBe('-1,234.56');
    expect(formatFen(123456789, { grouping: false })).toBe('¥1234567.89');
  });

  test('rejects amounts that are not fen', () => {
    expect(() => formatFen(1.5)).toThrow(MoneyError);
  });
});
