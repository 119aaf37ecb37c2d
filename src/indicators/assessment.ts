/**
 * Assessment scoring as data (考核评分, issue 7 §1): a scheme in `indicators/assessment/*.yaml` lists
 * indicators with weights summing to 100 and a scoring rule each:
 *
 *   linear     points = weight × clamp((value − floor) / (target − floor), 0, 1)
 *              (floor earns 0, target full points; floor > target for a lower-is-better indicator)
 *   threshold  points = weight when met, else 0; met is `min ≤ value ≤ max` with the rule's own bounds,
 *              or the indicator's own target check (its `met`) when the rule gives none
 *   banded     points = weight × fraction of the band the value falls in: direction up → the highest
 *              bound ≤ value; down → the lowest bound ≥ value; no band → 0
 *   no value   whenMissing zero (default): points = 0, with the reason (the indicator's) in the item
 *              and the trace; whenMissing reweight: the item is left out (not applicable, e.g. the
 *              cost index of a clinic without DRG cases) and every other item's points are scaled by
 *              100 / Σ weights of the items that have a value
 *
 *   score = Σ exact points, 0–100, half-up to 0.01 (after removing binary noise beyond 12 significant
 *   digits). Items to 0.01 by largest remainder: each item's exact points rounded down, then the
 *   hundredths still missing to the score go one each to the items with the largest remainders, so
 *   the items add up to the score as shown and the score never exceeds 100 (independent half-up
 *   rounding of items could sum to 100.01).
 *
 * The score feeds the package's surplus retention (package.retentionRateByScore) and the salary
 * budget's assessment adjustment (salary.budget.assessmentAdjustment); src/runs wires them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import type { Bilingual, Reference } from '../rules/params.js';
import { compareDates, type IsoDate } from '../rules/period.js';
import { TraceBuilder, type Trace } from '../rules/trace.js';
import { present, referenceSchema, type IndicatorDefinition } from './definitions.js';
import type { IndicatorValue } from './evaluate.js';
import { SCOPES, type Scope } from './items.js';

export type ScoringRule =
  | { type: 'linear'; floor: number; target: number }
  | { type: 'threshold'; min?: number; max?: number }
  | { type: 'banded'; direction: 'up' | 'down'; bands: Array<[bound: number, fraction: number]> };

export interface AssessmentItem {
  indicator: string;
  weight: number;
  rule: ScoringRule;
  /** What a missing value does: earn 0 points (default) or leave the item out and reweight the rest. */
  whenMissing?: 'zero' | 'reweight';
}

export interface AssessmentScheme {
  id: string;
  label: Bilingual;
  /** The scope whose indicator values it scores. */
  scope: Scope;
  effectiveFrom: IsoDate;
  reference: Reference;
  items: AssessmentItem[];
  file: string;
}

export interface AssessmentItemResult {
  indicator: string;
  weight: number;
  /** 0…weight, to 0.01 by largest remainder (the exact points rounded down or up so the items add up to the score). */
  points: number;
  value: number | null;
  rule: ScoringRule;
  reason?: string;
  /** True when the item had no value and was left out (whenMissing reweight). */
  excluded?: boolean;
}

export interface AssessmentResult {
  scheme: string;
  /** 0–100: Σ exact points half-up to 0.01, which the items' rounded points add up to. */
  score: number;
  items: AssessmentItemResult[];
  trace: Trace;
}

/** What scoring needs of an indicator's evaluation (an IndicatorValue has it). */
export type AssessmentValue = Pick<IndicatorValue, 'value' | 'met'> & { reason?: string };

