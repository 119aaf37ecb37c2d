/**
 * Reading a stored settlement (what the API serves): the summary and fund status, the package
 * ledger, payments per institution, inpatient case payments, supervision findings, and one claim
 * explained — re-adjudicated with its trace from the person's claims of the year in date order,
 * which gives the stored figures again because the rules are deterministic (the response carries
 * both so a reader can see they agree).
 */
import type { ParamTree } from '../rules/params.js';
import type { Store } from '../store/store.js';
import type { Adjudication, Claim } from '../insurance/adjudicate.js';
import { coverStaysByApiReferrals } from './referral-cover.js';
import type { StayCover } from '../network/reimbursement.js';
import { ENCOUNTER_SELECT, parseEncounters, readInstitutions, SettleInputError, type PersonInfo } from './read-year.js';
import { adjudicateYear, chronicConditionsOf } from './settle.js';
import { daysFromCivil } from '../rules/period.js';

export class NotSettledError extends Error {
  override name = 'NotSettledError';
}

export async function settlementRun(store: Store, county: string, year: number): Promise<{ runId: number; summary: Record<string, unknown> }> {
  const rows = await store.query<{ run_id: number; summary: Record<string, unknown> }>('select run_id, summary from settlements where county_id = $1 and year = $2', [county, year]);
  const row = rows[0];
  if (!row) throw new NotSettledError(`${county} ${year} has not been settled: run \`sanyi settle --jurisdiction ${county} --year ${year}\``);
  return { runId: row.run_id, summary: row.summary };
}

export async function listSettlements(store: Store): Promise<Array<{ jurisdiction: string; year: number; runId: number; finishedAt: string }>> {
  const rows = await store.query<{ county_id: string; year: number; run_id: number; finished_at: Date }>('select county_id, year, run_id, finished_at from settlements order by county_id, year');
  return rows.map((r) => ({ jurisdiction: r.county_id, year: r.year, runId: r.run_id, finishedAt: new Date(r.finished_at).toISOString() }));
}

const camel = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));

export async function ledger(store: Store, county: string, year: number) {
  const { runId } = await settlementRun(store, county, year);
  return (await store.query('select month, budget_fen, advance_fen, in_county_fen, out_of_county_fen, pharmacy_fen, charged_fen, cumulative_charged_fen, cumulative_balance_fen from settle_ledger where run_id = $1 order by month', [runId])).map(camel);
}

export async function institutionPayments(store: Store, county: string, year: number) {
  const { runId } = await settlementRun(store, county, year);
  return (
    await store.query(
      `select s.institution_id, i.name_zh, i.name_en, i.kind, i.level, s.in_county, s.claims, s.inpatient_cases, s.charges_fen, s.fund_fen, s.patient_fen, s.payment_fen, s.capitation_fen, s.balance_fen, s.detail
         from settle_institutions s left join institutions i on i.id = s.institution_id where s.run_id = $1 order by s.in_county desc, s.payment_fen desc`,
      [runId],
    )
  ).map(camel);
}

export async function casePayments(store: Store, county: string, year: number, q: { institution?: string | undefined; limit: number; offset: number }) {
  const { runId } = await settlementRun(store, county, year);
  const where = q.institution ? 'and institution_id = $2' : '';
  const args: unknown[] = [runId, ...(q.institution ? [q.institution] : [])];
  const [count] = await store.query<{ n: number }>(`select count(*)::int as n from settle_cases where run_id = $1 ${where}`, args);
  const rows = await store.query(
    `select encounter_id, institution_id, method, "group", exclusion, outlier, standard_fen, charges_fen, fund_fen, patient_fen, balance_fen from settle_cases where run_id = $1 ${where} order by encounter_id limit ${q.limit | 0} offset ${q.offset | 0}`,
    args,
  );
  return { total: count?.n ?? 0, cases: rows.map(camel) };
}

export async function findings(store: Store, county: string, year: number, q: { rule?: string | undefined; institution?: string | undefined; limit: number; offset: number }) {
  const { runId } = await settlementRun(store, county, year);
  const conds: string[] = ['run_id = $1'];
  const args: unknown[] = [runId];
  if (q.rule) conds.push(`rule_id = $${args.push(q.rule)}`);
  if (q.institution) conds.push(`institution_id = $${args.push(q.institution)}`);
  const where = conds.join(' and ');
  const [count] = await store.query<{ n: number }>(`select count(*)::int as n from settle_findings where ${where}`, args);
  const byRule = await store.query<{ rule_id: string; n: number; amount_fen: number }>('select rule_id, count(*)::int as n, sum(amount_fen)::bigint as amount_fen from settle_findings where run_id = $1 group by rule_id order by rule_id', [runId]);
  const rows = await store.query(`select seq, rule_id, institution_id, person_id, encounter_ids, first_date, last_date, amount_fen, detail from settle_findings where ${where} order by seq limit ${q.limit | 0} offset ${q.offset | 0}`, args);
  return { total: count?.n ?? 0, byRule: byRule.map(camel), findings: rows.map(camel) };
}

