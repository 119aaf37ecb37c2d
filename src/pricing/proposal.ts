/**
 * Service-price dynamic adjustment (医疗服务价格动态调整, DOMAIN.md §7): the trigger and constraint
 * conditions, the adjustment space, and a proposal that cuts test and imaging prices and raises
 * under-priced technical-labour items within the space, with its impact on institutions, the fund and
 * patients. Pure; the caller reads volumes and settled figures from the store.
 *
 *   cuts            new = old × (1 − cutRate(category)), half-up to the price unit (examination, laboratory)
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
import type { ParamTree } from '../rules/params.js';
import type { IsoDate } from '../rules/period.js';
import { TraceBuilder, type Trace } from '../rules/trace.js';
import { allocate, mulDiv, mulRate, sum } from '../rules/money.js';
import type { FeeCategory } from '../rules/fees.js';
import type { Catalogue } from '../simulation/catalogue.js';
import { COUNTY_PRICE_LEVELS, type CountyPriceLevel } from './prices.js';

export const RAISE_CATEGORIES = ['surgery', 'nursing', 'consultation', 'treatment'] as const satisfies readonly FeeCategory[];
export const CUT_CATEGORIES = ['examination', 'laboratory'] as const satisfies readonly FeeCategory[];

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
  const cutRate = Object.fromEntries(CUT_CATEGORIES.map((c) => [c, t.param(tree.number(`pricing.proposal.cutRate.${c}`, date, jurisdiction))])) as Record<string, number>;
  const weights = RAISE_CATEGORIES.map((c) => t.param(tree.number(`pricing.proposal.raiseWeight.${c}`, date, jurisdiction)));

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
  const newPrice = new Map<string, number>();
  const roundTo = (x: number, mode: 'down' | 'halfUp') => (mode === 'down' ? Math.floor(x / unit) * unit : Math.round(x / unit) * unit);

  // 1. Cuts on tests and imaging: new = old × (1 − rate), half-up to the price unit, never below one unit.
  for (const s of cat.services) {
    const rate = cutRate[s.category];
    if (!rate) continue;
    for (const level of COUNTY_PRICE_LEVELS) {
      const old = input.prices.get(s.id)?.[level];
      if (old === undefined) continue;
      newPrice.set(`${s.id}|${level}`, Math.max(Math.min(old, unit), roundTo(mulRate(old, 1 - rate, 'halfUp'), 'halfUp')));
    }
  }
  let cutsFen = 0;
  for (const [k, n] of newPrice) cutsFen += (oldPrice(k.split('|')[0]!, k.split('|')[1] as CountyPriceLevel) - n) * (volume.get(k) ?? 0);
  t.step('cuts', cutsFen, { unit: 'fen', formula: 'Σ_examination,laboratory (old − new) × volume', note: 'new = old × (1 − cutRate), half-up to the price unit' });

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
  const baseOf = (category: FeeCategory) => {
    let base = 0;
    for (const s of cat.services) {
      if (s.category !== category) continue;
      for (const level of COUNTY_PRICE_LEVELS) {
        const old = input.prices.get(s.id)?.[level];
        if (old !== undefined) base += old * (volume.get(`${s.id}|${level}`) ?? 0);
      }
    }
    return base;
  };
  const bases = RAISE_CATEGORIES.map(baseOf);
  const liveWeights = weights.map((w, gi) => (bases[gi]! > 0 ? w : 0));
  const live = liveWeights.some((w) => w > 0);
  const budgets = live && totalFen > 0 ? allocate(totalFen, liveWeights, { what: 'adjustment total over the raise groups' }) : weights.map(() => 0);
  if (!live && totalFen > 0) t.step('noVolume', totalFen, { unit: 'fen', note: 'no raise group has volume in the year: the adjustment total stays unused' });
  const groups: RaiseGroup[] = [];
  RAISE_CATEGORIES.forEach((category, gi) => {
    const base = bases[gi]!;
    const budget = budgets[gi]!;
    const wanted = ratio(budget, base);
    const rate = Math.min(maxRaise, wanted);
    let used = 0;
    for (const s of cat.services) {
      if (s.category !== category) continue;
      for (const level of COUNTY_PRICE_LEVELS) {
        const old = input.prices.get(s.id)?.[level];
        if (old === undefined) continue;
        const n = old + roundTo(old * rate, 'down');
        if (n !== old) newPrice.set(`${s.id}|${level}`, n);
        used += (n - old) * (volume.get(`${s.id}|${level}`) ?? 0);
      }
    }
    groups.push({ category, weight: weights[gi]!, budgetFen: budget, baseRevenueFen: base, rate, cappedAtMaxRate: wanted > maxRaise, usedFen: used });
    t.step(`raise.${category}`, used, { unit: 'fen', formula: `rate ${(rate * 100).toFixed(3)}% of base ${base} fen; new = old + floor(old × rate to ${unit} fen)`, note: wanted > maxRaise ? `capped at maxRaiseRate ${maxRaise}` : base === 0 ? 'no volume in the year' : undefined });
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
  for (const [k, n] of newPrice) {
    const [id, level] = k.split('|') as [string, CountyPriceLevel];
    const old = oldPrice(id, level);
    if (n === old) continue;
    const s = serviceOf(id);
    const quantity = volume.get(k) ?? 0;
    changes.push({ serviceId: id, code: s.code, name: s.name, category: s.category, level, oldFen: old, newFen: n, quantity, revenueChangeFen: (n - old) * quantity });
  }
  changes.sort((a, b) => (a.serviceId === b.serviceId ? COUNTY_PRICE_LEVELS.indexOf(a.level) - COUNTY_PRICE_LEVELS.indexOf(b.level) : a.serviceId < b.serviceId ? -1 : 1));
  const impactOf = new Map<string, InstitutionImpact>();
  for (const i of input.institutions) impactOf.set(i.id, { institutionId: i.id, revenueChangeFen: 0, fundChangeFen: 0, patientChangeFen: 0, byCategory: {}, chainFundChangeFen: 0, chainPatientChangeFen: 0 });
  for (const u of input.uses) {
    const n = newPrice.get(`${u.serviceId}|${u.level}`);
    if (n === undefined) continue;
    const d = (n - oldPrice(u.serviceId, u.level)) * u.quantity;
    if (d === 0) continue;
    const imp = impactOf.get(u.institutionId);
    if (!imp) throw new PricingError(`a service volume names institution ${u.institutionId}, which is not an in-county institution`);
    imp.revenueChangeFen += d;
    const c = serviceOf(u.serviceId).category;
    imp.byCategory[c] = (imp.byCategory[c] ?? 0) + d;
  }
  for (const i of input.institutions) {
    const imp = impactOf.get(i.id)!;
    // ΔFund = ΔRevenue × fund / charges, half-up; the patient bears the rest.
    imp.fundChangeFen = i.chargesFen > 0 ? mulDiv(imp.revenueChangeFen, i.fundFen, i.chargesFen, 'halfUp') : 0;
    imp.patientChangeFen = imp.revenueChangeFen - imp.fundChangeFen;
    const chain = imp.revenueChangeFen - i.savingFen;
    imp.chainFundChangeFen = i.chargesFen > 0 ? mulDiv(chain, i.fundFen, i.chargesFen, 'halfUp') : 0;
    imp.chainPatientChangeFen = chain - imp.chainFundChangeFen;
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
  let worstRatio = 0;
  let worstItem = '';
  for (const s of cat.services) {
    const ps = input.prices.get(s.id);
    if (!ps) continue;
    const offered = COUNTY_PRICE_LEVELS.filter((l) => ps[l] !== undefined);
    for (let a = 0; a < offered.length; a++) {
      for (let b = a + 1; b < offered.length; b++) {
        const la = offered[a]!;
        const lb = offered[b]!;
        const before = ps[lb]! / ps[la]!;
        const newA = newPrice.get(`${s.id}|${la}`) ?? ps[la]!;
        const newB = newPrice.get(`${s.id}|${lb}`) ?? ps[lb]!;
        // Kept when the new price at b is within one price unit of new_a × the old ratio (rounding),
        // else the relative change of the ratio counts against the tolerance.
        if (Math.abs(newB - newA * before) <= unit) continue;
        const dev = Math.abs(newB / newA / before - 1);
        if (dev > worstRatio) {
          worstRatio = dev;
          worstItem = `${s.id} ${lb}/${la}`;
        }
      }
    }
  }
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
