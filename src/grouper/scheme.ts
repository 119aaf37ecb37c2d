/**
 * A DRG grouping scheme as data (format `chs-drg-scheme/1`, see the scheme's SCHEME.md): MDC order and
 * entry rules, ADRG steps in order, DRG severity splits, and the code tables (OR procedures, MCC, CC,
 * CC exclusions). This module reads a scheme directory and validates it with messages that name the
 * file and the place of the problem. The official tables are never bundled: the user gives the path.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const codes = z.array(z.string());
const condition: z.ZodType<Condition> = z.discriminatedUnion('test', [
  z.strictObject({ test: z.literal('principal_dx_in'), codes }),
  z.strictObject({ test: z.literal('any_dx_in'), codes }),
  z.strictObject({ test: z.literal('principal_proc_in'), codes: codes.optional(), table: z.string().optional() }),
  z.strictObject({ test: z.literal('any_proc_in'), codes: codes.optional(), table: z.string().optional() }),
  z.strictObject({ test: z.literal('no_proc_in'), codes: codes.optional(), table: z.string().optional() }),
  z.strictObject({ test: z.literal('sex_is'), value: z.string() }),
  z.strictObject({
    test: z.literal('compare'),
    field: z.enum(['age', 'age_days', 'birth_weight', 'los']),
    op: z.enum(['==', '<', '<=', '>', '>=']),
    value: z.number(),
  }),
  z.strictObject({ test: z.literal('proc_tier_combination'), tiers: z.record(z.string(), codes), combinations: z.array(z.array(z.string()).min(1)).min(1) }),
  z.strictObject({ test: z.literal('distinct_regions_at_least'), regions: z.array(z.strictObject({ region: z.string(), codes })).min(1), min: z.number().int().min(1) }),
  z.strictObject({ test: z.literal('has_mcc') }),
  z.strictObject({ test: z.literal('has_mcc_or_cc') }),
]);

export type Condition =
  | { test: 'principal_dx_in' | 'any_dx_in'; codes: string[] }
  | { test: 'principal_proc_in' | 'any_proc_in' | 'no_proc_in'; codes?: string[] | undefined; table?: string | undefined }
  | { test: 'sex_is'; value: string }
  | { test: 'compare'; field: 'age' | 'age_days' | 'birth_weight' | 'los'; op: '==' | '<' | '<=' | '>' | '>='; value: number }
  | { test: 'proc_tier_combination'; tiers: Record<string, string[]>; combinations: string[][] }
  | { test: 'distinct_regions_at_least'; regions: Array<{ region: string; codes: string[] }>; min: number }
  | { test: 'has_mcc' | 'has_mcc_or_cc' };

const split = z.strictObject({ drg: z.string().regex(/^[A-Z][A-Z0-9]\d\d$/, 'a DRG code such as BR21'), when: z.array(condition) });
const step = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('adrg'), code: z.string().regex(/^[A-Z][A-Z0-9]\d$/, 'an ADRG code such as BR2'), when: z.array(condition), drgs: z.array(split).min(1) }),
  z.strictObject({ type: z.literal('ambiguous'), code: z.string(), enabled: z.boolean(), when: z.array(condition) }),
]);
const mdc = z.strictObject({ mdc: z.string().regex(/^[A-Z]$/), entry: z.array(condition), adrgs: z.array(step) });
const schemeFile = z.object({
  scheme: z.string(),
  version: z.string(),
  format: z.literal('chs-drg-scheme/1'),
  counts: z.object({ mdc: z.number(), adrg: z.number(), drg: z.number() }).partial().optional(),
  ungroupable_code: z.string().default('0000'),
  tables: z.record(z.string(), z.string()),
  mdc_order: z.array(z.string()).min(1),
  mdcs: z.array(mdc).min(1),
});

export type SchemeStep = z.output<typeof step>;
export type SchemeMdc = z.output<typeof mdc>;

export interface Scheme {
  dir: string;
  name: string;
  version: string;
  ungroupableCode: string;
  mdcOrder: string[];
  mdcs: Map<string, SchemeMdc>;
  /** Named code lists (e.g. or_procedures). */
  lists: Map<string, string[]>;
  mcc: Map<string, string>;
  cc: Map<string, string>;
  cce: Map<string, string>;
  drgNames: Map<string, string>;
  /** The code tables of valid diagnoses and procedures, when the scheme names them. */
  diagnoses: Set<string> | undefined;
  procedures: Set<string> | undefined;
  /** Code translation tables (SCHEME.md §9), loaded when asked for. */
  dxMap?: Map<string, string>;
  procMap?: Map<string, string>;
}

/** The demonstration scheme shipped with sanyi (schemes/demo): it groups the synthetic county's cases. */
export const DEMO_SCHEME_DIR = fileURLToPath(new URL('../../schemes/demo/', import.meta.url));

