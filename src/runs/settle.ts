/**
 * `sanyi settle`: settles a county-year over the stored encounters (issue 5 §5).
 *
 *   read      the year's encounters in (person, discharge date, id) order, persons, institutions
 *   adjudicate every claim by the dated benefit rules, each person's year account in date order
 *   group     the inpatient cases with the grouping scheme
 *   pay       hospitals: inpatient by DRG/DIP or item, outpatient by item, family-doctor capitation
 *   package   the county package: budget, monthly ledger, year-end settlement, allocation
 *   supervise the fund supervision rules
 *   write     every result under a new run; the county-year's settlement row then points at it and
 *             the previous run's rows are deleted, in one transaction
 *
 * Idempotent: the same data and parameters give the same figures, and the settlement always points
 * at exactly one run's rows. Crash-safe: a run killed at any point leaves its rows under a run that
 * never finished; the next run marks it failed and deletes them, and the previous settlement stays
 * readable until the new one commits.
 */
import type { ParamTree } from '../rules/params.js';
import type { Store } from '../store/store.js';
import { civilFromDays, type IsoDate } from '../rules/period.js';
import { BenefitRules, newYearAccount, type Adjudication, type Claim, type YearAccount } from '../insurance/adjudicate.js';
import { TYPE } from '../insurance/columns.js';
import { packageYear, type CommunityLevel, type PackageCharge } from '../insurance/package.js';
import { allocate } from '../rules/money.js';
import { familyDoctorCapitation, payCase, paymentRules, paymentTables, type PaymentRules, type TableCase } from '../insurance/hospital-payment.js';
import { Grouper } from '../grouper/grouper.js';
import { DEMO_SCHEME_DIR, loadScheme } from '../grouper/scheme.js';
import { bedDayPriceFen, loadCatalogue, SHIPPED_CATALOGUE_DIR } from '../simulation/catalogue.js';
import { loadSupervisionRules, runSupervision } from '../insurance/supervision.js';
import { readYear, type PersonInfo, type YearData } from './read-year.js';
import { chooseScore, storedAssessments, type ScoreChoice } from './indicator-items.js';
import { rebuildDashboard } from './dashboard.js';
import { coverStaysByApiReferrals } from './referral-cover.js';

export interface SettleOptions {
  jurisdiction: string;
  year: number;
  /** Grouping scheme directory (default: the demo scheme shipped with sanyi). */
  schemeDir?: string;
  catalogueDir?: string;
  onStage?: (stage: string) => void;
  /** Test hook: called after each stage; throwing there simulates a crash at that point. */
  afterStage?: (stage: SettleStage) => void | Promise<void>;
}

export type SettleStage = 'read' | 'adjudicate' | 'group' | 'pay' | 'package' | 'supervise' | 'write-claims' | 'write-rest' | 'commit';

export interface SettleSummary {
  jurisdiction: string;
  year: number;
  run_id: number;
  claims: number;
  total_fen: number;
  fund_fen: number;
  basic_fund_fen: number;
  critical_illness_fen: number;
  patient_fen: number;
  hospital_payment_fen: number;
  package: { budget_fen: number; charged_fen: number; balance_fen: number; retained_fen: number };
  findings: number;
  findings_by_rule: Record<string, number>;
  /** Referrals requested through the API that cover stays of the year (src/runs/referral-cover.ts). */
  api_referrals: { referrals: number; stays_covered: number; newly_referred: number };
  param_version: string;
  seed: string | null;
  seconds: Record<string, number>;
}

/** Per-claim results, aligned to the encounter rows. */
export interface ClaimResults {
  fund: Float64Array;
  basic: Float64Array;
  criticalIllness: Float64Array;
  patient: Float64Array;
}

const isoOfDay = (() => {
  const cache = new Map<number, IsoDate>();
  return (day: number): IsoDate => {
    let s = cache.get(day);
    if (s === undefined) {
      const c = civilFromDays(day);
      s = `${c.y}-${String(c.m).padStart(2, '0')}-${String(c.d).padStart(2, '0')}`;
      cache.set(day, s);
    }
    return s;
  };
})();

/**
 * Adjudicates every encounter of the year. Rows are in (person, discharge date, id) order, so each
 * person's year account accumulates in date order. Returns the per-claim split.
 */
