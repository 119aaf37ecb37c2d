import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Grouper, parseCaseRow } from './grouper.js';
import { DEMO_SCHEME_DIR, loadScheme, SchemeError } from './scheme.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sanyi-scheme-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('the demo scheme shipped with sanyi', () => {
  test('loads, and groups the county’s common cases by diagnosis, procedure and complications', async () => {
    const scheme = await loadScheme(DEMO_SCHEME_DIR);
    expect(scheme.mdcs.size).toBe(16);
    const g = new Grouper(scheme);
    const group = (line: string) => g.group(parseCaseRow(line)!.input).drg;
    expect(group('1,1,70,,,,10,1,I63.900,')).toBe('BR25');
    expect(group('2,1,70,,,,10,1,I63.900|E87.600,')).toBe('BR23');
    expect(group('3,1,70,,,,10,1,I63.900|I61.900x002,')).toBe('BR25'); // an MCC of the principal's own group is excluded
    expect(group('4,1,70,,,,10,1,J18.900|J96.900,')).toBe('ES35'); // likewise for respiratory failure with pneumonia
    expect(group('5,1,70,,,,10,1,I63.900|N17.900,')).toBe('BR21');
    expect(group('6,2,30,,,,5,1,O82.900,74.1x01')).toBe('OB15');
    expect(group('7,1,30,,,,5,1,K80.100x001,51.2300')).toBe('HC25');
    expect(group('8,1,0,3,3100,,5,1,P59.902,')).toBe('PU15');
    expect(group('9,1,40,,,,5,1,Z99.999,')).toBe('0000');
  });
});

describe('a broken scheme is refused with the file and the place of each problem', () => {
  async function broken(edit: (scheme: Record<string, unknown>) => void, remove?: string): Promise<string[]> {
    const dir = path.join(tmp, String(Math.random()).slice(2));
    await cp(DEMO_SCHEME_DIR, dir, { recursive: true });
    const file = path.join(dir, 'scheme.json');
    const s = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    edit(s);
    await writeFile(file, JSON.stringify(s));
    if (remove) await rm(path.join(dir, remove));
    try {
      await loadScheme(dir);
    } catch (e) {
      if (e instanceof SchemeError) return e.problems.map((p) => p.replace(dir + path.sep, ''));
      throw e;
    }
    return [];
  }

  test('a DRG outside its ADRG', async () => {
    const problems = await broken((s) => {
      const m = (s.mdcs as Array<{ adrgs: Array<{ drgs: Array<{ drg: string }> }> }>)[1]!;
      m.adrgs[0]!.drgs[0]!.drg = 'XX19';
    });
    expect(problems).toContain('scheme.json: mdcs.1.adrgs.0.drgs.0: DRG XX19 is not in ADRG OB1');
  });

  test('an MDC in the order that is not defined, and a missing table', async () => {
    const problems = await broken((s) => (s.mdc_order as string[]).push('Q'), 'mcc.json');
    expect(problems).toEqual(expect.arrayContaining(['scheme.json: mdc_order names MDC Q, which has no entry in mdcs', 'mcc.json: missing']));
  });

  test('an unknown condition test', async () => {
    const problems = await broken((s) => {
      (s.mdcs as Array<{ entry: unknown[] }>)[0]!.entry.push({ test: 'moon_phase_is', value: 'full' });
    });
    expect(problems[0]).toMatch(/^scheme\.json: mdcs\.0\.entry\.1\.test: /);
  });
});
