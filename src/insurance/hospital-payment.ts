/**
 * Paying institutions for inpatient cases (DOMAIN.md §3.4–3.5, §4): by DRG (base rate or points),
 * by DIP, or by item, selected per jurisdiction and date (`payment.inpatient.method`).
 *
 *   excluded (paid by item): no group, LOS ≤ payment.exclusion.minLos or ≥ payment.exclusion.maxLos,
 *     care outside the county (paid under the other region's rules: by item here), no weight for the group
 *   DRG base rate:  standard = RW × BR × levelCoef                         half-up to the fen
 *   DRG points:     points = RW × pointScale; pointValue = BR / pointScale  (the budget point value),
 *                   standard = points × pointValue × levelCoef             the same money, stated in points
 *   DIP:            standard = caseScore × pointValue × levelCoef, caseScore = score × coef (dip.ts:
 *                   coef = r below 0.5, r − 2 + 1 above 2); pointValue = the budget point value of the
 *                   base cases (their cost ÷ their Σ score)
 *   outliers (DRG): r = charges / standard;  r > high(level): paid standard × (r − high + 1)
 *                   = charges − standard × (high − 1);  r < low: paid the charges (by item)
 *   paid      = the case's payment;  fund = max(0, paid − patient part (patients pay by item));
 *   balance   = paid − charges  (结余 > 0, 超支 < 0)
 * Parameters are resolved once per date; a case's trace is rebuilt on demand by `explainCase`,
 * from the same function, so the explanation is the bulk result.
 */
import type { ParamTree, Provenance, Resolved } from '../rules/params.js';
import type { IsoDate } from '../rules/period.js';
import { TraceBuilder, type Trace } from '../rules/trace.js';
import { baseRate, classifyOutlier, computeWeights, weightParams, type HistoricalCase } from '../grouper/weights.js';
import { budgetPointValue, buildDipCatalogue, caseScore, dipGroupOf, dipParams, type DipCase, type DipCatalogue } from '../grouper/dip.js';
import type { Grade } from './adjudicate.js';

