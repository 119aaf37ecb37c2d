/**
 * Columnar batches the generator fills, chunk by chunk: typed arrays with dictionary-encoded codes
 * (institution, disease, diagnosis, service and drug indices), reused between chunks.
 */
import { FEE_CATEGORIES } from './catalogue.js';

export const N_FEES = FEE_CATEGORIES.length;
export const FEE_INDEX = Object.fromEntries(FEE_CATEGORIES.map((c, i) => [c, i])) as Record<(typeof FEE_CATEGORIES)[number], number>;

export const ENCOUNTER_TYPES = ['outpatient', 'emergency', 'inpatient'] as const;
export const LEVELS = ['village', 'township', 'county', 'out_of_county'] as const;

function grown<T extends Int32Array | Uint8Array | Uint16Array | Float64Array>(a: T, cap: number): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}

export class EncounterBatch {
  length = 0;
  id = new Int32Array(0);
  person = new Int32Array(0);
  institution = new Uint16Array(0);
  level = new Uint8Array(0);
  type = new Uint8Array(0);
  scheme = new Uint8Array(0);
  disease = new Uint16Array(0);
  dx = new Int32Array(0); // principal diagnosis, index into the code dictionary
  start = new Int32Array(0);
  end = new Int32Array(0);
  los = new Uint16Array(0);
  severity = new Uint8Array(0);
  referral = new Int32Array(0); // -1 none
  total = new Float64Array(0);
  /** N_FEES amounts per encounter, row-major. */
  fees = new Float64Array(0);
  /** Amounts of insurance class B (乙类) and class C (丙类) lines; class A is the rest of the total. */
  classB = new Float64Array(0);
  classC = new Float64Array(0);

  constructor(capacity = 1024) {
    this.#resize(capacity);
  }

  #resize(cap: number): void {
    this.id = grown(this.id, cap);
    this.person = grown(this.person, cap);
    this.institution = grown(this.institution, cap);
    this.level = grown(this.level, cap);
    this.type = grown(this.type, cap);
    this.scheme = grown(this.scheme, cap);
    this.disease = grown(this.disease, cap);
    this.dx = grown(this.dx, cap);
    this.start = grown(this.start, cap);
    this.end = grown(this.end, cap);
    this.los = grown(this.los, cap);
    this.severity = grown(this.severity, cap);
    this.referral = grown(this.referral, cap);
    this.total = grown(this.total, cap);
    this.fees = grown(this.fees, cap * N_FEES);
    this.classB = grown(this.classB, cap);
    this.classC = grown(this.classC, cap);
  }

  /** Appends a zeroed row and returns its index. */
  push(): number {
    if (this.length === this.id.length) this.#resize(this.id.length * 2);
    const r = this.length++;
    this.fees.fill(0, r * N_FEES, (r + 1) * N_FEES);
    this.total[r] = 0;
    this.classB[r] = 0;
    this.classC[r] = 0;
    this.referral[r] = -1;
    return r;
  }

  clear(): void {
    this.length = 0;
  }
}

/** Charge lines (item = service index) or drug lines (item = drug index). */
export class LineBatch {
  length = 0;
  encounter = new Int32Array(0);
  lineNo = new Uint16Array(0);
  item = new Uint16Array(0);
  quantity = new Int32Array(0);
  price = new Int32Array(0);
  amount = new Float64Array(0);
  start = new Int32Array(0); // the encounter's start day (for monthly drug volumes)
  institution = new Uint16Array(0);

  constructor(capacity = 4096) {
    this.#resize(capacity);
  }

  #resize(cap: number): void {
    this.encounter = grown(this.encounter, cap);
    this.lineNo = grown(this.lineNo, cap);
    this.item = grown(this.item, cap);
    this.quantity = grown(this.quantity, cap);
    this.price = grown(this.price, cap);
    this.amount = grown(this.amount, cap);
    this.start = grown(this.start, cap);
    this.institution = grown(this.institution, cap);
  }

  push(encounter: number, lineNo: number, item: number, quantity: number, price: number, start: number, institution: number): number {
    if (this.length === this.encounter.length) this.#resize(this.encounter.length * 2);
    const r = this.length++;
    this.encounter[r] = encounter;
    this.lineNo[r] = lineNo;
    this.item[r] = item;
    this.quantity[r] = quantity;
    this.price[r] = price;
    this.amount[r] = quantity * price;
    this.start[r] = start;
    this.institution[r] = institution;
    return r;
  }

  clear(): void {
    this.length = 0;
  }
}

/** An inpatient case in the grouper's input fields. */
export interface InpatientCase {
  caseId: number;
  sex: number;
  age: number;
  ageDays: number | null;
  birthWeight: number | null;
  dept: string;
  los: number;
  disposition: number;
  diagnoses: string;
  procedures: string;
}

export interface Referral {
  id: number;
  person: number;
  direction: 'up' | 'down';
  from: number; // institution index
  to: number;
  day: number;
  disease: number;
  sourceEncounter: number; // -1 none
  encounter: number;
}

/** What one chunk of persons produced. */
export interface CareChunk {
  year: number;
  encounters: EncounterBatch;
  chargeLines: LineBatch;
  drugLines: LineBatch;
  inpatientCases: InpatientCase[];
  referrals: Referral[];
}
