import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SHIPPED_PARAMS_DIR } from '../runs/config.js';
import { runCli, spawnCli } from './test-support/run-cli.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sanyi-cli-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('sanyi params show', () => {
  test('prints the value in force, the jurisdiction it comes from and the dated history', async () => {
    const r = await runCli(['params', 'show', 'benefit.resident.inpatient.deductible.primary', '--date', '2025-06-01', '--jurisdiction', 'demo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('value at 2025-06-01 in demo: ¥100.00');
    expect(r.stdout).toContain('from demo (演示县 Demo County), in force since 2025-01-01');
    expect(r.stdout).toMatch(/demo-province\s+2024-01-01\s+¥150\.00\n/);
    expect(r.stdout).toMatch(/demo\s+2025-01-01\s+¥100\.00\s+← in force/);
  });

  test('prints JSON with the provenance on request', async () => {
    const r = await runCli(['params', 'show', 'benefit.employee.inpatient.ratio.tertiary', '-d', '2025-01-01', '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { value: number; provenance: { jurisdiction: string }; version: string };
    expect(json.value).toBe(0.82);
    expect(json.provenance.jurisdiction).toBe('demo-province');
    expect(json.version).toMatch(/^[0-9a-f]{64}$/);
  });

  test('fails with one line naming the unknown parameter', async () => {
    const r = await runCli(['params', 'show', 'benefit.nothing', '--date', '2025-01-01']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('sanyi: parameter benefit.nothing at 2025-01-01 in demo: no such parameter');
  });

  test('refuses a date that does not exist as a usage error', async () => {
    const r = await runCli(['params', 'show', 'benefit.resident.annualCeiling', '--date', '2025-02-30']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/2025-02-30/);
  });
});

describe('sanyi params list and check', () => {
  test('lists the parameters under a prefix with their values', async () => {
    const r = await runCli(['params', 'list', 'benefit.resident.inpatient.ratio', '--date', '2025-06-01']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/benefit\.resident\.inpatient\.ratio\.primary\s+90%/);
    expect(r.stdout).toContain('3 parameters at 2025-06-01 in demo');
  });

  test('check validates the tree and prints its version', async () => {
    const r = await runCli(['params', 'check']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/parameter tree is valid: \d+ parameters, 4 jurisdictions, version [0-9a-f]{64}/);
  });

  test('check refuses a broken tree naming the file, the key and the problem', async () => {
    const dir = path.join(tmp, 'params');
    await cp(SHIPPED_PARAMS_DIR, dir, { recursive: true });
    await writeFile(path.join(dir, 'demo-province/benefit/resident/annualCeiling.yaml'), 'label: { zh: 封顶线, en: Ceiling }\nunit: fen\nreference: { basis: default, reason: r }\nvalues:\n  2024-01-01: 1.5\n');
    const r = await runCli(['params', 'check', '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('demo-province/benefit/resident/annualCeiling.yaml: values.2024-01-01: money is integer fen (分): 1.5 is not an integer');
  });
});

describe('sanyi db migrate', () => {
  test('creates and migrates the embedded database under SANYI_DATA_DIR, twice without harm', async () => {
    const env = { SANYI_DATA_DIR: path.join(tmp, 'data') };
    const first = await runCli(['db', 'migrate'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/database pglite at .*data\/pglite is migrated/);
    const second = await runCli(['db', 'migrate'], env);
    expect(second.code).toBe(0);
  });
});

describe('--help', () => {
  test.each([[[]], [['serve']], [['params']], [['params', 'show']], [['params', 'list']], [['params', 'check']], [['db']], [['db', 'migrate']], [['generate']], [['drg']], [['drg', 'group']], [['drg', 'weights']], [['dip']], [['dip', 'catalogue']]])(
    'is available on sanyi %j',
    async (cmd) => {
      const r = await runCli([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: sanyi/);
    },
  );

  test('an unknown command is a usage error', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});

describe('sanyi generate', () => {
  test('writes the county files and prints their row counts and the calibration report', async () => {
    const out = path.join(tmp, 'gen');
    const r = await runCli(['generate', '--population', '2000', '--seed', '3', '--out', out, '--no-progress']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/generated 2,000 persons × 1 year\(s\) from 2025, seed 3/);
    expect(r.stdout).toMatch(/encounters\.csv\s+[\d,]+ rows/);
    expect(r.stdout).toContain('calibration 2025 (tolerance ±5%)');
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as { seed: string; population: number };
    expect(manifest).toMatchObject({ seed: '3', population: 2000 });
  });

  test('stops on Ctrl-C with exit code 130 and no file under a final name', async () => {
    const out = path.join(tmp, 'interrupted');
    const child = spawnCli(['generate', '--out', out, '--no-progress']);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('interrupted; the partial files were removed');
    expect((await readdir(out)).filter((f) => f.endsWith('.csv') || f === 'manifest.json')).toEqual([]);
  });

  test('plants abuse patterns at the rates asked for and writes their ground truth', async () => {
    const out = path.join(tmp, 'inject');
    const r = await runCli(['generate', '--population', '3000', '--seed', '5', '--out', out, '--no-progress', '--inject', 'duplicate_claim=0.02,over_limit=0.1']);
    expect(r.code, r.stderr).toBe(0);
    const truth = (await readFile(path.join(out, 'injections.csv'), 'utf8')).trim().split('\n');
    expect(truth[0]).toBe('pattern,encounter_id,institution_id,person_id');
    const patterns = new Set(truth.slice(1).map((l) => l.split(',')[0]));
    expect([...patterns].sort()).toEqual(['duplicate_claim', 'over_limit']);
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as { injections: { rows: number; rates: Record<string, number> } };
    expect(manifest.injections).toMatchObject({ rows: truth.length - 1, rates: { duplicate_claim: 0.02, over_limit: 0.1 } });
    expect(r.stdout).toMatch(/planted [\d,]+ abuse patterns/);
  });

  test('refuses an unknown injection pattern, naming the ones it knows', async () => {
    const r = await runCli(['generate', '--population', '1000', '--out', path.join(tmp, 'bad-inject'), '--inject', 'kickbacks=0.1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown injection pattern "kickbacks": use duplicate_claim, after_death');
  });

  test('refuses a bad number with a usage error', async () => {
    const r = await runCli(['generate', '--years', 'two']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--years must be an integer, got "two"');
  });
});

describe('sanyi settle', () => {
  test('settles a loaded county-year and prints the summary as JSON with the totals, the package and the findings', async () => {
    const dataDir = path.join(tmp, 'settle-data');
    const gen = await runCli(['generate', '--population', '3000', '--seed', '8', '--out', path.join(dataDir, 'gen'), '--no-progress', '--into-db'], { SANYI_DATA_DIR: dataDir });
    expect(gen.code, gen.stderr).toBe(0);
    const r = await runCli(['settle', '--jurisdiction', 'demo', '--year', '2025', '--json'], { SANYI_DATA_DIR: dataDir });
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as Record<string, unknown> & { package: Record<string, number>; claims: number; total_fen: number; fund_fen: number; patient_fen: number };
    for (const k of ['claims', 'total_fen', 'fund_fen', 'patient_fen', 'hospital_payment_fen', 'package', 'findings', 'param_version', 'seed']) expect(s).toHaveProperty(k);
    expect(Object.keys(s.package).sort()).toEqual(['balance_fen', 'budget_fen', 'charged_fen', 'retained_fen']);
    expect(s.fund_fen + s.patient_fen).toBe(s.total_fen);
    expect(s.seed).toBe('8');
    const text = await runCli(['settle', '--year', '2025'], { SANYI_DATA_DIR: dataDir });
    expect(text.stdout).toMatch(/claims 结算人次\s+[\d,]+/);
    const bad = await runCli(['settle', '--year', '2019'], { SANYI_DATA_DIR: dataDir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('jurisdiction "demo" has data for 2025, not 2019');
  }, 120_000);
});
