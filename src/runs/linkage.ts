/**
 * `sanyi linkage`: the three-medical linkage of a settled county-year as one chain (issue 6,
 * DOMAIN.md §1): VBP savings → adjustment space → price proposal → revenue structure → salary
 * budget → fund balance and patient out-of-pocket, every figure with its trace.
 *
 *   read        institutions, settled figures, fee totals by institution, drug and service volumes, staff
 *   procurement agreed volumes, completion, savings, fund saving retained (src/procurement)
 *   fund        opening balance + income − settled basic-fund spending
 *   pricing     conditions, space, proposal and its impact (src/pricing); adopted only when adoptable
 *   structure   revenue structure before the linkage (pre-procurement prices), as recorded, after the
 *               adopted price changes (the year's volumes, no demand response)
 *   salary      medical-service revenue, salary budget, leaders' pay, staff distribution (src/salary)
 *   write       one row of linkage_results per county-year (replaced on each run)
 *
 * "Before" is the year priced before procurement and before the price change; "after" is the year
 * with procurement prices (as recorded) and the adopted price changes. The seed of the staff
 * distribution is derived from the data seed and stored with the result.
 */
import type { ParamTree } from '../rules/params.js';
import type { Store } from '../store/store.js';
import { divRound, mulRate, ratioOf, sum } from '../rules/money.js';
import { TraceBuilder, type Trace } from '../rules/trace.js';
import { FEE_CATEGORIES, type FeeCategory } from '../rules/fees.js';
import { loadCatalogue, SHIPPED_CATALOGUE_DIR, type Catalogue } from '../simulation/catalogue.js';
import { loadBatches } from '../procurement/batches.js';
import { procurementYear, type ProcurementYear, type VolumeRow } from '../procurement/procurement.js';
import { priceTable, type CountyPriceLevel } from '../pricing/prices.js';
import { priceProposal, splitByShare, type Proposal, type ServiceUse, type YearFigures } from '../pricing/proposal.js';
import { distributeSalaries, leaderSalaries, medicalServiceRevenue, salaryBudget, type SalaryTier, type StaffRole, type StaffTitle } from '../salary/salary.js';
import { quote, readInstitutions } from './read-year.js';
import { settlementRun } from './settlement-read.js';
import { chooseScore, storedAssessments } from './indicator-items.js';
import { rebuildDashboard } from './dashboard.js';

export interface LinkageOptions {
  jurisdiction: string;
  year: number;
  catalogueDir?: string;
  /** Date the proposal would take effect (default: 1 January of the next year). */
  effectiveFrom?: string;
  onStage?: (stage: string) => void;
}

/** The figures `--json` prints (issue 6 §4), money in fen. */
export interface LinkageSummary {
  jurisdiction: string;
  year: number;
  vbp_savings_fen: number;
  space_fen: number;
  adjustment_total_fen: number;
  price_change_fen: number;
  space_used_fen: number;
  space_unused_fen: number;
  proposal_adopted: boolean;
  drug_share_before: number;
  drug_share_actual: number;
  drug_share_after: number;
  service_share_before: number;
  service_share_actual: number;
  service_share_after: number;
  salary_budget_fen: number;
  fund_balance_fen: number;
  fund_balance_months: number;
  fund_change_fen: number;
  patient_oop_change_fen: number;
  vbp_retained_fen: number;
  procurement_alerts: number;
  param_version: string;
  seed: string;
  settlement_run: number;
  seconds: number;
}

export interface RevenueStructure {
  totalFen: number;
  drugFen: number;
  materialsFen: number;
  examinationFen: number;
  laboratoryFen: number;
  medicalServiceFen: number;
  drugShare: number;
  materialsShare: number;
  serviceShare: number;
}

