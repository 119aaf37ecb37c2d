/**
 * Settling a county-year over the store (issue 5 §5): totals that add up to the fen, results stored
 * under the settlement's run, idempotent re-runs, crash safety (a settlement killed after each stage
 * — a real SIGKILL of a child process on PostgreSQL, a thrown error on PGlite — then run again gives
 * the uninterrupted figures), and a claim explained with its trace.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadParamTree, type ParamTree } from '../rules/params.js';
import { loadCatalogue, SHIPPED_CATALOGUE_DIR } from '../simulation/catalogue.js';
import { backends, createTestDatabase, hasPostgres } from '../store/test-support/backends.js';
import { openStore, type Store } from '../store/store.js';
import { SHIPPED_PARAMS_DIR } from './config.js';
import { generateToDirectory } from './generate.js';
import { loadGenerated } from './load-generated.js';
import { seedJurisdictions } from './seed.js';
import { RESULT_TABLES, settleYear, type SettleStage, type SettleSummary } from './settle.js';
import { explainClaim } from './settlement-read.js';
import { SettleInputError } from './read-year.js';

const CHILD = fileURLToPath(new URL('./test-support/settle-child.ts', import.meta.url));
let tmp: string;
let dir: string;
let params: ParamTree;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sanyi-settle-'));
  params = await loadParamTree(SHIPPED_PARAMS_DIR);
  const catalogue = await loadCatalogue(SHIPPED_CATALOGUE_DIR);
  dir = path.join(tmp, 'gen');
  await generateToDirectory({ params, catalogue, population: 4000, startYear: 2025, years: 1, seed: 42, out: dir, catalogueVersion: catalogue.version, generatedBy: 'test' });
}, 60_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const stable = (s: SettleSummary) => ({ ...s, run_id: 0, seconds: {} });
/** The current settlement's claims, one row each. */
const CLAIMS = `(select s.run_id, c.* from settle_claims s join settlements t on t.run_id = s.run_id, unnest(s.encounter_ids, s.fund_fen, s.critical_illness_fen, s.patient_fen, s.hospital_fen) as c(encounter_id, fund_fen, critical_illness_fen, patient_fen, hospital_fen))`;
const n = async (store: Store, sql: string, args: unknown[] = []) => Number((await store.query<{ n: string | number }>(sql, args))[0]!.n);

async function resultRows(store: Store): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of RESULT_TABLES) out[t] = await n(store, `select count(*) as n from ${t}`);
  return out;
}

async function claimsChecksum(store: Store): Promise<string> {
  const [r] = await store.query<{ h: string }>(
    `select md5(string_agg(concat_ws('|', c.encounter_id, c.fund_fen, c.critical_illness_fen, c.patient_fen, c.hospital_fen), ',' order by c.encounter_id)) as h from ${CLAIMS} c`,
  );
  return r!.h;
}

async function loadedStore(open: () => Promise<Store>): Promise<Store> {
  const store = await open();
  await seedJurisdictions(store, params);
  await loadGenerated(store, dir);
  return store;
}