export const PAYMENT_METHODS = ['drg_base_rate', 'drg_points', 'dip', 'item'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export class PaymentError extends Error {
  override name = 'PaymentError';
}

type P<T> = Resolved & { value: T };

/** The payment parameters in force on one date. */
export interface PaymentRules {
  date: IsoDate;
  method: P<PaymentMethod>;
  minLos: P<number>;
  maxLos: P<number>;
  levelCoef: Record<Grade, P<number>>;
  highTertiary: P<number>;
  highOther: P<number>;
  low: P<number>;
}

export function paymentRules(tree: ParamTree, date: IsoDate, jurisdiction: string): PaymentRules {
  const get = <T>(path: string): P<T> => tree.resolve(path, date, jurisdiction) as P<T>;
  const method = get<PaymentMethod>('payment.inpatient.method');
  if (!PAYMENT_METHODS.includes(method.value)) throw new PaymentError(`payment.inpatient.method of ${jurisdiction} on ${date} is "${method.value}"; expected one of ${PAYMENT_METHODS.join(', ')}`);
  return {
    date,
    method,
    minLos: get('payment.exclusion.minLos'),
    maxLos: get('payment.exclusion.maxLos'),
    levelCoef: { primary: get('payment.levelCoef.primary'), secondary: get('payment.levelCoef.secondary'), tertiary: get('payment.levelCoef.tertiary') },
    highTertiary: get('drg.outlier.highTertiary'),
    highOther: get('drg.outlier.highOther'),
    low: get('drg.outlier.low'),
  };
}

/** Relative weights, base rate and DIP catalogue for a settlement year, with where they came from. */
export interface PaymentTables {
  year: number;
  /** 'history': years t−3…t−1; 'same_year': the settlement year's own cases (no history loaded). */
  source: 'history' | 'same_year';
  rw: Map<string, number>;
  baseRateFen: number;
  pointScale: number;
  dip: DipCatalogue | null;
  dipPointValueFen: number | null;
  trace: Trace;
}

export interface TableCase extends HistoricalCase {
  /** Principal diagnosis and procedure, for DIP. */
  dx: string;
  px: string;
}

/**
 * Weights (1:2:7 over t−3…t−1, trimmed; issue 4), the base rate (history or budget) and, when DIP is
 * in force, the DIP catalogue and its point value. Without cases in t−3…t−1 the settlement year's own
 * cases are used only if `payment.drg.weightsFallback` is `same_year`; otherwise it is an error.
 */
export function paymentTables(cases: readonly TableCase[], year: number, tree: ParamTree, jurisdiction: string): PaymentTables {
  const date = `${year}-01-01`;
  const t = new TraceBuilder('insurance.payment.tables', { jurisdiction, year, cases: cases.length }, { zh: 'DRG/DIP 权重、费率与点值', en: 'DRG/DIP weights, base rate and point value' });
  const history = cases.filter((c) => c.year >= year - 3 && c.year <= year - 1);
  let source: PaymentTables['source'] = 'history';
  let base: readonly TableCase[] = history;
  let target = year;
  if (history.length === 0) {
    const fb = t.param(tree.string('payment.drg.weightsFallback', date, jurisdiction));
    if (fb !== 'same_year') throw new PaymentError(`no inpatient cases of ${year - 3}–${year - 1} for ${jurisdiction}: the ${year} weights cannot be computed (payment.drg.weightsFallback is ${fb})`);
    source = 'same_year';
    base = cases.filter((c) => c.year === year);
    target = year + 1; // the year's cases stand in for t−1
    t.step('weights source', 'same_year', { note: `no cases of ${year - 3}–${year - 1}: weights and rates from the ${year} cases themselves (calibration, not a prospective payment)` });
    if (base.length === 0) throw new PaymentError(`no inpatient cases of ${year} for ${jurisdiction}: nothing to compute weights from`);
  }
  const wp = weightParams(tree, date, jurisdiction);
  const weights = computeWeights(base, target, wp);
  const rw = new Map(weights.weights.map((w) => [w.drg, w.rw]));
  const lastYear = base.filter((c) => c.year === target - 1);
  const br = baseRate(lastYear, rw, tree, date, jurisdiction);
  t.step('DRG groups weighted', rw.size);
  t.step('overall average cost', weights.overallAvgCostFen, { unit: 'fen' });
  t.step('base rate BR', br.baseRateFen, { unit: 'fen', formula: br.method === 'history' ? 'Σ cost ÷ Σ RW of last year × (1 + growth)' : 'budget ÷ Σ RW of expected cases' });
  const method = tree.string('payment.inpatient.method', date, jurisdiction).value;
  let dip: DipCatalogue | null = null;
  let dipPointValueFen: number | null = null;
  if (method === 'dip') {
    const dcases: DipCase[] = base.map((c) => ({ year: c.year, dx: c.dx, px: c.px, costFen: c.costFen }));
    dip = buildDipCatalogue(dcases, target, dipParams(tree, date, jurisdiction));
    const expected = new Map<string, number>();
    let cost = 0;
    for (const c of dcases) {
      if (c.year !== target - 1) continue;
      const g = dipGroupOf(dip, c);
      if (!g) continue;
      expected.set(g.key, (expected.get(g.key) ?? 0) + 1);
      cost += c.costFen;
    }
    dipPointValueFen = budgetPointValue(cost, expected, dip);
    t.step('DIP groups', dip.groups.size);
    t.step('DIP point value', dipPointValueFen, { unit: 'fen', formula: 'Σ cost of the base cases ÷ Σ their group scores' });
  }
  return { year, source, rw, baseRateFen: br.baseRateFen, pointScale: wp.pointScale, dip, dipPointValueFen, trace: t.build() };
}

export interface PayableCase {
  caseId: number;
  institutionId: string;
  grade: Grade;
  inCounty: boolean;
  los: number;
  chargesFen: number;
  /** The patient's part under item-based adjudication. */
  patientFen: number;
  /** DRG code; '' when not grouped. */
  drg: string;
  /** Principal diagnosis and procedure (for DIP). */
  dx: string;
  px: string;
}

export type Exclusion = 'ungroupable' | 'short_stay' | 'long_stay' | 'out_of_county' | 'no_weight' | 'method_item';

export interface CasePayment {
  caseId: number;
  institutionId: string;
  method: PaymentMethod;
  group: string | null;
  exclusion: Exclusion | null;
  outlier: 'high' | 'low' | 'normal' | null;
  /** What the case is paid in all (group price, outlier-adjusted; the charges when paid by item). */
  paidFen: number;
  chargesFen: number;
  patientFen: number;
  /** The fund's payment to the institution: max(0, paid − patient). */
  fundFen: number;
  /** paid − charges: 结余 (> 0) or 超支 (< 0). */
  balanceFen: number;
}

/** Pays one case; with a trace builder, records every step and parameter. */
export function payCase(c: PayableCase, R: PaymentRules, T: PaymentTables, t?: TraceBuilder): CasePayment {
  const use = <V extends number | string>(p: P<V>): V => {
    if (t) t.param(p);
    return p.value;
  };
  const method = use(R.method);
  const item = (exclusion: Exclusion, group: string | null): CasePayment => {
    t?.step('paid by item', exclusion);
    return { caseId: c.caseId, institutionId: c.institutionId, method: 'item', group, exclusion, outlier: null, paidFen: c.chargesFen, chargesFen: c.chargesFen, patientFen: c.patientFen, fundFen: Math.max(0, c.chargesFen - c.patientFen), balanceFen: 0 };
  };
  if (method === 'item') return item('method_item', c.drg || null);
  if (!c.inCounty) return item('out_of_county', c.drg || null);
  if (c.los <= use(R.minLos)) return item('short_stay', c.drg || null);
  if (c.los >= use(R.maxLos)) return item('long_stay', c.drg || null);
  const coef = use(R.levelCoef[c.grade]);
  let standard: number;
  let group: string;
  if (method === 'dip') {
    if (!T.dip || T.dipPointValueFen === null) throw new PaymentError('DIP is in force but the payment tables have no DIP catalogue');
    const s = caseScore(T.dip, { year: T.year, dx: c.dx, px: c.px, costFen: c.chargesFen });
    if (!s) return item('ungroupable', null);
    group = s.group;
    t?.step('DIP group', s.group);
    t?.step('cost ratio r', s.ratio);
    t?.step('case coefficient', s.coef, { formula: 'r < 0.5: r; r > 2: r − 2 + 1; else 1' });
    t?.step('case score', s.score);
    standard = Math.round(s.score * T.dipPointValueFen * coef);
    t?.step('paid', standard, { unit: 'fen', formula: 'case score × point value × level coefficient, half-up' });
    return finish(c, 'dip', group, null, standard);
  }
  if (c.drg === '') return item('ungroupable', null);
  const rw = T.rw.get(c.drg);
  if (rw === undefined) return item('no_weight', c.drg);
  group = c.drg;
  t?.step('relative weight RW', rw);
  if (method === 'drg_points') {
    const points = rw * T.pointScale;
    const pv = T.baseRateFen / T.pointScale;
    t?.step('points', points, { formula: 'RW × point scale' });
    t?.step('point value', pv, { unit: 'fen', formula: 'BR ÷ point scale' });
    standard = Math.round(points * pv * coef);
  } else {
    t?.step('base rate BR', T.baseRateFen, { unit: 'fen' });
    standard = Math.round(rw * T.baseRateFen * coef);
  }
  t?.step('group standard', standard, { unit: 'fen', formula: 'RW × BR × level coefficient, half-up' });
  const high = use(c.grade === 'tertiary' ? R.highTertiary : R.highOther);
  const o = classifyOutlier(c.chargesFen, standard, c.grade, { highTertiary: R.highTertiary.value, highOther: R.highOther.value, low: use(R.low) });
  t?.step('r = charges ÷ standard', Math.round(o.ratio * 10_000) / 10_000);
  let paid = standard;
  if (o.kind === 'high') {
    paid = c.chargesFen - standard * (high - 1);
    t?.step('high outlier paid', paid, { unit: 'fen', formula: 'standard × (r − high + 1) = charges − standard × (high − 1)' });
  } else if (o.kind === 'low') {
    paid = c.chargesFen;
    t?.step('low outlier paid by item', paid, { unit: 'fen' });
  }
  return finish(c, method, group, o.kind, paid);
}

function finish(c: PayableCase, method: PaymentMethod, group: string, outlier: CasePayment['outlier'], paid: number): CasePayment {
  return { caseId: c.caseId, institutionId: c.institutionId, method, group, exclusion: null, outlier, paidFen: paid, chargesFen: c.chargesFen, patientFen: c.patientFen, fundFen: Math.max(0, paid - c.patientFen), balanceFen: paid - c.chargesFen };
}

/** One case's payment with its full trace (the same computation as the bulk payment). */
export function explainCase(c: PayableCase, R: PaymentRules, T: PaymentTables): CasePayment & { trace: Trace } {
  const t = new TraceBuilder('insurance.payment.case', { ...c }, { zh: '住院病例付费', en: 'Inpatient case payment' });
  const p = payCase(c, R, T, t);
  t.child(T.trace);
  return { ...p, trace: t.done(p) };
}

/** 家庭医生签约按人头付费: contracted persons × per-capita amount, per institution (0 when not paid). */
export function familyDoctorCapitation(contracts: ReadonlyMap<string, number>, tree: ParamTree, date: IsoDate, jurisdiction: string): { perCapitaFen: number; byInstitution: Map<string, number>; provenance: Provenance } {
  const r = tree.fen('payment.familyDoctor.perCapitaFen', date, jurisdiction);
  const byInstitution = new Map<string, number>();
  for (const [inst, n] of contracts) byInstitution.set(inst, n * r.value);
  return { perCapitaFen: r.value, byInstitution, provenance: r.provenance };
}
