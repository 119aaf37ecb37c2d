/**
 * Care for one year (门急诊与住院): for each person, visits and admissions from age-sex rates and chronic
 * conditions; the disease from the catalogue mix; the facility from a multinomial-logit choice model
 * over severity, distance and the reimbursement gap between levels (就医选择); the length of stay; and
 * charges itemised into settlement-list fee categories, service lines and drug lines. Referrals up
 * and down are events linked to the encounters they cause.
 *
 * Choice model (per encounter, alternatives the disease allows at the level):
 *   V_l = asc_l + β_sev,l · severity + β_km · km_l [+ β_reimb · 100 · ratio_l(scheme) for admissions]
 *   P_l = exp(V_l) / Σ_k exp(V_k)        (county is the reference, asc = β_sev = 0)
 * Costs (integer fen; every line is quantity × unit price, so an encounter's total is exactly the sum
 * of its lines):
 *   target = catalogue cost(level) × calibration(level) × (1 + step · severity) × LN(σ)
 *   fixed  = per-visit fees (一般诊疗费 or 挂号费 + 诊查费), or per-day bed, nursing and consultation × LOS
 *   the rest is split by the disease's cost mix (drugs weighted by the level's drug calibration).
 */
import type { Random } from '../rules/random.js';
import { CHRONIC_CONDITIONS, RULE_SERVICES, type Catalogue, type CostMix, type Disease, type FeeCategory } from './catalogue.js';
import { FEE_INDEX, N_FEES, type CareChunk, type EncounterBatch, type LineBatch } from './batch.js';
import type { County } from './county.js';
import { ageOn, daysInYear, yearStart } from './dates.js';
import type { Level, YearModel } from './model.js';
import { conditionBit, NO_EXIT, pickCumulative, type Population } from './population.js';

export const LEVEL_INDEX: Record<Level, number> = { village: 0, township: 1, county: 2, out_of_county: 3 };
const LEVEL_NAMES: readonly Level[] = ['village', 'township', 'county', 'out_of_county'];
export const TYPE_OUTPATIENT = 0;
export const TYPE_EMERGENCY = 1;
export const TYPE_INPATIENT = 2;

const MIX_CATEGORIES: ReadonlyArray<[keyof CostMix, FeeCategory]> = [
  ['examination', 'examination'],
  ['laboratory', 'laboratory'],
  ['treatment', 'treatment'],
  ['surgery', 'surgery'],
  ['materials', 'materials'],
  ['other', 'other'],
];

/** Aggregates for the calibration report, by level (0–3) and kind. */
export class CareStats {
  personDays = 0;
  daysInYear = 365;
  visits = new Float64Array(4); // outpatient + emergency
  visitFen = new Float64Array(4);
  admissions = new Float64Array(4);
  admissionFen = new Float64Array(4);
  losDays = new Float64Array(4);
  drugFen = new Float64Array(4);
  totalFen = new Float64Array(4);
  emergencies = 0;
  referralsUp = 0;
  referralsDown = 0;
  chargeLines = 0;
  drugLines = 0;
  inpatientDeaths = 0;

  add(o: CareStats): void {
    this.personDays += o.personDays;
    for (const k of ['visits', 'visitFen', 'admissions', 'admissionFen', 'losDays', 'drugFen', 'totalFen'] as const) {
      for (let i = 0; i < 4; i++) this[k][i] = (this[k][i] ?? 0) + (o[k][i] ?? 0);
    }
    this.emergencies += o.emergencies;
    this.referralsUp += o.referralsUp;
    this.referralsDown += o.referralsDown;
    this.chargeLines += o.chargeLines;
    this.drugLines += o.drugLines;
    this.inpatientDeaths += o.inpatientDeaths;
  }
}

/** Catalogue and county indexes the generator needs, built once. */
export class CareTables {
  /** Code dictionary: diagnosis codes (principal, secondary, chronic), one index each. */
  readonly codes: string[] = [];
  readonly codeIndex = new Map<string, number>();
  /** Principal diagnosis code indices by disease and kind. */
  readonly outDx: number[][];
  readonly inDx: number[][];
  /** Secondary code of each chronic condition (the first diagnosis of the disease marked with it). */
  readonly chronicCode: string[];
  /** Disease marked with each chronic condition (for follow-up visits), or -1. */
  readonly chronicDisease: Int32Array;
  /** Candidate services by disease, kind (0 outpatient, 1 inpatient), fee category and level. */
  readonly #candidates: Array<number[] | undefined> = [];
  readonly ruleService: Record<keyof typeof RULE_SERVICES, number>;
  readonly #mixCache = new Map<number, { out: Float64Array; inp: Float64Array }>();
  /** Relative weight of chronic diseases in their holders' mix: 1 / (adult prevalence). */
  readonly chronicBoost: Float64Array;

