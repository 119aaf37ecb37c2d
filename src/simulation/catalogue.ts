/**
 * The disease, drug and service catalogue of the synthetic county (病种、药品与医疗服务项目目录).
 *
 * Written for this project: common diseases of a Chinese county with real ICD-10 医保版 diagnosis codes
 * and ICD-9-CM-3 医保版 procedure codes (facts, not copied tables), their typical procedures, length of
 * stay and cost profile by facility level; the drugs and service items the generator itemises charges
 * into. The data live in `catalogue/*.yaml` at the project root; this module validates and indexes them.
 *
 * Levels: village (村卫生室), township (乡镇卫生院), county (县级医院: general, TCM, MCH),
 * out_of_county (市级/省级医院). Costs in the catalogue are yuan per encounter (a profile, calibrated
 * later by dated parameters); prices of drugs and services are integer fen.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { ParamTree, Resolved } from '../rules/params.js';
import type { IsoDate } from '../rules/period.js';

export const CARE_LEVELS = ['village', 'township', 'county', 'out_of_county'] as const;
export type CareLevel = (typeof CARE_LEVELS)[number];
export const INPATIENT_LEVELS = ['township', 'county', 'out_of_county'] as const;

export { FEE_CATEGORIES, FEE_CATEGORY_LABELS, type FeeCategory } from '../rules/fees.js';
import { FEE_CATEGORIES } from '../rules/fees.js';

/** Chronic conditions a person can carry; each drives follow-up visits to the disease marked with it. */
export const CHRONIC_CONDITIONS = ['hypertension', 'diabetes', 'copd', 'chd', 'stroke'] as const;
export type ChronicCondition = (typeof CHRONIC_CONDITIONS)[number];

const bilingual = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });
const dxCode = z.string().regex(/^[A-Z]\d{2}(\.[0-9A-Za-z]{1,3}(x\d{3})?)?(\+[A-Z]\d{2}(\.[0-9A-Za-z]+)?\*)?$/, 'an ICD-10 医保版 code such as I10.x00x002');
const procCode = z.string().regex(/^\d{2}\.[0-9x]{2,4}(x\d{3})?$/, 'an ICD-9-CM-3 医保版 code such as 47.0100 or 74.1x01');
const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _');
const share = z.number().min(0).max(1);
const positive = z.number().positive();

/** Mean cost in yuan per encounter at each level where the care can happen. */
const costByLevel = z.strictObject({
  village: positive.optional(),
  township: positive.optional(),
  county: positive.optional(),
  out_of_county: positive.optional(),
});

/** Shares of the variable part of the charges (what is not bed, nursing and daily consultation). */
const costMix = z.strictObject({
  drugs: share,
  examination: share,
  laboratory: share,
  treatment: share,
  surgery: share.default(0),
  materials: share.default(0),
  other: share.default(0),
});

const weightedCode = z.strictObject({ code: dxCode, p: share });
const procedureSet = z.strictObject({
  /** Codes recorded together; the first is the principal procedure (主要手术及操作). */
  codes: z.array(procCode).min(1),
  /** Probability that a case receives this set (sets are tried in order; the first hit wins). */
  p: share,
  /** Service item (fee category surgery or treatment) that charges for the set. */
  service: id.optional(),
});

const outpatientCare = z.strictObject({
  /** Relative frequency among the outpatient visits of eligible persons. */
  weight: z.number().nonnegative(),
  levels: z.array(z.enum(CARE_LEVELS)).min(1),
  dx: z.array(dxCode).min(1),
  /** Drug ids prescribed (1–3 drawn per visit). */
  drugs: z.array(id).default([]),
  /** Service ids used (examination, laboratory, treatment items). */
  services: z.array(id).default([]),
  cost: costByLevel,
  mix: costMix,
});

const inpatientCare = z.strictObject({
  weight: z.number().nonnegative(),
  levels: z.array(z.enum(INPATIENT_LEVELS)).min(1),
  dx: z.array(dxCode).min(1),
  /** Typical secondary diagnoses, each present with probability p. */
  secondary: z.array(weightedCode).default([]),
  procedures: z.array(procedureSet).default([]),
  surgical: z.boolean().default(false),
  /** Department (科别) as written on the settlement list. */
  dept: z.string().min(1),
  /** Mean length of stay in days by level. */
  los: z.strictObject({ township: positive.optional(), county: positive.optional(), out_of_county: positive.optional() }),
  drugs: z.array(id).default([]),
  services: z.array(id).default([]),
  cost: costByLevel,
  mix: costMix,
});

