/**
 * Child process of crash.test.ts: bulk-loads residents with copyInto from an async generator and
 * stops in the middle of a batch, with its transaction open, waiting to be killed.
 *
 *   node --import tsx src/store/test-support/crash-loader.ts
 *
 * Environment:
 *   CRASH_DATABASE_URL  PostgreSQL URL, or
 *   CRASH_DATA_DIR      PGlite data directory (CRASH_TEMPLATE: a migrated template tarball for a new one)
 *   CRASH_BATCH_ROWS    rows per batch (transaction)
 *   CRASH_CHUNK_ROWS    rows per COPY statement
 *   CRASH_FIRST_ID      id of the first row
 *   CRASH_PAUSE_AT      0-based index of the row before which the generator pauses forever
 *
 * Prints: "ready", then "committed <batch> <totalRows>" after each committed batch, then
 * "mid-batch <rowsYielded>" when it pauses.
 */
import { readFileSync } from 'node:fs';
import { openStore } from '../store.js';
import { crashRow, CRASH_COLUMNS } from './crash-rows.js';

function num(name: string): number {
  const v = Number(process.env[name]);
  if (!Number.isInteger(v)) throw new Error(`${name} must be an integer`);
  return v;
}

const batchRows = num('CRASH_BATCH_ROWS');
const chunkRows = num('CRASH_CHUNK_ROWS');
const firstId = num('CRASH_FIRST_ID');
const pauseAt = num('CRASH_PAUSE_AT');

const store = await openStore(
  process.env.CRASH_DATABASE_URL
    ? { databaseUrl: process.env.CRASH_DATABASE_URL }
    : {
        dataDir: process.env.CRASH_DATA_DIR!,
        ...(process.env.CRASH_TEMPLATE ? { loadDataDir: new Blob([readFileSync(process.env.CRASH_TEMPLATE)]) } : {}),
      },
);
await store.migrate();
console.log('ready');

async function* rows(): AsyncGenerator<unknown[]> {
  for (let i = 0; ; i++) {
    if (i === pauseAt) {
      console.log(`mid-batch ${i}`);
      await new Promise(() => {}); // the transaction of this batch stays open until we are killed
    }
    await Promise.resolve();
    yield crashRow(firstId + i);
  }
}

await store.copyInto('residents', CRASH_COLUMNS, rows(), {
  batchRows,
  chunkRows,
  onBatch: (b) => console.log(`committed ${b.batch} ${b.totalRows}`),
});
