/**
 * Dated parameters (政策参数): every policy number is a YAML file under `params/`, with a label in
 * Chinese and English, a unit, a reference (文号 + URL, or «default» with a reason) and values keyed
 * by effective date. Jurisdictions nest (national → province → pooling region → county); the most
 * specific jurisdiction that defines a value at the date wins.
 *
 * Layout (see docs/parameters.md):
 *   params/jurisdictions.yaml                      the jurisdiction tree
 *   params/<jurisdiction id>/<a>/<b>/<c>.yaml      parameter `a.b.c` as set by that jurisdiction
 *
 * The tree is pure data once loaded; reading files is the only I/O here and sits in
 * `loadParamTree`. Everything else is a lookup.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { isRounding, type Rounding } from './money.js';
import { compareDates, parseDate, type IsoDate } from './period.js';

// ---------------------------------------------------------------------------------------------
// Types

/** Units a parameter may carry. Money is always integer fen (分). */
export const UNITS = [
  'fen', // money, integer fen
  'ratio', // a share, 0.85 = 85 %; range [0, 1] unless the file gives `range`
  'coefficient', // a multiplier (e.g. a level coefficient 1.05); non-negative
  'count',
  'days',
  'hours',
  'months',
  'years',
  'points',
  'per_1000',
  'per_capita', // events per person per year (e.g. visits per capita)
  'km', // road distance
  'utility', // a term of a choice model's utility (any real number)
  'enum', // a string from `options`
  'flag', // a boolean
] as const;
export type Unit = (typeof UNITS)[number];

export const JURISDICTION_LEVELS = ['national', 'province', 'region', 'county'] as const;
export type JurisdictionLevel = (typeof JURISDICTION_LEVELS)[number];

export interface Bilingual {
  zh: string;
  en: string;
}

export interface Jurisdiction {
  id: string;
  parent: string | null;
  level: JurisdictionLevel;
  name: Bilingual;
  /** 行政区划代码, or null for a fictional/demo jurisdiction without one. */
  adcode: string | null;
}

/** Where a number comes from: a primary document («source»), a secondary one («reported»), or a
 * stated default with its reason («default»; DOMAIN.md conventions). */
export interface Reference {
  basis: 'source' | 'reported' | 'default';
  docNo?: string;
  title?: string;
  url?: string;
  reason?: string;
}

export interface ScaleBracket {
  threshold: number;
  value: number;
}

/** A bracket scale. `single_amount`: the value of the highest bracket whose threshold ≤ x.
 * `marginal_rate`: each bracket's value is a rate applied to the part of x above its threshold
 * (and below the next threshold). */
export interface Scale {
  type: 'single_amount' | 'marginal_rate';
  /** The unit of the thresholds (what the scale is indexed by). */
  base: Unit;
  brackets: ScaleBracket[];
}

export type ParamValue = number | string | boolean | Scale;

export interface DatedValue {
  effectiveFrom: IsoDate;
  /** null: this jurisdiction stops setting the parameter from this date (its parent's value applies). */
  value: ParamValue | null;
  /** Overrides the file's reference for this value. */
  reference?: Reference;
}

/** One jurisdiction's file for one parameter. */
export interface ParamDefinition {
  path: string;
  jurisdiction: string;
  /** Path of the file relative to the tree root, e.g. `national/benefit/classBFirstPayRate.yaml`. */
  file: string;
  label: Bilingual;
  description?: Partial<Bilingual>;
  unit: Unit;
  kind: 'value' | 'scale';
  /** Inclusive bounds for numeric values, when given or implied by the unit. */
  range?: [number, number];
  options?: string[];
  rounding?: Rounding;
  reference: Reference;
  /** Sorted by effective date, ascending. */
  values: DatedValue[];
}

export interface Provenance {
  file: string;
  jurisdiction: string;
  effectiveFrom: IsoDate;
  reference: Reference;
}

