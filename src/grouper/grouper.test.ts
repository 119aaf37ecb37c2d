import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { Grouper, parseCaseRow, translate } from './grouper.js';
import { loadScheme, type Scheme } from './scheme.js';

const OFFICIAL = path.resolve(process.cwd(), '../shared/data/chs-drg-1.1');
const hasOfficial = existsSync(path.join(OFFICIAL, 'scheme.json'));
if (!hasOfficial) console.info(`notice: ${OFFICIAL} is absent; the CHS-DRG 1.1 conformance tests are skipped`);

describe.runIf(hasOfficial)('the grouper on the CHS-DRG 1.1 scheme', () => {
  let grouper: Grouper;
  beforeAll(async () => {
    grouper = new Grouper(await loadScheme(OFFICIAL));
  });

  test('agrees with the golden set on drg, adrg, mdc and status for every case', () => {
    const cases = readFileSync(path.join(OFFICIAL, 'golden/cases.csv'), 'utf8').trimEnd().split('\n').slice(1);
    const expected = new Map(
      readFileSync(path.join(OFFICIAL, 'golden/expected.csv'), 'utf8')
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((l) => [l.split(',')[0]!, l]),
    );
    const wrong: string[] = [];
    for (const line of cases) {
      const row = parseCaseRow(line)!;
      const r = grouper.group(row.input);
      const got = `${row.caseId},${r.drg},${r.adrg},${r.mdc},${r.status}`;
      if (got !== expected.get(row.caseId)) wrong.push(`${line}\n  expected ${expected.get(row.caseId)}\n  got      ${got}`);
    }
    expect(cases.length).toBe(5000);
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  test('gives the same results when grouping a CSV row directly from its characters', () => {
    const lines = readFileSync(path.join(OFFICIAL, 'golden/cases.csv'), 'utf8').trimEnd().split('\n').slice(1);
    const extra = ['Q1,1,68,,,,9,1,"I63.900,I61.900,E87.100",', 'Q2,1,72,,,,3,1,H25.900,37.5100.0', 'Q3,1,72,,,,3,1,H25.900,37.5100,remark', 'Q4,1,68'];
    for (const line of [...lines, ...extra]) {
      const row = parseCaseRow(line);
      const fast = grouper.groupRow(line);
      if (!row) {
        expect(fast, line).toBeNull();
        continue;
      }
      const { drg, adrg, mdc, status } = grouper.group(row.input);
      expect(fast, line).toEqual({ caseId: row.caseId, result: { drg, adrg, mdc, status } });
    }
  });

  test('gives the same results for cases encoded once and grouped from memory', () => {
    const lines = readFileSync(path.join(OFFICIAL, 'golden/cases.csv'), 'utf8').trimEnd().split('\n').slice(1);
    for (const line of lines) {
      const input = parseCaseRow(line)!.input;
      const { drg, adrg, mdc, status } = grouper.group(input);
      expect(grouper.groupEncoded(grouper.encode(input)), line).toEqual({ drg, adrg, mdc, status });
    }
  });

  test.each([
    ['E1,1,68,,,,9,1,I63.900|I61.900|E87.100,', 'BR23'],
    ['E2,1,68,,,,9,1,I63.900|I61.900,', 'BR25'],
    ['E3,1,68,,,,9,1,I63.900|I61.900|N17.900,', 'BR21'],
    ['W1,1,35,,,,9,1,S06.000|S22.300|S72.000,', 'ZZ15'],
    ['W3,1,35,,,,9,1,S06.000,', 'BY15'],
    ['E5,2,0,3,1450,,20,1,P07.300|P22.000,', 'PS11'],
    ['E6,2,0,3,,,20,1,P07.300|P22.000,', '0000'],
    ['E7b,1,,,3200,,20,1,P07.300|P22.000,', 'PS43'],
    ['W9,1,72,,,,3,1,H25.900,37.5100', 'AA19'],
    ['W9b,1,72,,,,3,1,H25.900,88.5500|37.5100', 'CW19'],
    ['W9c,1,72,,,,3,1,H25.900,37.5100.0', 'AA19'],
    ['W7,2,30,,,,5,1,O80.900,', '0000'],
  ])('groups the worked example %s as %s', (line, drg) => {
    expect(grouper.group(parseCaseRow(line)!.input).drg).toBe(drg);
  });

  test('explains a case: the MDC and ADRG rules, and which complication counted or was excluded', () => {
    const r = grouper.group(parseCaseRow('E1,1,68,,,,9,1,I63.900|I61.900|E87.100,')!.input, { trace: true });
    expect(r.trace).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^MDCB entered/),
        expect.stringMatching(/^ADRG BR2:/),
        'I61.900 is a MCC of group 96, excluded by I63.900\'s exclusion table 96',
        'E87.100 is a CC (group 52)',
        'DRG BR23: with MCC or CC',
      ]),
    );
  });
});