const diseaseSchema = z.strictObject({
  id,
  name: bilingual,
  /** ICD-10 chapter letter range, for reports (e.g. 'I' circulatory). */
  chapter: z.string().min(1),
  /** A person with this chronic condition makes follow-up visits for this disease. */
  chronic: z.enum(CHRONIC_CONDITIONS).optional(),
  /** Who can have it: sexes (1 male, 2 female, settlement-list coding) and ages in whole years. */
  population: z.strictObject({
    sexes: z.array(z.union([z.literal(1), z.literal(2)])).min(1).default([1, 2]),
    ageMin: z.number().int().min(0).default(0),
    ageMax: z.number().int().min(0).default(120),
  }),
  /** A newborn case (MDC P): age 0 with age in days and birth weight. */
  neonatal: z.boolean().default(false),
  /** Severity mix [mild, moderate, severe]; shares sum to 1. */
  severity: z.tuple([share, share, share]),
  outpatient: outpatientCare.optional(),
  inpatient: inpatientCare.optional(),
});

const drugSchema = z.strictObject({
  id,
  generic: bilingual,
  /** Dosage form (剂型), e.g. 片剂. */
  form: z.string().min(1),
  /** Specification and pack (规格), e.g. 5mg×28片. */
  spec: z.string().min(1),
  /** Unit of sale (计价单位), e.g. 盒. */
  unit: z.string().min(1),
  /** Price per unit of sale in fen (the current price; a VBP winner at its selected price). */
  priceFen: z.number().int().positive(),
  /**
   * Price per unit before volume-based procurement, fen (VBP winners only). Optional: the price before
   * follows from the batch's reported cut (catalogue/vbp-batches.yaml, src/procurement/batches.ts);
   * when given it must equal that derived value, which the batches loader checks.
   */
  preVbpPriceFen: z.number().int().positive().optional(),
  /**
   * Manufacturer (生产企业) of the product: one string, the registered Chinese enterprise name as the
   * selection list or drug registration gives it. Optional; a purchase order of the drug naming another
   * manufacturer is refused (src/runs/import-orders.ts).
   */
  manufacturer: z.string().trim().min(1).optional(),
  class: z.enum(['A', 'B', 'C']),
  category: z.enum(['western_drug', 'patent_drug', 'herbal_drug']),
  vbp: z.boolean().default(false),
  /** VBP batch name when vbp, e.g. 国家第四批. */
  vbpBatch: z.string().optional(),
});

const serviceSchema = z.strictObject({
  id,
  /** Item code (医疗服务项目编码) of the national price-item specification, or a project code SY…. */
  code: z.string().min(1),
  name: bilingual,
  category: z.enum(FEE_CATEGORIES),
  /** Pricing unit (计价单位), e.g. 日, 次. */
  unit: z.string().min(1),
  /** Price per unit in fen by level (absent: not offered there). */
  price: z.strictObject({
    village: z.number().int().positive().optional(),
    township: z.number().int().positive().optional(),
    county: z.number().int().positive().optional(),
    out_of_county: z.number().int().positive().optional(),
  }),
  class: z.enum(['A', 'B', 'C']),
});

export type Disease = z.output<typeof diseaseSchema>;
export type OutpatientCare = z.output<typeof outpatientCare>;
export type InpatientCare = z.output<typeof inpatientCare>;
export type CostMix = z.output<typeof costMix>;
export type Drug = z.output<typeof drugSchema>;
export type Service = z.output<typeof serviceSchema>;

/** Service ids the generator charges by rule, whatever the disease (per day, per visit). */
export const RULE_SERVICES = {
  bedDay: 'bed_day', // 床位费 per inpatient day
  nursingDay: 'nursing_day', // 护理费 per inpatient day
  inpatientConsultation: 'inpatient_consultation', // 住院诊查费 per day
  outpatientConsultation: 'outpatient_consultation', // 门诊诊查费 per visit (county, out of county)
  generalDiagnosis: 'general_diagnosis', // 一般诊疗费 per visit (village, township)
  registration: 'registration', // 挂号费 per visit (county, out of county)
} as const;

/**
 * The bed-day price (床位费 per inpatient day) by care level, fen — the limit the supervision rule on
 * bed days billed beyond the stay compares with (src/insurance/supervision.ts, `bedDayPriceFen`).
 * A level where the bed day is not offered is absent.
 */