  constructor(
    readonly catalogue: Catalogue,
    prevalenceAdult: Record<string, number>,
  ) {
    const d = catalogue.diseases;
    this.outDx = d.map((x) => (x.outpatient?.dx ?? []).map((c) => this.code(c)));
    this.inDx = d.map((x) => (x.inpatient?.dx ?? []).map((c) => this.code(c)));
    this.chronicDisease = new Int32Array(CHRONIC_CONDITIONS.length).fill(-1);
    this.chronicCode = CHRONIC_CONDITIONS.map((c, ci) => {
      const idx = d.findIndex((x) => x.chronic === c && (x.outpatient || x.inpatient));
      if (idx < 0) return '';
      this.chronicDisease[ci] = idx;
      const dis = d[idx]!;
      return (dis.outpatient?.dx[0] ?? dis.inpatient?.dx[0])!;
    });
    this.chronicBoost = new Float64Array(d.length).fill(1);
    d.forEach((x, i) => {
      if (x.chronic) this.chronicBoost[i] = 1 / Math.max(0.01, prevalenceAdult[x.chronic] ?? 0.1);
    });
    const svc = (id: string) => {
      const i = catalogue.serviceIndex.get(id);
      if (i === undefined) throw new Error(`the catalogue has no service ${id}`);
      return i;
    };
    this.ruleService = {
      bedDay: svc(RULE_SERVICES.bedDay),
      nursingDay: svc(RULE_SERVICES.nursingDay),
      inpatientConsultation: svc(RULE_SERVICES.inpatientConsultation),
      outpatientConsultation: svc(RULE_SERVICES.outpatientConsultation),
      generalDiagnosis: svc(RULE_SERVICES.generalDiagnosis),
      registration: svc(RULE_SERVICES.registration),
    };
  }

  code(c: string): number {
    let i = this.codeIndex.get(c);
    if (i === undefined) {
      i = this.codes.length;
      this.codes.push(c);
      this.codeIndex.set(c, i);
    }
    return i;
  }

  /** Adopted prices of the year being generated, by service × 4 + level (0: the catalogue price). */
  #adopted = new Int32Array(0);

  /** Sets the adopted prices in force for the year (src/pricing: dated parameters pricing.service.*). */
  setAdoptedPrices(prices: ReadonlyArray<{ service: number; level: Level; priceFen: number }>): void {
    this.#adopted = new Int32Array(this.catalogue.services.length * 4);
    for (const p of prices) this.#adopted[p.service * 4 + LEVEL_INDEX[p.level]] = p.priceFen;
  }

  price(service: number, level: Level): number | undefined {
    const base = this.catalogue.services[service]?.price[level];
    if (base === undefined) return undefined;
    return this.#adopted[service * 4 + LEVEL_INDEX[level]] || base;
  }

  /** Services of a disease for a category that are offered at a level. */
  candidates(disease: number, kind: 0 | 1, category: FeeCategory, level: Level): number[] {
    const key = ((disease * 2 + kind) * N_FEES + FEE_INDEX[category]) * 4 + LEVEL_INDEX[level];
    let list = this.#candidates[key];
    if (!list) {
      const d = this.catalogue.diseases[disease]!;
      const care = kind === 0 ? d.outpatient : d.inpatient;
      list = (care?.services ?? [])
        .map((s) => this.catalogue.serviceIndex.get(s)!)
        .filter((s) => this.catalogue.services[s]!.category === category && this.catalogue.services[s]!.price[level] !== undefined);
      if (list.length === 0) {
        // Fall back on any service of the category offered at the level (first in catalogue order).
        const any = this.catalogue.services.findIndex((s) => s.category === category && s.price[level] !== undefined && !isRuleService(s.id));
        if (any >= 0) list = [any];
      }
      this.#candidates[key] = list;
    }
    return list;
  }

