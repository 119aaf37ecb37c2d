/**
 * Service-price dynamic adjustment (医疗服务价格动态调整, DOMAIN.md §7): the trigger and constraint
 * conditions, the adjustment space, and a proposal that cuts test and imaging prices and raises
 * under-priced technical-labour items within the space, with its impact on institutions, the fund and
 * patients. Pure; the caller reads volumes and settled figures from the store.
 *
 *   categories      cut: those with pricing.proposal.cutRate.<category> (shipped: examination, laboratory);
 *                   raised: those with pricing.proposal.raiseWeight.<category> (surgery, nursing,
 *                   consultation, treatment incl. TCM) — which ones is parameter data, not code
 *   cuts            new = old × (1 − cutRate), half-up to the price unit
 *   space           = procurement saving + Σ_cut (old − new) × volume
 *   adjustmentTotal = min(floor(space × passThroughShare), affordabilityCap)
 *                     affordabilityCap = max(0, fundBalance − minFundMonths × monthlyFundSpend)
 *   group budget    = adjustmentTotal split over the raise categories by raiseWeight (largest remainder)
 *   group rate      = min(maxRaiseRate, budget / Σ old × volume of the group)
 *   raise           new = old + floor(old × rate to the price unit) — one rate per item at every level,
 *                     so the ratios between levels stay (within rounding); flooring keeps Σ raises ≤ budget
 *   ΔRevenue_i      = Σ (new − old) × volume at institution i (the year's volumes; no demand response)
 *   ΔFund_i         = ΔRevenue_i × fund_i / charges_i, half-up;  ΔPatient_i = ΔRevenue_i − ΔFund_i
 *   chain (with the procurement saving s_i): ΔFund'_i = (ΔRevenue_i − s_i) × fund_i / charges_i, …
 *   adoptable       ⇔ mayRaise ∧ ΔPatient' ≤ patientBurdenLimit ∧ fundMonthsAfter ≥ minFundMonths
 *                     ∧ every level ratio within levelRatioTolerance
 *
 * Every fen of the space is accounted for: raises + notPassedThrough + overAffordability + noVolume
 * + maxRate + rounding = space (a test checks it for random inputs).
 */
import type { ParamTree, Resolved } from '../rules/params.js';
import type { IsoDate } from '../rules/period.js';
import { TraceBuilder, type Trace } from '../rules/trace.js';
import { allocate, mulDiv, mulRate, sum } from '../rules/money.js';
import { FEE_CATEGORIES, type FeeCategory } from '../rules/fees.js';
import type { Catalogue } from '../simulation/catalogue.js';
import { COUNTY_PRICE_LEVELS, type CountyPriceLevel } from './prices.js';


/** The year's use of one service item at one in-county institution. */
export interface ServiceUse {
  institutionId: string;
  level: CountyPriceLevel;
  serviceId: string;
  quantity: number;
  amountFen: number;
}

export interface PricingInstitution {
  id: string;
  level: CountyPriceLevel;
  fundFen: number;
  chargesFen: number;
  /** Procurement saving at the institution (drugs and consumables), fen. */
  savingFen: number;
}

/** A year's figures for the trigger conditions (oldest first; the analysed year last). */
export interface YearFigures {
  year: number;
  visits: number;
  visitChargesFen: number;
  admissions: number;
  admissionChargesFen: number;
  medicalRevenueFen: number;
}

export interface ProposalInput {
  year: number;
  effectiveFrom: IsoDate;
  catalogue: Catalogue;
  /** Current prices: serviceId → level → fen. */
  prices: ReadonlyMap<string, Partial<Record<string, number>>>;
  uses: readonly ServiceUse[];
  institutions: readonly PricingInstitution[];
  procurementSavingFen: number;
  fund: { balanceFen: number; monthlySpendFen: number };
  history: readonly YearFigures[];
}

export interface Condition {
  id: string;
  label: { zh: string; en: string };
  status: 'met' | 'not_met' | 'no_data';
  value?: number | string;
  limit?: number | string;
}