export class AssessmentSchemeError extends Error {
  override name = 'AssessmentSchemeError';
  constructor(readonly issues: Array<{ file: string; item: number; indicator: string | null; field: string; problem: string }>) {
    super(
      `invalid assessment scheme (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  ${i.file}:${i.item ? ` item ${i.item}${i.indicator ? ` (${i.indicator})` : ''}` : ''} field ${i.field || '(scheme)'}: ${i.problem}`).join('\n'),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Schema and loading

const fin = z.number().finite();
const ruleSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('linear'), floor: fin, target: fin }).refine((r) => r.floor !== r.target, 'floor and target must differ'),
  z
    .strictObject({ type: z.literal('threshold'), min: fin.optional(), max: fin.optional() })
    .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, 'min is above max'),
  z
    .strictObject({
      type: z.literal('banded'),
      direction: z.enum(['up', 'down']),
      bands: z.array(z.tuple([fin, fin.min(0, 'a points fraction is 0…1').max(1, 'a points fraction is 0…1')])).min(1),
    })
    .refine((r) => new Set(r.bands.map((b) => b[0])).size === r.bands.length, 'two bands share a bound'),
]);

const schemeSchema = z.strictObject({
  id: z.string().regex(/^[a-z][A-Za-z0-9_]*$/, 'an id starts with a lower-case letter and holds letters, digits and _'),
  label: z.strictObject({ zh: z.string().min(1), en: z.string().min(1) }),
  scope: z.enum(SCOPES),
  effectiveFrom: z.union([z.string(), z.date()]).transform((d) => (d instanceof Date ? d.toISOString().slice(0, 10) : d)).pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')),
  reference: referenceSchema,
  items: z
    .array(z.strictObject({ indicator: z.string().min(1), weight: fin.positive('a weight is above 0'), rule: ruleSchema, whenMissing: z.enum(['zero', 'reweight']).optional() }))
    .min(1),
});

/** Parses a scheme; with `indicators`, also checks each item names a known indicator at the scheme's
 * scope, and that a threshold rule without bounds scores an indicator that has a target. */
export function parseAssessmentScheme(text: string, file: string, opts: { indicators?: readonly IndicatorDefinition[] } = {}): AssessmentScheme {
  type Issue = AssessmentSchemeError['issues'][number];
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length) throw new AssessmentSchemeError(doc.errors.map((e) => ({ file, item: 0, indicator: null, field: '(file)', problem: `YAML: ${e.message}` })));
  const raw: unknown = doc.toJS();
  const r = schemeSchema.safeParse(raw);
  const rawItems = (raw as { items?: unknown } | null)?.items;
  const indicatorAt = (i: number): string | null => {
    const it: unknown = Array.isArray(rawItems) ? rawItems[i] : undefined;
    return typeof it === 'object' && it !== null && 'indicator' in it && typeof it.indicator === 'string' ? it.indicator : null;
  };
  if (!r.success) {
    throw new AssessmentSchemeError(
      r.error.issues.map((is): Issue => {
        const [head, idx, ...rest] = is.path.map(String);
        const keys = is.code === 'unrecognized_keys' ? is.keys : [];
        const problem = is.code === 'unrecognized_keys' ? 'unknown field' : is.code !== 'custom' && is.path.length > 0 && !present(raw, is.path) ? 'required field missing' : is.message;
        if (head === 'items' && idx !== undefined) return { file, item: Number(idx) + 1, indicator: indicatorAt(Number(idx)), field: [...rest, ...keys].join('.'), problem };
        return { file, item: 0, indicator: null, field: [head, idx, ...rest, ...keys].filter((x) => x !== undefined).join('.'), problem };
      }),
    );
  }
  const s = r.data;
  const issues: Issue[] = [];
  const total = s.items.reduce((a, it) => a + it.weight, 0);
  if (Math.abs(total - 100) > 1e-9) issues.push({ file, item: 0, indicator: null, field: 'items.weight', problem: `weights sum to ${Number(total.toPrecision(12))}, not 100` });
  const seen = new Map<string, number>();
  s.items.forEach((it, i) => {
    const issue = (field: string, problem: string): void => void issues.push({ file, item: i + 1, indicator: it.indicator, field, problem });
    if (seen.has(it.indicator)) issue('indicator', `scored twice: also item ${seen.get(it.indicator)}`);
    seen.set(it.indicator, i + 1);
    if (!opts.indicators) return;
    const def = opts.indicators.find((d) => d.id === it.indicator);
    if (!def) return issue('indicator', `unknown indicator ${it.indicator}`);
    if (!def.scopes.includes(s.scope)) issue('indicator', `indicator ${it.indicator} is not evaluated at scope ${s.scope} (it has ${def.scopes.join(', ')})`);
    if (it.rule.type === 'threshold' && it.rule.min === undefined && it.rule.max === undefined && def.target === undefined) {
      issue('rule', `a threshold without min or max uses the indicator's target, and ${it.indicator} has none`);
    }
  });
  if (issues.length) throw new AssessmentSchemeError(issues);
  return { ...s, effectiveFrom: s.effectiveFrom, reference: s.reference, items: s.items, file };
}

