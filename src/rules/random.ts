/**
 * Seeded, reproducible randomness with independent named streams.
 *
 * Generator: xoshiro128** 1.1 (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c) on
 * 32-bit integer ops. Seeding: a seed (number or string) is hashed with 64-bit FNV-1a over its UTF-8
 * bytes into a 64-bit key; a stream's key is the FNV-1a hash of its name continued from the parent
 * key, passed through the SplitMix64 finaliser; the 128-bit generator state is the first two outputs
 * of SplitMix64 (Steele, Lea & Flood 2014) started at the key. Streams are derived from keys, never
 * from the generator state, so drawing from one stream never changes another.
 *
 * Integer and uniform outputs are bit-for-bit reproducible on every platform. `normal` and `poisson`
 * also use Math.log/exp/sqrt, which V8 implements identically across versions (fdlibm ports).
 */

/** Everything needed to resume a generator exactly (JSON-serialisable). */
export interface RandomState {
  /** The root seed the generator descends from (for the record). */
  readonly seed: number | string;
  /** 64-bit stream key, 16 hex digits: streams and forks are derived from it. */
  readonly key: string;
  /** xoshiro128** state words, unsigned 32-bit integers, not all zero. */
  readonly s: readonly [number, number, number, number];
}

const MASK64 = (1n << 64n) - 1n;
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;
const STREAM_TAG = 0x73747265616d0000n; // distinguishes stream(name) …
const FORK_TAG = 0x666f726b00000000n; // … from fork(index)
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

const utf8 = new TextEncoder();

function fnv1a64(text: string, basis: bigint): bigint {
  let h = basis;
  for (const b of utf8.encode(text)) h = ((h ^ BigInt(b)) * FNV_PRIME) & MASK64;
  return h;
}

/** SplitMix64's output function (a bijection on 64-bit integers with strong avalanche). */
function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

function checkSeed(seed: unknown): asserts seed is number | string {
  if (typeof seed === 'string') return;
  if (typeof seed === 'number' && Number.isSafeInteger(seed)) return;
  throw new RangeError(`seed must be a safe integer or a string, got ${String(seed)}`);
}

function rootKey(seed: number | string): bigint {
  const text = typeof seed === 'number' ? `n:${seed}` : `s:${seed}`;
  return fnv1a64(`sanyi.random.v1\u0000${text}`, FNV_OFFSET);
}

function checkFinite(x: number, what: string): void {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new RangeError(`${what} must be a finite number, got ${String(x)}`);
}

const LOG_GAMMA_COEFFS = [
  8.333333333333333e-2, -2.777777777777778e-3, 7.936507936507937e-4, -5.952380952380952e-4,
  8.417508417508418e-4, -1.917526917526918e-3, 6.41025641025641e-3, -2.955065359477124e-2,
  1.796443723688307e-1, -1.3924322169059,
];

/**
 * NumPy's log-gamma for the PTRS Poisson sampler (Stirling series, shifted to x ≥ 7).
 * Accurate to ~1e-15 relative for x ≥ 1.
 */
function logGamma(x: number): number {
  if (x === 1 || x === 2) return 0;
  const n = x < 7 ? Math.floor(7 - x) : 0;
  let x0 = x + n;
  const x2 = (1 / x0) * (1 / x0);
  let gl0 = LOG_GAMMA_COEFFS[9] ?? 0;
  for (let k = 8; k >= 0; k--) gl0 = gl0 * x2 + (LOG_GAMMA_COEFFS[k] ?? 0);
  let gl = gl0 / x0 + 0.5 * 1.8378770664093453 + (x0 - 0.5) * Math.log(x0) - x0;
  for (let k = 1; k <= n; k++) {
    gl -= Math.log(x0 - 1);
    x0 -= 1;
  }
  return gl;
}

/** A seeded pseudo-random generator (xoshiro128**). Create with `Random.fromSeed`. */
export class Random {
  /** The root seed this generator descends from; store it with results. */
  readonly seed: number | string;
  readonly #key: bigint;
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  private constructor(seed: number | string, key: bigint, s: readonly [number, number, number, number]) {
    this.seed = seed;
    this.#key = key;
    [this.#s0, this.#s1, this.#s2, this.#s3] = s;
  }

  static #fromKey(seed: number | string, key: bigint): Random {
    let x = key;
    x = (x + GOLDEN_GAMMA) & MASK64;
    const a = mix64(x);
    x = (x + GOLDEN_GAMMA) & MASK64;
    const b = mix64(x);
    // Two consecutive SplitMix64 outputs are never both zero, so the state is valid.
    const words: [number, number, number, number] = [
      Number(a & 0xffffffffn) | 0, Number(a >> 32n) | 0, Number(b & 0xffffffffn) | 0, Number(b >> 32n) | 0,
    ];
    return new Random(seed, key, words);
  }

  /**
   * A generator for a seed (a safe integer or any string). The same seed always gives the same
   * sequence; a number and its string (1 and '1') are different seeds.
   */
  static fromSeed(seed: number | string): Random {
    checkSeed(seed);
    return Random.#fromKey(seed, rootKey(seed));
  }