export interface ClaimExplanation {
  encounterId: number;
  personId: number;
  /** What the settlement stored. */
  stored: { fundFen: number; criticalIllnessFen: number; patientFen: number; hospitalFen: number };
  /** The claim as adjudicated, and its adjudication with the trace. */
  claim: Claim;
  adjudication: Adjudication;
  /** The person's claims of the year before this one (their order decides deductibles and ceilings). */
  earlierClaims: number;
  /** The inpatient case payment, when the claim is an inpatient case. */
  casePayment: Record<string, unknown> | null;
  /** The referral requested through the API that covers this stay (转诊覆盖), with the reason; null when none does. */
  apiReferral: StayCover | null;
}

export async function explainClaim(store: Store, params: ParamTree, county: string, year: number, encounterId: number): Promise<ClaimExplanation> {
  const { runId } = await settlementRun(store, county, year);
  const [enc] = await store.query<{ person_id: number }>('select person_id from encounters where id = $1 and county_id = $2', [encounterId, county]);
  if (!enc) throw new SettleInputError(`claim ${encounterId} is not an encounter of ${county}`);
  const personId = enc.person_id;
  const [stored] = await store.query<{ fund_fen: number; critical_illness_fen: number; patient_fen: number; hospital_fen: number }>(
    `select c.fund_fen, c.critical_illness_fen, c.patient_fen, c.hospital_fen
       from settle_claims s, unnest(s.encounter_ids, s.fund_fen, s.critical_illness_fen, s.patient_fen, s.hospital_fen) as c(encounter_id, fund_fen, critical_illness_fen, patient_fen, hospital_fen)
      where s.run_id = $1 and s.person_id = $2 and c.encounter_id = $3`,
    [runId, personId, encounterId],
  );
  if (!stored) throw new SettleInputError(`claim ${encounterId} is not among the settled claims of ${county} ${year}`);
  const { institutions, instIndex } = await readInstitutions(store, county);
  const rows = (await store.copyOut(`${ENCOUNTER_SELECT} where e.county_id = '${county.replace(/'/g, "''")}' and e.person_id = ${Number(personId)} and e.end_date between '${year}-01-01' and '${year}-12-31' order by e.person_id, e.end_date, e.id`))
    .split('\n')
    .filter((l) => l !== '');
  const encounters = parseEncounters(rows, institutions, instIndex);
  const apiCover = await coverStaysByApiReferrals(store, params, county, year, encounters);
  const [p] = await store.query<{ conditions: string; category: string | null; family_doctor: boolean; exit_date: string | null; exit_reason: string | null; township_id: string }>(
    `select r.conditions, en.category, r.family_doctor, r.exit_date::text, r.exit_reason, r.township_id from residents r left join enrolments en on en.resident_id = r.id and en.year = $2 where r.id = $1`,
    [personId, year],
  );
  const ed = p?.exit_reason === 'death' && p.exit_date ? p.exit_date : null;
  const person: PersonInfo = {
    conditions: p?.conditions ? p.conditions.split('|') : [],
    retired: p?.category === 'retiree',
    enrolled: p?.category != null,
    familyDoctor: p?.family_doctor ?? false,
    deathDay: ed ? daysFromCivil(+ed.slice(0, 4), +ed.slice(5, 7), +ed.slice(8, 10)) : -1,
    townshipId: p?.township_id ?? '',
  };
  let row = -1;
  for (let r = 0; r < encounters.length; r++) if (encounters.id[r] === encounterId) row = r;
  let explained: { a: Adjudication; c: Claim } | undefined;
  adjudicateYear({ county, encounters, persons: new Map([[personId, person]]) }, params, await chronicConditionsOf(), {
    explainRow: row,
    onExplain: (a, c) => (explained = { a, c }),
  });
  const [casePayment] = await store.query('select method, "group", exclusion, outlier, standard_fen, charges_fen, fund_fen, patient_fen, balance_fen from settle_cases where run_id = $1 and encounter_id = $2', [runId, encounterId]);
  return {
    encounterId,
    personId,
    stored: { fundFen: stored.fund_fen, criticalIllnessFen: stored.critical_illness_fen, patientFen: stored.patient_fen, hospitalFen: stored.hospital_fen },
    claim: explained!.c,
    adjudication: explained!.a,
    earlierClaims: row,
    casePayment: casePayment ? camel(casePayment) : null,
    apiReferral: apiCover.covered.get(row) ?? null,
  };
}
