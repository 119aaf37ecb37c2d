/**
 * One process at a time per embedded database directory.
 *
 * PGlite runs PostgreSQL in single-user mode inside the process and takes no lock of its own: its
 * postmaster.pid records a fixed pseudo-pid (-42) and is ignored on the next start, so two processes
 * can open the same directory and overwrite each other's pages. The store therefore keeps a lock
 * file next to the directory (`<dataDir>.lock`, holding the owner's pid and host). A lock whose
 * process is gone (killed, crashed) is stale and taken over; a live owner makes opening fail.
 */
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

interface Owner {
  pid: number;
  host: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): Owner | undefined {
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as Partial<Owner>;
    if (typeof o.pid === 'number' && typeof o.host === 'string') return { pid: o.pid, host: o.host };
  } catch {
    // unreadable or half-written: treated as stale
  }
  return undefined;
}

/** Takes the lock of `dataDir` or throws an Error saying who holds it. */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = `${path.resolve(dataDir)}.lock`;
  mkdirSync(path.dirname(file), { recursive: true });
  const me: Owner = { pid: process.pid, host: os.hostname() };
  // The lock appears atomically with its content: written to a private file, then hard-linked.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(me));
  try {
    return takeLock(dataDir, file, tmp, me);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
}

function takeLock(dataDir: string, file: string, tmp: string, me: Owner): DataDirLock {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      try {
        linkSync(tmp, file);
      } catch (l) {
        // A file system without hard links: exclusive create, then write.
        if ((l as NodeJS.ErrnoException).code === 'EEXIST') throw l;
        writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = readOwner(file);
      if (owner && owner.host === me.host && owner.pid === me.pid) {
        throw new Error(`${dataDir} is already open in this process (close the other store first)`);
      }
      if (owner && owner.host !== me.host) {
        throw new Error(`${dataDir} is locked by process ${owner.pid} on host ${owner.host}; if that process is gone, delete ${file}`);
      }
      if (owner && isAlive(owner.pid)) {
        throw new Error(`${dataDir} is in use by process ${owner.pid} (the embedded database allows one process at a time; stop it, or use a PostgreSQL server via DATABASE_URL)`);
      }
      // Stale: its owner is gone. Remove and retry the exclusive create (another process may win).
      try {
        unlinkSync(file);
      } catch (u) {
        if ((u as NodeJS.ErrnoException).code !== 'ENOENT') throw u;
      }
      continue;
    }
    let released = false;
    return {
      path: file,
      release() {
        if (released) return;
        released = true;
        const owner = readOwner(file);
        if (owner && owner.pid === me.pid && owner.host === me.host) {
          try {
            unlinkSync(file);
          } catch {
            // already gone
          }
        }
      },
    };
  }
  throw new Error(`could not take the lock ${file} (it keeps reappearing)`);
}
