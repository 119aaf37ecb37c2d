import { describe, expect, test } from 'vitest';
import { parseIndicators, type IndicatorDefinition } from './definitions.js';
import { evaluateAll, evaluateIndicator, evaluateTrend } from './evaluate.js';

const items = (o: Record<string, number>): ReadonlyMap<string, number> => new Map(Object.entries(o));

const REF = "reference: { basis: default, reason: 'a test' }";
function def(fields: string): IndicatorDefinition {
  const text = `set: { id: test, label: { zh: 测试, en: Test } }\nindicators:\n  - ${fields.trim().split('\n').join('\n    ')}\n    ${REF}\n    fixtures: [{ given: {}, expect: null, reason: none }]\n`;
  return parseIndicators(text, 'test.yaml')[0]!;
}

const primaryVisitShare = def(`
id: primaryVisitShare
label: { zh: 基层就诊率, en: Primary-level visit share }
numerator: visits.primary
denominator: visits.inCounty
factor: 100
unit: percent
direction: up
target: 65
scopes: [county]`);

const costPerVisitGrowth = def(`
id: costPerVisitGrowth
label: { zh: 门诊次均费用增幅, en: Growth of cost per visit }
numerator: revenue.outpatient / visits.total - prev(revenue.outpatient) / prev(visits.total)
denominator: prev(revenue.outpatient) / prev(visits.total)
factor: 100
unit: percent
direction: down
scopes: [institution]`);

