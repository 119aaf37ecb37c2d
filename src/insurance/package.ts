/**
 * The county medical community's package payment (医共体打包付费, DOMAIN.md §5; issue 5 §3).
 *
 * The fund pays the community one per-capita package for the county's insured residents; the
 * community bears the fund's payments for its residents' care and keeps (part of) what is left.
 *
 *   budget (package.*, resolved at 1 January of the year):
 *     perCapitaBase = Σ_y w'_y × fundSpend_y / insured_y   y ∈ {t−1, t−2, t−3} present in the history,
 *                     w'_y = w_y / Σ_present w (baseYearWeights renormalised over the years present)
 *                   | perCapitaFen                         when perCapitaBasis = parameter (no history)
 *     gross         = insured × perCapitaBase × (1 + allowedGrowth)   kept exact, half-up to the fen once
 *     riskReserve   = gross × riskReserveRate                          half-up to the fen
 *     carveOuts     = insured × criticalIllnessPremiumPerCapita + outOfProvinceEmergency   (exact fen)
 *     budget        = gross − riskReserve − carveOuts                  (a negative budget is an error)
 *   charges: fund payments to in-county institutions; residents' out-of-county care when
 *     includesOutOfCounty; retail pharmacies when includesPharmacy. Out-of-scope charges are reported
 *     as excluded, never charged.
 *   ledger, month m = 1…12:
 *     budgetShare_m = allocate(budget, 12 equal shares)           largest remainder, earlier months first
 *     advance_m     = allocate(budget × advanceRatio, 12 equal)   the total half-up to the fen
 *     balance_m     = Σ_{≤m} budgetShare − Σ_{≤m} charged
 *   year-end settlement, balance = budget − charged:
 *     balance ≥ 0 → retained = balance × retentionRateByScore(score) half-up; the rest returns to the fund
 *     balance < 0 → fundCompensation = −balance × overspendShare (only when the overspend is found
 *                   reasonable; 0 under 超支不补) half-up; the community bears the rest
 *   allocation of the retained surplus (openIMIS capitation pattern, DOMAIN.md §5 [C5]):
 *     alc_k      = allocate(allocated, weight_k)                   k ∈ county, township, village; Σ weight = 100
 *     facility_f = Σ_k allocate(alc_k, x_{·,k})_f                  unit_k = alc_k / Σ_f x_{f,k}
 *     Largest remainder at both steps, so Σ_f facility_f = allocated to the fen and each facility's
 *     part of a level is within 1 fen of x_{f,k} × unit_k. Σ_f x_{f,k} = 0 for a funded level is an error.
 *
 * Every result carries a trace (rules/trace.ts) with the parameters and their provenance. Pure:
 * same input and parameters, same output.
 */
import { allocate, mulDiv, mulRate, ratioOf, sub, sum, type Fen } from '../rules/money.js';
import { scaleLookup, type ParamTree } from '../rules/params.js';
import type { IsoDate } from '../rules/period.js';
import { TraceBuilder, type Trace } from '../rules/trace.js';

export type ChargeCategory = 'in_county' | 'out_of_county' | 'pharmacy';
export const CHARGE_CATEGORIES: readonly ChargeCategory[] = ['in_county', 'out_of_county', 'pharmacy'];

/** The three levels of the community. */
export type CommunityLevel = 'county' | 'township' | 'village';
export const COMMUNITY_LEVELS: readonly CommunityLevel[] = ['county', 'township', 'village'];

/** Bad input or an inconsistent parameter set; the message names what is wrong. */
export class PackageError extends Error {
  override name = 'PackageError';
}

/** The parameters of a year are those in force on 1 January of that year. */
export function packageDate(year: number): IsoDate {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new PackageError(`year must be a four-digit integer, got ${String(year)}`);
  return `${year}-01-01`;
}

// ---------------------------------------------------------------------------------------------
// Exact rationals (the per-capita base is kept exact until it is multiplied by the insured)

interface Q {
  n: bigint;
  d: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
};
const norm = (n: bigint, d: bigint): Q => {
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
};
const qAdd = (a: Q, b: Q): Q => norm(a.n * b.d + b.n * a.d, a.d * b.d);
const qMul = (a: Q, b: Q): Q => norm(a.n * b.n, a.d * b.d);
const qDiv = (a: Q, b: Q): Q => norm(a.n * b.d, a.d * b.n);
const qInt = (x: number): Q => ({ n: BigInt(x), d: 1n });
const qNumber = (q: Q): number => Number(q.n) / Number(q.d);
const qShow = (q: Q): string => (q.d === 1n ? String(q.n) : `${q.n}/${q.d}`);

