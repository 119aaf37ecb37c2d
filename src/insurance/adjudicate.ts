/**
 * Claim adjudication by dated benefit rules (医保待遇结算, DOMAIN.md §2).
 *
 *   line l (each rounded to the fen, half-up):
 *     cap(l)      = payment standard × quantity (支付标准), else the billed amount
 *     over(l)     = max(0, billed − cap);   base(l) = billed − over
 *     eligible(l) = A: base | B: base × (1 − classBFirstPayRate) | C: 0
 *     firstPay(l) = B: base × classBFirstPayRate | 0                      先行自付
 *     selfPay(l)  = over + (C ? base : 0)                                  自费
 *   claim (scheme s, level v, person p, year y):
 *     E       = Σ eligible
 *     d       = min(E, deductible remaining)       起付线: per admission × factor of the n-th admission,
 *               or per year; outpatient pooling and chronic-disease outpatient have their own
 *     basic   = min((E − d) × ratio, ceiling remaining), half-up to the fen; ratio by level
 *               (+ retiree addition; − the out-of-county reduction without referral, 未转诊)
 *     oop     = E − basic                          eligible out-of-pocket (合规自付: d + co-payment + over ceiling)
 *     ci      = (part of the year's accumulated oop above the threshold that falls in this claim) × ratio,
 *               half-up                            大病保险, when in force for the scheme
 *     fund    = basic + ci
 *     patient = total − fund = d + co-payment + Σ first pay + Σ self pay + over-ceiling, where the
 *               critical-illness payment relieves over-ceiling first, then co-payment, then deductible
 * The claim's fund is allocated over its lines in proportion to their eligible amounts without losing
 * a fen (largest remainder), so fund + patient = total holds for every line and for the claim.
 * Parameters are resolved once per scheme and claim date and cached; the trace is built only when
 * asked for, by the same code path, so an explained claim always equals the bulk result.
 */
import { allocate, mulRate, type Fen } from '../rules/money.js';
import { scaleLookup, type ParamTree, type Provenance, type Scale } from '../rules/params.js';
import type { IsoDate } from '../rules/period.js';

export type Scheme = 'resident' | 'employee';
export type Grade = 'primary' | 'secondary' | 'tertiary';
const GRADES: readonly Grade[] = ['primary', 'secondary', 'tertiary'];

export interface ClaimLine {
  /** Billed amount, fen. */
  amountFen: Fen;
  class: 'A' | 'B' | 'C';
  /** Payment standard for the line's quantity (支付标准), fen; absent: the billed amount is the cap. */
  capFen?: Fen;
}

export interface Claim {
  id: string;
  scheme: Scheme;
  retired?: boolean;
  type: 'inpatient' | 'outpatient';
  /** An outpatient claim for a registered chronic or special disease (门诊慢特病). */
  chronic?: boolean;
  grade: Grade;
  outOfCounty?: boolean;
  referred?: boolean;
  date: IsoDate;
  lines: ClaimLine[];
}

/** What a person has used in the year so far (updated by adjudicate, in date order). */
export interface YearAccount {
  admissions: number;
  inpatientDeductiblePaid: Fen;
  outpatientDeductiblePaid: Fen;
  chronicDeductiblePaid: Fen;
  /** Basic fund paid in the year (against the annual ceiling). */
  fundPaid: Fen;
  outpatientFundPaid: Fen;
  chronicFundPaid: Fen;
  /** Eligible out-of-pocket accumulated towards the critical-illness threshold. */
  criticalIllnessBase: Fen;
  criticalIllnessPaid: Fen;
}

export const newYearAccount = (): YearAccount => ({
  admissions: 0,
  inpatientDeductiblePaid: 0,
  outpatientDeductiblePaid: 0,
  chronicDeductiblePaid: 0,
  fundPaid: 0,
  outpatientFundPaid: 0,
  chronicFundPaid: 0,
  criticalIllnessBase: 0,
  criticalIllnessPaid: 0,
});

export interface LineResult {
  totalFen: Fen;
  fundFen: Fen;
  patientFen: Fen;
  eligibleFen: Fen;
  firstPayFen: Fen;
  selfPayFen: Fen;
  overFen: Fen;
}

export interface TraceStep {
  step: string;
  value: number | string;
  parameter?: string;
  provenance?: Provenance;
}

export interface Adjudication {
  claimId: string;
  totalFen: Fen;
  /** basic fund + critical-illness insurance. */
  fundFen: Fen;
  basicFundFen: Fen;
  criticalIllnessFen: Fen;
  patientFen: Fen;
  patient: { deductibleFen: Fen; coPaymentFen: Fen; firstPayFen: Fen; selfPayFen: Fen; overCeilingFen: Fen };
  lines: LineResult[];
  /** The rule's steps with the parameter values and their provenance (empty unless asked for). */
  trace: TraceStep[];
}

interface P<T> {
  path: string;
  value: T;
  label: string;
  provenance: Provenance;
}

