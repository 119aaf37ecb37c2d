/**
 * Loads a finished `sanyi generate` directory into the store with COPY: places (as township and
 * village jurisdictions), institutions, staff, residents and their yearly enrolment, encounters with
 * their fee-category totals, inpatient cases, referrals and monthly drug and service volumes. Charge
 * and drug lines stay in the files (DESIGN.md: keep the bulk tables lean).
 *
 * Idempotent: the county's previous data are deleted first and the `datasets` row, written last,
 * marks a complete load; loading the same directory again leaves one copy. A row that does not parse
 * (wrong number of fields, a bad integer or date, an unknown vocabulary value) is reported with its
 * file, line and column, written to `<dir>/rejected/<file>` for review, and the other rows are loaded.
 */
import { createReadStream, existsSync, mkdirSync, readFileSync, writeFileSync, appendFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { GENERATED_FILES, LATER_FILES, MANIFEST_FILE, type GeneratedFileKey, type GenerationManifest } from '../simulation/files.js';
import type { Store } from '../store/store.js';

export interface LoadProgress {
  file: string;
  rows: number;
  total: number;
}

export interface RejectedRow {
  file: string;
  line: number;
  column: string;
  problem: string;
}

export interface LoadSummary {
  county: string;
  rows: Record<string, number>;
  rejected: RejectedRow[];
  /** What was not loaded and why (e.g. a file an older generation did not write). */
  warnings: string[];
  seconds: number;
}

export class LoadError extends Error {
  override name = 'LoadError';
}

type Kind = 'text' | 'int' | 'date' | 'optInt' | 'optDate' | 'optText' | 'flag';
interface Col {
  name: string;
  kind: Kind;
  oneOf?: readonly string[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INT = /^-?\d+$/;

/** Splits one CSV line (fields quoted only when needed, no line breaks inside fields). */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (q) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Converts one field; returns the value or throws a message. */
function convert(v: string, c: Col): unknown {
  switch (c.kind) {
    case 'text':
      if (v === '') throw new Error('is empty');
      if (c.oneOf && !c.oneOf.includes(v)) throw new Error(`"${v}" is not one of ${c.oneOf.join(', ')}`);
      return v;
    case 'optText':
      return v === '' ? null : v;
    case 'int':
      if (!INT.test(v)) throw new Error(`"${v}" is not an integer`);
      return Number(v);
    case 'optInt':
      if (v === '') return null;
      if (!INT.test(v)) throw new Error(`"${v}" is not an integer`);
      return Number(v);
    case 'date':
      if (!DATE.test(v)) throw new Error(`"${v}" is not a date (YYYY-MM-DD)`);
      return v;
    case 'optDate':
      if (v === '') return null;
      if (!DATE.test(v)) throw new Error(`"${v}" is not a date (YYYY-MM-DD)`);
      return v;
    case 'flag':
      if (v !== '0' && v !== '1') throw new Error(`"${v}" is not 0 or 1`);
      return v === '1';
  }
}

interface Reader {
  key: GeneratedFileKey;
  dir: string;
  rejected: RejectedRow[];
  onProgress?: ((p: LoadProgress) => void) | undefined;
  total: number;
}

/**
 * Rows of a file as typed values in `cols` order (by the file's header names), skipping and
 * recording bad rows. `map` may reshape a row (prefix ids, add the county) before it is stored.
 */
async function* rowsOf(r: Reader, cols: readonly Col[], map: (v: unknown[]) => unknown[] = (v) => v): AsyncGenerator<unknown[]> {
  const spec = GENERATED_FILES[r.key];
  const file = path.join(r.dir, spec.file);
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let lineNo = 0;
  let header: string[] = [];
  let index: number[] = [];
  let done = 0;
  for await (const line of lines) {
    lineNo++;
    if (lineNo === 1) {
      header = splitCsvLine(line);
      index = cols.map((c) => header.indexOf(c.name));
      const missing = cols.filter((_, i) => index[i]! < 0).map((c) => c.name);
      if (missing.length) throw new LoadError(`${file}: the header lacks ${missing.join(', ')}`);
      continue;
    }
    if (line === '') continue;
    const f = splitCsvLine(line);
    if (f.length !== header.length) {
      reject(r, spec.file, lineNo, '(row)', `has ${f.length} fields, the header ${header.length}`, line, header);
      continue;
    }
    const out: unknown[] = new Array(cols.length);
    let bad = false;
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i]!;
      try {
        out[i] = convert(f[index[i]!]!, c);
      } catch (e) {
        reject(r, spec.file, lineNo, c.name, (e as Error).message, line, header);
        bad = true;
        break;
      }
    }
    if (bad) continue;
    done++;
    if (r.onProgress && done % 50_000 === 0) r.onProgress({ file: spec.file, rows: done, total: r.total });
    yield map(out);
  }
  r.onProgress?.({ file: spec.file, rows: done, total: r.total });
}

function reject(r: Reader, file: string, line: number, column: string, problem: string, text: string, header: string[]): void {
  r.rejected.push({ file, line, column, problem });
  const dir = path.join(r.dir, 'rejected');
  const out = path.join(dir, file);
  if (!existsSync(out)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(out, `line,problem,${header.join(',')}\n`);
  }
  appendFileSync(out, `${line},"${`${column}: ${problem}`.replace(/"/g, '""')}",${text}\n`);
}

/** Whether a manifest lists a file (one of LATER_FILES may be absent from an older generation's). */
function lists(m: GenerationManifest, key: GeneratedFileKey): boolean {
  return (m.files as Partial<GenerationManifest['files']> | undefined)?.[key] !== undefined;
}

/** Reads and checks a directory's manifest (an older one may lack the LATER_FILES). */
export function readManifest(dir: string): GenerationManifest {
  const file = path.join(dir, MANIFEST_FILE);
  if (!existsSync(file)) throw new LoadError(`${file} is missing: ${dir} is not a finished generation (run sanyi generate --out ${dir})`);
  let m: GenerationManifest;
  try {
    m = JSON.parse(readFileSync(file, 'utf8')) as GenerationManifest;
  } catch (e) {
    throw new LoadError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (m.format !== 'sanyi-generate/1') throw new LoadError(`${file}: format ${String(m.format)} is not sanyi-generate/1`);
  for (const key of Object.keys(GENERATED_FILES) as GeneratedFileKey[]) {
    if (!lists(m, key)) {
      if (LATER_FILES.has(key)) continue;
      throw new LoadError(`${file}: lists no ${GENERATED_FILES[key].file}`);
    }
    if (!existsSync(path.join(dir, GENERATED_FILES[key].file))) throw new LoadError(`${path.join(dir, GENERATED_FILES[key].file)} is missing`);
  }
  return m;
}

const FEES = GENERATED_FILES.encounters.columns.filter((c) => c.name.endsWith('_fen')).map((c) => c.name);

export async function loadGenerated(store: Store, dir: string, opts: { onProgress?: (p: LoadProgress) => void } = {}): Promise<LoadSummary> {
  const t0 = performance.now();
  const m = readManifest(dir);
  const county = m.jurisdiction;
  rmSync(path.join(dir, 'rejected'), { recursive: true, force: true });
  const rejected: RejectedRow[] = [];
  const warnings: string[] = [];
  const reader = (key: GeneratedFileKey): Reader => ({ key, dir, rejected, onProgress: opts.onProgress, total: m.files[key].rows });
  const rows: Record<string, number> = {};
  const place = (id: unknown) => (typeof id === 'string' && id !== '' ? `${county}-${id}` : null);

  // Institutions first (small): their ids decide what an earlier load of this county left.
  const instCols: Col[] = [
    { name: 'institution_id', kind: 'text' },
    { name: 'kind', kind: 'text' },
    { name: 'grade', kind: 'text', oneOf: ['primary', 'secondary', 'tertiary'] },
    { name: 'township_id', kind: 'optText' },
    { name: 'community_id', kind: 'optText' },
    { name: 'in_county', kind: 'flag' },
    { name: 'name_zh', kind: 'text' },
    { name: 'name_en', kind: 'text' },
    { name: 'beds', kind: 'int' },
  ];
  const instValues: unknown[][] = [];
  for await (const v of rowsOf(reader('institutions'), instCols)) instValues.push(v);
  const instIds = instValues.map((v) => v[0] as string);

  // The county's earlier data go (a partial earlier load included), in one transaction.
  await store.transaction(async (tx) => {
    await tx.query('delete from datasets where county_id = $1', [county]);
    for (const t of ['encounters', 'inpatient_cases', 'referrals', 'drug_volumes', 'service_volumes']) await tx.query(`delete from ${t} where county_id = $1`, [county]);
    await tx.query('delete from enrolments where resident_id in (select id from residents where county_id = $1)', [county]);
    await tx.query('delete from residents where county_id = $1', [county]);
    await tx.query('delete from staff where institution_id in (select id from institutions where jurisdiction_id = $1 or id = any($2))', [county, instIds]);
    await tx.query('delete from institutions where jurisdiction_id = $1 or id = any($2)', [county, instIds]);
    await tx.query(`delete from jurisdictions where level = 'village' and parent_id in (select id from jurisdictions where level = 'township' and parent_id = $1)`, [county]);
    await tx.query(`delete from jurisdictions where level = 'township' and parent_id = $1`, [county]);
  });

  const parent = (await store.query<{ parent_id: string | null }>('select parent_id from jurisdictions where id = $1', [county]))[0];
  if (!parent) throw new LoadError(`the county ${county} of ${path.join(dir, MANIFEST_FILE)} is not a jurisdiction of this database`);
  const region = parent.parent_id ?? county;
  const province = (await store.query<{ parent_id: string | null }>('select parent_id from jurisdictions where id = $1', [region]))[0]?.parent_id ?? region;

  // Places become township and village jurisdictions (ids prefixed with the county).
  const placeRows: unknown[][] = [];
  for await (const v of rowsOf(reader('places'), [
    { name: 'place_id', kind: 'text' },
    { name: 'kind', kind: 'text', oneOf: ['township', 'village'] },
    { name: 'township_id', kind: 'text' },
    { name: 'name_zh', kind: 'text' },
    { name: 'name_en', kind: 'text' },
  ])) {
    placeRows.push([place(v[0]), v[1] === 'township' ? county : place(v[2]), v[1], null, v[3], v[4]]);
  }
  placeRows.sort((a, b) => (a[2] === b[2] ? 0 : a[2] === 'township' ? -1 : 1)); // townships before their villages
  rows.places = (await store.copyInto('jurisdictions', ['id', 'parent_id', 'level', 'adcode', 'name_zh', 'name_en'], placeRows)).rows;

  const instRows: unknown[][] = instValues.map((v) => {
    const inCounty = v[5] as boolean;
    const jur = inCounty ? county : v[1] === 'out_of_county_province' ? province : region;
    return [v[0], jur, place(v[3]), v[1], v[2], inCounty, v[4], v[6], v[7], v[8]];
  });
  // The lead hospital (its own community) before its members.
  instRows.sort((a, b) => Number(a[6] !== a[0]) - Number(b[6] !== b[0]));
  rows.institutions = (await store.copyInto('institutions', ['id', 'jurisdiction_id', 'township_id', 'kind', 'level', 'in_county', 'community_id', 'name_zh', 'name_en', 'beds'], instRows)).rows;

  rows.staff = (
    await store.copyInto(
      'staff',
      ['id', 'institution_id', 'role', 'title', 'sex', 'birth_year'],
      rowsOf(reader('staff'), [
        { name: 'staff_id', kind: 'text' },
        { name: 'institution_id', kind: 'text' },
        { name: 'role', kind: 'text' },
        { name: 'title', kind: 'text' },
        { name: 'sex', kind: 'text', oneOf: ['M', 'F'] },
        { name: 'birth_year', kind: 'int' },
      ]),
    )
  ).rows;

  // Residents, and one enrolment row per person and year present (参保登记).
  const enrol: unknown[][] = [];
  const firstYear = m.startYear;
  const lastYear = m.startYear + m.years - 1;
  rows.residents = (
    await store.copyInto(
      'residents',
      ['id', 'county_id', 'township_id', 'village_id', 'sex', 'birth_date', 'scheme', 'conditions', 'family_doctor', 'entry_date', 'entry_reason', 'exit_date', 'exit_reason'],
      rowsOf(
        reader('persons'),
        [
          { name: 'person_id', kind: 'int' },
          { name: 'township_id', kind: 'text' },
          { name: 'village_id', kind: 'text' },
          { name: 'sex', kind: 'text', oneOf: ['M', 'F'] },
          { name: 'birth_date', kind: 'date' },
          { name: 'scheme', kind: 'text', oneOf: ['resident', 'employee'] },
          { name: 'retired', kind: 'flag' },
          { name: 'conditions', kind: 'optText' },
          { name: 'family_doctor', kind: 'flag' },
          { name: 'entry_date', kind: 'date' },
          { name: 'entry_reason', kind: 'text', oneOf: ['baseline', 'birth', 'in_migration'] },
          { name: 'exit_date', kind: 'optDate' },
          { name: 'exit_reason', kind: 'optText' },
        ],
        (v) => {
          const entryYear = Number((v[9] as string).slice(0, 4));
          const exitYear = v[11] ? Number((v[11] as string).slice(0, 4)) : lastYear;
          const birthYear = Number((v[4] as string).slice(0, 4));
          for (let y = Math.max(firstYear, entryYear); y <= Math.min(lastYear, exitYear); y++) {
            const category = v[6] ? 'retiree' : v[5] === 'employee' ? 'active' : y - birthYear < 18 ? 'child' : 'adult';
            enrol.push([v[0], y, v[5], category]);
          }
          return [v[0], county, place(v[1]), place(v[2]), v[3], v[4], v[5], v[7] ?? '', v[8], v[9], v[10], v[11], v[12]];
        },
      ),
    )
  ).rows;
  rows.enrolments = (await store.copyInto('enrolments', ['resident_id', 'year', 'scheme', 'category'], enrol)).rows;
  enrol.length = 0;

  const encCols: Col[] = [
    { name: 'encounter_id', kind: 'int' },
    { name: 'person_id', kind: 'int' },
    { name: 'institution_id', kind: 'text' },
    { name: 'care_level', kind: 'text', oneOf: ['village', 'township', 'county', 'out_of_county'] },
    { name: 'type', kind: 'text', oneOf: ['outpatient', 'emergency', 'inpatient'] },
    { name: 'scheme', kind: 'text', oneOf: ['resident', 'employee'] },
    { name: 'disease_id', kind: 'text' },
    { name: 'principal_dx', kind: 'text' },
    { name: 'start_date', kind: 'date' },
    { name: 'end_date', kind: 'date' },
    { name: 'los', kind: 'int' },
    { name: 'severity', kind: 'int' },
    { name: 'referral_id', kind: 'optInt' },
    { name: 'total_fen', kind: 'int' },
    ...FEES.filter((f) => f !== 'total_fen').map((name): Col => ({ name, kind: 'int' })),
  ];
  rows.encounters = (
    await store.copyInto(
      'encounters',
      ['id', 'county_id', ...encCols.slice(1).map((c) => c.name)],
      rowsOf(reader('encounters'), encCols, (v) => [v[0], county, ...v.slice(1)]),
      { batchRows: 200_000, chunkRows: 50_000 },
    )
  ).rows;

  rows.inpatientCases = (
    await store.copyInto(
      'inpatient_cases',
      ['case_id', 'county_id', 'sex', 'age', 'age_days', 'birth_weight', 'dept', 'los', 'disposition', 'diagnoses', 'procedures'],
      rowsOf(
        reader('inpatientCases'),
        [
          { name: 'case_id', kind: 'int' },
          { name: 'sex', kind: 'int' },
          { name: 'age', kind: 'int' },
          { name: 'age_days', kind: 'optInt' },
          { name: 'birth_weight', kind: 'optInt' },
          { name: 'dept', kind: 'text' },
          { name: 'los', kind: 'int' },
          { name: 'disposition', kind: 'int' },
          { name: 'diagnoses', kind: 'text' },
          { name: 'procedures', kind: 'optText' },
        ],
        (v) => [v[0], county, ...v.slice(1, 9), v[9] ?? ''],
      ),
    )
  ).rows;

  rows.referrals = (
    await store.copyInto(
      'referrals',
      ['id', 'county_id', 'person_id', 'direction', 'from_institution_id', 'to_institution_id', 'referral_date', 'disease_id', 'source_encounter_id', 'encounter_id'],
      rowsOf(
        reader('referrals'),
        [
          { name: 'referral_id', kind: 'int' },
          { name: 'person_id', kind: 'int' },
          { name: 'direction', kind: 'text', oneOf: ['up', 'down'] },
          { name: 'from_institution_id', kind: 'text' },
          { name: 'to_institution_id', kind: 'text' },
          { name: 'referral_date', kind: 'date' },
          { name: 'disease_id', kind: 'text' },
          { name: 'source_encounter_id', kind: 'optInt' },
          { name: 'encounter_id', kind: 'int' },
        ],
        (v) => [v[0], county, ...v.slice(1)],
      ),
    )
  ).rows;

  // Monthly volumes (drug_volumes, service_volumes): the same six columns, keyed by their item.
  const loadVolumes = async (key: 'drugVolumes' | 'serviceVolumes', table: 'drug_volumes' | 'service_volumes', item: 'drug_id' | 'service_id') =>
    (
      await store.copyInto(
        table,
        ['county_id', 'month', 'institution_id', item, 'quantity', 'amount_fen', 'lines'],
        rowsOf(
          reader(key),
          [
            { name: 'month', kind: 'text' },
            { name: 'institution_id', kind: 'text' },
            { name: item, kind: 'text' },
            { name: 'quantity', kind: 'int' },
            { name: 'amount_fen', kind: 'int' },
            { name: 'lines', kind: 'int' },
          ],
          (v) => [county, ...v],
        ),
      )
    ).rows;
  rows.drugVolumes = await loadVolumes('drugVolumes', 'drug_volumes', 'drug_id');
  if (lists(m, 'serviceVolumes')) {
    rows.serviceVolumes = await loadVolumes('serviceVolumes', 'service_volumes', 'service_id');
  } else {
    rows.serviceVolumes = 0;
    warnings.push(`${GENERATED_FILES.serviceVolumes.file}: this generation predates it (its manifest does not list it): no service volumes loaded; generate again to have them`);
    opts.onProgress?.({ file: GENERATED_FILES.serviceVolumes.file, rows: 0, total: 0 });
  }

  // Every row of every file is either loaded or rejected; anything else means the files changed.
  const short: string[] = [];
  const loaded: Record<GeneratedFileKey, number | undefined> = {
    places: rows.places,
    institutions: rows.institutions,
    staff: rows.staff,
    persons: rows.residents,
    encounters: rows.encounters,
    chargeLines: undefined,
    drugLines: undefined,
    drugVolumes: rows.drugVolumes,
    serviceVolumes: lists(m, 'serviceVolumes') ? rows.serviceVolumes : undefined,
    referrals: rows.referrals,
    inpatientCases: rows.inpatientCases,
  };
  for (const [key, n] of Object.entries(loaded) as Array<[GeneratedFileKey, number | undefined]>) {
    if (n === undefined) continue;
    const file = GENERATED_FILES[key].file;
    const bad = rejected.filter((r) => r.file === file).length;
    if (n + bad !== m.files[key].rows) short.push(`${file}: ${n} loaded + ${bad} rejected ≠ ${m.files[key].rows} in the manifest`);
  }
  if (short.length) throw new LoadError(`${path.join(dir, MANIFEST_FILE)} does not match its files:\n  ${short.join('\n  ')}`);

  // After a bulk load: statistics for the planner, and the rows' visibility hint bits set now rather
  // than by the first reader (on the embedded database the first settlement read was ~40% slower).
  await store.exec('vacuum analyze encounters, inpatient_cases, residents, enrolments');
  await store.query(
    `insert into datasets (county_id, seed, param_version, catalogue_version, population, start_year, years, manifest) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [county, m.seed, m.paramVersion, m.catalogueVersion, m.population, m.startYear, m.years, JSON.stringify({ ...m, rejected: rejected.length })],
  );
  return { county, rows, rejected, warnings, seconds: (performance.now() - t0) / 1000 };
}
