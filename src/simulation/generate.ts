/**
 * The synthetic county generator (合成县): a deterministic function of (parameters, catalogue, seed,
 * population, start year, years). It builds the county, its people and their care year by year and
 * hands columnar chunks to a sink (files, the store, or nothing when calibrating). Randomness comes
 * from named streams of one seed — population, dynamics per year, care per year and chunk — so the
 * output does not depend on how it is consumed. The county's layout is seeded by its jurisdiction id.
 */
import type { ParamTree } from '../rules/params.js';
import { Random } from '../rules/random.js';
import { EncounterBatch, LineBatch, type CareChunk } from './batch.js';
import type { Catalogue } from './catalogue.js';
import { adoptedPrices, CHRONIC_CONDITIONS } from './catalogue.js';
import { CareStats, CareTables, generateCare, type CareContext, type Counters } from './care.js';
import { buildCounty, type County } from './county.js';
import { calibrationReport, type CalibrationReport } from './calibration.js';
import { ParamReader, resolveTargets, resolveYearModel, type UsedParam, type YearModel } from './model.js';
import { injectPatterns, type Injected, type InjectionOptions } from './inject.js';
import { daysFromCivil } from '../rules/period.js';
import { advanceYear, baselinePopulation, type DynamicsSummary, type Population } from './population.js';

export interface GenerateOptions {
  params: ParamTree;
  catalogue: Catalogue;
  /** County jurisdiction id (default `demo`). */
  jurisdiction?: string;
  /** Persons at the start (default: the parameter simulation.population.size). */
  population?: number;
  startYear: number;
  years: number;
  seed: number | string;
  /** Persons per chunk (default 16,384). Does not change the output. */
  chunkSize?: number;
  /** Called between chunks; the generator awaits it (so Ctrl-C and progress get their turn). */
  onProgress?: (p: GenerateProgress) => void | Promise<void>;
  signal?: AbortSignal;
  /** Fund-abuse patterns to plant at known rates (inject.ts); none by default. */
  inject?: InjectionOptions;
}

export interface GenerateProgress {
  year: number;
  /** Persons of this year done and in all. */
  done: number;
  total: number;
  /** Encounters so far. */
  encounters: number;
}

/** Receives what the generator makes. All methods may be async; the generator awaits them. */
export interface GenerationSink {
  county?(county: County): void | Promise<void>;
  /** `injected`: what was planted in this chunk (empty unless injection was requested). */
  chunk?(chunk: CareChunk, ctx: { county: County; tables: CareTables; pop: Population; injected: readonly Injected[] }): void | Promise<void>;
  /** The population with everybody's entry and exit, after the last year. */
  population?(pop: Population, county: County): void | Promise<void>;
}

export interface YearResult {
  year: number;
  dynamics: DynamicsSummary;
  stats: CareStats;
  calibration: CalibrationReport;
}

export interface GenerateResult {
  seed: string;
  jurisdiction: string;
  population: number;
  startYear: number;
  years: number;
  paramVersion: string;
  persons: number;
  encounters: number;
  referrals: number;
  yearResults: YearResult[];
  /** What was planted when injection was requested (ground truth for supervision tests). */
  injected: Injected[];
  /** Every parameter value read, with its provenance. */
  parameters: UsedParam[];
  county: County;
  tables: CareTables;
}

export class GenerationAborted extends Error {
  constructor() {
    super('generation aborted');
    this.name = 'GenerationAborted';
  }
}

const midYear = (year: number) => `${year}-07-01`;