for (const backend of backends) {
  describe(`settling the demo county's 2025 on ${backend.name}`, () => {
    let store: Store;
    let first: SettleSummary;
    beforeAll(async () => {
      store = await loadedStore(() => backend.open());
      first = await settleYear({ store, params }, { jurisdiction: 'demo', year: 2025 });
    }, 120_000);
    afterAll(async () => {
      await store?.close();
    });

    test('settles every claim discharged in the year, and fund + patient = total for each claim and in all', async () => {
      expect(first.claims).toBe(await n(store, "select count(*) as n from encounters where county_id = 'demo' and end_date between '2025-01-01' and '2025-12-31'"));
      expect(first.claims).toBeGreaterThan(10_000);
      expect(first.fund_fen + first.patient_fen).toBe(first.total_fen);
      expect(first.basic_fund_fen + first.critical_illness_fen).toBe(first.fund_fen);
      expect(first.fund_fen).toBeGreaterThan(0.3 * first.total_fen);
      expect(await n(store, `select count(*) as n from ${CLAIMS} c join encounters e on e.id = c.encounter_id where c.fund_fen + c.patient_fen <> e.total_fen or c.fund_fen < 0 or c.patient_fen < 0`)).toBe(0);
      expect(first.param_version).toBe(params.version);
      expect(first.seed).toBe('42');
    });

    test('pays every inpatient case and sums the payments per institution', async () => {
      const inpatient = await n(store, "select count(*) as n from encounters where county_id = 'demo' and type = 'inpatient' and end_date between '2025-01-01' and '2025-12-31'");
      expect(await n(store, 'select count(*) as n from settle_cases c join settlements s on s.run_id = c.run_id')).toBe(inpatient);
      expect(await n(store, 'select coalesce(sum(payment_fen), 0) as n from settle_institutions i join settlements s on s.run_id = i.run_id')).toBe(first.hospital_payment_fen);
      expect(await n(store, `select coalesce(sum(hospital_fen), 0) as n from ${CLAIMS} c`)).toBe(
        first.hospital_payment_fen - (await n(store, 'select coalesce(sum(capitation_fen), 0) as n from settle_institutions i join settlements s on s.run_id = i.run_id')),
      );
    });

    test("posts twelve months to the package ledger, and residents' out-of-county care is charged to the county package (its basic-fund part)", async () => {
      const months = await store.query<{ out_of_county_fen: number; charged_fen: number }>('select l.* from settle_ledger l join settlements s on s.run_id = l.run_id order by month');
      expect(months).toHaveLength(12);
      expect(months.reduce((a, m) => a + m.charged_fen, 0)).toBe(first.package.charged_fen);
      const outOfCountyFund = await n(
        store,
        `select coalesce(sum(c.hospital_fen - c.critical_illness_fen), 0) as n from ${CLAIMS} c join encounters e on e.id = c.encounter_id join institutions i on i.id = e.institution_id where not i.in_county`,
      );
      expect(outOfCountyFund).toBeGreaterThan(0);
      expect(months.reduce((a, m) => a + m.out_of_county_fen, 0)).toBe(outOfCountyFund);
      expect(first.package.balance_fen).toBe(first.package.budget_fen - first.package.charged_fen);
    });

    test('stores the supervision findings with their evidence claims', async () => {
      const stored = await store.query<{ rule_id: string; encounter_ids: string; amount_fen: number }>('select f.rule_id, f.encounter_ids, f.amount_fen from settle_findings f join settlements s on s.run_id = f.run_id');
      expect(stored.length).toBe(first.findings);
      expect(first.findings).toBeGreaterThan(0); // the generated county has natural readmissions and visits during stays
      const byRule: Record<string, number> = {};
      for (const f of stored) byRule[f.rule_id] = (byRule[f.rule_id] ?? 0) + 1;
      expect(byRule).toEqual(first.findings_by_rule);
      const ids = stored.flatMap((f) => f.encounter_ids.split('|').map(Number));
      expect(await n(store, 'select count(*) as n from encounters where id = any($1::bigint[])', [ids])).toBe(new Set(ids).size);
      expect(stored.every((f) => f.amount_fen >= 0)).toBe(true);
    });

    test('gives identical results when run again, with no duplicate rows', async () => {
      const rows = await resultRows(store);
      const sum = await claimsChecksum(store);
      const again = await settleYear({ store, params }, { jurisdiction: 'demo', year: 2025 });
      expect(stable(again)).toEqual(stable(first));
      expect(again.run_id).not.toBe(first.run_id);
      expect(await resultRows(store)).toEqual(rows);
      expect(await n(store, `select count(*) as n from ${CLAIMS} c`)).toBe(first.claims);
      expect(await claimsChecksum(store)).toBe(sum);
      expect(await n(store, "select count(*) as n from settlements where county_id = 'demo' and year = 2025")).toBe(1);
    });

    test('explains a claim with its trace, giving the stored figures again', async () => {
      const [c] = await store.query<{ encounter_id: number }>(
        `select c.encounter_id from ${CLAIMS} c join encounters e on e.id = c.encounter_id where e.type = 'inpatient' order by c.fund_fen desc limit 1`,
      );
      const x = await explainClaim(store, params, 'demo', 2025, c!.encounter_id);
      expect(x.adjudication.fundFen).toBe(x.stored.fundFen);
      expect(x.adjudication.patientFen).toBe(x.stored.patientFen);
      expect(x.adjudication.trace.some((t) => t.parameter?.startsWith('benefit.') && t.provenance?.effectiveFrom)).toBe(true);
      expect(x.casePayment).not.toBeNull();
    });

    test('refuses a year or a jurisdiction without data, saying what is loaded', async () => {
      await expect(settleYear({ store, params }, { jurisdiction: 'demo', year: 2031 })).rejects.toThrow(/has data for 2025, not 2031/);
      await expect(settleYear({ store, params }, { jurisdiction: 'nowhere', year: 2025 })).rejects.toThrow(SettleInputError);
    });

    if (backend.name === 'pglite') {
      test.each(['adjudicate', 'pay', 'write-claims', 'write-rest'] as SettleStage[])('gives the uninterrupted figures after a run that failed after %s', async (at) => {
        const before = await claimsChecksum(store);
        await expect(
          settleYear(
            { store, params },
            {
              jurisdiction: 'demo',
              year: 2025,
              afterStage: (s) => {
                if (s === at) throw new Error(`crash after ${s}`);
              },
            },
          ),
        ).rejects.toThrow(`crash after ${at}`);
        expect(await claimsChecksum(store)).toBe(before); // the previous settlement is still what is read
        const after = await settleYear({ store, params }, { jurisdiction: 'demo', year: 2025 });
        expect(stable(after)).toEqual(stable(first));
        expect(await n(store, `select count(*) as n from ${CLAIMS} c`)).toBe(first.claims);
      });
    }
  });
}

