/**
 * Bulk loading with COPY … FROM STDIN (text format), shared by both backends. The backend supplies
 * one thing: how to run one COPY statement inside an open transaction, fed line by line
 * (CopyConnection). This file owns identifiers, value encoding, batching and error reporting.
 *
 * Batches and chunks: rows are committed `batchRows` at a time, each batch in ONE transaction (all or
 * nothing); inside a batch they are sent in COPY statements of at most `chunkRows` rows. The row
 * source is read lazily: the PostgreSQL backend streams rows to the server as they come, PGlite holds
 * one chunk (its COPY reads a file, /dev/blob), so memory stays bounded by one chunk.
 */
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { is } from 'drizzle-orm';
import { PgTable as PgTableClass } from 'drizzle-orm/pg-core';
import { CopyError, describeCause, type Backend } from './errors.js';

/** Rows to copy: arrays of values in the order of `columns`; sync or async, read once and lazily. */
export type CopyRows = Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>;

export interface CopyBatchInfo {
  /** 1-based batch number. */
  batch: number;
  /** Rows in this batch. */
  rows: number;
  /** Rows committed so far by this call, this batch included. */
  totalRows: number;
  /** Milliseconds the batch took, from reading its first row to its commit. */
  ms: number;
}

export interface CopyOptions {
  /** Rows per transaction (default 50 000). A failure rolls back its own batch only. */
  batchRows?: number;
  /** Rows per COPY statement inside a batch (default min(batchRows, 10 000)). */
  chunkRows?: number;
  /** Called after each batch has committed. */
  onBatch?: (info: CopyBatchInfo) => void;
}

export interface CopyResult {
  /** Rows committed. */
  rows: number;
  /** Batches committed. */
  batches: number;
}

/** A table by SQL name ('residents', 'some_schema.some_table') or its Drizzle table object. */
export type CopyTable = string | PgTable;

export const DEFAULT_BATCH_ROWS = 50_000;
export const DEFAULT_CHUNK_ROWS = 10_000;

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A validated identifier, double-quoted. Only plain SQL identifiers are accepted. */
export function quoteIdent(name: string, what: string): string {
  if (typeof name !== 'string' || !IDENT.test(name) || name.length > 63) {
    throw new TypeError(`invalid ${what} name ${JSON.stringify(name)}: use letters, digits and _ (at most 63, not starting with a digit)`);
  }
  return `"${name}"`;
}

export interface CopyTarget {
  /** For messages: the table as given ('residents'). */
  label: string;
  /** Quoted, schema-qualified when a schema was given. */
  tableSql: string;
  columnsSql: string;
  columnNames: readonly string[];
}

export function copyTarget(table: CopyTable, columns: readonly string[]): CopyTarget {
  let schema: string | undefined;
  let name: string;
  if (typeof table === 'string') {
    const parts = table.split('.');
    if (parts.length > 2) throw new TypeError(`invalid table name ${JSON.stringify(table)}: expected "table" or "schema.table"`);
    [schema, name] = parts.length === 2 ? [parts[0], parts[1]!] : [undefined, parts[0]!];
  } else if (is(table, PgTableClass)) {
    const cfg = getTableConfig(table);
    schema = cfg.schema;
    name = cfg.name;
  } else {
    throw new TypeError('copyInto: table must be a table name or a Drizzle table');
  }
  const tableSql = (schema !== undefined ? `${quoteIdent(schema, 'schema')}.` : '') + quoteIdent(name, 'table');
  const given: unknown = columns;
  if (!Array.isArray(given) || columns.length === 0) throw new TypeError(`copyInto ${name}: at least one column is required`);
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) throw new TypeError(`copyInto ${name}: column ${JSON.stringify(c)} is listed twice`);
    seen.add(c);
  }
  return {
    label: schema !== undefined ? `${schema}.${name}` : name,
    tableSql,
    columnsSql: columns.map((c) => quoteIdent(c, 'column')).join(', '),
    columnNames: columns,
  };
}

// ---------------------------------------------------------------------------------------------
// Value encoding: COPY text format. Each row is one line, columns separated by a tab; null is \N;
// backslash, tab, newline and carriage return are escaped with a backslash.

const SPECIAL = /[\\\t\n\r\0]/;
const SPECIAL_G = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeText(s: string): string {
  if (!SPECIAL.test(s)) return s;
  if (s.includes('\0')) throw new TypeError('text contains a NUL character (U+0000), which PostgreSQL cannot store');
  return s.replace(SPECIAL_G, (c) => ESCAPES[c]!);
}

/**
 * One value in COPY text format.
 *  - null / undefined → NULL
 *  - string → as is (escaped); use 'YYYY-MM-DD' for `date` columns
 *  - number, bigint → decimal text (NaN/±Infinity only fit float and numeric columns)
 *  - boolean → t / f
 *  - Date → ISO-8601 instant (for timestamptz; a Date in a `date` column would take its UTC date)
 *  - Uint8Array / Buffer → bytea hex
 *  - other objects and arrays → JSON (for json/jsonb columns; write PostgreSQL array columns as '{…}' strings)
 */
