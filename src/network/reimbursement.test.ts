import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { BenefitRules, newYearAccount, type Claim } from '../insurance/adjudicate.js';
import { loadParamTree, type ParamTree } from '../rules/params.js';
import { loadCatalogue } from '../simulation/catalogue.js';
import type { InstitutionRef } from './common.js';
import { inCountyVersionAt, leftCountyWithoutReferral, loadInCountyDiseases, parseInCountyDiseases, type InCountyDiseaseList } from './in-county.js';
import { requestReferral, transition, type Actor, type Referral } from './referral.js';
import { assignReferralsToStays, claimReferralFlags, referralStatusOfAdmission, type EncounterRef } from './reimbursement.js';

let params: ParamTree;
let list: InCountyDiseaseList;
let diseaseNames: Map<string, { zh: string; en: string }>;
beforeAll(async () => {
  params = await loadParamTree(fileURLToPath(new URL('../../params/', import.meta.url)));
  const catalogue = await loadCatalogue();
  diseaseNames = new Map(catalogue.diseases.map((d) => [d.id, d.name]));
  list = await loadInCountyDiseases(diseaseNames);
});

const COUNTY: InstitutionRef = { id: 'CH-1', level: 'county', inCounty: true };
const PROVINCE: InstitutionRef = { id: 'PROV-1', level: 'out_of_county', inCounty: false };
const CITY: InstitutionRef = { id: 'CITY-1', level: 'out_of_county', inCounty: false };
const countyDoctor: Actor = { kind: 'doctor', id: 'D-1', institutionId: 'CH-1' };
const provincialDesk: Actor = { kind: 'staff', id: 'S-1', institutionId: 'PROV-1' };

/** P-1 referred by the county hospital to the provincial hospital on 1 June 2025, accepted the same day. */
function acceptedReferral(person = 'P-1', opts: { id?: string; day?: string } = {}): Referral {
  const day = opts.day ?? '2025-06-01';
  const r = requestReferral({ id: opts.id ?? `R-${person}`, jurisdiction: 'demo', personId: person, diseaseId: 'cerebral_infarction', from: COUNTY, to: PROVINCE, actor: countyDoctor, at: `${day}T09:00:00+08:00` });
  return transition(r, 'accept', provincialDesk, `${day}T14:00:00+08:00`, { expectedVersion: 1 });
}

const admission = (over: Partial<EncounterRef> = {}): EncounterRef => ({ id: 'E-1', personId: 'P-1', institution: PROVINCE, type: 'inpatient', startDate: '2025-06-03', diseaseId: 'cerebral_infarction', ...over });

