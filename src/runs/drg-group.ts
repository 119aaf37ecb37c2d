/**
 * `sanyi drg group`: groups a CSV of cases (the grouper's input columns) into a CSV of results
 * (`case_id,mdc,adrg,drg,status`, plus `trace` on request), streaming, so files larger than memory
 * work. A row that cannot be read (fewer than ten fields) is reported with its line number and
 * skipped; the others are grouped. The output is written as `<out>.part` and renamed when complete.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Grouper, parseCaseRow, type GroupResult } from '../grouper/grouper.js';
import { loadScheme } from '../grouper/scheme.js';
import { ByteWriter } from './byte-writer.js';

export interface DrgGroupOptions {
  scheme: string;
  input: string;
  output: string;
  trace?: boolean;
  /** Add a `problems` column: unknown codes, missing principal diagnosis, sex mismatch. */
  check?: boolean;
  /** Translate codes with the scheme's dx_map / proc_map first (SCHEME.md §9). */
  translate?: boolean;
  /** Refuse records with problems: status `invalid`, reasons in the `problems` column. */
  strict?: boolean;
  onProgress?: (p: { bytes: number; totalBytes: number; cases: number }) => void;
  onBadRow?: (b: { line: number; problem: string }) => void;
}

export interface DrgGroupSummary {
  cases: number;
  /** Cases with at least one problem (with `check`). */
  withProblems: number;
  badRows: number;
  byStatus: Record<string, number>;
  seconds: number;
}

const HEADER = 'case_id,sex,age,age_days,birth_weight,dept,los,disposition,diagnoses,procedures';

export async function groupFile(opts: DrgGroupOptions): Promise<DrgGroupSummary> {
  const t0 = performance.now();
  const grouper = new Grouper(await loadScheme(opts.scheme, { translation: opts.translate ?? false }));
  const totalBytes = (await stat(opts.input)).size;
  const withProblemsColumn = opts.check || opts.strict;
  const columns = ['case_id', 'mdc', 'adrg', 'drg', 'status', ...(opts.trace ? ['trace'] : []), ...(withProblemsColumn ? ['problems'] : [])];
  const out = new ByteWriter(opts.output).header(columns);
  let withProblems = 0;
  const byStatus: Record<string, number> = {};
  const encodedResults = new Map<string, Uint8Array>();
  let lineNo = 0;
  let cases = 0;
  let badRows = 0;
  let bytes = 0;
  const bad = (line: string) => {
    badRows++;
    opts.onBadRow?.({ line: lineNo, problem: `has ${line.split(',').length} fields, 10 are needed (${HEADER})` });
  };
  const handle = (line: string) => {
    lineNo++;
    bytes += line.length + 1;
    if (lineNo === 1 && line.startsWith('case_id,')) {
      if (line.trim() !== HEADER) opts.onBadRow?.({ line: 1, problem: `the header is not ${HEADER}; columns are read by position` });
      return;
    }
    if (line === '' || line === '\r') return;
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    let caseId: string;
    let r: GroupResult;
    let problems: string[] = [];
    if (opts.trace || withProblemsColumn || opts.translate) {
      const row = parseCaseRow(text);
      if (!row) return bad(line);
      caseId = row.caseId;
      r = grouper.group(row.input, { trace: opts.trace ?? false, translate: opts.translate ?? false, strict: opts.strict ?? false });
      problems = r.reasons ?? (opts.check ? grouper.check(row.input) : []);
      if (problems.length) withProblems++;
    } else {
      const g = grouper.groupRow(text);
      if (!g) return bad(line);
      caseId = g.caseId;
      r = g.result;
    }
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    cases++;
    const key = r.drg + r.status;
    let tail = encodedResults.get(key);
    if (!tail) encodedResults.set(key, (tail = Buffer.from(`${r.mdc},${r.adrg},${r.drg},${r.status}`, 'utf8')));
    out.text(caseId).comma().bytes(tail);
    if (opts.trace) out.comma().text((r.trace ?? []).join(' | '));
    if (withProblemsColumn) out.comma().text(problems.join(' | '));
    out.end();
  };
  try {
    // Lines are cut from 4 MB chunks by hand (readline's per-line promises cost more than grouping).
    let rest = '';
    for await (const chunk of createReadStream(opts.input, { encoding: 'utf8', highWaterMark: 1 << 22 })) {
      const text = rest + (chunk as string);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        handle(text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
      await out.drain();
      opts.onProgress?.({ bytes, totalBytes, cases });
    }
    if (rest !== '') handle(rest);
    await out.close();
    out.commit();
  } catch (e) {
    await out.discard();
    throw e;
  }
  opts.onProgress?.({ bytes: totalBytes, totalBytes, cases });
  return { cases, withProblems, badRows, byStatus, seconds: (performance.now() - t0) / 1000 };
}