export function bedDayPriceFen(catalogue: Catalogue): Partial<Record<'village' | 'township' | 'county' | 'out_of_county', number>> {
  const svc = catalogue.services[catalogue.serviceIndex.get(RULE_SERVICES.bedDay) ?? -1];
  return svc ? { ...svc.price } : {};
}

/** Parameter paths of adopted service prices: `pricing.service.<serviceId>.<level>` (fen per unit). */
export const PRICE_PARAM_PREFIX = 'pricing.service.';

/**
 * The adopted service prices (医疗服务价格调整) in force on a date in a jurisdiction: each one a dated
 * parameter `pricing.service.<serviceId>.<level>` written when a price proposal is adopted
 * (src/pricing/adopt.ts). Items and levels without one keep their catalogue price.
 */
export function adoptedPrices(catalogue: Catalogue, tree: ParamTree, jurisdiction: string, date: IsoDate): Array<{ service: number; level: (typeof CARE_LEVELS)[number]; resolved: Resolved<number> }> {
  const out: Array<{ service: number; level: (typeof CARE_LEVELS)[number]; resolved: Resolved<number> }> = [];
  for (const p of tree.paths()) {
    if (!p.startsWith(PRICE_PARAM_PREFIX)) continue;
    const [id, level] = p.slice(PRICE_PARAM_PREFIX.length).split('.') as [string, string];
    const service = catalogue.serviceIndex.get(id);
    if (service === undefined || !(CARE_LEVELS as readonly string[]).includes(level) || catalogue.services[service]!.price[level as (typeof CARE_LEVELS)[number]] === undefined) {
      throw new CatalogueError([`parameter ${p}: the catalogue does not offer service ${id} at level ${level}, so it has no price to adjust`]);
    }
    const r = tree.tryResolve(p, date, jurisdiction);
    if (r && typeof r.value === 'number') out.push({ service, level: level as (typeof CARE_LEVELS)[number], resolved: r as Resolved<number> });
  }
  return out;
}

export interface Catalogue {
  readonly diseases: readonly Disease[];
  readonly drugs: readonly Drug[];
  readonly services: readonly Service[];
  readonly drugIndex: ReadonlyMap<string, number>;
  readonly serviceIndex: ReadonlyMap<string, number>;
  readonly diseaseIndex: ReadonlyMap<string, number>;
  /** sha256 of the catalogue files (or of the data given to buildCatalogue). */
  readonly version: string;
}