  /**
   * Cumulative disease weights for a person of this age, sex and set of chronic conditions, for
   * outpatient and inpatient care. Chronic diseases are only drawn for those who have them.
   */
  mix(age: number, sex: number, conditions: number): { out: Float64Array; inp: Float64Array } {
    const key = (Math.min(age, 120) << 8) | (sex << 6) | conditions;
    let m = this.#mixCache.get(key);
    if (!m) {
      const ds = this.catalogue.diseases;
      const out = new Float64Array(ds.length);
      const inp = new Float64Array(ds.length);
      let ao = 0;
      let ai = 0;
      ds.forEach((d, i) => {
        let ok = eligible(d, age, sex);
        let boost = 1;
        if (ok && d.chronic) {
          const ci = CHRONIC_CONDITIONS.indexOf(d.chronic);
          ok = (conditions & conditionBit(ci)) !== 0;
          boost = this.chronicBoost[i] ?? 1;
        }
        if (ok && d.outpatient) ao += d.outpatient.weight * boost;
        if (ok && d.inpatient) ai += d.inpatient.weight * boost;
        out[i] = ao;
        inp[i] = ai;
      });
      m = { out, inp };
      this.#mixCache.set(key, m);
    }
    return m;
  }
}

function isRuleService(id: string): boolean {
  return (Object.values(RULE_SERVICES) as string[]).includes(id);
}

function eligible(d: Disease, age: number, sex: number): boolean {
  const p = d.population;
  return age >= p.ageMin && age <= p.ageMax && (p.sexes as number[]).includes(sex);
}

/** Log-normal multiplier with mean 1. */
function lnFactor(rng: Random, sigma: number): number {
  return Math.exp(rng.normal(0, sigma) - (sigma * sigma) / 2);
}

function severityOf(d: Disease, rng: Random): number {
  const u = rng.next();
  return u < d.severity[0] ? 0 : u < d.severity[0] + d.severity[1] ? 1 : 2;
}

/** Mutable counters shared by the chunks of a generation (ids are sequential). */
export interface Counters {
  encounter: number;
  referral: number;
}

export interface CareContext {
  model: YearModel;
  tables: CareTables;
  county: County;
  pop: Population;
  counters: Counters;
  /** Cumulative choice probabilities, filled lazily (see chooseLevel); one per year's context. */
  choiceCache?: Float64Array;
}

/** Generates the year's care of persons [from, to) into `out` and adds to `stats`. */
export function generateCare(ctx: CareContext, rng: Random, from: number, to: number, out: CareChunk, stats: CareStats): void {
  const { model: m, pop } = ctx;
  const year = out.year;
  const d0 = yearStart(year);
  const nDays = daysInYear(year);
  const d1 = d0 + nDays - 1;
  stats.daysInYear = nDays;
  const c = m.care;
  for (let i = from; i < to; i++) {
    const entry = pop.entry[i]!;
    const exit = pop.exit[i]!;
    const a = Math.max(d0, entry);
    const b = Math.min(d1, exit === NO_EXIT ? d1 : exit);
    if (b < a) continue;
    const exposureDays = b - a + 1;
    const firstRow = out.encounters.length;
    const firstCharge = out.chargeLines.length;
    const firstDrug = out.drugLines.length;
    stats.personDays += exposureDays;
    const exposure = exposureDays / nDays;
    const age = Math.max(0, ageOn(pop.birth[i]!, a));
    const ageIdx = Math.min(age, 120);
    const sex = pop.sex[i]!;
    const cond = pop.conditions[i]!;
    const male = sex === 1;

    // Outpatient and emergency visits.
    const rateOut = (male ? c.outpatientRate.male : c.outpatientRate.female)[ageIdx] ?? 0;
    const nOut = rng.poisson(exposure * rateOut * c.outpatientRateScale);
    let followUps = 0;
    let rr = 1;
    if (cond !== 0) {
      CHRONIC_CONDITIONS.forEach((cc, ci) => {
        if (cond & conditionBit(ci)) {
          followUps += c.followUpVisits[cc];
          rr *= c.admissionRelativeRisk[cc];
        }
      });
    }
    const nFollow = followUps > 0 ? rng.poisson(exposure * followUps * c.outpatientRateScale) : 0;
    const mix = ctx.tables.mix(age, sex, cond);
    for (let k = 0; k < nOut + nFollow; k++) {
      let disease: number;
      if (k < nOut) disease = pickCumulative(mix.out, rng);
      else disease = followUpDisease(ctx, cond, rng);
      if (disease < 0) continue;
      const day = a + rng.int(exposureDays);
      outpatientEncounter(ctx, rng, i, age, disease, day, -1, out, stats);
    }

    // Admissions.
    const rateIn = (male ? c.inpatientRate.male : c.inpatientRate.female)[ageIdx] ?? 0;
    const nIn = rng.poisson(exposure * rateIn * c.inpatientRateScale * rr);
    for (let k = 0; k < nIn; k++) {
      const disease = pickCumulative(mix.inp, rng);
      if (disease < 0) continue;
      const d = ctx.tables.catalogue.diseases[disease]!;
      const day = d.neonatal ? Math.min(b, pop.birth[i]! + rng.int(4)) : a + rng.int(exposureDays);
      inpatientEncounter(ctx, rng, i, age, disease, Math.max(a, day), out, stats);
    }
    if (nIn > 0) keepVisitsOutOfStays(out, firstRow, firstCharge, firstDrug);
  }
}

