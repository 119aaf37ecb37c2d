/**
 * Volume-based procurement batches (带量采购批次) as data: national and alliance batches, their
 * selected products (中选产品, drugs of the catalogue or consumable service items), the number of
 * selected firms of each molecule, the non-selected products of the same molecule, and the agreement
 * period (协议期). The shipped file is `catalogue/vbp-batches.yaml`; a deployment gives its own.
 *
 * Volumes are compared in minimum units (最小制剂单位): `units` is how many of them one unit of sale
 * holds, so a box of 28 tablets and a box of 7 count on one scale.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { isIsoDate, type IsoDate } from '../rules/period.js';
import type { Catalogue } from '../simulation/catalogue.js';

export const VBP_BATCHES_FILE = 'vbp-batches.yaml';

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _');
const date = z.string().refine(isIsoDate, 'a date YYYY-MM-DD');
const units = z.number().int().positive();

const productSchema = z.strictObject({
  drug: id,
  units,
  winners: z.number().int().positive(),
  alternatives: z.array(z.strictObject({ drug: id, units })).default([]),
});
const consumableSchema = z.strictObject({
  service: id,
  units,
  winners: z.number().int().positive(),
  /** Reported average price cut of the batch; the price before is price / (1 − cut). */
  cut: z.number().gt(0).lt(1),
});
const batchSchema = z.strictObject({
  id,
  name: z.strictObject({ zh: z.string().min(1), en: z.string().min(1) }),
  kind: z.enum(['national', 'alliance', 'provincial']),
  /** The vbpBatch name the catalogue's drugs carry, when the batch procures drugs. */
  catalogueBatch: z.string().optional(),
  tendered: date,
  agreement: z.strictObject({ from: date, to: date }),
  products: z.array(productSchema).default([]),
  consumables: z.array(consumableSchema).default([]),
});

export type VbpBatch = z.output<typeof batchSchema>;

/** One selected product of a batch, resolved against the catalogue. */
export interface VbpProduct {
  batchId: string;
  kind: 'drug' | 'consumable';
  /** Catalogue drug id or service id. */
  itemId: string;
  /** Minimum units per unit of sale. */
  units: number;
  winners: number;
  /** Drugs: the price before procurement per unit of sale (catalogue preVbpPriceFen). */
  prePriceFen?: number;
  /** Drugs: the selected price per unit of sale. */
  selectedPriceFen?: number;
  /** Consumables: the reported average cut. */
  cut?: number;
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
    for (const p of b.products) {
      const d = catalogue.drugs[catalogue.drugIndex.get(p.drug) ?? -1];
      if (!d) {
        problems.push(`${at}: drug ${p.drug} is not in the catalogue`);
        continue;
      }
      if (!d.vbp || d.preVbpPriceFen === undefined) problems.push(`${at}: drug ${p.drug} is not marked as a VBP winner with preVbpPriceFen in drugs.yaml`);
      if (b.catalogueBatch !== undefined && d.vbpBatch !== b.catalogueBatch) problems.push(`${at}: drug ${p.drug} carries vbpBatch "${d.vbpBatch ?? ''}" in drugs.yaml, not "${b.catalogueBatch}"`);
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
        prePriceFen: d.preVbpPriceFen ?? d.priceFen,
        selectedPriceFen: d.priceFen,
        alternatives: p.alternatives,
        agreement: b.agreement,
      });
    }
    for (const c of b.consumables) {
      const s = catalogue.services[catalogue.serviceIndex.get(c.service) ?? -1];
      if (!s) problems.push(`${at}: service ${c.service} is not in the catalogue`);
      else if (s.category !== 'materials') problems.push(`${at}: service ${c.service} is not a consumable (category ${s.category}, expected materials)`);
      claim(c.service);
      products.push({ batchId: b.id, kind: 'consumable', itemId: c.service, units: c.units, winners: c.winners, cut: c.cut, alternatives: [], agreement: b.agreement });
    }
  }
  // Every drug the catalogue marks as a winner should be in some batch, or its savings are lost.
  for (const d of catalogue.drugs) if (d.vbp && !seenItem.has(d.id)) problems.push(`${where}: drug ${d.id} is a VBP winner in drugs.yaml but in no batch`);
  if (problems.length) throw new BatchError(problems);
  return products;
}
