import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadParamTree, type ParamTree } from '../rules/params.js';
import { withOverrides } from '../rules/test-support/param-overrides.js';
import {
  contractFee,
  contractProblems,
  coverage,
  ownTeamVisitShare,
  packageFulfilment,
  packageIdsFor,
  pregnanciesFromDeliveries,
  pregnantDuring,
  priorityGroupsOf,
  renewalRate,
  renewContract,
  SERVICE_PACKAGES,
  teamGaps,
  teamInstitutions,
  teamPayments,
  type Contract,
  type Resident,
  type ServiceRecord,
  type Team,
} from './family-doctor.js';

let params: ParamTree;
beforeAll(async () => {
  params = await loadParamTree(fileURLToPath(new URL('../../params/', import.meta.url)));
});

const team: Team = {
  id: 'T1',
  institutionId: 'THC-1',
  members: [
    { staffId: 'S-1', role: 'specialist', title: 'associate_chief_physician', institutionId: 'CH-1' },
    { staffId: 'S-2', role: 'general_practitioner', title: 'attending_physician', institutionId: 'THC-1' },
    { staffId: 'S-3', role: 'village_doctor', title: 'none', institutionId: 'VC-3' },
  ],
};
const contract = (id: string, personId: string, start: string, end: string, packageIds = ['basic'], teamId = 'T1'): Contract => ({ id, personId, teamId, start, end, packageIds });

describe('teams (三师共管)', () => {
  test('A team with a county specialist, a township GP and a village doctor is complete; its own institutions leave out the specialist’s hospital', () => {
    expect(teamGaps(team)).toEqual([]);
    expect([...teamInstitutions(team)]).toEqual(['THC-1', 'VC-3']);
    expect(teamGaps({ ...team, members: team.members.slice(1, 2) })).toEqual(['team T1: no county specialist (专科医生)', 'team T1: no village doctor or health manager (乡村医生/健康管理师)']);
  });

  test('The hypertension and diabetes packages promise four follow-ups a year and a health check', () => {
    const htn = SERVICE_PACKAGES.find((p) => p.id === 'hypertension')!;
    expect(htn.items).toEqual([
      { service: 'hypertension_follow_up', perYear: 4 },
      { service: 'health_check', perYear: 1 },
    ]);
    expect(SERVICE_PACKAGES.find((p) => p.id === 'diabetes')!.items[0]).toEqual({ service: 'diabetes_follow_up', perYear: 4 });
    expect(contractProblems(contract('C-1', 'P', '2025-01-01', '2024-12-31', ['basic', 'gold']))).toEqual(['contract C-1: ends 2024-12-31 before it starts 2025-01-01', 'contract C-1: unknown package gold']);
  });
});

