import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli, spawnCli, waitForLine } from '../cli/test-support/run-cli.js';
import { SHIPPED_PARAMS_DIR } from '../runs/config.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sanyi-serve-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('sanyi serve', () => {
  test('generates and loads the demo county on first start, serves, and stops cleanly on SIGTERM', async () => {
    // A small demo county keeps the test quick; the full-size first start is measured by `npm run bench`.
    const env = { SANYI_DATA_DIR: path.join(tmp, 'data'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SANYI_DEMO_POPULATION: '3000' };
    const child = spawnCli(['serve'], env);
    const { match, output } = await waitForLine(child, /open (http:\/\/localhost:\d+)/);
    expect(output()).toContain('empty database: generating the demo county (演示县), 3,000 persons, seed 42, 2025');
    expect(output()).toMatch(/loaded 3,\d{3} residents, [\d,]+ encounters, [\d,]+ inpatient cases/);
    const url = match[1]!.replace('localhost', '127.0.0.1');
    const health = (await (await fetch(`${url}/api/health`)).json()) as { status: string };
    expect(health.status).toBe('ok');
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output()).toContain('sanyi: stopped');

    // Second start on the same data: nothing to load again.
    const again = spawnCli(['serve'], env);
    const second = await waitForLine(again, /open http/);
    expect(second.output()).not.toContain('empty database');
    const exited2 = new Promise<number | null>((resolve) => again.on('exit', (code) => resolve(code)));
    again.kill('SIGINT');
    expect(await exited2).toBe(0);
  });

  test('a broken parameter file stops start-up with a message naming the file, the key and the problem', async () => {
    const dir = path.join(tmp, 'params');
    await cp(SHIPPED_PARAMS_DIR, dir, { recursive: true });
    await writeFile(path.join(dir, 'demo/benefit/resident/inpatient/deductible/primary.yaml'), 'label: { zh: 起付线, en: Deductible }\nunit: fen\nreference: { basis: default }\nvalues:\n  2025-01-01: 10000\n');
    const r = await runCli(['serve'], { SANYI_DATA_DIR: path.join(tmp, 'data2'), SANYI_PARAMS_DIR: dir, PORT: '0' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('demo/benefit/resident/inpatient/deductible/primary.yaml: reference.reason: a «default» reference must give its reason');
  });

  test('refuses a bad PORT with one line', async () => {
    const r = await runCli(['serve'], { PORT: 'eighty', SANYI_DATA_DIR: path.join(tmp, 'data3') });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('sanyi: PORT must be an integer between 0 and 65535, got "eighty"');
  });
});
