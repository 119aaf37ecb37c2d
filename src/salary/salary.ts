/**
 * Salaries (薪酬制度, DOMAIN.md §8): the salary budget follows medical-service revenue, leaders are
 * paid an annual salary by the government, and staff are paid a target annual salary through work
 * points and an assessment score (全员目标年薪制，年薪计算工分制).
 *
 *   medical-service revenue (医务性收入, 国办发〔2021〕18号 «reported» [R26]), exact fen:
 *     MSR = medicalRevenue − drugs − materials − examination − laboratory
 *   salary budget (工资总额) of an institution, salary.budget.*:
 *     approved = MSR × approvedCoef(tier) × assessmentAdj(score)   coef × adj exact, half-up to the fen once
 *     surplus  = retainedSurplus × surplusToSalaryShare              half-up to the fen
 *     vbp      = vbpRetention × vbpRetentionToSalaryShare           half-up to the fen
 *     budget   = approved + surplus + vbp                            each term rounded once, then summed
 *   leaders' annual salary (院长、书记、总会计师年薪制, paid by the government budget after an
 *   assessment of 5 categories and 34 indicators «reported» [R11]; outside the salary budget):
 *     pay = base(tier, role) × score / 100                           exact, half-up to the fen once
 *     village clinics have no leaders.
 *   distribution over staff, the "B target" variant, salary.target.* and salary.workPoints.*:
 *     target_s       = salary.target.<title> (title ≠ none) | salary.target.role.<role> (title = none)
 *     m_s            = exp(σ z_s − σ²/2), z_s ~ N(0, 1)              productivity, mean 1 (σ = productivitySigma)
 *     w_s            = target_s × m_s
 *     targetPoints_s = W × target_s / Σ target;   points_s = W × w_s / Σ w      (W = workPointsTotal)
 *     ratio_s        = points_s / targetPoints_s  (0 when targetPoints_s = 0)
 *     qualitative_s  = clip(N(qualitativeMean, qualitativeSd), 0, 100)
 *     quantitative_s = min(100, 100 × ratio_s)
 *     score_s        = wQual × qualitative_s + wQuant × quantitative_s     (0.35 / 0.65 «reported» [R10])
 *     pay_s          = target_s × min(cap, ratio_s) × score_s / 100        half-up to the fen
 *     Σ pay > budget → pay'_s = allocate(budget, pay_s): one factor budget / Σ pay, largest remainder,
 *                      so Σ pay' = budget to the fen and no fen is created; the factor is in the trace
 *     Σ pay ≤ budget → unspent = budget − Σ pay
 *   The factor min(cap, ratio) × score / 100 is a double; the pay is target × factor rounded half-up
 *   once (the double read exactly through its shortest decimal string, as mulRate does).
 *
 * Randomness: each person's draws come from Random.fromSeed(seed).stream(`salary:${institutionId}`)
 * .stream(staffId) — productivity first, then the qualitative score — so the same seed gives the
 * same rows, and a person's draws do not depend on the order of the staff list or on who else is in
 * it. The seed is returned with the result.
 *
 * Dates: the parameters of a year are those in force on 1 January of that year (`salaryDate`), the
 * convention of the county package (insurance/package.ts `packageDate`).
 *
 * Every result carries a trace (rules/trace.ts) with the parameters and their provenance. The
 * distribution's trace holds summary figures only; its rows are the detail. Pure: same input and
 * parameters, same output.
 */
import { allocate, divRound, mulRate, ratioOf, sub, sum, type Fen, type Ratio } from '../rules/money.js';
import { scaleLookup, type ParamTree } from '../rules/params.js';
import type { IsoDate } from '../rules/period.js';
import { Random } from '../rules/random.js';
import { TraceBuilder, type Trace } from '../rules/trace.js';

/** The three levels of the county medical community. */
export type SalaryTier = 'county' | 'township' | 'village';
export const SALARY_TIERS: readonly SalaryTier[] = ['county', 'township', 'village'];

export type StaffRole = 'doctor' | 'nurse' | 'pharmacist' | 'technician' | 'village_doctor' | 'manager';
export const STAFF_ROLES: readonly StaffRole[] = ['doctor', 'nurse', 'pharmacist', 'technician', 'village_doctor', 'manager'];

