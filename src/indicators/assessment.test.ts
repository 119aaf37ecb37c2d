import { describe, expect, test } from 'vitest';
import { AssessmentSchemeError, parseAssessmentScheme, schemeInForce, scoreAssessment, type AssessmentScheme, type AssessmentValue } from './assessment.js';
import { parseIndicators } from './definitions.js';

/** A scheme file with these items (YAML lines of the `items:` list). */
function schemeText(items: string[], extra = ''): string {
  return [
    'id: test',
    'label: { zh: 测试考核, en: Test assessment }',
    'scope: county',
    "effectiveFrom: '2024-01-01'",
    "reference: { basis: default, reason: 'a test' }",
    extra,
    'items:',
    ...items.map((i) => `  - ${i}`),
  ]
    .filter(Boolean)
    .join('\n');
}
const scheme = (...items: string[]): AssessmentScheme => parseAssessmentScheme(schemeText(items), 'test.yaml');
const values = (o: Record<string, AssessmentValue>): ReadonlyMap<string, AssessmentValue> => new Map(Object.entries(o));

function problemsOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof AssessmentSchemeError) return e.issues.map((i) => `${i.file} item ${i.item} ${i.indicator ?? '-'} ${i.field}: ${i.problem}`);
    throw e;
  }
  throw new Error('not refused');
}

