/**
 * DRG grouper (issue 4) on the CHS-DRG 1.1 scheme from ../shared/data/chs-drg-1.1 (skipped when
 * absent): cases already in memory (trace off; target ≥ 1,000,000 cases/s on one core).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Grouper, parseCaseRow, type GroupInput } from '../src/grouper/grouper.js';
import { loadScheme } from '../src/grouper/scheme.js';
import type { Figure } from './run.js';

const OFFICIAL = fileURLToPath(new URL('../../shared/data/chs-drg-1.1/', import.meta.url));

export async function run(): Promise<Figure[]> {
  if (!existsSync(path.join(OFFICIAL, 'scheme.json'))) {
    console.log(`  (skipped: ${OFFICIAL} is absent)`);
    return [];
  }
  const t0 = performance.now();
  const grouper = new Grouper(await loadScheme(OFFICIAL));
  const compileMs = performance.now() - t0;
  const inputs: GroupInput[] = readFileSync(path.join(OFFICIAL, 'golden/cases.csv'), 'utf8')
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((l) => parseCaseRow(l)!.input);
  const encoded = inputs.map((x) => grouper.encode(x));
  const n = 3_000_000;
  let sink = 0;
  const time = (f: (i: number) => number) => {
    for (let i = 0; i < 300_000; i++) sink += f(i); // warm-up
    const t = performance.now();
    for (let i = 0; i < n; i++) sink += f(i);
    return n / ((performance.now() - t) / 1000);
  };
  const inMemory = time((i) => grouper.groupEncoded(encoded[i % encoded.length]!).drg.length);
  const fromRecords = time((i) => grouper.group(inputs[i % inputs.length]!).drg.length);
  if (sink === 0) throw new Error('nothing grouped');
  return [
    ...(await endToEnd()),
    { name: 'load + compile the CHS-DRG 1.1 scheme', value: compileMs, unit: 'ms' },
    { name: 'group cases in memory, codes interned (golden mix, trace off)', value: inMemory, unit: 'cases/s (target ≥ 1,000,000)' },
    { name: 'group parsed records (normalise + intern + group)', value: fromRecords, unit: 'cases/s' },
  ];
}

/** End to end, CSV to CSV: a file of 1,000,000 cases (the golden rows repeated with new ids). */
export async function endToEnd(): Promise<Figure[]> {
  const { groupFile } = await import('../src/runs/drg-group.js');
  const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
  const os = await import('node:os');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sanyi-bench-drg-'));
  try {
    const rows = readFileSync(path.join(OFFICIAL, 'golden/cases.csv'), 'utf8').trimEnd().split('\n');
    const body = rows.slice(1).map((l) => l.slice(l.indexOf(',')));
    const n = 1_000_000;
    const parts: string[] = [rows[0]!];
    for (let i = 0; i < n; i++) parts.push(`C${i}${body[i % body.length]!}`);
    await writeFile(path.join(dir, 'cases.csv'), parts.join('\n') + '\n');
    const figures: Figure[] = [];
    // The product as users run it: the built command (after `npm run build`), in its own process.
    const bin = fileURLToPath(new URL('../bin/sanyi.js', import.meta.url));
    if (existsSync(fileURLToPath(new URL('../dist/cli/main.js', import.meta.url)))) {
      const { execFileSync } = await import('node:child_process');
      const t0 = performance.now();
      execFileSync(process.execPath, [bin, 'drg', 'group', '--scheme', OFFICIAL, '--in', path.join(dir, 'cases.csv'), '--out', path.join(dir, 'out-bin.csv'), '--no-progress'], { stdio: 'ignore' });
      figures.push({ name: 'CSV → CSV, 1,000,000 cases, built command (process start included)', value: n / ((performance.now() - t0) / 1000), unit: 'cases/s (target ≥ 300,000)' });
    }
    const s = await groupFile({ scheme: OFFICIAL, input: path.join(dir, 'cases.csv'), output: path.join(dir, 'out.csv') });
    figures.push({ name: 'CSV → CSV, 1,000,000 cases, from source under tsx', value: s.cases / s.seconds, unit: 'cases/s' });
    return figures;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
