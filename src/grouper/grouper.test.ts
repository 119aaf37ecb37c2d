import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { Grouper, parseCaseRow } from './grouper.js';
import { loadScheme } from './scheme.js';

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