export async function generate(opts: GenerateOptions, sink: GenerationSink = {}): Promise<GenerateResult> {
  const jurisdiction = opts.jurisdiction ?? 'demo';
  const seed = String(opts.seed);
  if (!Number.isInteger(opts.startYear) || opts.startYear < 1900 || opts.startYear > 2200) throw new RangeError(`start year must be a year, got ${opts.startYear}`);
  if (!Number.isInteger(opts.years) || opts.years < 1 || opts.years > 50) throw new RangeError(`years must be an integer from 1 to 50, got ${opts.years}`);
  const root = Random.fromSeed(seed);
  const used = new Map<string, UsedParam>();
  const readerFor = (year: number) => new ParamReader(opts.params, midYear(year), jurisdiction);
  const firstReader = readerFor(opts.startYear);
  const first = resolveYearModel(firstReader, opts.startYear);
  const population = opts.population ?? first.population.size;
  if (!Number.isInteger(population) || population < 1 || population > 50_000_000) throw new RangeError(`population must be an integer from 1 to 50,000,000, got ${population}`);
  const chunkSize = opts.chunkSize ?? 16_384;
  const jname = opts.params.jurisdiction(jurisdiction).name.zh;

  // The county's layout (townships, villages, distances, beds, staff) belongs to the jurisdiction, not
  // to the draw: it is seeded by the jurisdiction id, so another seed gives other people and care in
  // the same county.
  const county = buildCounty(first, Random.fromSeed(`county:${jurisdiction}`), population, jurisdiction, jname);
  await sink.county?.(county);
  const pop = baselinePopulation(first, county, root.stream('population'), population, opts.startYear, opts.years);
  const tables = new CareTables(opts.catalogue, adultPrevalence(first));
  const counters: Counters = { encounter: 0, referral: 0 };
  const yearResults: YearResult[] = [];
  const injected: Injected[] = [];
  const chunk: CareChunk = { year: opts.startYear, encounters: new EncounterBatch(chunkSize * 8), chargeLines: new LineBatch(chunkSize * 30), drugLines: new LineBatch(chunkSize * 20), inpatientCases: [], referrals: [] };

  for (let y = 0; y < opts.years; y++) {
    const year = opts.startYear + y;
    const reader = y === 0 ? firstReader : readerFor(year);
    const model: YearModel = y === 0 ? first : resolveYearModel(reader, year);
    const targets = resolveTargets(reader);
    for (const [k, v] of reader.used) used.set(`${k}@${year}`, v);
    const dynamics = advanceYear(pop, model, county, root.stream(`dynamics/${year}`), year, y === 0);
    // Service prices adopted by a price adjustment (pricing.service.*) in force at the year's parameter date.
    const adopted = adoptedPrices(opts.catalogue, opts.params, jurisdiction, midYear(year));
    for (const a of adopted) used.set(`${a.resolved.path}@${year}`, { path: a.resolved.path, value: a.resolved.value, provenance: a.resolved.provenance });
    tables.setAdoptedPrices(adopted.map((a) => ({ service: a.service, level: a.level, priceFen: a.resolved.value })));
    const ctx: CareContext = { model, tables, county, pop, counters };
    const stats = new CareStats();
    const n = pop.n;
    for (let from = 0, c = 0; from < n; from += chunkSize, c++) {
      if (opts.signal?.aborted) throw new GenerationAborted();
      chunk.year = year;
      chunk.encounters.clear();
      chunk.chargeLines.clear();
      chunk.drugLines.clear();
      chunk.inpatientCases = [];
      chunk.referrals = [];
      const to = Math.min(n, from + chunkSize);
      generateCare(ctx, root.stream(`care/${year}/${c}`), from, to, chunk, stats);
      const planted = injected.length;
      if (opts.inject) injectPatterns(chunk, ctx, root.stream(`inject/${year}/${c}`), opts.inject, daysFromCivil(year, 12, 31), injected);
      stats.chargeLines += chunk.chargeLines.length;
      stats.drugLines += chunk.drugLines.length;
      await sink.chunk?.(chunk, { county, tables, pop, injected: injected.slice(planted) });
      await opts.onProgress?.({ year, done: to, total: n, encounters: counters.encounter });
    }
    yearResults.push({ year, dynamics, stats, calibration: calibrationReport(stats, targets, reader, year) });
  }
  await sink.population?.(pop, county);
  return {
    seed,
    jurisdiction,
    population,
    startYear: opts.startYear,
    years: opts.years,
    paramVersion: opts.params.version,
    persons: pop.n,
    encounters: counters.encounter,
    referrals: counters.referral,
    yearResults,
    injected,
    parameters: [...used.entries()].map(([k, v]) => ({ ...v, path: k })),
    county,
    tables,
  };
}

/** Prevalence of each condition among adults under the model's age distribution. */
function adultPrevalence(m: YearModel): Record<string, number> {
  const out: Record<string, number> = {};
  const bands = m.population.ageBands;
  for (const c of CHRONIC_CONDITIONS) {
    let num = 0;
    let den = 0;
    bands.forEach((b, i) => {
      const to = bands[i + 1]?.from ?? 100;
      for (let a = Math.max(18, b.from); a < to; a++) {
        const s = b.share / (to - b.from);
        num += s * (m.population.prevalence[c][a] ?? 0);
        den += s;
      }
    });
    out[c] = den > 0 ? num / den : 0;
  }
  return out;
}