describe('evaluateIndicator', () => {
  test('primaryVisitShare is 650 primary visits of 1,000 in-county visits = 65%, which meets the target of 65', () => {
    const v = evaluateIndicator(primaryVisitShare, items({ 'visits.primary': 650, 'visits.inCounty': 1000 }));
    expect(v).toMatchObject({ id: 'primaryVisitShare', value: 65, numerator: 650, denominator: 1000, met: true });
    expect(v.reason).toBeUndefined();
  });

  test('649 primary visits of 1,000 = 64.9% does not meet the target', () => {
    expect(evaluateIndicator(primaryVisitShare, items({ 'visits.primary': 649, 'visits.inCounty': 1000 }))).toMatchObject({ value: 64.9, met: false });
  });

  test('a zero denominator gives null with the reason', () => {
    const v = evaluateIndicator(primaryVisitShare, items({ 'visits.primary': 0, 'visits.inCounty': 0 }));
    expect(v).toMatchObject({ value: null, numerator: 0, denominator: 0, met: null, reason: 'denominator is 0 (visits.inCounty)' });
  });

  test('a missing item gives null with the reason "missing item <name>"', () => {
    expect(evaluateIndicator(primaryVisitShare, items({ 'visits.inCounty': 1000 }))).toMatchObject({ value: null, numerator: null, met: null, reason: 'missing item visits.primary' });
  });

  test('growth uses prev(): 22.00 yuan a visit after 20.00 is +10%', () => {
    const v = evaluateIndicator(costPerVisitGrowth, items({ 'revenue.outpatient': 22_000_000, 'visits.total': 10_000 }), items({ 'revenue.outpatient': 20_000_000, 'visits.total': 10_000 }));
    expect(v).toMatchObject({ value: 10, numerator: 200, denominator: 2000, met: null });
  });

  test('growth without last year is null, naming prev()', () => {
    expect(evaluateIndicator(costPerVisitGrowth, items({ 'revenue.outpatient': 1, 'visits.total': 1 })).reason).toMatch(/^missing item prev\(revenue\.outpatient\)/);
  });

  test('an omitted denominator is 1: a count is its item', () => {
    const d = def(`
id: downReferrals
label: { zh: 下转, en: Downward referrals }
numerator: referrals.down
factor: 1
unit: count
direction: up
scopes: [county]`);
    expect(evaluateIndicator(d, items({ 'referrals.down': 120 }))).toMatchObject({ value: 120, numerator: 120, denominator: 1 });
  });

  test('a range target is met inside it: −5% is below a 0–10% surplus range', () => {
    const d = def(`
id: fundSurplusRate
label: { zh: 结余率, en: Surplus rate }
numerator: package.balance
denominator: package.budget
factor: 100
unit: percent
direction: range
target: { min: 0, max: 10 }
scopes: [county]`);
    expect(evaluateIndicator(d, items({ 'package.balance': -50, 'package.budget': 1000 }))).toMatchObject({ value: -5, met: false });
    expect(evaluateIndicator(d, items({ 'package.balance': 30, 'package.budget': 1000 }))).toMatchObject({ value: 3, met: true });
  });

  test('a down target is met at or below it: a cost index of 1 meets ≤ 1', () => {
    const d = def(`
id: costIndex
label: { zh: 费用消耗指数, en: Cost index }
numerator: drg.costIndex
factor: 1
unit: coefficient
direction: down
target: 1
scopes: [county]`);
    expect(evaluateIndicator(d, items({ 'drg.costIndex': 1 })).met).toBe(true);
    expect(evaluateIndicator(d, items({ 'drg.costIndex': 1.01 })).met).toBe(false);
  });

  test('the trace shows each item, the expressions, numerator, denominator, factor, value and the target check', () => {
    const v = evaluateIndicator(primaryVisitShare, items({ 'visits.primary': 650, 'visits.inCounty': 1000 }));
    expect(v.trace.rule).toBe('indicator.primaryVisitShare');
    expect(v.trace.label).toEqual({ zh: '基层就诊率', en: 'Primary-level visit share' });
    expect(v.trace.inputs).toMatchObject({ sets: ['test'], file: 'test.yaml', entry: 1, reference: '«default» a test' });
    expect(v.trace.steps).toEqual([
      { name: 'visits.primary', value: 650, unit: 'count' },
      { name: 'visits.inCounty', value: 1000, unit: 'count' },
      { name: 'numerator', value: 650, formula: 'visits.primary' },
      { name: 'denominator', value: 1000, formula: 'visits.inCounty' },
      { name: 'factor', value: 100 },
      { name: 'value', value: 65, unit: undefined, formula: 'numerator × factor / denominator', note: '65%' },
      { name: 'met', value: true, formula: 'value ≥ 65', note: 'target «default» a test' },
    ]);
    expect(v.trace.result).toMatchObject({ id: 'primaryVisitShare', value: 65, met: true });
  });

  test('the trace marks an absent item', () => {
    const v = evaluateIndicator(primaryVisitShare, items({ 'visits.inCounty': 1000 }));
    expect(v.trace.steps[0]).toEqual({ name: 'visits.primary', value: null, unit: 'count', note: 'absent' });
  });
});

describe('evaluateAll and evaluateTrend', () => {
  test('evaluateAll evaluates the definitions of a scope only', () => {
    const out = evaluateAll([primaryVisitShare, costPerVisitGrowth], 'county', items({ 'visits.primary': 650, 'visits.inCounty': 1000 }));
    expect(out.map((v) => [v.id, v.value])).toEqual([['primaryVisitShare', 65]]);
  });

  test('a trend is the indicator in each year, the year before serving as prev()', () => {
    const byYear = new Map([
      [2024, items({ 'revenue.outpatient': 20_000_000, 'visits.total': 10_000 })],
      [2025, items({ 'revenue.outpatient': 22_000_000, 'visits.total': 10_000 })],
      [2026, items({ 'revenue.outpatient': 22_000_000, 'visits.total': 11_000 })],
    ]);
    const trend = evaluateTrend(costPerVisitGrowth, byYear);
    expect(trend.map((p) => [p.year, p.value])).toEqual([
      [2024, null],
      [2025, 10],
      [2026, -9.090909090909092],
    ]);
    expect(trend[0]!.reason).toMatch(/^missing item prev/);
  });
});
