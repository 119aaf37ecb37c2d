/**
 * Volume-based procurement over a year (带量采购, DOMAIN.md §6): agreed volumes, completion against
 * time progress, use of non-selected products, savings, the fund's saving retained by institutions,
 * and the zero mark-up check. Pure: the caller reads the volumes from the store.
 *
 *   window         = agreement period ∩ the year (whole months)
 *   reportedDemand = the institution's use of the molecule in minimum units (selected + non-selected),
 *                    in the previous year or the year itself (procurement.reportedDemandBasis)
 *   agreed         = reportedDemand × agreedShare(winners) × windowDays / daysOfTheYear
 *                    rounded half-up to a whole minimum unit
 *   completion     = purchasedSelected (window, minimum units) / agreed
 *   timeProgress   = elapsed window days / window days (at each month end)
 *   alert          = completion < alertFactor × timeProgress
 *   saving         = prePrice × quantity − amount   (per month, institution, product; exact fen)
 *                    prePrice = price / (1 − cut), half-up to the fen, with the batch's reported
 *                    average cut (or the product's published one): drugs from the selected price
 *                    (src/procurement/batches.ts), consumables from the service price per level
 *   fundSaving     = saving × fund / charges of the institution (its year's settled share), half-up
 *   retained       = fundSaving × retentionShare × (onSchedule ? 1 : rule), half-up
 *                    onSchedule ⇔ completion ≥ timeProgress at the end of the year's window;
 *                    rule none → 0, proportional → completion / timeProgress
 *
 * Savings count at in-county institutions only: the county's agreements bind its own institutions;
 * hospitals out of county procure under their own city's agreements.
 */
import { scaleLookup, type ParamTree } from '../rules/params.js';
import { daysBetween, parsePeriod, periodRange, type IsoDate } from '../rules/period.js';
import { TraceBuilder, type Trace } from '../rules/trace.js';
import { mulDiv, mulRate, ratioOf, sum } from '../rules/money.js';
import { prePriceFromCut, type VbpProduct } from './batches.js';

export type CareLevel = 'village' | 'township' | 'county' | 'out_of_county';

/** A month of one item's use at one institution (drug_volumes / service_volumes rows). */
export interface VolumeRow {
  month: string;
  institutionId: string;
  itemId: string;
  quantity: number;
  amountFen: number;
}

export interface ProcurementInstitution {
  id: string;
  careLevel: CareLevel;
  inCounty: boolean;
  /** Settled fund payment and charges of the year, for the fund's share of a saving. */
  fundFen: number;
  chargesFen: number;
}

export interface ProcurementInput {
  year: number;
  products: readonly VbpProduct[];
  drugVolumes: readonly VolumeRow[];
  /** Consumable service volumes (only the consumable items are read). */
  serviceVolumes: readonly VolumeRow[];
  /** Drug volumes of the previous year, when procurement.reportedDemandBasis = previous_year. */
  previousDrugVolumes?: readonly VolumeRow[];
  previousServiceVolumes?: readonly VolumeRow[];
  institutions: readonly ProcurementInstitution[];
  /** Consumables: price of the service item by level (the price table in force). */
  consumablePrice: (serviceId: string, level: CareLevel) => number | undefined;
}

export interface MonthProgress {
  month: string;
  purchased: number;
  cumulative: number;
  completion: number;
  timeProgress: number;
  alert: boolean;
}

export interface Agreement {
  institutionId: string;
  batchId: string;
  itemId: string;
  kind: 'drug' | 'consumable';
  window: { from: IsoDate; to: IsoDate };
  reportedDemand: number;
  agreedShare: number;
  agreed: number;
  purchased: number;
  nonSelected: number;
  /** Non-selected units / all units of the molecule in the window. */
  nonSelectedShare: number;
  completion: number;
  timeProgress: number;
  alert: boolean;
  onSchedule: boolean;
  savingFen: number;
  fundSavingFen: number;
  retainedFen: number;
  months: MonthProgress[];
}

