import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { bedDayPriceFen, buildCatalogue, CARE_LEVELS, CatalogueError, INPATIENT_LEVELS, loadCatalogue, RULE_SERVICES, type CareLevel, type Catalogue, type FeeCategory, type Service } from './catalogue.js';

// The national code tables (CHS-DRG 1.1) live outside the repository; never copy them in.
const OFFICIAL = path.resolve(process.cwd(), '../shared/data/chs-drg-1.1');
const hasOfficial = existsSync(path.join(OFFICIAL, 'diagnoses.json')) && existsSync(path.join(OFFICIAL, 'procedures.json'));
if (!hasOfficial) console.info(`notice: ${OFFICIAL} is absent; the catalogue's codes are not checked against the national code tables`);
const table = (file: string) => JSON.parse(readFileSync(path.join(OFFICIAL, file), 'utf8')) as Record<string, string>;

let catalogue: Catalogue;
beforeAll(async () => {
  catalogue = await loadCatalogue();
});

const service = (id: string): Service => catalogue.services[catalogue.serviceIndex.get(id)!]!;
const cares = (c: Catalogue) => c.diseases.flatMap((d) => [...(d.outpatient ? [{ d, kind: 'outpatient' as const, care: d.outpatient }] : []), ...(d.inpatient ? [{ d, kind: 'inpatient' as const, care: d.inpatient }] : [])]);
const allDx = (c: Catalogue) => c.diseases.flatMap((d) => [...(d.outpatient?.dx ?? []), ...(d.inpatient?.dx ?? []), ...(d.inpatient?.secondary.map((s) => s.code) ?? [])]);
const allProcedures = (c: Catalogue) => c.diseases.flatMap((d) => d.inpatient?.procedures.flatMap((p) => p.codes) ?? []);
const MIX_CATEGORIES = ['examination', 'laboratory', 'treatment', 'surgery', 'materials', 'other'] as const satisfies readonly FeeCategory[];

