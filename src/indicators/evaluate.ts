/**
 * Evaluating an indicator (指标计算) over the data items of one scope and year:
 *
 *   value = numerator × factor / denominator        (DHIS2; denominator omitted = 1)
 *
 * null with a reason when an item is missing (`missing item <name>`), when a division inside an
 * expression or the denominator is 0. No rounding: the value is the double of that formula,
 * multiplied before it is divided (650 × 100 / 1000 = 65 exactly); the page rounds for display.
 * The target check: up → value ≥ target, down → value ≤ target, range → min ≤ value ≤ max; `met` is
 * null without a target or a value.
 */
import type { Unit } from '../rules/params.js';
import { TraceBuilder, type Trace } from '../rules/trace.js';
import type { IndicatorDefinition, IndicatorUnit, Target } from './definitions.js';
import { evaluateExpression, itemsOf, refName } from './expression.js';
import { itemOf, type Scope } from './items.js';

export interface IndicatorValue {
  id: string;
  value: number | null;
  /** The numerator expression's value (before the factor), null when it has none. */
  numerator: number | null;
  /** The denominator expression's value (1 when omitted), null when it has none. */
  denominator: number | null;
  /** Whether the value meets the target; null without a target or a value. */
  met: boolean | null;
  reason?: string;
  trace: Trace;
}

/** How a value of the unit shows in a trace step (percent and per-capita values carry no trace unit:
 * the trace's `ratio` would multiply by 100 again). */
const TRACE_UNIT: Record<IndicatorUnit, Unit | undefined> = {
  percent: undefined,
  per_1000: 'per_1000',
  ratio: 'ratio',
  count: 'count',
  coefficient: 'coefficient',
  months: 'months',
  fen: 'fen',
  fen_per_capita: undefined,
};

const UNIT_SIGN: Record<IndicatorUnit, string> = {
  percent: '%',
  per_1000: '‰',
  ratio: '',
  count: '',
  coefficient: '',
  months: ' months',
  fen: ' fen',
  fen_per_capita: ' fen per capita',
};

function formatReference(def: IndicatorDefinition): string {
  const r = def.reference;
  if (r.basis === 'default') return `«default» ${r.reason ?? ''}`.trim();
  return [`«${r.basis}»`, r.docNo, r.title, r.url].filter(Boolean).join(' ');
}

/** The target as a condition, e.g. `value ≥ 65` or `0 ≤ value ≤ 10`. */
export function targetCondition(direction: IndicatorDefinition['direction'], target: Target): string {
  if (typeof target === 'number') return direction === 'down' ? `value ≤ ${target}` : `value ≥ ${target}`;
  if (target.min !== undefined && target.max !== undefined) return `${target.min} ≤ value ≤ ${target.max}`;
  return target.min !== undefined ? `value ≥ ${target.min}` : `value ≤ ${target.max}`;
}

/** Whether a value meets a target in a direction. */
export function meetsTarget(direction: IndicatorDefinition['direction'], target: Target, value: number): boolean {
  if (typeof target === 'number') return direction === 'down' ? value <= target : value >= target;
  return (target.min === undefined || value >= target.min) && (target.max === undefined || value <= target.max);
}

/**
 * Evaluates one indicator over this year's items and, for `prev(…)`, last year's. The trace shows the
 * expressions, each item's value, the numerator, denominator, factor, value and the target check.
 */
export function evaluateIndicator(def: IndicatorDefinition, items: ReadonlyMap<string, number>, prevItems?: ReadonlyMap<string, number>): IndicatorValue {
  const t = new TraceBuilder(`indicator.${def.id}`, { sets: def.sets, file: def.file, entry: def.entry, reference: formatReference(def) }, def.label);
  const refs = [def.numeratorExpr, def.denominatorExpr].reduce((acc, e) => (e ? itemsOf(e, acc) : acc), [] as Array<{ name: string; prev: boolean }>);
  for (const r of refs) {
    const v = (r.prev ? prevItems : items)?.get(r.name);
    t.step(refName(r), v ?? null, { unit: itemOf(r.name)?.unit, ...(v === undefined ? { note: r.prev && !prevItems ? 'absent: no previous year given' : 'absent' } : {}) });
  }
  const num = evaluateExpression(def.numeratorExpr, items, prevItems);
  const den = def.denominatorExpr ? evaluateExpression(def.denominatorExpr, items, prevItems) : ({ ok: true, value: 1 } as const);
  const numerator = t.step('numerator', num.ok ? num.value : null, { formula: def.numerator, ...(num.ok ? {} : { note: num.reason }) });
  const denominator = t.step('denominator', den.ok ? den.value : null, { formula: def.denominator ?? '1 (omitted)', ...(den.ok ? {} : { note: den.reason }) });
  t.step('factor', def.factor);

  let reason: string | undefined;
  let value: number | null = null;
  if (!num.ok) reason = num.reason;
  else if (!den.ok) reason = den.reason;
  else if (denominator === 0) reason = `denominator is 0 (${def.denominator ?? '1'})`;
  else value = (numerator! * def.factor) / denominator!;
  t.step('value', value, { unit: TRACE_UNIT[def.unit], formula: 'numerator × factor / denominator', note: reason ?? `${value}${UNIT_SIGN[def.unit]}` });

  let met: boolean | null = null;
  if (def.target === undefined) {
    t.step('met', null, { note: `no target; direction ${def.direction}` });
  } else if (value === null) {
    t.step('met', null, { formula: targetCondition(def.direction, def.target), note: 'no value' });
  } else {
    met = t.step('met', meetsTarget(def.direction, def.target, value), { formula: targetCondition(def.direction, def.target), note: `target ${formatReference(def)}` });
  }
  const out = { id: def.id, value, numerator, denominator, met, ...(reason !== undefined ? { reason } : {}) };
  return { ...out, trace: t.done(out) };
}

/** Every definition that applies at a scope, evaluated over that scope's items. */
export function evaluateAll(defs: readonly IndicatorDefinition[], scope: Scope, items: ReadonlyMap<string, number>, prevItems?: ReadonlyMap<string, number>): IndicatorValue[] {
  return defs.filter((d) => d.scopes.includes(scope)).map((d) => evaluateIndicator(d, items, prevItems));
}

/** A trend: the indicator in each year given, with the year before as `prev` when it is given too. */
export function evaluateTrend(def: IndicatorDefinition, itemsByYear: ReadonlyMap<number, ReadonlyMap<string, number>>): Array<{ year: number; value: number | null; reason?: string }> {
  return [...itemsByYear.keys()]
    .sort((a, b) => a - b)
    .map((year) => {
      const v = evaluateIndicator(def, itemsByYear.get(year)!, itemsByYear.get(year - 1));
      return { year, value: v.value, ...(v.reason !== undefined ? { reason: v.reason } : {}) };
    });
}
