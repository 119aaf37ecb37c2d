/**
 * `sanyi drg weights`: relative weights for a target year from three years of cases, and the
 * hospital indices (CMI, cost and time consumption) of the latest year. The cases come either from a
 * CSV (`drg,year,cost_fen,los,hospital`) or from a `sanyi generate` directory, whose inpatient cases
 * are grouped with the scheme and joined to their encounters (cost, length of stay, institution).
 */
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ParamTree } from '../rules/params.js';
import { Grouper, parseCaseRow } from '../grouper/grouper.js';
import { loadScheme } from '../grouper/scheme.js';
import { baseRate, computeWeights, hospitalIndices, paymentStandardFen, weightParams, type BaseRate, type HistoricalCase, type WeightsResult, type HospitalIndices } from '../grouper/weights.js';
import { splitCsvLine } from './load-generated.js';

async function* csvRows(file: string): AsyncGenerator<{ line: number; row: Record<string, string> }> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let header: string[] | undefined;
  let n = 0;
  for await (const l of lines) {
    n++;
    if (!header) {
      header = splitCsvLine(l);
      continue;
    }
    if (l === '') continue;
    const f = splitCsvLine(l);
    yield { line: n, row: Object.fromEntries(header.map((h, i) => [h, f[i] ?? ''])) };
  }
}

/** Cases from a CSV with columns drg, year, cost_fen, los, hospital; bad rows are reported and skipped. */
export async function casesFromCsv(file: string, onBadRow: (m: string) => void): Promise<HistoricalCase[]> {
  const out: HistoricalCase[] = [];
  for await (const { line, row } of csvRows(file)) {
    const year = Number(row.year);
    const cost = Number(row.cost_fen);
    const los = Number(row.los);
    if (!row.drg) onBadRow(`${file} line ${line}: drg is empty`);
    else if (!Number.isInteger(year)) onBadRow(`${file} line ${line}: year "${row.year}" is not a year`);
    else if (!Number.isSafeInteger(cost) || cost < 0) onBadRow(`${file} line ${line}: cost_fen "${row.cost_fen}" is not a non-negative integer`);
    else if (!Number.isFinite(los)) onBadRow(`${file} line ${line}: los "${row.los}" is not a number`);
    else out.push({ drg: row.drg, year, costFen: cost, los, ...(row.hospital ? { hospital: row.hospital } : {}) });
  }
  return out;
}

/** Grouped cases of a generation directory: inpatient_cases.csv grouped, joined to encounters.csv. */
export async function casesFromGenerated(dir: string, schemeDir: string): Promise<HistoricalCase[]> {
  const grouper = new Grouper(await loadScheme(schemeDir));
  const drgOf = new Map<string, string>();
  const lines = createInterface({ input: createReadStream(path.join(dir, 'inpatient_cases.csv'), { encoding: 'utf8' }), crlfDelay: Infinity });
  let first = true;
  for await (const l of lines) {
    if (first || l === '') {
      first = false;
      continue;
    }
    const row = parseCaseRow(l);
    if (!row) continue;
    const r = grouper.group(row.input);
    if (r.status === 'grouped') drgOf.set(row.caseId, r.drg);
  }
  const out: HistoricalCase[] = [];
  for await (const { row } of csvRows(path.join(dir, 'encounters.csv'))) {
    if (row.type !== 'inpatient') continue;
    const drg = drgOf.get(row.encounter_id!);
    if (!drg) continue;
    out.push({ drg, year: Number(row.end_date!.slice(0, 4)), costFen: Number(row.total_fen), los: Number(row.los), hospital: row.institution_id! });
  }
  return out;
}

export interface WeightsRun {
  result: WeightsResult;
  hospitals: HospitalIndices[];
  baseRate: BaseRate;
}

export async function drgWeights(opts: {
  cases: HistoricalCase[];
  targetYear: number;
  params: ParamTree;
  jurisdiction: string;
  out: string;
  hospitalsOut?: string;
}): Promise<WeightsRun> {
  const p = weightParams(opts.params, `${opts.targetYear}-01-01`, opts.jurisdiction);
  const result = computeWeights(opts.cases, opts.targetYear, p);
  const rw = new Map(result.weights.map((w) => [w.drg, w.rw]));
  const lastYear = opts.cases.filter((c) => c.year === opts.targetYear - 1);
  const hospitals = hospitalIndices(lastYear, rw);
  const br = baseRate(lastYear, rw, opts.params, `${opts.targetYear}-01-01`, opts.jurisdiction);
  const lines = ['drg,cases,kept,avg_cost_fen,rw,points,payment_standard_fen,note'];
  for (const w of result.weights) lines.push(`${w.drg},${w.cases},${w.kept},${w.avgCostFen},${w.rw},${w.points},${paymentStandardFen(w.rw, br.baseRateFen)},${w.note ? `"${w.note}"` : ''}`);
  await writeFile(opts.out, lines.join('\n') + '\n');
  if (opts.hospitalsOut) {
    const h = ['hospital,cases,drgs,total_weight,cmi,cost_index,time_index', ...hospitals.map((x) => `${x.hospital},${x.cases},${x.drgs},${x.totalWeight},${x.cmi},${x.costIndex},${x.timeIndex}`)];
    await writeFile(opts.hospitalsOut, h.join('\n') + '\n');
  }
  return { result, hospitals, baseRate: br };
}
