/**
 * DRG relative weights, points and hospital indices (DOMAIN.md §3.4, §3.6):
 *
 *   w        = 1:2:7 for the years t−3, t−2, t−1 (dated parameters drg.weights.yearMinus{3,2,1})
 *   avg_g    = Σ_y w_y × mean(cost of the trimmed cases of g in y) / Σ_y w_y   (years where g has cases)
 *   M        = the same over all trimmed cases
 *   RW_g     = avg_g / M                    相对权重 (rounded half-up to 4 decimals)
 *   points_g = RW_g × scale                 点数 (scale: drg.points.scale)
 *   CMI_h    = Σ_g RW_g n_hg / Σ_g n_hg      病例组合指数
 *   costIndex_h = Σ_g (avgCost_hg / avgCost_g) n_hg / Σ_g n_hg   费用消耗指数 (< 1 cheaper)
 *   timeIndex_h = the same with the average length of stay       时间消耗指数 (< 1 shorter)
 *
 * Trimming (异常值剔除) per DRG and year: `sd` keeps |x − mean| ≤ k·SD, `iqr` keeps
 * Q1 − k·IQR ≤ x ≤ Q3 + k·IQR (quartiles by linear interpolation), with x = cost or ln(cost).
 * When a DRG has no cases in one of the years, its weights are renormalised over the years it has
 * (the trace says so). Amounts are integer fen; averages are reported rounded half-up to the fen.
 */
import type { ParamTree, Provenance } from '../rules/params.js';
import type { IsoDate } from '../rules/period.js';

export interface HistoricalCase {
  drg: string;
  year: number;
  costFen: number;
  los: number;
  hospital?: string;
}

export interface WeightParams {
  /** Weights of the years t−1, t−2, t−3. */
  yearWeights: [number, number, number];
  trimMethod: 'sd' | 'iqr';
  trimK: number;
  trimOnLog: boolean;
  pointScale: number;
  /** Where each value comes from (for the trace). */
  provenance: Record<string, Provenance>;
}

export function weightParams(tree: ParamTree, date: IsoDate, jurisdiction: string): WeightParams {
  const provenance: Record<string, Provenance> = {};
  const num = (p: string) => {
    const r = tree.number(p, date, jurisdiction);
    provenance[p] = r.provenance;
    return r.value;
  };
  const method = tree.string('drg.weights.trimMethod', date, jurisdiction);
  provenance['drg.weights.trimMethod'] = method.provenance;
  const onLog = tree.flag('drg.weights.trimOnLog', date, jurisdiction);
  provenance['drg.weights.trimOnLog'] = onLog.provenance;
  if (method.value !== 'sd' && method.value !== 'iqr') throw new Error(`drg.weights.trimMethod must be sd or iqr, got ${method.value}`);
  return {
    yearWeights: [num('drg.weights.yearMinus1'), num('drg.weights.yearMinus2'), num('drg.weights.yearMinus3')],
    trimMethod: method.value,
    trimK: num('drg.weights.trimK'),
    trimOnLog: onLog.value,
    pointScale: num('drg.points.scale'),
    provenance,
  };
}

export interface YearFigures {
  year: number;
  weight: number;
  cases: number;
  kept: number;
  /** Mean cost of the kept cases, fen (not rounded). */
  mean: number;
}

export interface DrgWeight {
  drg: string;
  cases: number;
  kept: number;
  /** Weighted average cost, fen, rounded half-up. */
  avgCostFen: number;
  rw: number;
  points: number;
  years: YearFigures[];
  note?: string;
}

