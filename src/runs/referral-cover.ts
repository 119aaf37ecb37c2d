/**
 * 转诊覆盖 — the settlement's link from referrals requested through the API (`origin = 'api'`, the
 * inbox/outbox of the care network) to the stays they cause.
 *
 * A generated encounter carries its generated referral's id, and `ENCOUNTER_SELECT` (read-year.ts)
 * reads it against the workflow. A referral requested through the API has no such id on any
 * encounter: it covers a stay by the rule of `src/network/reimbursement.ts` — same person, the
 * receiving institution, accepted or later, and either the encounter linked on arrival or, with none
 * linked, the first stay starting between the request date and the arrival deadline. One referral
 * covers one stay (`assignReferralsToStays`). A covered stay is marked referred (the referred ratio of
 * the benefit rules); a stay already referred stays referred.
 */
import { dateOfDay } from '../rules/period.js';
import type { ParamTree } from '../rules/params.js';
import type { Queryable } from '../store/store.js';
import { ENCOUNTER_TYPE_CODES, type EncounterColumns } from '../insurance/columns.js';
import { assignReferralsToStays, COVERING_STATES, type EncounterRef, type StayCover } from '../network/reimbursement.js';
import type { Referral } from '../network/referral.js';
import { REFERRAL_COLUMNS, referralOf, type EventRow, type ReferralRow } from './network.js';

export interface ApiReferralCover {
  /** API referrals accepted or later that could cover a stay of the year. */
  referrals: number;
  /** Rows of the encounter columns each covered, with its referral and the reason. */
  covered: Map<number, StayCover>;
  /** Of those, rows that were not referred before (their ratio changes). */
  newlyReferred: number;
}

/**
 * The county's stored referrals accepted or later (those that can cover a stay) requested from the
 * start of the year before `year` to its end, with their histories: only those requested through the
 * API (`apiOnly`), or all but the generated ones of one build year (`exceptGeneratedOfYear`: the
 * build that is writing them anew).
 */
export async function loadStoredReferrals(q: Queryable, county: string, year: number, opts: { apiOnly?: boolean; exceptGeneratedOfYear?: number }): Promise<Referral[]> {
  const origin = opts.apiOnly ? ` and origin = 'api'` : opts.exceptGeneratedOfYear !== undefined ? ` and not (origin = 'generated' and year = ${opts.exceptGeneratedOfYear | 0})` : '';
  const where = `county_id = $1${origin} and state in (${COVERING_STATES.map((s) => `'${s}'`).join(', ')})
      and requested_at >= $2::timestamptz and requested_at < $3::timestamptz`;
  const args = [county, `${year - 1}-01-01T00:00:00+08:00`, `${year + 1}-01-01T00:00:00+08:00`];
  const rows = await q.query<ReferralRow>(`select ${REFERRAL_COLUMNS} from network_referrals where ${where} order by id`, args);
  if (rows.length === 0) return [];
  const events = await q.query<EventRow>(`select * from network_referral_events where referral_id in (select id from network_referrals where ${where}) order by referral_id, seq`, args);
  const eventsOf = new Map<string, EventRow[]>();
  for (const e of events) {
    const l = eventsOf.get(e.referral_id);
    if (l) l.push(e);
    else eventsOf.set(e.referral_id, [e]);
  }
  return rows.map((r) => referralOf(r, eventsOf.get(r.id) ?? []));
}

/** Marks the stays of `E` that the county's API referrals cover as referred; returns what it did. */
export async function coverStaysByApiReferrals(q: Queryable, params: ParamTree, county: string, year: number, E: EncounterColumns): Promise<ApiReferralCover> {
  const referrals = await loadStoredReferrals(q, county, year, { apiOnly: true });
  const covered = new Map<number, StayCover>();
  if (referrals.length === 0) return { referrals: 0, covered, newlyReferred: 0 };
  const persons = new Set(referrals.map((r) => Number(r.personId)));
  const stays: EncounterRef[] = [];
  const rowOf = new Map<string, number>();
  for (let r = 0; r < E.length; r++) {
    if (!persons.has(E.person[r]!)) continue;
    const inst = E.institutions[E.institution[r]!]!;
    const id = String(E.id[r]);
    rowOf.set(id, r);
    stays.push({ id, personId: String(E.person[r]), institution: { id: inst.id, level: inst.careLevel, inCounty: inst.inCounty }, type: ENCOUNTER_TYPE_CODES[E.type[r]!]!, startDate: dateOfDay(E.start[r]!) });
  }
  let newlyReferred = 0;
  for (const [id, cover] of assignReferralsToStays(stays, referrals, params)) {
    const r = rowOf.get(id)!;
    covered.set(r, cover);
    if (E.referred[r] !== 1) newlyReferred++;
    E.referred[r] = 1;
  }
  return { referrals: referrals.length, covered, newlyReferred };
}
