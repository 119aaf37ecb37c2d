/**
 * The DRG grouper: a scheme compiled for speed (codes interned to integers, code lists as bitsets,
 * conditions as closures over one reusable case buffer, complication groups as integer arrays) and
 * applied exactly as the scheme's specification says (SCHEME.md §2–8):
 *
 *   normalise the record → pre-checks → MDCs in order: entry holds → first ADRG step whose `when`
 *   holds → first DRG split whose `when` holds; an MDC that matches no ADRG falls through to the next.
 *
 * 分组：主要诊断/主要手术 → MDC → ADRG → 按并发症或合并症 (MCC/CC，排除表) 细分 DRG。
 */
import type { Condition, Scheme, SchemeMdc } from './scheme.js';

export type GroupStatus = 'grouped' | 'ungroupable' | 'ambiguous' | 'check_failed' | 'dx_not_mapped' | 'proc_not_mapped' | 'invalid';

export interface GroupInput {
  sex: string;
  age: string;
  ageDays: string;
  birthWeight: string;
  los?: string;
  dept?: string;
  disposition?: string;
  /** Codes, principal first (as written; empty strings stay). */
  dx: string[];
  px: string[];
}

/** A case with its codes interned (see Grouper.encode): what the grouper keeps in memory. */
export interface EncodedCase {
  sex: string;
  age: number;
  ageDays: number;
  birthWeight: number;
  los: number;
  dx: Int32Array;
  px: Int32Array;
  /** Failed a pre-check (SCHEME.md §3). */
  checkFailed: boolean;
  dxText: string[];
}

export interface GroupResult {
  drg: string;
  adrg: string;
  mdc: string;
  status: GroupStatus;
  /** The steps taken, when asked for. */
  trace?: string[];
  /** Why the input is invalid (status `invalid`, strict mode only). */
  reasons?: string[];
}

