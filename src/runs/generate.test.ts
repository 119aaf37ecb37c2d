import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadParamTree, type ParamTree } from '../rules/params.js';
import { bedDayPriceFen, FEE_CATEGORIES, loadCatalogue, type Catalogue } from '../simulation/catalogue.js';
import { GENERATED_FILES, INJECTIONS_FILE, MANIFEST_FILE, type GenerationManifest } from '../simulation/files.js';
import { GenerationAborted } from '../simulation/generate.js';
import { INJECTION_PATTERNS, type InjectionOptions, type InjectionPattern } from '../simulation/inject.js';
import { DEMO_SCHEME_DIR, loadScheme } from '../grouper/scheme.js';
import { SHIPPED_PARAMS_DIR } from './config.js';
import { generateToDirectory } from './generate.js';
import { splitCsvLine } from './load-generated.js';

const FIXTURE = fileURLToPath(new URL('../simulation/__fixtures__/catalogue/', import.meta.url));

/** Parses our CSV files into rows keyed by the header. */
function parseCsv(text: string): Array<Record<string, string>> {
  const lines = text.trimEnd().split('\n');
  const header = splitCsvLine(lines[0]!);
  return lines.slice(1).map((l) => {
    const f = splitCsvLine(l);
    return Object.fromEntries(header.map((h, i) => [h, f[i] ?? '']));
  });
}

type Files = Record<string, Array<Record<string, string>>>;

/** Referential integrity; a claim planted after death (`afterDeath`) is dated after its person left by death, which is the pattern. */
function expectReferences(files: Files, afterDeath: ReadonlySet<string> = new Set()): void {
  const persons = new Map(files.persons!.map((p) => [p.person_id, p]));
  const institutions = new Set(files.institutions!.map((i) => i.institution_id));
  const places = new Set(files.places!.map((p) => p.place_id));
  const encounters = new Map(files.encounters!.map((e) => [e.encounter_id, e]));
  const referrals = new Set(files.referrals!.map((r) => r.referral_id));
  for (const p of files.persons!) {
    expect(places.has(p.village_id), p.village_id).toBe(true);
    expect(places.has(p.township_id), p.township_id).toBe(true);
  }
  for (const s of files.staff!) expect(institutions.has(s.institution_id)).toBe(true);
  for (const e of files.encounters!) {
    const p = persons.get(e.person_id);
    expect(p, `person ${e.person_id}`).toBeDefined();
    expect(institutions.has(e.institution_id), e.institution_id).toBe(true);
    const start = e.start_date!;
    if (afterDeath.has(e.encounter_id!)) expect(start > p!.exit_date! && p!.exit_reason === 'death', `encounter ${e.encounter_id}`).toBe(true);
    else expect(start >= p!.entry_date! && (p!.exit_date === '' || start <= p!.exit_date!), `encounter ${e.encounter_id}`).toBe(true);
    if (e.referral_id) expect(referrals.has(e.referral_id), `referral ${e.referral_id}`).toBe(true);
  }
  for (const r of files.referrals!) {
    expect(encounters.get(r.encounter_id)?.person_id).toBe(r.person_id);
    expect(institutions.has(r.from_institution_id) && institutions.has(r.to_institution_id)).toBe(true);
    if (r.source_encounter_id) expect(encounters.has(r.source_encounter_id)).toBe(true);
  }
  for (const c of files.inpatientCases!) expect(encounters.get(c.case_id)?.type).toBe('inpatient');
  for (const l of [...files.chargeLines!, ...files.drugLines!]) expect(encounters.has(l.encounter_id)).toBe(true);
}

/** Integer fen: each line is quantity × unit price; an encounter is the sum of its fee categories and of its lines. */
function expectMoney(files: Files): void {
  const lineSum = new Map<string, number>();
  for (const l of [...files.chargeLines!, ...files.drugLines!]) {
    const [q, p, a] = [Number(l.quantity), Number(l.unit_price_fen), Number(l.amount_fen)];
    expect(Number.isSafeInteger(a) && a >= 0 && a === q * p, JSON.stringify(l)).toBe(true);
    lineSum.set(l.encounter_id!, (lineSum.get(l.encounter_id!) ?? 0) + a);
  }
  for (const e of files.encounters!) {
    const total = Number(e.total_fen);
    const fees = FEE_CATEGORIES.reduce((s, c) => s + Number(e[`${c}_fen`]), 0);
    expect(Number.isSafeInteger(total) && total > 0).toBe(true);
    expect(fees).toBe(total);
    expect(lineSum.get(e.encounter_id!)).toBe(total);
  }
}

