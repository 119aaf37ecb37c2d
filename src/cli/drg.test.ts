import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from './test-support/run-cli.js';

const OFFICIAL = path.resolve(process.cwd(), '../shared/data/chs-drg-1.1');
const hasOfficial = existsSync(path.join(OFFICIAL, 'scheme.json'));
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sanyi-drg-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe.runIf(hasOfficial)('sanyi drg group', () => {
  test('writes case_id,mdc,adrg,drg,status that agree with the golden set', async () => {
    const out = path.join(tmp, 'golden.csv');
    const r = await runCli(['drg', 'group', '--scheme', OFFICIAL, '--in', path.join(OFFICIAL, 'golden/cases.csv'), '--out', out, '--no-progress']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/grouped 5,000 cases .*grouped 4,441, check_failed 178, ungroupable 381/);
    const got = (await readFile(out, 'utf8')).trimEnd().split('\n');
    const expected = (await readFile(path.join(OFFICIAL, 'golden/expected.csv'), 'utf8')).trimEnd().split('\n');
    expect(got[0]).toBe('case_id,mdc,adrg,drg,status');
    // expected.csv orders the columns drg,adrg,mdc: compare field by field.
    const reorder = (l: string) => {
      const [id, mdc, adrg, drg, status] = l.split(',');
      return `${id},${drg},${adrg},${mdc},${status}`;
    };
    expect(got.slice(1).map(reorder)).toEqual(expected.slice(1));
  });

  test('reports a short row with its line number, groups the others, and explains each case on request', async () => {
    const input = path.join(tmp, 'bad.csv');
    await writeFile(input, 'case_id,sex,age,age_days,birth_weight,dept,los,disposition,diagnoses,procedures\nE1,1,68,,,,9,1,I63.900|I61.900|E87.100,\nX2,1,68\nE2,1,68,,,,9,1,I63.900|I61.900,\n');
    const out = path.join(tmp, 'bad-out.csv');
    const r = await runCli(['drg', 'group', '--scheme', OFFICIAL, '--in', input, '--out', out, '--trace', '--no-progress']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${input} line 3: has 3 fields, 10 are needed`);
    expect(r.stdout).toContain('1 bad rows skipped');
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe('case_id,mdc,adrg,drg,status,trace');
    expect(lines[1]).toMatch(/^E1,MDCB,BR2,BR23,grouped,.*I61\.900 is a MCC of group 96, excluded by I63\.900's exclusion table 96/);
    expect(lines[2]).toMatch(/^E2,MDCB,BR2,BR25,grouped,/);
  });

  test('refuses a scheme directory without scheme.json, naming the file', async () => {
    const r = await runCli(['drg', 'group', '--scheme', tmp, '--in', 'x.csv', '--out', path.join(tmp, 'o.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${path.join(tmp, 'scheme.json')}: missing`);
  });
});