export interface PriceChange {
  serviceId: string;
  code: string;
  name: { zh: string; en: string };
  category: FeeCategory;
  level: CountyPriceLevel;
  oldFen: number;
  newFen: number;
  quantity: number;
  revenueChangeFen: number;
}

export interface RaiseGroup {
  category: FeeCategory;
  weight: number;
  budgetFen: number;
  baseRevenueFen: number;
  rate: number;
  cappedAtMaxRate: boolean;
  usedFen: number;
}

export interface InstitutionImpact {
  institutionId: string;
  revenueChangeFen: number;
  fundChangeFen: number;
  patientChangeFen: number;
  byCategory: Partial<Record<FeeCategory, number>>;
  /** With the procurement saving: change against the year priced before procurement. */
  chainFundChangeFen: number;
  chainPatientChangeFen: number;
}

export interface Proposal {
  year: number;
  effectiveFrom: IsoDate;
  space: { procurementFen: number; cutsFen: number; totalFen: number };
  adjustmentTotalFen: number;
  groups: RaiseGroup[];
  changes: PriceChange[];
  use: {
    raisesFen: number;
    unused: { notPassedThroughFen: number; overAffordabilityFen: number; noVolumeFen: number; maxRateFen: number; roundingFen: number };
    unusedFen: number;
  };
  impact: {
    revenueChangeFen: number;
    raisesFen: number;
    cutsFen: number;
    fundChangeFen: number;
    patientChangeFen: number;
    chainFundChangeFen: number;
    chainPatientChangeFen: number;
    byInstitution: InstitutionImpact[];
  };
  fundMonths: { before: number; after: number };
  triggers: Condition[];
  blocks: Condition[];
  mayRaise: boolean;
  constraints: Condition[];
  adoptable: boolean;
  reasons: string[];
  trace: Trace;
}