/** 职称: chief_physician 主任医师, associate_chief_physician 副主任医师, attending_physician 主治医师,
 * resident_physician 住院医师, senior_nurse 主管护师 and above, nurse 护师/护士, none 无职称. */
export type StaffTitle = 'chief_physician' | 'associate_chief_physician' | 'attending_physician' | 'resident_physician' | 'senior_nurse' | 'nurse' | 'none';
export const STAFF_TITLES: readonly StaffTitle[] = ['chief_physician', 'associate_chief_physician', 'attending_physician', 'resident_physician', 'senior_nurse', 'nurse', 'none'];

/** 院长, 书记, 总会计师. */
export type LeaderRole = 'president' | 'party_secretary' | 'chief_accountant';
export const LEADER_ROLES: readonly LeaderRole[] = ['president', 'party_secretary', 'chief_accountant'];

/** Bad input or an inconsistent parameter set; the message names what is wrong. */
export class SalaryError extends Error {
  override name = 'SalaryError';
}

/** The parameters of a year are those in force on 1 January of that year (as `packageDate`). */
export function salaryDate(year: number): IsoDate {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new SalaryError(`year must be a four-digit integer, got ${String(year)}`);
  return `${year}-01-01`;
}

// ---------------------------------------------------------------------------------------------
// Checks

function checkFen(x: number, what: string): void {
  if (!Number.isSafeInteger(x) || x < 0) throw new SalaryError(`${what} must be a non-negative integer number of fen, got ${String(x)}`);
}

function checkScore(x: number, what: string): void {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x > 100) throw new SalaryError(`${what} must be between 0 and 100, got ${String(x)}`);
}

function checkTier(tier: string, what: string): asserts tier is SalaryTier {
  if (!SALARY_TIERS.includes(tier as SalaryTier)) throw new SalaryError(`${what}: unknown tier "${tier}" (expected ${SALARY_TIERS.join(', ')})`);
}

// ---------------------------------------------------------------------------------------------
// 1. Medical-service revenue

/** An institution's revenue of a year, integer fen. */
export interface InstitutionRevenue {
  institutionId: string;
  /** 医疗收入, all medical revenue. */
  medicalRevenueFen: Fen;
  /** 药品收入. */
  drugFen: Fen;
  /** 卫生材料（耗材）收入. */
  materialsFen: Fen;
  /** 检查收入. */
  examinationFen: Fen;
  /** 化验（检验）收入. */
  laboratoryFen: Fen;
}

export interface MedicalServiceRevenue {
  medicalServiceRevenueFen: Fen;
  trace: Trace;
}

const REVENUE_PARTS = ['drugFen', 'materialsFen', 'examinationFen', 'laboratoryFen'] as const;

/** 医务性收入 = medical revenue − drugs − consumables − examination − laboratory (exact fen). */
export function medicalServiceRevenue(r: InstitutionRevenue): MedicalServiceRevenue {
  const who = `institution ${r.institutionId}`;
  checkFen(r.medicalRevenueFen, `${who}: medicalRevenueFen`);
  for (const k of REVENUE_PARTS) {
    checkFen(r[k], `${who}: ${k}`);
    if (r[k] > r.medicalRevenueFen) throw new SalaryError(`${who}: ${k} (${r[k]} fen) exceeds the medical revenue (${r.medicalRevenueFen} fen)`);
  }
  const excluded = sum(REVENUE_PARTS.map((k) => r[k]));
  if (excluded > r.medicalRevenueFen) {
    throw new SalaryError(`${who}: drugs, materials, examination and laboratory (${REVENUE_PARTS.map((k) => r[k]).join(' + ')} = ${excluded} fen) exceed the medical revenue (${r.medicalRevenueFen} fen)`);
  }
  const t = new TraceBuilder('salary.medicalServiceRevenue', { ...r }, { zh: '医务性收入', en: 'Medical-service revenue' });
  t.step('excluded', excluded, { unit: 'fen', formula: 'drugs + materials + examination + laboratory' });
  const msr = t.step('medicalServiceRevenue', sub(r.medicalRevenueFen, excluded), {
    unit: 'fen',
    formula: 'medicalRevenue − drugs − materials − examination − laboratory',
    note: '国办发〔2021〕18号 «reported» (DOMAIN.md §8 [R26])',
  });
  return { medicalServiceRevenueFen: msr, trace: t.done({ medicalServiceRevenueFen: msr }) };
}

// ---------------------------------------------------------------------------------------------
// 2. Salary budget

