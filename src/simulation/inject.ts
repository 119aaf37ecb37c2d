/**
 * Injected fund-abuse patterns (基金监管, issue 5 §4): the generator can plant each pattern the
 * supervision rules look for at a known rate, and records every planted record as ground truth, so
 * tests can measure each rule's precision and recall. Each pattern draws from its own named random
 * stream of the seed; with no injection requested nothing is drawn and the output is unchanged.
 *
 *   pattern                 base of the rate                        what is planted (ground truth)
 *   duplicate_claim         outpatient encounters                   a second identical claim (the copy)
 *   after_death             persons who die in the year             a claim dated after death (the claim)
 *   outside_stay            inpatient stays of ≥ 3 days             an outpatient claim at the same institution
 *                                                                   strictly inside the stay (the claim)
 *   split_admission         in-county inpatient stays               a readmission for the same disease at the
 *                                                                   same institution 1–7 days after discharge
 *   low_standard_admission  in-county mild outpatient visits        a 1–3 day admission charged mostly for
 *                                                                   examinations and tests (the admission)
 *   over_limit              in-county inpatient stays               2–5 bed days billed beyond the stay (the stay)
 *   upcoding                inpatient cases of one township centre  an extra CC/MCC secondary diagnosis
 *                                                                   (the institution and the case)
 */
import type { Random } from '../rules/random.js';
import { FEE_INDEX, N_FEES, type CareChunk, type EncounterBatch, type LineBatch } from './batch.js';
import type { CareTables, Counters } from './care.js';
import type { County } from './county.js';
import type { Population } from './population.js';

export const INJECTION_PATTERNS = ['duplicate_claim', 'after_death', 'outside_stay', 'split_admission', 'low_standard_admission', 'over_limit', 'upcoding'] as const;
export type InjectionPattern = (typeof INJECTION_PATTERNS)[number];

export interface InjectionOptions {
  rates: Partial<Record<InjectionPattern, number>>;
  /** CC/MCC diagnosis codes of the grouping scheme, for `upcoding`. */
  upcodingCodes?: readonly string[];
}

export interface Injected {
  pattern: InjectionPattern;
  encounterId: number;
  institution: number;
  person: number;
}

export class InjectionError extends Error {
  override name = 'InjectionError';
}

/** Parses `split_admission=0.02,duplicate_claim=0.01`; a clear error for an unknown pattern or a bad rate. */
export function parseInjection(spec: string): Partial<Record<InjectionPattern, number>> {
  const out: Partial<Record<InjectionPattern, number>> = {};
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, value] = part.split('=');
    if (!(INJECTION_PATTERNS as readonly string[]).includes(name ?? '')) throw new InjectionError(`unknown injection pattern "${name}": use ${INJECTION_PATTERNS.join(', ')}`);
    const rate = Number(value);
    if (value === undefined || value === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) throw new InjectionError(`the rate of ${name} must be a number from 0 to 1, got "${value ?? ''}"`);
    out[name as InjectionPattern] = rate;
  }
  return out;
}

const TYPE_OUTPATIENT = 0;
const TYPE_INPATIENT = 2;
const LEVEL_VILLAGE = 0;
const LEVEL_OUT = 3;

interface Ctx {
  chunk: CareChunk;
  tables: CareTables;
  counters: Counters;
  lines: Map<number, { charge: number[]; drug: number[] }>;
  caseOf: Map<number, number>;
  truth: Injected[];
}

/** Appends a copy of encounter row `src` (its lines and case too) and returns the new row. */
function copyEncounter(x: Ctx, src: number, opts: { start: number; end: number; los?: number; type?: number; lineScale?: number; withLines?: boolean }): number {
  const e = x.chunk.encounters;
  const r = e.push();
  const id = ++x.counters.encounter;
  e.id[r] = id;
  e.person[r] = e.person[src]!;
  e.institution[r] = e.institution[src]!;
  e.level[r] = e.level[src]!;
  e.type[r] = opts.type ?? e.type[src]!;
  e.scheme[r] = e.scheme[src]!;
  e.disease[r] = e.disease[src]!;
  e.dx[r] = e.dx[src]!;
  e.start[r] = opts.start;
  e.end[r] = opts.end;
  e.los[r] = opts.los ?? e.los[src]!;
  e.severity[r] = e.severity[src]!;
  e.referral[r] = -1;
  if (opts.withLines !== false) {
    const ls = x.lines.get(e.id[src]!);
    let lineNo = 0;
    const scale = opts.lineScale ?? 1;
    const copy = (batch: LineBatch, rows: number[], feeOf: (item: number) => number, classOf: (item: number) => string) => {
      for (const l of rows) {
        const qty = Math.max(1, Math.round(batch.quantity[l]! * scale));
        batch.push(id, ++lineNo, batch.item[l]!, qty, batch.price[l]!, opts.start, e.institution[r]!);
        book(e, r, qty * batch.price[l]!, feeOf(batch.item[l]!), classOf(batch.item[l]!));
      }
    };
    const cat = x.tables.catalogue;
    copy(x.chunk.chargeLines, ls?.charge ?? [], (i) => FEE_INDEX[cat.services[i]!.category], (i) => cat.services[i]!.class);
    copy(x.chunk.drugLines, ls?.drug ?? [], (i) => FEE_INDEX[cat.drugs[i]!.category], (i) => cat.drugs[i]!.class);
  }
  return r;
}

