/**
 * Reads a county-year from the store into columns for settlement: institutions, the persons with
 * their enrolment of the year, the encounters that end in the year (the claim date is the discharge
 * date, parameter rules.claimDateBasis) in (person, date, id) order, and the inpatient cases of the
 * year and of the three years before it (for the weights). Bulk rows come through COPY … TO (CSV),
 * which is an order of magnitude faster than row-by-row queries on PGlite.
 */
import type { Store } from '../store/store.js';
import { daysFromCivil } from '../rules/period.js';
import { FEE_CATEGORIES } from '../rules/fees.js';
import { allocateColumns, FEE, N_FEE_CATEGORIES, type EncounterColumns, type InstitutionInfo } from '../insurance/columns.js';
import type { GroupInput } from '../grouper/grouper.js';
import { parseCaseRow } from '../grouper/grouper.js';
import { splitCsvLine } from './load-generated.js';

export class SettleInputError extends Error {
  override name = 'SettleInputError';
}

export interface PersonInfo {
  /** Chronic conditions registered (|-separated in the store). */
  conditions: string[];
  retired: boolean;
  enrolled: boolean;
  familyDoctor: boolean;
  /** Day of death (days since 1970-01-01), or -1. */
  deathDay: number;
  townshipId: string;
}

export interface YearData {
  county: string;
  year: number;
  seed: string | null;
  institutions: InstitutionInfo[];
  /** The community (医共体) lead of each in-county institution. */
  communityOf: Map<string, string | null>;
  persons: Map<number, PersonInfo>;
  insured: number;
  encounters: EncounterColumns;
  /** Inpatient cases of the year and the three before it, for grouping. */
  cases: Array<{ caseId: number; input: GroupInput }>;
  /** For the earlier years' cases: year, cost, length of stay and institution of each case. */
  history: Map<number, { year: number; costFen: number; los: number; institution: string }>;
}

export const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

const dayOf = (s: string) => daysFromCivil(+s.slice(0, 4), +s.slice(5, 7), +s.slice(8, 10));