/** The parameters of one scheme on one date, resolved. */
interface SchemeRules {
  classBFirstPayRate: P<number>;
  annualCeiling: P<number>;
  inpatient: {
    deductibleBasis: P<string>;
    deductible: Record<Grade, P<number>>;
    factorByAdmission: P<Scale>;
    ratio: Record<Grade, P<number>>;
    retireeAddition: P<number> | null;
  };
  unreferredReduction: P<number>;
  outpatient: { deductible: P<number>; ratio: P<number>; annualCap: P<number> };
  chronic: { deductible: P<number>; ratio: P<number>; annualCap: P<number> };
  criticalIllness: { threshold: P<number>; ratio: P<number> } | null;
}

/** Benefit rules of one jurisdiction: resolves and caches parameters by scheme and date. */
export class BenefitRules {
  readonly #cache: Record<Scheme, Map<string, SchemeRules>> = { resident: new Map(), employee: new Map() };

  constructor(
    readonly params: ParamTree,
    readonly jurisdiction: string,
  ) {}

  rules(scheme: Scheme, date: IsoDate): SchemeRules {
    const byDate = this.#cache[scheme];
    let r = byDate.get(date);
    if (!r) {
      r = this.#resolve(scheme, date);
      byDate.set(date, r);
    }
    return r;
  }