/** Class B and class C subtotals equal the sums of the B and C lines, and together stay within the total. */
function expectClassSplit(files: Files): void {
  const byClass = new Map<string, { B: number; C: number }>();
  for (const l of [...files.chargeLines!, ...files.drugLines!]) {
    const s = byClass.get(l.encounter_id!) ?? { B: 0, C: 0 };
    if (l.class === 'B' || l.class === 'C') s[l.class] += Number(l.amount_fen);
    byClass.set(l.encounter_id!, s);
  }
  let withB = 0;
  for (const e of files.encounters!) {
    const [b, c] = [Number(e.class_b_fen), Number(e.class_c_fen)];
    expect([b, c], e.encounter_id).toEqual([byClass.get(e.encounter_id!)?.B ?? 0, byClass.get(e.encounter_id!)?.C ?? 0]);
    expect(b + c).toBeLessThanOrEqual(Number(e.total_fen));
    if (b > 0) withB++;
  }
  expect(withB).toBeGreaterThan(0);
}

/**
 * The lines summed by (month of the encounter's start, institution, item): quantity, amount and
 * number of lines, keyed `month|institution|item` as the volume files are.
 */
function sumLines(files: Files, lines: Array<Record<string, string>>, itemColumn: string): Map<string, { quantity: number; amount_fen: number; lines: number }> {
  const encounters = new Map(files.encounters!.map((e) => [e.encounter_id, e]));
  const out = new Map<string, { quantity: number; amount_fen: number; lines: number }>();
  for (const l of lines) {
    const e = encounters.get(l.encounter_id)!;
    const key = `${e.start_date!.slice(0, 7)}|${e.institution_id}|${l[itemColumn]}`;
    const s = out.get(key) ?? { quantity: 0, amount_fen: 0, lines: 0 };
    s.quantity += Number(l.quantity);
    s.amount_fen += Number(l.amount_fen);
    s.lines += 1;
    out.set(key, s);
  }
  return out;
}

/** A volume file as the same map (one row per key, none empty). */
function volumes(rows: Array<Record<string, string>>, itemColumn: string): Map<string, { quantity: number; amount_fen: number; lines: number }> {
  const out = new Map<string, { quantity: number; amount_fen: number; lines: number }>();
  for (const v of rows) {
    const key = `${v.month}|${v.institution_id}|${v[itemColumn]}`;
    expect(out.has(key), key).toBe(false);
    expect(Number(v.lines), key).toBeGreaterThan(0);
    out.set(key, { quantity: Number(v.quantity), amount_fen: Number(v.amount_fen), lines: Number(v.lines) });
  }
  return out;
}

let tmp: string;
let params: ParamTree;
let fixture: Catalogue;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sanyi-generate-'));
  params = await loadParamTree(SHIPPED_PARAMS_DIR);
  fixture = await loadCatalogue(FIXTURE);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const run = (out: string, seed: number | string, population = 4000, years = 2, inject?: InjectionOptions) =>
  generateToDirectory({ params, catalogue: fixture, population, startYear: 2025, years, seed, out: path.join(tmp, out), catalogueVersion: fixture.version, generatedBy: 'test', ...(inject ? { inject } : {}) });

