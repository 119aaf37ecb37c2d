import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadParamTree, type ParamTree } from '../rules/params.js';
import type { InstitutionRef } from './common.js';
import type { EncounterRef } from './reimbursement.js';
import { medianAndP90, outreachSeries, remoteRequestProblems, scheduledSessions, turnaround, type OutreachSchedule, type RemoteKind, type RemoteRequest } from './remote.js';

let params: ParamTree;
beforeAll(async () => {
  params = await loadParamTree(fileURLToPath(new URL('../../params/', import.meta.url)));
});

const THC: InstitutionRef = { id: 'THC-1', level: 'township', inCounty: true };
const COUNTY: InstitutionRef = { id: 'CH-1', level: 'county', inCounty: true };
const CITY: InstitutionRef = { id: 'CITY-1', level: 'out_of_county', inCounty: false };
const VILLAGE: InstitutionRef = { id: 'VC-1', level: 'village', inCounty: true };

const req = (id: string, kind: RemoteKind, requestedAt: string, hours?: number): RemoteRequest => ({
  id,
  kind,
  from: kind === 'teleconsultation' ? COUNTY : THC,
  to: kind === 'teleconsultation' ? CITY : COUNTY,
  requestedAt,
  ...(hours !== undefined ? { reportedAt: new Date(Date.parse(requestedAt) + hours * 3_600_000).toISOString() } : {}),
});

