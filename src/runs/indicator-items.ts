/**
 * The data items (数据项) of a county-year (docs/dashboard.md), for the county and for each
 * institution, computed from the store in a few aggregate queries:
 *
 *   encounters   one scan grouped by institution, care level and type (visits, admissions, revenue
 *                by fee category, primary TCM visits), and one over the chronic-disease encounters
 *                grouped by person (hypertension and diabetes patients, managed at primary level)
 *   enrolments   insured residents of the year
 *   referrals    by sender and direction
 *   settlement   fund by institution (settle_institutions), the package (settlements.summary), DRG
 *                cases with the cost and time indices (settle_cases ⋈ encounters), findings
 *   linkage      fund months, salary budget and pay (linkage_results), VBP volumes and savings
 *                (linkage_agreements) — absent when the linkage has not run
 *   outreach     famous-doctor studio and visiting-specialist sessions (network_outreach_sessions) by
 *                host, and the admissions of the outreach specialties' diseases (catalogue/
 *                outreach-specialties.yaml), all and out of county, counted in the encounter scan —
 *                absent when the care network is not built for the year (no network_builds row)
 *
 * Items that cannot be computed are absent (an indicator that needs one is null with its reason).
 * Money items are integer fen; counts are counts.
 */
import type { Store, StoreTx } from '../store/store.js';
import { FEE_CATEGORIES } from '../rules/fees.js';
import path from 'node:path';
import { loadCatalogue, SHIPPED_CATALOGUE_DIR } from '../simulation/catalogue.js';
import { diseasesOfSpecialties, loadOutreachSpecialties, OUTREACH_SPECIALTIES_FILE } from '../network/outreach-specialties.js';

export type ItemScope = 'county' | 'institution';
export type Items = Map<string, number>;

export interface YearItems {
  county: string;
  year: number;
  settlementRun: number;
  /** Items of the whole county. */
  countyItems: Items;
  /** Items of each institution that has any. */
  institutions: Map<string, Items>;
}

const PRIMARY = new Set(['village', 'township']);
const DRUG = ['western_drug', 'patent_drug', 'herbal_drug'] as const;
/** Chronic conditions whose patients the county set follows (chronic.*). */
const CHRONIC = new Set(['hypertension', 'diabetes']);

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

function add(m: Items, k: string, v: number): void {
  m.set(k, (m.get(k) ?? 0) + v);
}

