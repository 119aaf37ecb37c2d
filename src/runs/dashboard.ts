/**
 * Dashboard snapshots (issue 7; docs/dashboard.md): each page body of a county-year built from the
 * stored results — the settlement (summary, ledger, institutions, findings), the linkage (result and
 * its procurement agreements), the indicator values and assessments — and written to
 * `dashboard_snapshots`, one row per page and, for the pages that filter by institution, one row per
 * page and institution (`<page>|<institution>`), so that the API reads exactly one row per call.
 * Every figure's trace goes to `dashboard_traces` under a stable id; indicator and assessment traces
 * stay in their own tables and are found by their ids (`indicator:<id>[@<institution>]`,
 * `assessment:<scheme>[@<institution>]`).
 *
 * Rebuilt at the end of `sanyi settle`, `sanyi linkage` and `sanyi indicators`. This module reads
 * stored rows only (it imports no other run), so the runs can call it.
 */
import type { Store } from '../store/store.js';
import type { Trace } from '../rules/trace.js';
import type { Bilingual } from '../rules/params.js';
import type { Agreement } from '../procurement/procurement.js';
import { loadCatalogue, SHIPPED_CATALOGUE_DIR } from '../simulation/catalogue.js';
import { loadIndicators, SHIPPED_INDICATORS_DIR, type IndicatorDefinition } from '../indicators/definitions.js';
import { loadSupervisionRules, SHIPPED_RULES_FILE } from '../insurance/supervision.js';
import { distributeSalaries, type SalaryTier, type StaffRole, type StaffTitle } from '../salary/salary.js';
import type { ParamTree } from '../rules/params.js';

export const DASHBOARD_PAGES = ['overview', 'fund', 'hospitals', 'procurement', 'prices', 'salary', 'indicators', 'findings'] as const;
export type DashboardPage = (typeof DASHBOARD_PAGES)[number];
/** Pages that answer `?institution=`. */
export const FILTERED_PAGES: ReadonlySet<DashboardPage> = new Set(['hospitals', 'procurement', 'salary', 'indicators']);

export type FigureUnit = 'fen' | 'ratio' | 'months' | 'count' | 'points' | 'coefficient';

/** A figure of a page: `trace` is an id for /api/dashboard/:j/:y/trace/:id. */
export interface Figure {
  id: string;
  label: Bilingual;
  value: number | null;
  unit: FigureUnit;
  trace?: string;
}

export interface RebuildOptions {
  /** The linkage's procurement agreements (stored in linkage_agreements; the procurement page reads them). */
  agreements?: readonly Agreement[];
  /** The parameter tree (to recompute the staff distribution of the salary page); without it the page has none. */
  params?: ParamTree;
  catalogueDir?: string;
  indicatorsDir?: string;
  /** The supervision rules file (for the rules' labels on the findings page). */
  supervisionRules?: string | URL;
  onStage?: (s: string) => void;
}

// ---------------------------------------------------------------------------------------------
// The stored shapes this module reads (structural: the runs that write them import this module).

interface SettleSummaryRow {
  claims: number;
  total_fen: number;
  fund_fen: number;
  basic_fund_fen: number;
  critical_illness_fen: number;
  patient_fen: number;
  hospital_payment_fen: number;
  package: { budget_fen: number; charged_fen: number; balance_fen: number; retained_fen: number };
  findings: number;
  param_version: string;
  seed: string | null;
  package_detail?: { budget?: { trace?: Trace }; settlement?: { trace?: Trace }; allocation?: { trace?: Trace } | null; payment?: { trace?: Trace } };
}

interface LinkageStored {
  summary: Record<string, number | string | boolean>;
  trace: Trace;
  procurement: { savingFen: number; drugSavingFen: number; consumableSavingFen: number; fundSavingFen: number; retainedFen: number; alerts: unknown[]; trace: Trace; byProduct: Array<{ batchId: string; itemId: string; kind: 'drug' | 'consumable'; agreed: number; purchased: number; completion: number; savingFen: number }> };
  fund: { balanceAfterFen: number; monthsAfter: number; trace: Trace };
  pricing: {
    adopted: boolean;
    space: { procurementFen: number; cutsFen: number; totalFen: number };
    adjustmentTotalFen: number;
    changes: Array<{ serviceId: string; name: Bilingual; category: string; level: string; oldFen: number; newFen: number; quantity: number; revenueChangeFen: number }>;
    impact: { revenueChangeFen: number; raisesFen: number; cutsFen: number; fundChangeFen: number; patientChangeFen: number; byInstitution: Array<{ institutionId: string; revenueChangeFen: number; fundChangeFen: number; patientChangeFen: number }> };
    fundMonths: { before: number; after: number };
    triggers: unknown[];
    blocks: unknown[];
    constraints: unknown[];
    reasons: string[];
    trace: Trace;
  };
  structure: { byInstitution: Array<{ institutionId: string; actual: { totalFen: number; drugFen: number; materialsFen: number; examinationFen: number; laboratoryFen: number; medicalServiceFen: number } }> };
  salary: {
    budgetFen: number;
    leadersFen: number;
    institutions: Array<{
      institutionId: string;
      tier: SalaryTier;
      medicalServiceRevenueFen: number;
      budget: { salaryBudgetFen: number; trace: Trace };
      leaders: { totalFen: number; trace: Trace };
      distribution: { staff: number; totals: { payFen: number }; trace: Trace };
    }>;
  };
}

interface InstitutionInfo {
  id: string;
  name: Bilingual;
  kind: string;
  level: string;
  inCounty: boolean;
}

