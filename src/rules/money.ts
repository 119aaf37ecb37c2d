/**
 * Money as integer fen (分).
 *
 * Every amount is a JS number holding a safe integer count of fen (1 yuan 元 = 100 fen). All
 * arithmetic here is exact: rates and shares are turned into exact rationals (a number through its
 * shortest decimal string, so 0.85 is 85/100, never 0.84999…) and products are rounded once, by a
 * named rounding mode. Operations throw `MoneyError` instead of silently losing precision.
 */

/** An amount of money in integer fen (分). Always a safe integer. */
export type Fen = number;

/** Thrown for invalid amounts, overflow beyond the safe-integer range, bad rates or bad shares. */
export class MoneyError extends Error {
  override name = 'MoneyError';
}

/**
 * Rounding modes, by name:
 * - `halfUp`: to nearest, ties away from zero (四舍五入, the default in Chinese finance);
 * - `halfEven`: to nearest, ties to even (banker's rounding);
 * - `halfDown`: to nearest, ties toward zero;
 * - `up`: away from zero; `down`: toward zero (truncate);
 * - `floor`: toward −∞; `ceil`: toward +∞.
 */
export type Rounding = 'halfUp' | 'halfEven' | 'halfDown' | 'up' | 'down' | 'floor' | 'ceil';

/** All rounding mode names. */
export const ROUNDING_MODES: readonly Rounding[] = Object.freeze([
  'halfUp', 'halfEven', 'halfDown', 'up', 'down', 'floor', 'ceil',
] as const);

/** True if `x` names a rounding mode. */
export function isRounding(x: unknown): x is Rounding {
  return typeof x === 'string' && (ROUNDING_MODES as readonly string[]).includes(x);
}

/** An exact rate as a fraction `num / den` (den ≠ 0). Integers given as numbers must be safe. */
export interface Ratio {
  readonly num: bigint | number;
  readonly den: bigint | number;
}

const MAX = Number.MAX_SAFE_INTEGER;
const MAX_BIG = BigInt(MAX);

function show(x: unknown): string {
  if (typeof x === 'string') return JSON.stringify(x);
  if (typeof x === 'bigint') return `${x}n`;
  return String(x);
}

/** Throws `MoneyError` unless `x` is a safe integer number of fen; `what` names it in the message. */
export function assertFen(x: unknown, what = 'amount'): asserts x is Fen {
  if (typeof x !== 'number' || !Number.isSafeInteger(x)) {
    throw new MoneyError(`${what} must be a safe integer number of fen, got ${show(x)}`);
  }
}

/** Returns `x` checked as fen (see `assertFen`). */
export function fen(x: number, what = 'amount'): Fen {
  assertFen(x, what);
  return x + 0; // + 0 turns -0 into 0
}

function checkRounding(mode: Rounding): void {
  if (!isRounding(mode)) {
    throw new MoneyError(`unknown rounding mode ${show(mode)}; expected one of ${ROUNDING_MODES.join(', ')}`);
  }
}

function bigToFen(x: bigint, what: string): Fen {
  if (x > MAX_BIG || x < -MAX_BIG) {
    throw new MoneyError(`${what} overflows the safe integer range of fen: ${x}`);
  }
  return Number(x) + 0;
}

// ---------------------------------------------------------------------------------------------
// Exact decimals

/** value = sign × digits / 10^scale, digits ≥ 0, scale ≥ 0. */
interface Decimal {
  readonly negative: boolean;
  readonly digits: bigint;
  readonly scale: number;
}