describe('the referral status of an admission', () => {
  test('An out-of-county admission with an accepted referral of the same person to that hospital is referred', () => {
    const s = referralStatusOfAdmission(admission(), [acceptedReferral()], params);
    expect(s).toMatchObject({ status: 'referred', referralId: 'R-P-1' });
    expect(s.trace.result).toBe('referred');
  });

  test('Without a referral, with one only requested or declined, to another hospital, of another person, or outside its window, it is self-referred', () => {
    const requested = requestReferral({ id: 'R-x', jurisdiction: 'demo', personId: 'P-1', from: COUNTY, to: PROVINCE, actor: countyDoctor, at: '2025-06-01T09:00:00+08:00' });
    const declined = transition(requested, 'decline', provincialDesk, '2025-06-01T10:00:00+08:00', { expectedVersion: 1, reason: 'treat in county' });
    expect(referralStatusOfAdmission(admission(), [], params)).toMatchObject({ status: 'self_referred', reason: 'the person has no referral' });
    expect(referralStatusOfAdmission(admission(), [requested], params).status).toBe('self_referred');
    expect(referralStatusOfAdmission(admission(), [declined], params).status).toBe('self_referred');
    expect(referralStatusOfAdmission(admission({ institution: CITY }), [acceptedReferral()], params).status).toBe('self_referred');
    expect(referralStatusOfAdmission(admission(), [acceptedReferral('P-2')], params).status).toBe('self_referred');
    // Accepted 1 June 14:00 + 7 days = 8 June; an admission on 9 June is not covered, nor one before the request.
    expect(referralStatusOfAdmission(admission({ startDate: '2025-06-08' }), [acceptedReferral()], params).status).toBe('referred');
    expect(referralStatusOfAdmission(admission({ startDate: '2025-06-09' }), [acceptedReferral()], params).status).toBe('self_referred');
    expect(referralStatusOfAdmission(admission({ startDate: '2025-05-31' }), [acceptedReferral()], params).status).toBe('self_referred');
  });

  test('A referral covers one stay: once linked to its admission, a later admission is self-referred', () => {
    const arrived = transition(acceptedReferral(), 'arrive', provincialDesk, '2025-06-03T08:00:00+08:00', { expectedVersion: 2, encounterId: 'E-1' });
    expect(referralStatusOfAdmission(admission(), [arrived], params).status).toBe('referred');
    expect(referralStatusOfAdmission(admission({ id: 'E-2', startDate: '2025-06-05' }), [arrived], params)).toMatchObject({ status: 'self_referred' });
  });

  test('An admission inside the county is not an out-of-county case', () => {
    expect(referralStatusOfAdmission(admission({ institution: COUNTY }), [], params).status).toBe('in_county');
    expect(claimReferralFlags('in_county')).toEqual({ outOfCounty: false, referred: false });
  });

  test('A resident referred to the provincial hospital is reimbursed at the referred ratio', () => {
    // The demo county's resident tertiary ratio is 60% and the reduction without referral 15 points
    // (params/demo-province/benefit/resident/…); ¥20,000 of class-A charges, ¥800 deductible:
    //   referred:      (2,000,000 − 80,000) × 0.60 = 1,152,000 fen
    //   self-referred: (2,000,000 − 80,000) × 0.45 =   864,000 fen
    const rules = new BenefitRules(params, 'demo');
    const claim = (a: EncounterRef, referrals: Referral[]): Claim => ({
      id: a.id,
      scheme: 'resident',
      type: 'inpatient',
      grade: 'tertiary',
      date: a.startDate,
      ...claimReferralFlags(referralStatusOfAdmission(a, referrals, params).status),
      lines: [{ amountFen: 2_000_000, class: 'A' }],
    });
    const referred = rules.adjudicate(claim(admission(), [acceptedReferral()]), newYearAccount(), { trace: true });
    const self = rules.adjudicate(claim(admission(), []), newYearAccount(), { trace: true });
    expect(referred.basicFundFen).toBe(1_152_000);
    expect(self.basicFundFen).toBe(864_000);
    expect(self.trace.find((s) => s.parameter === 'benefit.resident.outOfCounty.unreferredRatioReduction')?.value).toBe(0.15);
    expect(referred.trace.some((s) => s.parameter === 'benefit.resident.outOfCounty.unreferredRatioReduction')).toBe(false);
  });
});

describe('which referral covers which stay (for the settlement)', () => {
  test('An accepted referral that lists no stay yet covers the earliest stay in its window, and only that one', () => {
    const stays = [admission({ id: 'E-2', startDate: '2025-06-05' }), admission({ id: 'E-1', startDate: '2025-06-03' }), admission({ id: 'E-3', startDate: '2025-06-20' })];
    const m = assignReferralsToStays(stays, [acceptedReferral()], params);
    expect([...m.keys()]).toEqual(['E-1']);
    expect(m.get('E-1')).toEqual({ referralId: 'R-P-1', reason: 'referral R-P-1 accepted, admission within 2025-06-01…2025-06-08' });
  });

  test('Two referrals of one person cover two stays, the earlier referral the earlier stay', () => {
    const second = acceptedReferral('P-1', { id: 'R-second', day: '2025-06-02' });
    const m = assignReferralsToStays([admission({ id: 'E-1', startDate: '2025-06-03' }), admission({ id: 'E-2', startDate: '2025-06-06' })], [second, acceptedReferral()], params);
    expect(Object.fromEntries([...m].map(([k, v]) => [k, v.referralId]))).toEqual({ 'E-1': 'R-P-1', 'E-2': 'R-second' });
  });

  test('A stay linked on arrival is covered by its referral, and a second referral without a link takes the next stay', () => {
    const linked = transition(acceptedReferral(), 'arrive', provincialDesk, '2025-06-06T08:00:00+08:00', { expectedVersion: 2, encounterId: 'E-2' });
    const unlinked = acceptedReferral('P-1', { id: 'R-0', day: '2025-05-31' });
    const m = assignReferralsToStays([admission({ id: 'E-1', startDate: '2025-06-03' }), admission({ id: 'E-2', startDate: '2025-06-06' })], [unlinked, linked], params);
    expect(m.get('E-2')?.referralId).toBe('R-P-1');
    expect(m.get('E-1')?.referralId).toBe('R-0');
  });

  test('A referral only requested, or for another person or hospital, covers nothing', () => {
    const requested = requestReferral({ id: 'R-x', jurisdiction: 'demo', personId: 'P-1', from: COUNTY, to: PROVINCE, actor: countyDoctor, at: '2025-06-01T09:00:00+08:00' });
    expect(assignReferralsToStays([admission()], [requested, acceptedReferral('P-2')], params).size).toBe(0);
    expect(assignReferralsToStays([admission({ institution: CITY })], [acceptedReferral()], params).size).toBe(0);
  });
});

