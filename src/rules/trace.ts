/**
 * Traces: every computed amount explains itself. A trace records the rule that ran, its inputs,
 * the parameter values it used (with jurisdiction, effective date and reference), the intermediate
 * figures in order, and the traces of the rules it called. Traces are plain JSON.
 *
 *   const t = new TraceBuilder('insurance.inpatient.fund', { claimId }, { zh: '住院统筹支付', en: 'Inpatient fund payment' });
 *   const ratio = t.param(params.number('benefit.resident.inpatient.ratio.primary', date, 'demo'));
 *   const fund = t.step('fund', mulRate(eligible - deductible, ratio), { unit: 'fen', formula: '(E − d) × ratio' });
 *   return t.done(fund);
 */
import { formatFen } from './money.js';
import type { Bilingual, ParamValue, Provenance, Reference, Resolved, Scale, Unit } from './params.js';

export interface TraceParam {
  path: string;
  value: ParamValue;
  unit: Unit;
  jurisdiction: string;
  effectiveFrom: string;
  file: string;
  reference: Reference;
}

export interface TraceStep {
  name: string;
  value: number | string | boolean | null;
  unit?: Unit;
  /** The formula in the source document's notation, e.g. `min((E − d) × ratio, ceilingRemaining)`. */
  formula?: string;
  note?: string;
}

export interface Trace {
  rule: string;
  label?: Bilingual;
  inputs: Record<string, unknown>;
  params: TraceParam[];
  steps: TraceStep[];
  children: Trace[];
  result?: unknown;
}

export class TraceBuilder {
  private readonly trace: Trace;

  constructor(rule: string, inputs: Record<string, unknown> = {}, label?: Bilingual) {
    this.trace = { rule, ...(label ? { label } : {}), inputs, params: [], steps: [], children: [] };
  }

  /** Record a resolved parameter and return its value. */
  param<T extends ParamValue>(r: Resolved<T>): T {
    this.trace.params.push(paramEntry(r.path, r.value, r.unit, r.provenance));
    return r.value;
  }

  /** Record an intermediate figure and return it. */
  step<V extends number | string | boolean | null>(name: string, value: V, opts: { unit?: Unit; formula?: string; note?: string } = {}): V {
    this.trace.steps.push({ name, value, ...opts });
    return value;
  }

  /** Attach the trace of a rule this one called. */
  child(t: Trace): void {
    this.trace.children.push(t);
  }

  /** Finish with the rule's result; the builder should not be used afterwards. */
  done<R>(result: R): Trace & { result: R } {
    this.trace.result = result;
    return this.trace as Trace & { result: R };
  }

  /** The trace so far (for rules whose result is returned alongside). */
  build(): Trace {
    return this.trace;
  }
}

function paramEntry(path: string, value: ParamValue, unit: Unit, p: Provenance): TraceParam {
  return { path, value, unit, jurisdiction: p.jurisdiction, effectiveFrom: p.effectiveFrom, file: p.file, reference: p.reference };
}

/** A value with its unit, for people: money as ¥, ratios as %. */
export function formatValue(value: ParamValue | null, unit?: Unit): string {
  if (value === null) return '—';
  if (typeof value === 'object') return formatScale(value);
  if (typeof value !== 'number') return String(value);
  switch (unit) {
    case 'fen':
      return formatFen(value);
    case 'ratio':
      return `${trimFloat(value * 100)}%`;
    case 'per_1000':
      return `${value}‰`;
    case 'per_capita':
      return `${value} per capita`;
    case 'km':
      return `${value} km`;
    case 'utility':
    case undefined:
    case 'coefficient':
    case 'count':
    case 'points':
    case 'enum':
    case 'flag':
      return String(value);
    case 'days':
    case 'hours':
    case 'months':
    case 'years':
      return `${value} ${unit}`;
  }
}

function formatScale(s: Scale): string {
  return s.brackets.map((b) => `≥${b.threshold}: ${b.value}`).join('; ');
}

/** 0.1 + 0.2 style noise removed for display only (never for money). */
function trimFloat(x: number): string {
  return String(Number(x.toPrecision(12)));
}

function formatReference(r: Reference): string {
  if (r.basis === 'default') return `«default» ${r.reason ?? ''}`.trim();
  return [`«${r.basis}»`, r.docNo, r.title, r.url].filter(Boolean).join(' ');
}

/** Render a trace as indented text for the terminal. */
export function renderTrace(t: Trace, opts: { lang?: 'zh' | 'en'; indent?: string } = {}): string {
  const lang = opts.lang ?? 'en';
  const pad = opts.indent ?? '';
  const lines: string[] = [];
  lines.push(`${pad}${t.rule}${t.label ? ` — ${t.label[lang]}` : ''}`);
  const inputs = Object.entries(t.inputs);
  if (inputs.length) lines.push(`${pad}  inputs: ${inputs.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}`);
  for (const p of t.params) {
    lines.push(`${pad}  param ${p.path} = ${formatValue(p.value, p.unit)} [${p.jurisdiction}, from ${p.effectiveFrom}; ${formatReference(p.reference)}]`);
  }
  for (const s of t.steps) {
    const v = typeof s.value === 'number' ? formatValue(s.value, s.unit) : String(s.value);
    lines.push(`${pad}  ${s.name} = ${v}${s.formula ? `   (${s.formula})` : ''}${s.note ? `   — ${s.note}` : ''}`);
  }
  for (const c of t.children) lines.push(renderTrace(c, { lang, indent: `${pad}  ` }));
  if (t.result !== undefined) lines.push(`${pad}  result: ${JSON.stringify(t.result)}`);
  return lines.join('\n');
}