/** Reads and checks a scheme file (see parseAssessmentScheme). */
export function loadAssessmentScheme(file: string | URL, opts: { indicators?: readonly IndicatorDefinition[] } = {}): AssessmentScheme {
  const p = file instanceof URL ? fileURLToPath(file) : file;
  return parseAssessmentScheme(readFileSync(p, 'utf8'), path.basename(p), opts);
}

/** The shipped schemes, `indicators/assessment/`. */
export const SHIPPED_ASSESSMENT_DIR = fileURLToPath(new URL('../../indicators/assessment/', import.meta.url));

/** Every `*.yaml` scheme of a directory, in name order. */
export function loadAssessmentSchemes(dir: string | URL = SHIPPED_ASSESSMENT_DIR, opts: { indicators?: readonly IndicatorDefinition[] } = {}): AssessmentScheme[] {
  const root = dir instanceof URL ? fileURLToPath(dir) : dir;
  return readdirSync(root)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => loadAssessmentScheme(path.join(root, f), opts));
}

/** The scheme for a scope in force on a date: the latest effectiveFrom ≤ date; undefined when none. */
export function schemeInForce(schemes: readonly AssessmentScheme[], scope: Scope, date: IsoDate): AssessmentScheme | undefined {
  return schemes
    .filter((s) => s.scope === scope && compareDates(s.effectiveFrom, date) <= 0)
    .sort((a, b) => compareDates(b.effectiveFrom, a.effectiveFrom))[0];
}

// ---------------------------------------------------------------------------------------------
// Scoring

/** Half-up to 0.01 in integer hundredths, binary noise beyond 12 significant digits removed first. */
function hundredths(x: number): number {
  const clean = Number((x * 100).toPrecision(12));
  return Math.sign(clean) * Math.floor(Math.abs(clean) + 0.5);
}

function describeRule(rule: ScoringRule, weight: number): string {
  switch (rule.type) {
    case 'linear':
      return `${weight} × clamp((value − ${rule.floor}) / (${rule.target} − ${rule.floor}), 0, 1)`;
    case 'threshold':
      if (rule.min === undefined && rule.max === undefined) return `${weight} if the indicator meets its target, else 0`;
      return `${weight} if ${rule.min ?? '−∞'} ≤ value ≤ ${rule.max ?? '∞'}, else 0`;
    case 'banded':
      return `${weight} × band (${rule.direction === 'up' ? 'highest bound ≤ value' : 'lowest bound ≥ value'}): ${rule.bands.map(([b, f]) => `${b} → ${f}`).join(', ')}; none → 0`;
  }
}

/** The fraction of the weight a value earns under a rule, with the reason when it earns nothing for want of data. */
function fractionOf(rule: ScoringRule, v: AssessmentValue): { fraction: number; reason?: string } {
  const value = v.value!;
  switch (rule.type) {
    case 'linear':
      return { fraction: Math.min(1, Math.max(0, (value - rule.floor) / (rule.target - rule.floor))) };
    case 'threshold':
      if (rule.min === undefined && rule.max === undefined) {
        if (v.met == null) return { fraction: 0, reason: 'the indicator has no target to meet' };
        return { fraction: v.met ? 1 : 0 };
      }
      return { fraction: (rule.min === undefined || value >= rule.min) && (rule.max === undefined || value <= rule.max) ? 1 : 0 };
    case 'banded': {
      const hits = rule.bands.filter(([b]) => (rule.direction === 'up' ? value >= b : value <= b));
      if (hits.length === 0) return { fraction: 0 };
      const best = hits.reduce((a, b) => (rule.direction === 'up' ? (b[0] > a[0] ? b : a) : b[0] < a[0] ? b : a));
      return { fraction: best[1] };
    }
  }
}