describe.runIf(hasOfficial)('properties of the grouper on CHS-DRG 1.1', () => {
  let grouper: Grouper;
  let scheme: Scheme;
  let cases: ReturnType<typeof parseCaseRow>[];
  beforeAll(async () => {
    scheme = await loadScheme(OFFICIAL);
    grouper = new Grouper(scheme);
    cases = readFileSync(path.join(OFFICIAL, 'golden/cases.csv'), 'utf8').trimEnd().split('\n').slice(1).map(parseCaseRow);
  });
  const pick = () => fc.integer({ min: 0, max: 4999 });
  const severity = (drg: string) => (drg.length === 4 ? drg[3] : '');

  test('a secondary diagnosis from the principal diagnosis’s exclusion group never raises the severity', () => {
    const byGroup = new Map<string, string[]>();
    for (const [code, g] of [...scheme.mcc, ...scheme.cc]) byGroup.set(g, [...(byGroup.get(g) ?? []), code]);
    fc.assert(
      fc.property(pick(), fc.nat(), (i, k) => {
        const input = cases[i]!.input;
        const e = scheme.cce.get(input.dx[0]!);
        if (e === undefined || !byGroup.has(e)) return true;
        const excluded = byGroup.get(e)![k % byGroup.get(e)!.length]!;
        const before = grouper.group(input);
        const after = grouper.group({ ...input, dx: [...input.dx, excluded] });
        // The code may open another path (e.g. a second trauma region enters MDC Z); within the same
        // ADRG the severity split must not move.
        return after.adrg !== before.adrg || severity(after.drg) === severity(before.drg);
      }),
      { numRuns: 2000, seed: 20261122 },
    );
  });

  test('the order of the secondary diagnoses does not change the result', () => {
    fc.assert(
      fc.property(pick(), fc.nat(), (i, seed) => {
        const input = cases[i]!.input;
        const rest = input.dx.slice(1);
        for (let j = rest.length - 1; j > 0; j--) {
          const k = (seed + j * 7919) % (j + 1);
          [rest[j], rest[k]] = [rest[k]!, rest[j]!];
        }
        const a = grouper.group(input);
        const b = grouper.group({ ...input, dx: [input.dx[0]!, ...rest] });
        return a.drg === b.drg && a.status === b.status;
      }),
      { numRuns: 3000, seed: 20261122 },
    );
  });

  test('every DRG it produces exists in the scheme', () => {
    const codes = [...scheme.cc.keys()].slice(0, 2000);
    fc.assert(
      fc.property(pick(), fc.array(fc.integer({ min: 0, max: codes.length - 1 }), { maxLength: 4 }), (i, extra) => {
        const input = cases[i]!.input;
        const r = grouper.group({ ...input, dx: [...input.dx, ...extra.map((e) => codes[e]!)] });
        return r.status !== 'grouped' || grouper.drgCodes.has(r.drg);
      }),
      { numRuns: 3000, seed: 20261122 },
    );
  });
});

describe('code translation (SCHEME.md §9)', () => {
  const map = new Map([
    ['a', 'b'],
    ['b', 'c'],
    ['k', 'k'],
  ]);
  test('overwrites the first position holding the code, one step, so a chain over [a, b] ends as [c, b]', () => {
    expect(translate(['a', 'b'], map)).toEqual(['c', 'b']);
    expect(translate(['k', 'a'], map)).toEqual(['k', 'b']);
  });
  test('stops at a code without a translation, an empty code included', () => {
    expect(translate(['a', 'z'], map)).toBeNull();
    expect(translate([''], map)).toBeNull();
  });

  test.runIf(hasOfficial)('reports dx_not_mapped and proc_not_mapped, and groups translated codes like their translations', async () => {
    const g = new Grouper(await loadScheme(OFFICIAL, { translation: true }));
    const scheme = g.scheme;
    expect(g.group(parseCaseRow('T1,1,68,,,,9,1,NOT.A.CODE,')!.input, { translate: true }).status).toBe('dx_not_mapped');
    expect(g.group(parseCaseRow('T2,1,68,,,,9,1,I63.900,')!.input, { translate: true }).status).toBe('proc_not_mapped');
    const [old, target] = [...scheme.dxMap!].find(([k, v]) => k !== v && scheme.dxMap!.get(v) === v)!;
    const px = '88.5500';
    const a = g.group(parseCaseRow(`T3,1,68,,,,9,1,${old},${px}`)!.input, { translate: true });
    const b = g.group(parseCaseRow(`T4,1,68,,,,9,1,${target},${px}`)!.input);
    expect(a.drg).toBe(b.drg);
  });
});
