import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildCatalogue, CatalogueError, loadCatalogue, RULE_SERVICES, type Catalogue } from './catalogue.js';

const OFFICIAL = path.resolve(process.cwd(), '../shared/data/chs-drg-1.1');
const hasOfficial = existsSync(path.join(OFFICIAL, 'diagnoses.json'));
if (!hasOfficial) console.info(`notice: ${OFFICIAL} is absent; the catalogue's codes are not checked against the national code tables`);

let catalogue: Catalogue;
beforeAll(async () => {
  catalogue = await loadCatalogue();
});

const allDx = (c: Catalogue) => c.diseases.flatMap((d) => [...(d.outpatient?.dx ?? []), ...(d.inpatient?.dx ?? []), ...(d.inpatient?.secondary.map((s) => s.code) ?? [])]);
const allProcedures = (c: Catalogue) => c.diseases.flatMap((d) => d.inpatient?.procedures.flatMap((p) => p.codes) ?? []);

describe('the shipped catalogue', () => {
  test('loads and validates, with the services the generator charges by rule', () => {
    expect(catalogue.diseases.length).toBeGreaterThanOrEqual(40);
    expect(catalogue.drugs.length).toBeGreaterThanOrEqual(60);
    for (const id of Object.values(RULE_SERVICES)) expect(catalogue.serviceIndex.has(id), id).toBe(true);
  });

  test.runIf(hasOfficial)('uses only diagnosis codes of the national ICD-10 医保版 table', () => {
    const table = JSON.parse(readFileSync(path.join(OFFICIAL, 'diagnoses.json'), 'utf8')) as Record<string, string>;
    expect(allDx(catalogue).filter((c) => !(c in table))).toEqual([]);
  });

  test.runIf(hasOfficial)('uses only procedure codes of the national ICD-9-CM-3 医保版 table', () => {
    const table = JSON.parse(readFileSync(path.join(OFFICIAL, 'procedures.json'), 'utf8')) as Record<string, string>;
    expect(allProcedures(catalogue).filter((c) => !(c in table))).toEqual([]);
  });

  test('gives every chronic condition a disease for follow-up visits', () => {
    for (const c of ['hypertension', 'diabetes', 'copd', 'chd', 'stroke']) {
      expect(catalogue.diseases.some((d) => d.chronic === c && d.outpatient), c).toBe(true);
    }
  });

  test('prices every VBP winner below its price before procurement, and has non-winning products of some winning molecules', () => {
    const winners = catalogue.drugs.filter((d) => d.vbp);
    expect(winners.length).toBeGreaterThan(10);
    for (const d of winners) expect(d.priceFen, d.id).toBeLessThan(d.preVbpPriceFen!);
    expect(catalogue.drugs.filter((d) => !d.vbp && winners.some((w) => d.id.startsWith(w.id))).length).toBeGreaterThan(0);
  });

  test('offers the procedure service of a surgical disease at a level the disease is treated', () => {
    for (const d of catalogue.diseases) {
      for (const set of d.inpatient?.procedures ?? []) {
        if (!set.service) continue;
        const s = catalogue.services[catalogue.serviceIndex.get(set.service)!]!;
        expect(d.inpatient!.levels.some((l) => s.price[l] !== undefined), `${d.id}: ${set.service}`).toBe(true);
      }
    }
  });
});

describe('a broken catalogue is refused with the file, item and field', () => {
  const minimal = () => ({
    diseases: [
      {
        id: 'flu',
        name: { zh: '流感', en: 'Flu' },
        chapter: 'J',
        population: {},
        severity: [0.9, 0.1, 0],
        outpatient: { weight: 1, levels: ['village'], dx: ['J11.100'], drugs: ['pill'], cost: { village: 30 }, mix: { drugs: 0.5, examination: 0, laboratory: 0.5, treatment: 0 } },
      },
    ],
    drugs: [{ id: 'pill', generic: { zh: '药', en: 'Pill' }, form: '片剂', spec: '1', unit: '盒', priceFen: 100, class: 'A', category: 'western_drug' }],
    services: Object.values(RULE_SERVICES).map((id) => ({ id, code: 'SY', name: { zh: id, en: id }, category: 'other', unit: '次', price: { village: 100 }, class: 'A' })),
  });
  const problems = (edit: (raw: ReturnType<typeof minimal>) => void): string[] => {
    const raw = minimal();
    edit(raw);
    try {
      buildCatalogue(raw, 'cat');
    } catch (e) {
      if (e instanceof CatalogueError) return e.problems;
      throw e;
    }
    return [];
  };

  test('accepts the minimal catalogue', () => {
    expect(problems(() => {})).toEqual([]);
  });
  test('an unknown drug', () => {
    expect(problems((r) => (r.diseases[0]!.outpatient.drugs = ['nope']))).toEqual(['cat/diseases.yaml: flu: outpatient.drugs: unknown drug nope']);
  });
  test('a cost mix that does not sum to one', () => {
    expect(problems((r) => (r.diseases[0]!.outpatient.mix.drugs = 0.9))).toEqual(['cat/diseases.yaml: flu: outpatient.mix sums to 1.4000, not 1']);
  });
  test('a level without its cost', () => {
    expect(problems((r) => (r.diseases[0]!.outpatient.levels = ['village', 'county']))).toEqual(['cat/diseases.yaml: flu: outpatient.cost has no county figure though county is in levels']);
  });
  test('a duplicate id', () => {
    expect(problems((r) => r.drugs.push({ ...r.drugs[0]! }))).toEqual(['cat/drugs.yaml: pill: duplicate id']);
  });
  test('a diagnosis code that is not a code', () => {
    expect(problems((r) => (r.diseases[0]!.outpatient.dx = ['flu']))[0]).toMatch(/^cat\/diseases\.yaml: flu: outpatient\.dx\.0: an ICD-10 医保版 code/);
  });
});
