/**
 * Volume-based procurement batches (带量采购批次) as data: national and alliance batches, their
 * selected products (中选产品, drugs of the catalogue or consumable service items), the number of
 * selected firms of each molecule, the non-selected products of the same molecule, and the agreement
 * period (协议期). The shipped file is `catalogue/vbp-batches.yaml`; a deployment gives its own.
 *
 * Volumes are compared in minimum units (最小制剂单位): `units` is how many of them one unit of sale
 * holds, so a box of 28 tablets and a box of 7 count on one scale.
 *
 * Prices before procurement come from the cut: each batch gives its reported average cut
 * (`reportedCut`), a product its own published cut (`cut`) when one is known, and
 *   pre = price / (1 − cut), half-up to the fen      (cut at most 4 decimals, so the division is exact)
 * for drugs from the catalogue's selected price, for consumables from the service price at each level
 * (src/procurement/procurement.ts). A drug that states `preVbpPriceFen` in drugs.yaml must state
 * exactly this value.
 *
 * Firms: a product may list its selected firms (`firms`, 中选企业, as many as `winners`); a drug's
 * `manufacturer` in the catalogue must then be one of them. Both are carried into the result rows.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { mulDiv } from '../rules/money.js';
import { isIsoDate, type IsoDate } from '../rules/period.js';
import type { Catalogue } from '../simulation/catalogue.js';

export const VBP_BATCHES_FILE = 'vbp-batches.yaml';

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _');
const date = z.string().refine(isIsoDate, 'a date YYYY-MM-DD');
const units = z.number().int().positive();
/** Cuts are given to 4 decimals at most: 1 − cut = (10,000 − cut × 10,000) / 10,000 exactly. */
const CUT_SCALE = 10_000;
/** A price cut as a fraction, 0 < cut < 1, with at most 4 decimals (so 1 − cut is an exact 1/10,000). */
const cut = z
  .number()
  .gt(0)
  .lt(1)
  .refine((x) => Math.abs(x * CUT_SCALE - Math.round(x * CUT_SCALE)) < 1e-9, 'a fraction with at most 4 decimals');
/** Selected firms (中选企业) as the published selection list names them. */
const firms = z.array(z.string().trim().min(1)).default([]);

const productSchema = z.strictObject({
  drug: id,
  units,
  winners: z.number().int().positive(),
  /** The product's own published cut, in place of the batch's reportedCut (only when published). */
  cut: cut.optional(),
  firms,
  alternatives: z.array(z.strictObject({ drug: id, units })).default([]),
});
const consumableSchema = z.strictObject({
  service: id,
  units,
  winners: z.number().int().positive(),
  /** The product's own published cut, in place of the batch's reportedCut (only when published). */
  cut: cut.optional(),
  firms,
});
const batchSchema = z.strictObject({
  id,
  name: z.strictObject({ zh: z.string().min(1), en: z.string().min(1) }),
  kind: z.enum(['national', 'alliance', 'provincial']),
  /** The vbpBatch name the catalogue's drugs carry, when the batch procures drugs. */
  catalogueBatch: z.string().optional(),
  tendered: date,
  agreement: z.strictObject({ from: date, to: date }),
  /** The batch's reported average price cut; the price before procurement is price / (1 − cut). */
  reportedCut: cut.optional(),
  products: z.array(productSchema).default([]),
  consumables: z.array(consumableSchema).default([]),
});

export type VbpBatch = z.output<typeof batchSchema>;


/**
 * The price before procurement from the price after and the cut: pre = price / (1 − cut), computed
 * exactly as price × 10,000 / (10,000 − cut × 10,000) and rounded half-up to the fen.
 */
export function prePriceFromCut(priceFen: number, cutFraction: number): number {
  return mulDiv(priceFen, CUT_SCALE, CUT_SCALE - Math.round(cutFraction * CUT_SCALE), 'halfUp');
}