/** SCHEME.md §2.3: a field ending in ".0" loses it, once. */
export function stripDotZero(s: string): string {
  return s.endsWith('.0') ? s.slice(0, -2) : s;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** SCHEME.md §2.3: empty or blank → 0; a decimal number → its value; anything else → NaN. */
export function toNumber(s: string): number {
  // Fast path: plain digits.
  let v = 0;
  let i = 0;
  for (; i < s.length; i++) {
    const ch = s.charCodeAt(i) - 48;
    if (ch < 0 || ch > 9) break;
    v = v * 10 + ch;
  }
  if (i === s.length && i > 0 && i < 16) return v;
  const t = s.trim();
  if (t === '') return 0;
  return DECIMAL.test(t) ? Number(t) : NaN;
}

class CodeSet {
  readonly words: Uint32Array;
  constructor(size: number, ids: Iterable<number>) {
    this.words = new Uint32Array((size >>> 5) + 1);
    for (const id of ids) this.words[id >>> 5]! |= 1 << (id & 31);
  }
  has(id: number): boolean {
    return id >= 0 && ((this.words[id >>> 5]! >>> (id & 31)) & 1) === 1;
  }
}

/**
 * Code → id lookups straight from a range of a line (open addressing, FNV-1a over the UTF-16 code
 * units), so that reading a CSV row creates no string per code.
 */
class CodeTable {
  #keys: string[] = [];
  #ids = new Int32Array(0);
  #mask = 0;
  constructor(index: Map<string, number>) {
    let size = 16;
    while (size < index.size * 2) size <<= 1;
    this.#keys = new Array<string>(size).fill('');
    this.#ids = new Int32Array(size).fill(-1);
    this.#mask = size - 1;
    for (const [k, id] of index) {
      let slot = CodeTable.hash(k, 0, k.length) & this.#mask;
      while (this.#ids[slot]! >= 0) slot = (slot + 1) & this.#mask;
      this.#keys[slot] = k;
      this.#ids[slot] = id;
    }
  }
  static hash(s: string, start: number, end: number): number {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return h >>> 0;
  }
  /** The id of s[start, end), or -1. */
  lookup(s: string, start: number, end: number): number {
    const len = end - start;
    let slot = CodeTable.hash(s, start, end) & this.#mask;
    for (;;) {
      const id = this.#ids[slot]!;
      if (id < 0) return -1;
      const k = this.#keys[slot]!;
      if (k.length === len) {
        let i = 0;
        while (i < len && k.charCodeAt(i) === s.charCodeAt(start + i)) i++;
        if (i === len) return id;
      }
      slot = (slot + 1) & this.#mask;
    }
  }
}

/** The case being grouped, in interned form (one buffer, reused). */
class CaseBuffer {
  sex = '';
  age = 0;
  ageDays = 0;
  birthWeight = 0;
  los = 0;
  dx: Int32Array = new Int32Array(64);
  nDx = 0;
  px: Int32Array = new Int32Array(64);
  nPx = 0;
  ownDx: Int32Array = this.dx;
  ownPx: Int32Array = this.px;
  /** Complications: -1 not computed, else bit 1 = has MCC, bit 2 = has CC. */
  comp = -1;
  dxText: string[] = [];
  pxText: string[] = [];
  /** Secondary codes are interned only when a rule looks at them (the principal ones always are). */
  dxReady = true;
  pxReady = true;
  dxIndex: Map<string, number> = new Map();
  pxIndex: Map<string, number> = new Map();
  /** When the case was read from a CSV row: the row, and where each code lies in it. */
  line = '';
  fromLine = false;
  dxTable: CodeTable | undefined;
  pxTable: CodeTable | undefined;
  dxAt = new Int32Array(128);
  pxAt = new Int32Array(128);
  allDx(): void {
    if (this.dxReady) return;
    if (this.fromLine) for (let i = 1; i < this.nDx; i++) this.dx[i] = this.dxTable!.lookup(this.line, this.dxAt[2 * i]!, this.dxAt[2 * i + 1]!);
    else for (let i = 1; i < this.nDx; i++) this.dx[i] = this.dxIndex.get(this.dxText[i]!) ?? -1;
    this.dxReady = true;
  }
  allPx(): void {
    if (this.pxReady) return;
    if (this.fromLine) for (let i = 1; i < this.nPx; i++) this.px[i] = this.pxTable!.lookup(this.line, this.pxAt[2 * i]!, this.pxAt[2 * i + 1]!);
    else for (let i = 1; i < this.nPx; i++) this.px[i] = this.pxIndex.get(this.pxText[i]!) ?? -1;
    this.pxReady = true;
  }
}

type Test = (c: CaseBuffer) => boolean;

interface CompiledSplit {
  drg: string;
  when: Test;
  source: Condition[];
}
interface CompiledStep {
  type: 'adrg' | 'ambiguous';
  code: string;
  enabled: boolean;
  when: Test;
  source: Condition[];
  drgs: CompiledSplit[];
}
interface CompiledMdc {
  mdc: string;
  entry: Test;
  source: Condition[];
  steps: CompiledStep[];
}

export class Grouper {
  readonly #dxIndex = new Map<string, number>();
  readonly #pxIndex = new Map<string, number>();
  readonly #mdcs: CompiledMdc[];
  #mccGroup = new Int32Array(0);
  #ccGroup = new Int32Array(0);
  #cceGroup = new Int32Array(0);
  readonly #c = new CaseBuffer();
  readonly drgCodes: ReadonlySet<string>;
  #dxTable: CodeTable | undefined;
  #pxTable: CodeTable | undefined;
  readonly #commas = new Int32Array(16);
  /** One frozen result per code (no allocation per case when no trace is asked for). */
  readonly #results = new Map<string, GroupResult>();

  constructor(readonly scheme: Scheme) {
    // Intern every code the scheme names (a case code not interned matches nothing).
    const internDx = (code: string) => intern(this.#dxIndex, code);
    const internPx = (code: string) => intern(this.#pxIndex, code);
    for (const k of [...scheme.mcc.keys(), ...scheme.cc.keys(), ...scheme.cce.keys()]) internDx(k);
    for (const list of scheme.lists.values()) for (const code of list) internPx(code);
    const visit = (conds: Condition[]) => {
      for (const c of conds) {
        switch (c.test) {
          case 'principal_dx_in':
          case 'any_dx_in':
            c.codes.forEach(internDx);
            break;
          case 'principal_proc_in':
          case 'any_proc_in':
          case 'no_proc_in':
            c.codes?.forEach(internPx);
            break;
          case 'proc_tier_combination':
            Object.values(c.tiers).forEach((l) => l.forEach(internPx));
            break;
          case 'distinct_regions_at_least':
            c.regions.forEach((r) => r.codes.forEach(internDx));
            break;
          case 'sex_is':
          case 'compare':
          case 'has_mcc':
          case 'has_mcc_or_cc':
            break;
        }
      }
    };
    for (const m of scheme.mdcs.values()) {
      visit(m.entry);
      for (const st of m.adrgs) {
        visit(st.when);
        if (st.type === 'adrg') for (const d of st.drgs) visit(d.when);
      }
    }
    // Complication groups as integers by diagnosis id.
    const groupIds = new Map<string, number>();
    const groupArray = (m: Map<string, string>) => {
      const a = new Int32Array(this.#dxIndex.size).fill(-1);
      for (const [code, g] of m) a[this.#dxIndex.get(code)!] = intern(groupIds, g);
      return a;
    };
    this.#mccGroup = groupArray(scheme.mcc);
    this.#ccGroup = groupArray(scheme.cc);
    this.#cceGroup = groupArray(scheme.cce);
    this.#mdcs = scheme.mdcOrder.map((letter) => this.#compileMdc(scheme.mdcs.get(letter)!));
    this.#c.dxIndex = this.#dxIndex;
    this.#c.pxIndex = this.#pxIndex;
    const drgs = new Set<string>();
    for (const m of this.#mdcs) for (const st of m.steps) for (const d of st.drgs) drgs.add(d.drg);
    this.drgCodes = drgs;
  }

  #compileMdc(m: SchemeMdc): CompiledMdc {
    return {
      mdc: m.mdc,
      entry: this.#compileAll(m.entry),
      source: m.entry,
      steps: m.adrgs.map((st) => ({
        type: st.type,
        code: st.code,
        enabled: st.type === 'ambiguous' ? st.enabled : true,
        when: this.#compileAll(st.when),
        source: st.when,
        drgs: st.type === 'adrg' ? st.drgs.map((d) => ({ drg: d.drg, when: this.#compileAll(d.when), source: d.when })) : [],
      })),
    };
  }

  #compileAll(conds: Condition[]): Test {
    const tests = conds.map((c) => this.#compile(c));
    if (tests.length === 0) return () => true;
    if (tests.length === 1) return tests[0]!;
    if (tests.length === 2) {
      const [a, b] = tests as [Test, Test];
      return (c) => a(c) && b(c);
    }
    return (c) => {
      for (const t of tests) if (!t(c)) return false;
      return true;
    };
  }

  #dxSet(codes: string[]): CodeSet {
    return new CodeSet(this.#dxIndex.size, codes.map((x) => this.#dxIndex.get(x)!));
  }

  #pxSet(c: { codes?: string[] | undefined; table?: string | undefined }): CodeSet {
    const list = c.codes ?? this.scheme.lists.get(c.table ?? '') ?? [];
    return new CodeSet(this.#pxIndex.size, list.map((x) => this.#pxIndex.get(x)!));
  }

  #compile(cond: Condition): Test {
    switch (cond.test) {
      case 'principal_dx_in': {
        const s = this.#dxSet(cond.codes);
        return (c) => s.has(c.dx[0]!);
      }
      case 'any_dx_in': {
        const s = this.#dxSet(cond.codes);
        return (c) => {
          c.allDx();
          for (let i = 0; i < c.nDx; i++) if (s.has(c.dx[i]!)) return true;
          return false;
        };
      }
      case 'principal_proc_in': {
        const s = this.#pxSet(cond);
        return (c) => s.has(c.px[0]!);
      }
      case 'any_proc_in': {
        const s = this.#pxSet(cond);
        return (c) => {
          c.allPx();
          for (let i = 0; i < c.nPx; i++) if (s.has(c.px[i]!)) return true;
          return false;
        };
      }
      case 'no_proc_in': {
        const s = this.#pxSet(cond);
        return (c) => {
          c.allPx();
          for (let i = 0; i < c.nPx; i++) if (s.has(c.px[i]!)) return false;
          return true;
        };
      }
      case 'sex_is': {
        const v = cond.value;
        return (c) => c.sex === v;
      }
      case 'compare': {
        const v = cond.value;
        const get: (c: CaseBuffer) => number =
          cond.field === 'age' ? (c) => c.age : cond.field === 'age_days' ? (c) => c.ageDays : cond.field === 'birth_weight' ? (c) => c.birthWeight : (c) => c.los;
        switch (cond.op) {
          case '==':
            return (c) => get(c) === v;
          case '<':
            return (c) => get(c) < v;
          case '<=':
            return (c) => get(c) <= v;
          case '>':
            return (c) => get(c) > v;
          case '>=':
            return (c) => get(c) >= v;
        }
        break;
      }
      case 'proc_tier_combination': {
        // Tier bit of each procedure id (the first listing of a code decides its tier).
        const labels = Object.keys(cond.tiers);
        const tierOf = new Map<number, number>();
        labels.forEach((label, bit) => {
          for (const code of cond.tiers[label]!) {
            const id = this.#pxIndex.get(code)!;
            if (!tierOf.has(id)) tierOf.set(id, 1 << bit);
          }
        });
        const masks = cond.combinations.map((combo) => combo.reduce((m, label) => m | (1 << labels.indexOf(label)), 0));
        return (c) => {
          let t = 0;
          c.allPx();
          for (let i = 0; i < c.nPx; i++) t |= tierOf.get(c.px[i]!) ?? 0;
          for (const m of masks) if ((t & m) === m) return true;
          return false;
        };
      }
      case 'distinct_regions_at_least': {
        const regionOf = new Map<number, number>();
        cond.regions.forEach((r, i) => {
          for (const code of r.codes) regionOf.set(this.#dxIndex.get(code)!, i);
        });
        const min = cond.min;
        return (c) => {
          let seen = 0;
          let n = 0;
          c.allDx();
          for (let i = 0; i < c.nDx; i++) {
            const r = regionOf.get(c.dx[i]!);
            if (r === undefined || seen & (1 << r)) continue;
            seen |= 1 << r;
            if (++n >= min) return true;
          }
          return false;
        };
      }
      case 'has_mcc':
        return (c) => (this.#complications(c) & 1) !== 0;
      case 'has_mcc_or_cc':
        return (c) => this.#complications(c) !== 0;
    }
    throw new Error(`unknown test ${(cond as { test: string }).test}`);
  }

  /** SCHEME.md §8: bit 1 MCC, bit 2 CC among the secondary diagnoses, after the principal's exclusions. */
  #complications(c: CaseBuffer): number {
    if (c.comp >= 0) return c.comp;
    c.allDx();
    const p = c.dx[0]!;
    const e = p >= 0 ? this.#cceGroup[p]! : -1;
    let r = 0;
    for (let i = 1; i < c.nDx; i++) {
      const d = c.dx[i]!;
      if (d < 0) continue;
      const m = this.#mccGroup[d]!;
      if (m >= 0 && m !== e) r |= 1;
      const cc = this.#ccGroup[d]!;
      if (cc >= 0 && cc !== e) r |= 2;
    }
    c.comp = r;
    return r;
  }

  /**
   * Groups one CSV row (SCHEME.md §2) in a single pass over its characters: fields are found by
   * their commas and codes are looked up without creating a string per code. Rows with double quotes
   * take the general path. Returns null for a row with fewer than ten fields.
   */
  groupRow(line: string): { caseId: string; result: GroupResult } | null {
    if (line.includes('"')) {
      const row = parseCaseRow(line);
      return row ? { caseId: row.caseId, result: this.group(row.input) } : null;
    }
    const commas = this.#commas;
    let n = 0;
    for (let i = line.indexOf(','); i >= 0 && n < 10; i = line.indexOf(',', i + 1)) commas[n++] = i;
    if (n < 9) return null;
    const end9 = n >= 10 ? commas[9]! : line.length; // an eleventh field (remark) is ignored
    const field = (k: number) => line.slice(k === 0 ? 0 : commas[k - 1]! + 1, commas[k]);
    const caseId = line.slice(0, commas[0]);
    const sex = stripDotZero(field(1));
    const c = this.#c;
    c.age = toNumber(stripDotZero(field(2)));
    c.ageDays = toNumber(stripDotZero(field(3)));
    c.birthWeight = toNumber(stripDotZero(field(4)));
    c.los = toNumber(stripDotZero(field(6)));
    if (sex === '' || (c.age === 0 && c.ageDays <= 28 && c.birthWeight === 0)) return { caseId, result: CHECK_FAILED };
    c.sex = sex === '男' ? '1' : sex === '女' ? '2' : sex;
    this.#dxTable ??= new CodeTable(this.#dxIndex);
    this.#pxTable ??= new CodeTable(this.#pxIndex);
    c.dxTable = this.#dxTable;
    c.pxTable = this.#pxTable;
    c.line = line;
    c.fromLine = true;
    c.nDx = this.#codesInto(line, commas[7]! + 1, commas[8]!, this.#dxTable, 'dx');
    c.nPx = this.#codesInto(line, commas[8]! + 1, end9, this.#pxTable, 'px');
    c.dxReady = c.nDx === 1;
    c.pxReady = c.nPx === 1;
    c.comp = -1;
    c.dxText = EMPTY_TEXT;
    return { caseId, result: this.#run(undefined) };
  }

  /** Finds the `|`-separated codes of line[start, end) (".0" stripped from the field) and interns the first. */
  #codesInto(line: string, start: number, end: number, table: CodeTable, which: 'dx' | 'px'): number {
    const c = this.#c;
    if (end - start >= 2 && line.charCodeAt(end - 2) === 46 && line.charCodeAt(end - 1) === 48) end -= 2;
    let count = 1;
    for (let i = start; i < end; i++) if (line.charCodeAt(i) === 124) count++;
    let buf = which === 'dx' ? c.ownDx : c.ownPx;
    if (buf.length < count) {
      buf = new Int32Array(count * 2);
      if (which === 'dx') c.ownDx = buf;
      else c.ownPx = buf;
    }
    let at = which === 'dx' ? c.dxAt : c.pxAt;
    if (at.length < 2 * count) {
      at = new Int32Array(4 * count);
      if (which === 'dx') c.dxAt = at;
      else c.pxAt = at;
    }
    let k = 0;
    let from = start;
    for (let i = start; i <= end; i++) {
      if (i === end || line.charCodeAt(i) === 124) {
        at[2 * k] = from;
        at[2 * k + 1] = i;
        k++;
        from = i + 1;
      }
    }
    buf[0] = table.lookup(line, at[0]!, at[1]!);
    if (which === 'dx') c.dx = buf;
    else c.px = buf;
    return count;
  }

  /**
   * Problems of a record that the grouping rules themselves do not reject (SCHEME.md §3 lets unknown
   * codes through): a missing principal diagnosis, codes absent from the scheme's code tables, and a
   * principal diagnosis of a sex-specific MDC with the other sex. Grouping results are not changed.
   */
  check(input: GroupInput): string[] {
    const problems: string[] = [];
    const dx = input.dx.map((x, i) => (i === input.dx.length - 1 ? stripDotZero(x) : x));
    const px = input.px.map((x, i) => (i === input.px.length - 1 ? stripDotZero(x) : x));
    if ((dx[0] ?? '') === '') problems.push('missing principal diagnosis');
    const { diagnoses, procedures } = this.scheme;
    for (const code of dx) if (code !== '' && diagnoses && !diagnoses.has(code)) problems.push(`unknown diagnosis code ${code}`);
    for (const code of px) if (code !== '' && procedures && !procedures.has(code)) problems.push(`unknown procedure code ${code}`);
    const sex = stripDotZero(input.sex);
    const normalSex = sex === '男' ? '1' : sex === '女' ? '2' : sex;
    for (const m of this.scheme.mdcs.values()) {
      const sexTest = m.entry.find((c) => c.test === 'sex_is');
      const dxTest = m.entry.find((c) => c.test === 'principal_dx_in');
      if (!sexTest || !dxTest || sexTest.test !== 'sex_is' || dxTest.test !== 'principal_dx_in') continue;
      if (dxTest.codes.includes(dx[0] ?? '') && normalSex !== sexTest.value) problems.push(`sex mismatch: ${dx[0]} is a diagnosis of MDC ${m.mdc}, for sex ${sexTest.value}, but the sex is "${sex}"`);
    }
    return problems;
  }

  /** Normalises a record and interns its codes (SCHEME.md §2.3, §3). */
  encode(input: GroupInput): EncodedCase {
    const sex = stripDotZero(input.sex);
    const age = toNumber(stripDotZero(input.age));
    const ageDays = toNumber(stripDotZero(input.ageDays));
    const birthWeight = toNumber(stripDotZero(input.birthWeight));
    const los = toNumber(stripDotZero(input.los ?? ''));
    const checkFailed = sex === '' || (age === 0 && ageDays <= 28 && birthWeight === 0);
    const dxText = input.dx.length ? input.dx : [''];
    const pxText = input.px.length ? input.px : [''];
    const dx = new Int32Array(dxText.length);
    const px = new Int32Array(pxText.length);
    for (let i = 0; i < dxText.length; i++) dx[i] = this.#dxIndex.get(dxText[i]!) ?? -1;
    for (let i = 0; i < pxText.length; i++) px[i] = this.#pxIndex.get(pxText[i]!) ?? -1;
    return { sex: sex === '男' ? '1' : sex === '女' ? '2' : sex, age, ageDays, birthWeight, los, dx, px, checkFailed, dxText };
  }

  #load(input: GroupInput): 'ok' | 'check_failed' {
    const c = this.#c;
    const sex = stripDotZero(input.sex);
    c.age = toNumber(stripDotZero(input.age));
    c.ageDays = toNumber(stripDotZero(input.ageDays));
    c.birthWeight = toNumber(stripDotZero(input.birthWeight));
    c.los = toNumber(stripDotZero(input.los ?? ''));
    if (sex === '') return 'check_failed';
    if (c.age === 0 && c.ageDays <= 28 && c.birthWeight === 0) return 'check_failed';
    c.sex = sex === '男' ? '1' : sex === '女' ? '2' : sex;
    const dx = input.dx.length ? input.dx : [''];
    const px = input.px.length ? input.px : [''];
    if (c.ownDx.length < dx.length) c.ownDx = new Int32Array(dx.length * 2);
    if (c.ownPx.length < px.length) c.ownPx = new Int32Array(px.length * 2);
    c.dx = c.ownDx;
    c.px = c.ownPx;
    c.dx[0] = this.#dxIndex.get(dx[0]!) ?? -1;
    c.px[0] = this.#pxIndex.get(px[0]!) ?? -1;
    c.nDx = dx.length;
    c.nPx = px.length;
    c.dxReady = dx.length === 1;
    c.pxReady = px.length === 1;
    c.fromLine = false;
    c.comp = -1;
    c.dxText = dx;
    c.pxText = px;
    return 'ok';
  }

  /** Groups a case encoded with `encode` (no string work: the fast path for cases held in memory). */
  groupEncoded(e: EncodedCase, opts: { trace?: boolean } = {}): GroupResult {
    if (e.checkFailed) return opts.trace ? { ...CHECK_FAILED, trace: ['pre-check failed (SCHEME.md §3)'] } : CHECK_FAILED;
    const c = this.#c;
    c.sex = e.sex;
    c.age = e.age;
    c.ageDays = e.ageDays;
    c.birthWeight = e.birthWeight;
    c.los = e.los;
    c.dx = e.dx;
    c.nDx = e.dx.length;
    c.px = e.px;
    c.nPx = e.px.length;
    c.dxReady = true;
    c.pxReady = true;
    c.fromLine = false;
    c.comp = -1;
    c.dxText = e.dxText;
    return this.#run(opts.trace ? [] : undefined);
  }

  #result(code: string, trace: string[] | undefined): GroupResult {
    if (trace) return result(code, trace);
    let r = this.#results.get(code);
    if (!r) this.#results.set(code, (r = Object.freeze(result(code, undefined))));
    return r;
  }

  /** Groups one case. With `trace`, the result lists the steps taken. Results without a trace are shared frozen objects.
   * With `translate` (the scheme must be loaded with translation tables), codes are translated first (SCHEME.md §9). */
  group(input: GroupInput, opts: { trace?: boolean; translate?: boolean; strict?: boolean } = {}): GroupResult {
    const trace: string[] | undefined = opts.trace ? [] : undefined;
    if (opts.strict) {
      // Strict mode: a record with a problem (see check) is not grouped but refused with its reasons.
      const reasons = this.check(input);
      if (reasons.length) return { drg: '0000', adrg: '00', mdc: '0000', status: 'invalid', reasons, ...(trace ? { trace: [`invalid input: ${reasons.join('; ')}`] } : {}) };
    }
    if (opts.translate) {
      const { dxMap, procMap } = this.scheme;
      if (!dxMap || !procMap) throw new Error('code translation needs the scheme loaded with its dx_map and proc_map tables');
      const dx = translate(input.dx.map((x, i, a) => (i === a.length - 1 ? stripDotZero(x) : x)), dxMap);
      if (!dx) return trace ? { ...DX_NOT_MAPPED, trace: ['a diagnosis code has no translation'] } : DX_NOT_MAPPED;
      const px = translate(input.px.map((x, i, a) => (i === a.length - 1 ? stripDotZero(x) : x)), procMap);
      if (!px) return trace ? { ...PROC_NOT_MAPPED, trace: ['a procedure code has no translation'] } : PROC_NOT_MAPPED;
      input = { ...input, dx, px };
    }
    if (this.#load(input) === 'check_failed') {
      trace?.push(stripDotZero(input.sex) === '' ? 'pre-check failed: sex is empty' : 'pre-check failed: a newborn (age 0, ≤ 28 days) must have a birth weight');
      return trace ? { ...CHECK_FAILED, trace } : CHECK_FAILED;
    }
    return this.#run(trace);
  }

  #run(trace: string[] | undefined): GroupResult {
    const c = this.#c;
    for (const m of this.#mdcs) {
      if (!m.entry(c)) continue;
      trace?.push(`MDC${m.mdc} entered: ${describe(m.source)}`);
      for (const st of m.steps) {
        if (st.type === 'ambiguous') {
          if (st.enabled && st.when(c)) {
            trace?.push(`ambiguous step ${st.code}: ${describe(st.source)}`);
            return { drg: st.code, adrg: 'QY', mdc: `MDC${st.code[0]}`, status: 'ambiguous', ...(trace ? { trace } : {}) };
          }
          continue;
        }
        if (!st.when(c)) continue;
        trace?.push(`ADRG ${st.code}: ${describe(st.source)}`);
        if (trace) this.#traceComplications(trace);
        for (const d of st.drgs) {
          if (!d.when(c)) continue;
          trace?.push(`DRG ${d.drg}: ${d.source.length ? describe(d.source) : 'the remaining split'}`);
          return this.#result(d.drg, trace);
        }
        return this.#result(st.code, trace);
      }
      trace?.push(`MDC${m.mdc}: no ADRG matched, trying the next MDC`);
    }
    trace?.push('no MDC took the case: ungroupable');
    return trace ? { ...UNGROUPABLE, trace } : UNGROUPABLE;
  }

  #traceComplications(trace: string[]): void {
    const c = this.#c;
    c.allDx();
    const p = c.dx[0]!;
    const e = p >= 0 ? this.#cceGroup[p]! : -1;
    const pText = c.dxText[0] ?? '';
    const excl = e >= 0 ? this.scheme.cce.get(pText) : undefined;
    for (let i = 1; i < c.nDx; i++) {
      const d = c.dx[i]!;
      const code = c.dxText[i] ?? '';
      if (d < 0) continue;
      const mcc = this.scheme.mcc.get(code);
      const cc = this.scheme.cc.get(code);
      const kind = mcc !== undefined ? 'MCC' : cc !== undefined ? 'CC' : undefined;
      if (!kind) continue;
      const group = mcc ?? cc;
      if (excl !== undefined && group === excl) trace.push(`${code} is a ${kind} of group ${group}, excluded by ${pText}'s exclusion table ${excl}`);
      else trace.push(`${code} is a ${kind} (group ${group})`);
    }
  }
}

const EMPTY_TEXT: string[] = [];
const DX_NOT_MAPPED: GroupResult = Object.freeze({ drg: '0000', adrg: '00', mdc: '0000', status: 'dx_not_mapped' });
const PROC_NOT_MAPPED: GroupResult = Object.freeze({ drg: '0000', adrg: '00', mdc: '0000', status: 'proc_not_mapped' });

/**
 * SCHEME.md §9: walk the list by position; a code without a translation stops (null); otherwise the
 * first position currently holding the code takes its translation (one step, so chains end as the
 * reference leaves them: [a, b] with a → b, b → c becomes [c, b]).
 */
export function translate(list: readonly string[], map: ReadonlyMap<string, string>): string[] | null {
  const l = list.length ? [...list] : [''];
  for (let i = 0; i < l.length; i++) {
    const x = l[i]!;
    const y = map.get(x);
    if (y === undefined) return null;
    if (y !== x) l[l.indexOf(x)] = y;
  }
  return l;
}
const CHECK_FAILED: GroupResult = Object.freeze({ drg: '0000', adrg: '00', mdc: '0000', status: 'check_failed' });
const UNGROUPABLE: GroupResult = Object.freeze({ drg: '0000', adrg: '00', mdc: '0000', status: 'ungroupable' });

/** SCHEME.md §4: the four output values of a result code. */
function result(code: string, trace: string[] | undefined): GroupResult {
  const t = trace ? { trace } : {};
  if (code.slice(1, 3) === '00') return { drg: code, adrg: '00', mdc: `MDC${code[0]}`, status: 'ungroupable', ...t };
  return { drg: code, adrg: code.length === 4 ? code.slice(0, 3) : code, mdc: `MDC${code[0]}`, status: 'grouped', ...t };
}

function describe(conds: Condition[]): string {
  if (conds.length === 0) return 'always';
  return conds
    .map((c) => {
      switch (c.test) {
        case 'principal_dx_in':
        case 'any_dx_in':
          return `${c.test === 'principal_dx_in' ? 'principal diagnosis' : 'a diagnosis'} in a list of ${c.codes.length}`;
        case 'principal_proc_in':
        case 'any_proc_in':
        case 'no_proc_in':
          return `${c.test === 'principal_proc_in' ? 'principal procedure in' : c.test === 'any_proc_in' ? 'a procedure in' : 'no procedure in'} ${c.table ?? `a list of ${c.codes?.length ?? 0}`}`;
        case 'sex_is':
          return `sex ${c.value}`;
        case 'compare':
          return `${c.field} ${c.op} ${c.value}`;
        case 'proc_tier_combination':
          return `procedure tiers ${c.combinations.map((x) => x.join('+')).join(' or ')}`;
        case 'distinct_regions_at_least':
          return `at least ${c.min} trauma regions`;
        case 'has_mcc':
          return 'with MCC';
        case 'has_mcc_or_cc':
          return 'with MCC or CC';
      }
    })
    .join(' and ');
}

function intern(m: Map<string, number>, k: string): number {
  let i = m.get(k);
  if (i === undefined) {
    i = m.size;
    m.set(k, i);
  }
  return i;
}

/**
 * One CSV record of the grouper's input (SCHEME.md §2): `case_id,sex,age,age_days,birth_weight,dept,
 * los,disposition,diagnoses,procedures`, with the double-quote rule (commas inside quotes become `|`).
 * Returns null when the row has fewer than ten fields.
 */
export function parseCaseRow(line: string): { caseId: string; input: GroupInput } | null {
  let row = line;
  if (row.includes('"')) row = row.replace(/"([^"]*)"/g, (_, inner: string) => inner.replace(/,/g, '|'));
  const f = row.split(',');
  if (f.length < 10) return null;
  const list = (s: string) => stripDotZero(s).split('|');
  return {
    caseId: f[0]!,
    input: { sex: f[1]!, age: f[2]!, ageDays: f[3]!, birthWeight: f[4]!, dept: f[5]!, los: f[6]!, disposition: f[7]!, dx: list(f[8]!), px: list(f[9]!) },
  };
}
