/**
 * Indicator definitions as data (指标定义, DOMAIN.md §9; after DHIS2): one YAML file per indicator set
 * under `indicators/`, each entry a definition
 *
 *   value = numerator × factor / denominator          (denominator omitted = 1)
 *
 * with its label, unit, direction, target, scopes, reference (basis and document, as parameters) and
 * given/expect fixtures. A malformed definition is refused: every problem names the file, the entry
 * (number and id), the field and what is wrong. Officials add an indicator by adding an entry.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import type { Bilingual, Reference } from '../rules/params.js';
import { ExpressionError, itemsOf, parseExpression, refName, type Expr } from './expression.js';
import { closestItem, itemOf, SCOPES, type Scope } from './items.js';

/**
 * Units an indicator value may carry (a closed list; the page shows each next to the number):
 *   percent         ×100 share, factor 100 (65 = 65 %)
 *   per_1000        per thousand, factor 1000 (‰)
 *   ratio           a plain ratio, factor 1 (0.65)
 *   count           a count, factor 1
 *   coefficient     a multiplier or index (CMI, cost and time indices), factor 1
 *   months          months (of fund spending), factor 1
 *   fen             money in fen, factor 1 (may be fractional: an average)
 *   fen_per_capita  money in fen per insured resident, factor 1 (the page shows yuan per capita)
 */
export const INDICATOR_UNITS = ['percent', 'per_1000', 'ratio', 'count', 'coefficient', 'months', 'fen', 'fen_per_capita'] as const;
export type IndicatorUnit = (typeof INDICATOR_UNITS)[number];

/** The factor each unit requires. */
export const UNIT_FACTOR: Record<IndicatorUnit, 1 | 100 | 1000> = {
  percent: 100,
  per_1000: 1000,
  ratio: 1,
  count: 1,
  coefficient: 1,
  months: 1,
  fen: 1,
  fen_per_capita: 1,
};

export const DIRECTIONS = ['up', 'down', 'range'] as const;
/** up: higher is better (met when value ≥ target); down: lower is better (value ≤ target);
 * range: met when min ≤ value ≤ max. */
export type Direction = (typeof DIRECTIONS)[number];

export type Target = number | { min?: number; max?: number };

/** A row-level example: these items in, this value out (Tuva style). */
export interface IndicatorFixture {
  name?: string;
  given: Record<string, number>;
  /** Last year's items, for `prev(…)`. */
  prev?: Record<string, number>;
  /** The value; null when the indicator has none (then `reason` is the expected reason's start). */
  expect: number | null;
  reason?: string;
}

export interface IndicatorSet {
  id: string;
  label: Bilingual;
  /** The file that declares it. */
  file: string;
}

export interface IndicatorDefinition {
  id: string;
  label: Bilingual;
  description?: Partial<Bilingual>;
  /** The set of the file it is written in. */
  set: string;
  /** Every set it belongs to, its own set first. */
  sets: string[];
  /** The expressions as written. */
  numerator: string;
  /** null: omitted, read as 1. */
  denominator: string | null;
  numeratorExpr: Expr;
  denominatorExpr: Expr | null;
  factor: 1 | 100 | 1000;
  unit: IndicatorUnit;
  direction: Direction;
  target?: Target;
  scopes: Scope[];
  reference: Reference;
  fixtures: IndicatorFixture[];
  /** Where it is written: the file (as given to the loader) and its entry number (1-based). */
  file: string;
  entry: number;
}

export interface IndicatorIssue {
  file: string;
  /** 1-based entry number in the file's `indicators:` list; 0 for the file itself. */
  entry: number;
  id: string | null;
  field: string;
  problem: string;
}

/** Definitions refused: every issue names the file, the entry (number and id), the field and the problem. */
export class IndicatorDefinitionError extends Error {
  override name = 'IndicatorDefinitionError';
  constructor(readonly issues: IndicatorIssue[]) {
    super(
      `invalid indicator definitions (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  ${formatIssue(i)}`).join('\n'),
    );
  }
}

