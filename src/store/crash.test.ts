/**
 * Crash safety of copyInto: a loader process is killed with SIGKILL in the middle of a batch (its
 * transaction open, part of the batch already sent with COPY). Reopening the store must show exactly
 * the committed batches, row for row, and nothing of the partial one; and the store must take more
 * rows afterwards. On PGlite this also proves the embedded database recovers after kill -9.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from './store.js';
import { backends, createTestDatabase, pgliteTemplates, type TestDatabase } from './test-support/backends.js';
import { CRASH_COLUMNS, crashRow, crashRowText } from './test-support/crash-rows.js';

const LOADER = fileURLToPath(new URL('./test-support/crash-loader.ts', import.meta.url));
const BATCH = 2_000;
const CHUNK = 500;
const FIRST_ID = 1;
/** Batches 1 and 2 commit; batch 3 has sent two COPY chunks (1 000 rows) and holds 250 more. */
const PAUSE_AT = 2 * BATCH + 2 * CHUNK + 250;

interface LoaderRun {
  committed: Array<{ batch: number; totalRows: number }>;
  pausedAfter: number;
  signal: NodeJS.Signals | null;
}

/** Runs the loader until it pauses mid-batch, runs `beforeKill`, then SIGKILLs it. */
function loadAndKill(env: Record<string, string>, beforeKill: () => Promise<void> = async () => {}): Promise<LoaderRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', LOADER], {
      env: {
        ...process.env,
        ...env,
        CRASH_BATCH_ROWS: String(BATCH),
        CRASH_CHUNK_ROWS: String(CHUNK),
        CRASH_FIRST_ID: String(FIRST_ID),
        CRASH_PAUSE_AT: String(PAUSE_AT),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const committed: LoaderRun['committed'] = [];
    let pausedAfter = -1;
    let checkFailed: Error | undefined;
    let stderr = '';
    let pending = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      pending += d.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const c = /^committed (\d+) (\d+)$/.exec(line);
        if (c) committed.push({ batch: Number(c[1]), totalRows: Number(c[2]) });
        const m = /^mid-batch (\d+)$/.exec(line);
        if (m) {
          pausedAfter = Number(m[1]);
          beforeKill()
            .catch((e: unknown) => (checkFailed = e instanceof Error ? e : new Error(String(e))))
            .finally(() => child.kill('SIGKILL'));
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (checkFailed) reject(checkFailed);
      else if (pausedAfter < 0) reject(new Error(`the loader exited (code ${code}, signal ${signal}) before pausing:\n${stderr}`));
      else resolve({ committed, pausedAfter, signal });
    });
  });
}

async function contents(store: Store): Promise<{ ids: number[]; checksum: string | null }> {
  const rows = await store.query<{ id: number }>('select id from residents order by id');
  const [sum] = await store.query<{ checksum: string | null }>(
    `select md5(string_agg(concat_ws('|', id, county_id, township_id, village_id, sex, birth_date::text), E'\\n' order by id)) as checksum
     from residents`,
  );
  return { ids: rows.map((r) => r.id), checksum: sum!.checksum };
}

function expected(count: number): { ids: number[]; checksum: string } {
  const ids = Array.from({ length: count }, (_, i) => FIRST_ID + i);
  return { ids, checksum: createHash('md5').update(ids.map(crashRowText).join('\n')).digest('hex') };
}

async function verifyAndResume(store: Store, run: LoaderRun): Promise<void> {
  expect(run.signal).toBe('SIGKILL');
  expect(run.pausedAfter).toBe(PAUSE_AT);
  expect(run.committed).toEqual([
    { batch: 1, totalRows: BATCH },
    { batch: 2, totalRows: 2 * BATCH },
  ]);
  // Exactly the committed batches, row for row; nothing of the partial third batch.
  expect(await contents(store)).toEqual(expected(2 * BATCH));
  // The store takes the rest after the crash, and the partial batch's ids are free again.
  const rest = Array.from({ length: 1_500 }, (_, i) => crashRow(FIRST_ID + 2 * BATCH + i));
  expect(await store.copyInto('residents', CRASH_COLUMNS, rest, { batchRows: 1_000 })).toEqual({ rows: 1_500, batches: 2 });
  expect(await contents(store)).toEqual(expected(2 * BATCH + 1_500));
}

for (const backend of backends) {
  describe(`a loader killed mid-batch on ${backend.name}`, () => {
    const cleanups: Array<() => Promise<void> | void> = [];
    afterAll(async () => {
      for (const c of cleanups.reverse()) await c();
    });

    if (backend.name === 'pglite') {
      it('leaves exactly the committed batches in a persisted data directory, which reopens after kill -9', async () => {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'sanyi-crash-'));
        cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
        const dataDir = path.join(dir, 'pglite');
        const { migratedFile } = await pgliteTemplates();
        const run = await loadAndKill({ CRASH_DATA_DIR: dataDir, CRASH_TEMPLATE: migratedFile });
        const store = await openStore({ dataDir }); // the dead loader's lock is stale and taken over
        cleanups.push(() => store.close());
        await verifyAndResume(store, run);
        expect((await store.migrate()).applied).toEqual([]);
      });
    } else {
      it('leaves exactly the committed batches in the database', async () => {
        const db: TestDatabase = await createTestDatabase();
        cleanups.push(() => db.drop());
        const admin = await openStore({ databaseUrl: db.url, maxConnections: 1 });
        cleanups.push(() => admin.close());
        const run = await loadAndKill({ CRASH_DATABASE_URL: db.url }, async () => {
          // At the kill the loader's batch is really in flight: a transaction open inside a COPY.
          const inFlight = await admin.query<{ query: string; open: boolean }>(
            `select query, xact_start is not null as open from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
          );
          expect(inFlight).toContainEqual({ query: expect.stringMatching(/^COPY "residents"/), open: true });
        });
        const store = await openStore({ databaseUrl: db.url, maxConnections: 2 });
        cleanups.push(() => store.close());
        await verifyAndResume(store, run);
      });
    }
  });
}
