import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadParamTree, type ParamTree } from '../rules/params.js';
import { withOverrides } from '../rules/test-support/param-overrides.js';
import { explainCase, familyDoctorCapitation, payCase, paymentRules, paymentTables, PaymentError, type PayableCase, type PaymentTables, type TableCase } from './hospital-payment.js';

let params: ParamTree;
beforeAll(async () => {
  params = await loadParamTree(fileURLToPath(new URL('../../params/', import.meta.url)));
});

/** Weights and a base rate of ¥10,000 given directly (the tables of a settlement year). */
const tables = (over: Partial<PaymentTables> = {}): PaymentTables => ({
  year: 2025,
  source: 'history',
  rw: new Map([
    ['ES13', 1.2],
    ['ES15', 0.8],
  ]),
  baseRateFen: 1_000_000,
  pointScale: 100,
  dip: null,
  dipPointValueFen: null,
  trace: { rule: 'test', inputs: {}, params: [], steps: [], children: [] },
  ...over,
});

const kase = (over: Partial<PayableCase> = {}): PayableCase => ({
  caseId: 1,
  institutionId: 'CGH',
  grade: 'secondary',
  inCounty: true,
  los: 5,
  chargesFen: 1_100_000,
  patientFen: 300_000,
  drg: 'ES13',
  dx: 'J18.900',
  px: '',
  ...over,
});

const pay = (c: PayableCase, t = tables(), tree = params) => payCase(c, paymentRules(tree, '2025-06-30', 'demo'), t);

describe('paying an inpatient case by DRG at a base rate', () => {
  test('A case of RW 1.2 at a base rate of ¥10,000 is paid ¥12,000, the fund paying it less what the patient paid by item', () => {
    // standard = 1.2 × 1,000,000 = 1,200,000; r = 1,100,000 / 1,200,000 = 0.92 (normal);
    // fund = 1,200,000 − 300,000 = 900,000; balance (结余) = 1,200,000 − 1,100,000 = 100,000.
    expect(pay(kase())).toMatchObject({ method: 'drg_base_rate', group: 'ES13', exclusion: null, outlier: 'normal', paidFen: 1_200_000, fundFen: 900_000, balanceFen: 100_000 });
  });

  test('A case costing 3.5 × its standard at a secondary hospital is a high outlier paid standard × 2.5', () => {
    // high = 2 below tertiary: 4,200,000 − 1,200,000 × (2 − 1) = 3,000,000 = 1,200,000 × (3.5 − 2 + 1).
    expect(pay(kase({ chargesFen: 4_200_000 }))).toMatchObject({ outlier: 'high', paidFen: 3_000_000, balanceFen: -1_200_000 });
  });

  test('At a tertiary hospital the high-outlier threshold is 3: the same case is paid standard × 1.5', () => {
    expect(pay(kase({ chargesFen: 4_200_000, grade: 'tertiary' }))).toMatchObject({ outlier: 'high', paidFen: 1_800_000 });
  });

  test('A case costing less than 0.4 × its standard is a low outlier paid its charges', () => {
    expect(pay(kase({ chargesFen: 360_000, patientFen: 100_000 }))).toMatchObject({ outlier: 'low', paidFen: 360_000, fundFen: 260_000, balanceFen: 0 });
  });

  test('A two-day stay, a 60-day stay, an ungroupable case, a group without weight and care outside the county are paid by item', () => {
    const item = (c: PayableCase) => {
      const p = pay(c);
      return [p.method, p.exclusion, p.paidFen === c.chargesFen, p.fundFen === c.chargesFen - c.patientFen];
    };
    expect(item(kase({ los: 2 }))).toEqual(['item', 'short_stay', true, true]);
    expect(item(kase({ los: 60 }))).toEqual(['item', 'long_stay', true, true]);
    expect(item(kase({ drg: '' }))).toEqual(['item', 'ungroupable', true, true]);
    expect(item(kase({ drg: 'ZZ19' }))).toEqual(['item', 'no_weight', true, true]);
    expect(item(kase({ inCounty: false }))).toEqual(['item', 'out_of_county', true, true]);
  });

  test('The fund pays nothing when the patient paid more than the group price, and the hospital bears the overspend', () => {
    expect(pay(kase({ drg: 'ES15', chargesFen: 1_500_000, patientFen: 900_000 }))).toMatchObject({ paidFen: 800_000, fundFen: 0, balanceFen: -700_000 });
  });

  test('A level coefficient scales the group price', () => {
    const tree = withOverrides(params, 'demo', { 'payment.levelCoef.secondary': 1.1 });
    expect(pay(kase(), tables(), tree).paidFen).toBe(1_320_000); // 1.2 × 1,000,000 × 1.1
  });
});

