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

  test('refuses a bad number with a usage error', async () => {
    const r = await runCli(['generate', '--years', 'two']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--years must be an integer, got "two"');
  });
});