export interface InstitutionProcurement {
  institutionId: string;
  savingFen: number;
  fundSavingFen: number;
  retainedFen: number;
  /** Savings on drugs and on consumables (they leave the drug and the materials revenue). */
  drugSavingFen: number;
  consumableSavingFen: number;
  agreements: number;
  alerts: number;
}

/** One selected product over the county's institutions, with what a page shows next to its figures. */
export interface ProductProcurement {
  batchId: string;
  itemId: string;
  kind: 'drug' | 'consumable';
  /** The cut that prices the product before procurement, and whether it is the product's or the batch's. */
  cut: number;
  cutSource: 'product' | 'batch';
  /** Drugs: price before procurement and selected price per unit of sale (consumables: by level, not here). */
  prePriceFen?: number;
  selectedPriceFen?: number;
  /** Selected firms (中选企业) from the batch file; empty when it does not name them. */
  firms: string[];
  /** Drugs: the manufacturer (生产企业) the catalogue names, if any. */
  manufacturer?: string;
  agreed: number;
  purchased: number;
  completion: number;
  savingFen: number;
}

export interface ProcurementYear {
  year: number;
  savingFen: number;
  drugSavingFen: number;
  consumableSavingFen: number;
  fundSavingFen: number;
  retainedFen: number;
  byInstitution: InstitutionProcurement[];
  byProduct: ProductProcurement[];
  byMonth: Array<{ month: string; savingFen: number }>;
  agreements: Agreement[];
  markup: { drugRate: number; consumableRate: number; markupRevenueFen: number };
  trace: Trace;
}

export class ProcurementError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProcurementError';
  }
}

const maxDate = (a: IsoDate, b: IsoDate) => (a > b ? a : b);
const minDate = (a: IsoDate, b: IsoDate) => (a < b ? a : b);
const inclusiveDays = (from: IsoDate, to: IsoDate) => daysBetween(from, to) + 1;