export interface Resolved<T extends ParamValue = ParamValue> {
  path: string;
  label: Bilingual;
  unit: Unit;
  kind: 'value' | 'scale';
  rounding?: Rounding;
  value: T;
  provenance: Provenance;
}

export interface ParamIssue {
  file: string;
  key: string;
  problem: string;
}

/** The parameter tree is refused: every issue names the file, the key and the problem. */
export class ParamTreeError extends Error {
  constructor(readonly issues: ParamIssue[]) {
    super(
      `invalid parameter tree (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  ${i.file}: ${i.key || '(file)'}: ${i.problem}`).join('\n'),
    );
    this.name = 'ParamTreeError';
  }
}

/** A parameter asked for does not exist or has no value at that date in that jurisdiction chain. */
export class ParamNotFoundError extends Error {
  constructor(
    readonly path: string,
    readonly date: IsoDate,
    readonly jurisdiction: string,
    reason: string,
  ) {
    super(`parameter ${path} at ${date} in ${jurisdiction}: ${reason}`);
    this.name = 'ParamNotFoundError';
  }
}

// ---------------------------------------------------------------------------------------------
// File schema

const bilingual = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });

const referenceSchema = z
  .strictObject({
    basis: z.enum(['source', 'reported', 'default']),
    docNo: z.string().min(1).optional(),
    title: z.string().min(1).optional(),
    url: z.url().optional(),
    reason: z.string().min(1).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.basis === 'default' && !r.reason) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a «default» reference must give its reason' });
    }
    if (r.basis !== 'default' && !r.docNo && !r.url) {
      ctx.addIssue({ code: 'custom', path: ['docNo'], message: `a «${r.basis}» reference needs a document number (docNo) or a url` });
    }
  });

const bracketSchema = z.strictObject({ threshold: z.number().finite(), value: z.number().finite() });
const scaleValueSchema = z.strictObject({
  brackets: z.array(bracketSchema).min(1, 'a scale needs at least one bracket'),
  reference: referenceSchema.optional(),
});
const scalarSchema = z.union([z.number(), z.string(), z.boolean(), z.null()]);
const longValueSchema = z.strictObject({ value: scalarSchema, reference: referenceSchema.optional() });

const fileSchema = z.strictObject({
  label: bilingual,
  description: z.strictObject({ zh: z.string().optional(), en: z.string().optional() }).optional(),
  unit: z.enum(UNITS),
  kind: z.enum(['value', 'scale']).default('value'),
  scale: z.strictObject({ type: z.enum(['single_amount', 'marginal_rate']), base: z.enum(UNITS) }).optional(),
  range: z.tuple([z.number(), z.number()]).optional(),
  options: z.array(z.string().min(1)).min(1).optional(),
  rounding: z.string().refine(isRounding, 'unknown rounding mode').optional(),
  reference: referenceSchema,
  values: z.record(z.string(), z.unknown()).refine((v) => Object.keys(v).length > 0, 'at least one dated value is required'),
});

const jurisdictionsSchema = z
  .array(
    z.strictObject({
      id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are lower-case letters, digits and hyphens'),
      parent: z.string().nullable().default(null),
      level: z.enum(JURISDICTION_LEVELS),
      name: bilingual,
      adcode: z.string().regex(/^\d{6}$/, 'an adcode has six digits').nullable().default(null),
    }),
  )
  .min(1);

const DEFAULT_RANGES: Partial<Record<Unit, [number, number]>> = {
  ratio: [0, 1],
  coefficient: [0, Number.MAX_SAFE_INTEGER],
  count: [0, Number.MAX_SAFE_INTEGER],
  days: [0, Number.MAX_SAFE_INTEGER],
  hours: [0, Number.MAX_SAFE_INTEGER],
  months: [0, Number.MAX_SAFE_INTEGER],
  years: [0, Number.MAX_SAFE_INTEGER],
  points: [0, Number.MAX_SAFE_INTEGER],
  per_1000: [0, 1000],
  per_capita: [0, Number.MAX_SAFE_INTEGER],
  km: [0, Number.MAX_SAFE_INTEGER],
  utility: [-1e6, 1e6],
};
const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;
const INTEGER_UNITS: ReadonlySet<Unit> = new Set<Unit>(['fen', 'count']);