/**
 * Nobody visits the outpatient clinic of the hospital whose ward they lie in: an outpatient or
 * emergency visit drawn strictly inside one of the person's stays at the same institution moves to
 * the admission day (its lines with it). Dates only: no draw, count or amount changes.
 */
function keepVisitsOutOfStays(out: CareChunk, firstRow: number, firstCharge: number, firstDrug: number): void {
  const e = out.encounters;
  for (let s = firstRow; s < e.length; s++) {
    if (e.type[s] !== TYPE_INPATIENT) continue;
    for (let r = firstRow; r < e.length; r++) {
      if (e.type[r] === TYPE_INPATIENT || e.institution[r] !== e.institution[s] || !(e.start[r]! > e.start[s]! && e.start[r]! < e.end[s]!)) continue;
      const day = e.start[s]!;
      e.start[r] = day;
      e.end[r] = day;
      const id = e.id[r]!;
      for (const [lines, from] of [[out.chargeLines, firstCharge], [out.drugLines, firstDrug]] as const) {
        for (let l = from; l < lines.length; l++) if (lines.encounter[l] === id) lines.start[l] = day;
      }
    }
  }
}

function followUpDisease(ctx: CareContext, cond: number, rng: Random): number {
  // Follow-ups go to the person's chronic conditions in proportion to their visit rates.
  const f = ctx.model.care.followUpVisits;
  let total = 0;
  CHRONIC_CONDITIONS.forEach((cc, ci) => {
    if (cond & conditionBit(ci) && ctx.tables.chronicDisease[ci]! >= 0) total += f[cc];
  });
  let u = rng.next() * total;
  for (let ci = 0; ci < CHRONIC_CONDITIONS.length; ci++) {
    if (!(cond & conditionBit(ci)) || ctx.tables.chronicDisease[ci]! < 0) continue;
    u -= f[CHRONIC_CONDITIONS[ci]!];
    if (u <= 0) return ctx.tables.chronicDisease[ci]!;
  }
  return -1;
}

/** Distance in km from the person's village to a level. */
function kmTo(ctx: CareContext, person: number, level: Level): number {
  const v = ctx.county.villages[ctx.pop.village[person]!]!;
  switch (level) {
    case 'village':
      return 0.5;
    case 'township':
      return v.kmToTownship;
    case 'county':
      return v.kmToCounty;
    case 'out_of_county':
      return v.kmToCounty + ctx.model.geography.kmCountyToCity;
  }
}

/**
 * Multinomial-logit choice among the levels allowed; returns a level index or -1. The probabilities
 * depend only on (village, kind, severity, scheme, allowed levels), so they are computed once per
 * combination and year and kept in `ctx.choiceCache` as cumulative probabilities.
 */
function chooseLevel(ctx: CareContext, rng: Random, person: number, levels: readonly Level[], severity: number, inpatient: boolean): number {
  let mask = 0;
  for (const l of levels) mask |= 1 << LEVEL_INDEX[l];
  if (mask === 0) return -1;
  const village = ctx.pop.village[person]!;
  const scheme = ctx.pop.scheme[person]!;
  const slot = ((((village * 2 + (inpatient ? 1 : 0)) * 3 + severity) * 2 + scheme) * 16 + mask) * 4;
  const cache = (ctx.choiceCache ??= new Float64Array(ctx.county.villages.length * 2 * 3 * 2 * 16 * 4).fill(-1));
  if (cache[slot] === -1) fillChoice(ctx, cache, slot, person, mask, severity, inpatient);
  const u = rng.next();
  for (let k = 0; k < 4; k++) if ((mask & (1 << k)) !== 0 && u < cache[slot + k]!) return k;
  for (let k = 3; k >= 0; k--) if ((mask & (1 << k)) !== 0) return k;
  return -1;
}