export function adjudicateYear(
  data: Pick<YearData, 'county' | 'encounters' | 'persons'>,
  params: ParamTree,
  chronicOf: ReadonlyMap<string, string>,
  opts: { explainRow?: number; onExplain?: (a: Adjudication, claim: Claim) => void } = {},
): ClaimResults {
  const E = data.encounters;
  const rules = new BenefitRules(params, data.county);
  const n = E.length;
  const out: ClaimResults = { fund: new Float64Array(n), basic: new Float64Array(n), criticalIllness: new Float64Array(n), patient: new Float64Array(n) };
  const lineA = { amountFen: 0, class: 'A' as const };
  const lineB = { amountFen: 0, class: 'B' as const };
  const lineC = { amountFen: 0, class: 'C' as const };
  const claim: Claim = { id: '', scheme: 'resident', type: 'outpatient', grade: 'primary', date: '2000-01-01', lines: [lineA, lineB, lineC] };
  // Chronic disease of each disease index, when covered as 门诊慢特病 (resolved per date below).
  const diseaseChronic = E.diseases.map((d) => chronicOf.get(d) ?? '');
  const covered = new Map<string, boolean>();
  let person = -1;
  let account: YearAccount = newYearAccount();
  let p: PersonInfo | undefined;
  for (let r = 0; r < n; r++) {
    if (E.person[r] !== person) {
      person = E.person[r]!;
      account = newYearAccount();
      p = data.persons.get(person);
    }
    const inst = E.institutions[E.institution[r]!]!;
    const date = isoOfDay(E.end[r]!);
    const total = E.total[r]!;
    const b = E.classB[r]!;
    const c = E.classC[r]!;
    lineA.amountFen = total - b - c;
    lineB.amountFen = b;
    lineC.amountFen = c;
    claim.id = r === opts.explainRow ? String(E.id[r]) : '';
    claim.scheme = E.scheme[r] === 1 ? 'employee' : 'resident';
    claim.retired = p?.retired ?? false;
    claim.type = E.type[r] === TYPE.inpatient ? 'inpatient' : 'outpatient';
    claim.grade = inst.grade;
    claim.outOfCounty = !inst.inCounty;
    claim.referred = E.referred[r] === 1;
    claim.date = date;
    let chronic = false;
    const cond = diseaseChronic[E.disease[r]!]!;
    if (claim.type === 'outpatient' && cond !== '' && p && p.conditions.includes(cond)) {
      const key = `${cond}|${date}`;
      let on = covered.get(key);
      if (on === undefined) {
        on = params.tryResolve(`benefit.chronicOutpatient.covered.${cond}`, date, data.county)?.value === true;
        covered.set(key, on);
      }
      chronic = on;
    }
    claim.chronic = chronic;
    const explain = r === opts.explainRow;
    const a = rules.adjudicate(claim, account, explain ? { trace: true } : BULK);
    if (explain) opts.onExplain?.(a, { ...claim, lines: claim.lines.map((l) => ({ ...l })) });
    out.fund[r] = a.fundFen;
    out.basic[r] = a.basicFundFen;
    out.criticalIllness[r] = a.criticalIllnessFen;
    out.patient[r] = a.patientFen;
  }
  return out;
}

/** The disease → chronic condition map of the catalogue (which visits are for a registered condition). */
export async function chronicConditionsOf(catalogueDir = SHIPPED_CATALOGUE_DIR): Promise<Map<string, string>> {
  return (await catalogueFacts(catalogueDir)).chronicOf;
}

const factsCache = new Map<string, Promise<{ chronicOf: Map<string, string>; bedDayPriceFen: ReturnType<typeof bedDayPriceFen> }>>();

/** What settlement takes from the catalogue: chronic conditions of diseases, bed-day prices by level. */
export function catalogueFacts(catalogueDir = SHIPPED_CATALOGUE_DIR) {
  let f = factsCache.get(catalogueDir);
  if (!f) {
    f = loadCatalogue(catalogueDir).then((cat) => ({
      chronicOf: new Map(cat.diseases.filter((d) => d.chronic).map((d) => [d.id, d.chronic!])),
      bedDayPriceFen: bedDayPriceFen(cat),
    }));
    factsCache.set(catalogueDir, f);
  }
  return f;
}

