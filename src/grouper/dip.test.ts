import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { loadParamTree } from '../rules/params.js';
import { budgetPointValue, buildDipCatalogue, caseScore, dipGroupOf, dipParams, settlementPointValue, type DipCase, type DipParams } from './dip.js';

const p: DipParams = { coreMinCases: 3, scale: 1000, low: 0.5, high: 2, yearWeights: [0.7, 0.2, 0.1] };
const many = (n: number, dx: string, px: string, yuan: number, year = 2027): DipCase[] => Array.from({ length: n }, () => ({ year, dx, px, costFen: yuan * 100 }));

describe('the DIP catalogue', () => {
  // Three stroke cases treated conservatively (core), one stroke with a rare procedure and one
  // appendicectomy (too few: comprehensive groups by chapter and treatment kind).
  const cases = [...many(3, 'I63.900', '', 10_000), ...many(1, 'I63.900', '39.7500', 40_000), ...many(1, 'K35.800x001', '47.0100', 10_000)];
  const cat = buildDipCatalogue(cases, 2028, p);

  test('makes core groups of diagnosis + treatment with enough cases, and comprehensive groups of the rest', () => {
    expect([...cat.groups.values()].map((g) => [g.key, g.type, g.cases])).toEqual([
      ['I63.9|conservative', 'core', 3],
      ['I|procedure', 'comprehensive', 1],
      ['K|procedure', 'comprehensive', 1],
    ]);
  });

  test('scores each group as its average cost over the average of all cases × 1000', () => {
    // Average of all cases: (3 × 10,000 + 40,000 + 10,000) / 5 = 16,000 yuan.
    expect(cat.overallAvg).toBe(1_600_000);
    expect(cat.groups.get('I63.9|conservative')!.score).toBe(625);
    expect(cat.groups.get('I|procedure')!.score).toBe(2500);
  });

  test('puts a case in its core group, else in its comprehensive group', () => {
    expect(dipGroupOf(cat, { dx: 'I63.900', px: '' })?.key).toBe('I63.9|conservative');
    expect(dipGroupOf(cat, { dx: 'I63.000', px: '38.1200' })?.key).toBe('I|procedure');
    expect(dipGroupOf(cat, { dx: 'Z99.900', px: '' })).toBeUndefined();
  });

  test('scales a case below half or above twice its group average by the cost ratio', () => {
    const base = { year: 2028, dx: 'I63.900', px: '' };
    expect(caseScore(cat, { ...base, costFen: 1_000_000 })).toMatchObject({ coef: 1, score: 625 });
    expect(caseScore(cat, { ...base, costFen: 400_000 })).toMatchObject({ ratio: 0.4, coef: 0.4, score: 250 });
    expect(caseScore(cat, { ...base, costFen: 3_000_000 })).toMatchObject({ ratio: 3, coef: 2, score: 1250 });
  });

  test('derives budget and settlement point values in fen per point', () => {
    // 1,600,000 fen ÷ (625 × 2 + 2,500 × 0) = 1,280 fen per point.
    expect(budgetPointValue(1_600_000, new Map([['I63.9|conservative', 2]]), cat)).toBe(1280);
    // (1,000,000,000 fen ÷ 0.8) ÷ 1,000,000 points = 1,250 fen per point.
    expect(settlementPointValue(1_000_000_000, 0.8, 1_000_000)).toBe(1250);
  });
});

describe('the DIP parameters', () => {
  test('are dated parameters: 15 cases for a core group, scale 1000, 0.5 and 2 for outliers', async () => {
    const tree = await loadParamTree(fileURLToPath(new URL('../../params/', import.meta.url)));
    expect(dipParams(tree, '2028-01-01', 'demo')).toEqual({ coreMinCases: 15, scale: 1000, low: 0.5, high: 2, yearWeights: [0.7, 0.2, 0.1] });
  });
});