function fillChoice(ctx: CareContext, cache: Float64Array, slot: number, person: number, mask: number, severity: number, inpatient: boolean): void {
  const ch = inpatient ? ctx.model.choice.inpatient : ctx.model.choice.outpatient;
  const scheme = ctx.pop.scheme[person] === 1 ? 'employee' : 'resident';
  const e = [0, 0, 0, 0];
  let total = 0;
  for (let k = 0; k < 4; k++) {
    if ((mask & (1 << k)) === 0) continue;
    const l = LEVEL_NAMES[k]!;
    let v = ch.asc[l] + ch.severity[l] * severity + ch.perKm * kmTo(ctx, person, l);
    if (inpatient) {
      const r = ctx.model.reimbursement[scheme];
      const share = ctx.model.care.referral.outOfCountyReferredShare;
      const ratio = l === 'township' ? r.township : l === 'county' ? r.county : share * r.outOfCountyReferred + (1 - share) * r.outOfCountyUnreferred;
      v += ctx.model.choice.inpatient.perReimbursementPoint * 100 * ratio;
    }
    e[k] = Math.exp(v);
    total += e[k]!;
  }
  let acc = 0;
  for (let k = 0; k < 4; k++) {
    acc += e[k]! / total;
    cache[slot + k] = (mask & (1 << k)) !== 0 ? acc : 0;
  }
  // Guard the top against round-off: the last allowed level closes at 1.
  for (let k = 3; k >= 0; k--) {
    if ((mask & (1 << k)) !== 0) {
      cache[slot + k] = 1;
      break;
    }
  }
}

const MATERNAL_CHILD = new Set(['妇产科', '产科', '妇科', '儿科', '新生儿科']);
const TCM = new Set(['中医科', '针灸科', '推拿科', '康复科']);

function institutionFor(ctx: CareContext, rng: Random, person: number, level: number, dept: string, severity: number): number {
  const c = ctx.county;
  const ch = ctx.model.choice;
  switch (level) {
    case 0:
      return c.villageClinic[ctx.pop.village[person]!]!;
    case 1:
      return c.townshipCentre[c.villageTownship[ctx.pop.village[person]!]!]!;
    case 2:
      if (TCM.has(dept)) return c.countyTcm;
      if (MATERNAL_CHILD.has(dept) && rng.next() < ch.countyMchShareOfMaternalChild) return c.countyMch;
      return rng.next() < ch.countyTcmShare ? c.countyTcm : c.countyGeneral;
    default:
      return rng.next() < ch.provincialShareOfOutOfCounty * (1 + 0.5 * severity) ? c.province : c.city;
  }
}

/** Adds a line to the encounter (charge or drug) and its fee category. */
function addLine(lines: LineBatch, enc: EncounterBatch, r: number, lineNo: number, item: number, qty: number, price: number, category: number, klass: 'A' | 'B' | 'C'): void {
  lines.push(enc.id[r]!, lineNo, item, qty, price, enc.start[r]!, enc.institution[r]!);
  bookLine(enc, r, qty * price, category, klass);
}

/** Adds a line's amount to the encounter's total, its fee category and its insurance class. */
function bookLine(enc: EncounterBatch, r: number, amount: number, category: number, klass: 'A' | 'B' | 'C'): void {
  enc.fees[r * N_FEES + category] = (enc.fees[r * N_FEES + category] ?? 0) + amount;
  enc.total[r] = (enc.total[r] ?? 0) + amount;
  if (klass === 'B') enc.classB[r] = (enc.classB[r] ?? 0) + amount;
  else if (klass === 'C') enc.classC[r] = (enc.classC[r] ?? 0) + amount;
}

interface Charging {
  lineNo: number;
}

function chargeService(ctx: CareContext, out: CareChunk, r: number, s: Charging, service: number, qty: number, level: Level): void {
  const price = ctx.tables.price(service, level);
  if (price === undefined || qty <= 0) return;
  const item = ctx.tables.catalogue.services[service]!;
  addLine(out.chargeLines, out.encounters, r, ++s.lineNo, service, qty, price, FEE_INDEX[item.category], item.class);
}