describe('coverage of priority groups (重点人群签约率)', () => {
  // On 2025-06-30 in the demo county (elderly ≥ 65, children ≤ 6 in completed years):
  const residents: Resident[] = [
    { id: 'A', birthDate: '1950-01-01', conditions: ['hypertension'] }, // 75: elderly, hypertension — contracted
    { id: 'B', birthDate: '1958-07-01' }, // 66: elderly — not contracted
    { id: 'C', birthDate: '1960-07-01', conditions: ['diabetes'] }, // 64 (65 tomorrow): diabetes — contracted
    { id: 'D', birthDate: '2019-07-01' }, // 5: child — contracted
    { id: 'E', birthDate: '2018-06-30' }, // 7 today: no group — not contracted
    { id: 'F', birthDate: '1995-03-01', pregnancies: [{ start: '2025-02-01', end: '2025-11-01' }] }, // pregnant — not contracted
    { id: 'G', birthDate: '1990-05-05' }, // contract ended 2025-05-31
    { id: 'H', birthDate: '1980-05-05', exitDate: '2025-03-01' }, // left the county: not counted
    { id: 'I', birthDate: '1985-05-05' }, // no group — contracted
  ];
  const contracts = [
    contract('c-A', 'A', '2025-01-01', '2025-12-31', ['basic', 'elderly', 'hypertension']),
    contract('c-C', 'C', '2025-01-01', '2025-12-31', ['basic', 'diabetes']),
    contract('c-D', 'D', '2024-09-01', '2025-08-31', ['child']),
    contract('c-G', 'G', '2024-06-01', '2025-05-31'),
    contract('c-H', 'H', '2025-01-01', '2025-12-31'),
    contract('c-I', 'I', '2025-01-01', '2025-12-31'),
  ];

  test('Coverage overall and per priority group, hand-computed', () => {
    const c = coverage(residents, contracts, '2025-06-30', params, 'demo');
    expect(c.overall).toEqual({ numerator: 4, denominator: 8, value: 0.5 }); // A, C, D, I of the 8 present
    expect(c.anyPriority).toEqual({ numerator: 3, denominator: 5, value: 0.6 }); // A, B, C, D, F
    expect(c.byGroup.elderly).toEqual({ numerator: 1, denominator: 2, value: 0.5 });
    expect(c.byGroup.hypertension).toEqual({ numerator: 1, denominator: 1, value: 1 });
    expect(c.byGroup.diabetes).toEqual({ numerator: 1, denominator: 1, value: 1 });
    expect(c.byGroup.children).toEqual({ numerator: 1, denominator: 1, value: 1 });
    expect(c.byGroup.pregnant).toEqual({ numerator: 0, denominator: 1, value: 0 });
    expect(c.trace.params.map((p) => [p.path, p.value])).toEqual([
      ['network.familyDoctor.priority.elderlyMinAge', 65],
      ['network.familyDoctor.priority.childMaxAge', 6],
    ]);
  });

  test('The age lines are parameters: at 60 the county counts B and C as elderly', () => {
    const at60 = withOverrides(params, 'demo', { 'network.familyDoctor.priority.elderlyMinAge': 60 });
    expect(coverage(residents, contracts, '2025-06-30', at60, 'demo').byGroup.elderly).toEqual({ numerator: 2, denominator: 3, value: 2 / 3 });
    expect(priorityGroupsOf(residents[2]!, '2025-07-01', { elderlyMinAge: 65, childMaxAge: 6 })).toEqual(['elderly', 'diabetes']);
  });

  test('Over a period, the pregnant group counts the women pregnant at some time in it, contracted while pregnant', () => {
    const women: Resident[] = [
      { id: 'F', birthDate: '1995-03-01', pregnancies: [{ start: '2025-02-01', end: '2025-11-01' }] }, // contracted only after delivering: not while pregnant
      { id: 'K', birthDate: '1996-01-01', pregnancies: [{ start: '2024-04-01', end: '2025-01-05' }] }, // delivered 5 January, contracted from 1 January
      { id: 'L', birthDate: '1997-01-01', pregnancies: [{ start: '2025-09-01', end: '2026-06-07' }], exitDate: '2025-08-31' }, // left before her pregnancy: not counted
      { id: 'M', birthDate: '1998-01-01', pregnancies: [{ start: '2023-01-01', end: '2023-10-01' }] }, // pregnant before the period: not counted
    ];
    const cs = [contract('c-F', 'F', '2025-11-02', '2025-12-31'), contract('c-K', 'K', '2025-01-01', '2025-12-31'), contract('c-L', 'L', '2025-01-01', '2025-08-31')];
    const over = coverage(women, cs, '2025-12-31', params, 'demo', { period: { start: '2025-01-01', end: '2025-12-31' } });
    expect(over.byGroup.pregnant).toEqual({ numerator: 1, denominator: 2, value: 0.5 });
    // On the date alone, no one of them is pregnant on 31 December.
    expect(coverage(women, cs, '2025-12-31', params, 'demo').byGroup.pregnant.denominator).toBe(0);
    expect(over.trace.steps.find((x) => x.name === 'pregnant')?.formula).toBe('1 / 2: pregnant at some time in 2025-01-01..2025-12-31, contracted while pregnant');
  });

  test('An empty group has no value and says why', () => {
    expect(coverage([], [], '2025-06-30', params, 'demo').byGroup.pregnant).toEqual({ numerator: 0, denominator: 0, value: null, reason: 'no resident in group pregnant' });
  });
});

describe('pregnancies (孕产妇) and the packages of the priority groups', () => {
  test('A pregnancy ends on the delivery and starts 280 days before it; a second delivery within 280 days is the same pregnancy', () => {
    expect(pregnanciesFromDeliveries(['2025-10-14', '2025-06-09', '2025-12-24', '2027-01-10'], 280)).toEqual([
      { start: '2024-09-02', end: '2025-06-09' },
      { start: '2026-04-05', end: '2027-01-10' },
    ]);
    expect(pregnanciesFromDeliveries([], 280)).toEqual([]);
    expect(() => pregnanciesFromDeliveries(['2025-01-01'], 0)).toThrow('pregnancy length must be a whole number of days ≥ 1, not 0');
  });

  test('A pregnant woman is in the pregnant group on the days of her pregnancy, and her contract holds the maternal package', () => {
    const w: Resident = { id: 'W', birthDate: '1995-03-01', pregnancies: pregnanciesFromDeliveries(['2025-06-09'], 280) };
    expect(priorityGroupsOf(w, '2025-01-01', { elderlyMinAge: 65, childMaxAge: 6 })).toEqual(['pregnant']);
    expect(priorityGroupsOf(w, '2025-06-10', { elderlyMinAge: 65, childMaxAge: 6 })).toEqual([]);
    expect(pregnantDuring(w, '2025-06-09', '2025-12-31')).toBe(true);
    expect(pregnantDuring(w, '2025-06-10', '2025-12-31')).toBe(false);
    expect(packageIdsFor(['pregnant'])).toEqual(['basic', 'maternal']);
    expect(packageIdsFor(['elderly', 'hypertension', 'diabetes'])).toEqual(['basic', 'elderly', 'hypertension', 'diabetes']);
    expect(packageIdsFor(['children'])).toEqual(['basic', 'child']);
  });
});