/** Procurement figures of `year` (parameters resolved at the middle of the year, 1 July). */
export function procurementYear(input: ProcurementInput, tree: ParamTree, jurisdiction: string): ProcurementYear {
  const { year } = input;
  const date: IsoDate = `${year}-07-01`;
  const yearFrom: IsoDate = `${year}-01-01`;
  const yearTo: IsoDate = `${year}-12-31`;
  const t = new TraceBuilder('procurement.year', { jurisdiction, year, products: input.products.length }, { zh: '带量采购年度测算', en: 'Volume-based procurement of the year' });
  const basis = t.param(tree.string('procurement.reportedDemandBasis', date, jurisdiction));
  const alertFactor = t.param(tree.number('procurement.alertFactor', date, jurisdiction));
  const retentionShare = t.param(tree.number('procurement.retentionShare', date, jurisdiction));
  const behind = t.param(tree.string('procurement.retentionWhenBehind', date, jurisdiction));
  const shareScale = t.param(tree.scale('procurement.agreedShare', date, jurisdiction));
  const drugMarkup = t.param(tree.number('procurement.markupRate.drug', date, jurisdiction));
  const consumableMarkup = t.param(tree.number('procurement.markupRate.consumable', date, jurisdiction));

  let demandDrugs: readonly VolumeRow[];
  let demandServices: readonly VolumeRow[];
  if (basis === 'previous_year') {
    if (!input.previousDrugVolumes) {
      throw new ProcurementError(
        `procurement.reportedDemandBasis is previous_year but no drug volumes of ${year - 1} are loaded for ${jurisdiction}; load that year or set the parameter to same_year`,
      );
    }
    demandDrugs = input.previousDrugVolumes;
    demandServices = input.previousServiceVolumes ?? [];
  } else if (basis === 'same_year') {
    demandDrugs = input.drugVolumes;
    demandServices = input.serviceVolumes;
    t.step('reportedDemand', `use of ${year}`, { note: 'procurement.reportedDemandBasis = same_year: demand estimated from the analysed year itself' });
  } else throw new ProcurementError(`procurement.reportedDemandBasis is "${basis}"; expected previous_year or same_year`);
  // The reported demand is annual; a window shorter than the year gets its share of the year's days.
  const yearDays = inclusiveDays(yearFrom, yearTo);

  const inst = new Map(input.institutions.map((i) => [i.id, i]));
  // Minimum units per unit of sale of every item taking part (selected and non-selected).
  const unitsOf = new Map<string, { product: VbpProduct; units: number; selected: boolean }>();
  for (const p of input.products) {
    unitsOf.set(`${p.kind}:${p.itemId}`, { product: p, units: p.units, selected: true });
    for (const a of p.alternatives) unitsOf.set(`drug:${a.drug}`, { product: p, units: a.units, selected: false });
  }
  const key = (institutionId: string, p: VbpProduct) => `${institutionId}|${p.kind}:${p.itemId}`;

  // Reported demand per institution and molecule, in minimum units.
  const demand = new Map<string, { institutionId: string; product: VbpProduct; units: number }>();
  const addDemand = (rows: readonly VolumeRow[], kind: 'drug' | 'consumable') => {
    for (const r of rows) {
      const u = unitsOf.get(`${kind}:${r.itemId}`);
      if (!u || !inst.get(r.institutionId)?.inCounty) continue;
      const k = key(r.institutionId, u.product);
      const d = demand.get(k);
      if (d) d.units += r.quantity * u.units;
      else demand.set(k, { institutionId: r.institutionId, product: u.product, units: r.quantity * u.units });
    }
  };
  addDemand(demandDrugs, 'drug');
  addDemand(demandServices, 'consumable');

  interface Acc {
    agreement: Agreement;
    monthly: Map<string, number>;
  }
  const acc = new Map<string, Acc>();
  const savingByMonth = new Map<string, number>();
  const prePriceCache = new Map<string, number>();
  const consumablePrePrice = (p: VbpProduct, level: CareLevel, institutionId: string): number => {
    const k = `${p.itemId}|${level}`;
    let v = prePriceCache.get(k);
    if (v === undefined) {
      const price = input.consumablePrice(p.itemId, level);
      if (price === undefined) throw new ProcurementError(`consumable ${p.itemId} is used at ${institutionId} but has no price at level ${level}`);
      // pre = price / (1 − cut), half-up to the fen (cut given to 4 decimals at most: exact division).
      v = prePriceFromCut(price, p.cut);
      prePriceCache.set(k, v);
    }
    return v;
  };
  const windowOf = (p: VbpProduct) => ({ from: maxDate(p.agreement.from, yearFrom), to: minDate(p.agreement.to, yearTo) });

  const getAcc = (institutionId: string, p: VbpProduct): Acc | undefined => {
    const k = key(institutionId, p);
    let a = acc.get(k);
    if (a) return a;
    const w = windowOf(p);
    if (w.to < w.from) return undefined;
    const reported = demand.get(k)?.units ?? 0;
    const share = p.winners >= 1 ? scaleLookup(shareScale, p.winners) : 0;
    const windowDays = inclusiveDays(w.from, w.to);
    // agreed = reportedDemand × share × windowDays / daysOfYear, half-up to a whole unit.
    const agreed = Math.round((reported * share * windowDays) / yearDays);
    a = {
      agreement: {
        institutionId,
        batchId: p.batchId,
        itemId: p.itemId,
        kind: p.kind,
        window: w,
        reportedDemand: reported,
        agreedShare: share,
        agreed,
        purchased: 0,
        nonSelected: 0,
        nonSelectedShare: 0,
        completion: 0,
        timeProgress: 0,
        alert: false,
        onSchedule: false,
        savingFen: 0,
        fundSavingFen: 0,
        retainedFen: 0,
        months: [],
      },
      monthly: new Map(),
    };
    acc.set(k, a);
    return a;
  };

  const consume = (rows: readonly VolumeRow[], kind: 'drug' | 'consumable') => {
    for (const r of rows) {
      const u = unitsOf.get(`${kind}:${r.itemId}`);
      if (!u) continue;
      const i = inst.get(r.institutionId);
      if (!i) throw new ProcurementError(`a ${kind} volume row names institution ${r.institutionId}, which is not in the county's institutions`);
      if (!i.inCounty) continue;
      const p = u.product;
      const w = windowOf(p);
      const m = parsePeriod(r.month);
      if (m.start < w.from || m.end > w.to) continue;
      const a = getAcc(r.institutionId, p);
      if (!a) continue;
      if (!u.selected) {
        a.agreement.nonSelected += r.quantity * u.units;
        continue;
      }
      const minUnits = r.quantity * u.units;
      a.agreement.purchased += minUnits;
      a.monthly.set(r.month, (a.monthly.get(r.month) ?? 0) + minUnits);
      const pre = kind === 'drug' ? p.prePriceFen! : consumablePrePrice(p, i.careLevel, i.id);
      // saving = prePrice × quantity − amount actually spent (exact fen).
      const saving = pre * r.quantity - r.amountFen;
      a.agreement.savingFen += saving;
      savingByMonth.set(r.month, (savingByMonth.get(r.month) ?? 0) + saving);
    }
  };
  consume(input.drugVolumes, 'drug');
  consume(input.serviceVolumes, 'consumable');
  // Agreements with demand but no purchase in the window still count (completion 0).
  for (const d of demand.values()) getAcc(d.institutionId, d.product);

  const byInst = new Map<string, InstitutionProcurement>();
  const agreements: Agreement[] = [];
  const order = (x: Acc, y: Acc) => (x.agreement.institutionId === y.agreement.institutionId ? cmp(x.agreement.itemId, y.agreement.itemId) : cmp(x.agreement.institutionId, y.agreement.institutionId));
  for (const { agreement: a, monthly } of [...acc.values()].sort(order)) {
    const windowDays = inclusiveDays(a.window.from, a.window.to);
    let cumulative = 0;
    for (const p of periodRange(a.window.from.slice(0, 7), a.window.to.slice(0, 7))) {
      const m = p.label;
      const purchased = monthly.get(m) ?? 0;
      cumulative += purchased;
      const timeProgress = inclusiveDays(a.window.from, minDate(p.end, a.window.to)) / windowDays;
      const completion = a.agreed > 0 ? cumulative / a.agreed : 1;
      a.months.push({ month: m, purchased, cumulative, completion, timeProgress, alert: a.agreed > 0 && completion < alertFactor * timeProgress });
    }
    const last = a.months[a.months.length - 1];
    a.completion = a.agreed > 0 ? a.purchased / a.agreed : 1;
    a.timeProgress = last?.timeProgress ?? 1;
    a.alert = last?.alert ?? false;
    a.onSchedule = a.completion >= a.timeProgress;
    const all = a.purchased + a.nonSelected;
    a.nonSelectedShare = all > 0 ? a.nonSelected / all : 0;
    const i = inst.get(a.institutionId)!;
    // fundSaving = saving × fund / charges of the institution, half-up.
    a.fundSavingFen = a.savingFen > 0 && i.chargesFen > 0 ? mulDiv(a.savingFen, i.fundFen, i.chargesFen, 'halfUp') : 0;
    let factor = 1;
    if (!a.onSchedule) factor = behind === 'none' ? 0 : Math.min(1, a.completion / a.timeProgress);
    // retained = fundSaving × retentionShare × factor, half-up.
    a.retainedFen = mulRate(a.fundSavingFen, retentionShare * factor, 'halfUp');
    agreements.push(a);
    let row = byInst.get(a.institutionId);
    if (!row) byInst.set(a.institutionId, (row = { institutionId: a.institutionId, savingFen: 0, fundSavingFen: 0, retainedFen: 0, drugSavingFen: 0, consumableSavingFen: 0, agreements: 0, alerts: 0 }));
    row.savingFen += a.savingFen;
    row.fundSavingFen += a.fundSavingFen;
    row.retainedFen += a.retainedFen;
    if (a.kind === 'drug') row.drugSavingFen += a.savingFen;
    else row.consumableSavingFen += a.savingFen;
    row.agreements += 1;
    if (a.alert) row.alerts += 1;
  }

  const byProductMap = new Map<string, ProductProcurement>();
  for (const a of agreements) {
    const k = `${a.kind}:${a.itemId}`;
    let p = byProductMap.get(k);
    if (!p) {
      const v = unitsOf.get(k)!.product;
      p = {
        batchId: a.batchId,
        itemId: a.itemId,
        kind: a.kind,
        cut: v.cut,
        cutSource: v.cutSource,
        ...(v.prePriceFen !== undefined ? { prePriceFen: v.prePriceFen } : {}),
        ...(v.selectedPriceFen !== undefined ? { selectedPriceFen: v.selectedPriceFen } : {}),
        firms: v.firms,
        ...(v.manufacturer !== undefined ? { manufacturer: v.manufacturer } : {}),
        agreed: 0,
        purchased: 0,
        completion: 0,
        savingFen: 0,
      };
      byProductMap.set(k, p);
    }
    p.agreed += a.agreed;
    p.purchased += a.purchased;
    p.savingFen += a.savingFen;
  }
  const byProduct = [...byProductMap.values()].map((p) => ({ ...p, completion: p.agreed > 0 ? p.purchased / p.agreed : 1 }));
  const institutions = [...byInst.values()].sort((a, b) => (a.institutionId < b.institutionId ? -1 : 1));
  const savingFen = t.step('saving', sum(institutions.map((i) => i.savingFen)), { unit: 'fen', formula: 'Σ prePrice × quantity − amount (selected products, in-county institutions, agreement windows)' });
  const drugSavingFen = t.step('drugSaving', sum(institutions.map((i) => i.drugSavingFen)), { unit: 'fen', note: 'drugs: prePrice = selected price / (1 − cut), half-up, cut of the batch (reportedCut) or of the product' });
  const consumableSavingFen = t.step('consumableSaving', sum(institutions.map((i) => i.consumableSavingFen)), { unit: 'fen', note: 'consumables: prePrice = price / (1 − cut), half-up' });
  const fundSavingFen = t.step('fundSaving', sum(institutions.map((i) => i.fundSavingFen)), { unit: 'fen', formula: 'Σ_i,p saving × fund_i / charges_i, half-up' });
  const retainedFen = t.step('retained', sum(institutions.map((i) => i.retainedFen)), { unit: 'fen', formula: 'Σ fundSaving × retentionShare × (onSchedule ? 1 : rule)' });
  t.step('agreements', agreements.length, { unit: 'count' });
  t.step('alerts', agreements.filter((a) => a.alert).length, { unit: 'count', formula: 'completion < alertFactor × timeProgress at the window end' });
  // Mark-up revenue = amount × rate / (1 + rate), exact, half-up: the sale price is the purchase price
  // × (1 + rate). Zero since the mark-up was abolished (零差率). Consumables: the procured ones.
  const inCountyAmount = (rows: readonly VolumeRow[], keep: (r: VolumeRow) => boolean) => sum(rows.filter((r) => inst.get(r.institutionId)?.inCounty && keep(r)).map((r) => r.amountFen));
  const markupOf = (amount: number, rate: number, what: string) => {
    const r = ratioOf(rate, what);
    return mulDiv(amount, r.num, r.den + r.num, 'halfUp');
  };
  const drugAmount = inCountyAmount(input.drugVolumes, () => true);
  const consumableAmount = inCountyAmount(input.serviceVolumes, (r) => unitsOf.has(`consumable:${r.itemId}`));
  const markupRevenueFen = t.step('markupRevenue', markupOf(drugAmount, drugMarkup, 'procurement.markupRate.drug') + markupOf(consumableAmount, consumableMarkup, 'procurement.markupRate.consumable'), {
    unit: 'fen',
    formula: 'Σ amount × rate / (1 + rate) over drugs and procured consumables at in-county institutions',
    ...(drugMarkup === 0 && consumableMarkup === 0 ? { note: '零差率: drugs and consumables are sold at their purchase price' } : {}),
  });
  const byMonth = [...savingByMonth.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([month, s]) => ({ month, savingFen: s }));
  const out = { year, savingFen, drugSavingFen, consumableSavingFen, fundSavingFen, retainedFen };
  return {
    ...out,
    byInstitution: institutions,
    byProduct,
    byMonth,
    agreements,
    markup: { drugRate: drugMarkup, consumableRate: consumableMarkup, markupRevenueFen },
    trace: t.done(out),
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
