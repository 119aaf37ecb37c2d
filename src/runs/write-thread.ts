/**
 * One worker thread that hashes (sha256) and writes file buffers for the ByteWriters of this process,
 * so that a generation's ~1 GB of CSV is hashed and written on the second core while the first one
 * generates. Buffers travel by transfer (no copy) and come back for reuse once written.
 */
import { Worker } from 'node:worker_threads';

// The worker is a few lines of plain JavaScript, evaluated (no file to resolve from src/ or dist/).
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const crypto = require('node:crypto');
const files = new Map();
parentPort.on('message', (m) => {
  try {
    if (m.op === 'open') {
      files.set(m.id, { fd: fs.openSync(m.path, 'w'), hash: crypto.createHash('sha256') });
    } else if (m.op === 'write') {
      const f = files.get(m.id);
      const b = Buffer.from(m.buf, 0, m.len);
      f.hash.update(b);
      let off = 0;
      while (off < m.len) off += fs.writeSync(f.fd, b, off, m.len - off);
      parentPort.postMessage({ op: 'written', id: m.id, len: m.len, buf: m.buf }, [m.buf]);
    } else if (m.op === 'close') {
      const f = files.get(m.id);
      files.delete(m.id);
      fs.closeSync(f.fd);
      parentPort.postMessage({ op: 'closed', id: m.id, sha256: f.hash.digest('hex') });
    } else if (m.op === 'abandon') {
      const f = files.get(m.id);
      files.delete(m.id);
      if (f) fs.closeSync(f.fd);
      parentPort.postMessage({ op: 'abandoned', id: m.id });
    }
  } catch (e) {
    parentPort.postMessage({ op: 'error', id: m.id, message: String((e && e.message) || e) });
  }
});
`;

type Reply =
  | { op: 'written'; id: number; len: number; buf: ArrayBuffer }
  | { op: 'closed'; id: number; sha256: string }
  | { op: 'abandoned'; id: number }
  | { op: 'error'; id: number; message: string };

/** Bytes queued for writing above which `drain()` waits. */
const MAX_IN_FLIGHT = 96 << 20;

export class WriteThread {
  static #shared: WriteThread | undefined;

  /** The process's write thread (created on first use; does not keep the process alive). */
  static shared(): WriteThread {
    return (WriteThread.#shared ??= new WriteThread());
  }

  readonly #worker: Worker;
  #nextId = 1;
  #inFlight = 0;
  #waiters: Array<() => void> = [];
  readonly #closing = new Map<number, { resolve: (sha: string) => void; reject: (e: Error) => void }>();
  readonly #errors = new Map<number, Error>();
  readonly #free: ArrayBuffer[] = [];

  private constructor() {
    this.#worker = new Worker(WORKER_SOURCE, { eval: true });
    this.#worker.unref();
    this.#worker.on('message', (m: Reply) => this.#onMessage(m));
    this.#worker.on('error', (e) => {
      for (const c of this.#closing.values()) c.reject(e);
      this.#closing.clear();
    });
  }

  #onMessage(m: Reply): void {
    switch (m.op) {
      case 'written':
        this.#inFlight -= m.len;
        if (this.#free.length < 16) this.#free.push(m.buf);
        if (this.#inFlight <= MAX_IN_FLIGHT) for (const w of this.#waiters.splice(0)) w();
        break;
      case 'closed':
      case 'abandoned': {
        const c = this.#closing.get(m.id);
        this.#closing.delete(m.id);
        const err = this.#errors.get(m.id);
        this.#errors.delete(m.id);
        if (err && m.op === 'closed') c?.reject(err);
        else c?.resolve(m.op === 'closed' ? m.sha256 : '');
        if (this.#closing.size === 0) this.#worker.unref();
        break;
      }
      case 'error': {
        const e = new Error(m.message);
        const c = this.#closing.get(m.id);
        if (c) {
          this.#closing.delete(m.id);
          c.reject(e);
        } else this.#errors.set(m.id, e);
        break;
      }
    }
  }

  open(path: string): number {
    const id = this.#nextId++;
    this.#worker.postMessage({ op: 'open', id, path });
    return id;
  }

  /** A buffer to fill (reused when possible). */
  buffer(size: number): Buffer {
    const ab = this.#free.length && (this.#free[this.#free.length - 1]?.byteLength ?? 0) >= size ? this.#free.pop()! : new ArrayBuffer(size);
    return Buffer.from(ab);
  }

  /** Hands the first `len` bytes of `buf` to the thread; `buf` must not be used afterwards. */
  write(id: number, buf: Buffer, len: number): void {
    const err = this.#errors.get(id);
    if (err) throw err;
    this.#inFlight += len;
    const ab = buf.buffer as ArrayBuffer;
    this.#worker.postMessage({ op: 'write', id, buf: ab, len }, [ab]);
  }

  /** Waits while too many bytes are queued. */
  async drain(id: number): Promise<void> {
    while (this.#inFlight > MAX_IN_FLIGHT) await new Promise<void>((r) => this.#waiters.push(r));
    const err = this.#errors.get(id);
    if (err) throw err;
  }

  /** Closes the file after its queued writes; resolves with the sha256 of everything written. */
  close(id: number): Promise<string> {
    this.#worker.ref();
    return new Promise((resolve, reject) => {
      this.#closing.set(id, { resolve, reject });
      this.#worker.postMessage({ op: 'close', id });
    });
  }

  /** Closes the file without a hash (after a failure). */
  async abandon(id: number): Promise<void> {
    this.#worker.ref();
    await new Promise<string>((resolve, reject) => {
      this.#closing.set(id, { resolve, reject });
      this.#worker.postMessage({ op: 'abandon', id });
    });
  }
}