/** Computes every item of the settled county-year (see the file head) from its settlement run. */
export async function computeItems(
  store: Store,
  settlement: { county: string; year: number; runId: number; summary: Record<string, unknown> },
  opts: { catalogueDir?: string; onStage?: (s: string) => void } = {},
): Promise<YearItems> {
  const stage = opts.onStage ?? (() => {});
  const { county, year, runId, summary } = settlement;
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const C: Items = new Map();
  const inst = new Map<string, Items>();
  const of = (id: string): Items => {
    let m = inst.get(id);
    if (!m) inst.set(id, (m = new Map<string, number>()));
    return m;
  };

  const catalogueDir = opts.catalogueDir ?? SHIPPED_CATALOGUE_DIR;
  const catalogue = await loadCatalogue(catalogueDir);

  stage('data items: outreach sessions (care network)');
  // Without the year's network build the outreach items stay absent: no value, not 0.
  const [built] = await store.query<{ n: number }>('select count(*)::int as n from network_builds where county_id = $1 and year = $2', [county, year]);
  const networkBuilt = (built?.n ?? 0) > 0;
  let outreachDiseases: string[] = [];
  if (networkBuilt) {
    const sessions = await store.query<{ host: string; specialty: string; n: number; patients: number }>(
      'select host_institution_id as host, specialty, count(*)::float8 as n, coalesce(sum(patients), 0)::float8 as patients from network_outreach_sessions where county_id = $1 and year = $2 group by 1, 2',
      [county, year],
    );
    for (const k of ['outreach.sessions', 'outreach.patients', 'outreach.admissions', 'outreach.outOfCountyAdmissions']) C.set(k, 0);
    for (const r of sessions) {
      for (const m of [C, of(r.host)]) {
        add(m, 'outreach.sessions', num(r.n));
        add(m, 'outreach.patients', num(r.patients));
      }
    }
    if (sessions.length) {
      const table = await loadOutreachSpecialties(catalogue.diseases, path.join(catalogueDir, OUTREACH_SPECIALTIES_FILE));
      outreachDiseases = diseasesOfSpecialties(table, sessions.map((r) => r.specialty));
    }
  }

  stage('data items: encounters by institution, care level and type');
  const feeCols = FEE_CATEGORIES.map((c) => `sum(${c}_fen)::float8 as ${c}`).join(', ');
  const rows = await store.query<Record<string, unknown>>(
    `select institution_id, care_level, type, count(*)::float8 as n, count(*) filter (where herbal_drug_fen > 0)::float8 as tcm,
            count(*) filter (where disease_id = any($4::text[]))::float8 as outreach, ${feeCols}
       from encounters where county_id = $1 and end_date between $2 and $3 group by 1, 2, 3`,
    [county, from, to, outreachDiseases],
  );
  for (const k of ['visits.total', 'visits.inCounty', 'visits.primary', 'visits.primaryTcm', 'admissions.total', 'admissions.inCounty', 'admissions.outOfCounty']) C.set(k, 0);
  for (const r of rows) {
    const id = String(r.institution_id);
    const level = String(r.care_level);
    const inCounty = level !== 'out_of_county';
    const inpatient = r.type === 'inpatient';
    const n = num(r.n);
    let total = 0;
    for (const c of FEE_CATEGORIES) total += num(r[c]);
    const drug = DRUG.reduce((a, c) => a + num(r[c]), 0);
    const consumable = num(r.materials);
    const examLab = num(r.examination) + num(r.laboratory);
    const I = of(id);
    const targets = inCounty ? [C, I] : [I];
    if (inpatient) {
      add(C, 'admissions.total', n);
      add(C, inCounty ? 'admissions.inCounty' : 'admissions.outOfCounty', n);
      add(I, 'admissions.total', n);
      if (networkBuilt) {
        add(C, 'outreach.admissions', num(r.outreach));
        if (!inCounty) add(C, 'outreach.outOfCountyAdmissions', num(r.outreach));
      }
    } else {
      add(C, 'visits.total', n);
      if (inCounty) add(C, 'visits.inCounty', n);
      if (PRIMARY.has(level)) {
        add(C, 'visits.primary', n);
        add(C, 'visits.primaryTcm', num(r.tcm));
      }
      add(I, 'visits.total', n);
    }
    for (const m of targets) {
      add(m, 'revenue.medical', total);
      add(m, 'revenue.drug', drug);
      add(m, 'revenue.consumable', consumable);
      add(m, 'revenue.examLab', examLab);
      add(m, 'revenue.medicalService', total - drug - consumable - examLab);
      add(m, inpatient ? 'revenue.inpatient' : 'revenue.outpatient', total);
      add(m, inpatient ? 'drugRevenue.inpatient' : 'drugRevenue.outpatient', drug);
    }
  }

  stage('data items: chronic patients, population, referrals');
  const chronicDiseases = catalogue.diseases.filter((d) => d.chronic && CHRONIC.has(d.chronic)).map((d) => d.id);
  const [chronic] = await store.query<{ n: number; m: number }>(
    `select count(*)::float8 as n, count(*) filter (where managed)::float8 as m from (
       select person_id, bool_or(care_level in ('village', 'township') and type <> 'inpatient') as managed
         from encounters where county_id = $1 and end_date between $2 and $3 and disease_id = any($4::text[]) group by person_id) p`,
    [county, from, to, chronicDiseases],
  );
  C.set('chronic.patients', num(chronic?.n));
  C.set('chronic.primaryManaged', num(chronic?.m));
  const [pop] = await store.query<{ n: number }>('select count(*)::float8 as n from enrolments en join residents r on r.id = en.resident_id where r.county_id = $1 and en.year = $2', [county, year]);
  C.set('population', num(pop?.n));
  C.set('referrals.up', 0);
  C.set('referrals.down', 0);
  for (const r of await store.query<{ id: string; direction: string; n: number }>(
    'select from_institution_id as id, direction, count(*)::float8 as n from referrals where county_id = $1 and referral_date between $2 and $3 group by 1, 2',
    [county, from, to],
  )) {
    const k = r.direction === 'up' ? 'referrals.up' : 'referrals.down';
    add(C, k, num(r.n));
    add(of(r.id), k, num(r.n));
  }

  stage('data items: settlement (fund, package, DRG, findings)');
  const kinds = new Map((await store.query<{ id: string; kind: string }>('select id, kind from institutions')).map((r) => [r.id, r.kind]));
  C.set('fund.total', 0);
  C.set('fund.inCounty', 0);
  C.set('fund.primary', 0);
  for (const r of await store.query<{ institution_id: string; in_county: boolean; fund_fen: number; detail: { cmi?: number | null; drgCases?: number } }>(
    'select institution_id, in_county, fund_fen::float8 as fund_fen, detail from settle_institutions where run_id = $1',
    [runId],
  )) {
    const fund = num(r.fund_fen);
    add(C, 'fund.total', fund);
    if (r.in_county) add(C, 'fund.inCounty', fund);
    const kind = kinds.get(r.institution_id);
    if (kind === 'village_clinic' || kind === 'township_centre') add(C, 'fund.primary', fund);
    const cases = num(r.detail.drgCases);
    const weight = r.detail.cmi != null ? r.detail.cmi * cases : 0;
    const I = of(r.institution_id);
    I.set('drg.cases', cases);
    I.set('drg.weightSum', weight);
    if (r.in_county) {
      add(C, 'drg.cases', cases);
      add(C, 'drg.weightSum', weight);
    }
  }
  const pkg = (summary as { package?: { budget_fen: number; charged_fen: number; balance_fen: number; retained_fen: number } }).package;
  if (pkg) {
    C.set('package.budget', pkg.budget_fen);
    C.set('package.charged', pkg.charged_fen);
    C.set('package.balance', pkg.balance_fen);
    C.set('package.retained', pkg.retained_fen);
  }
  // DRG cases (paid by group): payment and charges, and the cost and time consumption indices
  //   index_h = Σ_g (mean_hg / mean_g) × n_hg / Σ_g n_hg   (mean over every grouped case of the year)
  const drg = await store.query<{ institution_id: string; in_county: boolean; n: number; pay: number; charges: number; ci: number; ti: number }>(
    `with c as (
       select sc.institution_id, sc."group" as g, sc.standard_fen, sc.charges_fen, e.los
         from settle_cases sc join encounters e on e.id = sc.encounter_id
        where sc.run_id = $1 and sc.method <> 'item' and sc."group" is not null),
     gm as (select g, avg(charges_fen) as ac, avg(los) as al from c group by g),
     hg as (select institution_id, g, count(*) as n, sum(standard_fen) as pay, sum(charges_fen) as charges, avg(charges_fen) as ac, avg(los) as al from c group by 1, 2)
     select hg.institution_id, bool_or(coalesce(i.in_county, false)) as in_county, sum(hg.n)::float8 as n, sum(hg.pay)::float8 as pay, sum(hg.charges)::float8 as charges,
            sum(case when gm.ac > 0 then hg.ac / gm.ac else 1 end * hg.n)::float8 as ci,
            sum(case when gm.al > 0 then hg.al / gm.al else 1 end * hg.n)::float8 as ti
       from hg join gm using (g) left join institutions i on i.id = hg.institution_id group by hg.institution_id`,
    [runId],
  );
  let cn = 0;
  let cci = 0;
  let cti = 0;
  for (const r of drg) {
    const I = of(r.institution_id);
    I.set('drg.paymentFen', num(r.pay));
    I.set('drg.chargesFen', num(r.charges));
    if (num(r.n) > 0) {
      I.set('drg.costIndex', num(r.ci) / num(r.n));
      I.set('drg.timeIndex', num(r.ti) / num(r.n));
    }
    if (r.in_county) {
      add(C, 'drg.paymentFen', num(r.pay));
      add(C, 'drg.chargesFen', num(r.charges));
      cn += num(r.n);
      cci += num(r.ci);
      cti += num(r.ti);
    }
  }
  if (cn > 0) {
    C.set('drg.costIndex', cci / cn);
    C.set('drg.timeIndex', cti / cn);
  }
  C.set('supervision.findings', 0);
  C.set('supervision.amountFen', 0);
  for (const r of await store.query<{ institution_id: string | null; n: number; amount: number }>(
    'select institution_id, count(*)::float8 as n, sum(amount_fen)::float8 as amount from settle_findings where run_id = $1 group by 1',
    [runId],
  )) {
    add(C, 'supervision.findings', num(r.n));
    add(C, 'supervision.amountFen', num(r.amount));
    if (r.institution_id) {
      const I = of(r.institution_id);
      add(I, 'supervision.findings', num(r.n));
      add(I, 'supervision.amountFen', num(r.amount));
    }
  }

  stage('data items: linkage (fund months, salary, procurement)');
  const [link] = await store.query<{ months: number | null; salary: Array<{ institutionId: string; budget: { salaryBudgetFen: number }; distribution: { totals?: { payFen: number } } }> | null }>(
    `select (summary->>'fund_balance_months')::float8 as months, result->'salary'->'institutions' as salary from linkage_results where county_id = $1 and year = $2`,
    [county, year],
  );
  if (link) {
    if (link.months !== null) C.set('fund.balanceMonths', link.months);
    C.set('salary.budget', 0);
    C.set('salary.paid', 0);
    for (const s of link.salary ?? []) {
      const I = of(s.institutionId);
      const paid = num(s.distribution.totals?.payFen);
      I.set('salary.budget', s.budget.salaryBudgetFen);
      I.set('salary.paid', paid);
      add(C, 'salary.budget', s.budget.salaryBudgetFen);
      add(C, 'salary.paid', paid);
    }
    const vbp = await store.query<{ institution_id: string; due: number; purchased: number; molecule: number; saving: number }>(
      `select institution_id, sum(agreed * time_progress)::float8 as due, sum(purchased)::float8 as purchased, sum(purchased + non_selected)::float8 as molecule, sum(saving_fen)::float8 as saving
         from linkage_agreements where county_id = $1 and year = $2 group by 1`,
      [county, year],
    );
    if (vbp.length) for (const k of ['vbp.agreedToDate', 'vbp.purchasedSelected', 'vbp.selectedQty', 'vbp.moleculeQty', 'vbp.savingFen']) C.set(k, 0);
    for (const r of vbp) {
      const I = of(r.institution_id);
      const vals: Array<[string, number]> = [
        ['vbp.agreedToDate', num(r.due)],
        ['vbp.purchasedSelected', num(r.purchased)],
        ['vbp.selectedQty', num(r.purchased)],
        ['vbp.moleculeQty', num(r.molecule)],
        ['vbp.savingFen', num(r.saving)],
      ];
      for (const [k, v] of vals) {
        I.set(k, v);
        add(C, k, v);
      }
    }
  }
  return { county, year, settlementRun: runId, countyItems: C, institutions: inst };
}