// ---------------------------------------------------------------------------------------------
// The tree

export class ParamTree {
  private readonly byPath: Map<string, Map<string, ParamDefinition>>;
  private readonly jurisdictionsById: Map<string, Jurisdiction>;
  private readonly chains = new Map<string, Jurisdiction[]>();

  /** Use `loadParamTree` or `ParamTree.fromDefinitions`. */
  constructor(
    jurisdictions: Jurisdiction[],
    definitions: ParamDefinition[],
    /** sha256 over every file of the tree (path and bytes); recorded with every stored result. */
    readonly version: string,
  ) {
    this.jurisdictionsById = new Map(jurisdictions.map((j) => [j.id, j]));
    this.byPath = new Map();
    for (const d of definitions) {
      let m = this.byPath.get(d.path);
      if (!m) this.byPath.set(d.path, (m = new Map<string, ParamDefinition>()));
      m.set(d.jurisdiction, d);
    }
  }

  /** The short form of the version hash, for display. */
  get shortVersion(): string {
    return this.version.slice(0, 12);
  }

  jurisdictions(): Jurisdiction[] {
    return [...this.jurisdictionsById.values()];
  }

  jurisdiction(id: string): Jurisdiction {
    const j = this.jurisdictionsById.get(id);
    if (!j) throw new ParamNotFoundError('*', '*', id, `unknown jurisdiction (known: ${[...this.jurisdictionsById.keys()].join(', ')})`);
    return j;
  }

  /** The jurisdiction and its ancestors, most specific first: [county, region, province, national]. */
  chain(id: string): Jurisdiction[] {
    const cached = this.chains.get(id);
    if (cached) return cached;
    const out: Jurisdiction[] = [];
    for (let j: Jurisdiction | undefined = this.jurisdiction(id); j; j = j.parent ? this.jurisdictionsById.get(j.parent) : undefined) {
      out.push(j);
    }
    this.chains.set(id, out);
    return out;
  }

  /** Every parameter path, sorted. */
  paths(): string[] {
    return [...this.byPath.keys()].sort();
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }

  /** Every jurisdiction's definition of a parameter, most general first. */
  definitions(path: string): ParamDefinition[] {
    const m = this.byPath.get(path);
    if (!m) return [];
    const depth = (id: string) => this.chain(id).length;
    return [...m.values()].sort((a, b) => depth(a.jurisdiction) - depth(b.jurisdiction));
  }

  /** The value in force at `date` in `jurisdiction`, with where it comes from; null when none. */
  tryResolve(path: string, date: IsoDate, jurisdiction: string): Resolved | null {
    if (!DATE_SHAPE.test(date)) parseDate(date); // throws a PeriodError naming the input
    const m = this.byPath.get(path);
    if (!m) return null;
    for (const j of this.chain(jurisdiction)) {
      const def = m.get(j.id);
      if (!def) continue;
      const dv = valueAt(def.values, date);
      if (dv === undefined || dv.value === null) continue;
      return {
        path,
        label: def.label,
        unit: def.unit,
        kind: def.kind,
        ...(def.rounding ? { rounding: def.rounding } : {}),
        value: dv.value,
        provenance: { file: def.file, jurisdiction: j.id, effectiveFrom: dv.effectiveFrom, reference: dv.reference ?? def.reference },
      };
    }
    return null;
  }

  /** Like `tryResolve`, but a missing parameter or value is an error naming what was asked. */
  resolve(path: string, date: IsoDate, jurisdiction: string): Resolved {
    parseDate(date);
    const r = this.tryResolve(path, date, jurisdiction);
    if (r) return r;
    if (!this.byPath.has(path)) {
      throw new ParamNotFoundError(path, date, jurisdiction, `no such parameter${suggest(path, this.paths())}`);
    }
    throw new ParamNotFoundError(path, date, jurisdiction, `no value in force (chain: ${this.chain(jurisdiction).map((j) => j.id).join(' → ')})`);
  }