/** Runs the fund supervision rules over the year. */
export async function superviseStage(data: YearData, drgOf: ReadonlyMap<number, string>, params: ParamTree, catalogueDir?: string): Promise<FindingRow[]> {
  const E = data.encounters;
  const drg = new Array<string>(E.length);
  for (let r = 0; r < E.length; r++) drg[r] = E.type[r] === TYPE.inpatient ? (drgOf.get(E.id[r]!) ?? '') : '';
  const deathDay = new Map<number, number>();
  for (const [id, p] of data.persons) if (p.deathDay >= 0) deathDay.set(id, p.deathDay);
  const facts = await catalogueFacts(catalogueDir);
  const res = runSupervision({ encounters: E, deathDay, drg, bedDayPriceFen: facts.bedDayPriceFen }, loadSupervisionRules(), params, data.county, data.year);
  return res.findings.map((f) => ({ ruleId: f.ruleId, institutionId: f.institutionId, personId: f.personId, encounterIds: f.encounterIds, firstDate: f.firstDate, lastDate: f.lastDate, amountFen: f.amountFen, detail: f.detail }));
}

/** Groups the inpatient cases; returns the DRG of each case id ('' when not grouped). */
export async function groupCases(data: YearData, schemeDir: string): Promise<Map<number, string>> {
  const grouper = new Grouper(await loadScheme(schemeDir));
  const out = new Map<number, string>();
  for (const c of data.cases) {
    const g = grouper.group(c.input);
    out.set(c.caseId, g.status === 'grouped' ? g.drg : '');
  }
  return out;
}

/** Runs of this county-year that never finished (killed): mark them failed and delete their rows. */
async function clearAbandonedRuns(store: Store, county: string, year: number): Promise<number[]> {
  // Runs of a live process would be cleared too: settle one county-year at a time.
  const stale = await store.query<{ id: number }>(`select id from runs where kind = 'settle' and status = 'running' and summary->>'jurisdiction' = $1 and (summary->>'year')::int = $2`, [county, year]);
  const ids = stale.map((r) => r.id);
  if (ids.length) {
    await store.transaction(async (tx) => {
      for (const t of RESULT_TABLES) await tx.query(`delete from ${t} where run_id = any($1::int[])`, [ids]);
      await tx.query(`update runs set status = 'failed', finished_at = now(), summary = summary || '{"error":"interrupted: the run never finished"}'::jsonb where id = any($1::int[])`, [ids]);
    });
  }
  return ids;
}

/** Bulk adjudication keeps each claim's figures only (no per-line split, no trace). */
const BULK = { lines: false } as const;

export const RESULT_TABLES = ['settle_claims', 'settle_cases', 'settle_institutions', 'settle_ledger', 'settle_findings'] as const;

// ---------------------------------------------------------------------------------------------
// The stages' results as the writer stores them.

export interface CaseRow {
  encounterId: number;
  institutionId: string;
  method: string;
  group: string | null;
  exclusion: string | null;
  outlier: string | null;
  standardFen: number;
  chargesFen: number;
  fundFen: number;
  patientFen: number;
  balanceFen: number;
}

export interface InstitutionRow {
  institutionId: string;
  inCounty: boolean;
  claims: number;
  inpatientCases: number;
  chargesFen: number;
  fundFen: number;
  patientFen: number;
  paymentFen: number;
  capitationFen: number;
  balanceFen: number;
  detail: Record<string, unknown>;
}

export interface LedgerRow {
  month: string;
  budgetFen: number;
  advanceFen: number;
  inCountyFen: number;
  outOfCountyFen: number;
  pharmacyFen: number;
  chargedFen: number;
  cumulativeChargedFen: number;
  cumulativeBalanceFen: number;
}

export interface FindingRow {
  ruleId: string;
  institutionId: string | null;
  personId: number | null;
  encounterIds: number[];
  firstDate: string | null;
  lastDate: string | null;
  amountFen: number;
  detail: Record<string, unknown>;
}