  #resolve(scheme: Scheme, date: IsoDate): SchemeRules {
    const get = <T>(path: string): P<T> => {
      const r = this.params.resolve(path, date, this.jurisdiction);
      return { path, value: r.value as T, label: r.label.en, provenance: r.provenance };
    };
    const s = `benefit.${scheme}`;
    const byGrade = (path: string) => Object.fromEntries(GRADES.map((g) => [g, get<number>(`${path}.${g}`)])) as Record<Grade, P<number>>;
    const ciOn = this.params.tryResolve(`${s}.criticalIllness.enabled`, date, this.jurisdiction);
    return {
      classBFirstPayRate: get(`${s}.classBFirstPayRate`),
      annualCeiling: get(`${s}.annualCeiling`),
      inpatient: {
        deductibleBasis: get(`${s}.inpatient.deductibleBasis`),
        deductible: byGrade(`${s}.inpatient.deductible`),
        factorByAdmission: get(`${s}.inpatient.deductibleFactorByAdmission`),
        ratio: byGrade(`${s}.inpatient.ratio`),
        retireeAddition: this.params.has(`${s}.inpatient.retireeRatioAddition`) ? get(`${s}.inpatient.retireeRatioAddition`) : null,
      },
      unreferredReduction: get(`${s}.outOfCounty.unreferredRatioReduction`),
      outpatient: { deductible: get(`${s}.outpatient.deductible`), ratio: get(`${s}.outpatient.ratio`), annualCap: get(`${s}.outpatient.annualCap`) },
      chronic: { deductible: get(`${s}.chronicOutpatient.deductible`), ratio: get(`${s}.chronicOutpatient.ratio`), annualCap: get(`${s}.chronicOutpatient.annualCap`) },
      criticalIllness: ciOn?.value === true ? { threshold: get(`${s}.criticalIllness.threshold`), ratio: get(`${s}.criticalIllness.ratio`) } : null,
    };
  }

  /**
   * Adjudicates one claim against the person's year account (which it updates). Claims of a person
   * must be adjudicated in date order. `trace: true` records every step.
   */
  adjudicate(claim: Claim, account: YearAccount, opts: { trace?: boolean; lines?: boolean } = {}): Adjudication {
    const R = this.rules(claim.scheme, claim.date);
    const trace: TraceStep[] = [];
    const on = opts.trace === true;
    // Without a trace the helpers are shared module functions (no closure per claim).
    const use: <T extends number | string | Scale>(p: P<T>) => T = on
      ? (p) => {
          trace.push({ step: p.label, value: typeof p.value === 'object' ? 'scale' : p.value, parameter: p.path, provenance: p.provenance });
          return p.value;
        }
      : valueOf;
    const note: (step: string, value: number | string) => void = on ? (step, value) => void trace.push({ step, value }) : ignore;

    // Lines.
    const firstPayRate = use(R.classBFirstPayRate);
    const lines: LineResult[] = new Array<LineResult>(claim.lines.length);
    let total = 0;
    let E = 0;
    let firstPay = 0;
    let selfPay = 0;
    for (let i = 0; i < claim.lines.length; i++) {
      const l = claim.lines[i]!;
      const cap = l.capFen ?? l.amountFen;
      const over = l.amountFen > cap ? l.amountFen - cap : 0;
      const base = l.amountFen - over;
      const fp = l.class === 'B' ? mulRate(base, firstPayRate) : 0;
      const eligible = l.class === 'A' ? base : l.class === 'B' ? base - fp : 0;
      const sp = over + (l.class === 'C' ? base : 0);
      lines[i] = { totalFen: l.amountFen, fundFen: 0, patientFen: l.amountFen, eligibleFen: eligible, firstPayFen: fp, selfPayFen: sp, overFen: over };
      total += l.amountFen;
      E += eligible;
      firstPay += fp;
      selfPay += sp;
    }
    note('eligible amount E (合规费用)', E);

    // Deductible, ratio, ceiling.
    let deductible: number;
    let ratio: number;
    let capRemaining: number;
    const ceilingLeft = Math.max(0, use(R.annualCeiling) - account.fundPaid);
    if (claim.type === 'inpatient') {
      const n = account.admissions + 1;
      const full = use(R.inpatient.deductible[claim.grade]);
      let due: number;
      if (use(R.inpatient.deductibleBasis) === 'per_year') due = Math.max(0, full - account.inpatientDeductiblePaid);
      else {
        const factor = scaleLookup(use(R.inpatient.factorByAdmission), n);
        due = mulRate(full, factor);
        note(`deductible factor of admission ${n} in the year`, factor);
      }
      deductible = Math.min(E, due);
      ratio = use(R.inpatient.ratio[claim.grade]);
      if (claim.retired && R.inpatient.retireeAddition) ratio += use(R.inpatient.retireeAddition);
      capRemaining = ceilingLeft;
    } else if (claim.chronic) {
      deductible = Math.min(E, Math.max(0, use(R.chronic.deductible) - account.chronicDeductiblePaid));
      ratio = use(R.chronic.ratio);
      capRemaining = Math.min(Math.max(0, use(R.chronic.annualCap) - account.chronicFundPaid), ceilingLeft);
    } else {
      deductible = Math.min(E, Math.max(0, use(R.outpatient.deductible) - account.outpatientDeductiblePaid));
      ratio = use(R.outpatient.ratio);
      capRemaining = Math.min(Math.max(0, use(R.outpatient.annualCap) - account.outpatientFundPaid), ceilingLeft);
    }
    if (claim.outOfCounty && !claim.referred) ratio -= use(R.unreferredReduction);
    ratio = Math.min(1, Math.max(0, Math.round(ratio * 1e6) / 1e6)); // sums of decimal rates, read back as decimals
    const dCharged = deductible;
    note('deductible applied d (起付线)', deductible);
    note('reimbursement ratio', ratio);
    const byRatio = mulRate(E - deductible, ratio); // half-up to the fen
    const basic = Math.min(byRatio, capRemaining);
    let overCeiling = byRatio - basic;
    let coPayment = E - deductible - byRatio;
    note('(E − d) × ratio', byRatio);
    note('ceiling remaining', capRemaining);
    note('basic fund (统筹基金)', basic);

    // Critical-illness insurance on the eligible out-of-pocket above the threshold.
    let ci = 0;
    if (R.criticalIllness) {
      const oop = E - basic;
      const threshold = use(R.criticalIllness.threshold);
      const before = account.criticalIllnessBase;
      const after = before + oop;
      const above = Math.max(0, after - Math.max(threshold, before));
      ci = mulRate(above, use(R.criticalIllness.ratio)); // half-up to the fen
      account.criticalIllnessBase = after;
      account.criticalIllnessPaid += ci;
      note('eligible out-of-pocket of this claim', oop);
      note('of it above the critical-illness threshold', above);
      note('critical-illness insurance (大病保险)', ci);
      // The relief comes off over-ceiling first, then co-payment, then the deductible.
      let relief = ci;
      const fromOver = Math.min(relief, overCeiling);
      overCeiling -= fromOver;
      relief -= fromOver;
      const fromCo = Math.min(relief, coPayment);
      coPayment -= fromCo;
      relief -= fromCo;
      deductible -= relief;
    }
    const fund = basic + ci;

    // Fund over lines by eligible amounts (no fen lost); bulk callers that keep only the claim's
    // figures skip it with `lines: false` (the claim's figures do not depend on it).
    if (fund > 0 && opts.lines !== false) {
      const shares = allocate(
        fund,
        lines.map((l) => l.eligibleFen),
        { what: 'fund over lines' },
      );
      for (let i = 0; i < lines.length; i++) {
        lines[i]!.fundFen = shares[i]!;
        lines[i]!.patientFen = lines[i]!.totalFen - shares[i]!;
      }
    }

    // Book into the year's account: the deductible the rule charged (before any relief).
    if (claim.type === 'inpatient') {
      account.admissions++;
      account.inpatientDeductiblePaid += dCharged;
    } else if (claim.chronic) {
      account.chronicDeductiblePaid += dCharged;
      account.chronicFundPaid += basic;
    } else {
      account.outpatientDeductiblePaid += dCharged;
      account.outpatientFundPaid += basic;
    }
    account.fundPaid += basic;

    return {
      claimId: claim.id,
      totalFen: total,
      fundFen: fund,
      basicFundFen: basic,
      criticalIllnessFen: ci,
      patientFen: total - fund,
      patient: { deductibleFen: deductible, coPaymentFen: coPayment, firstPayFen: firstPay, selfPayFen: selfPay, overCeilingFen: overCeiling },
      lines,
      trace,
    };
  }
}

const valueOf = <T,>(p: { value: T }): T => p.value;
const ignore = (): void => {};