describe('scoreAssessment', () => {
  const linear = scheme('{ indicator: primaryVisitShare, weight: 60, rule: { type: linear, floor: 50, target: 65 } }', '{ indicator: drugShare, weight: 40, rule: { type: linear, floor: 45, target: 30 } }');

  test('an item marked reweight that has no value is left out and its weight goes to the others in proportion', () => {
    const s = scheme(
      '{ indicator: primaryVisitShare, weight: 60, rule: { type: linear, floor: 50, target: 65 } }',
      '{ indicator: costIndex, weight: 20, rule: { type: threshold }, whenMissing: reweight }',
      '{ indicator: drugShare, weight: 20, rule: { type: linear, floor: 45, target: 30 } }',
    );
    // 80 weight points have a value → scale 100/80 = 1.25: 60 × 1.25 × 0.5 = 37.5; 20 × 1.25 × 1 = 25
    const r = scoreAssessment(s, values({ primaryVisitShare: { value: 57.5, met: false }, costIndex: { value: null, met: null, reason: 'missing item drg.cases' }, drugShare: { value: 30, met: true } }));
    expect(r.items.map((i) => [i.indicator, i.points, i.excluded ?? false])).toEqual([['primaryVisitShare', 37.5, false], ['costIndex', 0, true], ['drugShare', 25, false]]);
    expect(r.score).toBe(62.5);
    expect(r.items[1]!.reason).toBe('left out and reweighted (no value: missing item drg.cases)');
  });

  test('an item without reweight that has no value still earns 0 points and the others are not scaled', () => {
    const s = scheme('{ indicator: primaryVisitShare, weight: 80, rule: { type: linear, floor: 50, target: 65 } }', '{ indicator: costIndex, weight: 20, rule: { type: threshold } }');
    const r = scoreAssessment(s, values({ primaryVisitShare: { value: 65, met: true }, costIndex: { value: null, met: null } }));
    expect(r.score).toBe(80);
  });

  test('linear scoring half-way between floor and target gives half the points', () => {
    const r = scoreAssessment(linear, values({ primaryVisitShare: { value: 57.5, met: false }, drugShare: { value: 37.5, met: false } }));
    expect(r.items.map((i) => [i.indicator, i.points])).toEqual([['primaryVisitShare', 30], ['drugShare', 20]]);
    expect(r.score).toBe(50);
  });

  test('linear scoring gives 0 at or below the floor and full points at or beyond the target', () => {
    const r = scoreAssessment(linear, values({ primaryVisitShare: { value: 70, met: true }, drugShare: { value: 50, met: false } }));
    expect(r.items.map((i) => i.points)).toEqual([60, 0]);
    expect(r.score).toBe(60);
  });

  test('three items each worth 33.335 exact points score 100.00, not 100.01: the items are 33.34, 33.33, 33.33', () => {
    // weights 33.335 + 33.335 + 33.33 = 100; each item half-up alone would give 33.34 + 33.34 + 33.33 = 100.01
    const s = scheme(
      '{ indicator: primaryVisitShare, weight: 33.335, rule: { type: threshold, min: 0 } }',
      '{ indicator: drugShare, weight: 33.335, rule: { type: threshold, min: 0 } }',
      '{ indicator: consumableShare, weight: 33.33, rule: { type: threshold, min: 0 } }',
    );
    const r = scoreAssessment(s, values({ primaryVisitShare: { value: 1, met: true }, drugShare: { value: 1, met: true }, consumableShare: { value: 1, met: true } }));
    expect(r.score).toBe(100);
    expect(r.items.map((i) => i.points)).toEqual([33.34, 33.33, 33.33]);
  });

  test('points are rounded to 0.01 and the score is their sum: 60 × 1/3 = 20.00, 40 × 2/3 = 26.67 → 46.67', () => {
    const r = scoreAssessment(linear, values({ primaryVisitShare: { value: 55, met: false }, drugShare: { value: 35, met: false } }));
    expect(r.items.map((i) => i.points)).toEqual([20, 26.67]);
    expect(r.score).toBe(46.67);
  });

  test('threshold scoring gives full points when the indicator meets its target, else 0', () => {
    const s = scheme('{ indicator: fundSurplusRate, weight: 50, rule: { type: threshold } }', '{ indicator: costIndex, weight: 50, rule: { type: threshold } }');
    const r = scoreAssessment(s, values({ fundSurplusRate: { value: 3, met: true }, costIndex: { value: 1.02, met: false } }));
    expect(r.items.map((i) => i.points)).toEqual([50, 0]);
  });

  test('a threshold with its own bounds ignores the indicator\'s target', () => {
    const s = scheme('{ indicator: fundBalanceMonths, weight: 100, rule: { type: threshold, min: 6 } }');
    expect(scoreAssessment(s, values({ fundBalanceMonths: { value: 5.9, met: true } })).score).toBe(0);
    expect(scoreAssessment(s, values({ fundBalanceMonths: { value: 6, met: true } })).score).toBe(100);
  });

  test('a threshold on an indicator without a target earns 0 with the reason', () => {
    const s = scheme('{ indicator: cmi, weight: 100, rule: { type: threshold } }');
    expect(scoreAssessment(s, values({ cmi: { value: 1.1, met: null } })).items[0]).toMatchObject({ points: 0, value: 1.1, reason: 'the indicator has no target to meet' });
  });

  test('banded scoring up takes the highest bound the value reaches: 85% completion earns half', () => {
    const s = scheme('{ indicator: vbpCompletion, weight: 100, rule: { type: banded, direction: up, bands: [[100, 1], [80, 0.5]] } }');
    expect([79.9, 80, 85, 100, 120].map((v) => scoreAssessment(s, values({ vbpCompletion: { value: v, met: null } })).score)).toEqual([0, 50, 50, 100, 100]);
  });

  test('banded scoring down takes the lowest bound the value stays under: a consumables share of 18% earns half', () => {
    const s = scheme('{ indicator: consumableShare, weight: 100, rule: { type: banded, direction: down, bands: [[15, 1], [20, 0.5]] } }');
    expect([10, 15, 18, 20, 20.1].map((v) => scoreAssessment(s, values({ consumableShare: { value: v, met: null } })).score)).toEqual([100, 100, 50, 50, 0]);
  });

  test('a missing value earns 0 points with the reason, shown in the trace', () => {
    const r = scoreAssessment(linear, values({ primaryVisitShare: { value: null, met: null, reason: 'missing item visits.primary' } }));
    expect(r.items).toEqual([
      { indicator: 'primaryVisitShare', weight: 60, points: 0, value: null, rule: { type: 'linear', floor: 50, target: 65 }, reason: 'no value: missing item visits.primary' },
      { indicator: 'drugShare', weight: 40, points: 0, value: null, rule: { type: 'linear', floor: 45, target: 30 }, reason: 'no value: indicator drugShare was not evaluated' },
    ]);
    expect(r.score).toBe(0);
    expect(r.trace.steps[0]).toMatchObject({ name: 'primaryVisitShare', value: 0, note: 'no value: missing item visits.primary' });
  });

  test('the trace shows each item\'s rule and points, then the score and its rounding', () => {
    const r = scoreAssessment(linear, [
      { id: 'primaryVisitShare', value: 57.5, numerator: 575, denominator: 1000, met: false, trace: { rule: 'x', inputs: {}, params: [], steps: [], children: [] } },
    ]);
    expect(r.trace.rule).toBe('indicators.assessment');
    expect(r.trace.inputs).toEqual({ scheme: 'test', scope: 'county', effectiveFrom: '2024-01-01', file: 'test.yaml' });
    expect(r.trace.steps).toEqual([
      { name: 'primaryVisitShare', value: 30, unit: 'points', formula: '60 × clamp((value − 50) / (65 − 50), 0, 1)', note: 'value 57.5' },
      { name: 'drugShare', value: 0, unit: 'points', formula: '40 × clamp((value − 45) / (30 − 45), 0, 1)', note: 'no value: indicator drugShare was not evaluated' },
      {
        name: 'score',
        value: 30,
        unit: 'points',
        formula: 'Σ exact points, half-up to 0.01',
        note: 'items to 0.01 by largest remainder (each its exact points rounded down or up), so they add up to the score and the score never exceeds 100',
      },
    ]);
    expect(r.trace.result).toEqual({ score: 30 });
  });
});

