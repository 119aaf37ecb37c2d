/**
 * The county's people as columns (typed arrays): sex, birth day, village, insurance scheme, chronic
 * conditions, family-doctor contract, and the days they entered and left the population. Births,
 * deaths and migration happen year by year (人口变动), driven by dated rates.
 */
import type { Random } from '../rules/random.js';
import { CHRONIC_CONDITIONS } from './catalogue.js';
import type { County } from './county.js';
import { ageOn, daysInYear, yearStart } from './dates.js';
import type { YearModel } from './model.js';

export const NO_EXIT = 0x7fffffff;
export const ENTRY_REASONS = ['baseline', 'birth', 'in_migration'] as const;
export const EXIT_REASONS = ['', 'death', 'out_migration'] as const;

/** Bit of a chronic condition in `conditions`. */
export const conditionBit = (i: number): number => 1 << i;

export class Population {
  n = 0;
  sex: Uint8Array; // 1 male, 2 female (settlement-list coding)
  birth: Int32Array; // day number
  village: Uint16Array;
  scheme: Uint8Array; // 0 resident, 1 employee
  retired: Uint8Array;
  conditions: Uint8Array; // bit i = CHRONIC_CONDITIONS[i]
  contract: Uint8Array; // family-doctor contract
  entry: Int32Array;
  entryReason: Uint8Array;
  exit: Int32Array;
  exitReason: Uint8Array;

  constructor(capacity: number) {
    this.sex = new Uint8Array(capacity);
    this.birth = new Int32Array(capacity);
    this.village = new Uint16Array(capacity);
    this.scheme = new Uint8Array(capacity);
    this.retired = new Uint8Array(capacity);
    this.conditions = new Uint8Array(capacity);
    this.contract = new Uint8Array(capacity);
    this.entry = new Int32Array(capacity);
    this.entryReason = new Uint8Array(capacity);
    this.exit = new Int32Array(capacity).fill(NO_EXIT);
    this.exitReason = new Uint8Array(capacity);
  }

  get capacity(): number {
    return this.sex.length;
  }

  /** Appends a person, growing the columns when full; returns its index. */
  add(): number {
    if (this.n === this.capacity) this.#grow(Math.ceil(this.capacity * 1.25) + 16);
    return this.n++;
  }

  #grow(cap: number): void {
    const grow = <T extends Uint8Array | Uint16Array | Int32Array>(a: T, fill?: number): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a);
      if (fill !== undefined) b.fill(fill, a.length);
      return b;
    };
    this.sex = grow(this.sex);
    this.birth = grow(this.birth);
    this.village = grow(this.village);
    this.scheme = grow(this.scheme);
    this.retired = grow(this.retired);
    this.conditions = grow(this.conditions);
    this.contract = grow(this.contract);
    this.entry = grow(this.entry);
    this.entryReason = grow(this.entryReason);
    this.exit = grow(this.exit, NO_EXIT);
    this.exitReason = grow(this.exitReason);
  }
}