export interface SalaryBudgetInput {
  institutionId: string;
  tier: SalaryTier;
  medicalServiceRevenueFen: Fen;
  /** The institution's assessment score (考核得分), 0–100. */
  assessmentScore: number;
  /** The part of the package surplus the institution retains (结余留用). */
  retainedSurplusFen: Fen;
  /** The institution's retained VBP fund saving (集采结余留用). */
  vbpRetentionFen: Fen;
}

export interface SalaryBudget {
  institutionId: string;
  tier: SalaryTier;
  approvedCoef: number;
  assessmentAdjustment: number;
  /** MSR × approvedCoef × assessmentAdj, half-up once. */
  approvedFen: Fen;
  /** retainedSurplus × surplusToSalaryShare, half-up. */
  fromSurplusFen: Fen;
  /** vbpRetention × vbpRetentionToSalaryShare, half-up. */
  fromVbpFen: Fen;
  salaryBudgetFen: Fen;
  trace: Trace;
}

/** The salary budget (工资总额) of an institution in `year` (see the module comment). */
export function salaryBudget(input: SalaryBudgetInput, tree: ParamTree, jurisdiction: string, year: number): SalaryBudget {
  const date = salaryDate(year);
  const who = `institution ${input.institutionId}`;
  checkTier(input.tier, who);
  checkFen(input.medicalServiceRevenueFen, `${who}: medicalServiceRevenueFen`);
  checkFen(input.retainedSurplusFen, `${who}: retainedSurplusFen`);
  checkFen(input.vbpRetentionFen, `${who}: vbpRetentionFen`);
  checkScore(input.assessmentScore, `${who}: assessmentScore`);
  const t = new TraceBuilder('salary.budget', { jurisdiction, year, ...input }, { zh: '工资总额', en: 'Salary budget' });

  const coef = t.param(tree.number(`salary.budget.approvedCoef.${input.tier}`, date, jurisdiction));
  const adj = scaleLookup(t.param(tree.scale('salary.budget.assessmentAdjustment', date, jurisdiction)), input.assessmentScore);
  t.step('assessmentAdjustment', adj, { unit: 'coefficient', note: `score ${input.assessmentScore}` });
  const c = ratioOf(coef, `salary.budget.approvedCoef.${input.tier}`);
  const a = ratioOf(adj, 'salary.budget.assessmentAdjustment');
  const rate: Ratio = { num: c.num * a.num, den: c.den * a.den };
  const approvedFen = t.step('approved', mulRate(input.medicalServiceRevenueFen, rate), {
    unit: 'fen',
    formula: 'medicalServiceRevenue × approvedCoef × assessmentAdj',
    note: 'coef × adj exact, half-up to the fen once',
  });
  const surplusShare = t.param(tree.number('salary.budget.surplusToSalaryShare', date, jurisdiction));
  const fromSurplusFen = t.step('fromSurplus', mulRate(input.retainedSurplusFen, surplusShare), { unit: 'fen', formula: 'retainedSurplus × surplusToSalaryShare', note: 'half-up' });
  const vbpShare = t.param(tree.number('salary.budget.vbpRetentionToSalaryShare', date, jurisdiction));
  const fromVbpFen = t.step('fromVbp', mulRate(input.vbpRetentionFen, vbpShare), { unit: 'fen', formula: 'vbpRetention × vbpRetentionToSalaryShare', note: 'half-up' });
  const salaryBudgetFen = t.step('salaryBudget', sum([approvedFen, fromSurplusFen, fromVbpFen]), { unit: 'fen', formula: 'approved + fromSurplus + fromVbp' });
  const out = { institutionId: input.institutionId, tier: input.tier, approvedCoef: coef, assessmentAdjustment: adj, approvedFen, fromSurplusFen, fromVbpFen, salaryBudgetFen };
  return { ...out, trace: t.done(out) };
}

// ---------------------------------------------------------------------------------------------
// 3. Leaders' annual salary

export interface LeaderSalaryInput {
  institutionId: string;
  tier: SalaryTier;
  /** The leaders' assessment score (5 categories, 34 indicators), 0–100. */
  assessmentScore: number;
}

export interface LeaderSalaryRow {
  role: LeaderRole;
  baseFen: Fen;
  /** score / 100. */
  scoreFactor: number;
  payFen: Fen;
  payer: 'government';
}