const L = (zh: string, en: string): Bilingual => ({ zh, en });
const fig = (id: string, label: Bilingual, value: number | null | undefined, unit: FigureUnit, trace?: string): Figure => ({ id, label, value: value ?? null, unit, ...(trace ? { trace } : {}) });

// ---------------------------------------------------------------------------------------------

/** Builds every page of the county-year and replaces its snapshots and traces. No-op when it is not settled. */
export async function rebuildDashboard(store: Store, county: string, year: number, opts: RebuildOptions = {}): Promise<{ pages: number; traces: number } | null> {
  const t0 = performance.now();
  if (opts.agreements) await writeAgreements(store, county, year, opts.agreements);
  const [settlement] = await store.query<{ run_id: number; param_version: string; seed: string | null; summary: SettleSummaryRow }>('select run_id, param_version, seed, summary from settlements where county_id = $1 and year = $2', [county, year]);
  if (!settlement) return null;
  opts.onStage?.('building the dashboard snapshots');
  const runId = settlement.run_id;
  const S = settlement.summary;
  const [linkRow] = await store.query<{ result: LinkageStored }>('select result from linkage_results where county_id = $1 and year = $2', [county, year]);
  const link = linkRow?.result ?? null;
  const institutions = await readInstitutionNames(store);
  const nameOf = (id: string): Bilingual => institutions.get(id)?.name ?? { zh: id, en: id };
  const catalogue = await loadCatalogue(opts.catalogueDir ?? SHIPPED_CATALOGUE_DIR);

  const pages = new Map<string, unknown>();
  const traces = new Map<string, unknown>();
  const trace = (id: string, t: unknown): string | undefined => {
    if (t === undefined || t === null) return undefined;
    traces.set(id, t);
    return id;
  };

  // Traces of the settlement and the linkage, under stable ids.
  const tBudget = trace('package.budget', S.package_detail?.budget?.trace);
  const tSettle = trace('package.settlement', S.package_detail?.settlement?.trace);
  trace('package.allocation', S.package_detail?.allocation?.trace);
  // The DRG payment tables of the year (base rate, weights source): every institution's group payment is RW × base rate.
  const tPayment = trace('payment.tables', S.package_detail?.payment?.trace);
  const tChain = link ? trace('linkage.chain', link.trace) : undefined;
  const tProc = link ? trace('linkage.procurement', link.procurement.trace) : undefined;
  const tFund = link ? trace('linkage.fund', link.fund.trace) : undefined;
  const tPricing = link ? trace('linkage.pricing', link.pricing.trace) : undefined;
  for (const s of link?.salary.institutions ?? []) {
    trace(`salary.budget@${s.institutionId}`, s.budget.trace);
    trace(`salary.leaders@${s.institutionId}`, s.leaders.trace);
    trace(`salary.distribution@${s.institutionId}`, s.distribution.trace);
  }

  // Overview
  const ls = link?.summary;
  const n = (k: string): number | null => (ls && typeof ls[k] === 'number' ? ls[k] : null);
  pages.set('overview', {
    jurisdiction: county,
    year,
    paramVersion: settlement.param_version,
    seed: settlement.seed,
    linkage: link !== null,
    loop: [
      fig('vbp_savings', L('集采节约', 'VBP savings'), n('vbp_savings_fen'), 'fen', tProc),
      fig('space', L('调价空间', 'Adjustment space'), n('space_fen'), 'fen', tPricing),
      fig('price_change', L('调价净增收入', 'Net revenue change from prices'), n('price_change_fen'), 'fen', tPricing),
      fig('drug_share_before', L('药占比（集采前）', 'Drug share before'), n('drug_share_before'), 'ratio', tChain),
      fig('drug_share_after', L('药占比（调价后）', 'Drug share after'), n('drug_share_after'), 'ratio', tChain),
      fig('service_share_before', L('医务性收入占比（集采前）', 'Service share before'), n('service_share_before'), 'ratio', tChain),
      fig('service_share_after', L('医务性收入占比（调价后）', 'Service share after'), n('service_share_after'), 'ratio', tChain),
      fig('salary_budget', L('工资总额', 'Salary budget'), n('salary_budget_fen'), 'fen', tChain),
      fig('fund_balance', L('基金结存', 'Fund balance'), n('fund_balance_fen'), 'fen', tFund),
      fig('fund_months', L('基金可支付月数', 'Fund balance in months'), n('fund_balance_months'), 'months', tFund),
      fig('patient_oop_change', L('个人负担变化', 'Patient out-of-pocket change'), n('patient_oop_change_fen'), 'fen', tChain),
    ],
    headline: [
      fig('claims', L('结算人次', 'Claims settled'), S.claims, 'count'),
      fig('total_charges', L('医疗总费用', 'Total charges'), S.total_fen, 'fen'),
      fig('fund_paid', L('医保基金支付', 'Fund paid'), S.fund_fen, 'fen'),
      fig('patient_paid', L('个人负担', 'Patients paid'), S.patient_fen, 'fen'),
      fig('package_budget', L('打包预算', 'Package budget'), S.package.budget_fen, 'fen', tBudget),
      fig('package_balance', L('打包结余', 'Package balance'), S.package.balance_fen, 'fen', tSettle),
      fig('package_retained', L('结余留用', 'Surplus retained'), S.package.retained_fen, 'fen', tSettle),
      fig('findings', L('基金监管线索', 'Supervision findings'), S.findings, 'count'),
    ],
  });

  // Fund
  const ledger = await store.query<Record<string, number | string>>(
    `select month, budget_fen::float8 as b, charged_fen::float8 as c, in_county_fen::float8 as i, out_of_county_fen::float8 as o, pharmacy_fen::float8 as p, cumulative_balance_fen::float8 as cb from settle_ledger where run_id = $1 order by month`,
    [runId],
  );
  const settled = await store.query<{ institution_id: string; in_county: boolean; claims: number; inpatient_cases: number; charges_fen: number; fund_fen: number; payment_fen: number; balance_fen: number; detail: { cmi?: number | null; drgCases?: number } }>(
    'select institution_id, in_county, claims, inpatient_cases, charges_fen::float8 as charges_fen, fund_fen::float8 as fund_fen, payment_fen::float8 as payment_fen, balance_fen::float8 as balance_fen, detail from settle_institutions where run_id = $1 order by institution_id',
    [runId],
  );
  const monthTraces = { ...(tBudget ? { budget: tBudget } : {}), ...(tSettle ? { charged: tSettle, balance: tSettle } : {}) };
  pages.set('fund', {
    figures: [
      fig('package_budget', L('打包预算', 'Package budget'), S.package.budget_fen, 'fen', tBudget),
      fig('package_charged', L('已列支', 'Charged to the package'), S.package.charged_fen, 'fen', tSettle),
      fig('package_balance', L('结余', 'Balance'), S.package.balance_fen, 'fen', tSettle),
      fig('package_retained', L('结余留用', 'Surplus retained'), S.package.retained_fen, 'fen', tSettle),
      fig('fund_paid', L('医保基金支付', 'Fund paid'), S.fund_fen, 'fen'),
      fig('basic_fund', L('基本医保统筹基金', 'Basic fund'), S.basic_fund_fen, 'fen'),
      fig('critical_illness', L('大病保险', 'Critical-illness insurance'), S.critical_illness_fen, 'fen'),
      fig('fund_months', L('基金可支付月数', 'Fund balance in months'), n('fund_balance_months'), 'months', tFund),
    ],
    // A month's budget is the year's package budget by month, its spending and balance the settlement's
    // ledger: the runs store no trace per month, so a month opens the year's budget and settlement traces.
    months: ledger.map((r) => ({ month: r.month, budgetFen: r.b, chargedFen: r.c, inCountyFen: r.i, outOfCountyFen: r.o, pharmacyFen: r.p, cumulativeBalanceFen: r.cb, trace: monthTraces })),
    outOfCounty: settled
      .filter((s) => !s.in_county)
      .sort((a, b) => b.fund_fen - a.fund_fen)
      .map((s) => ({ institutionId: s.institution_id, name: nameOf(s.institution_id), fundFen: s.fund_fen, cases: s.claims, inpatientCases: s.inpatient_cases })),
  });

  // Hospitals: revenue and DRG indices from the stored data items when `sanyi indicators` ran, else
  // the revenue from the linkage's structure; CMI and DRG cases from the settlement.
  const itemRows = await store.query<{ institution_id: string; item: string; value: number }>(`select institution_id, item, value from indicator_items where county_id = $1 and year = $2 and institution_id <> ''`, [county, year]);
  const itemsOf = new Map<string, Map<string, number>>();
  for (const r of itemRows) {
    let m = itemsOf.get(r.institution_id);
    if (!m) itemsOf.set(r.institution_id, (m = new Map<string, number>()));
    m.set(r.item, r.value);
  }
  // The indicator traces of each institution's CMI and cost and time indices (in-county institutions).
  const indexTraces = await store.query<{ institution_id: string; indicator_id: string }>(
    `select institution_id, indicator_id from indicator_values where county_id = $1 and year = $2 and institution_id <> '' and indicator_id in ('cmi', 'costIndex', 'timeIndex') and trace is not null`,
    [county, year],
  );
  const hasIndexTrace = new Set(indexTraces.map((r) => `${r.indicator_id}@${r.institution_id}`));
  const indexTrace = (indicator: string, institution: string) => (hasIndexTrace.has(`${indicator}@${institution}`) ? { [indicator]: `indicator:${indicator}@${institution}` } : {});
  const structOf = new Map((link?.structure.byInstitution ?? []).map((b) => [b.institutionId, b.actual]));
  const hospitals = settled.map((s) => {
    const info = institutions.get(s.institution_id);
    const it = itemsOf.get(s.institution_id);
    const st = structOf.get(s.institution_id);
    const v = (k: string) => it?.get(k) ?? null;
    const revenue = it?.has('revenue.medical')
      ? { totalFen: v('revenue.medical'), drugFen: v('revenue.drug'), consumableFen: v('revenue.consumable'), examLabFen: v('revenue.examLab'), serviceFen: v('revenue.medicalService') }
      : st
        ? { totalFen: st.totalFen, drugFen: st.drugFen, consumableFen: st.materialsFen, examLabFen: st.examinationFen + st.laboratoryFen, serviceFen: st.medicalServiceFen }
        : { totalFen: s.charges_fen, drugFen: null, consumableFen: null, examLabFen: null, serviceFen: null };
    return {
      id: s.institution_id,
      name: nameOf(s.institution_id),
      kind: info?.kind ?? null,
      level: info?.level ?? null,
      inCounty: s.in_county,
      claims: s.claims,
      revenue,
      cmi: s.detail.cmi ?? null,
      costIndex: v('drg.costIndex'),
      timeIndex: v('drg.timeIndex'),
      drgCases: s.detail.drgCases ?? 0,
      drgPaymentFen: v('drg.paymentFen'),
      drgChargesFen: v('drg.chargesFen'),
      fundFen: s.fund_fen,
      paymentFen: s.payment_fen,
      balanceFen: s.balance_fen,
      trace: {
        ...indexTrace('cmi', s.institution_id),
        ...indexTrace('costIndex', s.institution_id),
        ...indexTrace('timeIndex', s.institution_id),
        ...(tPayment && (s.detail.drgCases ?? 0) > 0 ? { drgPayment: tPayment } : {}),
      },
    };
  });
  pages.set('hospitals', { institutions: hospitals });
  for (const h of hospitals) pages.set(`hospitals|${h.id}`, { institution: { id: h.id, name: h.name }, institutions: [h] });

  // Procurement
  const agreements = await readAgreements(store, county, year);
  const productName = (kind: string, id: string): Bilingual => {
    if (kind === 'drug') {
      const d = catalogue.drugs[catalogue.drugIndex.get(id) ?? -1];
      if (d) return { zh: `${d.generic.zh} ${d.spec}`, en: `${d.generic.en} ${d.spec}` };
    } else {
      const s = catalogue.services[catalogue.serviceIndex.get(id) ?? -1];
      if (s) return s.name;
    }
    return { zh: id, en: id };
  };
  const procPage = (rows: readonly StoredAgreement[], institution: string | null) => {
    const byProduct = new Map<string, { id: string; kind: string; name: Bilingual; batch: string; agreedQty: number; purchasedQty: number; due: number; savingFen: number; alerts: number }>();
    const byMonth = new Map<string, { cumulative: number; due: number }>();
    let agreed = 0;
    for (const a of rows) {
      const k = `${a.kind}:${a.itemId}`;
      let p = byProduct.get(k);
      if (!p) byProduct.set(k, (p = { id: a.itemId, kind: a.kind, name: productName(a.kind, a.itemId), batch: a.batchId, agreedQty: 0, purchasedQty: 0, due: 0, savingFen: 0, alerts: 0 }));
      p.agreedQty += a.agreed;
      p.purchasedQty += a.purchased;
      p.due += a.agreed * a.timeProgress;
      p.savingFen += a.savingFen;
      if (a.alert) p.alerts++;
      agreed += a.agreed;
      for (const m of a.months) {
        const b = byMonth.get(m.month) ?? { cumulative: 0, due: 0 };
        b.cumulative += m.cumulative;
        b.due += a.agreed * m.timeProgress;
        byMonth.set(m.month, b);
      }
    }
    const saving = rows.reduce((s, a) => s + a.savingFen, 0);
    const purchased = rows.reduce((s, a) => s + a.purchased, 0);
    const due = rows.reduce((s, a) => s + a.agreed * a.timeProgress, 0);
    return {
      ...(institution ? { institution: { id: institution, name: nameOf(institution) } } : {}),
      figures: [
        fig('vbp_savings', L('集采节约', 'VBP savings'), institution ? saving : (link?.procurement.savingFen ?? saving), 'fen', tProc),
        ...(institution || !link
          ? []
          : [
              fig('drug_savings', L('药品节约', 'Drug savings'), link.procurement.drugSavingFen, 'fen', tProc),
              fig('consumable_savings', L('耗材节约', 'Consumable savings'), link.procurement.consumableSavingFen, 'fen', tProc),
              fig('fund_savings', L('医保基金节约', 'Fund savings'), link.procurement.fundSavingFen, 'fen', tProc),
              fig('retained', L('结余留用', 'Retained by institutions'), link.procurement.retainedFen, 'fen', tProc),
            ]),
        fig('completion', L('约定采购量完成率', 'Completion of agreed volumes'), agreed > 0 ? purchased / agreed : null, 'ratio', tProc),
        fig('time_progress', L('序时进度', 'Time progress'), agreed > 0 ? due / agreed : null, 'ratio', tProc),
        fig('alerts', L('进度预警', 'Completion alerts'), rows.filter((a) => a.alert).length, 'count', tProc),
        fig('agreements', L('约定品种（机构×品种）', 'Agreements (institution × product)'), rows.length, 'count', tProc),
      ],
      months: [...byMonth.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([month, b]) => ({ month, completion: agreed > 0 ? b.cumulative / agreed : null, timeProgress: agreed > 0 ? b.due / agreed : null })),
      products: [...byProduct.values()]
        .sort((a, b) => b.savingFen - a.savingFen)
        .map((p) => ({ id: p.id, kind: p.kind, name: p.name, batch: p.batch, agreedQty: p.agreedQty, purchasedQty: p.purchasedQty, completion: p.agreedQty > 0 ? p.purchasedQty / p.agreedQty : null, timeProgress: p.agreedQty > 0 ? p.due / p.agreedQty : null, savingFen: p.savingFen, alert: p.alerts > 0, alerts: p.alerts, ...(tProc ? { trace: tProc } : {}) })),
    };
  };
  pages.set('procurement', procPage(agreements, null));
  const agreementsOf = new Map<string, StoredAgreement[]>();
  for (const a of agreements) {
    let l = agreementsOf.get(a.institutionId);
    if (!l) agreementsOf.set(a.institutionId, (l = []));
    l.push(a);
  }
  for (const [id, rows] of agreementsOf) pages.set(`procurement|${id}`, procPage(rows, id));

  // Prices
  if (link) {
    const p = link.pricing;
    const impactOf = new Map(p.impact.byInstitution.map((i) => [i.institutionId, i]));
    pages.set('prices', {
      adopted: p.adopted,
      reasons: p.reasons,
      figures: [
        fig('space', L('调价空间', 'Adjustment space'), p.space.totalFen, 'fen', tPricing),
        fig('space_procurement', L('其中集采节约', 'of which VBP savings'), p.space.procurementFen, 'fen', tPricing),
        fig('space_cuts', L('其中降价', 'of which price cuts'), p.space.cutsFen, 'fen', tPricing),
        fig('adjustment_total', L('调价总额', 'Adjustment total'), p.adjustmentTotalFen, 'fen', tPricing),
        fig('raises', L('调增', 'Raises'), p.impact.raisesFen, 'fen', tPricing),
        fig('cuts', L('调减', 'Cuts'), p.impact.cutsFen, 'fen', tPricing),
        fig('revenue_change', L('医疗收入变化', 'Revenue change'), p.impact.revenueChangeFen, 'fen', tPricing),
        fig('fund_change', L('医保基金变化', 'Fund change'), p.impact.fundChangeFen, 'fen', tPricing),
        fig('patient_change', L('个人负担变化', 'Patient change'), p.impact.patientChangeFen, 'fen', tPricing),
        fig('fund_months_before', L('调价前基金可支付月数', 'Fund months before'), p.fundMonths.before, 'months', tPricing),
        fig('fund_months_after', L('调价后基金可支付月数', 'Fund months after'), p.fundMonths.after, 'months', tPricing),
      ],
      conditions: { triggers: p.triggers, blocks: p.blocks, constraints: p.constraints },
      items: p.changes.map((c) => ({ serviceId: c.serviceId, name: c.name, level: c.level, category: c.category, oldFen: c.oldFen, newFen: c.newFen, changeRate: c.oldFen > 0 ? (c.newFen - c.oldFen) / c.oldFen : null, quantity: c.quantity, revenueChangeFen: c.revenueChangeFen, ...(tPricing ? { trace: tPricing } : {}) })),
      impact: [...impactOf.values()].map((i) => ({ institutionId: i.institutionId, name: nameOf(i.institutionId), revenueChangeFen: i.revenueChangeFen, fundChangeFen: i.fundChangeFen, patientChangeFen: i.patientChangeFen, ...(tPricing ? { trace: tPricing } : {}) })),
    });
  } else pages.set('prices', { adopted: false, reasons: ['no linkage stored'], figures: [], conditions: null, items: [], impact: [] });

  // Salary
  const assessed = await store.query<{ scope: string; institution_id: string; scheme_id: string; score: number; result: { items?: unknown[]; trace?: Trace } }>(
    'select scope, institution_id, scheme_id, score, result from assessments where county_id = $1 and year = $2 order by scheme_id',
    [county, year],
  );
  const scoreOf = new Map<string, { score: number; scheme: string }>();
  for (const a of assessed) if (!scoreOf.has(a.institution_id)) scoreOf.set(a.institution_id, { score: a.score, scheme: a.scheme_id });
  const pays = link && opts.params ? await staffPays(store, opts.params, county, year, link) : new Map<string, number[]>();
  const salaryRows = (link?.salary.institutions ?? []).map((s) => ({
    id: s.institutionId,
    name: nameOf(s.institutionId),
    tier: s.tier,
    msrFen: s.medicalServiceRevenueFen,
    budgetFen: s.budget.salaryBudgetFen,
    paidFen: s.distribution.totals.payFen,
    staff: s.distribution.staff,
    leadersFen: s.leaders.totalFen,
    score: scoreOf.get(s.institutionId)?.score ?? scoreOf.get('')?.score ?? null,
    scoreSource: scoreOf.has(s.institutionId) ? `assessment ${scoreOf.get(s.institutionId)!.scheme}` : scoreOf.has('') ? `county assessment ${scoreOf.get('')!.scheme}` : 'parameter package.assessmentScore',
    trace: { budget: `salary.budget@${s.institutionId}`, leaders: `salary.leaders@${s.institutionId}`, distribution: `salary.distribution@${s.institutionId}` },
  }));
  const salaryPage = (rows: typeof salaryRows, institution: string | null) => {
    const allPays = rows.flatMap((r) => pays.get(r.id) ?? []);
    return {
      ...(institution ? { institution: { id: institution, name: nameOf(institution) } } : {}),
      figures: [
        fig('salary_budget', L('工资总额', 'Salary budget'), rows.reduce((a, r) => a + r.budgetFen, 0), 'fen', institution ? `salary.budget@${institution}` : tChain),
        fig('salary_paid', L('已分配薪酬', 'Distributed pay'), rows.reduce((a, r) => a + r.paidFen, 0), 'fen', institution ? `salary.distribution@${institution}` : undefined),
        fig('leaders', L('院长、书记、总会计师年薪', "Leaders' annual salaries"), rows.reduce((a, r) => a + r.leadersFen, 0), 'fen', institution ? `salary.leaders@${institution}` : undefined),
        fig('msr', L('医务性收入', 'Medical-service revenue'), rows.reduce((a, r) => a + r.msrFen, 0), 'fen'),
        fig('staff', L('职工人数', 'Staff'), rows.reduce((a, r) => a + r.staff, 0), 'count'),
        fig('mean_pay', L('人均薪酬', 'Mean pay'), allPays.length ? Math.round(allPays.reduce((a, b) => a + b, 0) / allPays.length) : null, 'fen'),
      ],
      institutions: rows,
      distribution: histogram(allPays),
    };
  };
  pages.set('salary', salaryPage(salaryRows, null));
  for (const r of salaryRows) pages.set(`salary|${r.id}`, salaryPage([r], r.id));

  // Indicators
  const defs = safeIndicators(opts.indicatorsDir);
  const defOf = new Map(defs.map((d) => [d.id, d]));
  const values = await store.query<{ year: number; institution_id: string; indicator_id: string; value: number | null; numerator: number | null; denominator: number | null; met: boolean | null; reason: string | null }>(
    'select year, institution_id, indicator_id, value, numerator, denominator, met, reason from indicator_values where county_id = $1 and year <= $2 order by institution_id, indicator_id, year',
    [county, year],
  );
  const byInst = new Map<string, Map<string, Array<(typeof values)[number]>>>();
  for (const v of values) {
    let m = byInst.get(v.institution_id);
    if (!m) byInst.set(v.institution_id, (m = new Map<string, Array<(typeof values)[number]>>()));
    let l = m.get(v.indicator_id);
    if (!l) m.set(v.indicator_id, (l = []));
    l.push(v);
  }
  const assessmentOf = new Map<string, (typeof assessed)[number]>();
  for (const a of assessed) if (!assessmentOf.has(a.institution_id)) assessmentOf.set(a.institution_id, a);
  const indicatorPage = (institution: string) => {
    const m = byInst.get(institution) ?? new Map<string, Array<(typeof values)[number]>>();
    const suffix = institution ? `@${institution}` : '';
    const list = [...m.entries()].flatMap(([id, rows]) => {
      const cur = rows.find((r) => r.year === year);
      if (!cur) return [];
      const d = defOf.get(id);
      return [
        {
          id,
          label: d?.label ?? { zh: id, en: id },
          set: d?.set ?? null,
          sets: d?.sets ?? [],
          unit: d?.unit ?? null,
          factor: d?.factor ?? null,
          value: cur.value,
          target: d?.target ?? null,
          direction: d?.direction ?? null,
          met: cur.met,
          numerator: cur.numerator,
          denominator: cur.denominator,
          ...(cur.reason ? { reason: cur.reason } : {}),
          trend: rows.map((r) => ({ year: r.year, value: r.value })),
          trace: `indicator:${id}${suffix}`,
        },
      ];
    });
    const order = new Map(defs.map((d, i) => [d.id, i]));
    list.sort((a, b) => (order.get(a.id) ?? 1e9) - (order.get(b.id) ?? 1e9));
    const a = assessmentOf.get(institution);
    return {
      ...(institution ? { institution: { id: institution, name: nameOf(institution) } } : {}),
      indicators: list,
      assessment: a ? { scheme: a.scheme_id, score: a.score, items: a.result.items ?? [], trace: `assessment:${a.scheme_id}${suffix}` } : null,
    };
  };
  pages.set('indicators', indicatorPage(''));
  for (const id of byInst.keys()) if (id !== '') pages.set(`indicators|${id}`, indicatorPage(id));

  // Findings (the largest 200)
  const rules = await store.query<{ rule_id: string; n: number; amount: number }>('select rule_id, count(*)::int as n, sum(amount_fen)::float8 as amount from settle_findings where run_id = $1 group by 1 order by 1', [runId]);
  const top = await store.query<{ seq: number; rule_id: string; institution_id: string | null; person_id: number | null; amount_fen: number; first_date: string | null; last_date: string | null }>(
    `select seq, rule_id, institution_id, person_id, amount_fen::float8 as amount_fen, first_date::text as first_date, last_date::text as last_date from settle_findings where run_id = $1 order by amount_fen desc, seq limit 200`,
    [runId],
  );
  const ruleLabels = safeRuleLabels(opts.supervisionRules);
  const ruleLabel = (id: string): Bilingual => ruleLabels.get(id) ?? { zh: id, en: id };
  pages.set('findings', {
    total: S.findings,
    rules: rules.map((r) => ({ ruleId: r.rule_id, label: ruleLabel(r.rule_id), count: r.n, amountFen: r.amount })),
    findings: top.map((f) => ({ seq: f.seq, ruleId: f.rule_id, ruleLabel: ruleLabel(f.rule_id), institutionId: f.institution_id, name: f.institution_id ? nameOf(f.institution_id) : null, personId: f.person_id === null ? null : Number(f.person_id), amountFen: f.amount_fen, firstDate: f.first_date, lastDate: f.last_date })),
  });

  await store.transaction(async (tx) => {
    await tx.query('delete from dashboard_snapshots where county_id = $1 and year = $2', [county, year]);
    await tx.query('delete from dashboard_traces where county_id = $1 and year = $2', [county, year]);
    await tx.copyInto('dashboard_snapshots', ['county_id', 'year', 'page', 'body'], [...pages].map(([p, b]) => [county, year, p, b]));
    await tx.copyInto('dashboard_traces', ['county_id', 'year', 'trace_id', 'body'], [...traces].map(([id, b]) => [county, year, id, b]));
  });
  opts.onStage?.(`dashboard: ${pages.size} snapshots, ${traces.size} traces in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { pages: pages.size, traces: traces.size };
}

// ---------------------------------------------------------------------------------------------

interface StoredAgreement {
  institutionId: string;
  kind: 'drug' | 'consumable';
  itemId: string;
  batchId: string;
  agreed: number;
  purchased: number;
  completion: number;
  timeProgress: number;
  savingFen: number;
  alert: boolean;
  months: Array<{ month: string; cumulative: number; timeProgress: number }>;
}

async function writeAgreements(store: Store, county: string, year: number, agreements: readonly Agreement[]): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.query('delete from linkage_agreements where county_id = $1 and year = $2', [county, year]);
    await tx.copyInto(
      'linkage_agreements',
      ['county_id', 'year', 'institution_id', 'kind', 'item_id', 'batch_id', 'agreed', 'purchased', 'non_selected', 'completion', 'time_progress', 'saving_fen', 'alert', 'months'],
      agreements.map((a) => [county, year, a.institutionId, a.kind, a.itemId, a.batchId, a.agreed, a.purchased, a.nonSelected, a.completion, a.timeProgress, a.savingFen, a.alert, a.months.map((m) => ({ month: m.month, purchased: m.purchased, cumulative: m.cumulative, completion: m.completion, timeProgress: m.timeProgress, alert: m.alert }))]),
    );
  });
}

async function readAgreements(store: Store, county: string, year: number): Promise<StoredAgreement[]> {
  const rows = await store.query<{ institution_id: string; kind: 'drug' | 'consumable'; item_id: string; batch_id: string; agreed: number; purchased: number; completion: number; time_progress: number; saving_fen: number | string; alert: boolean; months: StoredAgreement['months'] }>(
    'select institution_id, kind, item_id, batch_id, agreed, purchased, completion, time_progress, saving_fen, alert, months from linkage_agreements where county_id = $1 and year = $2 order by institution_id, kind, item_id',
    [county, year],
  );
  return rows.map((r) => ({ institutionId: r.institution_id, kind: r.kind, itemId: r.item_id, batchId: r.batch_id, agreed: r.agreed, purchased: r.purchased, completion: r.completion, timeProgress: r.time_progress, savingFen: Number(r.saving_fen), alert: r.alert, months: r.months }));
}

async function readInstitutionNames(store: Store): Promise<Map<string, InstitutionInfo>> {
  const rows = await store.query<{ id: string; name_zh: string; name_en: string; kind: string; level: string; in_county: boolean }>('select id, name_zh, name_en, kind, level, in_county from institutions');
  return new Map(rows.map((r) => [r.id, { id: r.id, name: { zh: r.name_zh, en: r.name_en }, kind: r.kind, level: r.level, inCounty: r.in_county }]));
}

function safeIndicators(dir?: string): IndicatorDefinition[] {
  try {
    return loadIndicators(dir ?? SHIPPED_INDICATORS_DIR);
  } catch {
    // A broken definition file stops `sanyi indicators` with its message; the page then shows ids.
    return [];
  }
}

/** Supervision rule id → its bilingual label (rules.yaml); none when the file is broken (settle stops on it with its message). */
function safeRuleLabels(file?: string | URL): Map<string, Bilingual> {
  try {
    return new Map(loadSupervisionRules(file ?? SHIPPED_RULES_FILE).map((r) => [r.id, r.label]));
  } catch {
    return new Map();
  }
}

/**
 * Each staff member's pay of the linkage's distribution, by institution: the distribution again from
 * the stored budget, staff, work points and seed (deterministic, so the same rows as the linkage's;
 * the stored result keeps only the per-title summary).
 */
async function staffPays(store: Store, params: ParamTree, county: string, year: number, link: LinkageStored): Promise<Map<string, number[]>> {
  const staffRows = await store.query<{ id: string; institution_id: string; role: string; title: string }>('select id, institution_id, role, title from staff where institution_id = any($1) order by id', [link.salary.institutions.map((s) => s.institutionId)]);
  const staffOf = new Map<string, Array<{ id: string; role: StaffRole; title: StaffTitle }>>();
  for (const s of staffRows) {
    let l = staffOf.get(s.institution_id);
    if (!l) staffOf.set(s.institution_id, (l = []));
    l.push({ id: s.id, role: s.role as StaffRole, title: s.title as StaffTitle });
  }
  const seed = String(link.summary.seed);
  const out = new Map<string, number[]>();
  for (const s of link.salary.institutions) {
    const d = distributeSalaries({ institutionId: s.institutionId, budgetFen: s.budget.salaryBudgetFen, staff: staffOf.get(s.institutionId) ?? [], workPointsTotal: Math.floor(s.medicalServiceRevenueFen / 100), seed }, params, county, year);
    out.set(s.institutionId, d.rows.map((r) => r.payFen));
  }
  return out;
}

/** Pays in bins of a round width (≈ 20 bins from 0 to the largest pay). */
export function histogram(pays: readonly number[]): Array<{ fromFen: number; toFen: number; count: number }> {
  if (pays.length === 0) return [];
  const max = Math.max(...pays);
  if (max <= 0) return [{ fromFen: 0, toFen: 0, count: pays.length }];
  const raw = max / 20;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const width = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((w) => w >= raw)!;
  const bins = Math.floor(max / width) + 1;
  const counts = new Array<number>(bins).fill(0);
  for (const p of pays) counts[Math.min(bins - 1, Math.max(0, Math.floor(p / width)))]!++;
  return counts.map((count, i) => ({ fromFen: i * width, toFen: (i + 1) * width, count }));
}

// ---------------------------------------------------------------------------------------------
// Reading (the API)

export class NoSnapshotError extends Error {
  override name = 'NoSnapshotError';
}

const command = (county: string, year: number) => `sanyi indicators --jurisdiction ${county} --year ${year}`;

/**
 * Page bodies already sent, as bytes, keyed by county-year and page row with the row's build time:
 * a call whose row was not rebuilt since is answered from here after reading only that time (the
 * large pages of a region — every institution — then cost no JSON conversion at all). Least
 * recently used first out beyond `maxBytes`.
 */
export class SnapshotCache {
  private readonly entries = new Map<string, { builtAt: string; body: Buffer }>();
  private bytes = 0;
  constructor(readonly maxBytes = 64 * 2 ** 20) {}
  get(key: string, builtAt: string): Buffer | undefined {
    const e = this.entries.get(key);
    if (!e || e.builtAt !== builtAt) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.body;
  }
  set(key: string, builtAt: string, body: Buffer): void {
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.body.length;
      this.entries.delete(key);
    }
    if (body.length > this.maxBytes) return;
    this.entries.set(key, { builtAt, body });
    this.bytes += body.length;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.body.length;
    }
  }
}

/** One page's body as JSON bytes (one snapshot row); `institution` selects the institution's row. */
export async function readSnapshot(store: Store, county: string, year: number, page: DashboardPage, institution?: string, cache?: SnapshotCache): Promise<Buffer> {
  const key = institution && FILTERED_PAGES.has(page) ? `${page}|${institution}` : page;
  const cacheKey = `${county}|${year}|${key}`;
  const [meta] = await store.query<{ at: string }>('select built_at::text as at from dashboard_snapshots where county_id = $1 and year = $2 and page = $3', [county, year, key]);
  if (meta) {
    const hit = cache?.get(cacheKey, meta.at);
    if (hit) return hit;
    const [row] = await store.query<{ body: string; at: string }>('select body::text as body, built_at::text as at from dashboard_snapshots where county_id = $1 and year = $2 and page = $3', [county, year, key]);
    if (row) {
      const body = Buffer.from(row.body);
      cache?.set(cacheKey, row.at, body);
      return body;
    }
  }
  if (key !== page && institution) {
    const [any] = await store.query<{ n: number }>('select count(*)::int as n from dashboard_snapshots where county_id = $1 and year = $2 and page = $3', [county, year, page]);
    if ((any?.n ?? 0) > 0) {
      // The county-year is built: an institution without rows on this page (an out-of-county hospital
      // has no procurement or salary) gets the page's shape with nothing in it; an unknown id is 404.
      const [inst] = await store.query<{ name_zh: string; name_en: string }>('select name_zh, name_en from institutions where id = $1', [institution]);
      if (!inst) throw new NoSnapshotError(`no institution ${institution} is known (${page} of ${county} ${year})`);
      return Buffer.from(JSON.stringify(emptyInstitutionPage(page, { id: institution, name: { zh: inst.name_zh, en: inst.name_en } })));
    }
  }
  throw new NoSnapshotError(`no dashboard of ${county} ${year} is stored: run \`${command(county, year)}\` (after \`sanyi settle --jurisdiction ${county} --year ${year}\`)`);
}