export interface WeightsResult {
  targetYear: number;
  /** Weighted average cost of all kept cases, fen, rounded half-up. */
  overallAvgCostFen: number;
  weights: DrgWeight[];
  params: WeightParams;
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** Indices of the values kept by the trimming rule. */
export function trim(values: readonly number[], method: 'sd' | 'iqr', k: number, onLog: boolean): boolean[] {
  const x = values.map((v) => (onLog ? Math.log(Math.max(v, 1)) : v));
  const n = x.length;
  if (n < 3) return x.map(() => true);
  if (method === 'sd') {
    const mean = x.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    return x.map((v) => Math.abs(v - mean) <= k * sd);
  }
  const sorted = [...x].sort((a, b) => a - b);
  const q = (p: number) => {
    const pos = (n - 1) * p;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
  };
  const q1 = q(0.25);
  const q3 = q(0.75);
  const iqr = q3 - q1;
  return x.map((v) => v >= q1 - k * iqr && v <= q3 + k * iqr);
}

/** Relative weights for `targetYear` from the cases of the three years before it. */
export function computeWeights(cases: readonly HistoricalCase[], targetYear: number, p: WeightParams): WeightsResult {
  const yearIndex = (y: number) => targetYear - y - 1; // 0 = t−1, 1 = t−2, 2 = t−3
  const byDrgYear = new Map<string, number[][]>();
  for (const c of cases) {
    const yi = yearIndex(c.year);
    if (yi < 0 || yi > 2) continue;
    if (!Number.isSafeInteger(c.costFen) || c.costFen < 0) throw new RangeError(`case of ${c.drg} in ${c.year}: cost must be non-negative integer fen, got ${c.costFen}`);
    let years = byDrgYear.get(c.drg);
    if (!years) byDrgYear.set(c.drg, (years = [[], [], []]));
    years[yi]!.push(c.costFen);
  }
  const all: number[][] = [[], [], []];
  const prelim: Array<{ drg: string; years: YearFigures[]; cases: number; kept: number; avg: number; note?: string }> = [];
  for (const [drg, years] of [...byDrgYear].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const figures: YearFigures[] = [];
    let wsum = 0;
    let acc = 0;
    let total = 0;
    let kept = 0;
    years.forEach((costs, yi) => {
      total += costs.length;
      if (costs.length === 0) return;
      const keep = trim(costs, p.trimMethod, p.trimK, p.trimOnLog);
      const k = costs.filter((_, i) => keep[i]);
      kept += k.length;
      all[yi]!.push(...k);
      const mean = k.reduce((a, b) => a + b, 0) / k.length;
      const w = p.yearWeights[yi]!;
      figures.push({ year: targetYear - yi - 1, weight: w, cases: costs.length, kept: k.length, mean });
      wsum += w;
      acc += w * mean;
    });
    const missing = years.filter((c) => c.length === 0).length;
    prelim.push({ drg, years: figures, cases: total, kept, avg: wsum > 0 ? acc / wsum : 0, ...(missing ? { note: `no cases in ${missing} of the 3 years: year weights renormalised over the years present` } : {}) });
  }
  let wsum = 0;
  let acc = 0;
  all.forEach((costs, yi) => {
    if (costs.length === 0) return;
    wsum += p.yearWeights[yi]!;
    acc += p.yearWeights[yi]! * (costs.reduce((a, b) => a + b, 0) / costs.length);
  });
  const overall = wsum > 0 ? acc / wsum : 0;
  const weights = prelim.map((g): DrgWeight => {
    const rw = overall > 0 ? round4(g.avg / overall) : 0;
    return { drg: g.drg, cases: g.cases, kept: g.kept, avgCostFen: Math.round(g.avg), rw, points: round4(rw * p.pointScale), years: g.years, ...(g.note ? { note: g.note } : {}) };
  });
  return { targetYear, overallAvgCostFen: Math.round(overall), weights, params: p };
}

export interface HospitalIndices {
  hospital: string;
  cases: number;
  drgs: number;
  totalWeight: number;
  cmi: number;
  costIndex: number;
  timeIndex: number;
}

/** CMI, number of DRGs, total weight and cost/time consumption indices per hospital (one period's cases). */
export function hospitalIndices(cases: readonly HistoricalCase[], rw: ReadonlyMap<string, number>): HospitalIndices[] {
  const region = new Map<string, { n: number; cost: number; los: number }>();
  const hosp = new Map<string, Map<string, { n: number; cost: number; los: number }>>();
  for (const c of cases) {
    if (!rw.has(c.drg) || c.hospital === undefined) continue;
    const r = region.get(c.drg) ?? { n: 0, cost: 0, los: 0 };
    r.n++;
    r.cost += c.costFen;
    r.los += c.los;
    region.set(c.drg, r);
    let h = hosp.get(c.hospital);
    if (!h) hosp.set(c.hospital, (h = new Map<string, { n: number; cost: number; los: number }>()));
    const g = h.get(c.drg) ?? { n: 0, cost: 0, los: 0 };
    g.n++;
    g.cost += c.costFen;
    g.los += c.los;
    h.set(c.drg, g);
  }
  const out: HospitalIndices[] = [];
  for (const [hospital, groups] of [...hosp].sort(([a], [b]) => (a < b ? -1 : 1))) {
    let n = 0;
    let weight = 0;
    let ci = 0;
    let ti = 0;
    for (const [drg, g] of groups) {
      const r = region.get(drg)!;
      n += g.n;
      weight += rw.get(drg)! * g.n;
      ci += (g.cost / g.n / (r.cost / r.n || 1)) * g.n;
      ti += (g.los / g.n / (r.los / r.n || 1)) * g.n;
    }
    out.push({ hospital, cases: n, drgs: groups.size, totalWeight: round4(weight), cmi: round4(weight / n), costIndex: round4(ci / n), timeIndex: round4(ti / n) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Base rate, payment standards, outliers (DOMAIN.md §3.4–3.5)

export interface BaseRate {
  method: 'history' | 'budget';
  /** Yuan per unit of relative weight, in fen (rounded half-up). */
  baseRateFen: number;
  /** The figures it came from. */
  numeratorFen: number;
  denominatorWeight: number;
  growth?: number;
  provenance: Record<string, Provenance>;
}

/**
 * 费率 BR:
 *   history: BR = Σ cost of last year's cases / Σ RW of last year's cases × (1 + growth)
 *   budget:  BR = DRG budget / Σ_g (expected cases_g × RW_g), expected cases = last year's counts
 * Rounded half-up to the fen.
 */
export function baseRate(lastYear: readonly HistoricalCase[], rw: ReadonlyMap<string, number>, tree: ParamTree, date: IsoDate, jurisdiction: string): BaseRate {
  const provenance: Record<string, Provenance> = {};
  const m = tree.string('drg.baseRate.method', date, jurisdiction);
  provenance['drg.baseRate.method'] = m.provenance;
  let cost = 0;
  let weight = 0;
  for (const c of lastYear) {
    const w = rw.get(c.drg);
    if (w === undefined) continue;
    cost += c.costFen;
    weight += w;
  }
  if (!(weight > 0)) throw new Error('no case of the last year has a weight: the base rate cannot be computed');
  if (m.value === 'budget') {
    const b = tree.fen('drg.baseRate.budget', date, jurisdiction);
    provenance['drg.baseRate.budget'] = b.provenance;
    return { method: 'budget', baseRateFen: Math.round(b.value / weight), numeratorFen: b.value, denominatorWeight: round4(weight), provenance };
  }
  if (m.value !== 'history') throw new Error(`drg.baseRate.method must be history or budget, got ${m.value}`);
  const g = tree.number('drg.baseRate.growth', date, jurisdiction);
  provenance['drg.baseRate.growth'] = g.provenance;
  return { method: 'history', baseRateFen: Math.round((cost / weight) * (1 + g.value)), numeratorFen: cost, denominatorWeight: round4(weight), growth: g.value, provenance };
}

/** 支付标准 P_g = RW_g × BR, rounded half-up to the fen. */
export function paymentStandardFen(rw: number, baseRateFen: number): number {
  return Math.round(rw * baseRateFen);
}

export type OutlierKind = 'high' | 'low' | 'normal';

export interface OutlierRule {
  highTertiary: number;
  highOther: number;
  low: number;
}

export function outlierRule(tree: ParamTree, date: IsoDate, jurisdiction: string): OutlierRule {
  return {
    highTertiary: tree.number('drg.outlier.highTertiary', date, jurisdiction).value,
    highOther: tree.number('drg.outlier.highOther', date, jurisdiction).value,
    low: tree.number('drg.outlier.low', date, jurisdiction).value,
  };
}

/** 高倍率 / 低倍率: r = case cost / payment standard; high when r > the level's threshold, low when r < low. */
export function classifyOutlier(costFen: number, standardFen: number, grade: 'primary' | 'secondary' | 'tertiary', rule: OutlierRule): { kind: OutlierKind; ratio: number } {
  const ratio = standardFen > 0 ? costFen / standardFen : Infinity;
  const high = grade === 'tertiary' ? rule.highTertiary : rule.highOther;
  return { kind: ratio > high ? 'high' : ratio < rule.low ? 'low' : 'normal', ratio };
}