describe('sanyi drg group with the shipped demo scheme', () => {
  test('groups without --scheme and lists the problems of each case with --check', async () => {
    const input = path.join(tmp, 'check.csv');
    await writeFile(input, 'case_id,sex,age,age_days,birth_weight,dept,los,disposition,diagnoses,procedures\nA,1,70,,,,10,1,I63.900|Q99.999,12.3456\nB,2,70,,,,8,1,N40.x00,\nC,1,40,,,,5,1,|I10.x09,\n');
    const out = path.join(tmp, 'check-out.csv');
    const r = await runCli(['drg', 'group', '--in', input, '--out', out, '--check', '--no-progress']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 with problems');
    expect((await readFile(out, 'utf8')).trimEnd().split('\n')).toEqual([
      'case_id,mdc,adrg,drg,status,problems',
      'A,MDCB,BR2,BR25,grouped,unknown diagnosis code Q99.999 | unknown procedure code 12.3456',
      'B,0000,00,0000,ungroupable,"sex mismatch: N40.x00 is a diagnosis of MDC M, for sex 1, but the sex is ""2"""',
      'C,0000,00,0000,ungroupable,missing principal diagnosis',
    ]);
  });
});

describe('sanyi drg weights', () => {
  test('weights DRGs from three years of cases, reports bad rows, and writes hospital indices', async () => {
    const input = path.join(tmp, 'history.csv');
    const rows = ['drg,year,cost_fen,los,hospital'];
    for (const year of [2025, 2026, 2027]) {
      rows.push(`A1,${year},100000,5,H1`, `A1,${year},100000,5,H2`, `B1,${year},200000,8,H1`, `B1,${year},200000,8,H2`);
    }
    rows.push('B1,2027,lots,8,H1');
    await writeFile(input, rows.join('\n') + '\n');
    const out = path.join(tmp, 'weights.csv');
    const hospitals = path.join(tmp, 'hospitals.csv');
    const r = await runCli(['drg', 'weights', '--year', '2028', '--cases', input, '--out', out, '--hospitals', hospitals]);
    expect(r.stderr).toContain(`${input} line 14: cost_fen "lots" is not a non-negative integer`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 DRGs weighted for 2028 from 12 cases (years 2027×0.7, 2026×0.2, 2025×0.1; trimming sd k=3 on log cost; 100 points per RW)');
    // Base rate (history): 2027 cost 600,000 fen ÷ 4.0 RW × 1.03 = 154,500 fen per RW.
    expect(r.stdout).toContain('base rate ¥1545.00 per RW (history: ¥6000.00 ÷ 4 RW × (1 + 0.03))');
    expect((await readFile(out, 'utf8')).trimEnd().split('\n')).toEqual([
      'drg,cases,kept,avg_cost_fen,rw,points,payment_standard_fen,note',
      'A1,6,6,100000,0.6667,66.67,103005,',
      'B1,6,6,200000,1.3333,133.33,205995,',
    ]);
    expect((await readFile(hospitals, 'utf8')).trimEnd().split('\n')).toEqual([
      'hospital,cases,drgs,total_weight,cmi,cost_index,time_index',
      'H1,2,2,2,1,1,1',
      'H2,2,2,2,1,1,1',
    ]);
  });

  test('needs exactly one source of cases', async () => {
    const r = await runCli(['drg', 'weights', '--year', '2028', '--out', path.join(tmp, 'w.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('give either --cases FILE or --generated DIR');
  });
});

describe('sanyi dip catalogue', () => {
  test('scores core and comprehensive groups and prints the budget point value', async () => {
    const input = path.join(tmp, 'dip.csv');
    const rows = ['year,dx,px,cost_fen'];
    for (let i = 0; i < 15; i++) rows.push('2027,I63.900,,1000000');
    rows.push('2027,K35.800x001,47.0100,2000000', '2027,,,5');
    await writeFile(input, rows.join('\n') + '\n');
    const out = path.join(tmp, 'dip-out.csv');
    const r = await runCli(['dip', 'catalogue', '--year', '2028', '--cases', input, '--out', out]);
    expect(r.stderr).toContain(`${input} line 18: dx is empty`);
    expect(r.code).toBe(0);
    // All cases: 15 × 10,000 + 20,000 = 170,000 yuan over 16 cases = 10,625 yuan on average.
    expect((await readFile(out, 'utf8')).trimEnd().split('\n')).toEqual(['group,type,cases,avg_cost_fen,score', 'I63.9|conservative,core,15,1000000,941.1765', 'K|procedure,comprehensive,1,2000000,1882.3529']);
    // Budget point value: 17,000,000 fen ÷ (15 × 941.1765 + 1 × 1,882.3529) points = 1,062.5 fen.
    expect(r.stdout).toContain('2 DIP groups for 2028 (1 core with ≥ 15 cases, 1 comprehensive) from 16 cases; budget point value ¥10.6250 per point');
  });
});

describe('sanyi drg group --strict', () => {
  test('refuses records with a problem as invalid, with the reasons, and groups the others', async () => {
    const input = path.join(tmp, 'strict.csv');
    await writeFile(input, 'case_id,sex,age,age_days,birth_weight,dept,los,disposition,diagnoses,procedures\nA,1,70,,,,10,1,I63.900|Q99.999,\nB,2,70,,,,8,1,N40.x00,\nC,1,70,,,,10,1,I63.900,\n');
    const out = path.join(tmp, 'strict-out.csv');
    const r = await runCli(['drg', 'group', '--in', input, '--out', out, '--strict', '--no-progress']);
    expect(r.code).toBe(0);
    expect((await readFile(out, 'utf8')).trimEnd().split('\n')).toEqual([
      'case_id,mdc,adrg,drg,status,problems',
      'A,0000,00,0000,invalid,unknown diagnosis code Q99.999',
      'B,0000,00,0000,invalid,"sex mismatch: N40.x00 is a diagnosis of MDC M, for sex 1, but the sex is ""2"""',
      'C,MDCB,BR2,BR25,grouped,',
    ]);
  });
});
