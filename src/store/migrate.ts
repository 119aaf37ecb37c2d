/**
 * The migration runner: applies the SQL files drizzle-kit generated in migrations/ (listed in
 * migrations/meta/_journal.json), the same files on both backends.
 *
 * It records applied migrations in drizzle's own table (drizzle.__drizzle_migrations: hash, created_at),
 * so drizzle-kit tooling reads the same history, and adds what drizzle's migrator lacks:
 *  - one transaction for the whole run, serialized by an advisory lock (two processes starting
 *    at once do not race);
 *  - a check that the database matches the files: an applied migration whose file changed, a
 *    migration the code does not know (the database is newer than the code), or a migration older
 *    than the newest applied one that was never applied (a branch merged out of order) are errors.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describeCause } from './errors.js';

export interface MigrationFile {
  /** File name without .sql, e.g. '0000_foundation'. */
  tag: string;
  /** drizzle-kit's timestamp of the migration (journal `when`), stored as created_at. */
  when: number;
  /** sha256 of the file, as drizzle stores it. */
  hash: string;
  statements: string[];
}

export interface MigrateResult {
  /** Migrations applied by this call (tags), oldest first; empty when the database was up to date. */
  applied: string[];
  /** Migrations the database has now. */
  total: number;
}

interface Journal {
  entries: Array<{ idx: number; when: number; tag: string }>;
}

/** The migrations of a folder, oldest first. Throws with the file name when something is missing. */
export function readMigrations(folder: string): MigrationFile[] {
  const journalPath = path.join(folder, 'meta', '_journal.json');
  let journal: Journal;
  try {
    journal = JSON.parse(readFileSync(journalPath, 'utf8')) as Journal;
  } catch (e) {
    throw new Error(`cannot read the migration journal ${journalPath}: ${(e as Error).message}`, { cause: e });
  }
  if (!Array.isArray(journal.entries)) throw new Error(`${journalPath} has no entries`);
  const files = journal.entries.map((entry) => {
    const file = path.join(folder, `${entry.tag}.sql`);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`the journal lists ${entry.tag} but ${file} cannot be read: ${(e as Error).message}`, { cause: e });
    }
    return {
      tag: entry.tag,
      when: entry.when,
      hash: createHash('sha256').update(text).digest('hex'),
      statements: text.split('--> statement-breakpoint').filter((s) => s.trim() !== ''),
    };
  });
  for (let i = 1; i < files.length; i++) {
    if (files[i]!.when <= files[i - 1]!.when) throw new Error(`${journalPath}: ${files[i]!.tag} is not newer than ${files[i - 1]!.tag}`);
  }
  return files;
}

/** What the runner needs from a backend: queries inside one open transaction. */
export interface MigrationConnection {
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs SQL text that may hold several statements (simple query protocol). */
  exec(sql: string): Promise<void>;
}

/** Arbitrary constant shared by every sanyi process: the advisory lock key of the migration runner. */
const MIGRATION_LOCK_KEY = 7_303_830_601;

/**
 * Applies the pending migrations inside the caller's transaction (`conn`): all or nothing.
 * Errors are plain Errors; the store wraps them into a StoreError naming the backend.
 */
export async function applyMigrations(conn: MigrationConnection, files: MigrationFile[]): Promise<MigrateResult> {
  await conn.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
  const [exists] = await conn.query<{ ok: boolean }>(`select to_regclass('drizzle.__drizzle_migrations') is not null as ok`);
  if (!exists?.ok) {
    const [schema] = await conn.query<{ ok: boolean }>(`select exists (select 1 from pg_namespace where nspname = 'drizzle') as ok`);
    if (!schema?.ok) await conn.query('create schema drizzle');
    await conn.query('create table drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)');
  }
  const rows = await conn.query<{ hash: string; created_at: string | number }>(
    'select hash, created_at::text as created_at from drizzle.__drizzle_migrations order by created_at, id',
  );
  const byWhen = new Map(files.map((f) => [f.when, f]));
  let newest = Number.NEGATIVE_INFINITY;
  const appliedWhens = new Set<number>();
  for (const row of rows) {
    const when = Number(row.created_at);
    const file = byWhen.get(when);
    if (!file) {
      throw new Error(
        `the database has a migration (created_at ${row.created_at}) that this version of sanyi does not know: the database is newer than the code`,
      );
    }
    if (file.hash !== row.hash) {
      throw new Error(`migration ${file.tag} was changed after it was applied to this database (its hash differs); add a new migration instead`);
    }
    appliedWhens.add(when);
    newest = Math.max(newest, when);
  }
  const applied: string[] = [];
  for (const file of files) {
    if (appliedWhens.has(file.when)) continue;
    if (file.when < newest) {
      throw new Error(`migration ${file.tag} is older than the newest applied migration but was never applied (merged out of order?); regenerate it`);
    }
    for (const [i, statement] of file.statements.entries()) {
      try {
        await conn.exec(statement);
      } catch (e) {
        throw new Error(`migration ${file.tag} failed at statement ${i + 1}: ${describeCause(e)}`, { cause: e });
      }
    }
    await conn.query('insert into drizzle.__drizzle_migrations (hash, created_at) values ($1, $2)', [file.hash, file.when]);
    applied.push(file.tag);
  }
  return { applied, total: appliedWhens.size + applied.length };
}