function lines(text: string): string[] {
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

const CARE_LEVEL_OF_KIND: Record<string, InstitutionInfo['careLevel']> = {
  county_general: 'county',
  county_tcm: 'county',
  county_mch: 'county',
  township_centre: 'township',
  village_clinic: 'village',
  out_of_county_city: 'out_of_county',
  out_of_county_province: 'out_of_county',
};

export async function readYear(store: Store, county: string, year: number, onStage: (s: string) => void = () => {}): Promise<YearData> {
  const ds = await store.query<{ seed: string; start_year: number; years: number }>('select seed, start_year, years from datasets where county_id = $1', [county]);
  if (ds.length === 0) {
    const known = (await store.query<{ county_id: string }>('select county_id from datasets order by 1')).map((r) => r.county_id);
    throw new SettleInputError(`no data for jurisdiction "${county}" in the store${known.length ? ` (loaded: ${known.join(', ')})` : ' (nothing is loaded: run `sanyi generate --into-db` or `npm start` first)'}`);
  }
  const d = ds[0]!;
  if (year < d.start_year || year >= d.start_year + d.years) {
    throw new SettleInputError(`jurisdiction "${county}" has data for ${d.start_year}${d.years > 1 ? `–${d.start_year + d.years - 1}` : ''}, not ${year}`);
  }

  onStage('reading institutions and persons');
  const { institutions, instIndex, communityOf } = await readInstitutions(store, county);

  const persons = new Map<number, PersonInfo>();
  let insured = 0;
  for (const l of lines(
    await store.copyOut(
      `select r.id, r.conditions, coalesce(en.category, ''), r.family_doctor::int, case when r.exit_reason = 'death' then r.exit_date end, r.township_id
         from residents r left join enrolments en on en.resident_id = r.id and en.year = ${year | 0}
        where r.county_id = ${quote(county)}`,
    ),
  )) {
    const f = l.split(',');
    const enrolled = f[2] !== '';
    if (enrolled) insured++;
    persons.set(+f[0]!, { conditions: f[1] ? f[1].split('|') : [], retired: f[2] === 'retiree', enrolled, familyDoctor: f[3] === '1', deathDay: f[4] ? dayOf(f[4]) : -1, townshipId: f[5]! });
  }

  onStage('reading encounters');
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const inYear = `e.county_id = ${quote(county)} and e.end_date between '${from}' and '${to}'`;
  const [range] = await store.query<{ lo: number | null; hi: number | null; n: number }>(`select min(e.id)::float8 as lo, max(e.id)::float8 as hi, count(*)::int as n from encounters e where ${inYear}`);
  const parser = new EncounterParser(range!.n, institutions, instIndex);
  if (range!.n > 0) {
    // In chunks of ids (the primary key: each chunk reads only its rows; ~1 million rows keep a
    // chunk's CSV far below the longest string JavaScript holds). Ordered by person afterwards.
    const lo = range!.lo!;
    const hi = range!.hi!;
    const width = Math.max(1, Math.ceil(((hi - lo + 1) * ENCOUNTER_CHUNK_ROWS) / range!.n));
    for (let a = lo; a <= hi; a += width) {
      parser.addText(await store.copyOut(`${ENCOUNTER_SELECT} where ${inYear} and e.id between ${a} and ${a + width - 1}`));
      onStage(`reading encounters: ${parser.length.toLocaleString('en-US')} of ${range!.n.toLocaleString('en-US')}`);
    }
  }
  const E = sortByPerson(parser.finish());
  if (E.length !== range!.n) throw new SettleInputError(`encounters of ${county} ${year} changed while they were read (${E.length} read, ${range!.n} counted): run again`);

  onStage('reading inpatient cases');
  const cases: YearData['cases'] = [];
  const history: YearData['history'] = new Map();
  const caseText = await store.copyOut(
    `select c.case_id, c.sex, c.age, c.age_days, c.birth_weight, c.dept, c.los, c.disposition, c.diagnoses, c.procedures,
            extract(year from e.end_date)::int, e.total_fen, e.institution_id
       from inpatient_cases c join encounters e on e.id = c.case_id
      where e.county_id = ${quote(county)} and e.end_date between '${year - 3}-01-01' and '${to}'`,
  );
  for (const l of lines(caseText)) {
    const parsed = parseCaseRow(l);
    if (!parsed) continue;
    const f = l.split(',');
    const n = f.length;
    const caseId = +parsed.caseId;
    cases.push({ caseId, input: parsed.input });
    history.set(caseId, { year: +f[n - 3]!, costFen: +f[n - 2]!, los: +parsed.input.los!, institution: f[n - 1]! });
  }
  return { county, year, seed: d.seed, institutions, communityOf, persons, insured, encounters: E, cases, history };
}

/**
 * The encounter columns settlement reads, in the order parseEncounters expects: dates as day numbers,
 * and of the fee categories only those the rules use (bed, examination, laboratory, surgery); the
 * other categories stay 0 in the columns. A fingerprint of all fourteen (Σ amount × a prime per
 * category, mod 2^31 − 1) stands in for them where claims are compared (duplicates).
 */
/**
 * 转诊 — an encounter counts as referred (the referred ratio of the benefit rules) when it carries a
 * referral, unless the care network's workflow (issue 8, `sanyi network build`) holds that referral in a
 * state that does not cover the stay: still requested, declined, cancelled or expired. Without a
 * workflow (the network not built) the referral on the encounter decides, as the generator wrote it.
 */
export const UNCOVERED_REFERRAL_STATES = ['requested', 'declined', 'cancelled', 'expired'] as const;
export const READ_FEES = ['bed', 'examination', 'laboratory', 'surgery'] as const;
/** Distinct primes weighting each fee category in the fee fingerprint (duplicate detection). */
const FEE_WEIGHTS = [3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47];
export const ENCOUNTER_SELECT = `select e.id, e.person_id, e.institution_id, e.type, e.scheme, e.disease_id, e.principal_dx,
    e.start_date - date '1970-01-01', e.end_date - date '1970-01-01', e.los, e.severity,
    (e.referral_id is not null and not exists (select 1 from network_referrals n where n.county_id = e.county_id and n.generated_id = e.referral_id
      and n.state in (${UNCOVERED_REFERRAL_STATES.map((s) => `'${s}'`).join(', ')})))::int, e.total_fen, ${READ_FEES.map((c) => `e.${c}_fen`).join(', ')}, e.class_b_fen, e.class_c_fen,
    (${FEE_CATEGORIES.map((c, i) => `e.${c}_fen * ${FEE_WEIGHTS[i]}`).join(' + ')}) % 2147483647 from encounters e`;

const ENCOUNTER_CHUNK_ROWS = 1_000_000;

/** Encounter rows (CSV lines of ENCOUNTER_SELECT) into columns. */
export function parseEncounters(rows: readonly string[], institutions: InstitutionInfo[], instIndex: ReadonlyMap<string, number>): EncounterColumns {
  const p = new EncounterParser(rows.length, institutions, instIndex);
  p.add(rows);
  return p.finish();
}

/** Fills preallocated encounter columns from CSV rows, chunk after chunk. */
export class EncounterParser {
  readonly #E: EncounterColumns;
  readonly #instIndex: ReadonlyMap<string, number>;
  readonly #diseaseIndex = new Map<string, number>();
  readonly #dxIndex = new Map<string, number>();
  length = 0;

  constructor(n: number, institutions: InstitutionInfo[], instIndex: ReadonlyMap<string, number>) {
    this.#E = allocateColumns(n);
    this.#E.feeHash = new Int32Array(n);
    this.#E.institutions = institutions;
    this.#instIndex = instIndex;
  }

  add(rows: readonly string[]): void {
    const E = this.#E;
    if (this.length + rows.length > E.id.length) throw new SettleInputError(`more encounters than counted (${this.length + rows.length} > ${E.id.length}): they changed while being read; run again`);
    for (let i = 0; i < rows.length; i++) {
      const r = this.length + i;
      const row = rows[i]!;
      const f = row.includes('"') ? splitCsvLine(row) : row.split(',');
      E.id[r] = +f[0]!;
      E.person[r] = +f[1]!;
      const ii = this.#instIndex.get(f[2]!);
      if (ii === undefined) throw new SettleInputError(`encounter ${f[0]}: institution ${f[2]} is not in the institutions table`);
      E.institution[r] = ii;
      E.type[r] = f[3] === 'inpatient' ? 2 : f[3] === 'emergency' ? 1 : 0;
      E.scheme[r] = f[4] === 'employee' ? 1 : 0;
      let di = this.#diseaseIndex.get(f[5]!);
      if (di === undefined) this.#diseaseIndex.set(f[5]!, (di = this.#diseaseIndex.size));
      E.disease[r] = di;
      let xi = this.#dxIndex.get(f[6]!);
      if (xi === undefined) this.#dxIndex.set(f[6]!, (xi = this.#dxIndex.size));
      E.dx[r] = xi;
      E.start[r] = +f[7]!;
      E.end[r] = +f[8]!;
      E.los[r] = +f[9]!;
      E.severity[r] = +f[10]!;
      E.referred[r] = +f[11]!;
      E.total[r] = +f[12]!;
      for (let k = 0; k < READ_FEES.length; k++) E.fees[r * N_FEE_CATEGORIES + FEE[READ_FEES[k]!]] = +f[13 + k]!;
      E.classB[r] = +f[13 + READ_FEES.length]!;
      E.classC[r] = +f[14 + READ_FEES.length]!;
      E.feeHash![r] = +f[15 + READ_FEES.length]!;
    }
    this.length += rows.length;
  }

  /**
   * The same from the CSV text itself, scanning characters (no string per row or per numeric field):
   * twice as fast as add() on a million rows. Falls back to add() for a row with a quote.
   */
  addText(text: string): void {
    const E = this.#E;
    const n = text.length;
    let pos = 0;
    const num = (): number => {
      let v = 0;
      let neg = false;
      let c = text.charCodeAt(pos);
      if (c === 45) {
        neg = true;
        c = text.charCodeAt(++pos);
      }
      while (c >= 48 && c <= 57) {
        v = v * 10 + (c - 48);
        c = text.charCodeAt(++pos);
      }
      pos++; // the comma or newline
      return neg ? -v : v;
    };
    const str = (): string => {
      const end = text.indexOf(',', pos);
      const v = text.slice(pos, end);
      pos = end + 1;
      return v;
    };
    let quote = text.indexOf('"');
    while (pos < n) {
      const lineEnd = text.indexOf('\n', pos);
      const stop = lineEnd < 0 ? n : lineEnd;
      if (quote >= 0 && quote < pos) quote = text.indexOf('"', pos);
      if (quote >= 0 && quote < stop) {
        this.add([text.slice(pos, stop)]);
        pos = stop + 1;
        continue;
      }
      const r = this.length;
      if (r >= E.id.length) throw new SettleInputError(`more encounters than counted (> ${E.id.length}): they changed while being read; run again`);
      E.id[r] = num();
      E.person[r] = num();
      const inst = str();
      const ii = this.#instIndex.get(inst);
      if (ii === undefined) throw new SettleInputError(`encounter ${E.id[r]}: institution ${inst} is not in the institutions table`);
      E.institution[r] = ii;
      const type = str();
      E.type[r] = type === 'inpatient' ? 2 : type === 'emergency' ? 1 : 0;
      E.scheme[r] = str() === 'employee' ? 1 : 0;
      const disease = str();
      let di = this.#diseaseIndex.get(disease);
      if (di === undefined) this.#diseaseIndex.set(disease, (di = this.#diseaseIndex.size));
      E.disease[r] = di;
      const dx = str();
      let xi = this.#dxIndex.get(dx);
      if (xi === undefined) this.#dxIndex.set(dx, (xi = this.#dxIndex.size));
      E.dx[r] = xi;
      E.start[r] = num();
      E.end[r] = num();
      E.los[r] = num();
      E.severity[r] = num();
      E.referred[r] = num();
      E.total[r] = num();
      for (let k = 0; k < READ_FEES.length; k++) E.fees[r * N_FEE_CATEGORIES + FEE[READ_FEES[k]!]] = num();
      E.classB[r] = num();
      E.classC[r] = num();
      E.feeHash![r] = num();
      if (pos !== stop + 1) throw new SettleInputError(`encounter ${E.id[r]}: unexpected row shape in the store's output: ${text.slice(Math.max(0, stop - 200), stop)}`);
      this.length++;
    }
  }

  finish(): EncounterColumns {
    const E = this.#E;
    E.length = this.length;
    E.diseases = [...this.#diseaseIndex.keys()];
    E.dxCodes = [...this.#dxIndex.keys()];
    return E;
  }
}

/** The institutions a county's encounters may name, with their care level and benefit grade. */
export async function readInstitutions(store: Store, county: string): Promise<{ institutions: InstitutionInfo[]; instIndex: Map<string, number>; communityOf: Map<string, string | null> }> {
  const inst = await store.query<{ id: string; kind: string; level: string; in_county: boolean; community_id: string | null; township_id: string | null }>(
    `select i.id, i.kind, i.level, i.in_county, i.community_id, i.township_id from institutions i
      where i.in_county = false or i.jurisdiction_id = $1 or i.jurisdiction_id in (select id from jurisdictions where parent_id = $1)
         or i.id in (select distinct institution_id from encounters where county_id = $1)
      order by i.id`,
    [county],
  );
  const institutions: InstitutionInfo[] = inst.map((r) => ({ id: r.id, careLevel: CARE_LEVEL_OF_KIND[r.kind] ?? 'county', grade: r.level as InstitutionInfo['grade'], inCounty: r.in_county, kind: r.kind, townshipId: r.township_id }));
  const instIndex = new Map(institutions.map((x, i) => [x.id, i]));
  const communityOf = new Map(inst.map((r) => [r.id, r.community_id]));
  return { institutions, instIndex, communityOf };
}

/** The columns reordered by (person, discharge day, id): how adjudication and supervision walk them. */
export function sortByPerson(E: EncounterColumns): EncounterColumns {
  const n = E.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => E.person[a]! - E.person[b]! || E.end[a]! - E.end[b]! || E.id[a]! - E.id[b]!);
  const S = allocateColumns(n);
  S.length = n;
  S.institutions = E.institutions;
  if (E.feeHash) S.feeHash = new Int32Array(n);
  S.diseases = E.diseases;
  S.dxCodes = E.dxCodes;
  const perm = <T extends Float64Array | Int32Array | Uint16Array | Uint8Array>(from: T, to: T) => {
    for (let i = 0; i < n; i++) to[i] = from[order[i]!]!;
  };
  perm(E.id, S.id);
  perm(E.person, S.person);
  perm(E.institution, S.institution);
  perm(E.type, S.type);
  perm(E.scheme, S.scheme);
  perm(E.disease, S.disease);
  perm(E.dx, S.dx);
  perm(E.start, S.start);
  perm(E.end, S.end);
  perm(E.los, S.los);
  perm(E.severity, S.severity);
  perm(E.referred, S.referred);
  perm(E.total, S.total);
  perm(E.classB, S.classB);
  perm(E.classC, S.classC);
  if (E.feeHash && S.feeHash) perm(E.feeHash, S.feeHash);
  for (let i = 0; i < n; i++) S.fees.set(E.fees.subarray(order[i]! * N_FEE_CATEGORIES, (order[i]! + 1) * N_FEE_CATEGORIES), i * N_FEE_CATEGORIES);
  return S;
}