/** Splits an amount over one or two candidate items as whole quantities. */
function chargeAmount(ctx: CareContext, rng: Random, out: CareChunk, r: number, s: Charging, candidates: number[], amount: number, level: Level): void {
  if (candidates.length === 0 || amount <= 0) return;
  const n = candidates.length > 1 && amount > 20000 && rng.next() < 0.5 ? 2 : 1;
  const first = rng.int(candidates.length);
  for (let k = 0; k < n; k++) {
    const service = candidates[(first + k) % candidates.length]!;
    const price = ctx.tables.price(service, level)!;
    const part = n === 1 ? amount : amount / 2;
    const qty = Math.round(part / price);
    if (qty < 1) {
      if (k === 0 && part > price / 3) chargeService(ctx, out, r, s, service, 1, level);
      continue;
    }
    chargeService(ctx, out, r, s, service, Math.min(qty, 9999), level);
  }
}

function chargeDrugs(ctx: CareContext, rng: Random, out: CareChunk, r: number, s: Charging, drugIds: readonly string[], amount: number, inpatient: boolean): void {
  if (drugIds.length === 0 || amount <= 0) return;
  const cat = ctx.tables.catalogue;
  const max = Math.min(drugIds.length, inpatient ? 5 : 3);
  const n = inpatient ? Math.min(max, 2 + rng.int(Math.max(1, max - 1))) : 1 + rng.int(max);
  const first = rng.int(drugIds.length);
  let wsum = 0;
  const w = [0, 0, 0, 0, 0];
  for (let k = 0; k < n; k++) {
    w[k] = 0.5 + rng.next();
    wsum += w[k]!;
  }
  for (let k = 0; k < n; k++) {
    const di = cat.drugIndex.get(drugIds[(first + k) % drugIds.length]!)!;
    const drug = cat.drugs[di]!;
    const part = (amount * w[k]!) / wsum;
    const qty = Math.max(1, Math.min(9999, Math.round(part / drug.priceFen)));
    if (k > 0 && part < drug.priceFen / 2) continue;
    out.drugLines.push(out.encounters.id[r]!, ++s.lineNo, di, qty, drug.priceFen, out.encounters.start[r]!, out.encounters.institution[r]!);
    bookLine(out.encounters, r, qty * drug.priceFen, FEE_INDEX[drug.category], drug.class);
  }
}

/**
 * Charges the variable part by the disease's cost mix. A surgical disease treated without an operation
 * (no procedure set drawn) is charged no surgery and no implant or material share: those parts of
 * its cost profile belong to the operation.
 */
function chargeVariable(ctx: CareContext, rng: Random, out: CareChunk, r: number, s: Charging, disease: number, kind: 0 | 1, level: Level, amount: number, procedureService: number, operated = true): void {
  const d = ctx.tables.catalogue.diseases[disease]!;
  const care = (kind === 0 ? d.outpatient : d.inpatient)!;
  const mix = care.mix;
  const drugW = mix.drugs * ctx.model.cost.drugScale[level];
  const total = drugW + (1 - mix.drugs);
  if (!(total > 0)) return;
  chargeDrugs(ctx, rng, out, r, s, care.drugs, (amount * drugW) / total, kind === 1);
  const skipOperation = kind === 1 && !operated && d.inpatient?.surgical === true;
  for (const [key, category] of MIX_CATEGORIES) {
    const share = mix[key];
    if (share <= 0) continue;
    if (skipOperation && (category === 'surgery' || category === 'materials')) continue;
    const part = (amount * share) / total;
    let cands = ctx.tables.candidates(disease, kind, category, level);
    if (category === 'surgery' && procedureService >= 0 && ctx.tables.price(procedureService, level) !== undefined) cands = [procedureService];
    chargeAmount(ctx, rng, out, r, s, cands, part, level);
  }
}

function newEncounter(ctx: CareContext, out: CareChunk, person: number, inst: number, level: number, type: number, disease: number, dx: number, start: number, end: number, los: number, severity: number): number {
  const e = out.encounters;
  const r = e.push();
  e.id[r] = ++ctx.counters.encounter;
  e.person[r] = person;
  e.institution[r] = inst;
  e.level[r] = level;
  e.type[r] = type;
  e.scheme[r] = ctx.pop.scheme[person]!;
  e.disease[r] = disease;
  e.dx[r] = dx;
  e.start[r] = start;
  e.end[r] = end;
  e.los[r] = los;
  e.severity[r] = severity;
  return r;
}