describe('generating a county into a directory', () => {
  let manifest: GenerationManifest;
  let files: Record<string, Array<Record<string, string>>>;

  beforeAll(async () => {
    ({ manifest } = await run('a', 42));
    files = {};
    for (const [key, spec] of Object.entries(GENERATED_FILES)) files[key] = parseCsv(await readFile(path.join(tmp, 'a', spec.file), 'utf8'));
  });

  test('writes every documented file with its documented columns and a manifest with the seed, parameter version and row counts', async () => {
    expect(manifest.seed).toBe('42');
    expect(manifest.paramVersion).toBe(params.version);
    expect(manifest.population).toBe(4000);
    for (const [key, spec] of Object.entries(GENERATED_FILES)) {
      const text = await readFile(path.join(tmp, 'a', spec.file), 'utf8');
      expect(text.split('\n')[0]).toBe(spec.columns.map((c) => c.name).join(','));
      expect(manifest.files[key as keyof typeof GENERATED_FILES].rows).toBe(files[key]!.length);
    }
    expect(files.encounters!.length).toBeGreaterThan(10_000);
    expect(files.inpatientCases!.length).toBeGreaterThan(500);
    expect(files.referrals!.some((r) => r.direction === 'up')).toBe(true);
    expect(files.referrals!.some((r) => r.direction === 'down')).toBe(true);
  });

  test('refers only to persons, institutions and encounters that exist, inside the persons’ time in the county', () => {
    expectReferences(files);
  });

  test('keeps money in integer fen: every line is quantity × unit price, and an encounter is the sum of its fee categories and of its lines', () => {
    expectMoney(files);
  });

  test('splits each encounter by insurance class: class B and class C subtotals equal the sums of its B and C lines', () => {
    expectClassSplit(files);
  });

  test('sums the charge lines exactly into monthly service volumes: quantity, amount and lines per month, institution and service', () => {
    const services = new Set(fixture.services.map((s) => s.id));
    expect(files.serviceVolumes!.length).toBeGreaterThan(0);
    for (const v of files.serviceVolumes!) expect(services.has(v.service_id!), v.service_id).toBe(true);
    expect(volumes(files.serviceVolumes!, 'service_id')).toEqual(sumLines(files, files.chargeLines!, 'service_id'));
    const total = (rows: Array<Record<string, string>>) => rows.reduce((s, r) => s + Number(r.amount_fen), 0);
    expect(total(files.serviceVolumes!)).toBe(total(files.chargeLines!));
  });

  test('sums the drug lines exactly into monthly drug volumes: quantity, amount and lines per month, institution and drug', () => {
    expect(volumes(files.drugVolumes!, 'drug_id')).toEqual(sumLines(files, files.drugLines!, 'drug_id'));
  });

  test('uses only diagnosis codes of the catalogue and marks newborn cases with age in days and birth weight', () => {
    const known = new Set(fixture.diseases.flatMap((d) => [...(d.outpatient?.dx ?? []), ...(d.inpatient?.dx ?? []), ...(d.inpatient?.secondary.map((s) => s.code) ?? [])]));
    const procs = new Set(fixture.diseases.flatMap((d) => d.inpatient?.procedures.flatMap((p) => p.codes) ?? []));
    for (const c of files.inpatientCases!) {
      for (const code of c.diagnoses!.split('|')) expect(known.has(code), code).toBe(true);
      for (const code of c.procedures!.split('|').filter(Boolean)) expect(procs.has(code), code).toBe(true);
      if (c.age === '0') expect(Number(c.age_days)).toBeGreaterThanOrEqual(0);
      if (c.diagnoses!.startsWith('P')) expect(Number(c.birth_weight)).toBeGreaterThan(500);
    }
    for (const e of files.encounters!) expect(known.has(e.principal_dx!), e.principal_dx).toBe(true);
  });

  test('charges no operation and no implant to a surgical admission without a procedure', () => {
    const cases = new Map(files.inpatientCases!.map((c) => [c.case_id, c]));
    const appendicitis = files.encounters!.filter((e) => e.disease_id === 'appendicitis' && e.type === 'inpatient');
    const unoperated = appendicitis.filter((e) => cases.get(e.encounter_id)!.procedures === '');
    const operated = appendicitis.filter((e) => cases.get(e.encounter_id)!.procedures !== '');
    expect(unoperated.length).toBeGreaterThan(5);
    expect(unoperated.every((e) => e.surgery_fen === '0' && e.materials_fen === '0')).toBe(true);
    expect(operated.some((e) => Number(e.surgery_fen) > 0)).toBe(true);
  });

  test('is byte-identical for the same seed and parameters, and different for another seed', async () => {
    const { manifest: again } = await run('b', 42);
    const { manifest: other } = await run('c', 7);
    for (const key of Object.keys(GENERATED_FILES) as Array<keyof typeof GENERATED_FILES>) {
      expect(again.files[key].sha256, key).toBe(manifest.files[key].sha256);
    }
    expect(manifest.injections).toBeUndefined();
    expect(await readdir(path.join(tmp, 'a'))).not.toContain(INJECTIONS_FILE);
    expect(other.files.encounters.sha256).not.toBe(manifest.files.encounters.sha256);
    expect(other.files.persons.sha256).not.toBe(manifest.files.persons.sha256);
  });

  test('records births, deaths and migration across the years', () => {
    const reasons = new Set(files.persons!.map((p) => p.entry_reason));
    const exits = new Set(files.persons!.map((p) => p.exit_reason));
    expect(reasons).toEqual(new Set(['baseline', 'birth', 'in_migration']));
    expect(exits).toEqual(new Set(['', 'death', 'out_migration']));
    const years = new Set(files.encounters!.map((e) => e.start_date!.slice(0, 4)));
    expect(years.has('2025') && years.has('2026')).toBe(true);
  });
});