/**
 * Scores a scheme over the indicators' values (keyed by indicator id; an array of IndicatorValue is
 * accepted too). A missing indicator or a null value earns 0 points with the reason.
 */
export function scoreAssessment(scheme: AssessmentScheme, values: ReadonlyMap<string, AssessmentValue> | readonly IndicatorValue[]): AssessmentResult {
  const byId: ReadonlyMap<string, AssessmentValue> = Array.isArray(values) ? new Map((values as readonly IndicatorValue[]).map((v) => [v.id, v])) : (values as ReadonlyMap<string, AssessmentValue>);
  const t = new TraceBuilder('indicators.assessment', { scheme: scheme.id, scope: scheme.scope, effectiveFrom: scheme.effectiveFrom, file: scheme.file }, scheme.label);
  const missing = (it: AssessmentItem): boolean => {
    const v = byId.get(it.indicator);
    return !v || v.value === null;
  };
  // reweight: items left out for want of a value hand their weight to the others in proportion
  const available = scheme.items.filter((it) => !(it.whenMissing === 'reweight' && missing(it))).reduce((a, it) => a + it.weight, 0);
  const scale = available > 0 ? 100 / available : 0;
  if (available < 100) t.step('reweight', scale, { unit: 'coefficient', formula: '100 / Σ weights of the items with a value', note: `weights with a value: ${Number(available.toPrecision(12))}` });
  // exact points in hundredths first; then the score half-up and the items by largest remainder
  const exact = scheme.items.map((it) => {
    const v = byId.get(it.indicator);
    let reason: string | undefined;
    let x = 0;
    const excluded = it.whenMissing === 'reweight' && missing(it);
    if (!v) reason = `no value: indicator ${it.indicator} was not evaluated`;
    else if (v.value === null) reason = `no value: ${v.reason ?? 'the indicator has no value'}`;
    else {
      const f = fractionOf(it.rule, v);
      reason = f.reason;
      x = Number((it.weight * scale * f.fraction * 100).toPrecision(12));
    }
    if (excluded) reason = `left out and reweighted (${reason ?? 'no value'})`;
    return { it, v, reason, excluded, x };
  });
  const totalHundredths = hundredths(exact.reduce((a, e) => a + e.x, 0) / 100);
  const alloc = exact.map((e) => Math.floor(e.x));
  let left = totalHundredths - alloc.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, frac: e.x - Math.floor(e.x) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const o of order) {
    if (left <= 0) break;
    if (o.frac > 0) {
      alloc[o.i]! += 1;
      left -= 1;
    }
  }
  const items = exact.map(({ it, v, reason, excluded }, i): AssessmentItemResult => {
    const points = alloc[i]! / 100;
    t.step(it.indicator, points, { unit: 'points', formula: `${describeRule(it.rule, it.weight)}${scale !== 1 && !excluded ? ` × ${Number(scale.toPrecision(6))}` : ''}`, note: reason ?? `value ${v?.value}` });
    return { indicator: it.indicator, weight: it.weight, points, value: v?.value ?? null, rule: it.rule, ...(reason !== undefined ? { reason } : {}), ...(excluded ? { excluded } : {}) };
  });
  const score = t.step('score', totalHundredths / 100, {
    unit: 'points',
    formula: 'Σ exact points, half-up to 0.01',
    note: 'items to 0.01 by largest remainder (each its exact points rounded down or up), so they add up to the score and the score never exceeds 100',
  });
  const out = { scheme: scheme.id, score, items };
  return { ...out, trace: t.done({ score }) };
}