/** Replaces the stored items of the county-year. */
export async function writeItems(tx: StoreTx, items: YearItems): Promise<number> {
  await tx.query('delete from indicator_items where county_id = $1 and year = $2', [items.county, items.year]);
  const rows: unknown[][] = [];
  for (const [k, v] of items.countyItems) rows.push([items.county, items.year, 'county', '', k, v]);
  for (const [id, m] of items.institutions) for (const [k, v] of m) rows.push([items.county, items.year, 'institution', id, k, v]);
  await tx.copyInto('indicator_items', ['county_id', 'year', 'scope', 'institution_id', 'item', 'value'], rows);
  return rows.length;
}

/** The stored items of a county-year, or null when none are stored. */
export async function readItems(store: Store, county: string, year: number): Promise<Omit<YearItems, 'settlementRun'> | null> {
  const rows = await store.query<{ institution_id: string; item: string; value: number }>('select institution_id, item, value from indicator_items where county_id = $1 and year = $2', [county, year]);
  if (rows.length === 0) return null;
  const countyItems: Items = new Map();
  const institutions = new Map<string, Items>();
  for (const r of rows) {
    if (r.institution_id === '') countyItems.set(r.item, r.value);
    else {
      let m = institutions.get(r.institution_id);
      if (!m) institutions.set(r.institution_id, (m = new Map<string, number>()));
      m.set(r.item, r.value);
    }
  }
  return { county, year, countyItems, institutions };
}