export class SchemeError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid grouping scheme:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'SchemeError';
  }
}

async function readJson(file: string, problems: string[]): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (e) {
    problems.push(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : `not valid JSON (${(e as Error).message})`}`);
    return undefined;
  }
}

function groupMap(file: string, raw: unknown, problems: string[]): Map<string, string> {
  if (raw === undefined) return new Map();
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push(`${file}: expected an object of code → group`);
    return new Map();
  }
  return new Map(Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

/** Reads and validates a scheme directory (scheme.json and the tables it names). */
export async function loadScheme(dir: string, opts: { translation?: boolean } = {}): Promise<Scheme> {
  const problems: string[] = [];
  const file = path.join(dir, 'scheme.json');
  const raw = await readJson(file, problems);
  if (raw === undefined) throw new SchemeError(problems);
  const parsed = schemeFile.safeParse(raw);
  if (!parsed.success) {
    throw new SchemeError(parsed.error.issues.slice(0, 20).map((i) => `${file}: ${i.path.join('.')}: ${i.message}`));
  }
  const s = parsed.data;
  const tableFile = (name: string) => path.join(dir, s.tables[name] ?? `${name}.json`);
  const lists = new Map<string, string[]>();
  const needed = new Set<string>();
  const collect = (conds: Condition[]) => {
    for (const c of conds) if ('table' in c && c.table) needed.add(c.table);
  };
  const mdcs = new Map<string, SchemeMdc>();
  const drgs = new Set<string>();
  s.mdcs.forEach((m, i) => {
    if (mdcs.has(m.mdc)) problems.push(`${file}: mdcs.${i}: MDC ${m.mdc} appears twice`);
    mdcs.set(m.mdc, m);
    collect(m.entry);
    m.adrgs.forEach((st, j) => {
      collect(st.when);
      if (st.type === 'adrg') {
        st.drgs.forEach((d, k) => {
          collect(d.when);
          if (!d.drg.startsWith(st.code)) problems.push(`${file}: mdcs.${i}.adrgs.${j}.drgs.${k}: DRG ${d.drg} is not in ADRG ${st.code}`);
          drgs.add(d.drg);
        });
      }
    });
  });
  for (const letter of s.mdc_order) if (!mdcs.has(letter)) problems.push(`${file}: mdc_order names MDC ${letter}, which has no entry in mdcs`);
  for (const name of needed) {
    const list = await readJson(tableFile(name), problems);
    if (list !== undefined) {
      if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) problems.push(`${tableFile(name)}: expected an array of codes`);
      else lists.set(name, list);
    }
  }
  const mcc = groupMap(tableFile('mcc'), await readJson(tableFile('mcc'), problems), problems);
  const cc = groupMap(tableFile('cc'), await readJson(tableFile('cc'), problems), problems);
  const cce = groupMap(tableFile('cce'), await readJson(tableFile('cce'), problems), problems);
  const namesRaw = s.tables.drg_names ? await readJson(tableFile('drg_names'), problems) : {};
  const drgNames = groupMap(tableFile('drg_names'), namesRaw, problems);
  const codeTable = async (name: string) => {
    if (!s.tables[name]) return undefined;
    const raw = await readJson(tableFile(name), problems);
    if (raw === undefined) return undefined;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push(`${tableFile(name)}: expected an object of code → name`);
      return undefined;
    }
    return new Set(Object.keys(raw));
  };
  let dxMap: Map<string, string> | undefined;
  let procMap: Map<string, string> | undefined;
  if (opts.translation) {
    if (!s.tables.dx_map || !s.tables.proc_map) problems.push(`${file}: tables names no dx_map and proc_map, which code translation needs`);
    else {
      dxMap = groupMap(tableFile('dx_map'), await readJson(tableFile('dx_map'), problems), problems);
      procMap = groupMap(tableFile('proc_map'), await readJson(tableFile('proc_map'), problems), problems);
    }
  }
  const diagnoses = await codeTable('diagnoses');
  const procedures = await codeTable('procedures');
  if (s.counts?.mdc !== undefined && s.counts.mdc !== mdcs.size) problems.push(`${file}: counts.mdc is ${s.counts.mdc} but ${mdcs.size} MDCs are defined`);
  if (s.counts?.drg !== undefined && s.counts.drg !== drgs.size) problems.push(`${file}: counts.drg is ${s.counts.drg} but ${drgs.size} DRGs are defined`);
  if (problems.length) throw new SchemeError(problems);
  return { dir, name: s.scheme, version: s.version, ungroupableCode: s.ungroupable_code, mdcOrder: s.mdc_order, mdcs, lists, mcc, cc, cce, drgNames, diagnoses, procedures, ...(dxMap && procMap ? { dxMap, procMap } : {}) };
}
