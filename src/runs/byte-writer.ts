/**
 * A file writer for millions of CSV lines: bytes go straight into a buffer (integers as digits,
 * dictionary strings as pre-encoded bytes) without building a string per line. Full buffers go to the
 * process's write thread, which hashes (sha256) and writes them on another core; `drain()` bounds the
 * bytes in flight. Writes `<file>.part`, and renames it to the final name only on commit.
 */
import { renameSync, rmSync } from 'node:fs';
import { WriteThread } from './write-thread.js';

const SIZE = 1 << 22;
const COMMA = 44;
const NEWLINE = 10;
const MINUS = 45;
const NEEDS_QUOTES = /[",\r\n]/;

/** UTF-8 bytes of a CSV field (quoted only when it holds a comma, quote or line break). */
export function csvBytes(v: string): Uint8Array {
  return Buffer.from(/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v, 'utf8');
}

export class ByteWriter {
  readonly part: string;
  rows = 0;
  readonly #thread = WriteThread.shared();
  readonly #id: number;
  #buf: Buffer;
  #pos = 0;
  #closed = false;
  readonly #digits = new Uint8Array(24);

  constructor(readonly path: string) {
    this.part = `${path}.part`;
    this.#id = this.#thread.open(this.part);
    this.#buf = this.#thread.buffer(SIZE);
  }

  #room(n: number): void {
    if (this.#pos + n > this.#buf.length) this.flush();
    if (n > this.#buf.length) this.#buf = this.#thread.buffer(n * 2);
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

  /** A string field, quoted when needed (use `bytes` with csvBytes for values that repeat). */
  text(s: string): this {
    if (NEEDS_QUOTES.test(s)) return this.bytes(csvBytes(s));
    this.#room(s.length * 3);
    this.#pos += this.#buf.write(s, this.#pos, 'utf8');
    return this;
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

  /** Hands the buffered bytes to the write thread (files are written in order). */
  flush(): void {
    if (this.#pos === 0) return;
    this.#thread.write(this.#id, this.#buf, this.#pos);
    this.#buf = this.#thread.buffer(SIZE);
    this.#pos = 0;
  }

  /** Waits while too many bytes are in flight (call between chunks). */
  async drain(): Promise<void> {
    await this.#thread.drain(this.#id);
  }

  /** Flushes, waits for every write and closes; returns the sha256 of the whole file. */
  async close(): Promise<string> {
    this.flush();
    this.#closed = true;
    return this.#thread.close(this.#id);
  }

  /** Gives the file its final name (removing an older file first: replacing a file by rename
   * makes some file systems, ext4 among them, flush the new data at once). */
  commit(): void {
    rmSync(this.path, { force: true });
    renameSync(this.part, this.path);
  }

  /** Closes if needed and removes the part file. */
  async discard(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      await this.#thread.abandon(this.#id);
    }
    rmSync(this.part, { force: true });
  }
}
