/**
 * A file writer for millions of CSV lines: bytes go straight into a reusable buffer (integers as
 * digits, dictionary strings as pre-encoded bytes) without building a string per line. Writes
 * `<file>.part`, hashes what it writes, and renames to the final name only on commit.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

const SIZE = 1 << 22;
const COMMA = 44;
const NEWLINE = 10;
const MINUS = 45;

/** UTF-8 bytes of a CSV field (quoted only when it holds a comma, quote or line break). */
export function csvBytes(v: string): Uint8Array {
  return Buffer.from(/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v, 'utf8');
}

export class ByteWriter {
  readonly part: string;
  rows = 0;
  #fd: number;
  #buf = Buffer.allocUnsafe(SIZE);
  #pos = 0;
  readonly #hash: Hash = createHash('sha256');
  #closed = false;
  readonly #digits = new Uint8Array(24);

  constructor(readonly path: string) {
    this.part = `${path}.part`;
    this.#fd = openSync(this.part, 'w');
  }

  #room(n: number): void {
    if (this.#pos + n > this.#buf.length) this.flush();
    if (n > this.#buf.length) this.#buf = Buffer.allocUnsafe(n * 2);
  }

  /** Raw bytes (a pre-encoded field). */
  bytes(b: Uint8Array): this {
    this.#room(b.length);
    const buf = this.#buf;
    let p = this.#pos;
    if (b.length < 32) for (let i = 0; i < b.length; i++) buf[p++] = b[i]!;
    else {
      buf.set(b, p);
      p += b.length;
    }
    this.#pos = p;
    return this;
  }

  /** A string field (encoded on the fly; use `bytes` with csvBytes for repeated values). */
  text(s: string): this {
    return this.bytes(csvBytes(s));
  }

  /** A safe integer in decimal digits. */
  int(n: number): this {
    if (this.#pos + 24 > this.#buf.length) this.flush();
    const buf = this.#buf;
    let p = this.#pos;
    if (n < 0) {
      buf[p++] = MINUS;
      n = -n;
    }
    if (n < 10) {
      buf[p++] = 48 + n;
    } else if (n < 100) {
      const q = (n / 10) | 0;
      buf[p++] = 48 + q;
      buf[p++] = 48 + n - q * 10;
    } else if (n < 0x7fffffff) {
      // Count digits, then fill from the right with 32-bit integer division.
      let len = 3;
      for (let x = 1000; n >= x && len < 10; x *= 10) len++;
      let m = n | 0;
      for (let k = p + len - 1; k >= p; k--) {
        const q = (m / 10) | 0;
        buf[k] = 48 + m - q * 10;
        m = q;
      }
      p += len;
    } else {
      const d = this.#digits;
      let k = 0;
      while (n > 0) {
        const q = Math.floor(n / 10);
        d[k++] = 48 + (n - q * 10);
        n = q;
      }
      while (k > 0) buf[p++] = d[--k]!;
    }
    this.#pos = p;
    return this;
  }

  comma(): this {
    this.#room(1);
    this.#buf[this.#pos++] = COMMA;
    return this;
  }

  /** Ends a row. */
  end(): this {
    this.#room(1);
    this.#buf[this.#pos++] = NEWLINE;
    this.rows++;
    return this;
  }

  /** A header line (not counted as a row). */
  header(names: readonly string[]): this {
    this.bytes(Buffer.from(names.join(',') + '\n', 'utf8'));
    return this;
  }

  flush(): void {
    if (this.#pos === 0) return;
    const view = this.#buf.subarray(0, this.#pos);
    this.#hash.update(view);
    let off = 0;
    while (off < view.length) off += writeSync(this.#fd, view, off, view.length - off);
    this.#pos = 0;
  }

  /** Flushes and closes; returns the sha256 of the whole file. */
  close(): string {
    this.flush();
    closeSync(this.#fd);
    this.#closed = true;
    return this.#hash.digest('hex');
  }

  /** Gives the file its final name. */
  commit(): void {
    renameSync(this.part, this.path);
  }

  /** Closes if needed and removes the part file. */
  discard(): void {
    if (!this.#closed) {
      try {
        closeSync(this.#fd);
      } catch {
        // already closed
      }
      this.#closed = true;
    }
    rmSync(this.part, { force: true });
  }
}
