/**
 * The backends every store-backed test suite runs on:
 *  - pglite:   always. Each open() starts an in-memory PGlite from a migrated template (a dump of the
 *              data directory, built once and cached on disk per migration set), which takes well
 *              under a second instead of initdb + migrations (several seconds).
 *  - postgres: when DATABASE_URL is set. Each open() creates its own database
 *              (sanyi_test_<time>_<random>) and close() drops it, so parallel test files never collide.
 *              With CI=true and no DATABASE_URL the postgres backend is kept and its open() throws,
 *              so the suites FAIL instead of silently skipping; otherwise it is skipped with a notice.
 *
 * Usage:
 *   for (const backend of backends) describe(`… on ${backend.name}`, () => {
 *     let store: Store;
 *     beforeAll(async () => { store = await backend.open(); });
 *     afterAll(async () => { await store?.close(); });
 *   });
 * Close every store you open (PGlite instances hold ~100–250 MB each).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import pg from 'pg';
import { MIGRATIONS_DIR, PgliteStore, openStore, type Backend, type Store } from '../store.js';

export interface TestBackend {
  name: Backend;
  /** A store of its own: migrated unless `migrated: false` (then empty, for migration tests). */
  open(opts?: { migrated?: boolean }): Promise<Store>;
}

export const DATABASE_URL = process.env.DATABASE_URL || undefined;
const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
const CI_WITHOUT_POSTGRES = 'CI=true but DATABASE_URL is not set: the store suites must run on PostgreSQL in CI (see .ci/run)';

// ---------------------------------------------------------------------------------------------
// PGlite templates

const pgliteVersion = (() => {
  // The package does not export its package.json: read it next to the resolved entry point.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  let dir = path.dirname(entry);
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
})();

function migrationsKey(): string {
  const h = createHash('sha256').update(pgliteVersion);
  const files = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort();
  for (const f of files) h.update(f).update(readFileSync(path.join(MIGRATIONS_DIR, f)));
  h.update(readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json')));
  return h.digest('hex').slice(0, 16);
}

const CACHE_DIR = path.join(os.tmpdir(), 'sanyi-test-cache');

export interface PgliteTemplates {
  /** A fresh database without migrations. */
  empty: Blob;
  /** The same with every migration applied. */
  migrated: Blob;
  /** Files holding the dumps (for child processes: openStore({ dataDir, loadDataDir })). */
  emptyFile: string;
  migratedFile: string;
}

let templates: Promise<PgliteTemplates> | undefined;

/** The PGlite template dumps, built once per migration set and PGlite version, cached in the OS temp dir. */
export function pgliteTemplates(): Promise<PgliteTemplates> {
  templates ??= loadOrBuildTemplates();
  return templates;
}

async function loadOrBuildTemplates(): Promise<PgliteTemplates> {
  const key = migrationsKey();
  const emptyFile = path.join(CACHE_DIR, `pglite-${pgliteVersion}-empty.tar`);
  const migratedFile = path.join(CACHE_DIR, `pglite-${pgliteVersion}-migrated-${key}.tar`);
  try {
    return { empty: new Blob([readFileSync(emptyFile)]), migrated: new Blob([readFileSync(migratedFile)]), emptyFile, migratedFile };
  } catch {
    // not cached yet (or unreadable): build below
  }
  const store = await openStore({ memory: true });
  try {
    if (!(store instanceof PgliteStore)) throw new Error('expected a PGlite store');
    const empty = await store.dumpDataDir();
    await store.migrate();
    const migrated = await store.dumpDataDir();
    mkdirSync(CACHE_DIR, { recursive: true });
    // Templates of other migration sets or PGlite versions are ~40 MB each: keep only the current ones.
    for (const f of readdirSync(CACHE_DIR)) {
      const file = path.join(CACHE_DIR, f);
      if (f.startsWith('pglite-') && f.endsWith('.tar') && file !== emptyFile && file !== migratedFile) rmSync(file, { force: true });
    }
    await writeAtomically(emptyFile, empty);
    await writeAtomically(migratedFile, migrated);
    return { empty, migrated, emptyFile, migratedFile };
  } finally {
    await store.close();
  }
}

/** Parallel test files may build the same template: each writes its own file and renames it in place. */
async function writeAtomically(file: string, blob: Blob): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
  renameSync(tmp, file);
}