function outpatientEncounter(ctx: CareContext, rng: Random, person: number, age: number, disease: number, day: number, forcedInstitution: number, out: CareChunk, stats: CareStats): number {
  const d = ctx.tables.catalogue.diseases[disease]!;
  const care = d.outpatient;
  if (!care) return -1;
  const severity = severityOf(d, rng);
  let levelIdx: number;
  let inst: number;
  if (forcedInstitution >= 0) {
    inst = forcedInstitution;
    levelIdx = LEVEL_INDEX[ctx.county.institutions[inst]!.careLevel];
  } else {
    levelIdx = chooseLevel(ctx, rng, person, care.levels, severity, false);
    if (levelIdx < 0) return -1;
    inst = institutionFor(ctx, rng, person, levelIdx, care.levels.length > 0 ? (d.inpatient?.dept ?? '') : '', severity);
  }
  const level = LEVEL_NAMES[levelIdx]!;
  if (care.cost[level] === undefined) return -1;
  const emergency = levelIdx >= 2 && rng.next() < ctx.model.care.emergencyShare;
  const dxList = ctx.tables.outDx[disease]!;
  const dx = dxList[rng.int(dxList.length)]!;
  const r = newEncounter(ctx, out, person, inst, levelIdx, emergency ? 1 : 0, disease, dx, day, day, 0, severity);
  const s: Charging = { lineNo: 0 };
  const t = ctx.tables.ruleService;
  let fixed = 0;
  if (levelIdx <= 1) {
    chargeService(ctx, out, r, s, t.generalDiagnosis, 1, level);
  } else {
    chargeService(ctx, out, r, s, t.registration, 1, level);
    chargeService(ctx, out, r, s, t.outpatientConsultation, 1, level);
  }
  fixed = out.encounters.total[r]!;
  const cm = ctx.model.cost;
  const target = care.cost[level] * 100 * cm.outpatientScale[level] * (1 + cm.severityStep * severity) * lnFactor(rng, cm.outpatientSpread);
  chargeVariable(ctx, rng, out, r, s, disease, 0, level, Math.max(0, target - fixed), -1);
  void age;
  stats.visits[levelIdx] = (stats.visits[levelIdx] ?? 0) + 1;
  stats.visitFen[levelIdx] = (stats.visitFen[levelIdx] ?? 0) + out.encounters.total[r]!;
  record(stats, out, r, levelIdx);
  if (emergency) stats.emergencies++;
  return r;
}

function record(stats: CareStats, out: CareChunk, r: number, levelIdx: number): void {
  const e = out.encounters;
  const base = r * N_FEES;
  const drugs = (e.fees[base + FEE_INDEX.western_drug] ?? 0) + (e.fees[base + FEE_INDEX.patent_drug] ?? 0) + (e.fees[base + FEE_INDEX.herbal_drug] ?? 0);
  stats.drugFen[levelIdx] = (stats.drugFen[levelIdx] ?? 0) + drugs;
  stats.totalFen[levelIdx] = (stats.totalFen[levelIdx] ?? 0) + (e.total[r] ?? 0);
}