export class PricingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PricingError';
  }
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** The trigger (启动条件) and block (约束条件) conditions of DOMAIN.md §7 for the analysed year. */
export function priceConditions(
  input: { year: number; history: readonly YearFigures[]; spaceFen: number; fundMonthsBefore: number },
  tree: ParamTree,
  jurisdiction: string,
  t: TraceBuilder,
): { triggers: Condition[]; blocks: Condition[]; mayRaise: boolean } {
  const date: IsoDate = `${input.year}-07-01`;
  const byYear = new Map(input.history.map((h) => [h.year, h]));
  const y0 = byYear.get(input.year);
  if (!y0) throw new PricingError(`the figures of ${input.year} itself are missing from the price-condition history`);
  const y1 = byYear.get(input.year - 1);
  const y2 = byYear.get(input.year - 2);
  const perVisit = (h: YearFigures) => ratio(h.visitChargesFen, h.visits);
  const perAdmission = (h: YearFigures) => ratio(h.admissionChargesFen, h.admissions);
  const growth = (a: number, b: number) => ratio(a - b, b);
  const gdpGrowth = t.param(tree.number('pricing.macro.gdpGrowth', date, jurisdiction));
  const cpi = t.param(tree.number('pricing.macro.cpi', date, jurisdiction));
  const cpiTarget = t.param(tree.number('pricing.constraint.cpiTarget', date, jurisdiction));
  const expenditureGrowthMax = t.param(tree.number('pricing.constraint.expenditureGrowthMax', date, jurisdiction));
  const costGrowthMax = t.param(tree.number('pricing.constraint.costGrowthMax', date, jurisdiction));
  const minFundMonths = t.param(tree.number('pricing.constraint.minFundMonths', date, jurisdiction));
  const emergency = t.param(tree.flag('pricing.constraint.emergency', date, jurisdiction));
  const salaryPolicy = t.param(tree.flag('pricing.trigger.salaryPolicyRaisedCost', date, jurisdiction));
  const minSpaceShare = t.param(tree.number('pricing.trigger.minSpaceShare', date, jurisdiction));

  const triggers: Condition[] = [];
  triggers.push(
    y1 && y2
      ? {
          id: 'avg_cost_fell',
          label: { zh: '次均费用连续两年下降', en: 'Cost per visit and per admission fell two years running' },
          status: perVisit(y0) < perVisit(y1) && perVisit(y1) < perVisit(y2) && perAdmission(y0) < perAdmission(y1) && perAdmission(y1) < perAdmission(y2) ? 'met' : 'not_met',
          value: `${(perVisit(y2) / 100).toFixed(2)} → ${(perVisit(y1) / 100).toFixed(2)} → ${(perVisit(y0) / 100).toFixed(2)} yuan per visit`,
        }
      : { id: 'avg_cost_fell', label: { zh: '次均费用连续两年下降', en: 'Cost per visit and per admission fell two years running' }, status: 'no_data', value: `needs ${input.year - 2}–${input.year - 1}` },
  );
  triggers.push(
    y1
      ? { id: 'revenue_growth_below_gdp', label: { zh: '医疗收入增长低于GDP增长', en: 'Medical revenue grew less than GDP' }, status: growth(y0.medicalRevenueFen, y1.medicalRevenueFen) < gdpGrowth ? 'met' : 'not_met', value: growth(y0.medicalRevenueFen, y1.medicalRevenueFen), limit: gdpGrowth }
      : { id: 'revenue_growth_below_gdp', label: { zh: '医疗收入增长低于GDP增长', en: 'Medical revenue grew less than GDP' }, status: 'no_data', value: `needs ${input.year - 1}` },
  );
  triggers.push({ id: 'salary_policy', label: { zh: '薪酬或社保政策调整推高成本', en: 'Salary or social-insurance policy raised cost' }, status: salaryPolicy ? 'met' : 'not_met' });
  const spaceShare = ratio(input.spaceFen, y0.medicalRevenueFen);
  triggers.push({ id: 'space_available', label: { zh: '集采等腾出的调价空间达到医疗收入的规定比例', en: 'Space freed by procurement and cuts reaches the set share of medical revenue' }, status: spaceShare >= minSpaceShare ? 'met' : 'not_met', value: spaceShare, limit: minSpaceShare });

  const blocks: Condition[] = [];
  blocks.push(
    y1
      ? { id: 'expenditure_growth', label: { zh: '上年医疗费用增长过快', en: 'Medical expenditure grew too fast' }, status: growth(y0.medicalRevenueFen, y1.medicalRevenueFen) > expenditureGrowthMax ? 'met' : 'not_met', value: growth(y0.medicalRevenueFen, y1.medicalRevenueFen), limit: expenditureGrowthMax }
      : { id: 'expenditure_growth', label: { zh: '上年医疗费用增长过快', en: 'Medical expenditure grew too fast' }, status: 'no_data', value: `needs ${input.year - 1}` },
  );
  blocks.push(
    y1
      ? { id: 'avg_cost_growth', label: { zh: '次均费用增长超过预期', en: 'Cost per visit grew more than expected' }, status: growth(perVisit(y0), perVisit(y1)) > costGrowthMax ? 'met' : 'not_met', value: growth(perVisit(y0), perVisit(y1)), limit: costGrowthMax }
      : { id: 'avg_cost_growth', label: { zh: '次均费用增长超过预期', en: 'Cost per visit grew more than expected' }, status: 'no_data', value: `needs ${input.year - 1}` },
  );
  blocks.push({ id: 'cpi', label: { zh: 'CPI 超过调控目标', en: 'CPI above its target' }, status: cpi > cpiTarget ? 'met' : 'not_met', value: cpi, limit: cpiTarget });
  blocks.push({ id: 'fund_months', label: { zh: '医保基金累计结存不足规定月数', en: 'Fund balance below the required months of spending' }, status: input.fundMonthsBefore < minFundMonths ? 'met' : 'not_met', value: input.fundMonthsBefore, limit: minFundMonths });
  blocks.push({ id: 'emergency', label: { zh: '重大灾害或突发公共卫生事件', en: 'Disaster or public-health emergency' }, status: emergency ? 'met' : 'not_met' });
  const mayRaise = triggers.some((c) => c.status === 'met') && !blocks.some((c) => c.status === 'met');
  t.step('mayRaise', mayRaise, { formula: 'any(trigger met) ∧ ¬any(block met); a condition without data is neither' });
  return { triggers, blocks, mayRaise };
}