/** A decimal parameter (0.7, 0.03) exactly, through its shortest decimal string. */
function qOf(x: number, what: string): Q {
  const r = ratioOf(x, what);
  return norm(r.num, r.den);
}

function checkCount(x: number, what: string, positive: boolean): void {
  if (!Number.isSafeInteger(x) || x < 0 || (positive && x === 0)) {
    throw new PackageError(`${what} must be a ${positive ? 'positive' : 'non-negative'} integer, got ${String(x)}`);
  }
}

function checkFen(x: number, what: string, nonNegative: boolean): void {
  if (!Number.isSafeInteger(x) || (nonNegative && x < 0)) {
    throw new PackageError(`${what} must be ${nonNegative ? 'a non-negative' : 'an'} integer number of fen, got ${String(x)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Budget

/** One base year of the county's resident fund: fund spending on its insured and their number. */
export interface BaseYear {
  year: number;
  fundSpendFen: Fen;
  insured: number;
}

export interface PackageBudgetInput {
  /** Insured persons of the package year. */
  insured: number;
  /** Base years (any order); only t−1, t−2, t−3 are used, and only when perCapitaBasis = history. */
  history?: readonly BaseYear[];
}

export interface PackageBudget {
  year: number;
  insured: number;
  basis: 'history' | 'parameter';
  /** The per-capita base in fen, for display; the budget uses the exact fraction `perCapitaBaseExact`. */
  perCapitaBase: number;
  perCapitaBaseExact: string;
  grossFen: Fen;
  riskReserveFen: Fen;
  carveOuts: { criticalIllnessPremiumFen: Fen; outOfProvinceEmergencyFen: Fen };
  carveOutsFen: Fen;
  budgetFen: Fen;
  trace: Trace;
}

const BASE_YEAR_LAGS = [1, 2, 3] as const;

/**
 * The package budget of `year` for `jurisdiction`: insured × per-capita base × (1 + growth), less
 * the risk reserve and the carve-outs, half-up to the fen (see the module comment).
 */
export function packageBudget(input: PackageBudgetInput, tree: ParamTree, jurisdiction: string, year: number): PackageBudget {
  const date = packageDate(year);
  checkCount(input.insured, 'insured', true);
  const t = new TraceBuilder(
    'insurance.package.budget',
    { jurisdiction, year, insured: input.insured, history: (input.history ?? []).map((h) => ({ ...h })) },
    { zh: '医共体打包预算', en: 'County package budget' },
  );
  const basisValue = t.param(tree.string('package.perCapitaBasis', date, jurisdiction));
  if (basisValue !== 'history' && basisValue !== 'parameter') throw new PackageError(`package.perCapitaBasis is "${basisValue}"; expected history or parameter`);
  const basis: PackageBudget['basis'] = basisValue;
  let perCapita: Q;
  if (basis === 'parameter') {
    perCapita = qInt(t.param(tree.fen('package.perCapitaFen', date, jurisdiction)));
    if ((input.history ?? []).length) t.step('history', 'not used', { note: 'perCapitaBasis = parameter: the base years are ignored' });
  } else {
    perCapita = historyPerCapita(input.history ?? [], year, tree, jurisdiction, date, t);
  }
  t.step('perCapitaBase', qNumber(perCapita), { formula: basis === 'history' ? "Σ_y w'_y × fundSpend_y / insured_y" : 'perCapitaFen', note: `fen per insured person, exactly ${qShow(perCapita)}` });

  const growth = t.param(tree.number('package.allowedGrowth', date, jurisdiction));
  const exact = qMul(qMul(perCapita, qInt(input.insured)), qAdd(qInt(1), qOf(growth, 'package.allowedGrowth')));
  const grossFen = t.step('gross', mulDiv(1, exact.n, exact.d, 'halfUp'), { unit: 'fen', formula: 'insured × perCapitaBase × (1 + allowedGrowth)', note: 'exact, rounded half-up to the fen once' });
  const reserveRate = t.param(tree.number('package.riskReserveRate', date, jurisdiction));
  const riskReserveFen = t.step('riskReserve', mulRate(grossFen, reserveRate), { unit: 'fen', formula: 'gross × riskReserveRate', note: 'half-up to the fen' });
  const ciPerCapita = t.param(tree.fen('package.carveOuts.criticalIllnessPremiumPerCapita', date, jurisdiction));
  const criticalIllnessPremiumFen = t.step('carveOut.criticalIllnessPremium', mulDiv(ciPerCapita, input.insured, 1), { unit: 'fen', formula: 'insured × criticalIllnessPremiumPerCapita' });
  const outOfProvinceEmergencyFen = t.step('carveOut.outOfProvinceEmergency', t.param(tree.fen('package.carveOuts.outOfProvinceEmergency', date, jurisdiction)), { unit: 'fen' });
  const carveOutsFen = t.step('carveOuts', sum([criticalIllnessPremiumFen, outOfProvinceEmergencyFen]), { unit: 'fen' });
  const budgetFen = t.step('budget', sub(sub(grossFen, riskReserveFen), carveOutsFen), { unit: 'fen', formula: 'gross − riskReserve − carveOuts' });
  if (budgetFen < 0) {
    throw new PackageError(`the package budget of ${year} in ${jurisdiction} is negative (${budgetFen} fen): the carve-outs (${carveOutsFen}) and the reserve (${riskReserveFen}) exceed the gross budget (${grossFen})`);
  }
  const out = {
    year,
    insured: input.insured,
    basis,
    perCapitaBase: qNumber(perCapita),
    perCapitaBaseExact: qShow(perCapita),
    grossFen,
    riskReserveFen,
    carveOuts: { criticalIllnessPremiumFen, outOfProvinceEmergencyFen },
    carveOutsFen,
    budgetFen,
  };
  return { ...out, trace: t.done(out) };
}

function historyPerCapita(history: readonly BaseYear[], year: number, tree: ParamTree, jurisdiction: string, date: IsoDate, t: TraceBuilder): Q {
  const byYear = new Map<number, BaseYear>();
  for (const h of history) {
    if (!Number.isInteger(h.year)) throw new PackageError(`history year must be an integer, got ${String(h.year)}`);
    checkFen(h.fundSpendFen, `history ${h.year}: fundSpendFen`, true);
    checkCount(h.insured, `history ${h.year}: insured`, true);
    if (byYear.has(h.year)) throw new PackageError(`history year ${h.year} is given twice`);
    byYear.set(h.year, h);
  }
  const used: Array<{ h: BaseYear; w: Q; lag: number }> = [];
  for (const lag of BASE_YEAR_LAGS) {
    const w = t.param(tree.number(`package.baseYearWeights.yearMinus${lag}`, date, jurisdiction));
    const h = byYear.get(year - lag);
    if (h && w > 0) used.push({ h, w: qOf(w, `package.baseYearWeights.yearMinus${lag}`), lag });
  }
  const ignored = [...byYear.keys()].filter((y) => !used.some((u) => u.h.year === y)).sort((a, b) => a - b);
  if (ignored.length) t.step('history years not used', ignored.join(', '), { note: `only t−1…t−3 with a positive weight count (t = ${year})` });
  if (used.length === 0) {
    throw new PackageError(
      `package.perCapitaBasis is history but no base year ${year - 3}–${year - 1} with a positive weight is given for ${jurisdiction}; give the history or set package.perCapitaBasis = parameter with package.perCapitaFen`,
    );
  }
  const W = used.reduce((a, u) => qAdd(a, u.w), qInt(0));
  if (used.length < BASE_YEAR_LAGS.length) {
    t.step('weights renormalised', `Σ w = ${qNumber(W)}`, { note: `base years present: ${used.map((u) => `t−${u.lag} (${u.h.year})`).join(', ')}; each weight divided by their sum` });
  }
  let base = qInt(0);
  for (const u of used) {
    const w1 = qDiv(u.w, W);
    const pc = norm(BigInt(u.h.fundSpendFen), BigInt(u.h.insured));
    t.step(`weight ${u.h.year}`, qNumber(w1), { unit: 'ratio', note: `t−${u.lag}, exactly ${qShow(w1)}` });
    t.step(`fundSpend / insured ${u.h.year}`, qNumber(pc), { formula: `${u.h.fundSpendFen} / ${u.h.insured}`, note: 'fen per insured person, kept exact' });
    base = qAdd(base, qMul(w1, pc));
  }
  return base;
}

// ---------------------------------------------------------------------------------------------
// 2. Charges and their scope

/** A fund payment that may be charged to the package. */
export interface PackageCharge {
  /** YYYY-MM. */
  month: string;
  category: ChargeCategory;
  institutionId?: string;
  /** Fund payment, fen (negative for a reversal). */
  fundFen: Fen;
}

export type PackageScope = Record<ChargeCategory, boolean>;

/** Which categories are charged to the package in `year` (in-county always; the others by flag). */
export function packageScope(tree: ParamTree, jurisdiction: string, year: number, t?: TraceBuilder): PackageScope {
  const date = packageDate(year);
  const flag = (path: string) => {
    const r = tree.flag(path, date, jurisdiction);
    return t ? t.param(r) : r.value;
  };
  return { in_county: true, out_of_county: flag('package.includesOutOfCounty'), pharmacy: flag('package.includesPharmacy') };
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

function monthIndex(c: PackageCharge, year: number, i: number): number {
  const m = MONTH.exec(c.month);
  if (m === null) throw new PackageError(`charge ${i}: month "${c.month}" is not YYYY-MM`);
  if (Number(m[1]) !== year) throw new PackageError(`charge ${i}: month ${c.month} is outside the package year ${year}`);
  if (!CHARGE_CATEGORIES.includes(c.category)) throw new PackageError(`charge ${i}: unknown category "${String(c.category)}" (expected ${CHARGE_CATEGORIES.join(', ')})`);
  checkFen(c.fundFen, `charge ${i}: fundFen`, false);
  return Number(m[2]) - 1;
}

interface Tally {
  /** [month][category] in-scope charges. */
  charged: Array<Record<ChargeCategory, Fen>>;
  excluded: Fen[];
}

function tally(charges: readonly PackageCharge[], scope: PackageScope, year: number): Tally {
  const charged = Array.from({ length: 12 }, () => ({ in_county: 0, out_of_county: 0, pharmacy: 0 }));
  const excluded = new Array<number>(12).fill(0);
  charges.forEach((c, i) => {
    const m = monthIndex(c, year, i);
    if (scope[c.category]) charged[m]![c.category] += c.fundFen;
    else excluded[m]! += c.fundFen;
  });
  for (const row of charged) for (const k of CHARGE_CATEGORIES) checkFen(row[k], `charged ${k}`, false);
  return { charged, excluded };
}

// ---------------------------------------------------------------------------------------------
// 3. Monthly ledger

export interface LedgerRow {
  month: string;
  /** The month's share of the budget (budget / 12, no fen lost over the year). */
  budgetFen: Fen;
  advanceFen: Fen;
  inCountyFen: Fen;
  outOfCountyFen: Fen;
  pharmacyFen: Fen;
  /** In-scope charges of the month. */
  chargedFen: Fen;
  /** Charges of categories outside the package's scope (not charged). */
  excludedFen: Fen;
  cumulativeBudgetFen: Fen;
  cumulativeAdvanceFen: Fen;
  cumulativeChargedFen: Fen;
  /** cumulativeBudget − cumulativeCharged. */
  cumulativeBalanceFen: Fen;
}

export interface PackageLedger {
  year: number;
  budgetFen: Fen;
  advanceTotalFen: Fen;
  chargedFen: Fen;
  excludedFen: Fen;
  scope: PackageScope;
  /** Always twelve, January first. */
  rows: LedgerRow[];
  trace: Trace;
}

/** The package's monthly ledger (打包付费台账) of `year`: twelve rows, empty months included. */
export function packageLedger(input: { budgetFen: Fen; charges: readonly PackageCharge[] }, tree: ParamTree, jurisdiction: string, year: number): PackageLedger {
  const date = packageDate(year);
  checkFen(input.budgetFen, 'budgetFen', true);
  const t = new TraceBuilder('insurance.package.ledger', { jurisdiction, year, budgetFen: input.budgetFen, charges: input.charges.length }, { zh: '医共体打包付费台账', en: 'County package monthly ledger' });
  const scope = packageScope(tree, jurisdiction, year, t);
  const ratio = t.param(tree.number('package.advanceRatio', date, jurisdiction));
  const twelve = new Array<number>(12).fill(1);
  const shares = allocate(input.budgetFen, twelve, { what: 'budget over months' });
  const advanceTotalFen = t.step('advances', mulRate(input.budgetFen, ratio), { unit: 'fen', formula: 'budget × advanceRatio', note: 'half-up; spread over 12 months by largest remainder, earlier months take the odd fen' });
  const advances = allocate(advanceTotalFen, twelve, { what: 'advances over months' });
  t.step('monthly budget share', shares[0]!, { unit: 'fen', formula: 'budget / 12', note: 'largest remainder: the first (budget mod 12) months take one fen more' });
  const { charged, excluded } = tally(input.charges, scope, year);

  const rows: LedgerRow[] = [];
  let cumB = 0;
  let cumA = 0;
  let cumC = 0;
  for (let m = 0; m < 12; m++) {
    const c = charged[m]!;
    const chargedFen = sum([c.in_county, c.out_of_county, c.pharmacy]);
    cumB += shares[m]!;
    cumA += advances[m]!;
    cumC = sum([cumC, chargedFen]);
    rows.push({
      month: `${year}-${String(m + 1).padStart(2, '0')}`,
      budgetFen: shares[m]!,
      advanceFen: advances[m]!,
      inCountyFen: c.in_county,
      outOfCountyFen: c.out_of_county,
      pharmacyFen: c.pharmacy,
      chargedFen,
      excludedFen: excluded[m]!,
      cumulativeBudgetFen: cumB,
      cumulativeAdvanceFen: cumA,
      cumulativeChargedFen: cumC,
      cumulativeBalanceFen: sub(cumB, cumC),
    });
  }
  const excludedFen = sum(excluded);
  t.step('charged', cumC, { unit: 'fen' });
  if (excludedFen !== 0) t.step('excluded (out of scope)', excludedFen, { unit: 'fen', note: 'categories not charged to the package this year' });
  t.step('balance', sub(input.budgetFen, cumC), { unit: 'fen', formula: 'budget − charged' });
  const out = { year, budgetFen: input.budgetFen, advanceTotalFen, chargedFen: cumC, excludedFen, scope, rows };
  return { ...out, trace: t.done({ budgetFen: input.budgetFen, advanceTotalFen, chargedFen: cumC, excludedFen }) };
}

// ---------------------------------------------------------------------------------------------
// 4. Year-end settlement

export interface PackageSettlementInput {
  budgetFen: Fen;
  charges: readonly PackageCharge[];
  /** The community's assessment score (考核得分), 0–100. */
  assessmentScore: number;
  /** Whether an overspend is found reasonable (合理超支); only then does the fund share it. */
  overspendReasonable: boolean;
}

export interface PackageSettlement {
  budgetFen: Fen;
  chargedFen: Fen;
  /** budget − charged. */
  balanceFen: Fen;
  /** The surplus the community keeps (结余留用); 0 on an overspend. */
  retainedFen: Fen;
  /** The part of the surplus that goes back to the fund. */
  returnedToFundFen: Fen;
  /** The part of an overspend the fund pays (合理超支分担). */
  fundCompensationFen: Fen;
  /** The part of an overspend the community bears. */
  communityBearsFen: Fen;
  trace: Trace;
}

/** Year-end clearing of the package (see the module comment). */
export function settlePackage(input: PackageSettlementInput, tree: ParamTree, jurisdiction: string, year: number): PackageSettlement {
  const date = packageDate(year);
  checkFen(input.budgetFen, 'budgetFen', true);
  if (!Number.isFinite(input.assessmentScore) || input.assessmentScore < 0 || input.assessmentScore > 100) {
    throw new PackageError(`assessmentScore must be between 0 and 100, got ${String(input.assessmentScore)}`);
  }
  const t = new TraceBuilder(
    'insurance.package.settle',
    { jurisdiction, year, budgetFen: input.budgetFen, charges: input.charges.length, assessmentScore: input.assessmentScore, overspendReasonable: input.overspendReasonable },
    { zh: '医共体打包年终清算', en: 'County package year-end settlement' },
  );
  const scope = packageScope(tree, jurisdiction, year, t);
  const { charged, excluded } = tally(input.charges, scope, year);
  for (const k of CHARGE_CATEGORIES) {
    if (scope[k]) t.step(`charged ${k}`, sum(charged.map((r) => r[k])), { unit: 'fen' });
  }
  const ex = sum(excluded);
  if (ex !== 0) t.step('excluded (out of scope)', ex, { unit: 'fen' });
  const chargedFen = t.step('charged', sum(charged.flatMap((r) => CHARGE_CATEGORIES.map((k) => r[k]))), { unit: 'fen' });
  const balanceFen = t.step('balance', sub(input.budgetFen, chargedFen), { unit: 'fen', formula: 'budget − charged' });
  if (input.budgetFen > 0) t.step('surplusRate', balanceFen / input.budgetFen, { unit: 'ratio', formula: 'balance / budget' });

  let retainedFen = 0;
  let returnedToFundFen = 0;
  let fundCompensationFen = 0;
  let communityBearsFen = 0;
  if (balanceFen >= 0) {
    const rate = scaleLookup(t.param(tree.scale('package.retentionRateByScore', date, jurisdiction)), input.assessmentScore);
    t.step('retentionRate', rate, { unit: 'ratio', note: `score ${input.assessmentScore}` });
    retainedFen = t.step('retained', mulRate(balanceFen, rate), { unit: 'fen', formula: 'balance × retentionRate(score)', note: 'half-up to the fen' });
    returnedToFundFen = t.step('returnedToFund', balanceFen - retainedFen, { unit: 'fen', formula: 'balance − retained' });
  } else {
    const overspend = -balanceFen;
    const share = t.param(tree.number('package.overspendShare', date, jurisdiction));
    const applied = input.overspendReasonable ? share : 0;
    t.step('overspend share applied', applied, { unit: 'ratio', note: input.overspendReasonable ? (share === 0 ? '超支不补: the overspend is not compensated' : 'the overspend is found reasonable') : 'the overspend is not found reasonable: the fund bears none' });
    fundCompensationFen = t.step('fundCompensation', mulRate(overspend, applied), { unit: 'fen', formula: '−balance × overspendShare', note: 'half-up to the fen' });
    communityBearsFen = t.step('communityBears', overspend - fundCompensationFen, { unit: 'fen', formula: '−balance − fundCompensation' });
  }
  const out = { budgetFen: input.budgetFen, chargedFen, balanceFen, retainedFen, returnedToFundFen, fundCompensationFen, communityBearsFen };
  return { ...out, trace: t.done(out) };
}

// ---------------------------------------------------------------------------------------------
// 5. Allocation of the retained surplus inside the community

/** A facility and its basis per level x_{f,k} (contracted or served persons, visits…). */
export interface FacilityBasis {
  facilityId: string;
  basis: Partial<Record<CommunityLevel, number>>;
}

export interface LevelAllocation {
  weight: number;
  allocatedFen: Fen;
  basisTotal: number;
  /** alc_k / Σ x, fen per unit of basis, for display (parts are exact by largest remainder). */
  unit: number | null;
}

export interface FacilityAllocation {
  facilityId: string;
  fen: Fen;
  byLevel: Record<CommunityLevel, Fen>;
}

export interface PackageAllocation {
  allocatedFen: Fen;
  levels: Record<CommunityLevel, LevelAllocation>;
  /** In the order given. Σ fen = allocatedFen exactly. */
  facilities: FacilityAllocation[];
  trace: Trace;
}

/** Splits `allocatedFen` over levels by weight and within each level over facilities by basis. */
export function allocateSurplus(input: { allocatedFen: Fen; facilities: readonly FacilityBasis[] }, tree: ParamTree, jurisdiction: string, year: number): PackageAllocation {
  const date = packageDate(year);
  checkFen(input.allocatedFen, 'allocatedFen', true);
  const seen = new Set<string>();
  input.facilities.forEach((f, i) => {
    if (seen.has(f.facilityId)) throw new PackageError(`facility ${f.facilityId} is given twice`);
    seen.add(f.facilityId);
    for (const [k, x] of Object.entries(f.basis)) {
      if (!COMMUNITY_LEVELS.includes(k as CommunityLevel)) throw new PackageError(`facility ${i} (${f.facilityId}): unknown level "${k}"`);
      if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) throw new PackageError(`facility ${f.facilityId}: basis at level ${k} must be a finite non-negative number, got ${String(x)}`);
    }
  });
  const t = new TraceBuilder('insurance.package.allocate', { jurisdiction, year, allocatedFen: input.allocatedFen, facilities: input.facilities.length }, { zh: '医共体结余留用分配', en: 'Allocation of the retained surplus inside the community' });
  const weights = COMMUNITY_LEVELS.map((k) => t.param(tree.number(`package.allocation.weight.${k}`, date, jurisdiction)));
  const W = weights.reduce((a, b) => a + b, 0);
  if (Math.abs(W - 100) > 1e-9) {
    throw new PackageError(`the allocation weights of ${jurisdiction} in ${year} sum to ${W}, not 100 (${COMMUNITY_LEVELS.map((k, i) => `${k} ${weights[i]}`).join(', ')})`);
  }
  const byLevel = allocate(input.allocatedFen, weights, { what: 'surplus over levels' });
  const facilities: FacilityAllocation[] = input.facilities.map((f) => ({ facilityId: f.facilityId, fen: 0, byLevel: { county: 0, township: 0, village: 0 } }));
  const levels = {} as Record<CommunityLevel, LevelAllocation>;
  COMMUNITY_LEVELS.forEach((k, i) => {
    const alc = t.step(`alc ${k}`, byLevel[i]!, { unit: 'fen', formula: `allocated × ${weights[i]} / 100`, note: 'largest remainder over the levels' });
    const xs = input.facilities.map((f) => f.basis[k] ?? 0);
    const total = xs.reduce((a, b) => a + b, 0);
    t.step(`Σ basis ${k}`, total);
    levels[k] = { weight: weights[i]!, allocatedFen: alc, basisTotal: total, unit: total > 0 ? alc / total : null };
    if (alc === 0) return;
    if (total === 0) throw new PackageError(`the ${k} level has no basis to allocate ${alc} fen over: Σ_f x_{f,${k}} = 0 (no facility of the ${k} level with contracted or served persons)`);
    t.step(`unit ${k}`, alc / total, { formula: `alc ${k} / Σ basis`, note: 'fen per unit of basis; facility parts by largest remainder' });
    const parts = allocate(alc, xs, { what: `surplus over ${k} facilities` });
    parts.forEach((p, j) => {
      facilities[j]!.byLevel[k] = p;
      facilities[j]!.fen += p;
    });
  });
  const out = { allocatedFen: input.allocatedFen, levels, facilities };
  return { ...out, trace: t.done({ allocatedFen: input.allocatedFen, levels, facilities: facilities.map((f) => ({ facilityId: f.facilityId, fen: f.fen })) }) };
}

// ---------------------------------------------------------------------------------------------
// The whole year

export interface PackageYearInput extends PackageBudgetInput {
  charges: readonly PackageCharge[];
  assessmentScore: number;
  overspendReasonable: boolean;
  /** When given, the retained surplus is allocated over these facilities. */
  facilities?: readonly FacilityBasis[];
}

export interface PackageYear {
  budget: PackageBudget;
  ledger: PackageLedger;
  settlement: PackageSettlement;
  allocation: PackageAllocation | null;
  trace: Trace;
}

/** Budget, ledger, settlement and (with facilities) allocation of one county-year. */
export function packageYear(input: PackageYearInput, tree: ParamTree, jurisdiction: string, year: number): PackageYear {
  const budget = packageBudget(input, tree, jurisdiction, year);
  const ledger = packageLedger({ budgetFen: budget.budgetFen, charges: input.charges }, tree, jurisdiction, year);
  const settlement = settlePackage({ budgetFen: budget.budgetFen, charges: input.charges, assessmentScore: input.assessmentScore, overspendReasonable: input.overspendReasonable }, tree, jurisdiction, year);
  const allocation = input.facilities ? allocateSurplus({ allocatedFen: settlement.retainedFen, facilities: input.facilities }, tree, jurisdiction, year) : null;
  const t = new TraceBuilder('insurance.package', { jurisdiction, year }, { zh: '医共体打包付费', en: 'County package payment' });
  for (const c of [budget.trace, ledger.trace, settlement.trace, ...(allocation ? [allocation.trace] : [])]) t.child(c);
  return { budget, ledger, settlement, allocation, trace: t.done({ budgetFen: budget.budgetFen, chargedFen: settlement.chargedFen, balanceFen: settlement.balanceFen, retainedFen: settlement.retainedFen }) };
}