export interface LeaderSalaries {
  institutionId: string;
  tier: SalaryTier;
  /** President, party secretary, chief accountant; empty for a village clinic. */
  rows: LeaderSalaryRow[];
  totalFen: Fen;
  trace: Trace;
}

/** The annual salaries of an institution's leaders in `year`: base × score / 100, paid by the government. */
export function leaderSalaries(input: LeaderSalaryInput, tree: ParamTree, jurisdiction: string, year: number): LeaderSalaries {
  const date = salaryDate(year);
  const who = `institution ${input.institutionId}`;
  checkTier(input.tier, who);
  checkScore(input.assessmentScore, `${who}: assessmentScore`);
  const t = new TraceBuilder('salary.leaders', { jurisdiction, year, ...input }, { zh: '院长、书记、总会计师年薪', en: "Leaders' annual salary" });
  const rows: LeaderSalaryRow[] = [];
  if (input.tier === 'village') {
    t.step('leaders', 'none', { note: 'a village clinic has no president, party secretary or chief accountant' });
  } else {
    const s = ratioOf(input.assessmentScore, `${who}: assessmentScore`);
    const factor: Ratio = { num: s.num, den: s.den * 100n };
    t.step('scoreFactor', input.assessmentScore / 100, { unit: 'ratio', formula: 'score / 100' });
    for (const role of LEADER_ROLES) {
      const baseFen = t.param(tree.fen(`salary.leader.base.${input.tier}.${role}`, date, jurisdiction));
      const payFen = t.step(`pay ${role}`, mulRate(baseFen, factor), { unit: 'fen', formula: 'base × score / 100', note: 'exact, half-up to the fen once; paid by the government budget' });
      rows.push({ role, baseFen, scoreFactor: input.assessmentScore / 100, payFen, payer: 'government' });
    }
  }
  const totalFen = t.step('total', sum(rows.map((r) => r.payFen)), { unit: 'fen' });
  const out = { institutionId: input.institutionId, tier: input.tier, rows, totalFen };
  return { ...out, trace: t.done({ totalFen, rows: rows.map((r) => ({ role: r.role, payFen: r.payFen })) }) };
}

// ---------------------------------------------------------------------------------------------
// 4. Distribution over staff (B target)

export interface StaffMember {
  id: string;
  role: StaffRole;
  title: StaffTitle;
}

export interface DistributionInput {
  institutionId: string;
  /** The institution's salary budget (工资总额), e.g. `salaryBudget(...).salaryBudgetFen`. */
  budgetFen: Fen;
  staff: readonly StaffMember[];
  /** The institution's work points for the year, computed by the caller. */
  workPointsTotal: number;
  seed: string;
}

export interface SalaryRow {
  id: string;
  title: StaffTitle;
  role: StaffRole;
  targetFen: Fen;
  /** The seeded productivity draw m_s (mean 1). */
  productivity: number;
  points: number;
  targetPoints: number;
  qualitativeScore: number;
  quantitativeScore: number;
  /** wQual × qualitative + wQuant × quantitative, 0–100. */
  score: number;
  /** target × min(cap, points / targetPoints) × score / 100, half-up. */
  payBeforeRescaleFen: Fen;
  /** The pay after rescaling to the budget (the same when Σ pay ≤ budget). */
  payFen: Fen;
}

export interface TitleSummary {
  title: StaffTitle;
  count: number;
  totalFen: Fen;
  /** Half-up to the fen. */
  meanFen: Fen;
  minFen: Fen;
  maxFen: Fen;
}

export interface SalaryDistribution {
  institutionId: string;
  seed: string;
  budgetFen: Fen;
  /** In the order of the staff given. */
  rows: SalaryRow[];
  totals: {
    targetFen: Fen;
    payBeforeRescaleFen: Fen;
    payFen: Fen;
    unspentFen: Fen;
    /** budget / Σ pay when Σ pay exceeded the budget, else 1. */
    rescaleFactor: number;
  };
  /** One entry per title present, in the order of STAFF_TITLES. */
  summary: TitleSummary[];
  trace: Trace;
}

