/** Errors raised by the store. Messages name the backend and the problem, never a password. */

export type Backend = 'pglite' | 'postgres';

/**
 * What failed:
 *  - connect: the database could not be opened or reached (bad URL, server down, data directory in use)
 *  - migrate: a migration could not be read or applied, or the database does not match the migrations
 *  - copy:    a bulk load (copyInto) failed; see CopyError
 *  - closed:  the store was used after close()
 *  - usage:   the store itself was called inside its own transaction (use the tx handle)
 */
export type StoreErrorCode = 'connect' | 'migrate' | 'copy' | 'closed' | 'usage';

export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    readonly backend: Backend,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A failed copyInto batch. Batches before `batch` are committed (`committedRows` rows); the failing
 * batch left nothing behind.
 */
export class CopyError extends StoreError {
  override name = 'CopyError';
  constructor(
    backend: Backend,
    message: string,
    readonly table: string,
    /** 1-based number of the batch that failed. */
    readonly batch: number,
    /** Rows committed by the earlier batches of this call. */
    readonly committedRows: number,
    options?: { cause?: unknown },
  ) {
    super('copy', backend, message, options);
  }
}

/** A PostgreSQL URL safe to print: the password is replaced by ***. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable database URL)';
  }
}

/**
 * The message of a driver error in one line, with PostgreSQL's detail and context when present
 * (both drivers' DatabaseError carry `detail` and `where`). Any occurrence of `secret` is masked.
 */
export function describeCause(e: unknown, secret?: string): string {
  if (!(e instanceof Error)) return String(e);
  const d = e as Error & { detail?: unknown; where?: unknown; code?: unknown };
  let msg = e.message || e.name;
  if (typeof d.code === 'string' && /^[0-9A-Z]{5}$/.test(d.code)) msg += ` [SQLSTATE ${d.code}]`;
  if (typeof d.detail === 'string' && d.detail) msg += ` (${d.detail})`;
  if (typeof d.where === 'string' && d.where) msg += ` [${d.where.replace(/\s+/g, ' ')}]`;
  if (secret) msg = msg.split(secret).join('***');
  return msg;
}