export function formatIssue(i: IndicatorIssue): string {
  const where = i.entry === 0 ? '' : ` entry ${i.entry}${i.id ? ` (${i.id})` : ''}`;
  return `${i.file}:${where} field ${i.field || '(entry)'}: ${i.problem}`;
}

// ---------------------------------------------------------------------------------------------
// Schema

const bilingual = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });

export const referenceSchema = z
  .strictObject({
    basis: z.enum(['source', 'reported', 'default']),
    docNo: z.string().min(1).optional(),
    title: z.string().min(1).optional(),
    url: z.url().optional(),
    reason: z.string().min(1).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.basis === 'default' && !r.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a «default» reference must give its reason' });
    if (r.basis !== 'default' && !r.docNo && !r.url) ctx.addIssue({ code: 'custom', path: ['docNo'], message: `a «${r.basis}» reference needs a document number (docNo) or a url` });
  });

const itemValues = z.record(z.string(), z.number().finite());
const fixtureSchema = z.strictObject({
  name: z.string().min(1).optional(),
  given: itemValues,
  prev: itemValues.optional(),
  expect: z.number().finite().nullable(),
  reason: z.string().min(1).optional(),
});

const targetSchema = z.union([
  z.number().finite(),
  z.strictObject({ min: z.number().finite().optional(), max: z.number().finite().optional() }).refine((t) => t.min !== undefined || t.max !== undefined, 'a target range needs min, max or both'),
]);

const ID = /^[a-z][A-Za-z0-9_]*$/;

const entrySchema = z.strictObject({
  id: z.string().regex(ID, 'an id starts with a lower-case letter and holds letters, digits and _'),
  label: bilingual,
  description: z.strictObject({ zh: z.string().optional(), en: z.string().optional() }).optional(),
  sets: z.array(z.string().regex(ID, 'a set id starts with a lower-case letter and holds letters, digits and _')).min(1).optional(),
  numerator: z.union([z.string(), z.number()]).transform(String),
  denominator: z.union([z.string(), z.number()]).transform(String).optional(),
  factor: z.union([z.literal(1), z.literal(100), z.literal(1000)], { error: 'factor must be 1, 100 or 1000' }),
  unit: z.enum(INDICATOR_UNITS),
  direction: z.enum(DIRECTIONS),
  target: targetSchema.optional(),
  scopes: z.array(z.enum(SCOPES)).min(1),
  reference: referenceSchema,
  fixtures: z.array(fixtureSchema).min(1, 'each indicator ships at least one given/expect fixture (DOMAIN.md §9)'),
});

const fileSchema = z.strictObject({
  set: z.strictObject({ id: z.string().regex(ID, 'a set id starts with a lower-case letter and holds letters, digits and _'), label: bilingual }),
  indicators: z.array(z.unknown()),
});

