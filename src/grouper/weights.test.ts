import { describe, expect, test } from 'vitest';
import { loadParamTree } from '../rules/params.js';
import { fileURLToPath } from 'node:url';
import { baseRate, classifyOutlier, computeWeights, hospitalIndices, outlierRule, paymentStandardFen, trim, weightParams, type HistoricalCase, type WeightParams } from './weights.js';

const plain: WeightParams = { yearWeights: [0.7, 0.2, 0.1], trimMethod: 'sd', trimK: 3, trimOnLog: false, pointScale: 100, provenance: {} };
const cases = (drg: string, year: number, costsYuan: number[], hospital = 'H1', los = 5): HistoricalCase[] => costsYuan.map((y) => ({ drg, year, costFen: y * 100, los, hospital }));

describe('relative weights (1:2:7 over three years)', () => {
  test('a DRG twice as expensive as the average of all cases weighs 2 × the other', () => {
    const rows = [...cases('A1', 2024, [1000, 1000]), ...cases('B1', 2024, [2000, 2000]), ...cases('A1', 2023, [1000]), ...cases('B1', 2023, [2000]), ...cases('A1', 2022, [1000]), ...cases('B1', 2022, [2000])];
    const r = computeWeights(rows, 2025, plain);
    // Each year: mean of all kept cases = 1,500 yuan; avg_A = 1,000, avg_B = 2,000.
    expect(r.overallAvgCostFen).toBe(150_000);
    expect(r.weights.map((w) => [w.drg, w.avgCostFen, w.rw, w.points])).toEqual([
      ['A1', 100_000, 0.6667, 66.67],
      ['B1', 200_000, 1.3333, 133.33],
    ]);
  });

  test('weights the years 7:2:1 from the most recent', () => {
    const rows = [...cases('A1', 2024, [1700]), ...cases('A1', 2023, [1200]), ...cases('A1', 2022, [1100]), ...cases('Z1', 2024, [1000]), ...cases('Z1', 2023, [1000]), ...cases('Z1', 2022, [1000])];
    const a = computeWeights(rows, 2025, plain).weights.find((w) => w.drg === 'A1')!;
    // 0.7 × 1,700 + 0.2 × 1,200 + 0.1 × 1,100 = 1,540 yuan.
    expect(a.avgCostFen).toBe(154_000);
    expect(a.years.map((y) => [y.year, y.weight])).toEqual([
      [2024, 0.7],
      [2023, 0.2],
      [2022, 0.1],
    ]);
  });

  test('renormalises the year weights of a DRG missing a year, and says so', () => {
    const rows = [...cases('N1', 2024, [1000]), ...cases('N1', 2023, [2000])];
    const w = computeWeights(rows, 2025, plain).weights[0]!;
    // (0.7 × 1,000 + 0.2 × 2,000) / 0.9 = 1,222.22 yuan.
    expect(w.avgCostFen).toBe(122_222);
    expect(w.note).toContain('renormalised');
  });

  test('ignores cases outside the three years before the target year', () => {
    const rows = [...cases('A1', 2024, [1000]), ...cases('A1', 2021, [99_999]), ...cases('A1', 2025, [99_999])];
    expect(computeWeights(rows, 2025, plain).weights[0]!.cases).toBe(1);
  });

  test('refuses a cost that is not integer fen', () => {
    expect(() => computeWeights([{ drg: 'A1', year: 2024, costFen: 10.5, los: 1 }], 2025, plain)).toThrow(/integer fen/);
  });
});

describe('trimming', () => {
  test('sd: a case more than k standard deviations from the mean is dropped', () => {
    const v = [...Array<number>(20).fill(100), 10_000];
    expect(trim(v, 'sd', 3, false).filter((x) => !x)).toHaveLength(1);
  });
  test('iqr: a case beyond the quartiles ± k·IQR is dropped, on log cost too', () => {
    const v = [90, 95, 100, 100, 105, 110, 5_000];
    expect(trim(v, 'iqr', 1.5, false)).toEqual([true, true, true, true, true, true, false]);
    expect(trim(v, 'iqr', 1.5, true)).toEqual([true, true, true, true, true, true, false]);
  });
  test('keeps everything when there are fewer than three cases', () => {
    expect(trim([1, 1_000_000], 'sd', 3, false)).toEqual([true, true]);
  });
});