describe('the in-county disease list (县域内应治疗病种)', () => {
  test('The shipped list refers only to catalogue diseases and names them', () => {
    const v = inCountyVersionAt(list, '2025-01-01')!;
    expect(v.reference.basis).toBe('default');
    expect(v.diseases.length).toBeGreaterThanOrEqual(20);
    for (const d of v.diseases) expect(diseaseNames.has(d.id)).toBe(true);
    expect(v.diseases.find((d) => d.id === 'appendicitis')?.name).toEqual({ zh: '急性阑尾炎', en: 'Acute appendicitis' });
    expect(v.diseases.some((d) => d.id === 'lung_cancer')).toBe(false);
    expect(inCountyVersionAt(list, '2023-12-31')).toBeNull();
  });

  test('An unknown disease id, a repeated id and a default without its reason are refused, all at once', () => {
    const text = `label: { zh: 目录, en: List }
versions:
  - effectiveFrom: 2025-01-01
    reference: { basis: default, reason: test }
    diseases: [{ id: appendicitis }, { id: appendicitis }, { id: dragon_pox }]
`;
    expect(() => parseInCountyDiseases(text, new Set(['appendicitis']), 'x.yaml')).toThrow(
      'x.yaml: versions.0.diseases.1: appendicitis listed twice; versions.0.diseases.2: unknown disease dragon_pox (not in catalogue/diseases.yaml)',
    );
    expect(() => parseInCountyDiseases(text.replace(', reason: test', ''), new Set(['appendicitis']), 'x.yaml')).toThrow(/x.yaml: versions.0.reference: «default» needs a reason/);
  });

  test('A case of a listed disease admitted out of county without a referral raises an alert naming the person, encounter, disease and institution', () => {
    const encounters: EncounterRef[] = [
      admission({ id: 'E-1', personId: 'P-1', diseaseId: 'appendicitis', startDate: '2025-06-03' }), // listed, no referral → alert
      admission({ id: 'E-2', personId: 'P-2', diseaseId: 'cerebral_infarction', startDate: '2025-06-03' }), // listed, referred → none
      admission({ id: 'E-3', personId: 'P-3', diseaseId: 'lung_cancer', startDate: '2025-06-03' }), // not listed → none
      admission({ id: 'E-4', personId: 'P-4', diseaseId: 'appendicitis', institution: COUNTY }), // in county → none
      admission({ id: 'E-5', personId: 'P-5', diseaseId: 'hypertension', type: 'outpatient' }), // a visit → none by default
    ];
    const alerts = leftCountyWithoutReferral(encounters, [acceptedReferral('P-2')], list, params);
    expect(alerts).toEqual([
      {
        personId: 'P-1',
        encounterId: 'E-1',
        diseaseId: 'appendicitis',
        diseaseName: { zh: '急性阑尾炎', en: 'Acute appendicitis' },
        institutionId: 'PROV-1',
        date: '2025-06-03',
        listEffectiveFrom: '2024-01-01',
        message: {
          zh: '参保人 P-1 患县域内应治疗病种「急性阑尾炎」，2025-06-03 未经转诊在县外机构 PROV-1 就医（就诊 E-1）',
          en: 'person P-1 with Acute appendicitis, a disease the county treats in county, was treated at PROV-1 outside the county on 2025-06-03 without a referral (encounter E-1)',
        },
      },
    ]);
    expect(leftCountyWithoutReferral(encounters, [], list, params, { types: ['inpatient', 'outpatient'] }).map((a) => a.encounterId)).toEqual(['E-1', 'E-2', 'E-5']);
  });
});
