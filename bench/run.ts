/**
 * `npm run bench`: runs every bench/*.bench.ts (or those named on the command line) and prints
 * their figures to stdout. A benchmark measures; it does not pass or fail.
 *
 *   npm run bench               all benchmarks
 *   npm run bench -- params     only bench/params.bench.ts
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';

export interface Figure {
  name: string;
  value: number;
  unit: string;
}

const dir = fileURLToPath(new URL('./', import.meta.url));
const only = process.argv.slice(2);
const files = (await readdir(dir))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

console.log(`sanyi benchmarks — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`);
console.log(`database: ${process.env.DATABASE_URL ? 'PostgreSQL at DATABASE_URL and embedded PGlite' : 'embedded PGlite (set DATABASE_URL to include PostgreSQL)'}\n`);
let failed = 0;
for (const f of files) {
  const mod = (await import(pathToFileURL(`${dir}${f}`).href)) as { run?: () => Promise<Figure[]> };
  if (typeof mod.run !== 'function') {
    console.log(`${f}: exports no run()`);
    failed++;
    continue;
  }
  const t0 = performance.now();
  try {
    const figures = await mod.run();
    console.log(`${f} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    for (const x of figures) console.log(`  ${x.name.padEnd(52)} ${fmt(x.value).padStart(14)} ${x.unit}`);
  } catch (e) {
    failed++;
    console.log(`${f}: failed: ${(e as Error).stack ?? String(e)}`);
  }
}
if (failed) process.exitCode = 1;

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(3);
}