/** Pays an institution's staff their target annual salary through work points and score (see the module comment). */
export function distributeSalaries(input: DistributionInput, tree: ParamTree, jurisdiction: string, year: number): SalaryDistribution {
  const date = salaryDate(year);
  const who = `institution ${input.institutionId}`;
  checkFen(input.budgetFen, `${who}: budgetFen`);
  if (typeof input.workPointsTotal !== 'number' || !Number.isFinite(input.workPointsTotal) || input.workPointsTotal < 0) {
    throw new SalaryError(`${who}: workPointsTotal must be a finite non-negative number, got ${String(input.workPointsTotal)}`);
  }
  if (typeof input.seed !== 'string') throw new SalaryError(`${who}: seed must be a string, got ${String(input.seed)}`);
  const ids = new Set<string>();
  input.staff.forEach((s, i) => {
    if (typeof s.id !== 'string' || s.id === '') throw new SalaryError(`${who}: staff ${i} has no id`);
    if (ids.has(s.id)) throw new SalaryError(`${who}: staff ${s.id} is given twice`);
    ids.add(s.id);
    if (!STAFF_ROLES.includes(s.role)) throw new SalaryError(`${who}: staff ${s.id}: unknown role "${String(s.role)}" (expected ${STAFF_ROLES.join(', ')})`);
    if (!STAFF_TITLES.includes(s.title)) throw new SalaryError(`${who}: staff ${s.id}: unknown title "${String(s.title)}" (expected ${STAFF_TITLES.join(', ')})`);
  });

  const t = new TraceBuilder(
    'salary.distribution',
    { jurisdiction, year, institutionId: input.institutionId, budgetFen: input.budgetFen, staff: input.staff.length, workPointsTotal: input.workPointsTotal, seed: input.seed },
    { zh: '全员目标年薪制：工分与考核分配', en: 'Target annual salary through work points and assessment' },
  );
  if (input.staff.length === 0) {
    t.step('staff', 0, { unit: 'count', note: 'no staff: nothing is paid and the whole budget is unspent' });
    const totals = { targetFen: 0, payBeforeRescaleFen: 0, payFen: 0, unspentFen: input.budgetFen, rescaleFactor: 1 };
    t.step('unspent', input.budgetFen, { unit: 'fen', formula: 'budget − Σ pay' });
    return { institutionId: input.institutionId, seed: input.seed, budgetFen: input.budgetFen, rows: [], totals, summary: [], trace: t.done({ totals, summary: [] }) };
  }

  // Parameters: each target once, in the order first needed.
  const targets = new Map<string, Fen>();
  const targetPath = (s: StaffMember) => (s.title === 'none' ? `salary.target.role.${s.role}` : `salary.target.${s.title}`);
  const targetOf = (s: StaffMember): Fen => {
    const path = targetPath(s);
    let v = targets.get(path);
    if (v === undefined) targets.set(path, (v = t.param(tree.fen(path, date, jurisdiction))));
    return v;
  };
  const sigma = t.param(tree.number('salary.workPoints.productivitySigma', date, jurisdiction));
  const qualMean = t.param(tree.number('salary.workPoints.qualitativeMean', date, jurisdiction));
  const qualSd = t.param(tree.number('salary.workPoints.qualitativeSd', date, jurisdiction));
  const wQual = t.param(tree.number('salary.workPoints.weight.qualitative', date, jurisdiction));
  const wQuant = t.param(tree.number('salary.workPoints.weight.quantitative', date, jurisdiction));
  if (Math.abs(wQual + wQuant - 1) > 1e-9) {
    throw new SalaryError(`the work-point score weights of ${jurisdiction} in ${year} sum to ${wQual + wQuant}, not 1 (qualitative ${wQual}, quantitative ${wQuant})`);
  }
  const cap = t.param(tree.number('salary.workPoints.cap', date, jurisdiction));

  // Draws: one sub-stream per person, productivity then qualitative score.
  const root = Random.fromSeed(input.seed).stream(`salary:${input.institutionId}`);
  const drawn = input.staff.map((s) => {
    const rng = root.stream(s.id);
    const productivity = Math.exp(rng.normal(0, sigma) - (sigma * sigma) / 2);
    const qualitativeScore = Math.min(100, Math.max(0, rng.normal(qualMean, qualSd)));
    const targetFen = targetOf(s);
    return { s, targetFen, productivity, w: targetFen * productivity, qualitativeScore };
  });

  const W = input.workPointsTotal;
  const targetTotal = t.step('Σ target', sum(drawn.map((d) => d.targetFen)), { unit: 'fen', formula: 'Σ target_s' });
  const wTotal = drawn.reduce((acc, d) => acc + d.w, 0);
  t.step('staff', drawn.length, { unit: 'count' });
  t.step('workPointsTotal', W, { unit: 'points', formula: 'W' });

  const rows: SalaryRow[] = drawn.map((d) => {
    const targetPoints = targetTotal > 0 ? (W * d.targetFen) / targetTotal : 0;
    const points = wTotal > 0 ? (W * d.w) / wTotal : 0;
    const ratio = targetPoints > 0 ? points / targetPoints : 0;
    const quantitativeScore = Math.min(100, 100 * ratio);
    const score = wQual * d.qualitativeScore + wQuant * quantitativeScore;
    const payBeforeRescaleFen = mulRate(d.targetFen, (Math.min(cap, ratio) * score) / 100);
    return {
      id: d.s.id,
      title: d.s.title,
      role: d.s.role,
      targetFen: d.targetFen,
      productivity: d.productivity,
      points,
      targetPoints,
      qualitativeScore: d.qualitativeScore,
      quantitativeScore,
      score,
      payBeforeRescaleFen,
      payFen: payBeforeRescaleFen,
    };
  });
  if (W === 0) t.step('no work points', 'pay 0', { note: 'workPointsTotal = 0: every points / targetPoints is taken as 0' });
  const n = rows.length;
  t.step('mean productivity', drawn.reduce((a, d) => a + d.productivity, 0) / n, { unit: 'coefficient', formula: 'mean of exp(σz − σ²/2)' });
  t.step('capped', rows.filter((r) => r.targetPoints > 0 && r.points / r.targetPoints > cap).length, { unit: 'count', note: `staff whose points / targetPoints exceed the cap ${cap}` });
  t.step('mean qualitative score', rows.reduce((a, r) => a + r.qualitativeScore, 0) / n, { unit: 'points' });
  t.step('mean score', rows.reduce((a, r) => a + r.score, 0) / n, { unit: 'points', formula: 'wQual × qualitative + wQuant × quantitative' });
  const payBeforeRescaleFen = t.step('Σ pay before rescale', sum(rows.map((r) => r.payBeforeRescaleFen)), {
    unit: 'fen',
    formula: 'Σ target_s × min(cap, points_s / targetPoints_s) × score_s / 100',
    note: 'each half-up to the fen',
  });

  let rescaleFactor = 1;
  if (payBeforeRescaleFen > input.budgetFen) {
    rescaleFactor = input.budgetFen / payBeforeRescaleFen;
    const scaled = allocate(input.budgetFen, rows.map((r) => r.payBeforeRescaleFen), { what: `${who}: rescaled pay` });
    rows.forEach((r, i) => (r.payFen = scaled[i]!));
    t.step('rescaleFactor', rescaleFactor, {
      unit: 'coefficient',
      formula: 'budget / Σ pay',
      note: `Σ pay ${payBeforeRescaleFen} fen exceeds the budget ${input.budgetFen} fen: every pay × ${input.budgetFen}/${payBeforeRescaleFen}, largest remainder, so Σ pay = budget`,
    });
  } else {
    t.step('rescaleFactor', 1, { unit: 'coefficient', note: 'Σ pay ≤ budget: no rescaling' });
  }
  const payFen = t.step('Σ pay', sum(rows.map((r) => r.payFen)), { unit: 'fen' });
  const unspentFen = t.step('unspent', sub(input.budgetFen, payFen), { unit: 'fen', formula: 'budget − Σ pay' });

  const summary: TitleSummary[] = [];
  for (const title of STAFF_TITLES) {
    const pays = rows.filter((r) => r.title === title).map((r) => r.payFen);
    if (pays.length === 0) continue;
    const totalFen = sum(pays);
    const s = { title, count: pays.length, totalFen, meanFen: divRound(totalFen, pays.length), minFen: Math.min(...pays), maxFen: Math.max(...pays) };
    summary.push(s);
    t.step(`pay ${title}`, s.meanFen, { unit: 'fen', note: `mean of ${s.count}; min ${s.minFen}, max ${s.maxFen} fen` });
  }
  const totals = { targetFen: targetTotal, payBeforeRescaleFen, payFen, unspentFen, rescaleFactor };
  return { institutionId: input.institutionId, seed: input.seed, budgetFen: input.budgetFen, rows, totals, summary, trace: t.done({ totals, summary }) };
}
