/**
 * Claim adjudication by dated benefit rules (医保待遇结算, DOMAIN.md §2).
 *
 *   line l (each rounded to the fen, half-up):
 *     cap(l)      = payment standard × quantity, else the billed amount
 *     over(l)     = max(0, billed − cap);   base(l) = billed − over
 *     eligible(l) = A: base | B: base × (1 − classBFirstPayRate) | C: 0
 *     firstPay(l) = B: base × classBFirstPayRate | 0
 *     selfPay(l)  = over + (C ? base : 0)
 *   claim (scheme s, level v, person p, year y):
 *     E       = Σ eligible
 *     d       = min(E, deductible remaining)       起付线 (per admission × factor of the n-th admission, or per year)
 *     fund    = min((E − d) × ratio, ceiling remaining), ratio by level (+ retiree addition; − the
 *               out-of-county reduction without referral), rounded half-up
 *     patient = total − fund = d + co-payment + Σ first pay + Σ self pay + over-ceiling
 * The claim's fund is allocated over its lines in proportion to their eligible amounts without losing
 * a fen, so fund + patient = total holds for every line and for the claim.
 */
import { allocate, mulRate, type Fen } from '../rules/money.js';
import { scaleLookup, type ParamTree, type Provenance } from '../rules/params.js';
import type { IsoDate } from '../rules/period.js';

export type Scheme = 'resident' | 'employee';
export type Grade = 'primary' | 'secondary' | 'tertiary';

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
  fundPaid: Fen;
  outpatientFundPaid: Fen;
}

export const newYearAccount = (): YearAccount => ({ admissions: 0, inpatientDeductiblePaid: 0, outpatientDeductiblePaid: 0, fundPaid: 0, outpatientFundPaid: 0 });

export interface LineResult {
  totalFen: Fen;
  fundFen: Fen;
  patientFen: Fen;
  eligibleFen: Fen;
  firstPayFen: Fen;
  selfPayFen: Fen;
  overFen: Fen;
}

export interface Adjudication {
  claimId: string;
  totalFen: Fen;
  fundFen: Fen;
  patientFen: Fen;
  patient: { deductibleFen: Fen; coPaymentFen: Fen; firstPayFen: Fen; selfPayFen: Fen; overCeilingFen: Fen };
  lines: LineResult[];
  /** The rule's steps with the parameter values and their provenance. */
  trace: Array<{ step: string; value: number | string; parameter?: string; provenance?: Provenance }>;
}

export function adjudicate(claim: Claim, account: YearAccount, params: ParamTree, jurisdiction: string): Adjudication {
  const trace: Adjudication['trace'] = [];
  const p = (path: string) => {
    const r = params.resolve(path, claim.date, jurisdiction);
    trace.push({ step: r.label.en, value: typeof r.value === 'object' ? 'scale' : typeof r.value === 'boolean' ? String(r.value) : r.value, parameter: path, provenance: r.provenance });
    return r.value;
  };
  const s = `benefit.${claim.scheme}`;
  const firstPayRate = p(`${s}.classBFirstPayRate`) as number;

  // Lines.
  const lines: LineResult[] = claim.lines.map((l) => {
    const cap = l.capFen ?? l.amountFen;
    const over = Math.max(0, l.amountFen - cap);
    const base = l.amountFen - over;
    const firstPay = l.class === 'B' ? mulRate(base, firstPayRate) : 0;
    const eligible = l.class === 'A' ? base : l.class === 'B' ? base - firstPay : 0;
    const selfPay = over + (l.class === 'C' ? base : 0);
    return { totalFen: l.amountFen, fundFen: 0, patientFen: l.amountFen, eligibleFen: eligible, firstPayFen: firstPay, selfPayFen: selfPay, overFen: over };
  });
  const total = lines.reduce((a, l) => a + l.totalFen, 0);
  const E = lines.reduce((a, l) => a + l.eligibleFen, 0);
  trace.push({ step: 'eligible amount E', value: E });

  // Deductible, ratio, ceiling.
  let deductible = 0;
  let ratio: number;
  let capRemaining: number;
  if (claim.type === 'inpatient') {
    const n = account.admissions + 1;
    const basis = p(`${s}.inpatient.deductibleBasis`) as string;
    const full = p(`${s}.inpatient.deductible.${claim.grade}`) as number;
    let due: number;
    if (basis === 'per_year') due = Math.max(0, full - account.inpatientDeductiblePaid);
    else {
      const factor = scaleLookup(p(`${s}.inpatient.deductibleFactorByAdmission`) as never, n);
      due = mulRate(full, factor);
      trace.push({ step: `deductible factor of admission ${n}`, value: factor });
    }
    deductible = Math.min(E, due);
    ratio = p(`${s}.inpatient.ratio.${claim.grade}`) as number;
    if (claim.scheme === 'employee' && claim.retired) ratio += p('benefit.employee.inpatient.retireeRatioAddition') as number;
    if (claim.outOfCounty && !claim.referred) ratio -= p(`${s}.outOfCounty.unreferredRatioReduction`) as number;
    ratio = Math.min(1, Math.max(0, ratio));
    capRemaining = Math.max(0, (p(`${s}.annualCeiling`) as number) - account.fundPaid);
  } else {
    deductible = Math.min(E, Math.max(0, (p(`${s}.outpatient.deductible`) as number) - account.outpatientDeductiblePaid));
    ratio = p(`${s}.outpatient.ratio`) as number;
    capRemaining = Math.max(0, Math.min((p(`${s}.outpatient.annualCap`) as number) - account.outpatientFundPaid, (p(`${s}.annualCeiling`) as number) - account.fundPaid));
  }
  trace.push({ step: 'deductible applied d', value: deductible }, { step: 'reimbursement ratio', value: ratio });
  const byRatio = mulRate(E - deductible, ratio); // half-up to the fen
  const fund = Math.min(byRatio, capRemaining);
  const overCeiling = byRatio - fund;
  trace.push({ step: '(E − d) × ratio', value: byRatio }, { step: 'ceiling remaining', value: capRemaining }, { step: 'fund', value: fund });

  // Fund over lines by eligible amounts (no fen lost).
  const shares = fund > 0 ? allocate(fund, lines.map((l) => l.eligibleFen), { what: 'fund over lines' }) : lines.map(() => 0);
  lines.forEach((l, i) => {
    l.fundFen = shares[i]!;
    l.patientFen = l.totalFen - l.fundFen;
  });

  // Book into the year's account.
  if (claim.type === 'inpatient') {
    account.admissions++;
    account.inpatientDeductiblePaid += deductible;
  } else {
    account.outpatientDeductiblePaid += deductible;
    account.outpatientFundPaid += fund;
  }
  account.fundPaid += fund;

  const firstPay = lines.reduce((a, l) => a + l.firstPayFen, 0);
  const selfPay = lines.reduce((a, l) => a + l.selfPayFen, 0);
  const coPayment = E - deductible - byRatio;
  return {
    claimId: claim.id,
    totalFen: total,
    fundFen: fund,
    patientFen: total - fund,
    patient: { deductibleFen: deductible, coPaymentFen: coPayment, firstPayFen: firstPay, selfPayFen: selfPay, overCeilingFen: overCeiling },
    lines,
    trace,
  };
}