export interface LinkageResult {
  summary: LinkageSummary;
  procurement: Omit<ProcurementYear, 'agreements' | 'trace'> & {
    /** Where the volumes came from: imported purchase orders or the generated drug and charge lines. */
    volumeSource: 'purchase_orders' | 'generated';
    alerts: ProcurementYear['agreements'];
    trace: Trace;
  };
  fund: { openingFen: number; incomeFen: number; spendFen: number; monthlySpendFen: number; balanceBeforeFen: number; balanceAfterFen: number; monthsBefore: number; monthsAfter: number; insured: Record<string, number>; trace: Trace };
  pricing: Proposal & { adopted: boolean };
  structure: { before: RevenueStructure; actual: RevenueStructure; after: RevenueStructure; byInstitution: Array<{ institutionId: string; before: RevenueStructure; actual: RevenueStructure; after: RevenueStructure }> };
  /** How the summary follows from the sections, with the procurement, fund and pricing traces as children. */
  trace: Trace;
  salary: {
    budgetFen: number;
    leadersFen: number;
    institutions: Array<{
      institutionId: string;
      tier: SalaryTier;
      medicalServiceRevenueFen: number;
      budget: ReturnType<typeof salaryBudget>;
      leaders: ReturnType<typeof leaderSalaries>;
      distribution: Omit<ReturnType<typeof distributeSalaries>, 'rows'> & { staff: number };
    }>;
  };
}

export class LinkageInputError extends Error {
  override name = 'LinkageInputError';
}

const DRUG_CATEGORIES: readonly FeeCategory[] = ['western_drug', 'patent_drug', 'herbal_drug'];
const TIER_OF_LEVEL: Record<CountyPriceLevel, SalaryTier> = { village: 'village', township: 'township', county: 'county' };

function structureOf(fees: Record<FeeCategory, number>): RevenueStructure {
  const totalFen = sum(FEE_CATEGORIES.map((c) => fees[c]));
  const drugFen = sum(DRUG_CATEGORIES.map((c) => fees[c]));
  const materialsFen = fees.materials;
  const examinationFen = fees.examination;
  const laboratoryFen = fees.laboratory;
  const medicalServiceFen = totalFen - drugFen - materialsFen - examinationFen - laboratoryFen;
  const share = (x: number) => (totalFen > 0 ? x / totalFen : 0);
  return { totalFen, drugFen, materialsFen, examinationFen, laboratoryFen, medicalServiceFen, drugShare: share(drugFen), materialsShare: share(materialsFen), serviceShare: share(medicalServiceFen) };
}

const zeroFees = (): Record<FeeCategory, number> => Object.fromEntries(FEE_CATEGORIES.map((c) => [c, 0])) as Record<FeeCategory, number>;

/** A year's drug or service volumes (read through COPY: ~10× faster than row objects on PGlite). */
async function volumes(store: Store, table: 'drug_volumes' | 'service_volumes', county: string, year: number): Promise<VolumeRow[]> {
  const item = table === 'drug_volumes' ? 'drug_id' : 'service_id';
  const text = await store.copyOut(
    `select month, institution_id, ${item}, quantity, amount_fen from ${table} where county_id = ${quote(county)} and month between '${year | 0}-01' and '${year | 0}-12'`,
  );
  const out: VolumeRow[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [month, institutionId, itemId, quantity, amountFen] = line.split(',') as [string, string, string, string, string];
    out.push({ month, institutionId, itemId, quantity: Number(quantity), amountFen: Number(amountFen) });
  }
  return out;
}

/** The year's imported purchase orders as monthly volumes, or null when the year has none. */
async function orderVolumes(store: Store, county: string, year: number): Promise<{ drug: VolumeRow[]; consumable: VolumeRow[] } | null> {
  const text = await store.copyOut(
    `select to_char(order_date, 'YYYY-MM'), institution_id, item_kind, item_id, sum(quantity), sum(amount_fen) from purchase_orders
      where county_id = ${quote(county)} and order_date between '${year | 0}-01-01' and '${year | 0}-12-31' group by 1, 2, 3, 4`,
  );
  if (text === '') return null;
  const out = { drug: [] as VolumeRow[], consumable: [] as VolumeRow[] };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [month, institutionId, kind, itemId, quantity, amountFen] = line.split(',') as [string, string, 'drug' | 'consumable', string, string, string];
    out[kind].push({ month, institutionId, itemId, quantity: Number(quantity), amountFen: Number(amountFen) });
  }
  return out;
}