/** One selected product of a batch, resolved against the catalogue. */
export interface VbpProduct {
  batchId: string;
  kind: 'drug' | 'consumable';
  /** Catalogue drug id or service id. */
  itemId: string;
  /** Minimum units per unit of sale. */
  units: number;
  winners: number;
  /** The price cut that prices the product before procurement: the product's own or the batch's. */
  cut: number;
  /** Where the cut comes from: the product's published cut or the batch's reported average. */
  cutSource: 'product' | 'batch';
  /** Drugs: the price before procurement per unit of sale, selected price / (1 − cut), half-up. */
  prePriceFen?: number;
  /** Drugs: the selected price per unit of sale (catalogue priceFen). */
  selectedPriceFen?: number;
  /** Selected firms of the product (中选企业), empty when the batch file does not name them. */
  firms: string[];
  /** Drugs: the manufacturer the catalogue names for the product, if any. */
  manufacturer?: string;
  alternatives: Array<{ drug: string; units: number }>;
  agreement: { from: IsoDate; to: IsoDate };
}

export class BatchError extends Error {
  constructor(readonly problems: string[]) {
    super(`the procurement batches are invalid:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'BatchError';
  }
}

/** Reads and validates `vbp-batches.yaml` of a catalogue directory against the catalogue. */
export async function loadBatches(dir: string, catalogue: Catalogue): Promise<VbpProduct[]> {
  const file = path.join(dir, VBP_BATCHES_FILE);
  const text = await readFile(file, 'utf8').catch((e: unknown) => {
    throw new BatchError([`${file}: cannot read (${(e as Error).message})`]);
  });
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new BatchError([`${file}: not valid YAML (${(e as Error).message})`]);
  }
  return buildBatches(raw, catalogue, file);
}

/** Validates parsed batches: schema, unique ids, products in the catalogue, one batch per product. */
export function buildBatches(raw: unknown, catalogue: Catalogue, where = VBP_BATCHES_FILE): VbpProduct[] {
  const problems: string[] = [];
  if (!Array.isArray(raw)) throw new BatchError([`${where}: expected a list of batches`]);
  const batches: VbpBatch[] = [];
  raw.forEach((item: unknown, i) => {
    const r = batchSchema.safeParse(item);
    const name = typeof item === 'object' && item && 'id' in item ? String(item.id) : `#${i + 1}`;
    if (!r.success) for (const issue of r.error.issues) problems.push(`${where}: batch ${name}: ${issue.path.join('.') || '(batch)'}: ${issue.message}`);
    else batches.push(r.data);
  });
  const seenBatch = new Set<string>();
  const seenItem = new Map<string, string>();
  const products: VbpProduct[] = [];
  for (const b of batches) {
    const at = `${where}: batch ${b.id}`;
    if (seenBatch.has(b.id)) problems.push(`${at}: duplicate batch id`);
    seenBatch.add(b.id);
    if (b.agreement.to < b.agreement.from) problems.push(`${at}: agreement.to ${b.agreement.to} is before agreement.from ${b.agreement.from}`);
    if (b.products.length + b.consumables.length === 0) problems.push(`${at}: no products and no consumables`);
    const claim = (itemId: string) => {
      const other = seenItem.get(itemId);
      if (other) problems.push(`${at}: ${itemId} is already selected in batch ${other}`);
      seenItem.set(itemId, b.id);
    };
    // The cut of a product: its own published cut, else the batch's reported average.
    const cutOf = (item: string, own: number | undefined): { cut: number; cutSource: 'product' | 'batch' } | undefined => {
      if (own !== undefined) return { cut: own, cutSource: 'product' };
      if (b.reportedCut !== undefined) return { cut: b.reportedCut, cutSource: 'batch' };
      problems.push(`${at}: ${item} has no cut: give the batch its reportedCut (or the product its own published cut)`);
      return undefined;
    };
    const checkFirms = (item: string, list: string[], winners: number) => {
      if (list.length > 0 && list.length !== winners) problems.push(`${at}: ${item} lists ${list.length} firms but has ${winners} winners`);
      if (new Set(list).size !== list.length) problems.push(`${at}: ${item} lists a firm twice`);
    };
    for (const p of b.products) {
      const d = catalogue.drugs[catalogue.drugIndex.get(p.drug) ?? -1];
      if (!d) {
        problems.push(`${at}: drug ${p.drug} is not in the catalogue`);
        continue;
      }
      if (!d.vbp) problems.push(`${at}: drug ${p.drug} is not marked as a VBP winner (vbp: true) in drugs.yaml`);
      if (b.catalogueBatch !== undefined && d.vbpBatch !== b.catalogueBatch) problems.push(`${at}: drug ${p.drug} carries vbpBatch "${d.vbpBatch ?? ''}" in drugs.yaml, not "${b.catalogueBatch}"`);
      checkFirms(`drug ${p.drug}`, p.firms, p.winners);
      if (d.manufacturer !== undefined && p.firms.length > 0 && !p.firms.includes(d.manufacturer)) {
        problems.push(`${at}: drug ${p.drug} is made by "${d.manufacturer}" in drugs.yaml, which is not one of the batch's firms (${p.firms.join(', ')})`);
      }
      const c = cutOf(`drug ${p.drug}`, p.cut);
      const pre = c ? prePriceFromCut(d.priceFen, c.cut) : d.priceFen;
      if (c && d.preVbpPriceFen !== undefined && d.preVbpPriceFen !== pre) {
        problems.push(
          `${at}: drug ${p.drug}: drugs.yaml gives preVbpPriceFen ${d.preVbpPriceFen}, but its cut ${c.cut} (${c.cutSource === 'batch' ? 'the reportedCut of the batch' : 'the cut of the product'}) gives ${pre} (= ${d.priceFen} / (1 − ${c.cut}), half-up to the fen); remove preVbpPriceFen from drugs.yaml or make it ${pre}`,
        );
      }
      for (const a of p.alternatives) {
        if (!catalogue.drugIndex.has(a.drug)) problems.push(`${at}: alternative ${a.drug} of ${p.drug} is not in the catalogue`);
        claim(a.drug);
      }
      claim(p.drug);
      products.push({
        batchId: b.id,
        kind: 'drug',
        itemId: p.drug,
        units: p.units,
        winners: p.winners,
        cut: c?.cut ?? 0,
        cutSource: c?.cutSource ?? 'batch',
        prePriceFen: pre,
        selectedPriceFen: d.priceFen,
        firms: p.firms,
        ...(d.manufacturer !== undefined ? { manufacturer: d.manufacturer } : {}),
        alternatives: p.alternatives,
        agreement: b.agreement,
      });
    }
    for (const c of b.consumables) {
      const s = catalogue.services[catalogue.serviceIndex.get(c.service) ?? -1];
      if (!s) problems.push(`${at}: service ${c.service} is not in the catalogue`);
      else if (s.category !== 'materials') problems.push(`${at}: service ${c.service} is not a consumable (category ${s.category}, expected materials)`);
      claim(c.service);
      checkFirms(`consumable ${c.service}`, c.firms, c.winners);
      const k = cutOf(`consumable ${c.service}`, c.cut);
      products.push({ batchId: b.id, kind: 'consumable', itemId: c.service, units: c.units, winners: c.winners, cut: k?.cut ?? 0, cutSource: k?.cutSource ?? 'batch', firms: c.firms, alternatives: [], agreement: b.agreement });
    }
  }
  // Every drug the catalogue marks as a winner should be in some batch, or its savings are lost.
  for (const d of catalogue.drugs) if (d.vbp && !seenItem.has(d.id)) problems.push(`${where}: drug ${d.id} is a VBP winner in drugs.yaml but in no batch`);
  if (problems.length) throw new BatchError(problems);
  return products;
}