function inpatientEncounter(ctx: CareContext, rng: Random, person: number, age: number, disease: number, day: number, out: CareChunk, stats: CareStats): void {
  const { model: m, tables: t, county } = ctx;
  const d = t.catalogue.diseases[disease]!;
  const care = d.inpatient;
  if (!care) return;
  const severity = severityOf(d, rng);
  const levelIdx = chooseLevel(ctx, rng, person, care.levels, severity, true);
  if (levelIdx < 0) return;
  const level = LEVEL_NAMES[levelIdx]!;
  const inst = institutionFor(ctx, rng, person, levelIdx, care.dept, severity);
  const meanLos = care.los[level as 'township'] ?? 7;
  const los = Math.max(1, Math.min(365, Math.round(meanLos * m.los.scale[level] * (1 + m.los.severityStep * severity) * lnFactor(rng, m.los.spread))));
  const dxList = t.inDx[disease]!;
  const dx = dxList[rng.int(dxList.length)]!;
  const r = newEncounter(ctx, out, person, inst, levelIdx, TYPE_INPATIENT, disease, dx, day, day + los, los, severity);
  const encId = out.encounters.id[r]!;

  // Procedures: the first set drawn by its probability.
  let procedures = '';
  let procedureService = -1;
  for (const set of care.procedures) {
    if (rng.next() < set.p) {
      procedures = set.codes.join('|');
      if (set.service) procedureService = t.catalogue.serviceIndex.get(set.service) ?? -1;
      break;
    }
  }

  // Charges: per-day items, then the variable part.
  const s: Charging = { lineNo: 0 };
  const rs = t.ruleService;
  chargeService(ctx, out, r, s, rs.bedDay, los, level);
  chargeService(ctx, out, r, s, rs.nursingDay, los, level);
  chargeService(ctx, out, r, s, rs.inpatientConsultation, los, level);
  const fixed = out.encounters.total[r]!;
  const cm = m.cost;
  const target = care.cost[level]! * 100 * cm.inpatientScale[level] * (1 + cm.severityStep * severity) * lnFactor(rng, cm.inpatientSpread);
  chargeVariable(ctx, rng, out, r, s, disease, 1, level, Math.max(0, target - fixed), procedureService, procedures !== '');

  // Referrals into this admission.
  const pop = ctx.pop;
  const township = county.villageTownship[pop.village[person]!]!;
  const thc = county.townshipCentre[township]!;
  const ref = m.care.referral;
  if (levelIdx === 3 && rng.next() < ref.outOfCountyReferredShare) {
    out.encounters.referral[r] = addReferral(ctx, out, person, 'up', county.countyGeneral, inst, day - rng.int(3), disease, -1, encId);
    stats.referralsUp++;
  } else if (levelIdx === 2 && rng.next() < ref.townshipToCountyShare) {
    out.encounters.referral[r] = addReferral(ctx, out, person, 'up', thc, inst, day - rng.int(2), disease, -1, encId);
    stats.referralsUp++;
  }

  // Outcome and down-referral to the township for follow-up (下转).
  let disposition = 1;
  if (severity === 2 && rng.next() < m.care.severeDeathRate) {
    disposition = 5;
    stats.inpatientDeaths++;
  } else if (levelIdx >= 2 && d.outpatient?.levels.includes('township') && rng.next() < ref.downShare) {
    disposition = 3;
    const discharge = day + los;
    const followDay = discharge + 1 + rng.poisson(Math.max(0, ref.downFollowUpDays - 1));
    const refId = ++ctx.counters.referral;
    const fr = outpatientEncounter(ctx, rng, person, age, disease, followDay, thc, out, stats);
    if (fr >= 0) {
      out.encounters.referral[fr] = refId;
      out.referrals.push({ id: refId, person, direction: 'down', from: inst, to: thc, day: discharge, disease, sourceEncounter: encId, encounter: out.encounters.id[fr]! });
      stats.referralsDown++;
    } else {
      ctx.counters.referral--;
    }
  }

  // Grouper input (医保结算清单 fields).
  const secondary: string[] = [];
  const principal = t.codes[dx]!;
  const cond = pop.conditions[person]!;
  CHRONIC_CONDITIONS.forEach((_, ci) => {
    const code = t.chronicCode[ci];
    if (cond & conditionBit(ci) && code && code !== principal && !secondary.includes(code)) secondary.push(code);
  });
  for (const sc of care.secondary) if (rng.next() < sc.p && sc.code !== principal && !secondary.includes(sc.code)) secondary.push(sc.code);
  let ageDays: number | null = null;
  let birthWeight: number | null = null;
  if (age === 0) ageDays = Math.max(0, day - pop.birth[person]!);
  // The settlement list records the birth weight of every newborn (≤ 28 days), whatever the disease.
  if (d.neonatal || (ageDays !== null && ageDays <= 28)) {
    birthWeight = principal.startsWith('P07')
      ? 1200 + rng.int(1300)
      : Math.max(2500, Math.min(5000, Math.round(rng.normal(m.newborn.birthWeightMean, m.newborn.birthWeightSd))));
  }
  out.inpatientCases.push({
    caseId: encId,
    sex: pop.sex[person]!,
    age,
    ageDays,
    birthWeight,
    dept: care.dept,
    los,
    disposition,
    diagnoses: [principal, ...secondary].join('|'),
    procedures,
  });
  stats.admissions[levelIdx] = (stats.admissions[levelIdx] ?? 0) + 1;
  stats.admissionFen[levelIdx] = (stats.admissionFen[levelIdx] ?? 0) + out.encounters.total[r]!;
  stats.losDays[levelIdx] = (stats.losDays[levelIdx] ?? 0) + los;
  record(stats, out, r, levelIdx);
}

function addReferral(ctx: CareContext, out: CareChunk, person: number, direction: 'up' | 'down', from: number, to: number, day: number, disease: number, source: number, encounter: number): number {
  const id = ++ctx.counters.referral;
  out.referrals.push({ id, person, direction, from, to, day, disease, sourceEncounter: source, encounter });
  return id;
}
