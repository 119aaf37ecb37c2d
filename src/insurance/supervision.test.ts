import { fileURLToPath } from 'node:url';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadParamTree, type ParamTree } from '../rules/params.js';
import { daysFromCivil } from '../rules/period.js';
import type { FEE_CATEGORIES } from '../rules/fees.js';
import { Grouper } from '../grouper/grouper.js';
import { DEMO_SCHEME_DIR, loadScheme } from '../grouper/scheme.js';
import { bedDayPriceFen, loadCatalogue, SHIPPED_CATALOGUE_DIR } from '../simulation/catalogue.js';
import { generate } from '../simulation/generate.js';
import type { Injected, InjectionPattern } from '../simulation/inject.js';
const SHIPPED_PARAMS_DIR = fileURLToPath(new URL('../../params/', import.meta.url));
import { allocateColumns, FEE, N_FEE_CATEGORIES, type EncounterColumns, type InstitutionInfo } from './columns.js';
import { loadSupervisionRules, runSupervision, SupervisionRuleError, type Finding, type SupervisionRule } from './supervision.js';

let params: ParamTree;
let rules: SupervisionRule[];
beforeAll(async () => {
  params = await loadParamTree(SHIPPED_PARAMS_DIR);
  rules = loadSupervisionRules();
});

const day = (s: string) => daysFromCivil(+s.slice(0, 4), +s.slice(5, 7), +s.slice(8, 10));
const INSTITUTIONS: InstitutionInfo[] = [
  { id: 'H1', careLevel: 'county', grade: 'secondary', inCounty: true, kind: 'county_general' },
  { id: 'T1', careLevel: 'township', grade: 'primary', inCounty: true, kind: 'township_centre' },
];

interface Row {
  id: number;
  person: number;
  inst?: number;
  type: 'outpatient' | 'inpatient';
  disease?: number;
  start: string;
  end?: string;
  total: number;
  fees?: Partial<Record<(typeof FEE_CATEGORIES)[number], number>>;
}

/** Hand-made columns: each row's total goes to `other` unless fees are given. */
function columns(rows: Row[]): EncounterColumns {
  const E = allocateColumns(rows.length);
  E.institutions = INSTITUTIONS;
  E.diseases = ['d0', 'd1'];
  E.dxCodes = ['X00'];
  rows.forEach((r, i) => {
    E.id[i] = r.id;
    E.person[i] = r.person;
    E.institution[i] = r.inst ?? 0;
    E.type[i] = r.type === 'inpatient' ? 2 : 0;
    E.disease[i] = r.disease ?? 0;
    E.start[i] = day(r.start);
    E.end[i] = day(r.end ?? r.start);
    E.los[i] = day(r.end ?? r.start) - day(r.start);
    E.total[i] = r.total;
    const fees = r.fees ?? { other: r.total };
    for (const [k, v] of Object.entries(fees)) E.fees[i * N_FEE_CATEGORIES + FEE[k as keyof typeof FEE]] = v;
  });
  E.length = rows.length;
  return E;
}

const run = (E: EncounterColumns, opts: { deaths?: Map<number, number>; drg?: string[] } = {}) =>
  runSupervision({ encounters: E, deathDay: opts.deaths ?? new Map(), drg: opts.drg ?? [], bedDayPriceFen: { county: 5_000, township: 3_000 } }, rules, params, 'demo', 2025).findings;
const ids = (fs: Finding[], rule: string) => fs.filter((f) => f.ruleId === rule).map((f) => f.encounterIds.at(-1));