describe('hospital indices', () => {
  test('CMI, DRG count, total weight, and cost and time indices against the region', () => {
    const rw = new Map([
      ['A1', 1],
      ['B1', 2],
    ]);
    const rows = [...cases('A1', 2025, [1000], 'H1', 4), ...cases('B1', 2025, [3000], 'H1', 10), ...cases('A1', 2025, [3000], 'H2', 8), ...cases('B1', 2025, [1000], 'H2', 10)];
    expect(hospitalIndices(rows, rw)).toEqual([
      // Region: A1 avg 2,000 yuan / 6 days, B1 avg 2,000 / 10 days.
      { hospital: 'H1', cases: 2, drgs: 2, totalWeight: 3, cmi: 1.5, costIndex: 1, timeIndex: round((4 / 6 + 1) / 2) },
      { hospital: 'H2', cases: 2, drgs: 2, totalWeight: 3, cmi: 1.5, costIndex: 1, timeIndex: round((8 / 6 + 1) / 2) },
    ]);
  });
});

describe('the weight parameters', () => {
  test('come from the dated parameter tree with their provenance: 1:2:7, sd with k = 3 on log cost, 100 points', async () => {
    const tree = await loadParamTree(fileURLToPath(new URL('../../params/', import.meta.url)));
    const p = weightParams(tree, '2025-07-01', 'demo');
    expect(p).toMatchObject({ yearWeights: [0.7, 0.2, 0.1], trimMethod: 'sd', trimK: 3, trimOnLog: true, pointScale: 100 });
    expect(p.provenance['drg.weights.yearMinus1']).toMatchObject({ jurisdiction: 'national', reference: { basis: 'reported' } });
  });
});

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

describe('base rate, payment standards and outliers', () => {
  const rwMap = new Map([
    ['A1', 0.5],
    ['B1', 1.5],
  ]);
  const lastYear = [...cases('A1', 2027, [1000, 1000]), ...cases('B1', 2027, [3000, 3000])];
  test('history: last year’s cost over last year’s weight, grown by the regional rate', async () => {
    const tree = await loadParamTree(fileURLToPath(new URL('../../params/', import.meta.url)));
    const br = baseRate(lastYear, rwMap, tree, '2028-01-01', 'demo');
    // 800,000 fen / 4.0 RW = 200,000 fen per RW, × 1.03 = 206,000 fen.
    expect(br).toMatchObject({ method: 'history', numeratorFen: 800_000, denominatorWeight: 4, growth: 0.03, baseRateFen: 206_000 });
    expect(br.provenance['drg.baseRate.growth']).toMatchObject({ jurisdiction: 'demo-region' });
    expect(paymentStandardFen(1.3333, br.baseRateFen)).toBe(274_660);
  });

  test('a case above twice the standard in a secondary hospital, or three times in a tertiary one, is a high outlier; below 0.4 a low one', async () => {
    const tree = await loadParamTree(fileURLToPath(new URL('../../params/', import.meta.url)));
    const rule = outlierRule(tree, '2028-01-01', 'demo');
    expect(classifyOutlier(250_000, 100_000, 'secondary', rule).kind).toBe('high');
    expect(classifyOutlier(250_000, 100_000, 'tertiary', rule).kind).toBe('normal');
    expect(classifyOutlier(300_001, 100_000, 'tertiary', rule).kind).toBe('high');
    expect(classifyOutlier(39_999, 100_000, 'secondary', rule)).toEqual({ kind: 'low', ratio: 0.39999 });
  });
});