const RATES: Record<InjectionPattern, number> = { duplicate_claim: 0.01, after_death: 0.5, outside_stay: 0.1, split_admission: 0.05, low_standard_admission: 0.01, over_limit: 0.05, upcoding: 0.5 };
const days = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

describe('generating a county with every abuse pattern planted', () => {
  let manifest: GenerationManifest;
  let files: Files;
  let truth: Array<Record<string, string>>;
  let inject: InjectionOptions;

  beforeAll(async () => {
    const scheme = await loadScheme(DEMO_SCHEME_DIR);
    inject = { rates: RATES, upcodingCodes: [...scheme.mcc.keys()].filter((c) => scheme.diagnoses?.has(c) ?? true).slice(0, 8) };
    ({ manifest } = await run('planted', 42, 4000, 2, inject));
    files = {};
    for (const [key, spec] of Object.entries(GENERATED_FILES)) files[key] = parseCsv(await readFile(path.join(tmp, 'planted', spec.file), 'utf8'));
    truth = parseCsv(await readFile(path.join(tmp, 'planted', INJECTIONS_FILE), 'utf8'));
  });

  test('keeps every integrity rule: references, integer fen summing to the total by fee category and by line, class subtotals, monthly volumes summing the lines (a claim dated after death is the pattern)', () => {
    expectReferences(files, new Set(truth.filter((t) => t.pattern === 'after_death').map((t) => t.encounter_id!)));
    expectMoney(files);
    expectClassSplit(files);
    expect(volumes(files.serviceVolumes!, 'service_id')).toEqual(sumLines(files, files.chargeLines!, 'service_id'));
    expect(volumes(files.drugVolumes!, 'drug_id')).toEqual(sumLines(files, files.drugLines!, 'drug_id'));
  });

  test('writes the ground truth to injections.csv, listed in the manifest with the rates, each record naming an encounter with its institution and person', async () => {
    expect((await readFile(path.join(tmp, 'planted', INJECTIONS_FILE), 'utf8')).split('\n')[0]).toBe('pattern,encounter_id,institution_id,person_id');
    expect(manifest.injections).toMatchObject({ file: INJECTIONS_FILE, rows: truth.length, rates: RATES });
    expect(new Set(truth.map((t) => t.pattern))).toEqual(new Set(INJECTION_PATTERNS));
    const encounters = new Map(files.encounters!.map((e) => [e.encounter_id, e]));
    for (const t of truth) {
      const e = encounters.get(t.encounter_id);
      expect(e, `${t.pattern} ${t.encounter_id}`).toBeDefined();
      expect([e!.institution_id, e!.person_id]).toEqual([t.institution_id, t.person_id]);
    }
  });

  test('plants each pattern as it is described, at about its rate', () => {
    const E = files.encounters!;
    const byId = new Map(E.map((e) => [e.encounter_id, e]));
    const ofPerson = new Map<string, Array<Record<string, string>>>();
    for (const e of E) ofPerson.set(e.person_id!, [...(ofPerson.get(e.person_id!) ?? []), e]);
    const persons = new Map(files.persons!.map((p) => [p.person_id, p]));
    const cases = new Map(files.inpatientCases!.map((c) => [c.case_id, c]));
    const feeKey = (e: Record<string, string>) => FEE_CATEGORIES.map((c) => e[`${c}_fen`]).join();
    const bedPrice = bedDayPriceFen(fixture);
    const planted = (p: InjectionPattern) => truth.filter((t) => t.pattern === p).map((t) => byId.get(t.encounter_id)!);
    for (const e of planted('duplicate_claim')) {
      const twin = ofPerson.get(e.person_id!)!.find((o) => Number(o.encounter_id) < Number(e.encounter_id) && o.institution_id === e.institution_id && o.start_date === e.start_date && o.type === e.type && feeKey(o) === feeKey(e));
      expect(e.type === 'outpatient' && twin !== undefined, e.encounter_id).toBe(true);
    }
    for (const e of planted('after_death')) expect(persons.get(e.person_id)!.exit_reason === 'death' && e.start_date! > persons.get(e.person_id)!.exit_date!, e.encounter_id).toBe(true);
    for (const e of planted('outside_stay')) {
      const stay = ofPerson.get(e.person_id!)!.find((o) => o.type === 'inpatient' && o.institution_id === e.institution_id && o.start_date! < e.start_date! && e.start_date! < o.end_date!);
      expect(e.type === 'outpatient' && stay !== undefined, e.encounter_id).toBe(true);
    }
    for (const e of planted('split_admission')) {
      const first = ofPerson.get(e.person_id!)!.find((o) => o !== e && o.type === 'inpatient' && o.institution_id === e.institution_id && o.disease_id === e.disease_id && days(e.start_date!) - days(o.end_date!) >= 1 && days(e.start_date!) - days(o.end_date!) <= 7);
      expect(e.type === 'inpatient' && first !== undefined && cases.has(e.encounter_id), e.encounter_id).toBe(true);
    }
    for (const e of planted('low_standard_admission')) {
      const share = (Number(e.examination_fen) + Number(e.laboratory_fen)) / Number(e.total_fen);
      expect(e.type === 'inpatient' && e.severity === '0' && +e.los! >= 1 && +e.los! <= 3 && e.surgery_fen === '0' && share >= 0.6 && cases.has(e.encounter_id), `${e.encounter_id} ${share}`).toBe(true);
    }
    for (const e of planted('over_limit')) {
      expect(e.type === 'inpatient' && Number(e.bed_fen) >= (Number(e.los) + 2) * bedPrice[e.care_level as 'county']!, e.encounter_id).toBe(true);
    }
    const upcoded = planted('upcoding');
    expect(new Set(upcoded.map((e) => e.institution_id)).size).toBe(1);
    for (const e of upcoded) expect(inject.upcodingCodes).toContain(cases.get(e.encounter_id)!.diagnoses!.split('|').at(-1));
    // duplicate_claim's base is the outpatient claims generated: about 1% of them were copied.
    const outpatient = E.filter((e) => e.type === 'outpatient').length - planted('duplicate_claim').length - planted('after_death').length - planted('outside_stay').length;
    expect(planted('duplicate_claim').length / outpatient).toBeGreaterThan(0.007);
    expect(planted('duplicate_claim').length / outpatient).toBeLessThan(0.013);
  });

  test('plants the same records for the same seed and rates, byte for byte', async () => {
    const { manifest: again } = await run('planted-again', 42, 4000, 2, inject);
    for (const key of Object.keys(GENERATED_FILES) as Array<keyof typeof GENERATED_FILES>) expect(again.files[key].sha256, key).toBe(manifest.files[key].sha256);
    expect(again.injections!.sha256).toBe(manifest.injections!.sha256);
  });
});

describe('an interrupted generation', () => {
  test('leaves no file under a final name and no manifest', async () => {
    const controller = new AbortController();
    const out = path.join(tmp, 'aborted');
    const p = generateToDirectory({
      params,
      catalogue: fixture,
      population: 60_000,
      startYear: 2025,
      years: 1,
      seed: 1,
      out,
      catalogueVersion: fixture.version,
      generatedBy: 'test',
      chunkSize: 4096,
      signal: controller.signal,
      onProgress: (pr) => {
        if (pr.done >= 8192) controller.abort();
      },
    });
    await expect(p).rejects.toBeInstanceOf(GenerationAborted);
    expect(await readdir(out)).toEqual([]);
  });

  test('does not leave an older manifest next to newer files', async () => {
    const out = path.join(tmp, 'a');
    const controller = new AbortController();
    controller.abort();
    await expect(
      generateToDirectory({ params, catalogue: fixture, population: 100, startYear: 2025, years: 1, seed: 1, out, catalogueVersion: 'x', generatedBy: 'test', signal: controller.signal }),
    ).rejects.toBeInstanceOf(GenerationAborted);
    expect((await readdir(out)).includes(MANIFEST_FILE)).toBe(false);
  });
});
