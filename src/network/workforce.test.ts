import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadParamTree, type ParamTree } from '../rules/params.js';
import { withOverrides } from '../rules/test-support/param-overrides.js';
import { ageingPicture, subsidyRoll, trainingCompletion, vacancy, type TrainingRecord, type Village, type VillageDoctor } from './workforce.js';

let params: ParamTree;
beforeAll(async () => {
  params = await loadParamTree(fileURLToPath(new URL('../../params/', import.meta.url)));
});

const doctors: VillageDoctor[] = [
  { id: 'D1', villageId: 'V1', clinicId: 'VC-1', birthDate: '1962-01-01', qualification: 'licensed_assistant_physician', collegeGraduate: false },
  { id: 'D2', villageId: 'V2', clinicId: 'VC-2', birthDate: '1960-06-30', qualification: 'village_doctor_certificate', collegeGraduate: false },
  { id: 'D3', villageId: 'V4', clinicId: 'VC-4', birthDate: '1998-01-01', qualification: 'village_doctor_certificate', collegeGraduate: true, start: '2025-06-21' },
  { id: 'D4', villageId: 'V5', clinicId: 'VC-5', birthDate: '1950-01-01', qualification: 'village_doctor_certificate', collegeGraduate: false, end: '2025-05-31' },
  { id: 'D5', villageId: 'V1', clinicId: 'VC-1', birthDate: '1955-08-01', qualification: 'none', collegeGraduate: false },
];

describe('village-doctor subsidies and pension contribution, in fen', () => {
  test('A month: subsidy, the addition for a licensed assistant physician, the pension contribution; a doctor who started on the 21st is paid for 10 of 30 days, half-up', () => {
    const roll = subsidyRoll(doctors.slice(0, 4), '2025-06', params, 'demo');
    expect(roll.rows).toEqual([
      { doctorId: 'D1', month: '2025-06', activeDays: 30, subsidyFen: 80_000, qualifiedAdditionFen: 30_000, pensionContributionFen: 20_000, totalFen: 130_000 },
      { doctorId: 'D2', month: '2025-06', activeDays: 30, subsidyFen: 80_000, qualifiedAdditionFen: 0, pensionContributionFen: 20_000, totalFen: 100_000 },
      // 80,000 × 10 / 30 = 26,666.67 → 26,667; 20,000 × 10 / 30 = 6,666.67 → 6,667.
      { doctorId: 'D3', month: '2025-06', activeDays: 10, subsidyFen: 26_667, qualifiedAdditionFen: 0, pensionContributionFen: 6_667, totalFen: 33_334 },
    ]);
    expect(roll.totalFen).toBe(263_334);
    expect(roll.trace.params.map((p) => [p.path, p.value, p.reference.basis])).toEqual([
      ['network.workforce.villageDoctor.subsidyMonthlyFen', 80_000, 'default'],
      ['network.workforce.villageDoctor.qualifiedAdditionMonthlyFen', 30_000, 'default'],
      ['network.workforce.villageDoctor.pensionContributionMonthlyFen', 20_000, 'default'],
    ]);
  });

  test('A county that raises the subsidy pays the new amount', () => {
    const raised = withOverrides(params, 'demo', { 'network.workforce.villageDoctor.subsidyMonthlyFen': 100_000 });
    expect(subsidyRoll(doctors.slice(1, 2), '2025-06', raised, 'demo').totalFen).toBe(120_000);
    expect(() => subsidyRoll(doctors, '2025', params, 'demo')).toThrow(/expected a month/);
  });
});

describe('rotation training (轮训、进修)', () => {
  test('Training days in the year against the 14 days required', () => {
    const records: TrainingRecord[] = [
      { doctorId: 'D1', kind: 'rotation', institutionId: 'CH-1', start: '2025-03-01', end: '2025-03-10' }, // 10 days
      { doctorId: 'D1', kind: 'further_study', institutionId: 'CH-1', start: '2024-12-28', end: '2025-01-05' }, // 5 of them in 2025
      { doctorId: 'D2', kind: 'rotation', institutionId: 'THC-1', start: '2025-04-01', end: '2025-04-13' }, // 13 days
    ];
    const r = trainingCompletion(doctors.slice(0, 4), records, 2025, params, 'demo');
    expect(r.rows).toEqual([
      { doctorId: 'D1', days: 15, met: true },
      { doctorId: 'D2', days: 13, met: false },
      { doctorId: 'D3', days: 0, met: false },
      { doctorId: 'D4', days: 0, met: false },
    ]);
    expect(r.met).toEqual({ numerator: 1, denominator: 4, value: 0.25 });
  });
});

describe('vacancy and ageing (空白村、老龄化)', () => {
  const villages: Village[] = [
    { id: 'V1', townshipId: 'T1' },
    { id: 'V2', townshipId: 'T1' },
    { id: 'V3', townshipId: 'T1' },
    { id: 'V4', townshipId: 'T2' },
    { id: 'V5', townshipId: 'T2' },
  ];

  test('Villages without a doctor in post', () => {
    const v = vacancy(villages, doctors, '2025-06-30');
    expect(v.villagesWithoutDoctor).toEqual(['V3', 'V5']); // V5's doctor left on 31 May
    expect(v.share).toEqual({ numerator: 2, denominator: 5, value: 0.4 });
    expect(v.byTownship).toEqual({ T1: { villages: 3, withoutDoctor: 1 }, T2: { villages: 2, withoutDoctor: 1 } });
  });

  test('The ageing picture: three of four in post are 60 or over', () => {
    const a = ageingPicture(doctors, '2025-06-30', params, 'demo');
    // In post: D1 63, D2 65 (birthday today), D3 27, D5 69 (70 in August).
    expect(a.inPost).toBe(4);
    expect(a.ageing).toEqual({ numerator: 3, denominator: 4, value: 0.75 });
    expect(a.bands).toEqual([
      { label: '<30', count: 1 },
      { label: '30–39', count: 0 },
      { label: '40–49', count: 0 },
      { label: '50–59', count: 0 },
      { label: '60–69', count: 3 },
      { label: '≥70', count: 0 },
    ]);
    expect(a.meanAge).toBe(56);
    expect(a.byQualification).toEqual({ licensed_physician: 0, licensed_assistant_physician: 1, village_doctor_certificate: 2, none: 1 });
    expect(a.licensed).toEqual({ numerator: 1, denominator: 4, value: 0.25 });
    expect(a.collegeGraduates).toEqual({ numerator: 1, denominator: 4, value: 0.25 });
    expect(a.trace.params[0]).toMatchObject({ path: 'network.workforce.agingAge', value: 60 });
  });
});