/** Builds the price proposal of `year` and its impact (see the module comment). */
export function priceProposal(input: ProposalInput, tree: ParamTree, jurisdiction: string): Proposal {
  const date: IsoDate = `${input.year}-07-01`;
  const t = new TraceBuilder('pricing.proposal', { jurisdiction, year: input.year, effectiveFrom: input.effectiveFrom }, { zh: '医疗服务价格调整方案', en: 'Service-price adjustment proposal' });
  const unit = t.param(tree.fen('pricing.proposal.priceUnitFen', date, jurisdiction));
  if (!(unit >= 1)) throw new PricingError(`pricing.proposal.priceUnitFen must be at least 1 fen, got ${unit}`);
  const passThrough = t.param(tree.number('pricing.space.passThroughShare', date, jurisdiction));
  const maxRaise = t.param(tree.number('pricing.proposal.maxRaiseRate', date, jurisdiction));
  const minFundMonths = t.param(tree.number('pricing.constraint.minFundMonths', date, jurisdiction));
  const patientLimit = t.param(tree.fen('pricing.constraint.patientBurdenLimitFen', date, jurisdiction));
  const ratioTol = t.param(tree.number('pricing.constraint.levelRatioTolerance', date, jurisdiction));
  // Which fee categories are cut and which raised is itself parameter data: a category with a
  // pricing.proposal.cutRate.<category> (> 0) is cut, one with a raiseWeight.<category> (> 0) is raised.
  const categoryParam = (kind: 'cutRate' | 'raiseWeight', c: FeeCategory) => {
    const r = tree.tryResolve(`pricing.proposal.${kind}.${c}`, date, jurisdiction);
    return r && typeof r.value === 'number' && r.value > 0 ? t.param(r as Resolved<number>) : 0;
  };
  const cutRate = new Map(FEE_CATEGORIES.map((c) => [c, categoryParam('cutRate', c)] as const).filter(([, v]) => v > 0));
  const raiseWeight = new Map(FEE_CATEGORIES.map((c) => [c, categoryParam('raiseWeight', c)] as const).filter(([, v]) => v > 0));
  for (const c of cutRate.keys()) if (raiseWeight.has(c)) throw new PricingError(`fee category ${c} has both a cut rate and a raise weight in ${jurisdiction} on ${date}; give it one of them`);

  const cat = input.catalogue;
  const serviceOf = (id: string) => {
    const s = cat.services[cat.serviceIndex.get(id) ?? -1];
    if (!s) throw new PricingError(`a service volume names ${id}, which is not in the catalogue`);
    return s;
  };
  const oldPrice = (id: string, level: CountyPriceLevel): number => {
    const p = input.prices.get(id)?.[level];
    if (p === undefined) throw new PricingError(`service ${id} is used at level ${level} but has no price there`);
    return p;
  };
  // Year volume by item and level (all in-county institutions).
  const volume = new Map<string, number>();
  for (const u of input.uses) {
    if (!Number.isInteger(u.quantity) || u.quantity < 0) throw new PricingError(`service volume of ${u.serviceId} at ${u.institutionId}: quantity must be a non-negative integer, got ${u.quantity}`);
    const k = `${u.serviceId}|${u.level}`;
    volume.set(k, (volume.get(k) ?? 0) + u.quantity);
  }
  /** Every item of a category at every county level where it is priced, with its old price and volume. */
  const offered = (category: FeeCategory) =>
    cat.services.flatMap((s) =>
      s.category !== category
        ? []
        : COUNTY_PRICE_LEVELS.flatMap((level) => {
            const old = input.prices.get(s.id)?.[level];
            return old === undefined ? [] : [{ key: `${s.id}|${level}`, serviceId: s.id, level, old, quantity: volume.get(`${s.id}|${level}`) ?? 0 }];
          }),
    );
  /** New prices by `${serviceId}|${level}`. */
  const newPrice = new Map<string, { serviceId: string; level: CountyPriceLevel; old: number; priceFen: number; quantity: number }>();
  const toUnit = (x: number, mode: 'down' | 'halfUp') => (mode === 'down' ? Math.floor(x / unit) : Math.round(x / unit)) * unit;

  // 1. Cuts: new = old × (1 − rate), half-up to the price unit, never below one unit.
  let cutsFen = 0;
  for (const [category, rate] of cutRate) {
    for (const it of offered(category)) {
      const n = Math.max(Math.min(it.old, unit), toUnit(mulRate(it.old, 1 - rate, 'halfUp'), 'halfUp'));
      newPrice.set(it.key, { ...it, priceFen: n });
      cutsFen += (it.old - n) * it.quantity;
    }
  }
  t.step('cuts', cutsFen, { unit: 'fen', formula: `Σ_${[...cutRate.keys()].join(',')} (old − new) × volume`, note: 'new = old × (1 − cutRate), half-up to the price unit' });

  // 2. Space and the adjustment total.
  const spaceFen = t.step('space', input.procurementSavingFen + cutsFen, { unit: 'fen', formula: 'procurement saving + cuts' });
  const passed = t.step('passedThrough', Math.max(0, mulRate(spaceFen, passThrough, 'floor')), { unit: 'fen', formula: 'floor(space × passThroughShare)' });
  const monthsBefore = ratio(input.fund.balanceFen, input.fund.monthlySpendFen);
  const capFen = t.step('affordabilityCap', Math.max(0, input.fund.balanceFen - mulRate(input.fund.monthlySpendFen, minFundMonths, 'ceil')), {
    unit: 'fen',
    formula: 'max(0, fundBalance − minFundMonths × monthlyFundSpend)',
  });
  const totalFen = t.step('adjustmentTotal', Math.min(passed, capFen), { unit: 'fen', formula: 'min(passedThrough, affordabilityCap)' });

  // 3. Raises by group: the total is split over the groups with volume by their weights.
  const raised = [...raiseWeight].map(([category, weight]) => {
    const items = offered(category);
    return { category, weight, items, base: sum(items.map((it) => it.old * it.quantity)) };
  });
  const liveWeights = raised.map((g) => (g.base > 0 ? g.weight : 0));
  const live = liveWeights.some((w) => w > 0);
  const budgets = live && totalFen > 0 ? allocate(totalFen, liveWeights, { what: 'adjustment total over the raise groups' }) : raised.map(() => 0);
  if (!live && totalFen > 0) t.step('noVolume', totalFen, { unit: 'fen', note: 'no raise group has volume in the year: the adjustment total stays unused' });
  const groups: RaiseGroup[] = raised.map((g, gi) => {
    const budget = budgets[gi]!;
    const wanted = ratio(budget, g.base);
    const rate = Math.min(maxRaise, wanted);
    let used = 0;
    for (const it of g.items) {
      // new = old + floor(old × rate) to the price unit: Σ raises never exceeds the budget.
      const n = it.old + toUnit(mulRate(it.old, rate, 'floor'), 'down');
      if (n !== it.old) newPrice.set(it.key, { ...it, priceFen: n });
      used += (n - it.old) * it.quantity;
    }
    t.step(`raise.${g.category}`, used, {
      unit: 'fen',
      formula: `rate ${(rate * 100).toFixed(3)}% of base ${g.base} fen; new = old + floor(old × rate to ${unit} fen)`,
      ...(wanted > maxRaise ? { note: `capped at maxRaiseRate ${maxRaise}` } : g.base === 0 ? { note: 'no volume in the year' } : {}),
    });
    return { category: g.category, weight: g.weight, budgetFen: budget, baseRevenueFen: g.base, rate, cappedAtMaxRate: wanted > maxRaise, usedFen: used };
  });
  const raisesFen = sum(groups.map((g) => g.usedFen));
  // Where the rest of the space went (exact): capped groups lose budget − used at the maximum rate; the others lose rounding.
  const maxRateFen = sum(groups.filter((g) => g.cappedAtMaxRate).map((g) => g.budgetFen - g.usedFen));
  const roundingFen = sum(groups.filter((g) => !g.cappedAtMaxRate).map((g) => g.budgetFen - g.usedFen));
  const noVolumeFen = live ? 0 : totalFen;
  const unused = { notPassedThroughFen: spaceFen - passed, overAffordabilityFen: passed - totalFen, noVolumeFen, maxRateFen, roundingFen };
  const unusedFen = t.step('unused', unused.notPassedThroughFen + unused.overAffordabilityFen + noVolumeFen + maxRateFen + roundingFen, { unit: 'fen', formula: 'space − raises = notPassedThrough + overAffordability + noVolume + maxRate + rounding' });

  // 4. Changes and impact by institution.
  const changes: PriceChange[] = [];
  for (const c of newPrice.values()) {
    if (c.priceFen === c.old) continue;
    const s = serviceOf(c.serviceId);
    changes.push({ serviceId: c.serviceId, code: s.code, name: s.name, category: s.category, level: c.level, oldFen: c.old, newFen: c.priceFen, quantity: c.quantity, revenueChangeFen: (c.priceFen - c.old) * c.quantity });
  }
  changes.sort((a, b) => (a.serviceId === b.serviceId ? COUNTY_PRICE_LEVELS.indexOf(a.level) - COUNTY_PRICE_LEVELS.indexOf(b.level) : a.serviceId < b.serviceId ? -1 : 1));
  const impactOf = new Map<string, InstitutionImpact>();
  for (const i of input.institutions) impactOf.set(i.id, { institutionId: i.id, revenueChangeFen: 0, fundChangeFen: 0, patientChangeFen: 0, byCategory: {}, chainFundChangeFen: 0, chainPatientChangeFen: 0 });
  for (const u of input.uses) {
    const n = newPrice.get(`${u.serviceId}|${u.level}`);
    if (n === undefined) continue;
    const d = (n.priceFen - oldPrice(u.serviceId, u.level)) * u.quantity;
    if (d === 0) continue;
    const imp = impactOf.get(u.institutionId);
    if (!imp) throw new PricingError(`a service volume names institution ${u.institutionId}, which is not an in-county institution`);
    imp.revenueChangeFen += d;
    const c = serviceOf(u.serviceId).category;
    imp.byCategory[c] = (imp.byCategory[c] ?? 0) + d;
  }
  for (const i of input.institutions) {
    const imp = impactOf.get(i.id)!;
    const own = splitByShare(imp.revenueChangeFen, i);
    imp.fundChangeFen = own.fundFen;
    imp.patientChangeFen = own.patientFen;
    const chain = splitByShare(imp.revenueChangeFen - i.savingFen, i);
    imp.chainFundChangeFen = chain.fundFen;
    imp.chainPatientChangeFen = chain.patientFen;
  }
  const byInstitution = [...impactOf.values()];
  const revenueChangeFen = t.step('revenueChange', sum(byInstitution.map((i) => i.revenueChangeFen)), { unit: 'fen', formula: 'Σ (new − old) × volume = raises − cuts' });
  const fundChangeFen = t.step('fundChange', sum(byInstitution.map((i) => i.fundChangeFen)), { unit: 'fen', formula: 'Σ_i ΔRevenue_i × fund_i / charges_i' });
  const patientChangeFen = t.step('patientChange', revenueChangeFen - fundChangeFen, { unit: 'fen' });
  const chainFundChangeFen = t.step('chainFundChange', sum(byInstitution.map((i) => i.chainFundChangeFen)), { unit: 'fen', formula: 'Σ_i (ΔRevenue_i − saving_i) × fund_i / charges_i' });
  const chainPatientChangeFen = t.step('chainPatientChange', sum(byInstitution.map((i) => i.chainPatientChangeFen)), { unit: 'fen', formula: 'Σ_i (ΔRevenue_i − saving_i) − chainFundChange_i' });
  const monthsAfter = ratio(input.fund.balanceFen - fundChangeFen, input.fund.monthlySpendFen + fundChangeFen / 12);

  // 5. Conditions and constraints.
  const cond = priceConditions({ year: input.year, history: input.history, spaceFen, fundMonthsBefore: monthsBefore }, tree, jurisdiction, t);
  const { worst: worstRatio, item: worstItem } = worstLevelRatio(cat, input.prices, (id, level) => newPrice.get(`${id}|${level}`)?.priceFen, unit);
  const constraints: Condition[] = [
    { id: 'patient_burden', label: { zh: '患者负担不增加（含集采降价）', en: 'Patient burden does not rise (with the procurement saving)' }, status: chainPatientChangeFen <= patientLimit ? 'met' : 'not_met', value: chainPatientChangeFen, limit: patientLimit },
    { id: 'fund_months', label: { zh: '基金累计结存不低于规定月数', en: 'The fund keeps the required months of spending' }, status: monthsAfter >= minFundMonths ? 'met' : 'not_met', value: monthsAfter, limit: minFundMonths },
    { id: 'level_ratios', label: { zh: '保持不同级别医疗机构比价关系', en: 'Price ratios between levels are kept' }, status: worstRatio <= ratioTol ? 'met' : 'not_met', value: worstRatio, limit: ratioTol },
    { id: 'within_space', label: { zh: '调价总量不超过腾出空间', en: 'Raises stay within the space' }, status: raisesFen <= totalFen ? 'met' : 'not_met', value: raisesFen, limit: totalFen },
  ];
  const reasons: string[] = [];
  if (!cond.mayRaise) reasons.push(cond.triggers.some((c) => c.status === 'met') ? 'a block condition is met' : 'no trigger condition is met');
  for (const c of constraints) if (c.status !== 'met') reasons.push(`constraint ${c.id} fails (${String(c.value)} against ${String(c.limit)})`);
  const adoptable = t.step('adoptable', reasons.length === 0, { formula: 'mayRaise ∧ every constraint met' });
  if (worstItem) t.step('levelRatioWorst', worstItem, { note: `largest relative change of a level ratio: ${(worstRatio * 100).toFixed(3)}%` });

  const out = {
    year: input.year,
    effectiveFrom: input.effectiveFrom,
    space: { procurementFen: input.procurementSavingFen, cutsFen, totalFen: spaceFen },
    adjustmentTotalFen: totalFen,
    use: { raisesFen, unused, unusedFen },
  };
  return {
    ...out,
    groups,
    changes,
    impact: { revenueChangeFen, raisesFen, cutsFen, fundChangeFen, patientChangeFen, chainFundChangeFen, chainPatientChangeFen, byInstitution },
    fundMonths: { before: monthsBefore, after: monthsAfter },
    triggers: cond.triggers,
    blocks: cond.blocks,
    mayRaise: cond.mayRaise,
    constraints,
    adoptable,
    reasons,
    trace: t.done(out),
  };
}