describe('the shipped catalogue', () => {
  test('loads and validates, with about fifty diseases, eighty drugs and the services the generator charges by rule', () => {
    expect(catalogue.diseases.length).toBeGreaterThanOrEqual(45);
    expect(catalogue.drugs.length).toBeGreaterThanOrEqual(80);
    expect(catalogue.services.length).toBeGreaterThanOrEqual(40);
    for (const id of Object.values(RULE_SERVICES)) expect(catalogue.serviceIndex.has(id), id).toBe(true);
  });

  test('offers the rule services at the levels where the generator charges them', () => {
    const at = (id: string, levels: readonly CareLevel[]) => CARE_LEVELS.filter((l) => service(id).price[l] !== undefined).sort().join() === [...levels].sort().join();
    for (const id of [RULE_SERVICES.bedDay, RULE_SERVICES.nursingDay, RULE_SERVICES.inpatientConsultation]) expect(at(id, INPATIENT_LEVELS), id).toBe(true);
    expect(at(RULE_SERVICES.outpatientConsultation, ['county', 'out_of_county'])).toBe(true);
    expect(at(RULE_SERVICES.registration, ['county', 'out_of_county'])).toBe(true);
    expect(at(RULE_SERVICES.generalDiagnosis, ['village', 'township'])).toBe(true);
    expect(service(RULE_SERVICES.generalDiagnosis).price.township).toBe(1000);
  });

  test('gives the bed-day price by level for the supervision of bed days billed beyond the stay, higher at each higher level', () => {
    const p = bedDayPriceFen(catalogue);
    expect(p).toEqual(service(RULE_SERVICES.bedDay).price);
    expect(p.village).toBeUndefined();
    expect(p.township! < p.county! && p.county! < p.out_of_county!).toBe(true);
  });

  test.runIf(hasOfficial)('uses only diagnosis codes of the national ICD-10 医保版 table', () => {
    const dx = table('diagnoses.json');
    expect(allDx(catalogue).filter((c) => !(c in dx))).toEqual([]);
  });

  test.runIf(hasOfficial)('uses only procedure codes of the national ICD-9-CM-3 医保版 table', () => {
    const px = table('procedures.json');
    expect(allProcedures(catalogue).filter((c) => !(c in px))).toEqual([]);
  });

  test.runIf(hasOfficial)('gives every surgical disease an operating-room procedure as the principal procedure of each set', () => {
    const or = new Set(JSON.parse(readFileSync(path.join(OFFICIAL, 'or-procedures.json'), 'utf8')) as string[]);
    const notOr = catalogue.diseases.flatMap((d) => (d.inpatient?.surgical ? d.inpatient.procedures.map((p) => p.codes[0]!).filter((c) => !or.has(c)).map((c) => `${d.id}: ${c}`) : []));
    expect(notOr).toEqual([]);
  });

  test('gives every chronic condition a disease for follow-up visits', () => {
    for (const c of ['hypertension', 'diabetes', 'copd', 'chd', 'stroke']) {
      expect(catalogue.diseases.some((d) => d.chronic === c && d.outpatient), c).toBe(true);
    }
  });

  test('keeps newborn diseases to age 0 and births to women aged 15–49', () => {
    for (const d of catalogue.diseases.filter((x) => x.neonatal)) expect(d.population.ageMax, d.id).toBe(0);
    for (const id of ['vaginal_delivery', 'caesarean_delivery']) {
      const d = catalogue.diseases[catalogue.diseaseIndex.get(id)!]!;
      expect(d.population, id).toEqual({ sexes: [2], ageMin: 15, ageMax: 49 });
    }
  });

  // A winner's price before procurement is not in drugs.yaml: its batch's reported cut gives it
  // (catalogue/vbp-batches.yaml, tested in src/procurement). Nor are manufacturers: none is invented.
  test('names the batch of every VBP winner, leaves prices before procurement to the batches and manufacturers to a deployment, next to non-winning products of some winning molecules', () => {
    const winners = catalogue.drugs.filter((d) => d.vbp);
    expect(winners.length).toBeGreaterThan(10);
    for (const d of winners) {
      expect(d.preVbpPriceFen, d.id).toBeUndefined();
      expect(d.vbpBatch, d.id).toMatch(/^国家第[一二三四五六七八九十]+批|联盟/);
    }
    for (const d of catalogue.drugs) expect(d.manufacturer, d.id).toBeUndefined();
    const others = catalogue.drugs.filter((d) => !d.vbp);
    for (const d of others) expect([d.preVbpPriceFen, d.vbpBatch], d.id).toEqual([undefined, undefined]);
    expect(others.filter((d) => winners.some((w) => d.id.startsWith(`${w.id}_`))).length).toBeGreaterThanOrEqual(3);
  });

  test('prices every service higher at each higher level where it is offered', () => {
    for (const s of catalogue.services) {
      const prices = CARE_LEVELS.map((l) => s.price[l]).filter((p) => p !== undefined);
      expect(prices.length, s.id).toBeGreaterThan(0);
      for (let i = 1; i < prices.length; i++) expect(prices[i]!, s.id).toBeGreaterThan(prices[i - 1]!);
    }
  });

  // An item a disease lists but a level does not offer is skipped there by the generator (it charges
  // only items with a price at the level); the catalogue only guarantees that no item is dead.
  test('offers every service a disease lists at one or more levels of the care that lists it', () => {
    const dead = cares(catalogue).flatMap(({ d, kind, care }) => care.services.filter((s) => !care.levels.some((l) => service(s).price[l] !== undefined)).map((s) => `${d.id}.${kind}: ${s}`));
    expect(dead).toEqual([]);
  });

  test('offers the service of every procedure set at every level of the inpatient care, and charges it as surgery or treatment', () => {
    for (const d of catalogue.diseases) {
      for (const set of d.inpatient?.procedures ?? []) {
        if (!set.service) continue;
        const s = service(set.service);
        expect(['surgery', 'treatment'], `${d.id}: ${set.service}`).toContain(s.category);
        expect(d.inpatient!.levels.filter((l) => s.price[l] === undefined), `${d.id}: ${set.service}`).toEqual([]);
      }
    }
  });

  // Each fee category with a share in a cost mix needs an item of that category the disease lists and
  // the level offers; otherwise the generator falls back on an unrelated item of the category. Village
  // clinics do no imaging and few tests, so examination and laboratory shares may lack one there.
  test('lists, for each fee category of a cost mix, an item offered at each level of the care (village examinations and tests excepted)', () => {
    const missing: string[] = [];
    for (const { d, kind, care } of cares(catalogue)) {
      const own = [...care.services, ...(kind === 'inpatient' ? d.inpatient!.procedures.flatMap((p) => (p.service ? [p.service] : [])) : [])];
      for (const level of care.levels) {
        for (const category of MIX_CATEGORIES) {
          if (!(care.mix[category] > 0)) continue;
          if (own.some((s) => service(s).category === category && service(s).price[level] !== undefined)) continue;
          if (level === 'village' && (category === 'examination' || category === 'laboratory')) continue;
          missing.push(`${d.id}.${kind} ${level} ${category}`);
        }
      }
    }
    expect(missing).toEqual([]);
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
        outpatient: { weight: 1, levels: ['village'], dx: ['J11.100'], drugs: ['pill'], services: [] as string[], cost: { village: 30 } as Record<string, number>, mix: { drugs: 0.5, examination: 0, laboratory: 0.5, treatment: 0 } },
        inpatient: {
          weight: 1,
          levels: ['township'],
          dx: ['J11.100'],
          procedures: [] as Array<{ codes: string[]; p: number; service?: string }>,
          surgical: false,
          dept: '呼吸内科',
          los: { township: 5 } as Record<string, number>,
          drugs: ['pill'],
          cost: { township: 2000 },
          mix: { drugs: 0.5, examination: 0, laboratory: 0.5, treatment: 0 },
        },
      },
    ],
    drugs: [{ id: 'pill', generic: { zh: '药', en: 'Pill' }, form: '片剂', spec: '1', unit: '盒', priceFen: 100, class: 'A', category: 'western_drug' } as Record<string, unknown>],
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
  const flu = (r: ReturnType<typeof minimal>) => r.diseases[0]!;

  test('accepts the minimal catalogue', () => {
    expect(problems(() => {})).toEqual([]);
  });
  test('an unknown drug', () => {
    expect(problems((r) => (flu(r).outpatient.drugs = ['nope']))).toEqual(['cat/diseases.yaml: flu: outpatient.drugs: unknown drug nope']);
  });
  test('an unknown service', () => {
    expect(problems((r) => (flu(r).outpatient.services = ['nope']))).toEqual(['cat/diseases.yaml: flu: outpatient.services: unknown service nope']);
  });
  test('an unknown service for a procedure set', () => {
    expect(problems((r) => (flu(r).inpatient.procedures = [{ codes: ['47.0100'], p: 1, service: 'nope' }]))).toEqual(['cat/diseases.yaml: flu: inpatient.procedures: unknown service nope']);
  });
  test('a cost mix that does not sum to one', () => {
    expect(problems((r) => (flu(r).outpatient.mix.drugs = 0.9))).toEqual(['cat/diseases.yaml: flu: outpatient.mix sums to 1.4000, not 1']);
  });
  test('a level without its cost', () => {
    expect(problems((r) => (flu(r).outpatient.levels = ['village', 'county']))).toEqual(['cat/diseases.yaml: flu: outpatient.cost has no county figure though county is in levels']);
  });
  test('a level without its length of stay', () => {
    expect(problems((r) => (flu(r).inpatient.los = {}))).toEqual(['cat/diseases.yaml: flu: inpatient.los has no township figure']);
  });
  test('a duplicate id', () => {
    expect(problems((r) => r.drugs.push({ ...r.drugs[0]! }))).toEqual(['cat/drugs.yaml: pill: duplicate id']);
  });
  test('a diagnosis code that is not a code', () => {
    expect(problems((r) => (flu(r).outpatient.dx = ['flu']))[0]).toMatch(/^cat\/diseases\.yaml: flu: outpatient\.dx\.0: an ICD-10 医保版 code/);
  });
  test('a procedure code that is not a code', () => {
    expect(problems((r) => (flu(r).inpatient.procedures = [{ codes: ['4701'], p: 1 }]))[0]).toMatch(/^cat\/diseases\.yaml: flu: inpatient\.procedures\.0\.codes\.0: an ICD-9-CM-3 医保版 code/);
  });
  test('a surgical disease without procedures', () => {
    expect(problems((r) => (flu(r).inpatient.surgical = true))).toEqual(['cat/diseases.yaml: flu: a surgical disease needs procedures']);
  });
  test('a VBP winner without its batch, or a price before procurement on a drug that did not win', () => {
    expect(problems((r) => Object.assign(r.drugs[0]!, { vbp: true, vbpBatch: '国家第一批' }))).toEqual([]);
    expect(problems((r) => Object.assign(r.drugs[0]!, { vbp: true }))).toEqual(['cat/drugs.yaml: pill: a VBP winner needs vbpBatch (the batch whose reported cut gives its price before procurement)']);
    expect(problems((r) => Object.assign(r.drugs[0]!, { preVbpPriceFen: 300 }))).toEqual(['cat/drugs.yaml: pill: preVbpPriceFen is given but the drug is not a VBP winner (vbp: true)']);
  });
  test('a manufacturer that is not one name', () => {
    expect(problems((r) => Object.assign(r.drugs[0]!, { manufacturer: '乙制药股份有限公司' }))).toEqual([]);
    expect(problems((r) => Object.assign(r.drugs[0]!, { manufacturer: '  ' }))[0]).toMatch(/^cat\/drugs\.yaml: pill: manufacturer: /);
    expect(problems((r) => Object.assign(r.drugs[0]!, { manufacturer: { zh: '乙', en: 'B' } }))[0]).toMatch(/^cat\/drugs\.yaml: pill: manufacturer: /);
  });
  test('a missing rule service', () => {
    expect(problems((r) => (r.services = r.services.filter((s) => s.id !== 'bed_day')))).toEqual(['cat/services.yaml: the generator needs service bed_day']);
  });
});