describe('remote requests (远程会诊、远程影像、远程心电)', () => {
  const requests = [
    req('r1', 'remote_ecg', '2025-03-03T09:00:00+08:00', 0.5), // limit 1 h: on time
    req('r2', 'remote_ecg', '2025-03-04T09:00:00+08:00', 2), // late
    req('r3', 'remote_imaging', '2025-03-05T09:00:00+08:00', 10), // limit 24 h: on time
    req('r4', 'remote_imaging', '2025-03-06T09:00:00+08:00', 30), // late
    req('r5', 'teleconsultation', '2025-03-07T09:00:00+08:00', 24), // limit 48 h: on time
    req('r6', 'teleconsultation', '2025-03-10T09:00:00+08:00'), // pending
    req('r7', 'remote_ecg', '2025-04-01T09:00:00+08:00', 0.2), // April: outside the period
  ];

  test('Median and 90th percentile turnaround, and the share reported within the time limit', () => {
    const march = { start: '2025-03-01', end: '2025-03-31' };
    const r = turnaround(requests, march, params, 'demo', '2025-03-15T00:00:00+08:00');
    // Reported hours 0.5, 2, 10, 24, 30: median 10, p90 the 5th (⌈4.5⌉) = 30.
    expect(r.all).toEqual({ requests: 6, reported: 5, pending: 1, medianHours: 10, p90Hours: 30, withinLimit: { numerator: 3, denominator: 6, value: 0.5 } });
    expect(r.byKind.remote_ecg).toMatchObject({ requests: 2, medianHours: 1.25, p90Hours: 2, withinLimit: { numerator: 1, denominator: 2 } });
    expect(r.byKind.teleconsultation).toMatchObject({ requests: 2, pending: 1, medianHours: 24, withinLimit: { numerator: 1, denominator: 2 } });
    expect(r.trace.params.map((p) => [p.path, p.value])).toEqual([
      ['network.remote.reportWithinHours.remote_ecg', 1],
      ['network.remote.reportWithinHours.remote_imaging', 24],
      ['network.remote.reportWithinHours.teleconsultation', 48],
    ]);
    // Without a reference instant the pending request stays out of the on-time share.
    expect(turnaround(requests, march, params, 'demo').all.withinLimit).toEqual({ numerator: 3, denominator: 5, value: 0.6 });
  });

  test('Quantiles: the middle value, the mean of the two middle ones, the nearest rank', () => {
    expect(medianAndP90([3, 1, 2])).toEqual({ median: 2, p90: 3 });
    expect(medianAndP90([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual({ median: 5.5, p90: 9 });
    expect(medianAndP90([])).toEqual({ median: null, p90: null });
  });

  test('Only township centres and the county ask, and only a higher hospital answers', () => {
    expect(remoteRequestProblems(req('ok', 'remote_imaging', '2025-03-03T09:00:00+08:00', 1))).toEqual([]);
    expect(remoteRequestProblems({ ...req('bad', 'remote_ecg', '2025-03-03T09:00:00+08:00', -1), from: VILLAGE, to: VILLAGE })).toEqual([
      'remote request bad: requested by a village institution (VC-1); only township centres and county hospitals request',
      'remote request bad: VC-1 (village) is not above VC-1 (village)',
      'remote request bad: reported at 2025-03-03T00:00:00.000Z, before it was requested at 2025-03-03T09:00:00+08:00',
    ]);
  });
});

describe('famous-doctor studios and visiting specialists (名医工作室、专家坐诊)', () => {
  const studio: OutreachSchedule = { id: 'studio-cardio', kind: 'famous_doctor_studio', specialistId: 'Prof-W', homeInstitutionId: 'PROV-1', hostInstitutionId: 'CH-1', specialty: 'cardiology', weekdays: [2], everyWeeks: 2, from: '2025-03-04', to: '2025-12-31' };
  const visiting: OutreachSchedule = { id: 'visit-ortho', kind: 'visiting_specialist', specialistId: 'Dr-L', homeInstitutionId: 'CITY-1', hostInstitutionId: 'CH-1', specialty: 'orthopaedics', weekdays: [1, 4], from: '2025-03-01', to: '2025-03-15' };

  test('A studio every other Tuesday and a specialist on Mondays and Thursdays for two weeks', () => {
    expect(scheduledSessions(studio, { start: '2025-03-01', end: '2025-03-31' }).map((s) => s.date)).toEqual(['2025-03-04', '2025-03-18']);
    expect(scheduledSessions(visiting, { start: '2025-03-01', end: '2025-03-31' }).map((s) => s.date)).toEqual(['2025-03-03', '2025-03-06', '2025-03-10', '2025-03-13']);
    expect(() => scheduledSessions({ ...visiting, weekdays: [8] }, { start: '2025-03-01', end: '2025-03-31' })).toThrow(/weekday 8/);
  });

  test('Sessions per month next to out-of-county admissions: the series, not a causal claim', () => {
    const period = { start: '2025-03-01', end: '2025-04-30' };
    const sessions = [...scheduledSessions(studio, period), ...scheduledSessions(visiting, period)];
    const adm = (id: string, date: string, inCounty: boolean, diseaseId = 'heart_failure'): EncounterRef => ({
      id,
      personId: `P-${id}`,
      institution: inCounty ? { id: 'CH-1', level: 'county', inCounty: true } : { id: 'PROV-1', level: 'out_of_county', inCounty: false },
      type: 'inpatient',
      startDate: date,
      diseaseId,
    });
    const admissions = [adm('a1', '2025-03-02', true), adm('a2', '2025-03-09', true), adm('a3', '2025-03-20', false), adm('a4', '2025-04-02', false), adm('a5', '2025-04-03', true, 'appendicitis')];
    const all = outreachSeries(sessions, admissions, '2025-03', '2025-04');
    expect(all.series).toEqual([
      { month: '2025-03', sessions: 6, admissions: 3, outOfCountyAdmissions: 1, outOfCountyShare: 1 / 3 },
      { month: '2025-04', sessions: 3, admissions: 2, outOfCountyAdmissions: 1, outOfCountyShare: 0.5 },
    ]);
    expect(all.note).toMatch(/not a causal estimate/);
    const cardio = outreachSeries(sessions, admissions, '2025-03', '2025-04', { specialty: 'cardiology', diseaseIds: ['heart_failure'] });
    expect(cardio.series.map((m) => [m.sessions, m.admissions, m.outOfCountyAdmissions])).toEqual([
      [2, 3, 1],
      [3, 1, 1],
    ]);
  });
});
