import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadParamTree, type ParamTree } from '../rules/params.js';
import { loadCatalogue, type Catalogue } from './catalogue.js';
import { generate, type GenerateResult, type GenerationSink } from './generate.js';
import { Grouper } from '../grouper/grouper.js';
import { DEMO_SCHEME_DIR, loadScheme } from '../grouper/scheme.js';

const FIXTURE = fileURLToPath(new URL('./__fixtures__/catalogue/', import.meta.url));
const SHIPPED_PARAMS_DIR = fileURLToPath(new URL('../../params/', import.meta.url));
let tmp: string;
let params: ParamTree;
let catalogue: Catalogue;
let baseline: GenerateResult;

const share = (r: GenerateResult, level: number) => {
  const a = r.yearResults[0]!.stats.admissions;
  return (a[level] ?? 0) / a.reduce((x, y) => x + y, 0);
};

/** The shipped tree with one parameter file replaced. */
async function treeWith(rel: string, edit: (text: string) => string): Promise<ParamTree> {
  const dir = path.join(tmp, rel.replace(/\W/g, '_'));
  await cp(SHIPPED_PARAMS_DIR, dir, { recursive: true });
  const file = path.join(dir, rel);
  await writeFile(file, edit(await readFile(file, 'utf8')));
  return loadParamTree(dir);
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sanyi-sim-'));
  params = await loadParamTree(SHIPPED_PARAMS_DIR);
  catalogue = await loadCatalogue(FIXTURE);
  baseline = await generate({ params, catalogue, population: 60_000, startYear: 2025, years: 1, seed: 42 });
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('the facility-choice model', () => {
  test('moves admissions to township health centres when their reimbursement ratio rises', async () => {
    const richer = await treeWith('demo-province/benefit/resident/inpatient/ratio/primary.yaml', (t) => t.replace(/2024-01-01: 0\.\d+/, '2024-01-01: 1'));
    const r = await generate({ params: richer, catalogue, population: 60_000, startYear: 2025, years: 1, seed: 42 });
    expect(share(r, 1)).toBeGreaterThan(share(baseline, 1) * 1.2);
  });

  test('keeps admissions in the county when leaving without referral costs more', async () => {
    const harsher = await treeWith('demo-province/benefit/resident/outOfCounty/unreferredRatioReduction.yaml', (t) => t.replace(/2024-01-01: 0\.\d+/, '2024-01-01: 0.4'));
    const r = await generate({ params: harsher, catalogue, population: 60_000, startYear: 2025, years: 1, seed: 42 });
    expect(share(r, 3)).toBeLessThan(share(baseline, 3) * 0.9);
  });
});

describe('the population', () => {
  test('dies, is born and moves at the rates of its parameters', () => {
    const d = baseline.yearResults[0]!.dynamics;
    const at = (p: string) => params.number(p, '2025-07-01', 'demo').value / 1000;
    expect(d.atStart).toBe(60_000);
    // Within 15% (about three standard deviations of a Poisson count of ~400).
    const near = (count: number, rate: number) => Math.abs(count / (d.atStart * rate) - 1);
    expect(near(d.deaths, at('simulation.population.deathRate'))).toBeLessThan(0.15);
    expect(near(d.births, at('simulation.population.birthRate'))).toBeLessThan(0.15);
    expect(near(d.outMigrants, at('simulation.population.outMigrationRate'))).toBeLessThan(0.15);
    expect(near(d.inMigrants, at('simulation.population.inMigrationRate'))).toBeLessThan(0.2);
  });

  test('records every parameter it read with its file and effective date', () => {
    const used = baseline.parameters.find((p) => p.path === 'simulation.population.deathRate@2025');
    expect(used?.provenance).toMatchObject({ jurisdiction: 'demo-province', effectiveFrom: '2024-01-01' });
    expect(baseline.parameters.some((p) => p.path.startsWith('benefit.resident.inpatient.ratio.primary@'))).toBe(true);
  });
});

describe('the generator', () => {
  test('refuses a population, start year or number of years out of range with the value given', async () => {
    await expect(generate({ params, catalogue, population: 0, startYear: 2025, years: 1, seed: 1 })).rejects.toThrow(/population must be .* got 0/);
    await expect(generate({ params, catalogue, population: 10, startYear: 2025, years: 0, seed: 1 })).rejects.toThrow(/years must be .* got 0/);
    await expect(generate({ params, catalogue, population: 10, startYear: 25, years: 1, seed: 1 })).rejects.toThrow(/start year must be a year, got 25/);
  });
});

describe('the default county (300,000 persons, shipped catalogue and calibration)', () => {
  test('meets every calibration target within ±5%, for the default seed and for another seed', async () => {
    const shipped = await loadCatalogue();
    for (const seed of [42, 7]) {
      const r = await generate({ params, catalogue: shipped, startYear: 2025, years: 1, seed }, seed === 42 ? groupingSink : {});
      const rep = r.yearResults[0]!.calibration;
      expect(rep.rows.length).toBe(21);
      expect(rep.rows.filter((row) => !row.ok).map((row) => `${row.id}: ${(row.error * 100).toFixed(1)}%`), `seed ${seed}`).toEqual([]);
      expect(r.population).toBe(300_000);
    }
    // Every generated case groups in the demo scheme shipped with sanyi.
    const demoTotal = Object.values(demoStatuses).reduce((a, b) => a + b, 0);
    expect(demoTotal).toBeGreaterThan(50_000);
    expect(demoStatuses).toEqual({ grouped: demoTotal });
    if (grouper) {
      // Real codes group under the official CHS-DRG 1.1 tables (the few that do not are vaginal
      // deliveries recorded without a procedure, which CHS-DRG 1.1 cannot group either).
      const total = Object.values(statuses).reduce((a, b) => a + b, 0);
      expect(total).toBeGreaterThan(50_000);
      expect((statuses.grouped ?? 0) / total).toBeGreaterThan(0.995);
      expect(statuses.check_failed ?? 0).toBe(0);
    }
  }, 90_000);
});

const OFFICIAL = path.resolve(process.cwd(), '../shared/data/chs-drg-1.1');
let grouper: Grouper | undefined;
let demo: Grouper;
const statuses: Record<string, number> = {};
const demoStatuses: Record<string, number> = {};
const groupingSink: GenerationSink = {
  chunk(chunk) {
    for (const c of chunk.inpatientCases) {
      const input = { sex: String(c.sex), age: String(c.age), ageDays: c.ageDays === null ? '' : String(c.ageDays), birthWeight: c.birthWeight === null ? '' : String(c.birthWeight), dx: c.diagnoses.split('|'), px: c.procedures.split('|') };
      const d = demo.group(input).status;
      demoStatuses[d] = (demoStatuses[d] ?? 0) + 1;
      if (!grouper) continue;
      const st = grouper.group(input).status;
      statuses[st] = (statuses[st] ?? 0) + 1;
    }
  },
};
beforeAll(async () => {
  demo = new Grouper(await loadScheme(DEMO_SCHEME_DIR));
  if (existsSync(path.join(OFFICIAL, 'scheme.json'))) grouper = new Grouper(await loadScheme(OFFICIAL));
  else console.info(`notice: ${OFFICIAL} is absent; generated cases are not grouped with CHS-DRG 1.1`);
});