const PLAIN_DECIMAL = /^([+-])?(?:(\d+)(?:\.(\d*))?|\.(\d+))$/;
const NUMBER_STRING = /^(-)?(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Parses a plain decimal string such as "-1234.56" (no exponent, no separators). */
function parseDecimalString(s: string): Decimal | undefined {
  const m = PLAIN_DECIMAL.exec(s.trim());
  if (m === null) return undefined;
  const intPart = m[2] ?? '';
  const fracPart = m[3] ?? m[4] ?? '';
  return { negative: m[1] === '-', digits: BigInt((intPart + fracPart) || '0'), scale: fracPart.length };
}

/** The exact decimal a finite number prints as (its shortest round-trip string). */
function decimalOfNumber(x: number, what: string): Decimal {
  if (!Number.isFinite(x)) throw new MoneyError(`${what} must be a finite number, got ${String(x)}`);
  const m = NUMBER_STRING.exec(String(x));
  if (m === null) throw new MoneyError(`${what}: cannot read ${String(x)} as a decimal`);
  const fracPart = m[3] ?? '';
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  let digits = BigInt((m[2] ?? '') + fracPart);
  let scale = fracPart.length - exp;
  if (scale < 0) {
    digits *= pow10(-scale);
    scale = 0;
  }
  return { negative: m[1] === '-', digits, scale };
}

// ---------------------------------------------------------------------------------------------
// Rounded division

/** Rounds the exact quotient n / d (d ≠ 0) to an integer. */
function roundDivBig(n: bigint, d: bigint, mode: Rounding): bigint {
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const q = n / d; // truncates toward zero
  const r = n % d; // has the sign of n
  if (r === 0n) return q;
  const away = n < 0n ? q - 1n : q + 1n;
  switch (mode) {
    case 'down': return q;
    case 'up': return away;
    case 'floor': return n < 0n ? away : q;
    case 'ceil': return n < 0n ? q : away;
    case 'halfUp':
    case 'halfDown':
    case 'halfEven': {
      const twice = 2n * (r < 0n ? -r : r);
      if (twice > d) return away;
      if (twice < d) return q;
      if (mode === 'halfUp') return away;
      if (mode === 'halfDown') return q;
      return q % 2n === 0n ? q : away;
    }
  }
}

/** Same as `roundDivBig` for safe integers n and d (d ≠ 0); every step is exact in doubles. */
function roundDivSafe(n: number, d: number, mode: Rounding): number {
  if (d < 0) {
    n = -n;
    d = -d;
  }
  const r = n % d; // exact for integers, sign of n
  const q = (n - r) / d; // exact: n - r is a multiple of d
  if (r === 0) return q + 0;
  const away = n < 0 ? q - 1 : q + 1;
  switch (mode) {
    case 'down': return q + 0;
    case 'up': return away;
    case 'floor': return n < 0 ? away : q + 0;
    case 'ceil': return n < 0 ? q + 0 : away;
    case 'halfUp':
    case 'halfDown':
    case 'halfEven': {
      const twice = 2 * Math.abs(r); // < 2^54 and even: exact
      if (twice > d) return away;
      if (twice < d) return q + 0;
      if (mode === 'halfUp') return away;
      if (mode === 'halfDown') return q + 0;
      return q % 2 === 0 ? q + 0 : away;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing

/**
 * Converts yuan (元) to fen exactly: `"1234.56"` → 123456, `12.5` → 1250. A number is read through its
 * shortest decimal string; a string is a plain decimal (sign, digits, point; no separators or exponent;
 * surrounding whitespace ignored). Amounts finer than a fen (e.g. `"0.125"`) throw unless `rounding` is given;
 * trailing zeros are fine (`"1.230"` is exactly 123 fen).
 */
export function yuanToFen(yuan: string | number, rounding?: Rounding): Fen {
  if (rounding !== undefined) checkRounding(rounding);
  let dec: Decimal | undefined;
  if (typeof yuan === 'number') {
    dec = decimalOfNumber(yuan, 'yuan amount');
  } else if (typeof yuan === 'string') {
    dec = parseDecimalString(yuan);
    if (dec === undefined) {
      throw new MoneyError(`not a decimal yuan amount: ${show(yuan)} (expected e.g. "1234.56")`);
    }
  } else {
    throw new MoneyError(`yuan amount must be a string or number, got ${show(yuan)}`);
  }
  const signed = dec.negative ? -dec.digits : dec.digits;
  let result: bigint;
  if (dec.scale <= 2) {
    result = signed * pow10(2 - dec.scale);
  } else {
    const d = pow10(dec.scale - 2);
    if (rounding === undefined && signed % d !== 0n) {
      throw new MoneyError(`yuan amount ${show(yuan)} has more than 2 decimals; pass a rounding mode`);
    }
    result = roundDivBig(signed, d, rounding ?? 'halfUp');
  }
  return bigToFen(result, `yuan amount ${show(yuan)}`);
}

// ---------------------------------------------------------------------------------------------
// Checked arithmetic

function accumulate(amounts: Iterable<number>, what: string): Fen {
  let total = 0;
  let big: bigint | undefined; // used once the running total leaves the safe range
  let i = 0;
  for (const x of amounts) {
    assertFen(x, `${what}[${i}]`);
    i++;
    if (big !== undefined) {
      big += BigInt(x);
      continue;
    }
    const t = total + x;
    if (Number.isSafeInteger(t)) total = t;
    else big = BigInt(total) + BigInt(x);
  }
  return big === undefined ? total + 0 : bigToFen(big, what);
}

/** Sum of amounts; throws `MoneyError` if the result leaves the safe integer range. */
export function add(...amounts: Fen[]): Fen {
  return accumulate(amounts, 'add');
}

/** Sum of an iterable of amounts (checked like `add`). */
export function sum(amounts: Iterable<Fen>): Fen {
  return accumulate(amounts, 'sum');
}

/** a − b, checked. */
export function sub(a: Fen, b: Fen): Fen {
  assertFen(a, 'sub: a');
  assertFen(b, 'sub: b');
  const r = a - b;
  if (!Number.isSafeInteger(r)) throw new MoneyError(`sub: ${a} - ${b} overflows the safe integer range of fen`);
  return r + 0;
}

/** −a. */
export function neg(a: Fen): Fen {
  assertFen(a, 'neg');
  return -a + 0;
}

/** The smallest amount (at least one). */
export function min(...amounts: Fen[]): Fen {
  if (amounts.length === 0) throw new MoneyError('min of no amounts');
  amounts.forEach((x, i) => assertFen(x, `min[${i}]`));
  return Math.min(...amounts) + 0;
}

/** The largest amount (at least one). */
export function max(...amounts: Fen[]): Fen {
  if (amounts.length === 0) throw new MoneyError('max of no amounts');
  amounts.forEach((x, i) => assertFen(x, `max[${i}]`));
  return Math.max(...amounts) + 0;
}

/** `x` limited to [lo, hi]; throws if lo > hi. */
export function clamp(x: Fen, lo: Fen, hi: Fen): Fen {
  assertFen(x, 'clamp: x');
  assertFen(lo, 'clamp: lo');
  assertFen(hi, 'clamp: hi');
  if (lo > hi) throw new MoneyError(`clamp: lo ${lo} is greater than hi ${hi}`);
  return Math.min(Math.max(x, lo), hi) + 0;
}

// ---------------------------------------------------------------------------------------------
// Multiplication and division

function intOperand(x: bigint | number, what: string): bigint {
  if (typeof x === 'bigint') return x;
  if (typeof x === 'number' && Number.isSafeInteger(x)) return BigInt(x);
  throw new MoneyError(`${what} must be a safe integer or bigint, got ${show(x)}`);
}

/**
 * A finite number exactly as a fraction, read through its shortest decimal string: 0.85 → 85/100,
 * 8.5 → 85/10, 1e-7 → 1/10000000. For multiplying decimal parameters together before one rounding.
 */
export function ratioOf(x: number, what = 'rate'): { num: bigint; den: bigint } {
  const dec = decimalOfNumber(x, what);
  return { num: dec.negative ? -dec.digits : dec.digits, den: pow10(dec.scale) };
}

/** A rate as num/den; small-integer forms are kept as numbers for the fast path. */
interface ExactRatio {
  readonly num: bigint;
  readonly den: bigint;
  readonly numN: number | undefined; // num as a safe number, if it is one
  readonly denN: number | undefined;
}

function exactRatio(num: bigint, den: bigint): ExactRatio {
  const safe = (x: bigint): number | undefined => (x <= MAX_BIG && x >= -MAX_BIG ? Number(x) : undefined);
  return { num, den, numN: safe(num), denN: safe(den) };
}

// Memo of number rates → ratios (rates repeat a lot: 0.85, 0.7 …). Deterministic, bounded.
const rateCache = new Map<number, ExactRatio>();

function ratioOfRate(rate: number | Ratio): ExactRatio {
  if (typeof rate === 'number') {
    const hit = rateCache.get(rate);
    if (hit !== undefined) return hit;
    const dec = decimalOfNumber(rate, 'rate');
    const r = exactRatio(dec.negative ? -dec.digits : dec.digits, pow10(dec.scale));
    if (rateCache.size >= 4096) rateCache.clear();
    rateCache.set(rate, r);
    return r;
  }
  if (typeof rate !== 'object' || rate === null) {
    throw new MoneyError(`rate must be a number or { num, den }, got ${show(rate)}`);
  }
  return exactRatio(intOperand(rate.num, 'rate.num'), intOperand(rate.den, 'rate.den'));
}

function mulRatio(amount: Fen, r: ExactRatio, rounding: Rounding, what: string): Fen {
  assertFen(amount, `${what}: amount`);
  checkRounding(rounding);
  if (r.den === 0n) throw new MoneyError(`${what}: division by zero`);
  if (r.numN !== undefined && r.denN !== undefined) {
    const p = amount * r.numN;
    // If the exact product exceeded 2^53 − 1 its rounded double would be ≥ 2^53, so this is exact.
    if (Number.isSafeInteger(p)) return roundDivSafe(p, r.denN, rounding);
  }
  return bigToFen(roundDivBig(BigInt(amount) * r.num, r.den, rounding), what);
}

/**
 * amount × rate, rounded once (default `halfUp`). `rate` is a number read exactly through its
 * shortest decimal string (0.85 = 85/100, 1.035 = 1035/1000) or a rational `{ num, den }`.
 * Example: mulRate(12345, 0.85) = 10493 (exactly 10493.25 rounded).
 */
export function mulRate(amount: Fen, rate: number | Ratio, rounding: Rounding = 'halfUp'): Fen {
  return mulRatio(amount, ratioOfRate(rate), rounding, 'mulRate');
}

/** amount × num / den for integers num and den (den ≠ 0), rounded once. */
export function mulDiv(amount: Fen, num: bigint | number, den: bigint | number, rounding: Rounding = 'halfUp'): Fen {
  return mulRatio(amount, exactRatio(intOperand(num, 'mulDiv: num'), intOperand(den, 'mulDiv: den')), rounding, 'mulDiv');
}

/** amount / divisor for an integer divisor ≠ 0, rounded. */
export function divRound(amount: Fen, divisor: bigint | number, rounding: Rounding = 'halfUp'): Fen {
  return mulRatio(amount, exactRatio(1n, intOperand(divisor, 'divRound: divisor')), rounding, 'divRound');
}

// ---------------------------------------------------------------------------------------------
// Allocation

/**
 * `allocate` for integer shares whose products with the total stay below 2^53: the same
 * largest-remainder result in double arithmetic (exact here), without BigInt. Undefined otherwise.
 */
function allocateSmall(total: Fen, shares: readonly number[]): Fen[] | undefined {
  let w = 0;
  for (const s of shares) {
    if (!Number.isSafeInteger(s) || s < 0) return undefined;
    w += s;
  }
  const t = Math.abs(total);
  if (w === 0 || !Number.isSafeInteger(w) || t * w > MAX) return undefined;
  const n = shares.length;
  const parts = new Array<number>(n);
  const rem = new Array<number>(n);
  let given = 0;
  for (let i = 0; i < n; i++) {
    const p = t * shares[i]!;
    const q = Math.floor(p / w);
    parts[i] = q;
    rem[i] = p - q * w;
    given += q;
  }
  let left = t - given;
  while (left-- > 0) {
    let best = 0;
    for (let i = 1; i < n; i++) if (rem[i]! > rem[best]!) best = i;
    parts[best]!++;
    rem[best] = -1;
  }
  const sign = total < 0 ? -1 : 1;
  for (let i = 0; i < n; i++) parts[i] = sign * parts[i]! + 0;
  return parts;
}

/** Options for `allocate`. */
export interface AllocateOptions {
  /** Names the allocation in error messages. */
  readonly what?: string;
}

/**
 * Splits `total` over non-negative `shares` (weights, decimals allowed and read exactly) by the
 * largest-remainder method: each part is its exact share rounded down, then the fen left over go one
 * each to the parts with the largest remainders, ties to the lower index. Parts sum exactly to
 * `total` and each is within 1 fen of its exact share. A negative total is split by magnitude and
 * negated. Throws `MoneyError` if the shares are empty or all zero.
 */
export function allocate(total: Fen, shares: readonly number[], opts: AllocateOptions = {}): Fen[] {
  const what = opts.what ?? 'allocate';
  assertFen(total, `${what}: total`);
  const fast = allocateSmall(total, shares);
  if (fast !== undefined) return fast;
  const decs = shares.map((s, i) => {
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) {
      throw new MoneyError(`${what}: share[${i}] must be a finite non-negative number, got ${show(s)}`);
    }
    return decimalOfNumber(s, `${what}: share[${i}]`);
  });
  const scale = decs.reduce((m, d) => Math.max(m, d.scale), 0);
  const weights = decs.map((d) => d.digits * pow10(scale - d.scale));
  const w = weights.reduce((a, b) => a + b, 0n);
  if (w === 0n) {
    throw new MoneyError(`${what}: cannot allocate ${total} fen over ${shares.length === 0 ? 'no shares' : 'shares that are all zero'}`);
  }
  const t = BigInt(Math.abs(total));
  const parts: bigint[] = [];
  const remainders: bigint[] = [];
  let given = 0n;
  for (const wi of weights) {
    const p = t * wi;
    const q = p / w;
    parts.push(q);
    remainders.push(p % w);
    given += q;
  }
  const left = Number(t - given); // < number of shares
  if (left > 0) {
    const order = weights.map((_, i) => i);
    order.sort((a, b) => {
      const ra = remainders[a] ?? 0n;
      const rb = remainders[b] ?? 0n;
      return ra === rb ? a - b : ra > rb ? -1 : 1;
    });
    for (let k = 0; k < left; k++) {
      const i = order[k] ?? 0;
      parts[i] = (parts[i] ?? 0n) + 1n;
    }
  }
  const sign = total < 0 ? -1 : 1;
  return parts.map((p) => sign * Number(p) + 0);
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** Options for `formatFen`. */
export interface FormatOptions {
  /** Prefix with ¥ (default true). */
  readonly symbol?: boolean;
  /** Group thousands with commas (default true). */
  readonly grouping?: boolean;
}

/** Formats fen as yuan: `¥1,234.56`, `-¥1,234.56`, `¥0.00`; `{ symbol: false }` gives `1,234.56`. */
export function formatFen(amount: Fen, opts: FormatOptions = {}): string {
  assertFen(amount, 'formatFen');
  const abs = Math.abs(amount);
  const cents = abs % 100;
  let yuan = String((abs - cents) / 100);
  if (opts.grouping ?? true) yuan = yuan.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = amount < 0 ? '-' : '';
  const symbol = (opts.symbol ?? true) ? '¥' : '';
  return `${sign}${symbol}${yuan}.${String(cents).padStart(2, '0')}`;
}
