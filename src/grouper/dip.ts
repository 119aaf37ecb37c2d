/**
 * DIP (按病种分值付费, DOMAIN.md §4): groups from the principal diagnosis and the treatment (the
 * principal procedure, or conservative treatment), built from local cases; groups with at least
 * `dip.coreMinCases` cases are core groups (核心病种), the rest fall into comprehensive groups
 * (综合病种) by ICD-10 chapter and treatment kind.
 *
 *   score_i  = m_i / M × scale          m_i: 1:2:7-weighted average cost of group i; M: of all cases
 *   budgetPV = weighted average annual inpatient cost / Σ_i (score_i × expected cases_i)
 *   settlePV = (DIP fund / reimbursement ratio) / Σ case scores
 *   r = case cost / average cost of its group
 *   coef = r < low ? r : r > high ? (r − high) + 1 : 1        (low 0.5, high 2; dated parameters)
 *   case score = score_i × coef
 * Point values are yuan (in fen) per point, rounded half-up to 4 decimals of a fen.
 */
import type { ParamTree } from '../rules/params.js';
import type { IsoDate } from '../rules/period.js';

export interface DipCase {
  year: number;
  /** Principal diagnosis (ICD-10 医保版). */
  dx: string;
  /** Principal procedure (ICD-9-CM-3 医保版), empty when none. */
  px: string;
  costFen: number;
}

export interface DipParams {
  coreMinCases: number;
  scale: number;
  low: number;
  high: number;
  yearWeights: [number, number, number];
}

export function dipParams(tree: ParamTree, date: IsoDate, jurisdiction: string): DipParams {
  const n = (p: string) => tree.number(p, date, jurisdiction).value;
  return {
    coreMinCases: n('dip.coreMinCases'),
    scale: n('dip.scoreScale'),
    low: n('dip.outlier.low'),
    high: n('dip.outlier.high'),
    yearWeights: [n('drg.weights.yearMinus1'), n('drg.weights.yearMinus2'), n('drg.weights.yearMinus3')],
  };
}

/** The core-group key of a case: diagnosis subcategory (4 characters, e.g. I63.9) and treatment. */
export function coreKey(c: Pick<DipCase, 'dx' | 'px'>): string {
  return `${c.dx.slice(0, 5)}|${c.px === '' ? 'conservative' : c.px}`;
}

/** The comprehensive-group key: ICD-10 chapter letter and treatment kind. */
export function comprehensiveKey(c: Pick<DipCase, 'dx' | 'px'>): string {
  return `${c.dx.slice(0, 1)}|${c.px === '' ? 'conservative' : 'procedure'}`;
}

export interface DipGroup {
  key: string;
  type: 'core' | 'comprehensive';
  cases: number;
  /** 1:2:7-weighted average cost, fen (not rounded). */
  avgCost: number;
  score: number;
}

export interface DipCatalogue {
  targetYear: number;
  groups: Map<string, DipGroup>;
  /** Weighted average cost of all cases, fen. */
  overallAvg: number;
  params: DipParams;
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

function weightedAvg(byYear: number[][], w: readonly number[]): number {
  let ws = 0;
  let acc = 0;
  byYear.forEach((costs, i) => {
    if (!costs.length) return;
    ws += w[i]!;
    acc += w[i]! * (costs.reduce((a, b) => a + b, 0) / costs.length);
  });
  return ws > 0 ? acc / ws : 0;
}

/** Builds the catalogue (groups and scores) for `targetYear` from the cases of the three years before. */
export function buildDipCatalogue(cases: readonly DipCase[], targetYear: number, p: DipParams): DipCatalogue {
  const yi = (y: number) => targetYear - y - 1;
  const inWindow = cases.filter((c) => yi(c.year) >= 0 && yi(c.year) <= 2);
  const counts = new Map<string, number>();
  for (const c of inWindow) counts.set(coreKey(c), (counts.get(coreKey(c)) ?? 0) + 1);
  const costs = new Map<string, { type: 'core' | 'comprehensive'; byYear: number[][] }>();
  const all: number[][] = [[], [], []];
  for (const c of inWindow) {
    if (!Number.isSafeInteger(c.costFen) || c.costFen < 0) throw new RangeError(`a case of ${c.dx} in ${c.year}: cost must be non-negative integer fen, got ${c.costFen}`);
    const core = (counts.get(coreKey(c)) ?? 0) >= p.coreMinCases;
    const key = core ? coreKey(c) : comprehensiveKey(c);
    let g = costs.get(key);
    if (!g) costs.set(key, (g = { type: core ? 'core' : 'comprehensive', byYear: [[], [], []] }));
    g.byYear[yi(c.year)]!.push(c.costFen);
    all[yi(c.year)]!.push(c.costFen);
  }
  const overallAvg = weightedAvg(all, p.yearWeights);
  const groups = new Map<string, DipGroup>();
  for (const [key, g] of [...costs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const avg = weightedAvg(g.byYear, p.yearWeights);
    groups.set(key, { key, type: g.type, cases: g.byYear.reduce((a, b) => a + b.length, 0), avgCost: avg, score: overallAvg > 0 ? round4((avg / overallAvg) * p.scale) : 0 });
  }
  return { targetYear, groups, overallAvg, params: p };
}

/** The group of a case: its core group when the catalogue has it, else its comprehensive group. */
export function dipGroupOf(cat: DipCatalogue, c: Pick<DipCase, 'dx' | 'px'>): DipGroup | undefined {
  return cat.groups.get(coreKey(c)) ?? cat.groups.get(comprehensiveKey(c));
}

/** 病例分值: the group score times the cost coefficient. */
export function caseScore(cat: DipCatalogue, c: DipCase): { group: string; ratio: number; coef: number; score: number } | undefined {
  const g = dipGroupOf(cat, c);
  if (!g) return undefined;
  const r = g.avgCost > 0 ? c.costFen / g.avgCost : 1;
  const { low, high } = cat.params;
  const coef = r < low ? r : r > high ? r - high + 1 : 1;
  return { group: g.key, ratio: round4(r), coef: round4(coef), score: round4(g.score * coef) };
}

/** 预算点值: weighted average annual inpatient cost ÷ Σ score × expected cases, fen per point. */
export function budgetPointValue(weightedAnnualCostFen: number, expected: ReadonlyMap<string, number>, cat: DipCatalogue): number {
  let points = 0;
  for (const [key, n] of expected) points += (cat.groups.get(key)?.score ?? 0) * n;
  if (!(points > 0)) throw new Error('no expected case has a score: the budget point value cannot be computed');
  return round4(weightedAnnualCostFen / points);
}

/** 结算点值: (DIP fund ÷ reimbursement ratio) ÷ Σ case scores, fen per point. */
export function settlementPointValue(fundFen: number, reimbursementRatio: number, totalCaseScore: number): number {
  if (!(totalCaseScore > 0) || !(reimbursementRatio > 0)) throw new Error('the settlement point value needs a positive total score and reimbursement ratio');
  return round4(fundFen / reimbursementRatio / totalCaseScore);
}
