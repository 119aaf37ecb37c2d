import { describe, expect, test } from 'vitest';
import { ExpressionError, evaluateExpression, itemsOf, parseExpression, render } from './expression.js';

const items = (o: Record<string, number>): ReadonlyMap<string, number> => new Map(Object.entries(o));

function errorOf(src: string): ExpressionError {
  try {
    parseExpression(src);
  } catch (e) {
    if (e instanceof ExpressionError) return e;
    throw e;
  }
  throw new Error(`'${src}' parsed`);
}

describe('parseExpression', () => {
  test('multiplication binds tighter than addition, and parentheses group', () => {
    const e = parseExpression('(revenue.medical - revenue.drug) * 2 + 1');
    expect(evaluateExpression(e, items({ 'revenue.medical': 10, 'revenue.drug': 4 }))).toEqual({ ok: true, value: 13 });
    expect(render(e)).toBe('(revenue.medical - revenue.drug) * 2 + 1');
  });

  test('subtraction and division are left-associative', () => {
    expect(evaluateExpression(parseExpression('100 - 10 - 5'), items({}))).toEqual({ ok: true, value: 85 });
    expect(evaluateExpression(parseExpression('100 / 10 / 5'), items({}))).toEqual({ ok: true, value: 2 });
    expect(render(parseExpression('a.b - (population - 1)'.replace('a.b', 'population')))).toBe('population - (population - 1)');
  });

  test('a unary minus and the typographic signs − × ÷ are read', () => {
    expect(evaluateExpression(parseExpression('-population × 2 ÷ 4 − 1'), items({ population: 10 }))).toEqual({ ok: true, value: -6 });
  });

  test('prev(item) names last year\'s item', () => {
    const e = parseExpression('visits.total - prev(visits.total)');
    expect(itemsOf(e)).toEqual([
      { name: 'visits.total', prev: false },
      { name: 'visits.total', prev: true },
    ]);
    expect(evaluateExpression(e, items({ 'visits.total': 110 }), items({ 'visits.total': 100 }))).toEqual({ ok: true, value: 10 });
  });

  test('an unknown item is refused with its column and the closest known item', () => {
    const e = errorOf('visits.primry / visits.inCounty');
    expect(e.column).toBe(1);
    expect(e.message).toBe("unknown item 'visits.primry' (closest known item: visits.primary) at column 1");
  });

  test('an unclosed parenthesis is refused at the column of the "("', () => {
    expect(errorOf('revenue.drug / (revenue.medical - revenue.drug').message).toBe("unbalanced parenthesis: '(' is never closed at column 16");
  });

  test('a ")" without its "(" is refused at its column', () => {
    expect(errorOf('revenue.drug) / revenue.medical').message).toBe("unbalanced parenthesis: ')' has no matching '(' at column 13");
  });

  test('two operands in a row, a dangling operator, a stray character and an empty text are refused', () => {
    expect(errorOf('revenue.drug revenue.medical').message).toBe("expected an operator, found name 'revenue.medical' at column 14");
    expect(errorOf('revenue.drug /').message).toBe("expected a number, an item or '(', found the end of the expression at column 15");
    expect(errorOf('revenue.drug % 2').message).toBe("unexpected character '%' at column 14");
    expect(errorOf('  ').message).toBe('empty expression at column 1');
  });

  test('prev takes one item name, not an expression or another prev', () => {
    expect(errorOf('prev(visits.total + 1)').message).toBe("prev( takes one item name: expected ')' after 'visits.total', found '+' at column 19");
    expect(errorOf('prev(prev(visits.total))').message).toBe("prev( takes one item name, found name 'prev' at column 6");
    expect(errorOf('prev(visit.total)').message).toContain('closest known item: visits.total');
  });

  test('names cannot call anything else: "constructor(…)" is just an unknown item', () => {
    expect(errorOf('constructor').message).toMatch(/^unknown item 'constructor'/);
  });
});

describe('evaluateExpression', () => {
  test('a missing item gives the reason "missing item <name>"', () => {
    expect(evaluateExpression(parseExpression('visits.primary / visits.inCounty'), items({ 'visits.inCounty': 1000 }))).toEqual({ ok: false, reason: 'missing item visits.primary' });
  });

  test('prev() without a previous year says so', () => {
    expect(evaluateExpression(parseExpression('prev(visits.total)'), items({ 'visits.total': 1 }))).toEqual({ ok: false, reason: 'missing item prev(visits.total) (no previous year given)' });
  });

  test('a division by zero inside an expression gives the reason, not Infinity', () => {
    expect(evaluateExpression(parseExpression('revenue.outpatient / visits.total'), items({ 'revenue.outpatient': 5, 'visits.total': 0 }))).toEqual({ ok: false, reason: 'division by zero: visits.total = 0' });
  });
});