describe('the contract fee and its split, in fen', () => {
  test('In the demo county from 2025: ¥100, of which the fund ¥35, the resident ¥10 and public-health funds ¥55', () => {
    const f = contractFee('2025-06-01', params, 'demo');
    expect([f.totalFen, f.insuranceFen, f.personalFen, f.publicHealthFen]).toEqual([10_000, 3_500, 1_000, 5_500]);
    expect(f.trace.params.map((p) => p.jurisdiction)).toEqual(['demo', 'demo', 'national']);
  });

  test('Before the county value, the national default: ¥120 = ¥60 + ¥12 + ¥48', () => {
    const f = contractFee('2024-06-01', params, 'demo');
    expect([f.totalFen, f.insuranceFen, f.personalFen, f.publicHealthFen]).toEqual([12_000, 6_000, 1_200, 4_800]);
  });

  test('Odd fees round half-up per share and the public-health part takes the rest: 12,345 = 4,321 + 1,235 + 6,789', () => {
    const odd = withOverrides(params, 'demo', { 'network.familyDoctor.fee.annualFen': 12_345 });
    const f = contractFee('2025-06-01', odd, 'demo');
    // 12,345 × 0.35 = 4,320.75 → 4,321; 12,345 × 0.10 = 1,234.5 → 1,235 (half-up); 12,345 − 4,321 − 1,235 = 6,789.
    expect([f.insuranceFen, f.personalFen, f.publicHealthFen]).toEqual([4_321, 1_235, 6_789]);
    expect(f.insuranceFen + f.personalFen + f.publicHealthFen).toBe(12_345);
  });

  test('Shares above one are refused', () => {
    const bad = withOverrides(params, 'demo', { 'network.familyDoctor.fee.personalShare': 0.7 });
    expect(() => contractFee('2025-06-01', bad, 'demo')).toThrow(/insurance share 0.35 \+ personal share 0.7 exceed 1/);
  });
});

describe('per-capita payment to the team', () => {
  test('Fee × team share, pro-rated by the days of the term in the period, half-up once per contract, at the fee in force at the contract start', () => {
    const contracts = [
      contract('k1', 'P1', '2025-01-01', '2025-12-31'), // 10,000 × 0.7 = 7,000
      contract('k2', 'P2', '2025-07-01', '2026-06-30'), // 7,000 × 184 / 365 = 3,528.77 → 3,529
      contract('k3', 'P3', '2024-07-01', '2025-06-30', ['basic'], 'T2'), // national fee 12,000 × 0.7 × 181 / 365 = 4,165.48 → 4,165
      contract('k4', 'P4', '2023-01-01', '2023-12-31', ['basic'], 'T2'), // outside the period
    ];
    const r = teamPayments(contracts, { start: '2025-01-01', end: '2025-12-31' }, params, 'demo');
    expect(r.teams).toEqual([
      { teamId: 'T1', contracts: 2, persons: 2, paymentFen: 10_529, perCapitaFen: 5_265 },
      { teamId: 'T2', contracts: 1, persons: 1, paymentFen: 4_165, perCapitaFen: 4_165 },
    ]);
    expect(r.totalFen).toBe(14_694);
    expect(r.trace.params.map((p) => `${p.path}=${JSON.stringify(p.value)}@${p.jurisdiction}`)).toEqual([
      'network.familyDoctor.fee.annualFen=10000@demo',
      'network.familyDoctor.teamShare=0.7@national',
      'network.familyDoctor.fee.annualFen=12000@national',
      'network.familyDoctor.teamShare=0.7@national',
    ]);
  });

  test('Where the parameters pay the team nothing, the payment is zero', () => {
    const none = withOverrides(params, 'demo', { 'network.familyDoctor.teamShare': 0 });
    expect(teamPayments([contract('k1', 'P1', '2025-01-01', '2025-12-31')], { start: '2025-01-01', end: '2025-12-31' }, none, 'demo').totalFen).toBe(0);
  });
});