  /** A numeric parameter (fen, ratio, count, …); throws if the parameter is not a number. */
  number(path: string, date: IsoDate, jurisdiction: string): Resolved<number> {
    return this.typed(path, date, jurisdiction, 'number', (v): v is number => typeof v === 'number');
  }

  /** A money parameter in integer fen. */
  fen(path: string, date: IsoDate, jurisdiction: string): Resolved<number> {
    const r = this.number(path, date, jurisdiction);
    if (r.unit !== 'fen') throw new ParamNotFoundError(path, date, jurisdiction, `unit is ${r.unit}, not fen`);
    return r;
  }

  scale(path: string, date: IsoDate, jurisdiction: string): Resolved<Scale> {
    return this.typed(path, date, jurisdiction, 'scale', (v): v is Scale => typeof v === 'object');
  }

  string(path: string, date: IsoDate, jurisdiction: string): Resolved<string> {
    return this.typed(path, date, jurisdiction, 'string', (v): v is string => typeof v === 'string');
  }

  flag(path: string, date: IsoDate, jurisdiction: string): Resolved<boolean> {
    return this.typed(path, date, jurisdiction, 'boolean', (v): v is boolean => typeof v === 'boolean');
  }

  /** Every parameter resolved at a date and jurisdiction (null where none is in force). */
  snapshot(date: IsoDate, jurisdiction: string): Array<{ path: string; definition: ParamDefinition; resolved: Resolved | null }> {
    parseDate(date);
    this.jurisdiction(jurisdiction);
    return this.paths().map((p) => {
      const defs = this.definitions(p);
      return { path: p, definition: defs[0]!, resolved: this.tryResolve(p, date, jurisdiction) };
    });
  }

  private typed<T extends ParamValue>(path: string, date: IsoDate, jurisdiction: string, what: string, guard: (v: ParamValue) => v is T): Resolved<T> {
    const r = this.resolve(path, date, jurisdiction);
    if (!guard(r.value)) throw new ParamNotFoundError(path, date, jurisdiction, `value is not a ${what}`);
    return r as Resolved<T>;
  }
}

/** The dated value in force at `date`: the latest whose effective date is on or before it.
 * Both are validated YYYY-MM-DD strings, which order lexicographically. */
function valueAt(values: DatedValue[], date: IsoDate): DatedValue | undefined {
  let found: DatedValue | undefined;
  for (const v of values) {
    if (v.effectiveFrom <= date) found = v;
    else break;
  }
  return found;
}

function suggest(path: string, known: string[]): string {
  const last = path.split('.').pop() ?? path;
  const near = [...known.filter((k) => k.startsWith(`${path}.`)), ...known.filter((k) => !k.startsWith(`${path}.`) && k.endsWith(`.${last}`))];
  return near.length ? ` (did you mean ${near.slice(0, 3).join(', ')}?)` : '';
}

// ---------------------------------------------------------------------------------------------
// Scales

/** `single_amount` scale: the value of the highest bracket whose threshold ≤ x. Below the first
 * threshold is an error (a scale should start at its lowest meaningful value). */
export function scaleLookup(scale: Scale, x: number): number {
  if (scale.type !== 'single_amount') throw new Error(`scaleLookup needs a single_amount scale, got ${scale.type}`);
  let out: number | undefined;
  for (const b of scale.brackets) {
    if (b.threshold <= x) out = b.value;
    else break;
  }
  if (out === undefined) throw new Error(`${x} is below the first bracket (${scale.brackets[0]?.threshold})`);
  return out;
}

/** `marginal_rate` scale: the parts of x that fall in each bracket, each with its rate. The caller
 * multiplies (for money: with `mulRate` and the parameter's rounding). */