/** Picks indices by weight in O(log n) (cumulative weights and binary search). */
export class WeightedPicker {
  readonly #cum: Float64Array;
  constructor(weights: ArrayLike<number>) {
    this.#cum = new Float64Array(weights.length);
    let acc = 0;
    for (let i = 0; i < weights.length; i++) {
      acc += weights[i] ?? 0;
      this.#cum[i] = acc;
    }
    if (!(acc > 0)) throw new RangeError('WeightedPicker: weights must have a positive total');
  }
  pick(rng: Random): number {
    return pickCumulative(this.#cum, rng);
  }
}

/** An index drawn by cumulative weights (binary search); -1 when the total is not positive. */
export function pickCumulative(cum: ArrayLike<number>, rng: Random): number {
  const total = cum[cum.length - 1] ?? 0;
  if (!(total > 0)) return -1;
  const target = rng.next() * total;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cum[mid] ?? 0) > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const OLDEST = 99;

function contractProbability(m: YearModel, age: number, conditions: number): number {
  return age >= 65 || conditions !== 0 ? m.population.priorityContractRate : m.population.contractRate;
}

function drawConditions(m: YearModel, rng: Random, age: number): number {
  let mask = 0;
  CHRONIC_CONDITIONS.forEach((c, i) => {
    if (rng.next() < (m.population.prevalence[c][Math.min(age, 120)] ?? 0)) mask |= conditionBit(i);
  });
  return mask;
}

/** The population on 1 January of the start year. */
export function baselinePopulation(m: YearModel, county: County, rng: Random, size: number, startYear: number, years: number): Population {
  const pop = new Population(Math.ceil(size * (1 + 0.03 * years)) + 64);
  const day0 = yearStart(startYear);
  const bands = m.population.ageBands;
  const bandPicker = new WeightedPicker(bands.map((b) => b.share));
  const villagePicker = new WeightedPicker(county.villageWeight);
  // Scheme: retired employees among 60+, active employees among 18–59, from the expected counts.
  let share1859 = 0;
  let share60 = 0;
  bands.forEach((b, i) => {
    const to = bands[i + 1]?.from ?? OLDEST + 1;
    for (let a = b.from; a < to; a++) {
      const s = b.share / (to - b.from);
      if (a >= 18 && a < 60) share1859 += s;
      if (a >= 60) share60 += s;
    }
  });
  const employees = m.population.employeeShare;
  const retired = employees * m.population.retiredShareOfEmployees;
  const pRetired = Math.min(1, retired / Math.max(share60, 1e-9));
  const pActive = Math.min(1, (employees - retired) / Math.max(share1859, 1e-9));

  for (let k = 0; k < size; k++) {
    const i = pop.add();
    const bi = bandPicker.pick(rng);
    const from = bands[bi]!.from;
    const to = bands[bi + 1]?.from ?? OLDEST + 1;
    const age = from + rng.int(to - from);
    pop.sex[i] = rng.next() < m.population.maleShare ? 1 : 2;
    pop.birth[i] = day0 - Math.floor(age * 365.25) - 1 - rng.int(365);
    pop.village[i] = villagePicker.pick(rng);
    if (age >= 60 && rng.next() < pRetired) {
      pop.scheme[i] = 1;
      pop.retired[i] = 1;
    } else if (age >= 18 && age < 60 && rng.next() < pActive) {
      pop.scheme[i] = 1;
    }
    const cond = drawConditions(m, rng, age);
    pop.conditions[i] = cond;
    pop.contract[i] = rng.next() < contractProbability(m, age, cond) ? 1 : 0;
    pop.entry[i] = day0;
    pop.entryReason[i] = 0;
  }
  return pop;
}

export interface DynamicsSummary {
  year: number;
  atStart: number;
  births: number;
  deaths: number;
  inMigrants: number;
  outMigrants: number;
  newConditions: number;
}

/**
 * Births, deaths, migration and new chronic conditions during `year`. Deaths follow a Gompertz
 * hazard by age, scaled so that the expected number equals the crude death rate × population.
 */
export function advanceYear(pop: Population, m: YearModel, county: County, rng: Random, year: number, isFirstYear: boolean): DynamicsSummary {
  const d0 = yearStart(year);
  const nDays = daysInYear(year);
  const d1 = d0 + nDays; // exclusive
  const alive: number[] = [];
  for (let i = 0; i < pop.n; i++) if (pop.entry[i]! <= d0 && pop.exit[i]! >= d0) alive.push(i);
  const n = alive.length;
  const summary: DynamicsSummary = { year, atStart: n, births: 0, deaths: 0, inMigrants: 0, outMigrants: 0, newConditions: 0 };

  // New conditions (after the baseline year): the rise of prevalence over the next five years of age.
  if (!isFirstYear) {
    for (const i of alive) {
      const age = Math.min(120, ageOn(pop.birth[i]!, d0));
      CHRONIC_CONDITIONS.forEach((c, ci) => {
        const bit = conditionBit(ci);
        if (pop.conditions[i]! & bit) return;
        const t = m.population.prevalence[c];
        const now = t[age] ?? 0;
        const later = t[Math.min(120, age + 5)] ?? 0;
        const p = now < 1 ? Math.max(0, later - now) / 5 / (1 - now) : 0;
        if (p > 0 && rng.next() < p) {
          pop.conditions[i] = pop.conditions[i]! | bit;
          summary.newConditions++;
        }
      });
    }
  }

  // Deaths: hazard k·exp(b·age), k set so that Σ hazard = death rate × n.
  const b = m.population.mortalityAgeSlope;
  const ages = new Uint8Array(n);
  let hazardSum = 0;
  for (let j = 0; j < n; j++) {
    const a = Math.min(120, ageOn(pop.birth[alive[j]!]!, d0));
    ages[j] = a;
    hazardSum += Math.exp(b * a);
  }
  const k = hazardSum > 0 ? (m.population.deathRate * n) / hazardSum : 0;
  const outRate = m.population.outMigrationRate;
  for (let j = 0; j < n; j++) {
    const i = alive[j]!;
    const u = rng.next();
    const q = Math.min(1, k * Math.exp(b * ages[j]!));
    if (u < q) {
      pop.exit[i] = d0 + rng.int(nDays);
      pop.exitReason[i] = 1;
      summary.deaths++;
    } else if (u < q + outRate) {
      pop.exit[i] = d0 + rng.int(nDays);
      pop.exitReason[i] = 2;
      summary.outMigrants++;
    }
  }

  const villagePicker = new WeightedPicker(county.villageWeight);
  const births = rng.poisson(m.population.birthRate * n);
  for (let k2 = 0; k2 < births; k2++) {
    const i = pop.add();
    pop.sex[i] = rng.next() < m.population.maleShare ? 1 : 2;
    const day = d0 + rng.int(nDays);
    pop.birth[i] = day;
    pop.village[i] = villagePicker.pick(rng);
    pop.entry[i] = day;
    pop.entryReason[i] = 1;
    pop.contract[i] = rng.next() < m.population.contractRate ? 1 : 0;
  }
  summary.births = births;

  const inMigrants = rng.poisson(m.population.inMigrationRate * n);
  for (let k2 = 0; k2 < inMigrants; k2++) {
    const i = pop.add();
    const age = 20 + rng.int(26);
    const day = d0 + rng.int(nDays);
    pop.sex[i] = rng.next() < m.population.maleShare ? 1 : 2;
    pop.birth[i] = day - Math.floor(age * 365.25) - rng.int(365);
    pop.village[i] = villagePicker.pick(rng);
    pop.scheme[i] = rng.next() < m.population.employeeShare ? 1 : 0;
    const cond = drawConditions(m, rng, age);
    pop.conditions[i] = cond;
    pop.contract[i] = rng.next() < contractProbability(m, age, cond) ? 1 : 0;
    pop.entry[i] = day;
    pop.entryReason[i] = 2;
  }
  summary.inMigrants = inMigrants;
  void d1;
  return summary;
}