/** Computes the chain of a settled county-year and stores it (replacing an earlier result). */
export async function linkageYear(ctx: { params: ParamTree; store: Store }, opts: LinkageOptions): Promise<LinkageResult> {
  const started = performance.now();
  const { params, store } = ctx;
  const { jurisdiction: county, year } = opts;
  const stage = opts.onStage ?? (() => {});
  const date = `${year}-07-01`;

  stage('reading the settlement and the year');
  const settlement = await settlementRun(store, county, year);
  const summary = settlement.summary as { basic_fund_fen: number; seed: string | null; package_detail?: { allocation?: { facilities?: Array<{ facilityId: string; fen: number }> } } };
  const catalogue: Catalogue = await loadCatalogue(opts.catalogueDir ?? SHIPPED_CATALOGUE_DIR);
  const products = await loadBatches(opts.catalogueDir ?? SHIPPED_CATALOGUE_DIR, catalogue);
  const { institutions } = await readInstitutions(store, county);
  const settled = new Map(
    (await store.query<{ institution_id: string; fund_fen: string | number; charges_fen: string | number }>('select institution_id, fund_fen, charges_fen from settle_institutions where run_id = $1', [settlement.runId])).map((r) => [
      r.institution_id,
      { fundFen: Number(r.fund_fen), chargesFen: Number(r.charges_fen) },
    ]),
  );
  // The year's fee totals by institution and type (one scan), and the previous two years' totals by
  // type for the price conditions (no rows when those years are not loaded).
  const feeCols = FEE_CATEGORIES.map((c) => `sum(${c}_fen)::float8 as ${c}`).join(', ');
  const feeRows = await store.query<Record<string, number | string>>(
    `select institution_id, type, count(*)::int as n, ${feeCols} from encounters where county_id = $1 and end_date between $2 and $3 group by 1, 2`,
    [county, `${year}-01-01`, `${year}-12-31`],
  );
  const earlierRows = await store.query<{ y: number; type: string; n: number; fen: number }>(
    `select extract(year from end_date)::int as y, type, count(*)::int as n, sum(total_fen)::float8 as fen from encounters
      where county_id = $1 and end_date between $2 and $3 group by 1, 2`,
    [county, `${year - 2}-01-01`, `${year - 1}-12-31`],
  );
  const feesOf = new Map<string, Record<FeeCategory, number>>();
  const figures = new Map<number, YearFigures>();
  const addFigures = (y: number, type: string, n: number, fen: number) => {
    let h = figures.get(y);
    if (!h) figures.set(y, (h = { year: y, visits: 0, visitChargesFen: 0, admissions: 0, admissionChargesFen: 0, medicalRevenueFen: 0 }));
    h.medicalRevenueFen += fen;
    // Visits: outpatient and emergency encounters; admissions: inpatient ones.
    if (type === 'inpatient') {
      h.admissions += n;
      h.admissionChargesFen += fen;
    } else {
      h.visits += n;
      h.visitChargesFen += fen;
    }
  };
  for (const r of feeRows) {
    const id = String(r.institution_id);
    const fees = feesOf.get(id) ?? zeroFees();
    let total = 0;
    for (const c of FEE_CATEGORIES) {
      fees[c] += Number(r[c]);
      total += Number(r[c]);
    }
    feesOf.set(id, fees);
    addFigures(year, String(r.type), Number(r.n), total);
  }
  for (const r of earlierRows) addFigures(r.y, r.type, r.n, r.fen);
  const history = [...figures.values()].sort((x, y) => x.year - y.year);
  const drugVolumes = await volumes(store, 'drug_volumes', county, year);
  const serviceVolumes = await volumes(store, 'service_volumes', county, year);
  if (serviceVolumes.length === 0) {
    throw new LinkageInputError(
      `no service volumes of ${county} ${year} are stored: the data were loaded before service volumes existed; regenerate and load them (\`sanyi generate --into-db\`, or delete the data directory and \`npm start\`), then settle again`,
    );
  }
  // Procurement reads imported purchase orders when the year has any (sanyi procurement import),
  // else the volumes of the generated drug and charge lines.
  const orders = await orderVolumes(store, county, year);
  const prevOrders = await orderVolumes(store, county, year - 1);
  const procDrug = orders ? orders.drug : drugVolumes;
  const procService = orders ? orders.consumable : serviceVolumes;
  const prevDrug = prevOrders ? prevOrders.drug : await volumes(store, 'drug_volumes', county, year - 1);
  const prevService = prevOrders ? prevOrders.consumable : await volumes(store, 'service_volumes', county, year - 1);
  const volumeSource = orders ? 'purchase_orders' : 'generated';

  stage('procurement');
  const inCounty = institutions.filter((i) => i.inCounty && i.careLevel !== 'out_of_county');
  const fin = (id: string) => settled.get(id) ?? { fundFen: 0, chargesFen: 0 };
  const prices = priceTable(catalogue, params, county, date);
  const proc = procurementYear(
    {
      year,
      products,
      drugVolumes: procDrug,
      serviceVolumes: procService,
      ...(prevDrug.length ? { previousDrugVolumes: prevDrug, previousServiceVolumes: prevService } : {}),
      institutions: institutions.map((i) => ({ id: i.id, careLevel: i.careLevel, inCounty: i.inCounty, ...fin(i.id) })),
      consumablePrice: (id, level) => prices.get(id)?.[level],
    },
    params,
    county,
  );
  const procOf = new Map(proc.byInstitution.map((p) => [p.institutionId, p]));

  stage('fund');
  const insuredRows = await store.query<{ scheme: string; n: number }>(
    'select en.scheme, count(*)::int as n from enrolments en join residents r on r.id = en.resident_id where r.county_id = $1 and en.year = $2 group by en.scheme',
    [county, year],
  );
  const insured = Object.fromEntries(insuredRows.map((r) => [r.scheme, r.n]));
  const fund = fundYear({ insured, spendFen: summary.basic_fund_fen, year }, params, county);

  stage('pricing');
  const uses: ServiceUse[] = [];
  const useKey = new Map<string, ServiceUse>();
  const levelOf = new Map(inCounty.map((i) => [i.id, i.careLevel as CountyPriceLevel]));
  for (const r of serviceVolumes) {
    const level = levelOf.get(r.institutionId);
    if (!level) continue;
    const k = `${r.institutionId}|${r.itemId}`;
    let u = useKey.get(k);
    if (!u) useKey.set(k, (u = { institutionId: r.institutionId, level, serviceId: r.itemId, quantity: 0, amountFen: 0 }));
    u.quantity += r.quantity;
    u.amountFen += r.amountFen;
  }
  uses.push(...useKey.values());
  const proposal = priceProposal(
    {
      year,
      effectiveFrom: opts.effectiveFrom ?? `${year + 1}-01-01`,
      catalogue,
      prices,
      uses,
      institutions: inCounty.map((i) => ({ id: i.id, level: i.careLevel as CountyPriceLevel, ...fin(i.id), savingFen: procOf.get(i.id)?.savingFen ?? 0 })),
      procurementSavingFen: proc.savingFen,
      fund: { balanceFen: fund.balanceBeforeFen, monthlySpendFen: fund.monthlySpendFen },
      history,
    },
    params,
    county,
  );
  const adopted = proposal.adoptable;
  const impactOf = new Map(proposal.impact.byInstitution.map((i) => [i.institutionId, i]));

  stage('revenue structure');
  // Before procurement, each procured item cost its pre-procurement price: its saving goes back to
  // its own fee category (western or patent drug, materials).
  const savingByCategory = new Map<string, Partial<Record<FeeCategory, number>>>();
  for (const a of proc.agreements) {
    const c: FeeCategory = a.kind === 'consumable' ? 'materials' : catalogue.drugs[catalogue.drugIndex.get(a.itemId)!]!.category;
    const m = savingByCategory.get(a.institutionId) ?? {};
    m[c] = (m[c] ?? 0) + a.savingFen;
    savingByCategory.set(a.institutionId, m);
  }
  const totals = { before: zeroFees(), actual: zeroFees(), after: zeroFees() };
  const byInstitution: LinkageResult['structure']['byInstitution'] = [];
  for (const i of inCounty) {
    const actual = feesOf.get(i.id) ?? zeroFees();
    const before = addFees(actual, savingByCategory.get(i.id) ?? {});
    const after = adopted ? addFees(actual, impactOf.get(i.id)?.byCategory ?? {}) : actual;
    for (const c of FEE_CATEGORIES) {
      totals.before[c] += before[c];
      totals.actual[c] += actual[c];
      totals.after[c] += after[c];
    }
    byInstitution.push({ institutionId: i.id, before: structureOf(before), actual: structureOf(actual), after: structureOf(after) });
  }
  const structure = { before: structureOf(totals.before), actual: structureOf(totals.actual), after: structureOf(totals.after), byInstitution };
  // Fund and patients against the year before procurement: with the adopted proposal its own chain
  // figures; without it only the procurement saving, split by each institution's settled share.
  const notAdopted = inCounty.map((i) => splitByShare(-(procOf.get(i.id)?.savingFen ?? 0), fin(i.id)));
  const fundChangeFen = adopted ? proposal.impact.chainFundChangeFen : sum(notAdopted.map((x) => x.fundFen));
  const patientChangeFen = adopted ? proposal.impact.chainPatientChangeFen : sum(notAdopted.map((x) => x.patientFen));

  stage('salary');
  const staffRows = await store.query<{ id: string; institution_id: string; role: string; title: string }>(
    `select s.id, s.institution_id, s.role, s.title from staff s where s.institution_id = any($1) order by s.id`,
    [inCounty.map((i) => i.id)],
  );
  const staffOf = new Map<string, Array<{ id: string; role: StaffRole; title: StaffTitle }>>();
  for (const s of staffRows) {
    let l = staffOf.get(s.institution_id);
    if (!l) staffOf.set(s.institution_id, (l = []));
    l.push({ id: s.id, role: s.role as StaffRole, title: s.title as StaffTitle });
  }
  // Each institution's stored assessment of the year (else the county's), else the parameter.
  const scoreParam = params.number('package.assessmentScore', `${year}-01-01`, county);
  const assessed = await storedAssessments(store, county, year);
  const countyScore = chooseScore(assessed, year, null, { value: scoreParam.value, path: scoreParam.path });
  const retainedOf = new Map((summary.package_detail?.allocation?.facilities ?? []).map((f) => [f.facilityId, f.fen]));
  const seed = `${summary.seed ?? 'no-seed'}:linkage:${year}`;
  const salaryRows: LinkageResult['salary']['institutions'] = [];
  for (const [k, inst] of inCounty.entries()) {
    const tier = TIER_OF_LEVEL[inst.careLevel as CountyPriceLevel];
    const a = structure.byInstitution[k]!.after;
    const msr = medicalServiceRevenue({ institutionId: inst.id, medicalRevenueFen: a.totalFen, drugFen: a.drugFen, materialsFen: a.materialsFen, examinationFen: a.examinationFen, laboratoryFen: a.laboratoryFen });
    const sc = chooseScore(assessed, year, inst.id, { value: scoreParam.value, path: scoreParam.path });
    const budget = salaryBudget(
      { institutionId: inst.id, tier, medicalServiceRevenueFen: msr.medicalServiceRevenueFen, assessmentScore: sc.score, retainedSurplusFen: retainedOf.get(inst.id) ?? 0, vbpRetentionFen: procOf.get(inst.id)?.retainedFen ?? 0 },
      params,
      county,
      year,
    );
    const leaders = leaderSalaries({ institutionId: inst.id, tier, assessmentScore: sc.score }, params, county, year);
    for (const tr of [budget.trace, leaders.trace]) tr.steps.unshift({ name: 'assessmentScore', value: sc.score, unit: 'points', note: sc.note });
    const staff = staffOf.get(inst.id) ?? [];
    // Work points: one point per yuan of medical-service revenue (the distribution is relative to it).
    const dist = distributeSalaries({ institutionId: inst.id, budgetFen: budget.salaryBudgetFen, staff, workPointsTotal: Math.floor(msr.medicalServiceRevenueFen / 100), seed }, params, county, year);
    const { rows: _rows, ...distSummary } = dist;
    salaryRows.push({ institutionId: inst.id, tier, medicalServiceRevenueFen: msr.medicalServiceRevenueFen, budget, leaders, distribution: { ...distSummary, staff: staff.length } });
  }
  const salaryBudgetFen = sum(salaryRows.map((r) => r.budget.salaryBudgetFen));
  const leadersFen = sum(salaryRows.map((r) => r.leaders.totalFen));

  const priceChangeFen = adopted ? proposal.impact.revenueChangeFen : 0;
  const spaceUsed = adopted ? proposal.use.raisesFen : 0;
  const balanceAfterFen = fund.balanceBeforeFen - (adopted ? proposal.impact.fundChangeFen : 0);
  const monthsAfter = adopted ? proposal.fundMonths.after : proposal.fundMonths.before;
  // The chain's own trace: how each summary figure follows from the sections (their traces are children).
  const t = new TraceBuilder('linkage.chain', { jurisdiction: county, year, settlementRun: settlement.runId, seed }, { zh: '三医联动链条', en: 'The three-medical linkage chain' });
  t.param(scoreParam);
  t.step('assessmentScore', countyScore.score, { unit: 'points', note: `${countyScore.note}; each institution's salary uses its own stored assessment, else this` });
  for (const c of [proc.trace, fund.trace, proposal.trace]) t.child(c);
  t.step('volumeSource', volumeSource, { note: volumeSource === 'purchase_orders' ? 'imported purchase orders of the year (sanyi procurement import)' : 'volumes of the generated drug and charge lines' });
  t.step('vbpSavings', proc.savingFen, { unit: 'fen', formula: 'procurement.saving' });
  t.step('space', proposal.space.totalFen, { unit: 'fen', formula: 'vbpSavings + cuts' });
  t.step('adopted', adopted, { formula: 'pricing.adoptable', ...(adopted ? {} : { note: `not adoptable: ${proposal.reasons.join('; ')}; no price changes` }) });
  t.step('priceChange', priceChangeFen, { unit: 'fen', formula: adopted ? 'raises − cuts' : '0 (not adopted)' });
  t.step('spaceUsed', spaceUsed, { unit: 'fen', formula: adopted ? 'raises' : '0 (not adopted)', note: `unused ${proposal.space.totalFen - spaceUsed} fen` });
  for (const [state, st] of Object.entries({ before: structure.before, actual: structure.actual, after: structure.after })) {
    t.step(`drugShare.${state}`, st.drugShare, { unit: 'ratio', formula: `drugs ${st.drugFen} / medical revenue ${st.totalFen}` });
    t.step(`serviceShare.${state}`, st.serviceShare, { unit: 'ratio', formula: `(revenue − drugs − materials − examination − laboratory) ${st.medicalServiceFen} / ${st.totalFen}` });
  }
  t.step('salaryBudget', salaryBudgetFen, { unit: 'fen', formula: 'Σ_in-county institutions salary.budget (each with its trace under salary.institutions)' });
  t.step('fundBalance', balanceAfterFen, { unit: 'fen', formula: adopted ? 'fund.balance − pricing.fundChange' : 'fund.balance' });
  t.step('fundBalanceMonths', monthsAfter, { unit: 'months', formula: adopted ? 'pricing.fundMonths.after' : 'pricing.fundMonths.before' });
  t.step('fundChange', fundChangeFen, { unit: 'fen', formula: adopted ? 'pricing.chainFundChange = Σ_i (ΔRevenue_i − saving_i) × fund_i / charges_i' : 'Σ_i −saving_i × fund_i / charges_i' });
  t.step('patientChange', patientChangeFen, { unit: 'fen', formula: adopted ? 'pricing.chainPatientChange' : 'Σ_i −saving_i − fund share' });
  const out: LinkageSummary = {
    jurisdiction: county,
    year,
    vbp_savings_fen: proc.savingFen,
    space_fen: proposal.space.totalFen,
    adjustment_total_fen: proposal.adjustmentTotalFen,
    price_change_fen: priceChangeFen,
    space_used_fen: spaceUsed,
    space_unused_fen: proposal.space.totalFen - spaceUsed,
    proposal_adopted: adopted,
    drug_share_before: structure.before.drugShare,
    drug_share_actual: structure.actual.drugShare,
    drug_share_after: structure.after.drugShare,
    service_share_before: structure.before.serviceShare,
    service_share_actual: structure.actual.serviceShare,
    service_share_after: structure.after.serviceShare,
    salary_budget_fen: salaryBudgetFen,
    fund_balance_fen: balanceAfterFen,
    fund_balance_months: monthsAfter,
    fund_change_fen: fundChangeFen,
    patient_oop_change_fen: patientChangeFen,
    vbp_retained_fen: proc.retainedFen,
    procurement_alerts: proc.agreements.filter((a) => a.alert).length,
    param_version: params.version,
    seed,
    settlement_run: settlement.runId,
    seconds: 0,
  };
  const { agreements, ...procRest } = proc;
  const result: LinkageResult = {
    summary: out,
    procurement: { ...procRest, volumeSource, alerts: agreements.filter((a) => a.alert) },
    fund: { ...fund, balanceAfterFen, monthsAfter },
    pricing: { ...proposal, adopted },
    structure,
    salary: { budgetFen: salaryBudgetFen, leadersFen, institutions: salaryRows },
    trace: t.done(out),
  };

  stage('writing');
  out.seconds = (performance.now() - started) / 1000;
  await store.transaction(async (tx) => {
    await tx.query('delete from linkage_results where county_id = $1 and year = $2', [county, year]);
    await tx.query('insert into linkage_results (county_id, year, run_id, param_version, seed, summary, result) values ($1, $2, $3, $4, $5, $6, $7)', [
      county,
      year,
      settlement.runId,
      params.version,
      seed,
      JSON.stringify(out),
      JSON.stringify(result),
    ]);
  });
  await rebuildDashboard(store, county, year, { agreements, params, onStage: stage });
  return result;
}