export function encodeCopyValue(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return escapeText(v);
    case 'number':
      return String(v);
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 't' : 'f';
    case 'undefined':
      return '\\N';
    case 'object': {
      if (v === null) return '\\N';
      if (v instanceof Date) {
        if (Number.isNaN(v.getTime())) throw new TypeError('invalid Date');
        return v.toISOString();
      }
      if (v instanceof Uint8Array) return `\\\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
      const json = JSON.stringify(v);
      return escapeText(json);
    }
    case 'function':
    case 'symbol':
      throw new TypeError(`cannot store a ${typeof v}`);
  }
}

/** One row as a COPY text line, newline included. */
export function encodeCopyRow(row: readonly unknown[], columns: readonly string[]): string {
  if (!Array.isArray(row)) throw new TypeError(`expected an array of ${columns.length} values, got ${row === null ? 'null' : typeof row}`);
  if (row.length !== columns.length) {
    throw new TypeError(`has ${row.length} values for ${columns.length} columns (${columns.join(', ')})`);
  }
  let line = '';
  for (let i = 0; i < row.length; i++) {
    let enc: string;
    try {
      enc = encodeCopyValue(row[i]);
    } catch (e) {
      throw new TypeError(`column ${columns[i]}: ${(e as Error).message}`);
    }
    line += i === 0 ? enc : `\t${enc}`;
  }
  return `${line}\n`;
}

// ---------------------------------------------------------------------------------------------
// Reading the source

class RowSourceError extends Error {
  override name = 'RowSourceError';
}

/** Reads encoded lines from a sync or async row source, with one line of look-ahead. */
class LineReader {
  private readonly it: Iterator<readonly unknown[]> | AsyncIterator<readonly unknown[]>;
  private readonly isAsync: boolean;
  private ahead: string | undefined;
  /** Rows read from the source so far (the 1-based number of the last row read). */
  rowsRead = 0;
  done = false;

  constructor(
    rows: CopyRows,
    private readonly columns: readonly string[],
  ) {
    if (rows != null && typeof (rows as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
      this.it = (rows as AsyncIterable<readonly unknown[]>)[Symbol.asyncIterator]();
      this.isAsync = true;
    } else if (rows != null && typeof (rows as Iterable<unknown>)[Symbol.iterator] === 'function') {
      this.it = (rows as Iterable<readonly unknown[]>)[Symbol.iterator]();
      this.isAsync = false;
    } else {
      throw new TypeError('copyInto: rows must be an iterable or an async iterable of arrays');
    }
  }

  private take(r: IteratorResult<readonly unknown[]>): string | undefined {
    if (r.done) {
      this.done = true;
      return undefined;
    }
    this.rowsRead++;
    try {
      return encodeCopyRow(r.value, this.columns);
    } catch (e) {
      throw new TypeError(`row ${this.rowsRead} ${(e as Error).message}`);
    }
  }

  /** The next line, or undefined at the end. Synchronous for synchronous sources. */
  next(): string | undefined | Promise<string | undefined> {
    if (this.ahead !== undefined) {
      const line = this.ahead;
      this.ahead = undefined;
      return line;
    }
    if (this.done) return undefined;
    if (this.isAsync) {
      return (this.it as AsyncIterator<readonly unknown[]>).next().then(
        (r) => this.take(r),
        (e: unknown) => {
          throw new RowSourceError(`the row source failed after ${this.rowsRead} rows: ${describeCause(e)}`, { cause: e });
        },
      );
    }
    let r: IteratorResult<readonly unknown[]>;
    try {
      r = (this.it as Iterator<readonly unknown[]>).next();
    } catch (e) {
      throw new RowSourceError(`the row source failed after ${this.rowsRead} rows: ${describeCause(e)}`, { cause: e });
    }
    return this.take(r);
  }

  /** Whether another row follows (reads it ahead). */
  async hasMore(): Promise<boolean> {
    if (this.ahead !== undefined) return true;
    if (this.done) return false;
    let line = this.next();
    if (line instanceof Promise) line = await line;
    if (line === undefined) return false;
    this.ahead = line;
    return true;
  }

  /** Let a generator run its finally blocks when we stop early. */
  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      const r = this.it.return?.();
      if (r instanceof Promise) await r;
    } catch {
      // the source's own cleanup failed; the copy error is what the caller needs to see
    }
  }
}

/** Lines of one COPY statement: at most `limit` lines from the reader. */
export interface LineFeed {
  /** The next line (newline included), or undefined when this statement is complete. */
  next(): string | undefined | Promise<string | undefined>;
}

/** What a backend provides for copyInto: one COPY statement inside the current transaction. */
export interface CopyConnection {
  /** Runs `COPY <table> (<columns>) FROM …` fed by `feed`; returns the row count the server reports. */
  copyChunk(target: CopyTarget, feed: LineFeed): Promise<number>;
}

function chunkFeed(reader: LineReader, limit: number, counter: { n: number }): LineFeed {
  return {
    next() {
      if (counter.n >= limit) return undefined;
      const line = reader.next();
      if (line instanceof Promise) {
        return line.then((l) => {
          if (l !== undefined) counter.n++;
          return l;
        });
      }
      if (line !== undefined) counter.n++;
      return line;
    },
  };
}

/** Sends up to `maxRows` rows from the reader in COPY statements of `chunkRows`; returns rows sent. */
async function copyRowsInTransaction(conn: CopyConnection, target: CopyTarget, reader: LineReader, maxRows: number, chunkRows: number): Promise<number> {
  let sent = 0;
  while (sent < maxRows && (await reader.hasMore())) {
    const counter = { n: 0 };
    const counted = await conn.copyChunk(target, chunkFeed(reader, Math.min(chunkRows, maxRows - sent), counter));
    if (counted !== counter.n) {
      throw new Error(`the server counted ${counted} rows in a COPY statement that sent ${counter.n}`);
    }
    sent += counter.n;
  }
  return sent;
}

function positiveInt(v: number | undefined, dflt: number, what: string): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < 1) throw new TypeError(`copyInto: ${what} must be a positive integer, got ${v}`);
  return v;
}

/**
 * copyInto for a backend: `transaction` opens a transaction and hands over a CopyConnection; it must
 * commit when the callback returns and roll back when it throws.
 */
export async function copyInBatches(
  backend: Backend,
  transaction: <T>(fn: (conn: CopyConnection) => Promise<T>) => Promise<T>,
  table: CopyTable,
  columns: readonly string[],
  rows: CopyRows,
  opts: CopyOptions = {},
): Promise<CopyResult> {
  const target = copyTarget(table, columns);
  const batchRows = positiveInt(opts.batchRows, DEFAULT_BATCH_ROWS, 'batchRows');
  const chunkRows = Math.min(positiveInt(opts.chunkRows, Math.min(batchRows, DEFAULT_CHUNK_ROWS), 'chunkRows'), batchRows);
  const reader = new LineReader(rows, columns);
  let batches = 0;
  let committed = 0;
  let ok = false;
  try {
    for (;;) {
      const t0 = performance.now();
      // Read the batch's first row before opening a transaction: no empty transaction at the end.
      try {
        if (!(await reader.hasMore())) break;
      } catch (e) {
        throw batchError(backend, target, batches + 1, committed, reader, e);
      }
      const batch = batches + 1;
      let n = 0;
      try {
        n = await transaction((conn) => copyRowsInTransaction(conn, target, reader, batchRows, chunkRows));
      } catch (e) {
        throw batchError(backend, target, batch, committed, reader, e);
      }
      batches = batch;
      committed += n;
      opts.onBatch?.({ batch, rows: n, totalRows: committed, ms: performance.now() - t0 });
    }
    ok = true;
    return { rows: committed, batches };
  } finally {
    if (!ok) await reader.close();
  }
}

/** copyInto inside a caller's transaction: no batches of its own, all rows in the one transaction. */
export async function copyInOpenTransaction(
  backend: Backend,
  conn: CopyConnection,
  table: CopyTable,
  columns: readonly string[],
  rows: CopyRows,
  opts: Pick<CopyOptions, 'chunkRows'> = {},
): Promise<{ rows: number }> {
  const target = copyTarget(table, columns);
  const chunkRows = positiveInt(opts.chunkRows, DEFAULT_CHUNK_ROWS, 'chunkRows');
  const reader = new LineReader(rows, columns);
  let ok = false;
  try {
    const n = await copyRowsInTransaction(conn, target, reader, Number.POSITIVE_INFINITY, chunkRows);
    ok = true;
    return { rows: n };
  } catch (e) {
    if (e instanceof CopyError) throw e;
    throw new CopyError(backend, `copyInto ${target.label} on ${backend} failed in row ${reader.rowsRead} or before: ${describeCause(e)}`, target.label, 1, 0, { cause: e });
  } finally {
    if (!ok) await reader.close();
  }
}

function batchError(backend: Backend, target: CopyTarget, batch: number, committed: number, reader: LineReader, e: unknown): CopyError {
  if (e instanceof CopyError) return e;
  const before = batch > 1 ? `; batches 1–${batch - 1} (${committed} rows) stay committed` : '';
  const what = e instanceof RowSourceError || e instanceof TypeError ? e.message : describeCause(e);
  return new CopyError(
    backend,
    `copyInto ${target.label} on ${backend}: batch ${batch} failed and was rolled back${before}: ${what}`,
    target.label,
    batch,
    committed,
    { cause: e },
  );
}