export class CatalogueError extends Error {
  constructor(readonly problems: string[]) {
    super(`the catalogue is invalid:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'CatalogueError';
  }
}

export const SHIPPED_CATALOGUE_DIR = fileURLToPath(new URL('../../catalogue/', import.meta.url));

const FILES = { diseases: diseaseSchema, drugs: drugSchema, services: serviceSchema } as const;

/** Reads `diseases.yaml`, `drugs.yaml` and `services.yaml` from a directory and validates them. */
export async function loadCatalogue(dir: string = SHIPPED_CATALOGUE_DIR): Promise<Catalogue> {
  const raw: Record<string, unknown> = {};
  const hash = createHash('sha256');
  for (const name of Object.keys(FILES)) {
    const file = path.join(dir, `${name}.yaml`);
    const text = await readFile(file, 'utf8').catch((e: unknown) => {
      throw new CatalogueError([`${file}: cannot read (${(e as Error).message})`]);
    });
    hash.update(`${name}\0${text}\0`);
    try {
      raw[name] = parseYaml(text) as unknown;
    } catch (e) {
      throw new CatalogueError([`${file}: not valid YAML (${(e as Error).message})`]);
    }
  }
  return buildCatalogue(raw, dir.replace(/[/\\]+$/, ''), hash.digest('hex'));
}

/** Validates parsed catalogue data: schemas, unique ids, references between the files, level rules. */
export function buildCatalogue(raw: Record<string, unknown>, where = 'catalogue', version?: string): Catalogue {
  const problems: string[] = [];
  const parsed: Record<string, unknown[]> = {};
  for (const [name, schema] of Object.entries(FILES)) {
    const list = raw[name];
    if (!Array.isArray(list)) {
      problems.push(`${where}/${name}.yaml: expected a list`);
      parsed[name] = [];
      continue;
    }
    parsed[name] = list.flatMap((item: unknown, i: number) => {
      const r = schema.safeParse(item);
      if (r.success) return [r.data];
      const itemId = typeof item === 'object' && item && 'id' in item ? String((item).id) : `#${i + 1}`;
      for (const issue of r.error.issues) problems.push(`${where}/${name}.yaml: ${itemId}: ${issue.path.join('.') || '(item)'}: ${issue.message}`);
      return [];
    });
  }
  const diseases = parsed.diseases as Disease[];
  const drugs = parsed.drugs as Drug[];
  const services = parsed.services as Service[];
  const index = <T extends { id: string }>(list: T[], file: string) => {
    const m = new Map<string, number>();
    list.forEach((x, i) => {
      if (m.has(x.id)) problems.push(`${where}/${file}.yaml: ${x.id}: duplicate id`);
      m.set(x.id, i);
    });
    return m;
  };
  const diseaseIndex = index(diseases, 'diseases');
  const drugIndex = index(drugs, 'drugs');
  const serviceIndex = index(services, 'services');

  for (const s of Object.values(RULE_SERVICES)) {
    if (!serviceIndex.has(s)) problems.push(`${where}/services.yaml: the generator needs service ${s}`);
  }
  for (const d of drugs) {
    // A winner's price before procurement comes from its batch (found by vbpBatch); only winners have one.
    if (d.vbp && d.vbpBatch === undefined) problems.push(`${where}/drugs.yaml: ${d.id}: a VBP winner needs vbpBatch (the batch whose reported cut gives its price before procurement)`);
    if (!d.vbp && d.preVbpPriceFen !== undefined) problems.push(`${where}/drugs.yaml: ${d.id}: preVbpPriceFen is given but the drug is not a VBP winner (vbp: true)`);
    if (!d.vbp && d.vbpBatch !== undefined) problems.push(`${where}/drugs.yaml: ${d.id}: vbpBatch is given but the drug is not a VBP winner (vbp: true)`);
  }
  for (const d of diseases) {
    const at = `${where}/diseases.yaml: ${d.id}`;
    const sev = d.severity[0] + d.severity[1] + d.severity[2];
    if (Math.abs(sev - 1) > 1e-9) problems.push(`${at}: severity shares sum to ${sev}, not 1`);
    if (d.population.ageMin > d.population.ageMax) problems.push(`${at}: population.ageMin is above ageMax`);
    if (!d.outpatient && !d.inpatient) problems.push(`${at}: needs outpatient or inpatient care`);
    for (const [kind, care] of [
      ['outpatient', d.outpatient],
      ['inpatient', d.inpatient],
    ] as const) {
      if (!care) continue;
      const m = care.mix;
      const sum = m.drugs + m.examination + m.laboratory + m.treatment + m.surgery + m.materials + m.other;
      if (Math.abs(sum - 1) > 1e-6) problems.push(`${at}: ${kind}.mix sums to ${sum.toFixed(4)}, not 1`);
      for (const level of care.levels) {
        if (care.cost[level] === undefined) problems.push(`${at}: ${kind}.cost has no ${level} figure though ${level} is in levels`);
      }
      for (const drug of care.drugs) if (!drugIndex.has(drug)) problems.push(`${at}: ${kind}.drugs: unknown drug ${drug}`);
      for (const s of care.services) if (!serviceIndex.has(s)) problems.push(`${at}: ${kind}.services: unknown service ${s}`);
      if (m.drugs > 0 && care.drugs.length === 0) problems.push(`${at}: ${kind}.mix has drugs but no drugs are listed`);
    }
    if (d.inpatient) {
      for (const level of d.inpatient.levels) {
        if (d.inpatient.los[level] === undefined) problems.push(`${at}: inpatient.los has no ${level} figure`);
      }
      for (const set of d.inpatient.procedures) {
        if (set.service && !serviceIndex.has(set.service)) problems.push(`${at}: inpatient.procedures: unknown service ${set.service}`);
      }
      if (d.inpatient.surgical && d.inpatient.procedures.length === 0) problems.push(`${at}: a surgical disease needs procedures`);
    }
  }
  if (problems.length > 0) throw new CatalogueError(problems);
  return {
    diseases,
    drugs,
    services,
    drugIndex,
    serviceIndex,
    diseaseIndex,
    version: version ?? createHash('sha256').update(JSON.stringify(raw)).digest('hex'),
  };
}
