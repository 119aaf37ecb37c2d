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
import { budgetPointValue, buildDipCatalogue, dipGroupOf, dipParams, type DipCase, type DipCatalogue } from '../grouper/dip.js';

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

// ---------------------------------------------------------------------------------------------
// DIP catalogue (sanyi dip catalogue)

/** DIP cases of a generation directory: principal diagnosis and procedure, cost and year. */
export async function dipCasesFromGenerated(dir: string): Promise<DipCase[]> {
  const principal = new Map<string, { dx: string; px: string }>();
  for await (const { row } of csvRows(path.join(dir, 'inpatient_cases.csv'))) {
    principal.set(row.case_id!, { dx: (row.diagnoses ?? '').split('|')[0]!, px: (row.procedures ?? '').split('|')[0]! });
  }
  const out: DipCase[] = [];
  for await (const { row } of csvRows(path.join(dir, 'encounters.csv'))) {
    if (row.type !== 'inpatient') continue;
    const p = principal.get(row.encounter_id!);
    if (p) out.push({ year: Number(row.end_date!.slice(0, 4)), dx: p.dx, px: p.px, costFen: Number(row.total_fen) });
  }
  return out;
}

/** DIP cases from a CSV with columns year, dx, px, cost_fen; bad rows are reported and skipped. */
export async function dipCasesFromCsv(file: string, onBadRow: (m: string) => void): Promise<DipCase[]> {
  const out: DipCase[] = [];
  for await (const { line, row } of csvRows(file)) {
    const year = Number(row.year);
    const cost = Number(row.cost_fen);
    if (!row.dx) onBadRow(`${file} line ${line}: dx is empty`);
    else if (!Number.isInteger(year)) onBadRow(`${file} line ${line}: year "${row.year}" is not a year`);
    else if (!Number.isSafeInteger(cost) || cost < 0) onBadRow(`${file} line ${line}: cost_fen "${row.cost_fen}" is not a non-negative integer`);
    else out.push({ year, dx: row.dx, px: row.px ?? '', costFen: cost });
  }
  return out;
}

export async function dipCatalogue(opts: { cases: DipCase[]; targetYear: number; params: ParamTree; jurisdiction: string; out: string }): Promise<{ catalogue: DipCatalogue; budgetPointValueFen: number }> {
  const p = dipParams(opts.params, `${opts.targetYear}-01-01`, opts.jurisdiction);
  const catalogue = buildDipCatalogue(opts.cases, opts.targetYear, p);
  // Budget point value: the 1:2:7-weighted annual inpatient cost over the expected points (last year's cases).
  const totals = [0, 0, 0];
  const expected = new Map<string, number>();
  for (const c of opts.cases) {
    const yi = opts.targetYear - c.year - 1;
    if (yi < 0 || yi > 2) continue;
    totals[yi]! += c.costFen;
    if (yi === 0) {
      const g = dipGroupOf(catalogue, c);
      if (g) expected.set(g.key, (expected.get(g.key) ?? 0) + 1);
    }
  }
  let ws = 0;
  let acc = 0;
  totals.forEach((t, i) => {
    if (t > 0) {
      ws += p.yearWeights[i]!;
      acc += p.yearWeights[i]! * t;
    }
  });
  const budgetPointValueFen = budgetPointValue(ws > 0 ? acc / ws : 0, expected, catalogue);
  const lines = ['group,type,cases,avg_cost_fen,score'];
  for (const g of catalogue.groups.values()) lines.push(`${g.key},${g.type},${g.cases},${Math.round(g.avgCost)},${g.score}`);
  await writeFile(opts.out, lines.join('\n') + '\n');
  return { catalogue, budgetPointValueFen };
}