describe('parseAssessmentScheme', () => {
  test('weights that do not sum to 100 are refused', () => {
    expect(problemsOf(() => scheme('{ indicator: a, weight: 60, rule: { type: threshold } }', '{ indicator: b, weight: 30, rule: { type: threshold } }'))).toEqual([
      'test.yaml item 0 - items.weight: weights sum to 90, not 100',
    ]);
  });

  test('an indicator scored twice is refused', () => {
    expect(problemsOf(() => scheme('{ indicator: a, weight: 50, rule: { type: threshold } }', '{ indicator: a, weight: 50, rule: { type: threshold } }'))).toEqual([
      'test.yaml item 2 a indicator: scored twice: also item 1',
    ]);
  });

  test('a malformed rule is refused naming the item and the field', () => {
    expect(problemsOf(() => scheme('{ indicator: a, weight: 100, rule: { type: linear, floor: 5, target: 5 } }'))).toEqual(['test.yaml item 1 a rule: floor and target must differ']);
    expect(problemsOf(() => scheme('{ indicator: a, weight: 100, rule: { type: banded, direction: up, bands: [[1, 2]] } }'))).toEqual(['test.yaml item 1 a rule.bands.0.1: a points fraction is 0…1']);
    expect(problemsOf(() => scheme('{ indicator: a, weight: 100, rule: { type: linear, floor: 1 } }'))).toEqual(['test.yaml item 1 a rule.target: required field missing']);
    expect(problemsOf(() => scheme('{ indicator: a, weight: 100, rule: { type: threshold }, bonus: 1 }'))).toEqual(['test.yaml item 1 a bonus: unknown field']);
  });

  test('with the indicators, an unknown indicator, a wrong scope and a threshold without a target are refused', () => {
    const defs = parseIndicators(
      [
        'set: { id: t, label: { zh: 测, en: T } }',
        'indicators:',
        "  - { id: cmi, label: { zh: CMI, en: CMI }, numerator: drg.weightSum, denominator: drg.cases, factor: 1, unit: coefficient, direction: up, scopes: [county], reference: { basis: default, reason: x }, fixtures: [{ given: { drg.weightSum: 1, drg.cases: 1 }, expect: 1 }] }",
        "  - { id: growth, label: { zh: 增幅, en: Growth }, numerator: visits.total, factor: 1, unit: count, direction: down, target: 0, scopes: [institution], reference: { basis: default, reason: x }, fixtures: [{ given: { visits.total: 1 }, expect: 1 }] }",
      ].join('\n'),
      't.yaml',
    );
    const text = schemeText(['{ indicator: cmi, weight: 50, rule: { type: threshold } }', '{ indicator: growth, weight: 25, rule: { type: threshold } }', '{ indicator: nope, weight: 25, rule: { type: threshold } }']);
    expect(problemsOf(() => parseAssessmentScheme(text, 's.yaml', { indicators: defs }))).toEqual([
      "s.yaml item 1 cmi rule: a threshold without min or max uses the indicator's target, and cmi has none",
      's.yaml item 2 growth indicator: indicator growth is not evaluated at scope county (it has institution)',
      's.yaml item 3 nope indicator: unknown indicator nope',
    ]);
  });
});

describe('schemeInForce', () => {
  const at = (id: string, from: string, scope = 'county'): AssessmentScheme => parseAssessmentScheme(schemeText(['{ indicator: a, weight: 100, rule: { type: threshold } }']).replace('id: test', `id: ${id}`).replace('2024-01-01', from).replace('scope: county', `scope: ${scope}`), `${id}.yaml`);
  const all = [at('old', '2024-01-01'), at('new', '2026-01-01'), at('inst', '2025-01-01', 'institution')];

  test('the latest scheme of the scope in force on the date', () => {
    expect(schemeInForce(all, 'county', '2025-06-30')?.id).toBe('old');
    expect(schemeInForce(all, 'county', '2026-01-01')?.id).toBe('new');
    expect(schemeInForce(all, 'institution', '2025-01-01')?.id).toBe('inst');
    expect(schemeInForce(all, 'institution', '2024-12-31')).toBeUndefined();
  });
});
