/**
 * A year of encounters as columns (typed arrays with dictionary-encoded codes): what the settlement
 * run reads from the store and hands to adjudication, payment and supervision. Row r of every array
 * is one encounter; `fees` holds FEE_CATEGORIES.length amounts per row, row-major. Money is integer
 * fen held in Float64Array (exact up to 2^53). Days are days since 1970-01-01 (period.daysFromCivil).
 */
import { FEE_CATEGORIES } from '../rules/fees.js';

export const N_FEE_CATEGORIES = FEE_CATEGORIES.length;
export const FEE = Object.fromEntries(FEE_CATEGORIES.map((c, i) => [c, i])) as Record<(typeof FEE_CATEGORIES)[number], number>;

export const ENCOUNTER_TYPE_CODES = ['outpatient', 'emergency', 'inpatient'] as const;
export type EncounterType = (typeof ENCOUNTER_TYPE_CODES)[number];
export const TYPE = { outpatient: 0, emergency: 1, inpatient: 2 } as const;
export const SCHEME_CODES = ['resident', 'employee'] as const;

export interface InstitutionInfo {
  id: string;
  /** village | township | county | out_of_county (where the care happened). */
  careLevel: 'village' | 'township' | 'county' | 'out_of_county';
  /** Benefit level (医院等级). */
  grade: 'primary' | 'secondary' | 'tertiary';
  inCounty: boolean;
  kind: string;
  /** The township (乡镇) a township centre or village clinic serves; null for others. */
  townshipId?: string | null;
}

export interface EncounterColumns {
  length: number;
  id: Float64Array;
  person: Float64Array;
  /** Index into `institutions`. */
  institution: Uint16Array;
  institutions: InstitutionInfo[];
  /** Index into ENCOUNTER_TYPE_CODES. */
  type: Uint8Array;
  /** Index into SCHEME_CODES. */
  scheme: Uint8Array;
  /** Index into `diseases`. */
  disease: Uint16Array;
  diseases: string[];
  /** Principal diagnosis, index into `dxCodes`. */
  dx: Int32Array;
  dxCodes: string[];
  start: Int32Array;
  end: Int32Array;
  los: Uint16Array;
  severity: Uint8Array;
  /** 1 when the encounter came by a referral (转诊). */
  referred: Uint8Array;
  total: Float64Array;
  fees: Float64Array;
  /** Amounts of insurance class B (乙类) and class C (丙类) lines; class A = total − B − C. */
  classB: Float64Array;
  classC: Float64Array;
  /**
   * A hash of all fee-category amounts, when the reader computed it instead of reading every
   * category (duplicate detection compares it); absent: the `fees` columns are complete.
   */
  feeHash?: Int32Array;
}

/** Empty columns of the given capacity (the caller sets `length` and the dictionaries). */
export function allocateColumns(n: number): EncounterColumns {
  return {
    length: 0,
    id: new Float64Array(n),
    person: new Float64Array(n),
    institution: new Uint16Array(n),
    institutions: [],
    type: new Uint8Array(n),
    scheme: new Uint8Array(n),
    disease: new Uint16Array(n),
    diseases: [],
    dx: new Int32Array(n),
    dxCodes: [],
    start: new Int32Array(n),
    end: new Int32Array(n),
    los: new Uint16Array(n),
    severity: new Uint8Array(n),
    referred: new Uint8Array(n),
    total: new Float64Array(n),
    fees: new Float64Array(n * N_FEE_CATEGORIES),
    classB: new Float64Array(n),
    classC: new Float64Array(n),
  };
}