/**
 * The pooled fund of the county-year before the price change:
 *   opening = openingBalanceMonths × spend / 12   exact, half-up (this year's spending stands in for
 *             the year before, which is not settled)
 *   income  = Σ_scheme insured × income per capita
 *   balance = opening + income − spend;   monthly spend = spend / 12 half-up;   months = balance / monthly
 */
export function fundYear(input: { insured: Record<string, number>; spendFen: number; year: number }, params: ParamTree, county: string): LinkageResult['fund'] {
  const date = `${input.year}-01-01`;
  const t = new TraceBuilder('fund.year', { ...input }, { zh: '医保基金年度收支与结存', en: 'Fund income, spending and balance of the year' });
  const months = ratioOf(t.param(params.number('fund.openingBalanceMonths', date, county)), 'fund.openingBalanceMonths');
  const openingFen = t.step('opening', mulRate(input.spendFen, { num: months.num, den: months.den * 12n }), { unit: 'fen', formula: 'openingBalanceMonths × spend / 12', note: 'exact, half-up; the spending of the year stands in for the year before' });
  const incomeFen = t.step('income', sum(SCHEMES.map((s) => (input.insured[s] ?? 0) * t.param(params.fen(`fund.income.perCapitaFen.${s}`, date, county)))), { unit: 'fen', formula: 'Σ_scheme insured × income per capita' });
  t.step('spend', input.spendFen, { unit: 'fen', note: 'settled basic-fund payments of the year' });
  const balanceBeforeFen = t.step('balance', openingFen + incomeFen - input.spendFen, { unit: 'fen', formula: 'opening + income − spend' });
  const monthlySpendFen = t.step('monthlySpend', divRound(input.spendFen, 12), { unit: 'fen', formula: 'spend / 12', note: 'half-up' });
  const monthsBefore = t.step('months', monthlySpendFen > 0 ? balanceBeforeFen / monthlySpendFen : 0, { unit: 'months', formula: 'balance / monthlySpend' });
  const out = { openingFen, incomeFen, spendFen: input.spendFen, monthlySpendFen, balanceBeforeFen, monthsBefore, insured: input.insured };
  return { ...out, balanceAfterFen: balanceBeforeFen, monthsAfter: monthsBefore, trace: t.done(out) };
}

const SCHEMES = ['resident', 'employee'] as const;

function addFees(fees: Record<FeeCategory, number>, add: Partial<Record<FeeCategory, number>>): Record<FeeCategory, number> {
  const out = { ...fees };
  for (const [c, d] of Object.entries(add) as Array<[FeeCategory, number]>) out[c] += d;
  return out;
}

export async function readLinkage(store: Store, county: string, year: number): Promise<LinkageResult | null> {
  const rows = await store.query<{ result: LinkageResult }>('select result from linkage_results where county_id = $1 and year = $2', [county, year]);
  return rows[0]?.result ?? null;
}