export function scaleBands(scale: Scale, x: number): Array<{ from: number; to: number; amount: number; rate: number }> {
  if (scale.type !== 'marginal_rate') throw new Error(`scaleBands needs a marginal_rate scale, got ${scale.type}`);
  const out: Array<{ from: number; to: number; amount: number; rate: number }> = [];
  scale.brackets.forEach((b, i) => {
    const next = scale.brackets[i + 1]?.threshold ?? Number.POSITIVE_INFINITY;
    if (x <= b.threshold) return;
    const to = Math.min(x, next);
    out.push({ from: b.threshold, to, amount: to - b.threshold, rate: b.value });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Loading and validation

interface LoadedFile {
  rel: string;
  bytes: Buffer;
}

/** Read and validate the whole tree under `dir`. An invalid tree is refused with a ParamTreeError
 * listing every problem (file, key, problem). */
export async function loadParamTree(dir: string): Promise<ParamTree> {
  const files = await readTreeFiles(dir);
  return buildParamTree(files, dir);
}

async function readTreeFiles(dir: string): Promise<LoadedFile[]> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (e) {
    throw new ParamTreeError([{ file: dir, key: '', problem: `cannot read the parameter directory: ${(e as Error).message}` }]);
  }
  const rels = entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
  return Promise.all(rels.map(async (rel) => ({ rel, bytes: await readFile(path.join(dir, rel)) })));
}

/** Build a tree from file contents (paths relative to the tree root). Exported for tests. */
export function buildParamTree(files: LoadedFile[], rootLabel = 'params'): ParamTree {
  const issues: ParamIssue[] = [];
  const hash = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.rel < b.rel ? -1 : 1))) {
    hash.update(f.rel).update('\0').update(f.bytes).update('\0');
  }

  const jFile = files.find((f) => f.rel === 'jurisdictions.yaml');
  let jurisdictions: Jurisdiction[] = [];
  if (!jFile) {
    issues.push({ file: `${rootLabel}/jurisdictions.yaml`, key: '', problem: 'missing: the tree must declare its jurisdictions' });
  } else {
    jurisdictions = parseJurisdictions(jFile, issues);
  }
  const known = new Map(jurisdictions.map((j) => [j.id, j]));

  const definitions: ParamDefinition[] = [];
  for (const f of files) {
    if (f.rel === 'jurisdictions.yaml') continue;
    const parts = f.rel.replace(/\.ya?ml$/, '').split('/');
    const [jurisdiction, ...segments] = parts;
    if (!jurisdiction || segments.length === 0) {
      issues.push({ file: f.rel, key: '', problem: 'a parameter file must sit in a jurisdiction folder: <jurisdiction>/<path>.yaml' });
      continue;
    }
    if (!known.has(jurisdiction)) {
      issues.push({ file: f.rel, key: '', problem: `folder "${jurisdiction}" is not a jurisdiction declared in jurisdictions.yaml` });
      continue;
    }
    const bad = segments.find((s) => !/^[A-Za-z][A-Za-z0-9_]*$/.test(s));
    if (bad !== undefined) {
      issues.push({ file: f.rel, key: '', problem: `path segment "${bad}" must be an identifier (letters, digits, _)` });
      continue;
    }
    const def = parseDefinition(f, jurisdiction, segments.join('.'), issues);
    if (def) definitions.push(def);
  }
  checkConsistency(definitions, issues);
  if (issues.length) throw new ParamTreeError(issues);
  return new ParamTree(jurisdictions, definitions, hash.digest('hex'));
}