// ---------------------------------------------------------------------------------------------
// The assessment loop: settlement (package retention) and the linkage (salary) read the stored
// assessment of the county-year; without one they use the parameter package.assessmentScore.

export interface StoredAssessment {
  schemeId: string;
  score: number;
  storedAt: string;
}

export interface StoredAssessments {
  /** The county community's assessment (scope county). */
  county: StoredAssessment | null;
  /** Each institution's own. */
  institutions: Map<string, StoredAssessment>;
}

/** The assessments stored for a county-year (none when `sanyi indicators` has not run for it). */
export async function storedAssessments(store: Store, county: string, year: number): Promise<StoredAssessments> {
  const rows = await store.query<{ scope: string; institution_id: string; scheme_id: string; score: number; stored_at: Date | string }>(
    'select scope, institution_id, scheme_id, score, stored_at from assessments where county_id = $1 and year = $2 order by scheme_id',
    [county, year],
  );
  const out: StoredAssessments = { county: null, institutions: new Map() };
  for (const r of rows) {
    const a = { schemeId: r.scheme_id, score: r.score, storedAt: new Date(r.stored_at).toISOString() };
    if (r.scope === 'county') out.county ??= a;
    else if (!out.institutions.has(r.institution_id)) out.institutions.set(r.institution_id, a);
  }
  return out;
}

export interface ScoreChoice {
  score: number;
  source: 'assessment' | 'parameter';
  /** What the trace says, e.g. `assessment county_community of 2025 (stored 2026-…)`. */
  note: string;
}

/**
 * The score that applies: the institution's own assessment, else the county's, else the parameter
 * (institutionId null: the county's, else the parameter).
 */
export function chooseScore(stored: StoredAssessments, year: number, institutionId: string | null, parameter: { value: number; path: string }): ScoreChoice {
  const own = institutionId === null ? undefined : stored.institutions.get(institutionId);
  const a = own ?? stored.county;
  if (a) {
    const whose = own ? `institution ${institutionId}'s ` : institutionId === null ? '' : `county (institution ${institutionId} has none): `;
    // A score is 0–100; item points rounded half-up may add up to a hundredth more.
    const score = Math.min(100, Math.max(0, a.score));
    const clamped = score !== a.score ? `, ${a.score} taken as ${score}` : '';
    return { score, source: 'assessment', note: `${whose}assessment ${a.schemeId} of ${year} (stored ${a.storedAt}${clamped})` };
  }
  return { score: parameter.value, source: 'parameter', note: `no assessment stored: parameter ${parameter.path}` };
}