/** Whether the raw input has a value at a path (to tell a missing field from a wrong one). */
export function present(raw: unknown, p: readonly PropertyKey[]): boolean {
  let cur = raw;
  for (const k of p) {
    if (typeof cur !== 'object' || cur === null || !(k in cur)) return false;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur !== undefined && cur !== null;
}

function zodIssues(error: z.ZodError, raw: unknown, file: string, entry: number, id: string | null): IndicatorIssue[] {
  return error.issues.map((is) => {
    const field = is.path.map(String).join('.');
    if (is.code === 'unrecognized_keys') {
      return { file, entry, id, field: [field, ...is.keys].filter(Boolean).join('.'), problem: `unknown field${is.keys.length > 1 ? 's ' + is.keys.join(', ') : ''}` };
    }
    if (is.code !== 'custom' && is.path.length > 0 && !present(raw, is.path)) return { file, entry, id, field, problem: 'required field missing' };
    return { file, entry, id, field, problem: is.message };
  });
}

// ---------------------------------------------------------------------------------------------
// Parsing

export interface ParsedIndicatorFile {
  set: IndicatorSet;
  definitions: IndicatorDefinition[];
}

/**
 * Parses one definitions file. Throws IndicatorDefinitionError listing every problem. Checks within
 * the file only; `loadIndicators` also checks ids across files and that every set named exists.
 */
export function parseIndicatorFile(text: string, file: string): ParsedIndicatorFile {
  const issues: IndicatorIssue[] = [];
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new IndicatorDefinitionError(doc.errors.map((e) => ({ file, entry: 0, id: null, field: '(file)', problem: `YAML: ${e.message}` })));
  }
  const head = fileSchema.safeParse(doc.toJS());
  if (!head.success) throw new IndicatorDefinitionError(zodIssues(head.error, doc.toJS(), file, 0, null));
  const set: IndicatorSet = { id: head.data.set.id, label: head.data.set.label, file };
  const definitions: IndicatorDefinition[] = [];
  const seen = new Map<string, number>();
  head.data.indicators.forEach((raw, i) => {
    const entry = i + 1;
    const rawId = typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'string' ? raw.id : null;
    const r = entrySchema.safeParse(raw);
    if (!r.success) {
      issues.push(...zodIssues(r.error, raw, file, entry, rawId));
      return;
    }
    const d = r.data;
    const problem = (field: string, p: string): void => void issues.push({ file, entry, id: d.id, field, problem: p });
    const before = issues.length;
    if (seen.has(d.id)) problem('id', `duplicate id ${d.id}: also entry ${seen.get(d.id)} of this file`);
    seen.set(d.id, entry);

    const expr = (field: 'numerator' | 'denominator', src: string): Expr | null => {
      try {
        return parseExpression(src);
      } catch (e) {
        if (e instanceof ExpressionError) {
          problem(field, `${e.message} of '${src}'`);
          return null;
        }
        throw e;
      }
    };
    const numeratorExpr = expr('numerator', d.numerator);
    const denominatorExpr = d.denominator === undefined ? null : expr('denominator', d.denominator);

    if (UNIT_FACTOR[d.unit] !== d.factor) problem('factor', `factor ${d.factor} not allowed with unit ${d.unit} (it takes ${UNIT_FACTOR[d.unit]})`);
    if (d.direction === 'range') {
      if (d.target !== undefined && typeof d.target === 'number') problem('target', 'direction range takes a target {min, max}');
    } else if (d.target !== undefined && typeof d.target !== 'number') {
      problem('target', `direction ${d.direction} takes a number as target ({min, max} is for direction range)`);
    }
    if (typeof d.target === 'object' && d.target.min !== undefined && d.target.max !== undefined && d.target.min > d.target.max) {
      problem('target', `min ${d.target.min} is above max ${d.target.max}`);
    }
    if (new Set(d.scopes).size !== d.scopes.length) problem('scopes', 'a scope is listed twice');

    // Every item must exist at every scope the indicator is evaluated at.
    for (const [field, e] of [['numerator', numeratorExpr], ['denominator', denominatorExpr]] as const) {
      if (!e) continue;
      for (const ref of itemsOf(e)) {
        const item = itemOf(ref.name)!;
        for (const s of d.scopes) {
          if (!item.scopes.includes(s)) problem(field, `item ${ref.name} is not available at scope ${s} (it has ${item.scopes.join(', ')}); remove the scope or use another item`);
        }
      }
    }
    // Fixtures name known items, and give every item the expressions need (unless they expect null).
    const needed = [numeratorExpr, denominatorExpr].flatMap((e) => (e ? itemsOf(e) : []));
    d.fixtures.forEach((f, k) => {
      for (const [key, values] of [['given', f.given], ['prev', f.prev ?? {}]] as const) {
        for (const name of Object.keys(values)) {
          if (!itemOf(name)) problem(`fixtures.${k}.${key}.${name}`, `unknown item (closest known item: ${closestItem(name)})`);
        }
      }
      if (f.expect !== null) {
        const absent = needed.filter((ref) => (ref.prev ? f.prev : f.given)?.[ref.name] === undefined);
        if (absent.length) problem(`fixtures.${k}`, `expects a value but does not give ${absent.map(refName).join(', ')}`);
      }
      if (f.expect === null && !f.reason) problem(`fixtures.${k}.reason`, 'a fixture expecting null states the reason it expects');
    });
    if (issues.length > before || !numeratorExpr) return;

    const sets = d.sets ? [set.id, ...d.sets.filter((s) => s !== set.id)] : [set.id];
    definitions.push({
      id: d.id,
      label: d.label,
      ...(d.description ? { description: d.description } : {}),
      set: set.id,
      sets,
      numerator: d.numerator,
      denominator: d.denominator ?? null,
      numeratorExpr,
      denominatorExpr,
      factor: d.factor,
      unit: d.unit,
      direction: d.direction,
      ...(d.target !== undefined ? { target: d.target } : {}),
      scopes: d.scopes,
      reference: d.reference,
      fixtures: d.fixtures,
      file,
      entry,
    });
  });
  if (issues.length) throw new IndicatorDefinitionError(issues);
  return { set, definitions };
}