/**
 * An amount split between the fund and patients by an institution's settled share: fund = amount ×
 * fund / charges, half-up; patients bear the rest (an institution without charges: all patients).
 */
export function splitByShare(amountFen: number, i: { fundFen: number; chargesFen: number }): { fundFen: number; patientFen: number } {
  const fundFen = i.chargesFen > 0 ? mulDiv(amountFen, i.fundFen, i.chargesFen, 'halfUp') : 0;
  return { fundFen, patientFen: amountFen - fundFen };
}

/**
 * The largest relative change of a price ratio between two levels of one item. A ratio counts as
 * kept when the new price at the higher level is within one price unit of (new price at the lower
 * level × the old ratio) — rounding to the unit — and is then not counted.
 */
function worstLevelRatio(
  cat: Catalogue,
  prices: ProposalInput['prices'],
  newPriceOf: (serviceId: string, level: CountyPriceLevel) => number | undefined,
  unit: number,
): { worst: number; item: string } {
  let worst = 0;
  let item = '';
  for (const s of cat.services) {
    const ps = prices.get(s.id);
    if (!ps) continue;
    const levels = COUNTY_PRICE_LEVELS.filter((l) => ps[l] !== undefined);
    levels.forEach((la, a) => {
      for (const lb of levels.slice(a + 1)) {
        const before = ps[lb]! / ps[la]!;
        const newA = newPriceOf(s.id, la) ?? ps[la]!;
        const newB = newPriceOf(s.id, lb) ?? ps[lb]!;
        if (Math.abs(newB - newA * before) <= unit) continue;
        const dev = Math.abs(newB / newA / before - 1);
        if (dev > worst) {
          worst = dev;
          item = `${s.id} ${lb}/${la}`;
        }
      }
    });
  }
  return { worst, item };
}