describe.runIf(hasPostgres)('a settlement killed with SIGKILL on PostgreSQL', () => {
  let store: Store;
  let url: string;
  let drop: () => Promise<void>;
  let baseline: SettleSummary;
  beforeAll(async () => {
    const db = await createTestDatabase();
    url = db.url;
    drop = () => db.drop();
    store = await loadedStore(async () => {
      const s = await openStore({ databaseUrl: url });
      await s.migrate();
      return s;
    });
    baseline = await settleYear({ store, params }, { jurisdiction: 'demo', year: 2025 });
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await drop?.();
  });

  test.each(['read', 'pay', 'write-claims', 'write-rest'] as SettleStage[])('leaves nothing that changes the next run when killed after %s', async (at) => {
    const paused = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
        env: { ...process.env, SETTLE_DATABASE_URL: url, SETTLE_PAUSE_AFTER: at },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes(`paused ${at}`)) child.kill('SIGKILL');
      });
      child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(out.trim()) : reject(new Error(`child exited ${code}: ${err}`))));
    });
    expect(paused).toBe(`paused ${at}`);
    expect(await n(store, "select count(*) as n from runs where kind = 'settle' and status = 'running'")).toBe(1); // the killed run
    const again = await settleYear({ store, params }, { jurisdiction: 'demo', year: 2025 });
    expect(stable(again)).toEqual(stable(baseline));
    expect(await n(store, "select count(*) as n from runs where kind = 'settle' and status = 'running'")).toBe(0);
    expect(await n(store, "select count(*) as n from runs where kind = 'settle' and status = 'failed' and summary->>'error' like 'interrupted%'")).toBeGreaterThan(0);
    expect(await n(store, `select count(*) as n from ${CLAIMS} c`)).toBe(baseline.claims);
  }, 120_000);
});
