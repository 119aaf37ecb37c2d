/**
 * The link from referrals to reimbursement (转诊与报销衔接): an out-of-county admission is `referred`
 * when an accepted (or later) referral of the same person to the same institution covers it, else
 * `self_referred` (未经转诊). Issue 5's benefit rules then take the out-of-county ratio reduction
 * (`benefit.<scheme>.outOfCounty.unreferredRatioReduction`) off a self-referred admission:
 * `claimReferralFlags` gives the `outOfCounty` and `referred` fields of its `Claim`.
 *
 * A referral covers an admission when
 *   - same person, and the referral's receiving institution is the admission's institution,
 *   - the referral was accepted (state accepted, arrived, record_returned or closed), and
 *   - either the referral lists the admission among its encounters, or it lists none yet and the
 *     admission starts between the request date and the arrival deadline (acceptance +
 *     `network.referral.arriveWithinDays`, China dates). One referral covers one stay: a referral
 *     already linked to another encounter does not cover a second one.
 * Of several covering referrals the earliest requested is reported.
 */
import type { ParamTree } from '../rules/params.js';
import type { IsoDate } from '../rules/period.js';
import { TraceBuilder, type Trace } from '../rules/trace.js';
import { addHours, chinaDate, type InstitutionRef } from './common.js';
import { enteredAt, type Referral, type ReferralState } from './referral.js';

export type AdmissionReferralStatus = 'in_county' | 'referred' | 'self_referred';

/** An encounter as the referral link needs it. */
export interface EncounterRef {
  id: string;
  personId: string;
  institution: InstitutionRef;
  type: 'outpatient' | 'emergency' | 'inpatient';
  /** Admission or visit date. */
  startDate: IsoDate;
  diseaseId?: string;
}

/** States in which a referral counts for reimbursement (accepted or later). */
export const COVERING_STATES: readonly ReferralState[] = ['accepted', 'arrived', 'record_returned', 'closed'];

export interface ReferralStatusResult {
  status: AdmissionReferralStatus;
  referralId: string | null;
  reason: string;
  trace: Trace;
}

/** Whether `r` covers encounter `a` (see the module comment), with the reason. */
export function covers(r: Referral, a: EncounterRef, params: ParamTree): { covers: boolean; reason: string } {
  if (r.personId !== a.personId) return { covers: false, reason: 'another person' };
  if (r.to.id !== a.institution.id) return { covers: false, reason: `referred to ${r.to.id}, not ${a.institution.id}` };
  if (!COVERING_STATES.includes(r.state)) return { covers: false, reason: `referral ${r.state}, not accepted` };
  if (r.encounterIds.length > 0) {
    return r.encounterIds.includes(a.id) ? { covers: true, reason: `referral ${r.id} lists encounter ${a.id}` } : { covers: false, reason: `referral ${r.id} already covers encounter ${r.encounterIds.join(', ')}` };
  }
  const acceptedAt = enteredAt(r, 'accepted');
  if (!acceptedAt) return { covers: false, reason: 'no acceptance in the history' };
  const days = params.number('network.referral.arriveWithinDays', chinaDate(acceptedAt), r.jurisdiction).value;
  const from = chinaDate(r.requestedAt);
  const to = chinaDate(addHours(acceptedAt, days * 24));
  if (a.startDate < from || a.startDate > to) return { covers: false, reason: `admission on ${a.startDate} outside ${from}…${to}` };
  return { covers: true, reason: `referral ${r.id} accepted, admission within ${from}…${to}` };
}

/**
 * `in_county` for an admission inside the county; for one outside it, `referred` when a referral
 * covers it, else `self_referred`. `referrals` may hold anyone's referrals; only the person's count.
 */
export function referralStatusOfAdmission(admission: EncounterRef, referrals: readonly Referral[], params: ParamTree): ReferralStatusResult {
  const t = new TraceBuilder('network.referral.admissionStatus', { encounter: admission.id, person: admission.personId, institution: admission.institution.id, date: admission.startDate }, { zh: '县外住院转诊状态', en: 'Referral status of an out-of-county admission' });
  if (admission.institution.inCounty) {
    t.step('inCounty', true);
    const reason = `${admission.institution.id} is inside the county`;
    return { status: 'in_county', referralId: null, reason, trace: t.done('in_county') };
  }
  const own = referrals.filter((r) => r.personId === admission.personId).sort((x, y) => (x.requestedAt < y.requestedAt ? -1 : x.requestedAt > y.requestedAt ? 1 : 0));
  for (const r of own) {
    const c = covers(r, admission, params);
    t.step(`referral ${r.id}`, c.covers, { note: c.reason });
    if (c.covers) return { status: 'referred', referralId: r.id, reason: c.reason, trace: t.done('referred') };
  }
  const reason = own.length ? `none of the person's ${own.length} referral(s) covers it` : 'the person has no referral';
  t.step('selfReferred', true, { note: reason });
  return { status: 'self_referred', referralId: null, reason, trace: t.done('self_referred') };
}

/** The `outOfCounty` and `referred` fields of an insurance claim (src/insurance/adjudicate.ts `Claim`). */
export function claimReferralFlags(status: AdmissionReferralStatus): { outOfCounty: boolean; referred: boolean } {
  switch (status) {
    case 'in_county':
      return { outOfCounty: false, referred: false };
    case 'referred':
      return { outOfCounty: true, referred: true };
    case 'self_referred':
      return { outOfCounty: true, referred: false };
  }
}

/** The referral that covers a stay, with the reason (`assignReferralsToStays`). */
export interface StayCover {
  referralId: string;
  reason: string;
}

/**
 * Which referral covers which stay, one referral for one stay (一次转诊对应一次就诊), over any number of
 * people: for the settlement, which must not let one referral cover two stays.
 *  1. A referral that lists encounters covers those of them among `stays` (the link written on
 *     arrival wins over any window).
 *  2. Then each referral that lists none, earliest requested first (ties by id), covers the earliest
 *     stay (by start date, then id) that `covers` accepts and no referral covers yet.
 * Referrals not accepted (or later) cover nothing. The result maps a stay's id to its cover.
 */
export function assignReferralsToStays(stays: readonly EncounterRef[], referrals: readonly Referral[], params: ParamTree): Map<string, StayCover> {
  const out = new Map<string, StayCover>();
  const byId = new Map(stays.map((s) => [s.id, s]));
  const byPerson = new Map<string, EncounterRef[]>();
  for (const s of stays) {
    const l = byPerson.get(s.personId);
    if (l) l.push(s);
    else byPerson.set(s.personId, [s]);
  }
  for (const l of byPerson.values()) l.sort((x, y) => (x.startDate < y.startDate ? -1 : x.startDate > y.startDate ? 1 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const ordered = referrals.filter((r) => COVERING_STATES.includes(r.state)).sort((x, y) => (x.requestedAt < y.requestedAt ? -1 : x.requestedAt > y.requestedAt ? 1 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  for (const r of ordered) {
    for (const id of r.encounterIds) {
      const s = byId.get(id);
      if (!s || out.has(id)) continue;
      const c = covers(r, s, params);
      if (c.covers) out.set(id, { referralId: r.id, reason: c.reason });
    }
  }
  for (const r of ordered) {
    if (r.encounterIds.length > 0) continue;
    for (const s of byPerson.get(r.personId) ?? []) {
      if (out.has(s.id)) continue;
      const c = covers(r, s, params);
      if (c.covers) {
        out.set(s.id, { referralId: r.id, reason: c.reason });
        break;
      }
    }
  }
  return out;
}