describe('the other methods', () => {
  test('DRG points pay the same money stated in points: RW × 100 points at ¥100 a point', () => {
    const tree = withOverrides(params, 'demo', { 'payment.inpatient.method': 'drg_points' });
    const t = new Map<string, unknown>();
    const p = explainCase(kase(), paymentRules(tree, '2025-06-30', 'demo'), tables());
    for (const s of p.trace.steps) t.set(s.name, s.value);
    expect([p.method, p.paidFen, t.get('points'), t.get('point value')]).toEqual(['drg_points', 1_200_000, 120, 10_000]);
  });

  test('DIP pays case score × point value × level coefficient, the score adjusted for the cost ratio', () => {
    const tree = withOverrides(params, 'demo', { 'payment.inpatient.method': 'dip' });
    // 2024 cases: J18.9 conservative 20 × ¥8,000; I63.9 conservative 20 × ¥16,000 → overall ¥12,000;
    // scores (scale 1000): 666.6667 and 1,333.3333; point value = Σ cost ÷ Σ score = 48,000,000 / 40,000 = 1,200 fen.
    const history: TableCase[] = [];
    for (let i = 0; i < 20; i++) history.push({ drg: 'ES13', year: 2024, costFen: 800_000, los: 5, dx: 'J18.900', px: '' }, { drg: 'BR23', year: 2024, costFen: 1_600_000, los: 9, dx: 'I63.900', px: '' });
    const T = paymentTables(history, 2025, tree, 'demo');
    expect(T.dipPointValueFen).toBe(1_200);
    // A J18.9 case costing ¥8,000 (r = 1): 666.6667 × 1,200 = 800,000.04 → half-up 800,000 fen.
    expect(payCase(kase({ chargesFen: 800_000 }), paymentRules(tree, '2025-06-30', 'demo'), T)).toMatchObject({ method: 'dip', group: 'J18.9|conservative', paidFen: 800_000 });
    // Costing ¥20,000: r = 2.5 > 2 → coefficient 2.5 − 2 + 1 = 1.5, score 1,000 → 1,200,000.
    expect(payCase(kase({ chargesFen: 2_000_000 }), paymentRules(tree, '2025-06-30', 'demo'), T).paidFen).toBe(1_200_000);
  });
});

describe('the tables of a settlement year', () => {
  const cases = (year: number): TableCase[] => Array.from({ length: 40 }, (_, i) => ({ drg: i % 2 ? 'ES13' : 'ES15', year, costFen: i % 2 ? 1_200_000 : 800_000, los: 5, dx: 'J18.900', px: '' }));

  test('come from the three years before when they are loaded', () => {
    const T = paymentTables(cases(2024), 2025, params, 'demo');
    expect(T.source).toBe('history');
    expect(T.rw.get('ES13')).toBeCloseTo(1.2, 4);
    expect(T.rw.get('ES15')).toBeCloseTo(0.8, 4);
    // history base rate: Σ cost ÷ Σ RW × (1 + 3% growth of the demo region) = 40,000,000 / 40 × 1.03.
    expect(T.baseRateFen).toBe(1_030_000);
  });

  test("use the year's own cases only when the fallback parameter allows it, and say so", () => {
    const T = paymentTables(cases(2025), 2025, params, 'demo');
    expect(T.source).toBe('same_year');
    expect(T.trace.steps.find((s) => s.name === 'weights source')?.note).toMatch(/no cases of 2022–2024/);
    const strict = withOverrides(params, 'demo', { 'payment.drg.weightsFallback': 'error' });
    expect(() => paymentTables(cases(2025), 2025, strict, 'demo')).toThrow(new PaymentError('no inpatient cases of 2022–2024 for demo: the 2025 weights cannot be computed (payment.drg.weightsFallback is error)'));
  });
});

describe('family-doctor capitation (家庭医生签约按人头付费)', () => {
  test('pays the demo county ¥35 per contracted person to the team institution, and nothing where the parameter is 0', () => {
    const c = familyDoctorCapitation(new Map([['THC01', 1_200]]), params, '2025-12-31', 'demo');
    expect(c.byInstitution.get('THC01')).toBe(4_200_000);
    expect(familyDoctorCapitation(new Map([['THC01', 1_200]]), params, '2024-12-31', 'demo').byInstitution.get('THC01')).toBe(0);
  });
});
