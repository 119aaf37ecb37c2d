/**
 * The service-price table (医疗服务价格表) with effective dates. The base is the catalogue's price of
 * each item by level (catalogue/services.yaml); an adopted adjustment is a dated parameter
 * `pricing.service.<serviceId>.<level>` (fen per unit) of the jurisdiction, so the price of an item
 * on a date is the latest adopted value on or before it, else the catalogue's. The generator and the
 * linkage read prices through `priceOn`, so claims after an adoption carry the new prices.
 */
import type { ParamTree, Provenance } from '../rules/params.js';
import type { IsoDate } from '../rules/period.js';
import { adoptedPrices, PRICE_PARAM_PREFIX, type Catalogue } from '../simulation/catalogue.js';

export const PRICE_LEVELS = ['village', 'township', 'county', 'out_of_county'] as const;
export type PriceLevel = (typeof PRICE_LEVELS)[number];
/** Levels whose prices the county's price authority sets (out-of-county hospitals follow their city). */
export const COUNTY_PRICE_LEVELS = ['village', 'township', 'county'] as const;
export type CountyPriceLevel = (typeof COUNTY_PRICE_LEVELS)[number];

export const priceParamPath = (serviceId: string, level: PriceLevel) => `${PRICE_PARAM_PREFIX}${serviceId}.${level}`;

export interface ItemPrice {
  priceFen: number;
  /** null: the catalogue's base price; else the adopted parameter's provenance. */
  adopted: Provenance | null;
}

/** The price of a service item at a level on a date, or undefined when not offered there. */
export function priceOn(catalogue: Catalogue, tree: ParamTree, jurisdiction: string, serviceId: string, level: PriceLevel, date: IsoDate): ItemPrice | undefined {
  const svc = catalogue.services[catalogue.serviceIndex.get(serviceId) ?? -1];
  if (!svc) throw new Error(`price of an unknown service item ${serviceId}`);
  const base = svc.price[level];
  if (base === undefined) return undefined;
  const r = tree.tryResolve(priceParamPath(serviceId, level), date, jurisdiction);
  if (r && typeof r.value === 'number') return { priceFen: r.value, adopted: r.provenance };
  return { priceFen: base, adopted: null };
}

/** Every item's price by level on a date: serviceId → level → fen (offered levels only). */
export function priceTable(catalogue: Catalogue, tree: ParamTree, jurisdiction: string, date: IsoDate): Map<string, Partial<Record<PriceLevel, number>>> {
  const out = new Map(catalogue.services.map((s) => [s.id, { ...s.price }]));
  for (const a of adoptedPrices(catalogue, tree, jurisdiction, date)) out.get(catalogue.services[a.service]!.id)![a.level] = a.resolved.value;
  return out;
}
