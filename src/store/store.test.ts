/**
 * Store conformance: the same tests on every available backend (see test-support/backends.ts).
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { CopyError, MIGRATIONS_DIR, StoreError, openStore, type CopyBatchInfo, type Store } from './store.js';
import { jurisdictions, institutions, residents, runs, meta } from './schema.js';
import { backends } from './test-support/backends.js';

const RESIDENT_COLUMNS = ['id', 'county_id', 'township_id', 'village_id', 'sex', 'birth_date'] as const;

function residentRow(id: number): unknown[] {
  return [id, 'demo', `t${id % 7}`, `v${id % 31}`, id % 2 ? 'M' : 'F', `19${50 + (id % 50)}-0${1 + (id % 9)}-1${id % 10}`];
}

async function* residentRows(from: number, count: number, opts: { failAt?: number } = {}): AsyncGenerator<unknown[]> {
  for (let id = from; id < from + count; id++) {
    if (id === opts.failAt) throw new Error(`source broke at ${id}`);
    await Promise.resolve();
    yield residentRow(id);
  }
}

async function countResidents(store: Store, from: number, to: number): Promise<number> {
  const [row] = await store.query<{ n: number }>('select count(*) as n from residents where id >= $1 and id < $2', [from, to]);
  return row!.n;
}

for (const backend of backends) {
  describe(`the store on ${backend.name}`, () => {
    let store: Store;
    let openError: Error | undefined;

    beforeAll(async () => {
      try {
        store = await backend.open();
      } catch (e) {
        openError = e instanceof Error ? e : new Error(String(e));
      }
    });

    // A backend that cannot open (e.g. CI without DATABASE_URL) fails every test instead of skipping them.
    beforeEach(() => {
      if (openError) throw openError;
    });

    afterAll(async () => {
      await store?.close();
    });

    describe('migrations', () => {
      it('apply to an empty database, and running them again is a no-op', async () => {
        const empty = await backend.open({ migrated: false });
        try {
          const [before] = await empty.query<{ t: string | null }>(`select to_regclass('public.residents')::text as t`);
          expect(before!.t).toBeNull();
          const first = await empty.migrate();
          expect(first.applied).toContain('0000_foundation');
          expect(first.total).toBe(first.applied.length);
          const second = await empty.migrate();
          expect(second).toEqual({ applied: [], total: first.total });
          const tables = await empty.query<{ name: string }>(
            `select table_name as name from information_schema.tables where table_schema = 'public' order by 1`,
          );
          expect(tables.map((t) => t.name)).toEqual(['assessments', 'dashboard_snapshots', 'dashboard_traces', 'datasets', 'drug_volumes', 'encounters', 'enrolments', 'indicator_items', 'indicator_values', 'inpatient_cases', 'institutions', 'jurisdictions', 'linkage_agreements', 'linkage_results', 'meta', 'network_alerts', 'network_builds', 'network_contracts', 'network_outreach_sessions', 'network_referral_events', 'network_referrals', 'network_remote_requests', 'network_services', 'network_team_members', 'network_teams', 'network_training_records', 'network_village_doctors', 'purchase_order_rejects', 'purchase_orders', 'referrals', 'residents', 'runs', 'service_volumes', 'settle_cases', 'settle_claims', 'settle_findings', 'settle_institutions', 'settle_ledger', 'settlements', 'staff']);
          const history = await empty.query<{ n: number }>('select count(*) as n from drizzle.__drizzle_migrations');
          expect(history[0]!.n).toBe(first.total);
        } finally {
          await empty.close();
        }
      });

      it('refuse a database whose applied migration file was edited, naming the backend', async () => {
        const db = await backend.open();
        try {
          await db.exec(`update drizzle.__drizzle_migrations set hash = 'edited'`);
          const err = await db.migrate().catch((e: unknown) => e);
          expect(err).toBeInstanceOf(StoreError);
          expect(err).toMatchObject({ code: 'migrate', backend: backend.name });
          expect((err as Error).message).toMatch(new RegExp(`${backend.name}.*0000_foundation was changed after it was applied`));
        } finally {
          await db.close();
        }
      });

      it('refuse a database that is newer than the code', async () => {
        const db = await backend.open();
        try {
          await db.query('insert into drizzle.__drizzle_migrations (hash, created_at) values ($1, $2)', ['future', 9_999_999_999_999]);
          await expect(db.migrate()).rejects.toThrow(/database is newer than the code/);
        } finally {
          await db.close();
        }
      });

      it('roll back a failing migration as a whole and say which one failed', async () => {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'sanyi-migrations-'));
        try {
          cpSync(MIGRATIONS_DIR, dir, { recursive: true });
          const journalFile = path.join(dir, 'meta', '_journal.json');
          const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: Array<{ idx: number; when: number; tag: string }> };
          const last = journal.entries.at(-1)!;
          journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1, tag: '9999_broken' });
          writeFileSync(journalFile, JSON.stringify(journal));
          writeFileSync(path.join(dir, '9999_broken.sql'), 'CREATE TABLE "half_done" (id int);\n--> statement-breakpoint\nALTER TABLE "no_such_table" ADD COLUMN x int;');
          const err = await store.migrate({ folder: dir }).catch((e: unknown) => e);
          expect(err).toMatchObject({ name: 'StoreError', code: 'migrate', backend: backend.name });
          expect((err as Error).message).toMatch(/9999_broken failed at statement 2: relation "no_such_table" does not exist/);
          const [t] = await store.query<{ t: string | null }>(`select to_regclass('public.half_done')::text as t`);
          expect(t!.t).toBeNull();
          expect((await store.migrate()).applied).toEqual([]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

      it('report a missing migrations folder as a migration error', async () => {
        await expect(store.migrate({ folder: path.join(os.tmpdir(), 'sanyi-no-such-folder') })).rejects.toThrow(
          new RegExp(`cannot migrate the ${backend.name} database.*_journal.json`),
        );
      });
    });

    describe('queries', () => {
      it('insert and select through drizzle', async () => {
        await store.db.insert(jurisdictions).values([
          { id: 'national', level: 'national', nameZh: '全国', nameEn: 'National' },
          { id: 'demo-province', parentId: 'national', level: 'province', nameZh: '演示省', nameEn: 'Demo Province' },
          { id: 'demo-region', parentId: 'demo-province', level: 'region', nameZh: '演示市统筹区', nameEn: 'Demo City pooling region' },
          { id: 'demo', parentId: 'demo-region', level: 'county', nameZh: '演示县', nameEn: 'Demo County', adcode: null },
        ]);
        await store.db.insert(institutions).values({
          id: 'demo-general',
          jurisdictionId: 'demo',
          kind: 'county_general',
          level: 'secondary',
          inCounty: true,
          communityId: null,
          nameZh: '演示县总医院',
          nameEn: 'Demo County General Hospital',
          beds: 420,
        });
        await store.db.update(institutions).set({ communityId: 'demo-general' }).where(eq(institutions.id, 'demo-general'));
        await store.db.insert(residents).values({ id: 9_000_000_001, countyId: 'demo', townshipId: 't1', villageId: 'v1', sex: 'F', birthDate: '1961-02-28' });

        const county = await store.db.select().from(jurisdictions).where(and(eq(jurisdictions.level, 'county'), eq(jurisdictions.parentId, 'demo-region')));
        expect(county).toEqual([{ id: 'demo', parentId: 'demo-region', level: 'county', adcode: null, nameZh: '演示县', nameEn: 'Demo County' }]);
        const [hospital] = await store.db.select().from(institutions).where(eq(institutions.id, 'demo-general'));
        expect(hospital).toMatchObject({ inCounty: true, beds: 420, communityId: 'demo-general', nameZh: '演示县总医院' });
        const [person] = await store.db.select().from(residents).where(eq(residents.id, 9_000_000_001));
        expect(person).toMatchObject({ id: 9_000_000_001, countyId: 'demo', townshipId: 't1', villageId: 'v1', sex: 'F', birthDate: '1961-02-28', scheme: 'resident', familyDoctor: false });
        const found = await store.db.query.jurisdictions.findFirst({ where: eq(jurisdictions.id, 'demo-province') });
        expect(found?.nameEn).toBe('Demo Province');
        const [{ n }] = (await store.db.select({ n: sql<string>`count(*)` }).from(jurisdictions)) as [{ n: string }];
        expect(n).toBe('4'); // drizzle sees int8 as text on both drivers
        await store.db.transaction(async (t) => {
          await t.insert(meta).values({ key: 'drizzle_tx', value: 'committed' });
        });
        await store.db
          .transaction(async (t) => {
            await t.insert(meta).values({ key: 'drizzle_tx_rolled_back', value: 'no' });
            t.rollback();
          })
          .catch(() => {});
        expect(await store.query(`select key from meta where key like 'drizzle_tx%'`)).toEqual([{ key: 'drizzle_tx' }]);
      });

      it('record runs with their parameter version and seed, and meta facts', async () => {
        const [run] = await store.db.insert(runs).values({ kind: 'test', paramVersion: 'abc123', seed: '42' }).returning();
        expect(run).toMatchObject({ kind: 'test', paramVersion: 'abc123', seed: '42', status: 'running', finishedAt: null, summary: null });
        expect(run!.startedAt).toBeInstanceOf(Date);
        await store.db
          .update(runs)
          .set({ status: 'succeeded', finishedAt: new Date(), summary: { rows: 3, note: '演示' } })
          .where(eq(runs.id, run!.id));
        const [done] = await store.query<{ status: string; summary: unknown }>('select status, summary from runs where id = $1', [run!.id]);
        expect(done).toEqual({ status: 'succeeded', summary: { rows: 3, note: '演示' } });
        await expect(store.query(`insert into runs (kind, param_version, status) values ('x', 'v', 'bogus')`)).rejects.toThrow(/runs_status_check/);
        await expect(store.query(`insert into runs (kind) values ('x')`)).rejects.toThrow(/param_version/);
        await store.db.insert(meta).values({ key: 'demo_loaded', value: 'true' });
        expect(await store.query(`select key, value from meta where key = 'demo_loaded'`)).toEqual([{ key: 'demo_loaded', value: 'true' }]);
      });

      it('return the same JavaScript values for each SQL type', async () => {
        const [row] = await store.query(
          `select 1::int2 as i2, 2::int4 as i4, 9007199254740991::int8 as i8, count(*) as cnt, 1.25::numeric as num, 0.5::float8 as f8,
                  true as b, 'x'::text as t, null::text as nothing, '2024-02-29'::date as d, '2024-02-29 10:00'::timestamp as ts,
                  '2024-02-29 10:00+08'::timestamptz as tstz, '1 day'::interval as iv, '{"a":[1,"二"]}'::jsonb as j, array[1,2]::int[] as arr
           from (values (1), (2)) v(x)`,
        );
        expect(row).toEqual({
          i2: 1,
          i4: 2,
          i8: 9007199254740991,
          cnt: 2,
          num: '1.25',
          f8: 0.5,
          b: true,
          t: 'x',
          nothing: null,
          d: '2024-02-29',
          ts: '2024-02-29 10:00:00',
          tstz: new Date('2024-02-29T02:00:00Z'),
          iv: '1 day',
          j: { a: [1, '二'] },
          arr: [1, 2],
        });
        await expect(store.query('select 9007199254740993::int8 as big')).rejects.toThrow(/does not fit a JavaScript number/);
        const [p] = await store.query<{ d: string; at: Date; n: string }>('select $1::date as d, $2::timestamptz as at, $3::numeric as n', [
          '2025-01-01',
          new Date('2025-01-01T00:00:00Z'),
          12345678901234567890n,
        ]);
        expect(p).toEqual({ d: '2025-01-01', at: new Date('2025-01-01T00:00:00Z'), n: '12345678901234567890' });
      });

      it('run several statements with exec', async () => {
        await store.exec('create table exec_probe (id int); insert into exec_probe values (1), (2); insert into exec_probe values (3)');
        expect(await store.query('select sum(id)::int as s from exec_probe')).toEqual([{ s: 6 }]);
      });
    });

    describe('transactions', () => {
      it('commit when the callback resolves, through tx.query and tx.db alike', async () => {
        const out = await store.transaction(async (tx) => {
          expect(tx.backend).toBe(backend.name);
          await tx.query(`insert into meta (key, value) values ($1, $2)`, ['tx_commit', 'yes']);
          await tx.db.insert(meta).values({ key: 'tx_commit_db', value: 'yes' });
          return tx.query<{ n: number }>(`select count(*) as n from meta where key like 'tx_commit%'`);
        });
        expect(out).toEqual([{ n: 2 }]);
        expect(await store.query(`select count(*) as n from meta where key like 'tx_commit%'`)).toEqual([{ n: 2 }]);
      });

      it('roll back everything when the callback throws', async () => {
        const err = await store
          .transaction(async (tx) => {
            await tx.query(`insert into meta (key, value) values ('tx_rollback', 'no')`);
            await tx.db.insert(meta).values({ key: 'tx_rollback_db', value: 'no' });
            await tx.copyInto('residents', RESIDENT_COLUMNS, [residentRow(7_000_001)]);
            throw new Error('changed my mind');
          })
          .catch((e: unknown) => e);
        expect((err as Error).message).toBe('changed my mind');
        expect(await store.query(`select count(*) as n from meta where key like 'tx_rollback%'`)).toEqual([{ n: 0 }]);
        expect(await countResidents(store, 7_000_001, 7_000_002)).toBe(0);
      });

      it('roll back a savepoint made by tx.db.transaction without losing the outer work', async () => {
        await store.transaction(async (tx) => {
          await tx.db.insert(meta).values({ key: 'sp_outer', value: '1' });
          await tx.db
            .transaction(async (inner) => {
              await inner.insert(meta).values({ key: 'sp_inner', value: '1' });
              throw new Error('inner fails');
            })
            .catch(() => {});
        });
        expect(await store.query(`select key from meta where key like 'sp_%' order by key`)).toEqual([{ key: 'sp_outer' }]);
      });

      it('refuse calls to the store itself inside its transaction', async () => {
        const err = await store.transaction(() => store.query('select 1')).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StoreError);
        expect(err).toMatchObject({ code: 'usage', backend: backend.name });
        expect((err as Error).message).toMatch(/use the transaction handle/);
        const viaDrizzle = await store.transaction(() => store.db.select().from(meta)).catch((e: unknown) => e);
        expect((viaDrizzle as Error & { cause?: unknown }).cause).toMatchObject({ code: 'usage' });
        expect(await store.query('select 1 as one')).toEqual([{ one: 1 }]);
      });
    });

    describe('copyInto', () => {
      it('round-trips awkward values: tabs, newlines, backslashes, quotes, Chinese, null, dates, booleans, jsonb', async () => {
        await store.exec(
          `create table copy_probe (id int primary key, t text, d date, b boolean, j jsonb, n numeric, big bigint, at timestamptz, bytes bytea, f float8)`,
        );
        const awkward = [
          'tab\there',
          'new\nline',
          'carriage\rreturn',
          'back\\slash \\N \\. end',
          `"double" and 'single' quotes, a comma,`,
          '演示县 城乡居民医保 🏥',
          '',
          ' leading and trailing spaces ',
          '\\',
        ];
        const rows: unknown[][] = awkward.map((t, i) => [
          i + 1,
          t,
          i % 2 ? '2024-02-29' : null,
          i % 3 === 0,
          { text: t, list: [i, null, '县'], nested: { ok: i % 2 === 0 } },
          i % 2 ? '12345678901234567890.123' : null,
          i % 2 ? 9007199254740993n : -1,
          new Date(Date.UTC(2024, 0, 1 + i, 8)),
          i % 2 ? new Uint8Array([0, 9, 10, 92, 255]) : null,
          i === 0 ? Number.NaN : i / 4,
        ]);
        rows.push([100, null, null, null, null, null, null, null, null, null]);
        const result = await store.copyInto('copy_probe', ['id', 't', 'd', 'b', 'j', 'n', 'big', 'at', 'bytes', 'f'], rows);
        expect(result).toEqual({ rows: rows.length, batches: 1 });
        const back = await store.query<Record<string, unknown>>(
          `select id, t, d, b, j, n, big::text as big, at, encode(bytes, 'hex') as bytes, f::text as f from copy_probe order by id`,
        );
        expect(back).toHaveLength(rows.length);
        awkward.forEach((t, i) => {
          expect(back[i]).toEqual({
            id: i + 1,
            t,
            d: i % 2 ? '2024-02-29' : null,
            b: i % 3 === 0,
            j: { text: t, list: [i, null, '县'], nested: { ok: i % 2 === 0 } },
            n: i % 2 ? '12345678901234567890.123' : null,
            big: i % 2 ? '9007199254740993' : '-1',
            at: new Date(Date.UTC(2024, 0, 1 + i, 8)),
            bytes: i % 2 ? '00090a5cff' : null,
            f: i === 0 ? 'NaN' : String(i / 4),
          });
        });
        expect(back.at(-1)).toEqual({ id: 100, t: null, d: null, b: null, j: null, n: null, big: null, at: null, bytes: null, f: null });
      });

      it('loads from an async generator in several batches and chunks, reporting each batch', async () => {
        const seen: CopyBatchInfo[] = [];
        const result = await store.copyInto('residents', RESIDENT_COLUMNS, residentRows(1_000_000, 2_500), {
          batchRows: 1_000,
          chunkRows: 300,
          onBatch: (b) => seen.push(b),
        });
        expect(result).toEqual({ rows: 2_500, batches: 3 });
        expect(seen.map((b) => [b.batch, b.rows, b.totalRows])).toEqual([
          [1, 1_000, 1_000],
          [2, 1_000, 2_000],
          [3, 500, 2_500],
        ]);
        expect(seen.every((b) => b.ms >= 0)).toBe(true);
        const back = await store.query<{ id: number; county_id: string; township_id: string; village_id: string; sex: string; birth_date: string }>(
          'select * from residents where id between $1 and $2 order by id',
          [1_000_000, 1_002_499],
        );
        expect(back.map((r) => [r.id, r.county_id, r.township_id, r.village_id, r.sex, r.birth_date])).toEqual(
          Array.from({ length: 2_500 }, (_, i) => residentRow(1_000_000 + i)),
        );
      });

      it('accepts a Drizzle table and a synchronous iterable, and an empty source makes no batch', async () => {
        expect(await store.copyInto(residents, RESIDENT_COLUMNS, [residentRow(1_100_000), residentRow(1_100_001)])).toEqual({ rows: 2, batches: 1 });
        expect(await store.copyInto(residents, RESIDENT_COLUMNS, [])).toEqual({ rows: 0, batches: 0 });
        expect(await countResidents(store, 1_100_000, 1_100_002)).toBe(2);
      });

      it('fails only the batch with a duplicate key: earlier batches stay committed and the error names the table and the batch', async () => {
        const from = 2_000_000;
        async function* rows() {
          yield* residentRows(from, 250);
          yield residentRow(from + 10); // duplicate of a row in batch 1, sent in batch 3
          yield* residentRows(from + 250, 100);
        }
        const batchesDone: number[] = [];
        const err = await store
          .copyInto('residents', RESIDENT_COLUMNS, rows(), { batchRows: 100, chunkRows: 40, onBatch: (b) => batchesDone.push(b.batch) })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(CopyError);
        expect(err).toMatchObject({ code: 'copy', backend: backend.name, table: 'residents', batch: 3, committedRows: 200 });
        expect((err as Error).message).toMatch(/copyInto residents on .*: batch 3 failed and was rolled back; batches 1–2 \(200 rows\) stay committed/);
        expect((err as Error).message).toMatch(/duplicate key value violates unique constraint "residents_pkey"/);
        expect(batchesDone).toEqual([1, 2]);
        expect(await countResidents(store, from, from + 1_000)).toBe(200);
      });

      it('fails only the batch with a value of the wrong type', async () => {
        const from = 3_000_000;
        const rows = Array.from({ length: 30 }, (_, i) => residentRow(from + i));
        rows[25]![5] = 'not a date';
        const err = await store.copyInto('residents', RESIDENT_COLUMNS, rows, { batchRows: 10 }).catch((e: unknown) => e);
        expect(err).toMatchObject({ name: 'CopyError', table: 'residents', batch: 3, committedRows: 20 });
        expect((err as Error).message).toMatch(/batch 3 failed.*invalid input syntax for type date: "not a date"/);
        expect(await countResidents(store, from, from + 30)).toBe(20);
      });

      it('fails only the current batch when the row source throws, and lets the generator clean up', async () => {
        const from = 4_000_000;
        let cleanedUp = false;
        async function* rows() {
          try {
            yield* residentRows(from, 100, { failAt: from + 57 });
          } finally {
            cleanedUp = true;
          }
        }
        const err = await store.copyInto('residents', RESIDENT_COLUMNS, rows(), { batchRows: 25, chunkRows: 10 }).catch((e: unknown) => e);
        expect(err).toMatchObject({ name: 'CopyError', table: 'residents', batch: 3, committedRows: 50 });
        expect((err as Error).message).toMatch(/batch 3 failed.*the row source failed after 57 rows: source broke at 4000057/);
        expect(cleanedUp).toBe(true);
        expect(await countResidents(store, from, from + 100)).toBe(50);
      });

      it('stops at a row of the wrong shape, naming the row', async () => {
        const rows: unknown[][] = [residentRow(5_000_000), [5_000_001, 'demo']];
        const err = await store.copyInto('residents', RESIDENT_COLUMNS, rows).catch((e: unknown) => e);
        expect(err).toMatchObject({ name: 'CopyError', batch: 1, committedRows: 0 });
        expect((err as Error).message).toMatch(/row 2 has 2 values for 6 columns/);
        expect(await countResidents(store, 5_000_000, 5_000_002)).toBe(0);
      });

      it('refuses bad identifiers and options before touching the database', async () => {
        await expect(store.copyInto('residents; drop table residents', ['id'], [])).rejects.toThrow(/invalid table name/);
        await expect(store.copyInto('residents', ['id', 'sex"'], [])).rejects.toThrow(/invalid column name/);
        await expect(store.copyInto('residents', ['id'], [], { batchRows: 0 })).rejects.toThrow(/batchRows must be a positive integer/);
        await expect(store.copyInto('no_such_table', ['id'], [[1]])).rejects.toThrow(/no_such_table/);
      });

      it('copies inside a caller transaction and rolls back with it', async () => {
        const from = 6_000_000;
        await store.transaction(async (tx) => {
          expect(await tx.copyInto('residents', RESIDENT_COLUMNS, residentRows(from, 120), { chunkRows: 50 })).toEqual({ rows: 120 });
          expect(await tx.query('select count(*) as n from residents where id >= $1 and id < $2', [from, from + 1000])).toEqual([{ n: 120 }]);
        });
        expect(await countResidents(store, from, from + 1000)).toBe(120);
      });
    });

    describe('copyOut', () => {
      it('reads the rows of a select as CSV, quoting what needs quoting and leaving null empty', async () => {
        await store.exec(`create temporary table copy_out_t (id int, name text, note text)`);
        await store.query(`insert into copy_out_t values (1, '县医院', null), (2, 'a,b', 'say "hi"')`);
        expect(await store.copyOut('select id, name, note from copy_out_t order by id')).toBe('1,县医院,\n2,"a,b","say ""hi"""\n');
        expect(await store.copyOut('select id from copy_out_t where id > 5')).toBe('');
      });
    });

    it('closes idempotently and refuses calls afterwards', async () => {
      const db = await backend.open();
      await db.close();
      await db.close();
      const err = await db.query('select 1').catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'StoreError', code: 'closed', backend: backend.name });
    });
  });
}

describe('opening a store', () => {
  it('reports an unreachable PostgreSQL server naming the backend, without the password', async () => {
    const err = await openStore({ databaseUrl: 'postgres://sanyi:hunter2@127.0.0.1:1/sanyi' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code: 'connect', backend: 'postgres' });
    expect((err as Error).message).toMatch(/^cannot connect to PostgreSQL at postgres:\/\/sanyi:\*\*\*@127\.0\.0\.1:1\/sanyi: .*ECONNREFUSED/);
    expect((err as Error).message).not.toContain('hunter2');
  });

  it('refuses a URL that is not a PostgreSQL URL', async () => {
    await expect(openStore({ databaseUrl: 'mysql://root:pw@localhost/x' })).rejects.toThrow(/invalid DATABASE_URL mysql:\/\/root:\*\*\*@localhost\/x/);
  });

  it('lets one store at a time open an embedded data directory, and takes over the lock of a dead process', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sanyi-pglite-'));
    const dataDir = path.join(dir, 'pglite');
    const { pgliteTemplates } = await import('./test-support/backends.js');
    const { migrated } = await pgliteTemplates();
    try {
      // A lock left behind by a process that no longer exists (pid 2^22 + 1 is above Linux's pid_max default).
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${dataDir}.lock`, JSON.stringify({ pid: 4_194_305, host: os.hostname() }));
      const first = await openStore({ dataDir, loadDataDir: migrated });
      try {
        expect(first.backend).toBe('pglite');
        expect(first.location).toBe(dataDir);
        const err = await openStore({ dataDir }).catch((e: unknown) => e);
        expect(err).toMatchObject({ name: 'StoreError', code: 'connect', backend: 'pglite' });
        expect((err as Error).message).toMatch(/already open in this process/);
        await first.query(`insert into meta (key, value) values ('persisted', 'yes')`);
      } finally {
        await first.close();
      }
      const again = await openStore({ dataDir });
      try {
        expect(await again.query(`select value from meta where key = 'persisted'`)).toEqual([{ value: 'yes' }]);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
