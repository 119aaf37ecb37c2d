import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ByteWriter, csvBytes } from './byte-writer.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sanyi-bytes-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the byte writer', () => {
  test('writes integers of every size as decimal digits', async () => {
    const nums = [0, 5, 9, 10, 42, 99, 100, 999, 1000, 12345, 2147483646, 2147483647, 2147483648, Number.MAX_SAFE_INTEGER, -1, -12345, 1000000000];
    const w = new ByteWriter(path.join(dir, 'ints.csv'));
    for (const n of nums) w.int(n).end();
    await w.close();
    w.commit();
    expect((await readFile(path.join(dir, 'ints.csv'), 'utf8')).trimEnd().split('\n')).toEqual(nums.map(String));
    expect(w.rows).toBe(nums.length);
  });

  test('quotes a field only when it holds a comma, a quote or a line break', () => {
    expect(Buffer.from(csvBytes('城关镇')).toString()).toBe('城关镇');
    expect(Buffer.from(csvBytes('a,b')).toString()).toBe('"a,b"');
    expect(Buffer.from(csvBytes('say "hi"')).toString()).toBe('"say ""hi"""');
  });

  test('keeps the file under a .part name until commit, and reports the sha256 of what it wrote', async () => {
    const file = path.join(dir, 'big.csv');
    const w = new ByteWriter(file).header(['a', 'b']);
    for (let i = 0; i < 600_000; i++) w.int(i).comma().text('x').end();
    await w.drain();
    expect(await readdir(dir)).toContain('big.csv.part');
    const sha = await w.close();
    expect(await readdir(dir)).not.toContain('big.csv');
    w.commit();
    const bytes = await readFile(file);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha);
    expect(bytes.toString('utf8').split('\n').length).toBe(600_002);
  });

  test('removes its part file when discarded', async () => {
    const w = new ByteWriter(path.join(dir, 'gone.csv'));
    w.int(1).end();
    w.flush();
    await w.discard();
    expect((await readdir(dir)).filter((f) => f.startsWith('gone'))).toEqual([]);
  });
});
