/**
 * Adopting a price proposal (采纳调价方案): each changed item and level becomes a dated value of the
 * parameter `pricing.service.<serviceId>.<level>` of the jurisdiction, effective from the proposal's
 * date, so every later claim priced through `priceOn` (the generator, the next linkage) uses it. An
 * earlier adoption's file keeps its values; the new date is added (or replaces the same date).
 */
import { parse as parseYaml, stringify } from 'yaml';
import type { Reference } from '../rules/params.js';
import type { Proposal } from './proposal.js';

export interface PriceFile {
  /** Path relative to the parameter tree root, e.g. `demo/pricing/service/nursing_day/county.yaml`. */
  file: string;
  text: string;
}

/** The parameter files an adopted proposal writes; `existing(file)` returns a file's current text. */
export function adoptedPriceFiles(proposal: Pick<Proposal, 'changes' | 'effectiveFrom' | 'year'>, jurisdiction: string, reference: Reference, existing: (file: string) => string | null): PriceFile[] {
  return proposal.changes.map((c) => {
    const file = `${jurisdiction}/pricing/service/${c.serviceId}/${c.level}.yaml`;
    const old = existing(file);
    const doc = (old ? parseYaml(old) : null) as { values?: Record<string, unknown> } | null;
    const values: Record<string, unknown> = { ...(doc?.values ?? {}) };
    values[proposal.effectiveFrom] = c.newFen;
    const sorted = Object.fromEntries(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : 1)));
    const body = {
      label: { zh: `${c.name.zh}（${LEVEL_ZH[c.level]}）价格`, en: `${c.name.en} price (${c.level})` },
      description: { zh: `项目编码 ${c.code}；目录基价 ${c.oldFen} 分，按 ${proposal.year} 年调价方案调整。`, en: `Item code ${c.code}; catalogue price ${c.oldFen} fen before the ${proposal.year} adjustment.` },
      unit: 'fen',
      reference,
      values: sorted,
    };
    return { file, text: stringify(body) };
  });
}

const LEVEL_ZH: Record<string, string> = { village: '村卫生室', township: '乡镇卫生院', county: '县级医院' };