  /** Resumes a generator from `state()`; it continues exactly where the saved one was. */
  static fromState(state: RandomState): Random {
    checkSeed(state.seed);
    if (typeof state.key !== 'string' || !/^[0-9a-f]{16}$/.test(state.key)) {
      throw new RangeError(`state.key must be 16 lowercase hex digits, got ${String(state.key)}`);
    }
    const s = state.s;
    if (!Array.isArray(s) || s.length !== 4 || !s.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32)) {
      throw new RangeError('state.s must be four unsigned 32-bit integers');
    }
    if (s.every((w) => w === 0)) throw new RangeError('state.s must not be all zero');
    return new Random(state.seed, BigInt(`0x${state.key}`), [s[0] | 0, s[1] | 0, s[2] | 0, s[3] | 0]);
  }

  /**
   * An independent generator for `name`, derived from this generator's key (not its current state):
   * the same name always gives the same sequence, whatever has been drawn. Streams nest. Names are
   * hashed as UTF-8, so lone surrogates all read as U+FFFD.
   */
  stream(name: string): Random {
    if (typeof name !== 'string') throw new RangeError(`stream name must be a string, got ${String(name)}`);
    return Random.#fromKey(this.seed, mix64(fnv1a64(name, this.#key ^ STREAM_TAG)));
  }

  /** An independent generator for a numbered replicate (distinct from every named stream). */
  fork(index: number): Random {
    if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`fork index must be a non-negative integer, got ${String(index)}`);
    return Random.#fromKey(this.seed, mix64(fnv1a64(String(index), this.#key ^ FORK_TAG)));
  }

  /** The full state, for `Random.fromState`. */
  state(): RandomState {
    return {
      seed: this.seed,
      key: this.#key.toString(16).padStart(16, '0'),
      s: [this.#s0 >>> 0, this.#s1 >>> 0, this.#s2 >>> 0, this.#s3 >>> 0],
    };
  }

  /** A uniform unsigned 32-bit integer (the raw xoshiro128** output). */
  uint32(): number {
    const s1 = this.#s1;
    const r = Math.imul(s1, 5);
    const result = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
    const t = s1 << 9;
    let s0 = this.#s0;
    let s2 = this.#s2 ^ s0;
    let s3 = this.#s3 ^ s1;
    this.#s1 = s1 ^ s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    this.#s0 = s0;
    this.#s2 = s2;
    this.#s3 = s3;
    return result;
  }

  /** A uniform float in [0, 1) with 53 random bits (two 32-bit outputs). */
  next(): number {
    const hi = this.uint32() >>> 5; // 27 bits
    const lo = this.uint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /** A uniform integer in [0, maxExclusive), unbiased (rejection sampling); maxExclusive ≤ 2^53. */
  int(maxExclusive: number): number {
    const n = maxExclusive;
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_53) {
      throw new RangeError(`int: maxExclusive must be an integer in [1, 2^53], got ${String(n)}`);
    }
    if (n <= TWO_POW_32) {
      const limit = TWO_POW_32 - (TWO_POW_32 % n); // a multiple of n
      let u = this.uint32();
      while (u >= limit) u = this.uint32();
      return u % n;
    }
    const limit = TWO_POW_53 - (TWO_POW_53 % n);
    let u: number;
    do u = (this.uint32() >>> 5) * 67108864 + (this.uint32() >>> 6);
    while (u >= limit);
    return u % n;
  }

  /** A uniform integer in [min, max], both inclusive. */
  intBetween(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
      throw new RangeError(`intBetween: need safe integers min ≤ max, got ${String(min)}, ${String(max)}`);
    }
    return min + this.int(max - min + 1);
  }

  /** True with probability p (default ½). */
  bool(p = 0.5): boolean {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`bool: p must be in [0, 1], got ${String(p)}`);
    return this.next() < p;
  }

  /** A normal (Gaussian) variate, by Marsaglia's polar method. */
  normal(mean = 0, sd = 1): number {
    checkFinite(mean, 'normal: mean');
    checkFinite(sd, 'normal: sd');
    if (sd < 0) throw new RangeError(`normal: sd must be ≥ 0, got ${sd}`);
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    return mean + sd * u * Math.sqrt((-2 * Math.log(s)) / s);
  }

  /**
   * A Poisson variate with mean `lambda`, exact for every λ: Knuth's multiplication method for
   * λ < 10, Hörmann's PTRS transformed rejection (1993, as in NumPy) for λ ≥ 10.
   */
  poisson(lambda: number): number {
    checkFinite(lambda, 'poisson: lambda');
    if (lambda < 0) throw new RangeError(`poisson: lambda must be ≥ 0, got ${lambda}`);
    if (lambda === 0) return 0;
    if (lambda < 10) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let prod = this.next();
      while (prod > limit) {
        k++;
        prod *= this.next();
      }
      return k;
    }
    return this.#poissonPtrs(lambda);
  }

  #poissonPtrs(lambda: number): number {
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.next() - 0.5;
      const v = this.next();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logGamma(k + 1)) {
        return k;
      }
    }
  }

  /** An index picked with probability proportional to its weight (weights finite, ≥ 0, not all 0). */
  choiceIndex(weights: ArrayLike<number>): number {
    let total = 0;
    let last = -1;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i] ?? NaN;
      if (!(w >= 0 && w < Infinity)) throw new RangeError(`choiceIndex: weight[${i}] must be finite and ≥ 0, got ${String(w)}`);
      total += w;
      if (w > 0) last = i;
    }
    if (!(total > 0 && total < Infinity)) throw new RangeError('choiceIndex: weights must have a finite positive total');
    const target = this.next() * total;
    let acc = 0;
    for (let i = 0; i < last; i++) {
      acc += weights[i] ?? 0;
      if (target < acc) return i;
    }
    return last; // also absorbs floating-point round-off at the top end
  }

  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffle<T>(array: T[]): T[] {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i] as T;
      array[i] = array[j] as T;
      array[j] = tmp;
    }
    return array;
  }
}