function parseYaml(f: LoadedFile, issues: ParamIssue[]): unknown {
  const doc = parseDocument(f.bytes.toString('utf8'), { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length) {
    for (const e of doc.errors) {
      const pos = e.linePos?.[0];
      issues.push({ file: f.rel, key: pos ? `line ${pos.line}` : '', problem: `YAML: ${e.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}` });
    }
    return undefined;
  }
  return doc.toJS() as unknown;
}

function zodIssues(file: string, error: z.ZodError, prefix: string[] = []): ParamIssue[] {
  return error.issues.map((i) => ({ file, key: [...prefix, ...i.path.map(String)].join('.'), problem: i.message }));
}

function parseJurisdictions(f: LoadedFile, issues: ParamIssue[]): Jurisdiction[] {
  const raw = parseYaml(f, issues);
  if (raw === undefined) return [];
  const parsed = jurisdictionsSchema.safeParse(raw);
  if (!parsed.success) {
    issues.push(...zodIssues(f.rel, parsed.error));
    return [];
  }
  const list = parsed.data;
  const ids = new Set<string>();
  list.forEach((j, i) => {
    if (ids.has(j.id)) issues.push({ file: f.rel, key: `${i}.id`, problem: `duplicate jurisdiction id "${j.id}"` });
    ids.add(j.id);
  });
  const byId = new Map(list.map((j) => [j.id, j]));
  list.forEach((j, i) => {
    if (j.parent === null) {
      if (j.level !== 'national') issues.push({ file: f.rel, key: `${i}.parent`, problem: `only the national level has no parent (${j.id} is ${j.level})` });
      return;
    }
    const p = byId.get(j.parent);
    if (!p) {
      issues.push({ file: f.rel, key: `${i}.parent`, problem: `unknown parent "${j.parent}"` });
      return;
    }
    if (JURISDICTION_LEVELS.indexOf(p.level) >= JURISDICTION_LEVELS.indexOf(j.level)) {
      issues.push({ file: f.rel, key: `${i}.level`, problem: `${j.id} (${j.level}) must be below its parent ${p.id} (${p.level})` });
    }
  });
  return list;
}

function parseDefinition(f: LoadedFile, jurisdiction: string, paramPath: string, issues: ParamIssue[]): ParamDefinition | undefined {
  const raw = parseYaml(f, issues);
  if (raw === undefined) return undefined;
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    issues.push(...zodIssues(f.rel, parsed.error));
    return undefined;
  }
  const p = parsed.data;
  const before = issues.length;
  const range = p.range ?? DEFAULT_RANGES[p.unit];
  if (p.kind === 'scale' && !p.scale) issues.push({ file: f.rel, key: 'scale', problem: 'a scale parameter needs `scale: {type, base}`' });
  if (p.kind === 'value' && p.scale) issues.push({ file: f.rel, key: 'scale', problem: 'only a parameter of kind "scale" takes `scale`' });
  if (p.unit === 'enum' && !p.options) issues.push({ file: f.rel, key: 'options', problem: 'an enum parameter must list its options' });
  if (p.rounding && p.unit !== 'fen' && p.scale?.base !== 'fen') issues.push({ file: f.rel, key: 'rounding', problem: 'rounding applies to money (unit fen) only' });

  const values: DatedValue[] = [];
  for (const [date, entry] of Object.entries(p.values)) {
    const key = `values.${date}`;
    try {
      parseDate(date);
    } catch {
      issues.push({ file: f.rel, key, problem: `"${date}" is not an effective date (YYYY-MM-DD)` });
      continue;
    }
    const dv = parseDatedValue(f.rel, key, date, entry, p.kind, p.unit, p.scale, range, p.options, issues);
    if (dv) values.push(dv);
  }
  values.sort((a, b) => compareDates(a.effectiveFrom, b.effectiveFrom));
  if (issues.length > before) return undefined;
  return {
    path: paramPath,
    jurisdiction,
    file: f.rel,
    label: p.label,
    ...(p.description ? { description: p.description } : {}),
    unit: p.unit,
    kind: p.kind,
    ...(range ? { range } : {}),
    ...(p.options ? { options: p.options } : {}),
    ...(p.rounding && isRounding(p.rounding) ? { rounding: p.rounding } : {}),
    reference: p.reference,
    values,
  };
}

