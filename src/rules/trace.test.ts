import { describe, expect, test } from 'vitest';
import { buildParamTree } from './params.js';
import { formatValue, renderTrace, TraceBuilder } from './trace.js';

const tree = buildParamTree([
  { rel: 'jurisdictions.yaml', bytes: Buffer.from('- { id: national, level: national, name: { zh: 全国, en: National } }\n') },
  {
    rel: 'national/ratio.yaml',
    bytes: Buffer.from('label: { zh: 报销比例, en: Ratio }\nunit: ratio\nreference: { basis: source, docNo: 测〔2024〕1号, url: "https://example.org/a" }\nvalues:\n  2024-01-01: 0.85\n'),
  },
]);

describe('TraceBuilder', () => {
  test('records the parameters a rule used with their jurisdiction, date and reference', () => {
    const t = new TraceBuilder('demo.fund', { eligible: 10_000 }, { zh: '统筹支付', en: 'Fund payment' });
    const ratio = t.param(tree.number('ratio', '2025-01-01', 'national'));
    t.step('fund', 8_500, { unit: 'fen', formula: 'eligible × ratio' });
    const trace = t.done({ fund: 8_500 });
    expect(ratio).toBe(0.85);
    expect(trace.params).toEqual([
      { path: 'ratio', value: 0.85, unit: 'ratio', jurisdiction: 'national', effectiveFrom: '2024-01-01', file: 'national/ratio.yaml', reference: { basis: 'source', docNo: '测〔2024〕1号', url: 'https://example.org/a' } },
    ]);
    expect(trace.steps).toEqual([{ name: 'fund', value: 8_500, unit: 'fen', formula: 'eligible × ratio' }]);
  });

  test('produces plain JSON that survives a round trip', () => {
    const parent = new TraceBuilder('outer', { a: 1 });
    const child = new TraceBuilder('inner', { b: 2 });
    child.step('x', 3);
    parent.child(child.done(3));
    const trace = parent.done('ok');
    expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
    expect(trace.children[0]?.rule).toBe('inner');
  });
});

describe('renderTrace', () => {
  test('shows the rule, its parameters with provenance, the steps with formulas, and nested rules', () => {
    const t = new TraceBuilder('demo.fund', { claim: 'C1' }, { zh: '统筹支付', en: 'Fund payment' });
    t.param(tree.number('ratio', '2025-01-01', 'national'));
    t.step('fund', 123_456, { unit: 'fen', formula: 'E × ratio' });
    const inner = new TraceBuilder('demo.inner');
    inner.step('n', 2, { unit: 'count' });
    t.child(inner.done(2));
    expect(renderTrace(t.done(123_456), { lang: 'zh' })).toBe(
      [
        'demo.fund — 统筹支付',
        '  inputs: claim="C1"',
        '  param ratio = 85% [national, from 2024-01-01; «source» 测〔2024〕1号 https://example.org/a]',
        '  fund = ¥1,234.56   (E × ratio)',
        '  demo.inner',
        '    n = 2',
        '    result: 2',
        '  result: 123456',
      ].join('\n'),
    );
  });
});

describe('formatValue', () => {
  test('shows money in yuan, ratios in percent and durations with their unit', () => {
    expect(formatValue(1_500_000, 'fen')).toBe('¥15,000.00');
    expect(formatValue(0.07, 'ratio')).toBe('7%');
    expect(formatValue(3, 'days')).toBe('3 days');
    expect(formatValue(null, 'fen')).toBe('—');
    expect(formatValue({ type: 'single_amount', base: 'count', brackets: [{ threshold: 1, value: 1 }, { threshold: 2, value: 0.5 }] }, 'coefficient')).toBe('≥1: 1; ≥2: 0.5');
  });
});