/** Parses one definitions file and returns its definitions (see parseIndicatorFile). */
export function parseIndicators(text: string, file: string): IndicatorDefinition[] {
  return parseIndicatorFile(text, file).definitions;
}

// ---------------------------------------------------------------------------------------------
// Loading

/** The shipped definitions, `indicators/` at the repository root. */
export const SHIPPED_INDICATORS_DIR = fileURLToPath(new URL('../../indicators/', import.meta.url));

export interface IndicatorCatalogue {
  sets: IndicatorSet[];
  definitions: IndicatorDefinition[];
}

/**
 * Reads every `*.yaml` file of a directory (not its sub-directories; `assessment/` holds schemes),
 * in name order, and checks them together: each file on its own, then ids unique across files, set
 * ids unique, and every set an indicator names declared by some file. All problems are reported at
 * once. File names in messages are relative to the directory.
 */
export function loadIndicatorCatalogue(dir: string | URL = SHIPPED_INDICATORS_DIR): IndicatorCatalogue {
  const root = dir instanceof URL ? fileURLToPath(dir) : dir;
  const files = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => e.name)
    .sort();
  const issues: IndicatorIssue[] = [];
  const sets: IndicatorSet[] = [];
  const definitions: IndicatorDefinition[] = [];
  for (const f of files) {
    try {
      const parsed = parseIndicatorFile(readFileSync(path.join(root, f), 'utf8'), f);
      const other = sets.find((s) => s.id === parsed.set.id);
      if (other) issues.push({ file: f, entry: 0, id: null, field: 'set.id', problem: `set ${parsed.set.id} is also declared by ${other.file}` });
      sets.push(parsed.set);
      definitions.push(...parsed.definitions);
    } catch (e) {
      if (e instanceof IndicatorDefinitionError) issues.push(...e.issues);
      else throw e;
    }
  }
  const firstOf = new Map<string, IndicatorDefinition>();
  for (const d of definitions) {
    const first = firstOf.get(d.id);
    if (first) issues.push({ file: d.file, entry: d.entry, id: d.id, field: 'id', problem: `duplicate id ${d.id}: also defined in ${first.file} entry ${first.entry}; add the set to that entry's sets instead` });
    else firstOf.set(d.id, d);
    for (const s of d.sets) {
      if (!sets.some((x) => x.id === s)) issues.push({ file: d.file, entry: d.entry, id: d.id, field: 'sets', problem: `unknown set ${s} (declared sets: ${sets.map((x) => x.id).join(', ')})` });
    }
  }
  if (issues.length) throw new IndicatorDefinitionError(issues);
  return { sets, definitions };
}

/** Every definition of a directory, checked together (see loadIndicatorCatalogue). */
export function loadIndicators(dir: string | URL = SHIPPED_INDICATORS_DIR): IndicatorDefinition[] {
  return loadIndicatorCatalogue(dir).definitions;
}

/** The definitions that belong to a set (an indicator may belong to several). */
export function indicatorsOfSet(defs: readonly IndicatorDefinition[], set: string): IndicatorDefinition[] {
  return defs.filter((d) => d.sets.includes(set));
}
