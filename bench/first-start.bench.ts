/**
 * `npm start` on an empty embedded database (issue 3): the first start generates and loads the
 * 300,000-person demo county (target ≤ 2 minutes); a later start finds it loaded (target ≤ 10 s).
 * Runs the real `sanyi serve` in child processes on a temporary data directory.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Figure } from './run.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

function start(dataDir: string): Promise<{ secs: number; output: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve'], {
      env: { ...process.env, DATABASE_URL: undefined, SANYI_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (d: Buffer) => {
      output += d.toString();
      if (/ready in/.test(output)) {
        const secs = (performance.now() - t0) / 1000;
        child.kill('SIGTERM');
        child.on('exit', () => resolve({ secs, output }));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      if (!/ready in/.test(output)) reject(new Error(`sanyi serve exited with ${code}:\n${output}`));
    });
  });
}

export async function run(): Promise<Figure[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sanyi-bench-start-'));
  try {
    const first = await start(dir);
    const gen = /generated in ([\d.]+) s/.exec(first.output);
    const load = /inpatient cases in ([\d.]+) s/.exec(first.output);
    const later = await start(dir);
    return [
      { name: 'first start: generate, load and settle the demo county, to ready', value: first.secs, unit: 's (target ≤ 120)' },
      { name: 'first start: of which generating the files', value: Number(gen?.[1] ?? NaN), unit: 's' },
      { name: 'first start: of which loading into PGlite', value: Number(load?.[1] ?? NaN), unit: 's' },
      { name: 'later start, demo county loaded, to ready', value: later.secs, unit: 's (target ≤ 10)' },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