/**
 * A filtered page of an institution that has no rows on it: the page's shape, empty, with
 * `empty: true` (so the page can say "no data for this institution").
 */
export function emptyInstitutionPage(page: DashboardPage, institution: { id: string; name: Bilingual }): Record<string, unknown> {
  const head = { institution, empty: true };
  switch (page) {
    case 'hospitals':
      return { ...head, institutions: [] };
    case 'procurement':
      return { ...head, figures: [], months: [], products: [] };
    case 'salary':
      return { ...head, figures: [], institutions: [], distribution: [] };
    case 'indicators':
      return { ...head, indicators: [], assessment: null };
    case 'overview':
    case 'fund':
    case 'prices':
    case 'findings':
      // Not filtered by institution (readSnapshot never asks).
      return head;
  }
}

/**
 * The years of a jurisdiction with a dashboard (an overview snapshot), oldest first; null when no
 * such jurisdiction exists.
 */
export async function readYears(store: Store, county: string): Promise<number[] | null> {
  const rows = await store.query<{ year: number }>(`select year from dashboard_snapshots where county_id = $1 and page = 'overview' order by year`, [county]);
  if (rows.length > 0) return rows.map((r) => Number(r.year));
  const [known] = await store.query<{ n: number }>('select count(*)::int as n from jurisdictions where id = $1', [county]);
  return (known?.n ?? 0) > 0 ? [] : null;
}

/** A figure's trace by its id, as JSON text. */
export async function readTrace(store: Store, county: string, year: number, id: string): Promise<string> {
  const at = id.indexOf('@');
  const base = at < 0 ? id : id.slice(0, at);
  const institution = at < 0 ? '' : id.slice(at + 1);
  let rows: Array<{ body: string }>;
  if (base.startsWith('indicator:')) {
    rows = await store.query('select trace::text as body from indicator_values where county_id = $1 and year = $2 and institution_id = $3 and indicator_id = $4', [county, year, institution, base.slice('indicator:'.length)]);
  } else if (base.startsWith('assessment:')) {
    rows = await store.query(`select (result->'trace')::text as body from assessments where county_id = $1 and year = $2 and institution_id = $3 and scheme_id = $4`, [county, year, institution, base.slice('assessment:'.length)]);
  } else {
    rows = await store.query('select body::text as body from dashboard_traces where county_id = $1 and year = $2 and trace_id = $3', [county, year, id]);
  }
  const row = rows[0];
  if (!row || row.body === null) throw new NoSnapshotError(`no trace ${id} in the dashboard of ${county} ${year}`);
  return row.body;
}