describe('services delivered against the package, visits at the own team, renewal', () => {
  test('Delivered against promised, each service credited up to what the package promises', () => {
    const contracts = [contract('x', 'P1', '2024-07-01', '2025-06-30', ['basic', 'hypertension']), contract('y', 'P2', '2025-01-01', '2025-12-31', ['child']), contract('z', 'P3', '2026-01-01', '2026-12-31')];
    const fu = (date: string): ServiceRecord => ({ personId: 'P1', service: 'hypertension_follow_up', date });
    const services: ServiceRecord[] = [
      fu('2024-08-01'), fu('2024-10-01'), fu('2025-01-05'), fu('2025-03-01'), fu('2025-05-01'), // 5 in the term: 4 credited
      fu('2025-08-01'), // after the term
      { personId: 'P1', service: 'health_assessment', date: '2024-07-15' },
      { personId: 'P2', service: 'child_health_check', date: '2025-04-01' },
    ];
    const r = packageFulfilment(contracts, services, { start: '2025-01-01', end: '2025-12-31' });
    expect(r.contracts.map((c) => c.contractId)).toEqual(['x', 'y']);
    expect(r.contracts[0]!.items).toEqual([
      { service: 'health_assessment', promised: 1, delivered: 1, credited: 1 },
      { service: 'hypertension_follow_up', promised: 4, delivered: 5, credited: 4 },
      { service: 'health_check', promised: 1, delivered: 0, credited: 0 },
    ]);
    expect(r.byService.hypertension_follow_up).toEqual({ numerator: 4, denominator: 4, value: 1 });
    expect(r.byService.child_health_check).toEqual({ numerator: 1, denominator: 2, value: 0.5 });
    expect(r.overall).toEqual({ numerator: 6, denominator: 8, value: 0.75 });
    expect(r.delivered).toBe(7);
  });

  test("The share of contracted residents' visits at their own team's institutions", () => {
    const contracts = [contract('c1', 'P1', '2025-01-01', '2025-12-31'), contract('c2', 'P2', '2025-01-01', '2025-03-31')];
    const visits = [
      { id: 'v1', personId: 'P1', institutionId: 'VC-3', date: '2025-02-01' }, // own village clinic
      { id: 'v2', personId: 'P1', institutionId: 'THC-1', date: '2025-03-01' }, // own township centre
      { id: 'v3', personId: 'P1', institutionId: 'CH-1', date: '2025-04-01' }, // the specialist's county hospital: not own
      { id: 'v4', personId: 'P2', institutionId: 'PROV-1', date: '2025-02-01' }, // out of county
      { id: 'v5', personId: 'P2', institutionId: 'THC-1', date: '2025-05-01' }, // contract over: not counted
      { id: 'v6', personId: 'P9', institutionId: 'THC-1', date: '2025-05-01' }, // not contracted
    ];
    const r = ownTeamVisitShare(contracts, [team], visits, { start: '2025-01-01', end: '2025-12-31' });
    expect(r.overall).toEqual({ numerator: 2, denominator: 4, value: 0.5 });
    expect(r.byTeam).toEqual([{ teamId: 'T1', numerator: 2, denominator: 4, value: 0.5 }]);
  });

  test('A renewal starts the day after and keeps a one-year term, also across 29 February; the renewal rate counts contracts renewed', () => {
    const c = contract('c1', 'P1', '2025-01-01', '2025-12-31', ['basic', 'elderly']);
    expect(renewContract(c, { id: 'c2' })).toEqual({ id: 'c2', personId: 'P1', teamId: 'T1', start: '2026-01-01', end: '2026-12-31', packageIds: ['basic', 'elderly'], renewalOf: 'c1' });
    const leap = renewContract(contract('c3', 'P1', '2027-03-01', '2028-02-29'), { id: 'c4' });
    expect([leap.start, leap.end]).toEqual(['2028-03-01', '2029-02-28']);
    const all = [c, renewContract(c, { id: 'c2' }), contract('c5', 'P5', '2025-02-01', '2026-01-31'), contract('c6', 'P6', '2025-01-01', '2025-06-30')];
    expect(renewalRate(all, { start: '2025-01-01', end: '2025-12-31' })).toEqual({ numerator: 1, denominator: 2, value: 0.5 });
  });

  test('A renewal may be given its end: a contract from a mid-year entry is renewed for the whole next year, or cut at the day the resident leaves', () => {
    const c = contract('c1', 'P1', '2025-03-15', '2025-12-31', ['basic']);
    expect(renewContract(c, { id: 'c2', end: '2026-12-31', packageIds: ['basic', 'maternal'], teamId: 'T2' })).toEqual({ id: 'c2', personId: 'P1', teamId: 'T2', start: '2026-01-01', end: '2026-12-31', packageIds: ['basic', 'maternal'], renewalOf: 'c1' });
    expect(renewContract(c, { id: 'c2', end: '2026-04-30' }).end).toBe('2026-04-30');
    expect(() => renewContract(c, { id: 'c2', end: '2025-12-31' })).toThrow('renewal c2 of contract c1: ends 2025-12-31 before it starts 2026-01-01');
  });
});