function book(e: EncounterBatch, r: number, amount: number, fee: number, klass: string): void {
  e.fees[r * N_FEES + fee] = (e.fees[r * N_FEES + fee] ?? 0) + amount;
  e.total[r] = (e.total[r] ?? 0) + amount;
  if (klass === 'B') e.classB[r] = (e.classB[r] ?? 0) + amount;
  else if (klass === 'C') e.classC[r] = (e.classC[r] ?? 0) + amount;
}

function addCase(x: Ctx, srcRow: number, newRow: number, los: number, diagnoses?: string): void {
  const e = x.chunk.encounters;
  const k = x.caseOf.get(e.id[srcRow]!);
  if (k === undefined) return;
  const c = x.chunk.inpatientCases[k]!;
  x.chunk.inpatientCases.push({ ...c, caseId: e.id[newRow]!, los, diagnoses: diagnoses ?? c.diagnoses });
}

/**
 * Plants the requested patterns in one chunk of care (after generateCare), drawing from `rng`.
 * `yearEnd` is the last day of the chunk's year: nothing is dated beyond it.
 */
export function injectPatterns(chunk: CareChunk, ctx: { tables: CareTables; counters: Counters; county: County; pop: Population }, rng: Random, opt: InjectionOptions, yearEnd: number, truth: Injected[]): void {
  const rates = opt.rates;
  const e = chunk.encounters;
  const n0 = e.length; // planted rows are never sources
  const lines = new Map<number, { charge: number[]; drug: number[] }>();
  const note = (batch: LineBatch, key: 'charge' | 'drug') => {
    for (let l = 0; l < batch.length; l++) {
      const id = batch.encounter[l]!;
      let v = lines.get(id);
      if (!v) lines.set(id, (v = { charge: [], drug: [] }));
      v[key].push(l);
    }
  };
  note(chunk.chargeLines, 'charge');
  note(chunk.drugLines, 'drug');
  const caseOf = new Map(chunk.inpatientCases.map((c, k) => [c.caseId, k]));
  const x: Ctx = { chunk, tables: ctx.tables, counters: ctx.counters, lines, caseOf, truth };
  const plant = (pattern: InjectionPattern, row: number) => truth.push({ pattern, encounterId: e.id[row]!, institution: e.institution[row]!, person: e.person[row]! });
  const stream = (p: InjectionPattern) => rng.stream(p);
  const cat = ctx.tables.catalogue;

  if (rates.duplicate_claim) {
    const s = stream('duplicate_claim');
    for (let r = 0; r < n0; r++) {
      if (e.type[r] !== TYPE_OUTPATIENT || !s.bool(rates.duplicate_claim)) continue;
      plant('duplicate_claim', copyEncounter(x, r, { start: e.start[r]!, end: e.end[r]! }));
    }
  }
  if (rates.after_death) {
    const s = stream('after_death');
    const last = new Map<number, number>();
    for (let r = 0; r < n0; r++) if (e.type[r] === TYPE_OUTPATIENT) last.set(e.person[r]!, r);
    for (const [person, r] of last) {
      const death = ctx.pop.exit[person]!;
      if (ctx.pop.exitReason[person] !== 1 || death >= yearEnd - 1 || !s.bool(rates.after_death)) continue;
      const day = Math.min(yearEnd, death + 1 + s.int(20));
      plant('after_death', copyEncounter(x, r, { start: day, end: day }));
    }
  }
  if (rates.outside_stay) {
    const s = stream('outside_stay');
    const outpatientOf = new Map<string, number>();
    for (let r = 0; r < n0; r++) if (e.type[r] === TYPE_OUTPATIENT) outpatientOf.set(`${e.person[r]}|${e.institution[r]}`, r);
    for (let r = 0; r < n0; r++) {
      if (e.type[r] !== TYPE_INPATIENT || e.end[r]! - e.start[r]! < 3 || !s.bool(rates.outside_stay)) continue;
      const day = e.start[r]! + 1 + s.int(e.end[r]! - e.start[r]! - 1);
      // An outpatient visit billed while the patient is in the ward: the person's own outpatient
      // claim at that institution copied, or one outpatient consultation.
      const src = outpatientOf.get(`${e.person[r]}|${e.institution[r]}`);
      let row: number;
      if (src !== undefined) row = copyEncounter(x, src, { start: day, end: day });
      else {
        row = copyEncounter(x, r, { start: day, end: day, los: 0, type: TYPE_OUTPATIENT, withLines: false });
        const svc = ctx.tables.ruleService.outpatientConsultation;
        const price = ctx.tables.price(svc, cat.services[svc] ? levelName(e.level[r]!) : 'county') ?? 1000;
        chunk.chargeLines.push(e.id[row]!, 1, svc, 1, price, day, e.institution[r]!);
        book(e, row, price, FEE_INDEX[cat.services[svc]!.category], cat.services[svc]!.class);
      }
      plant('outside_stay', row);
    }
  }
  if (rates.split_admission) {
    const s = stream('split_admission');
    for (let r = 0; r < n0; r++) {
      if (e.type[r] !== TYPE_INPATIENT || e.level[r] === LEVEL_OUT || !s.bool(rates.split_admission)) continue;
      const start = e.end[r]! + 1 + s.int(7);
      const los = 2 + s.int(4);
      if (start + los > yearEnd) continue;
      const row = copyEncounter(x, r, { start, end: start + los, los, lineScale: Math.min(1, los / Math.max(1, e.los[r]!)) });
      addCase(x, r, row, los);
      plant('split_admission', row);
    }
  }
  if (rates.low_standard_admission) {
    const s = stream('low_standard_admission');
    const exam = cat.services.map((sv, i) => ({ sv, i })).filter(({ sv }) => sv.category === 'examination' || sv.category === 'laboratory');
    const anyCase = chunk.inpatientCases[0];
    for (let r = 0; r < n0; r++) {
      if (e.type[r] !== TYPE_OUTPATIENT || e.severity[r] !== 0 || e.start[r]! - ctx.pop.birth[e.person[r]!]! < 366 || e.level[r] === LEVEL_VILLAGE || e.level[r] === LEVEL_OUT || !s.bool(rates.low_standard_admission)) continue;
      const los = 1 + s.int(3);
      const start = e.start[r]!;
      if (start + los > yearEnd || !anyCase) continue;
      const row = copyEncounter(x, r, { start, end: start + los, los, type: TYPE_INPATIENT, withLines: false });
      const level = levelName(e.level[r]!);
      let lineNo = 0;
      const bed = ctx.tables.ruleService.bedDay;
      const bedPrice = ctx.tables.price(bed, level);
      if (bedPrice !== undefined) {
        chunk.chargeLines.push(e.id[row]!, ++lineNo, bed, los, bedPrice, start, e.institution[r]!);
        book(e, row, los * bedPrice, FEE_INDEX.bed, cat.services[bed]!.class);
      }
      // Examinations and tests offered at this level, at least three, until they are two thirds of
      // the charges or more (at most twenty items).
      let examFen = 0;
      for (let j = 0; exam.length && j < 20 && (j < 3 || examFen < (2 / 3) * e.total[row]!); j++) {
        const { sv, i } = exam[s.int(exam.length)]!;
        const price = ctx.tables.price(i, level);
        if (price === undefined) continue;
        chunk.chargeLines.push(e.id[row]!, ++lineNo, i, 1, price, start, e.institution[r]!);
        book(e, row, price, FEE_INDEX[sv.category], sv.class);
        examFen += price;
      }
      if (e.total[row] === 0) continue;
      const person = e.person[r]!;
      const age = Math.floor((start - ctx.pop.birth[person]!) / 365.25);
      chunk.inpatientCases.push({
        caseId: e.id[row]!,
        sex: ctx.pop.sex[person]!,
        age,
        ageDays: null,
        birthWeight: null,
        dept: cat.diseases[e.disease[r]!]?.inpatient?.dept ?? anyCase.dept,
        los,
        disposition: 1,
        diagnoses: ctx.tables.codes[e.dx[r]!]!,
        procedures: '',
      });
      plant('low_standard_admission', row);
    }
  }
  if (rates.over_limit) {
    const s = stream('over_limit');
    const bed = ctx.tables.ruleService.bedDay;
    for (let r = 0; r < n0; r++) {
      if (e.type[r] !== TYPE_INPATIENT || e.level[r] === LEVEL_OUT || !s.bool(rates.over_limit)) continue;
      const price = ctx.tables.price(bed, levelName(e.level[r]!));
      if (price === undefined) continue;
      const extra = 2 + s.int(4);
      const lineNo = (lines.get(e.id[r]!)?.charge.length ?? 0) + (lines.get(e.id[r]!)?.drug.length ?? 0) + 1;
      chunk.chargeLines.push(e.id[r]!, lineNo, bed, extra, price, e.start[r]!, e.institution[r]!);
      book(e, r, extra * price, FEE_INDEX.bed, cat.services[bed]!.class);
      plant('over_limit', r);
    }
  }
  if (rates.upcoding && opt.upcodingCodes?.length) {
    const s = stream('upcoding');
    const target = ctx.county.townshipCentre[0];
    const rowOf = new Map<number, number>();
    for (let r = 0; r < n0; r++) if (e.type[r] === TYPE_INPATIENT) rowOf.set(e.id[r]!, r);
    for (const c of chunk.inpatientCases) {
      const r = rowOf.get(c.caseId);
      if (r === undefined || e.institution[r] !== target || !s.bool(rates.upcoding)) continue;
      c.diagnoses = `${c.diagnoses}|${opt.upcodingCodes[s.int(opt.upcodingCodes.length)]!}`;
      plant('upcoding', r);
    }
  }
}

const LEVEL_NAMES = ['village', 'township', 'county', 'out_of_county'] as const;
const levelName = (i: number) => LEVEL_NAMES[i] ?? 'county';
