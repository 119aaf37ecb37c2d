/**
 * Store: copyInto throughput (rows/s) for residents rows, on PGlite in memory, PGlite in a data
 * directory (the default of `npm start`) and, when DATABASE_URL is set, PostgreSQL (in a scratch
 * database that is dropped afterwards). Also the time to open and migrate an embedded database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { openStore, type Store } from '../src/store/store.js';
import type { Figure } from './run.js';

const ROWS = 200_000;
const COLUMNS = ['id', 'county_id', 'township_id', 'village_id', 'sex', 'birth_date'];

function* residents(n: number): Generator<unknown[]> {
  for (let id = 1; id <= n; id++) {
    const month = String(1 + (id % 12)).padStart(2, '0');
    const day = String(1 + (id % 28)).padStart(2, '0');
    yield [id, 'demo', `demo-t${id % 14}`, `demo-t${id % 14}-v${id % 23}`, id % 2 ? 'M' : 'F', `${1930 + (id % 90)}-${month}-${day}`];
  }
}

async function copyRate(store: Store): Promise<number> {
  const t0 = performance.now();
  const { rows } = await store.copyInto('residents', COLUMNS, residents(ROWS));
  const secs = (performance.now() - t0) / 1000;
  const [check] = await store.query<{ n: number }>('select count(*) as n from residents');
  if (rows !== ROWS || check?.n !== ROWS) throw new Error(`copied ${rows} rows, table has ${check?.n}`);
  return ROWS / secs;
}

export async function run(): Promise<Figure[]> {
  const figures: Figure[] = [];

  let t0 = performance.now();
  const memory = await openStore({ memory: true });
  try {
    await memory.migrate();
    figures.push({ name: 'PGlite in memory: open + migrate', value: performance.now() - t0, unit: 'ms' });
    figures.push({ name: `copyInto residents, ${ROWS.toLocaleString('en-US')} rows, PGlite in memory`, value: await copyRate(memory), unit: 'rows/s' });
  } finally {
    await memory.close();
  }

  const dir = mkdtempSync(path.join(os.tmpdir(), 'sanyi-bench-'));
  try {
    t0 = performance.now();
    const disk = await openStore({ dataDir: path.join(dir, 'pglite') });
    try {
      await disk.migrate();
      figures.push({ name: 'PGlite data directory: create + migrate', value: performance.now() - t0, unit: 'ms' });
      figures.push({ name: `copyInto residents, ${ROWS.toLocaleString('en-US')} rows, PGlite on disk`, value: await copyRate(disk), unit: 'rows/s' });
    } finally {
      await disk.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const url = process.env.DATABASE_URL;
  if (url) {
    const admin = await openStore({ databaseUrl: url, maxConnections: 1 });
    const name = `sanyi_bench_${randomBytes(5).toString('hex')}`;
    try {
      await admin.exec(`create database ${name}`);
      const u = new URL(url);
      u.pathname = `/${name}`;
      const server = await openStore({ databaseUrl: u.toString() });
      try {
        await server.migrate();
        figures.push({ name: `copyInto residents, ${ROWS.toLocaleString('en-US')} rows, PostgreSQL`, value: await copyRate(server), unit: 'rows/s' });
      } finally {
        await server.close();
      }
    } finally {
      await admin.exec(`drop database if exists ${name} with (force)`);
      await admin.close();
    }
  }
  return figures;
}
