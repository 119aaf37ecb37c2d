/**
 * `sanyi procurement import`: purchase orders of drugs and procured consumables (采购订单) from a CSV
 * file, for counties whose volumes come from the provincial procurement platform rather than from
 * generated drug lines. The linkage uses them in place of the generated volumes for the year when
 * there are any.
 *
 * File: a header naming at least
 *   order_date      YYYY-MM-DD
 *   institution_id  an institution of the county
 *   item_kind       drug | consumable
 *   item_id         a catalogue drug id, or a catalogue service id of category materials
 *   quantity        units of sale, a positive integer
 *   unit_price_fen  price per unit in fen, a positive integer (amount = quantity × unit price)
 * and optionally
 *   manufacturer    the product's manufacturer (生产企业); when the catalogue names the drug's
 *                   manufacturer, a row naming another one (compared after trimming spaces) is refused:
 *                   it is another firm's product under the catalogue's id. An empty cell is not checked.
 *                   The value only serves this check; it is not stored.
 * Each bad row is refused with its line, column and problem, kept in purchase_order_rejects for
 * review, and the other rows are imported. The file's name is its source: importing it again replaces
 * everything that file imported before (idempotent), in one transaction.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Store } from '../store/store.js';
import { isIsoDate } from '../rules/period.js';
import type { Catalogue } from '../simulation/catalogue.js';
import { readInstitutions } from './read-year.js';
import { splitCsvLine } from './load-generated.js';

export const ORDER_COLUMNS = ['order_date', 'institution_id', 'item_kind', 'item_id', 'quantity', 'unit_price_fen'] as const;
/** Columns a file may add: checked against the catalogue, not stored. */
export const OPTIONAL_ORDER_COLUMNS = ['manufacturer'] as const;

export interface OrderReject {
  line: number;
  column: string;
  problem: string;
}

export interface OrderImport {
  jurisdiction: string;
  source: string;
  accepted: number;
  rejected: OrderReject[];
}

export class OrderImportError extends Error {
  override name = 'OrderImportError';
}

const POSITIVE_INT = /^[1-9]\d*$/;

/** Imports one purchase-order file for a county (see the module comment). */
export async function importPurchaseOrders(store: Store, catalogue: Catalogue, opts: { jurisdiction: string; file: string }): Promise<OrderImport> {
  const source = path.basename(opts.file);
  const text = await readFile(opts.file, 'utf8').catch((e: unknown) => {
    throw new OrderImportError(`${opts.file}: cannot read (${(e as Error).message})`);
  });
  const lines = text.split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '');
  const index = ORDER_COLUMNS.map((c) => header.indexOf(c));
  const missing = ORDER_COLUMNS.filter((_, i) => index[i]! < 0);
  if (missing.length) throw new OrderImportError(`${source}: the header lacks ${missing.join(', ')} (expected ${ORDER_COLUMNS.join(', ')}; optional ${OPTIONAL_ORDER_COLUMNS.join(', ')})`);
  const manufacturerAt = header.indexOf('manufacturer');
  const { institutions } = await readInstitutions(store, opts.jurisdiction);
  const inCounty = new Set(institutions.filter((i) => i.inCounty).map((i) => i.id));
  if (inCounty.size === 0) throw new OrderImportError(`${source}: jurisdiction "${opts.jurisdiction}" has no institutions in the store`);

  const accepted: unknown[][] = [];
  const rejects: unknown[][] = [];
  const rejected: OrderReject[] = [];
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n]!;
    if (line === '') continue;
    const lineNo = n + 1;
    const f = splitCsvLine(line);
    const refuse = (column: string, problem: string) => {
      rejected.push({ line: lineNo, column, problem });
      rejects.push([opts.jurisdiction, source, lineNo, column, problem, line]);
    };
    if (f.length !== header.length) {
      refuse('(row)', `has ${f.length} fields, the header ${header.length}`);
      continue;
    }
    const [date, institutionId, kind, itemId, quantity, price] = index.map((i) => f[i]!) as [string, string, string, string, string, string];
    const dateText: string = date; // (isIsoDate narrows `date` itself)
    const manufacturer = manufacturerAt >= 0 ? f[manufacturerAt]!.trim() : '';
    const named = kind === 'drug' ? catalogue.drugs[catalogue.drugIndex.get(itemId) ?? -1]?.manufacturer : undefined;
    if (!isIsoDate(date)) refuse('order_date', `"${dateText}" is not a date (YYYY-MM-DD)`);
    else if (!inCounty.has(institutionId)) refuse('institution_id', `"${institutionId}" is not an institution of ${opts.jurisdiction}`);
    else if (kind !== 'drug' && kind !== 'consumable') refuse('item_kind', `"${kind}" is not drug or consumable`);
    else if (kind === 'drug' && !catalogue.drugIndex.has(itemId)) refuse('item_id', `"${itemId}" is not a drug of the catalogue`);
    else if (kind === 'consumable' && catalogue.services[catalogue.serviceIndex.get(itemId) ?? -1]?.category !== 'materials') refuse('item_id', `"${itemId}" is not a consumable (materials) item of the catalogue`);
    else if (!POSITIVE_INT.test(quantity)) refuse('quantity', `"${quantity}" is not a positive integer`);
    else if (!POSITIVE_INT.test(price)) refuse('unit_price_fen', `"${price}" is not a positive integer number of fen`);
    else if (manufacturer !== '' && named !== undefined && manufacturer !== named) refuse('manufacturer', `"${manufacturer}" is not the manufacturer of ${itemId}, which the catalogue names "${named}"`);
    else {
      const amount = Number(quantity) * Number(price);
      if (!Number.isSafeInteger(amount)) refuse('quantity', `quantity × unit price (${quantity} × ${price}) is too large`);
      else accepted.push([opts.jurisdiction, source, lineNo, date, institutionId, kind, itemId, Number(quantity), Number(price), amount]);
    }
  }
  await store.transaction(async (tx) => {
    await tx.query('delete from purchase_orders where county_id = $1 and source = $2', [opts.jurisdiction, source]);
    await tx.query('delete from purchase_order_rejects where county_id = $1 and source = $2', [opts.jurisdiction, source]);
    if (accepted.length) await tx.copyInto('purchase_orders', ['county_id', 'source', 'row_no', 'order_date', 'institution_id', 'item_kind', 'item_id', 'quantity', 'unit_price_fen', 'amount_fen'], accepted);
    if (rejects.length) await tx.copyInto('purchase_order_rejects', ['county_id', 'source', 'row_no', 'field', 'problem', 'raw'], rejects);
  });
  return { jurisdiction: opts.jurisdiction, source, accepted: accepted.length, rejected };
}