describe('the supervision rules, row by row', () => {
  test('A readmission for the same disease 10 days after discharge is flagged as 分解住院, with both stays as evidence', () => {
    const f = run(
      columns([
        { id: 1, person: 7, type: 'inpatient', start: '2025-03-01', end: '2025-03-08', total: 500_000 },
        { id: 2, person: 7, type: 'inpatient', start: '2025-03-18', end: '2025-03-22', total: 300_000 },
        { id: 3, person: 7, type: 'inpatient', start: '2025-06-01', end: '2025-06-05', total: 300_000 }, // 71 days later
        { id: 4, person: 7, type: 'inpatient', disease: 1, start: '2025-06-08', end: '2025-06-10', total: 100_000 }, // other disease
      ]),
    ).filter((x) => x.ruleId === 'split_admission');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ encounterIds: [1, 2], amountFen: 300_000, firstDate: '2025-03-01', lastDate: '2025-03-22', institutionId: 'H1', personId: 7 });
    expect(f[0]!.detail.figures).toEqual({ gapDays: 10 });
  });

  test('A two-day stay charged 70% for examinations and tests, without surgery, is flagged as 低标准入院', () => {
    const f = run(
      columns([
        { id: 1, person: 1, type: 'inpatient', start: '2025-03-01', end: '2025-03-03', total: 100_000, fees: { examination: 40_000, laboratory: 30_000, bed: 30_000 } },
        { id: 2, person: 2, type: 'inpatient', start: '2025-03-01', end: '2025-03-03', total: 100_000, fees: { examination: 40_000, laboratory: 30_000, surgery: 30_000 } },
        { id: 3, person: 3, type: 'inpatient', start: '2025-03-01', end: '2025-03-06', total: 100_000, fees: { examination: 70_000, bed: 30_000 } },
      ]),
    );
    expect(ids(f, 'low_standard_admission')).toEqual([1]);
  });

  test('A second claim identical in every fee on the same day is flagged as 重复收费; a different amount is not', () => {
    const f = run(
      columns([
        { id: 1, person: 1, type: 'outpatient', start: '2025-04-02', total: 8_000 },
        { id: 5, person: 1, type: 'outpatient', start: '2025-04-02', total: 8_000 },
        { id: 6, person: 1, type: 'outpatient', start: '2025-04-02', total: 8_100 },
      ]),
    ).filter((x) => x.ruleId === 'duplicate_claim');
    expect(f.map((x) => x.encounterIds)).toEqual([[1, 5]]);
    expect(f[0]!.amountFen).toBe(8_000);
  });

  test('A claim billed three times is flagged twice against the first; the same amount at another institution or with other fees is not a duplicate', () => {
    const f = run(
      columns([
        { id: 3, person: 1, type: 'outpatient', start: '2025-04-02', total: 8_000 },
        { id: 1, person: 1, type: 'outpatient', start: '2025-04-02', total: 8_000 },
        { id: 2, person: 1, type: 'outpatient', inst: 1, start: '2025-04-02', total: 8_000 },
        { id: 4, person: 1, type: 'outpatient', start: '2025-04-02', total: 8_000, fees: { western_drug: 8_000 } },
        { id: 9, person: 1, type: 'outpatient', start: '2025-04-02', total: 8_000 },
        { id: 7, person: 2, type: 'outpatient', start: '2025-04-02', total: 8_000 },
      ]),
    ).filter((x) => x.ruleId === 'duplicate_claim');
    expect(f.map((x) => x.encounterIds)).toEqual([
      [1, 3],
      [3, 9],
    ]);
  });

  test('Bed charges for more days than the stay are flagged with the excess as the amount', () => {
    // 4-day stay at the county level: 4 × ¥50 allowed; ¥300 billed → ¥100 over.
    const f = run(
      columns([
        { id: 1, person: 1, type: 'inpatient', start: '2025-05-01', end: '2025-05-05', total: 50_000, fees: { bed: 30_000, treatment: 20_000 } },
        { id: 2, person: 2, type: 'inpatient', start: '2025-05-01', end: '2025-05-05', total: 40_000, fees: { bed: 20_000, treatment: 20_000 } },
      ]),
    );
    expect(f.filter((x) => x.ruleId === 'over_limit_bed_days').map((x) => [x.encounterIds[0], x.amountFen])).toEqual([[1, 10_000]]);
  });

  test('An encounter dated after death is flagged with its amount', () => {
    const f = run(
      columns([
        { id: 1, person: 9, type: 'outpatient', start: '2025-07-01', total: 5_000 },
        { id: 2, person: 9, type: 'outpatient', start: '2025-07-12', total: 6_000 },
      ]),
      { deaths: new Map([[9, day('2025-07-10')]]) },
    ).filter((x) => x.ruleId === 'charge_after_death');
    expect(f.map((x) => [x.encounterIds[0], x.amountFen])).toEqual([[2, 6_000]]);
  });

  test('An outpatient claim at the same institution strictly inside an inpatient stay is flagged; one on the discharge day is not', () => {
    const f = run(
      columns([
        { id: 1, person: 4, type: 'inpatient', start: '2025-08-01', end: '2025-08-06', total: 200_000 },
        { id: 2, person: 4, type: 'outpatient', start: '2025-08-03', total: 3_000 },
        { id: 3, person: 4, type: 'outpatient', start: '2025-08-06', total: 3_000 },
        { id: 4, person: 4, type: 'outpatient', inst: 1, start: '2025-08-04', total: 3_000 },
      ]),
    );
    expect(ids(f, 'charge_outside_stay')).toEqual([2]);
  });

  test('An institution whose CC/MCC share is twice its peers is flagged as 高套, with its CC/MCC cases as evidence', () => {
    const insts: InstitutionInfo[] = Array.from({ length: 4 }, (_, i) => ({ id: `T${i}`, careLevel: 'township', grade: 'primary', inCounty: true, kind: 'township_centre' }));
    const rows: Row[] = [];
    const drg: string[] = [];
    let id = 0;
    insts.forEach((_, i) => {
      for (let k = 0; k < 40; k++) {
        rows.push({ id: ++id, person: id, inst: i, type: 'inpatient', start: '2025-02-01', end: '2025-02-05', total: 100_000 });
        drg.push(k < (i === 0 ? 24 : 10) ? 'ES13' : 'ES15'); // T0 60%, peers 25%
      }
    });
    const E = columns(rows);
    E.institutions = insts;
    const f = run(E, { drg }).filter((x) => x.ruleId === 'upcoding');
    expect(f.map((x) => x.institutionId)).toEqual(['T0']);
    expect(f[0]!.encounterIds).toHaveLength(24);
    // excess = (0.6 − 0.25) × 40 = 14 cases × ¥1,000 average
    expect(f[0]!.amountFen).toBe(1_400_000);
  });

  test('refuses a malformed rule, naming the file, the rule and the field', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sanyi-rules-'));
    try {
      const file = path.join(dir, 'rules.yaml');
      writeFileSync(file, 'rules:\n  - id: dup\n    detector: duplicate_claim\n    label: { zh: 重复, en: Dup }\n    description: { zh: 重复, en: Dup }\n    severity: urgent\n');
      expect(() => loadSupervisionRules(file)).toThrow(new SupervisionRuleError(`${file}: rule dup (entry 1), field severity: Invalid option: expected one of "low"|"medium"|"high"`));
      writeFileSync(file, 'rules:\n  - id: re\n    detector: readmission\n    label: { zh: 再, en: Re }\n    description: { zh: 再, en: Re }\n    severity: high\n');
      expect(() => loadSupervisionRules(file)).toThrow(/rule re \(entry 1\), field params\.days: the readmission detector needs it/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Precision and recall on a generated county with every pattern planted at a known rate.

const RATES: Partial<Record<InjectionPattern, number>> = {
  duplicate_claim: 0.002,
  after_death: 0.3,
  outside_stay: 0.05,
  split_admission: 0.03,
  low_standard_admission: 0.005,
  over_limit: 0.03,
  upcoding: 0.4,
};
const RULE_OF: Record<InjectionPattern, string> = {
  duplicate_claim: 'duplicate_claim',
  after_death: 'charge_after_death',
  outside_stay: 'charge_outside_stay',
  split_admission: 'split_admission',
  low_standard_admission: 'low_standard_admission',
  over_limit: 'over_limit_bed_days',
  upcoding: 'upcoding',
};
/**
 * What each rule must reach on this county; measured with seed 'supervision', 150,000 persons
 * (recall / precision): duplicate 1.000 / 0.995, after death 1.000 / 0.996, outside stay
 * 1.000 / 0.972, split admission 0.999 / 0.933, low standard 1.000 / 1.000, over limit 1.000 /
 * 1.000, upcoding 1 / 1 (one planted institution). Precision counts every natural case the rule
 * also flags against it: natural split admissions are genuine readmissions within 15 days for the
 * same disease; the natural outside-stay cases are the few the generator still dates inside a stay.
 */
const FLOOR: Record<InjectionPattern, { recall: number; precision: number }> = {
  duplicate_claim: { recall: 0.99, precision: 0.98 },
  after_death: { recall: 0.99, precision: 0.98 },
  outside_stay: { recall: 0.99, precision: 0.95 },
  split_admission: { recall: 0.98, precision: 0.9 },
  low_standard_admission: { recall: 0.98, precision: 0.98 },
  over_limit: { recall: 0.99, precision: 0.99 },
  upcoding: { recall: 1, precision: 1 },
};

describe('the supervision rules on a county with planted patterns', () => {
  let injected: Injected[];
  let findings: Finding[];
  let instIds: string[];
  beforeAll(async () => {
    const catalogue = await loadCatalogue(SHIPPED_CATALOGUE_DIR);
    const scheme = await loadScheme(DEMO_SCHEME_DIR);
    const grouper = new Grouper(scheme);
    const upcodingCodes = [...scheme.mcc.keys()].filter((c) => scheme.diagnoses?.has(c) ?? true).slice(0, 8);
    expect(upcodingCodes.length).toBeGreaterThan(0);
    // Collect the generated rows in memory.
    const rows: number[][] = [];
    const feeRows: Float64Array[] = [];
    const drgOf = new Map<number, string>();
    let deaths = new Map<number, number>();
    let institutions: InstitutionInfo[] = [];
    const fromSink: Injected[] = [];
    const result = await generate(
      { params, catalogue, population: 150_000, startYear: 2025, years: 1, seed: 'supervision', inject: { rates: RATES, upcodingCodes } },
      {
        county: (c) => {
          institutions = c.institutions.map((i) => ({ id: i.id, careLevel: i.careLevel, grade: i.grade, inCounty: i.inCounty, kind: i.kind, townshipId: i.townshipId }));
        },
        chunk: (chunk, ctx) => {
          fromSink.push(...ctx.injected);
          const e = chunk.encounters;
          for (let r = 0; r < e.length; r++) {
            rows.push([e.id[r]!, e.person[r]!, e.institution[r]!, e.type[r]!, e.disease[r]!, e.start[r]!, e.end[r]!, e.los[r]!, e.severity[r]!, e.total[r]!]);
            feeRows.push(e.fees.slice(r * N_FEE_CATEGORIES, (r + 1) * N_FEE_CATEGORIES));
          }
          for (const c of chunk.inpatientCases) {
            const g = grouper.group({ sex: String(c.sex), age: String(c.age), ageDays: c.ageDays === null ? '' : String(c.ageDays), birthWeight: c.birthWeight === null ? '' : String(c.birthWeight), los: String(c.los), dept: c.dept, disposition: String(c.disposition), dx: c.diagnoses.split('|'), px: c.procedures ? c.procedures.split('|') : [] });
            if (g.status === 'grouped') drgOf.set(c.caseId, g.drg);
          }
        },
        population: (pop) => {
          deaths = new Map();
          for (let i = 0; i < pop.n; i++) if (pop.exitReason[i] === 1) deaths.set(i, pop.exit[i]!);
        },
      },
    );
    injected = result.injected;
    expect(fromSink).toEqual(injected); // the sink sees each chunk's planted records as they are made
    // Order by person, then discharge date and id, as the settlement reads them.
    const order = rows.map((_, i) => i).sort((a, b) => rows[a]![1]! - rows[b]![1]! || rows[a]![6]! - rows[b]![6]! || rows[a]![0]! - rows[b]![0]!);
    const E = allocateColumns(rows.length);
    E.institutions = institutions;
    instIds = institutions.map((i) => i.id);
    const drg: string[] = [];
    order.forEach((i, r) => {
      const x = rows[i]!;
      [E.id[r], E.person[r], E.institution[r], E.type[r], E.disease[r], E.start[r], E.end[r], E.los[r], E.severity[r], E.total[r]] = x as [number, number, number, number, number, number, number, number, number, number];
      E.fees.set(feeRows[i]!, r * N_FEE_CATEGORIES);
      drg.push(drgOf.get(x[0]!) ?? '');
    });
    E.length = rows.length;
    findings = runSupervision(
      { encounters: E, deathDay: deaths, drg, bedDayPriceFen: bedDayPriceFen(catalogue) },
      rules,
      params,
      'demo',
      2025,
    ).findings;
  }, 120_000);

  test.each(Object.keys(RATES) as InjectionPattern[])('finds what was planted as %s, with the stated precision and recall', (pattern) => {
    const planted = injected.filter((x) => x.pattern === pattern);
    expect(planted.length, `${pattern} planted`).toBeGreaterThan(pattern === 'upcoding' ? 20 : 5);
    const found = findings.filter((f) => f.ruleId === RULE_OF[pattern]);
    let tp: number;
    let flagged: number;
    let truth: number;
    if (pattern === 'upcoding') {
      const target = new Set(planted.map((p) => instIds[p.institution]));
      truth = target.size;
      flagged = found.length;
      tp = found.filter((f) => target.has(f.institutionId!)).length;
    } else {
      const target = new Set(planted.map((p) => p.encounterId));
      truth = target.size;
      const flaggedIds = new Set(found.map((f) => f.encounterIds.at(-1)!));
      flagged = flaggedIds.size;
      tp = [...flaggedIds].filter((id) => target.has(id)).length;
    }
    const recall = tp / truth;
    const precision = flagged ? tp / flagged : 0;
    console.log(`${pattern}: planted ${truth}, flagged ${flagged}, recall ${recall.toFixed(3)}, precision ${precision.toFixed(3)}`);
    expect(recall).toBeGreaterThanOrEqual(FLOOR[pattern].recall);
    expect(precision).toBeGreaterThanOrEqual(FLOOR[pattern].precision);
  });
});