export interface SettlementResults {
  claims: ClaimResults;
  /** What the fund pays the institution for each encounter row. */
  hospital: Float64Array;
  cases: CaseRow[];
  institutions: InstitutionRow[];
  ledger: LedgerRow[];
  package: { budgetFen: number; chargedFen: number; balanceFen: number; retainedFen: number; detail: Record<string, unknown> };
  findings: FindingRow[];
}

/** Writes the results under a new run and makes it the county-year's settlement (see the file head). */
export async function writeSettlement(
  store: Store,
  runId: number,
  data: YearData,
  res: SettlementResults,
  summary: Omit<SettleSummary, 'run_id'>,
  afterStage: (s: SettleStage) => void | Promise<void>,
): Promise<number> {
  const E = data.encounters;
  // One row per person: the person's claims of the year as arrays (rows are person-contiguous).
  await store.copyInto(
    'settle_claims',
    ['run_id', 'person_id', 'encounter_ids', 'fund_fen', 'critical_illness_fen', 'patient_fen', 'hospital_fen'],
    (function* () {
      const arr = (a: ArrayLike<number>, from: number, to: number) => {
        let t = '{';
        for (let r = from; r < to; r++) t += (r > from ? ',' : '') + String(a[r]);
        return t + '}';
      };
      let a = 0;
      while (a < E.length) {
        let b = a + 1;
        while (b < E.length && E.person[b] === E.person[a]) b++;
        yield [runId, E.person[a], arr(E.id, a, b), arr(res.claims.fund, a, b), arr(res.claims.criticalIllness, a, b), arr(res.claims.patient, a, b), arr(res.hospital, a, b)];
        a = b;
      }
    })(),
    { batchRows: 200_000 },
  );
  await afterStage('write-claims');
  await store.copyInto(
    'settle_cases',
    ['run_id', 'encounter_id', 'institution_id', 'method', 'group', 'exclusion', 'outlier', 'standard_fen', 'charges_fen', 'fund_fen', 'patient_fen', 'balance_fen'],
    res.cases.map((c) => [runId, c.encounterId, c.institutionId, c.method, c.group, c.exclusion, c.outlier, c.standardFen, c.chargesFen, c.fundFen, c.patientFen, c.balanceFen]),
  );
  await store.copyInto(
    'settle_institutions',
    ['run_id', 'institution_id', 'in_county', 'claims', 'inpatient_cases', 'charges_fen', 'fund_fen', 'patient_fen', 'payment_fen', 'capitation_fen', 'balance_fen', 'detail'],
    res.institutions.map((i) => [runId, i.institutionId, i.inCounty, i.claims, i.inpatientCases, i.chargesFen, i.fundFen, i.patientFen, i.paymentFen, i.capitationFen, i.balanceFen, i.detail]),
  );
  await store.copyInto(
    'settle_ledger',
    ['run_id', 'month', 'budget_fen', 'advance_fen', 'in_county_fen', 'out_of_county_fen', 'pharmacy_fen', 'charged_fen', 'cumulative_charged_fen', 'cumulative_balance_fen'],
    res.ledger.map((l) => [runId, l.month, l.budgetFen, l.advanceFen, l.inCountyFen, l.outOfCountyFen, l.pharmacyFen, l.chargedFen, l.cumulativeChargedFen, l.cumulativeBalanceFen]),
  );
  await store.copyInto(
    'settle_findings',
    ['run_id', 'seq', 'rule_id', 'institution_id', 'person_id', 'encounter_ids', 'first_date', 'last_date', 'amount_fen', 'detail'],
    res.findings.map((f, i) => [runId, i + 1, f.ruleId, f.institutionId, f.personId, f.encounterIds.join('|'), f.firstDate, f.lastDate, f.amountFen, f.detail]),
  );
  await afterStage('write-rest');
  const full: SettleSummary = { ...summary, run_id: runId };
  await store.transaction(async (tx) => {
    const old = await tx.query<{ run_id: number }>('select run_id from settlements where county_id = $1 and year = $2 for update', [data.county, data.year]);
    for (const o of old) for (const t of RESULT_TABLES) await tx.query(`delete from ${t} where run_id = $1`, [o.run_id]);
    await tx.query(
      `insert into settlements (county_id, year, run_id, param_version, seed, summary, finished_at) values ($1, $2, $3, $4, $5, $6::jsonb, now())
       on conflict (county_id, year) do update set run_id = excluded.run_id, param_version = excluded.param_version, seed = excluded.seed, summary = excluded.summary, finished_at = excluded.finished_at`,
      [data.county, data.year, runId, summary.param_version, summary.seed, JSON.stringify({ ...full, package_detail: res.package.detail })],
    );
    await tx.query(`update runs set status = 'succeeded', finished_at = now(), seed = $3, summary = $2::jsonb where id = $1`, [runId, JSON.stringify(full), summary.seed]);
  });
  await afterStage('commit');
  return runId;
}