function parseDatedValue(
  file: string,
  key: string,
  date: string,
  entry: unknown,
  kind: 'value' | 'scale',
  unit: Unit,
  scale: { type: Scale['type']; base: Unit } | undefined,
  range: [number, number] | undefined,
  options: string[] | undefined,
  issues: ParamIssue[],
): DatedValue | undefined {
  if (kind === 'scale') {
    if (entry === null) return { effectiveFrom: date, value: null };
    const s = scaleValueSchema.safeParse(entry);
    if (!s.success) {
      issues.push(...zodIssues(file, s.error, key.split('.')));
      return undefined;
    }
    const brackets = s.data.brackets;
    brackets.forEach((b, i) => {
      if (i > 0 && b.threshold <= brackets[i - 1]!.threshold) {
        issues.push({ file, key: `${key}.brackets.${i}.threshold`, problem: 'thresholds must increase' });
      }
      checkScalar(file, `${key}.brackets.${i}.value`, b.value, unit, range, options, issues);
      if (scale && INTEGER_UNITS.has(scale.base) && !Number.isSafeInteger(b.threshold)) {
        issues.push({ file, key: `${key}.brackets.${i}.threshold`, problem: `a threshold in ${scale.base} must be an integer` });
      }
    });
    return {
      effectiveFrom: date,
      value: { type: scale?.type ?? 'single_amount', base: scale?.base ?? 'count', brackets },
      ...(s.data.reference ? { reference: s.data.reference } : {}),
    };
  }
  const isLong = entry !== null && typeof entry === 'object';
  const long = isLong ? longValueSchema.safeParse(entry) : undefined;
  if (long && !long.success) {
    issues.push(...zodIssues(file, long.error, key.split('.')));
    return undefined;
  }
  const value = long?.data ? long.data.value : entry;
  if (value !== null && !checkScalar(file, long ? `${key}.value` : key, value, unit, range, options, issues)) return undefined;
  return {
    effectiveFrom: date,
    value: value as ParamValue | null,
    ...(long?.data?.reference ? { reference: long.data.reference } : {}),
  };
}

function checkScalar(
  file: string,
  key: string,
  value: unknown,
  unit: Unit,
  range: [number, number] | undefined,
  options: string[] | undefined,
  issues: ParamIssue[],
): boolean {
  const fail = (problem: string) => {
    issues.push({ file, key, problem });
    return false;
  };
  switch (unit) {
    case 'flag':
      return typeof value === 'boolean' || fail(`expected true or false, got ${JSON.stringify(value)}`);
    case 'enum':
      if (typeof value !== 'string') return fail(`expected one of ${options?.join(', ')}, got ${JSON.stringify(value)}`);
      return !options || options.includes(value) || fail(`"${value}" is not one of the options ${options.join(', ')}`);
    case 'fen':
    case 'ratio':
    case 'coefficient':
    case 'count':
    case 'days':
    case 'hours':
    case 'months':
    case 'years':
    case 'points':
    case 'per_1000':
    case 'per_capita':
    case 'km':
    case 'utility': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail(`expected a number in ${unit}, got ${JSON.stringify(value)}`);
      if (INTEGER_UNITS.has(unit) && !Number.isSafeInteger(value)) {
        return fail(unit === 'fen' ? `money is integer fen (分): ${value} is not an integer` : `a count must be an integer, got ${value}`);
      }
      if (range && (value < range[0] || value > range[1])) return fail(`${value} is outside the range [${range[0]}, ${range[1]}] for ${unit}`);
      return true;
    }
    default: {
      const never: never = unit;
      return fail(`unknown unit ${String(never)}`);
    }
  }
}

/** A parameter must mean the same thing in every jurisdiction that sets it. */
function checkConsistency(definitions: ParamDefinition[], issues: ParamIssue[]): void {
  const first = new Map<string, ParamDefinition>();
  for (const d of definitions) {
    const f = first.get(d.path);
    if (!f) {
      first.set(d.path, d);
      continue;
    }
    if (f.unit !== d.unit) issues.push({ file: d.file, key: 'unit', problem: `unit ${d.unit} differs from ${f.unit} in ${f.file}` });
    if (f.kind !== d.kind) issues.push({ file: d.file, key: 'kind', problem: `kind ${d.kind} differs from ${f.kind} in ${f.file}` });
  }
}