async function openPgliteFromTemplate(migrated: boolean): Promise<Store> {
  const t = await pgliteTemplates();
  try {
    return await openStore({ memory: true, loadDataDir: migrated ? t.migrated : t.empty });
  } catch (e) {
    // A damaged cache file: drop it so the next run rebuilds it.
    rmSync(migrated ? t.migratedFile : t.emptyFile, { force: true });
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: one database per open()

const TEST_DB_PREFIX = 'sanyi_test_';
const STALE_AFTER_MS = 6 * 3600_000;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function adminQuery<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

let staleSwept: Promise<void> | undefined;

/** Test databases left behind by killed runs (older than 6 hours, by the time in their name) are dropped. */
function sweepStaleDatabases(): Promise<void> {
  staleSwept ??= (async () => {
    const rows = await adminQuery<{ datname: string }>(`select datname from pg_database where datname like '${TEST_DB_PREFIX}%'`);
    for (const { datname } of rows) {
      const born = parseInt(datname.slice(TEST_DB_PREFIX.length).split('_')[0] ?? '', 36);
      if (Number.isFinite(born) && Date.now() - born > STALE_AFTER_MS) {
        await adminQuery(`drop database if exists "${datname}" with (force)`).catch(() => {});
      }
    }
  })();
  return staleSwept;
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A new empty database on the DATABASE_URL server, for one suite. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!DATABASE_URL) throw new Error(IN_CI ? CI_WITHOUT_POSTGRES : 'DATABASE_URL is not set');
  await sweepStaleDatabases();
  const name = `${TEST_DB_PREFIX}${Date.now().toString(36)}_${randomBytes(5).toString('hex')}`;
  await adminQuery(`create database "${name}"`);
  let dropped: Promise<void> | undefined;
  return {
    name,
    url: withDatabase(DATABASE_URL, name),
    drop() {
      dropped ??= adminQuery(`drop database if exists "${name}" with (force)`).then(() => {});
      return dropped;
    },
  };
}

async function openPostgresTestStore(migrated: boolean): Promise<Store> {
  const db = await createTestDatabase();
  let store: Store;
  try {
    store = await openStore({ databaseUrl: db.url, maxConnections: 4 });
    if (migrated) await store.migrate();
  } catch (e) {
    await db.drop();
    throw e;
  }
  return withCleanup(store, () => db.drop());
}

/** The same store, whose close() also runs `cleanup` (after closing). */
function withCleanup(store: Store, cleanup: () => Promise<void>): Store {
  let closing: Promise<void> | undefined;
  return {
    get backend() {
      return store.backend;
    },
    get location() {
      return store.location;
    },
    get db() {
      return store.db;
    },
    query: (sql, params) => store.query(sql, params),
    exec: (sql) => store.exec(sql),
    transaction: (fn) => store.transaction(fn),
    migrate: (opts) => store.migrate(opts),
    copyInto: (table, columns, rows, opts) => store.copyInto(table, columns, rows, opts),
    copyOut: (select) => store.copyOut(select),
    close() {
      closing ??= store.close().then(cleanup);
      return closing;
    },
  };
}

// ---------------------------------------------------------------------------------------------

export const backends: TestBackend[] = [{ name: 'pglite', open: (opts) => openPgliteFromTemplate(opts?.migrated ?? true) }];

if (DATABASE_URL) {
  backends.push({ name: 'postgres', open: (opts) => openPostgresTestStore(opts?.migrated ?? true) });
} else if (IN_CI) {
  backends.push({
    name: 'postgres',
    open: () => Promise.reject(new Error(CI_WITHOUT_POSTGRES)),
  });
} else {
  console.warn('notice: DATABASE_URL is not set, so the store suites run on PGlite only (set DATABASE_URL to include PostgreSQL)');
}

/** True when the postgres backend really runs (DATABASE_URL set). */
export const hasPostgres = DATABASE_URL !== undefined;