// ---------------------------------------------------------------------------------------------

/** Settles a county-year: every stage in order, then the results are written (see the file head). */
export async function settleYear(ctx: { store: Store; params: ParamTree }, opts: SettleOptions): Promise<SettleSummary> {
  const { store, params } = ctx;
  const stage = opts.onStage ?? (() => {});
  const after = opts.afterStage ?? (() => {});
  const seconds: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    seconds[name] = Math.round((now - t) / 100) / 10;
    t = now;
  };
  const cleared = await clearAbandonedRuns(store, opts.jurisdiction, opts.year);
  if (cleared.length) stage(`cleared the rows of ${cleared.length} interrupted run(s): ${cleared.join(', ')}`);

  const [run] = await store.query<{ id: number }>(`insert into runs (kind, param_version, seed, status, summary) values ('settle', $1, null, 'running', $2::jsonb) returning id`, [
    params.version,
    JSON.stringify({ jurisdiction: opts.jurisdiction, year: opts.year }),
  ]);
  const runId = run!.id;
  try {
    return await settleRun(store, params, runId, opts, stage, after, seconds, lap);
  } catch (e) {
    // A failure we see (not a kill): say so on the run and drop what it wrote; a killed run is
    // cleared the same way by the next run.
    try {
      await store.transaction(async (tx) => {
        for (const t of RESULT_TABLES) await tx.query(`delete from ${t} where run_id = $1`, [runId]);
        await tx.query(`update runs set status = 'failed', finished_at = now(), summary = summary || $2::jsonb where id = $1 and status = 'running'`, [runId, JSON.stringify({ error: e instanceof Error ? e.message : String(e) })]);
      });
    } catch {
      // the store itself failed: the next run clears this one
    }
    throw e;
  }
}

async function settleRun(
  store: Store,
  params: ParamTree,
  runId: number,
  opts: SettleOptions,
  stage: (s: string) => void,
  after: (s: SettleStage) => void | Promise<void>,
  seconds: Record<string, number>,
  lap: (name: string) => void,
): Promise<SettleSummary> {
  const data = await readYear(store, opts.jurisdiction, opts.year, stage);
  const apiCover = await coverStaysByApiReferrals(store, params, data.county, data.year, data.encounters);
  if (apiCover.referrals > 0) stage(`referrals requested through the API: ${apiCover.referrals} accepted or later, covering ${apiCover.covered.size} stays (${apiCover.newlyReferred} not referred before)`);
  lap('read');
  await after('read');

  stage(`adjudicating ${data.encounters.length.toLocaleString('en-US')} claims`);
  const claims = adjudicateYear(data, params, await chronicConditionsOf(opts.catalogueDir));
  lap('adjudicate');
  await after('adjudicate');

  stage(`grouping ${data.cases.length.toLocaleString('en-US')} inpatient cases`);
  const drgOf = await groupCases(data, opts.schemeDir ?? DEMO_SCHEME_DIR);
  lap('group');
  await after('group');

  stage('paying institutions');
  const pay = payStage(data, claims, drgOf, params);
  lap('pay');
  await after('pay');

  stage('posting the county package');
  // Retention by the county community's stored assessment of the year, else the parameter.
  const scoreParam = params.number('package.assessmentScore', `${data.year}-12-31`, data.county);
  const score = chooseScore(await storedAssessments(store, data.county, data.year), data.year, null, { value: scoreParam.value, path: scoreParam.path });
  const pkg = packageStage(data, claims, pay, params, score);
  lap('package');
  await after('package');

  stage('running the fund supervision rules');
  const found = await superviseStage(data, drgOf, params, opts.catalogueDir);
  lap('supervise');
  await after('supervise');

  const E = data.encounters;
  let total = 0;
  let fund = 0;
  let basic = 0;
  let ci = 0;
  let patient = 0;
  for (let r = 0; r < E.length; r++) {
    total += E.total[r]!;
    fund += claims.fund[r]!;
    basic += claims.basic[r]!;
    ci += claims.criticalIllness[r]!;
    patient += claims.patient[r]!;
  }
  const byRule: Record<string, number> = {};
  for (const f of found) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  const summary: Omit<SettleSummary, 'run_id'> = {
    jurisdiction: data.county,
    year: data.year,
    claims: E.length,
    total_fen: total,
    fund_fen: fund,
    basic_fund_fen: basic,
    critical_illness_fen: ci,
    patient_fen: patient,
    hospital_payment_fen: pay.institutions.reduce((a, i) => a + i.paymentFen, 0),
    package: { budget_fen: pkg.budgetFen, charged_fen: pkg.chargedFen, balance_fen: pkg.balanceFen, retained_fen: pkg.retainedFen },
    findings: found.length,
    findings_by_rule: byRule,
    api_referrals: { referrals: apiCover.referrals, stays_covered: apiCover.covered.size, newly_referred: apiCover.newlyReferred },
    param_version: params.version,
    seed: data.seed,
    seconds,
  };
  stage('writing the results');
  const results: SettlementResults = { claims, hospital: pay.hospital, cases: pay.cases, institutions: pay.institutions, ledger: pkg.ledger, package: { ...pkg, detail: { ...pkg.detail, payment: pay.tables, capitation: pay.capitation } }, findings: found };
  await writeSettlement(store, runId, data, results, summary, after);
  lap('write');
  await rebuildDashboard(store, data.county, data.year, { params, onStage: stage });
  return { ...summary, seconds, run_id: runId };
}

