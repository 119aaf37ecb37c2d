import { mkdtemp, readFile, rm, writeFile, cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadParamTree, type ParamTree } from '../rules/params.js';
import { loadCatalogue } from '../simulation/catalogue.js';
import { backends } from '../store/test-support/backends.js';
import type { Store } from '../store/store.js';
import { SHIPPED_PARAMS_DIR } from './config.js';
import { generateToDirectory } from './generate.js';
import { LoadError, loadGenerated, splitCsvLine } from './load-generated.js';
import { seedJurisdictions } from './seed.js';

const FIXTURE = fileURLToPath(new URL('../simulation/__fixtures__/catalogue/', import.meta.url));
let tmp: string;
let dir: string;
let params: ParamTree;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sanyi-load-'));
  params = await loadParamTree(SHIPPED_PARAMS_DIR);
  const catalogue = await loadCatalogue(FIXTURE);
  dir = path.join(tmp, 'gen');
  await generateToDirectory({ params, catalogue, population: 3000, startYear: 2025, years: 2, seed: 42, out: dir, catalogueVersion: catalogue.version, generatedBy: 'test' });
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const count = async (store: Store, sql: string) => Number((await store.query<{ n: string | number }>(sql))[0]!.n);

/** Σ amount_fen of a generated CSV file (integer fen). */
async function amountOf(file: string): Promise<number> {
  const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
  const col = splitCsvLine(lines[0]!).indexOf('amount_fen');
  return lines.slice(1).reduce((s, l) => s + Number(splitCsvLine(l)[col]), 0);
}

for (const backend of backends) {
  describe(`loading a generated county on ${backend.name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await backend.open();
      await seedJurisdictions(store, params);
    });
    afterAll(async () => {
      await store?.close();
    });

    test('stores every person, institution, encounter, case, referral, drug and service volume of the manifest, with the fee totals', async () => {
      const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as { files: Record<string, { rows: number }> };
      const r = await loadGenerated(store, dir);
      expect(r.rejected).toEqual([]);
      expect(await count(store, "select count(*) as n from residents where county_id = 'demo'")).toBe(manifest.files.persons!.rows);
      expect(await count(store, "select count(*) as n from encounters where county_id = 'demo'")).toBe(manifest.files.encounters!.rows);
      expect(await count(store, "select count(*) as n from inpatient_cases")).toBe(manifest.files.inpatientCases!.rows);
      expect(await count(store, "select count(*) as n from referrals")).toBe(manifest.files.referrals!.rows);
      expect(await count(store, "select count(*) as n from drug_volumes")).toBe(manifest.files.drugVolumes!.rows);
      expect(await count(store, "select count(*) as n from service_volumes where county_id = 'demo'")).toBe(manifest.files.serviceVolumes!.rows);
      expect(r.rows.serviceVolumes).toBe(manifest.files.serviceVolumes!.rows);
      expect(r.warnings).toEqual([]);
      expect(await count(store, "select count(*) as n from staff")).toBe(manifest.files.staff!.rows);
      expect(await count(store, "select count(*) as n from jurisdictions where level in ('township', 'village')")).toBe(manifest.files.places!.rows);
      expect(await count(store, 'select count(*) as n from encounters where total_fen <> bed_fen + consultation_fen + examination_fen + laboratory_fen + treatment_fen + surgery_fen + nursing_fen + materials_fen + western_drug_fen + patent_drug_fen + herbal_drug_fen + general_diagnosis_fen + registration_fen + other_fen')).toBe(0);
      expect(await count(store, "select count(*) as n from encounters e left join institutions i on i.id = e.institution_id where i.id is null")).toBe(0);
      expect(await count(store, "select count(*) as n from institutions where community_id = 'CGH'")).toBeGreaterThan(10);
      // One enrolment per person and year present (two years).
      expect(await count(store, 'select count(*) as n from enrolments')).toBeGreaterThan(manifest.files.persons!.rows * 1.9);
      const [d] = await store.query<{ seed: string; years: number }>("select seed, years from datasets where county_id = 'demo'");
      expect(d).toEqual({ seed: '42', years: 2 });
    });

    test('keeps the service volumes of the charge lines: their amounts sum to the charge lines’ amount_fen, their lines to the charge lines', async () => {
      const charges = await amountOf(path.join(dir, 'charge_lines.csv'));
      expect(charges).toBeGreaterThan(0);
      expect(await count(store, "select sum(amount_fen) as n from service_volumes where county_id = 'demo'")).toBe(charges);
      expect(await count(store, "select sum(lines) as n from service_volumes where county_id = 'demo'")).toBe((await readFile(path.join(dir, 'charge_lines.csv'), 'utf8')).trimEnd().split('\n').length - 1);
      expect(await count(store, "select sum(amount_fen) as n from drug_volumes where county_id = 'demo'")).toBe(await amountOf(path.join(dir, 'drug_lines.csv')));
    });

    test('leaves one copy when the same directory is loaded again', async () => {
      const before = await count(store, 'select count(*) as n from encounters');
      const volumes = await count(store, 'select count(*) as n from service_volumes');
      await loadGenerated(store, dir);
      expect(await count(store, 'select count(*) as n from encounters')).toBe(before);
      expect(await count(store, 'select count(*) as n from service_volumes')).toBe(volumes);
      expect(await count(store, 'select count(*) as n from datasets')).toBe(1);
    });

    test('reports a bad row with its file, line and column, keeps it for review and loads the rest', async () => {
      const bad = path.join(tmp, `bad-${backend.name}`);
      await cp(dir, bad, { recursive: true });
      const file = path.join(bad, 'encounters.csv');
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines[5] = lines[5]!.replace(/,(\d+),/, ',twelve,');
      await writeFile(file, lines.join('\n'));
      const r = await loadGenerated(store, bad);
      expect(r.rejected).toEqual([{ file: 'encounters.csv', line: 6, column: 'person_id', problem: '"twelve" is not an integer' }]);
      expect(await count(store, 'select count(*) as n from encounters')).toBe(lines.filter(Boolean).length - 2);
      expect(await readFile(path.join(bad, 'rejected', 'encounters.csv'), 'utf8')).toContain('twelve');
    });

    test('loads a directory generated before service_volumes.csv existed, with no service volumes and a warning', async () => {
      const old = path.join(tmp, `old-${backend.name}`);
      await cp(dir, old, { recursive: true });
      await rm(path.join(old, 'service_volumes.csv'));
      const file = path.join(old, 'manifest.json');
      const manifest = JSON.parse(await readFile(file, 'utf8')) as { files: Record<string, unknown> };
      delete manifest.files.serviceVolumes;
      await writeFile(file, JSON.stringify(manifest, null, 2) + '\n');
      const r = await loadGenerated(store, old);
      expect(r.rejected).toEqual([]);
      expect(r.rows.serviceVolumes).toBe(0);
      expect(r.warnings).toEqual([expect.stringContaining('service_volumes.csv')]);
      expect(await count(store, "select count(*) as n from service_volumes where county_id = 'demo'")).toBe(0);
      expect(await count(store, "select count(*) as n from encounters where county_id = 'demo'")).toBeGreaterThan(0);
    });

    test('refuses a directory without a manifest, naming the file', async () => {
      await expect(loadGenerated(store, tmp)).rejects.toThrow(LoadError);
      await expect(loadGenerated(store, tmp)).rejects.toThrow(/manifest\.json is missing/);
    });
  });
}