// ---------------------------------------------------------------------------------------------
// The county package

export interface PayResults {
  /** What the fund pays the institution for each encounter row. */
  hospital: Float64Array;
  cases: CaseRow[];
  institutions: InstitutionRow[];
  tables: { source: string; baseRateFen: number; groups: number; trace: unknown };
  capitation: { perCapitaFen: number; contracts: number };
}

const monthOfDay = (day: number) => isoOfDay(day).slice(0, 7);

/**
 * Posts the basic fund's payments to the county package: in-county institutions' payments (DRG/DIP
 * or item, and capitation spread evenly over the twelve months), residents' out-of-county care (the
 * fund's share), pharmacy payments (none in the generated data). Critical-illness insurance payments
 * are not charged: its premium is a carve-out of the budget. Charges are summed by month,
 * category and institution before they go to the package rules.
 */
export function packageStage(data: YearData, claims: ClaimResults, pay: PayResults, params: ParamTree, score?: ScoreChoice): SettlementResults['package'] & { ledger: LedgerRow[] } {
  const E = data.encounters;
  const sums = new Map<string, { month: string; category: PackageCharge['category']; institutionId: string; fundFen: number }>();
  const post = (month: string, category: PackageCharge['category'], institutionId: string, fen: number) => {
    const k = `${month}|${category}|${institutionId}`;
    const s = sums.get(k);
    if (s) s.fundFen += fen;
    else sums.set(k, { month, category, institutionId, fundFen: fen });
  };
  const basis = new Map<string, number>();
  for (let r = 0; r < E.length; r++) {
    const inst = E.institutions[E.institution[r]!]!;
    // The basic fund's part: critical-illness insurance is paid from its premium, carved out of the budget.
    post(monthOfDay(E.end[r]!), inst.inCounty ? 'in_county' : 'out_of_county', inst.id, pay.hospital[r]! - claims.criticalIllness[r]!);
    if (inst.inCounty) basis.set(inst.id, (basis.get(inst.id) ?? 0) + 1);
  }
  const months = Array.from({ length: 12 }, (_, i) => `${data.year}-${String(i + 1).padStart(2, '0')}`);
  for (const i of pay.institutions) {
    if (i.capitationFen === 0) continue;
    const parts = allocate(i.capitationFen, months.map(() => 1), { what: `capitation of ${i.institutionId} over the months` });
    months.forEach((m, k) => post(m, 'in_county', i.institutionId, parts[k]!));
  }
  const charges = [...sums.values()].sort((a, b) => (a.month + a.category + a.institutionId < b.month + b.category + b.institutionId ? -1 : 1));
  const levelOf = (kind: string): CommunityLevel | null => (kind.startsWith('county_') ? 'county' : kind === 'township_centre' ? 'township' : kind === 'village_clinic' ? 'village' : null);
  const facilities = E.institutions
    .filter((i) => i.inCounty && levelOf(i.kind) && (basis.get(i.id) ?? 0) > 0)
    .map((i) => ({ facilityId: i.id, basis: { [levelOf(i.kind)!]: basis.get(i.id) ?? 0 } }));
  const date = `${data.year}-12-31`;
  const assessed = score ?? { score: params.number('package.assessmentScore', date, data.county).value, note: 'no assessment given: parameter package.assessmentScore' };
  const year = packageYear(
    {
      insured: data.insured,
      charges,
      assessmentScore: assessed.score,
      overspendReasonable: params.flag('package.overspendReasonable', date, data.county).value,
      facilities,
    },
    params,
    data.county,
    data.year,
  );
  year.settlement.trace.steps.unshift({ name: 'assessmentScore', value: assessed.score, unit: 'points', note: assessed.note });
  return {
    budgetFen: year.budget.budgetFen,
    chargedFen: year.settlement.chargedFen,
    balanceFen: year.settlement.balanceFen,
    retainedFen: year.settlement.retainedFen,
    ledger: year.ledger.rows.map((l) => ({
      month: l.month,
      budgetFen: l.budgetFen,
      advanceFen: l.advanceFen,
      inCountyFen: l.inCountyFen,
      outOfCountyFen: l.outOfCountyFen,
      pharmacyFen: l.pharmacyFen,
      chargedFen: l.chargedFen,
      cumulativeChargedFen: l.cumulativeChargedFen,
      cumulativeBalanceFen: l.cumulativeBalanceFen,
    })),
    detail: {
      budget: year.budget,
      settlement: year.settlement,
      allocation: year.allocation,
      basis: 'allocation basis: claims served in the year by each in-county facility',
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Paying institutions

/**
 * Pays every claim's institution: inpatient cases by the method in force (DRG/DIP or item, outliers,
 * exclusions; hospital-payment.ts), outpatient claims by item (the fund's share), and family-doctor
 * capitation to the township centre of each contracted insured person's township.
 */
export function payStage(data: YearData, claims: ClaimResults, drgOf: ReadonlyMap<number, string>, params: ParamTree): PayResults {
  const E = data.encounters;
  const caseInput = new Map(data.cases.map((c) => [c.caseId, c.input]));
  const tableCases: TableCase[] = [];
  for (const [caseId, h] of data.history) {
    const drg = drgOf.get(caseId) ?? '';
    const input = caseInput.get(caseId);
    tableCases.push({ drg, year: h.year, costFen: h.costFen, los: h.los, hospital: h.institution, dx: input?.dx[0] ?? '', px: input?.px[0] ?? '' });
  }
  const tables = paymentTables(
    tableCases.filter((c) => c.drg !== ''),
    data.year,
    params,
    data.county,
  );
  const rulesByDate = new Map<string, PaymentRules>();
  const hospital = new Float64Array(E.length);
  const cases: CaseRow[] = [];
  interface Acc {
    row: InstitutionRow;
    standard: number;
    rwSum: number;
    drgCases: number;
    methods: Record<string, number>;
    exclusions: Record<string, number>;
    outliers: Record<string, number>;
  }
  const acc = new Map<string, Acc>();
  const accOf = (id: string, inCounty: boolean): Acc => {
    let a = acc.get(id);
    if (!a) {
      a = {
        row: { institutionId: id, inCounty, claims: 0, inpatientCases: 0, chargesFen: 0, fundFen: 0, patientFen: 0, paymentFen: 0, capitationFen: 0, balanceFen: 0, detail: {} },
        standard: 0,
        rwSum: 0,
        drgCases: 0,
        methods: {},
        exclusions: {},
        outliers: {},
      };
      acc.set(id, a);
    }
    return a;
  };
  for (let r = 0; r < E.length; r++) {
    const inst = E.institutions[E.institution[r]!]!;
    const a = accOf(inst.id, inst.inCounty);
    a.row.claims++;
    a.row.chargesFen += E.total[r]!;
    a.row.fundFen += claims.fund[r]!;
    a.row.patientFen += claims.patient[r]!;
    if (E.type[r] !== TYPE.inpatient) {
      hospital[r] = claims.fund[r]!; // outpatient: by item
      continue;
    }
    const date = isoOfDay(E.end[r]!);
    let R = rulesByDate.get(date);
    if (!R) rulesByDate.set(date, (R = paymentRules(params, date, data.county)));
    const id = E.id[r]!;
    const input = caseInput.get(id);
    const p = payCase(
      { caseId: id, institutionId: inst.id, grade: inst.grade, inCounty: inst.inCounty, los: E.los[r]!, chargesFen: E.total[r]!, patientFen: claims.patient[r]!, drg: drgOf.get(id) ?? '', dx: input?.dx[0] ?? '', px: input?.px[0] ?? '' },
      R,
      tables,
    );
    hospital[r] = p.fundFen;
    cases.push({ encounterId: id, institutionId: inst.id, method: p.method, group: p.group, exclusion: p.exclusion, outlier: p.outlier, standardFen: p.paidFen, chargesFen: p.chargesFen, fundFen: p.fundFen, patientFen: p.patientFen, balanceFen: p.balanceFen });
    a.row.inpatientCases++;
    a.row.balanceFen += p.balanceFen;
    a.standard += p.paidFen;
    a.methods[p.method] = (a.methods[p.method] ?? 0) + 1;
    if (p.exclusion) a.exclusions[p.exclusion] = (a.exclusions[p.exclusion] ?? 0) + 1;
    if (p.outlier) a.outliers[p.outlier] = (a.outliers[p.outlier] ?? 0) + 1;
    const rw = p.group && p.method !== 'dip' ? tables.rw.get(p.group) : undefined;
    if (rw !== undefined) {
      a.rwSum += rw;
      a.drgCases++;
    }
  }
  // Family-doctor capitation (家庭医生签约按人头付费) to the township centre of each contract.
  const centreOf = new Map(E.institutions.filter((i) => i.kind === 'township_centre' && i.townshipId).map((i) => [i.townshipId!, i]));
  const contracts = new Map<string, number>();
  for (const p of data.persons.values()) {
    if (!p.familyDoctor || !p.enrolled) continue;
    const c = centreOf.get(p.townshipId);
    if (c) contracts.set(c.id, (contracts.get(c.id) ?? 0) + 1);
  }
  const cap = familyDoctorCapitation(contracts, params, `${data.year}-12-31`, data.county);
  for (const [id, fen] of cap.byInstitution) {
    const a = accOf(id, true);
    a.row.capitationFen = fen;
    a.row.detail.contracts = contracts.get(id) ?? 0;
  }
  for (const a of acc.values()) {
    a.row.paymentFen += a.row.capitationFen;
    a.row.detail = { ...a.row.detail, groupPaymentFen: a.standard, cmi: a.drgCases ? Math.round((a.rwSum / a.drgCases) * 10_000) / 10_000 : null, drgCases: a.drgCases, methods: a.methods, exclusions: a.exclusions, outliers: a.outliers };
  }
  // payment = Σ what the fund pays for its claims + capitation.
  const paid = new Map<string, number>();
  for (let r = 0; r < E.length; r++) {
    const id = E.institutions[E.institution[r]!]!.id;
    paid.set(id, (paid.get(id) ?? 0) + hospital[r]!);
  }
  for (const a of acc.values()) a.row.paymentFen += paid.get(a.row.institutionId) ?? 0;
  const institutions = [...acc.values()].map((a) => a.row).sort((x, y) => (x.institutionId < y.institutionId ? -1 : 1));
  return { hospital, cases, institutions, tables: { source: tables.source, baseRateFen: tables.baseRateFen, groups: tables.rw.size, trace: tables.trace }, capitation: { perCapitaFen: cap.perCapitaFen, contracts: [...contracts.values()].reduce((x, y) => x + y, 0) } };
}
