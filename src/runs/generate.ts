/**
 * `sanyi generate`: runs the synthetic-county generator and writes its CSV files (see
 * src/simulation/files.ts and docs/generate.md), the calibration report and, last, the manifest.
 *
 * Files are written as `<name>.part` and renamed when the run completes, and the manifest is written
 * after them, so an interrupted run (Ctrl-C, a crash) never leaves a file named as complete: a
 * directory is a finished generation exactly when manifest.json exists and its row counts match.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Catalogue } from '../simulation/catalogue.js';
import type { CareChunk } from '../simulation/batch.js';
import { N_FEES, ENCOUNTER_TYPES, LEVELS } from '../simulation/batch.js';
import type { CareTables } from '../simulation/care.js';
import type { County } from '../simulation/county.js';
import { civilDate, isoDate, yearStart } from '../simulation/dates.js';
import { ByteWriter, csvBytes } from './byte-writer.js';
import { CALIBRATION_FILE, GENERATED_FILES, INJECTIONS_FILE, MANIFEST_FILE, type GeneratedFileKey, type GenerationManifest } from '../simulation/files.js';
import { generate, type GenerateOptions, type GenerateResult, type GenerationSink } from '../simulation/generate.js';
import { CHRONIC_CONDITIONS } from '../simulation/catalogue.js';
import { ENTRY_REASONS, EXIT_REASONS, NO_EXIT, type Population } from '../simulation/population.js';

const PART = '.part';

export interface GenerateToDirectoryOptions extends GenerateOptions {
  out: string;
  /** Version string of the catalogue (hash of its files), recorded in the manifest. */
  catalogueVersion: string;
  generatedBy: string;
}

export interface GenerateToDirectoryResult {
  manifest: GenerationManifest;
  result: GenerateResult;
  dir: string;
}

/** Generates into `opts.out`. On failure or abort the part files are removed and the error rethrown. */
export async function generateToDirectory(opts: GenerateToDirectoryOptions): Promise<GenerateToDirectoryResult> {
  const dir = path.resolve(opts.out);
  mkdirSync(dir, { recursive: true });
  // The directory stops being a complete generation as soon as we start writing into it.
  rmSync(path.join(dir, MANIFEST_FILE), { force: true });
  for (const f of readdirSync(dir)) if (f.endsWith(PART)) rmSync(path.join(dir, f), { force: true });
  const writers = new Map<GeneratedFileKey, ByteWriter>();
  for (const [key, spec] of Object.entries(GENERATED_FILES) as Array<[GeneratedFileKey, (typeof GENERATED_FILES)[GeneratedFileKey]]>) {
    writers.set(key, new ByteWriter(path.join(dir, spec.file)).header(spec.columns.map((c) => c.name)));
  }
  const w = (k: GeneratedFileKey) => writers.get(k)!;
  const sink = new CsvSink(w, opts.catalogue, opts.startYear, opts.years);
  try {
    const result = await generate(opts, sink);
    sink.writeVolumes();
    const files = {} as GenerationManifest['files'];
    for (const [key, writer] of writers) files[key] = { file: path.basename(writer.path), rows: writer.rows, sha256: await writer.close() };
    for (const writer of writers.values()) writer.commit();
    const calibration = {
      seed: result.seed,
      paramVersion: result.paramVersion,
      years: result.yearResults.map((y) => ({ year: y.year, dynamics: y.dynamics, calibration: y.calibration })),
      parameters: result.parameters,
    };
    writeFileSync(path.join(dir, CALIBRATION_FILE), JSON.stringify(calibration, null, 2) + '\n');
    // Ground truth of planted abuse patterns (only when asked for): pattern, claim, institution, person.
    let injections: GenerationManifest['injections'];
    if (opts.inject) {
      const text = ['pattern,encounter_id,institution_id,person_id', ...result.injected.map((x) => `${x.pattern},${x.encounterId},${result.county.institutions[x.institution]!.id},${x.person}`)].join('\n') + '\n';
      writeFileSync(path.join(dir, INJECTIONS_FILE), text);
      injections = { file: INJECTIONS_FILE, rows: result.injected.length, sha256: createHash('sha256').update(text).digest('hex'), rates: opts.inject.rates };
    } else rmSync(path.join(dir, INJECTIONS_FILE), { force: true });
    const manifest: GenerationManifest = {
      format: 'sanyi-generate/1',
      seed: result.seed,
      paramVersion: result.paramVersion,
      catalogueVersion: opts.catalogueVersion,
      jurisdiction: result.jurisdiction,
      population: result.population,
      startYear: result.startYear,
      years: result.years,
      generatedBy: opts.generatedBy,
      files,
      ...(injections ? { injections } : {}),
    };
    writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    return { manifest, result, dir };
  } catch (e) {
    for (const writer of writers.values()) await writer.discard();
    throw e;
  }
}

/** Turns the generator's columnar chunks into CSV bytes. */
class CsvSink implements GenerationSink {
  #inst: Uint8Array[] = [];
  #codes: Uint8Array[] = [];
  readonly #services: Uint8Array[];
  readonly #serviceClass: Uint8Array[];
  readonly #drugs: Uint8Array[];
  readonly #drugTail: Uint8Array[];
  readonly #diseases: Uint8Array[];
  readonly #levels = LEVELS.map((l) => csvBytes(l));
  readonly #types = ENCOUNTER_TYPES.map((t) => csvBytes(t));
  readonly #schemes = [csvBytes('resident'), csvBytes('employee')];
  readonly #directions = { up: csvBytes('up'), down: csvBytes('down') };
  readonly #dayCache = new Map<number, Uint8Array>();
  // Drug and service volumes by (month, institution, item) in dense arrays; the month of a day from a table.
  readonly #firstDay: number;
  readonly #monthOfDay: Int16Array;
  readonly #months: number;
  #drugVolumes = new MonthlyVolumes(0, 0, 0);
  #serviceVolumes = new MonthlyVolumes(0, 0, 0);

  constructor(
    readonly w: (k: GeneratedFileKey) => ByteWriter,
    readonly catalogue: Catalogue,
    readonly startYear: number,
    years: number,
  ) {
    // Encounters can end up to a year after the last generated year (a long stay, a follow-up).
    this.#months = (years + 1) * 12;
    this.#firstDay = yearStart(startYear);
    const lastDay = yearStart(startYear + years + 1);
    this.#monthOfDay = new Int16Array(lastDay - this.#firstDay);
    for (let d = this.#firstDay; d < lastDay; d++) {
      const c = civilDate(d);
      this.#monthOfDay[d - this.#firstDay] = (c.year - startYear) * 12 + c.month - 1;
    }
    this.#services = catalogue.services.map((s) => Buffer.from(`${csvField(s.id)},${csvField(s.code)},${s.category}`, 'utf8'));
    this.#serviceClass = catalogue.services.map((s) => csvBytes(s.class));
    this.#drugs = catalogue.drugs.map((d) => Buffer.from(`${csvField(d.id)},${csvField(d.generic.zh)},${csvField(d.spec)},${d.category}`, 'utf8'));
    this.#drugTail = catalogue.drugs.map((d) => Buffer.from(`${d.class},${d.vbp ? 1 : 0}`, 'utf8'));
    this.#diseases = catalogue.diseases.map((d) => csvBytes(d.id));
  }

  /** The month index (0 = January of the start year) of a line's start day; throws outside the generated years. */
  #month(start: number, what: string, encounter: number): number {
    const day = start - this.#firstDay;
    const month = day >= 0 && day < this.#monthOfDay.length ? this.#monthOfDay[day]! : -1;
    if (month < 0) throw new Error(`a ${what} line of encounter ${encounter} falls outside the generated years`);
    return month;
  }

  #day(n: number): Uint8Array {
    let b = this.#dayCache.get(n);
    if (!b) this.#dayCache.set(n, (b = csvBytes(isoDate(n))));
    return b;
  }

  county(c: County): void {
    const places = this.w('places');
    for (const t of c.townships) places.text(t.id).comma().text('township').comma().text(t.id).comma().text(t.nameZh).comma().text(t.nameEn).comma().int(0).comma().text(String(t.kmToCounty)).end();
    for (const v of c.villages) {
      places.text(v.id).comma().text('village').comma().text(c.townships[v.townshipIndex]!.id).comma().text(v.nameZh).comma().text(v.nameEn).comma().text(String(v.kmToTownship)).comma().text(String(v.kmToCounty)).end();
    }
    const inst = this.w('institutions');
    for (const i of c.institutions) {
      inst.text(i.id).comma().text(i.kind).comma().text(i.careLevel).comma().text(i.grade).comma().text(i.townshipId).comma().text(i.placeId).comma().text(i.communityId).comma().int(i.inCounty ? 1 : 0).comma().text(i.nameZh).comma().text(i.nameEn).comma().int(i.beds).end();
    }
    const staff = this.w('staff');
    for (const s of c.staff) staff.text(s.id).comma().text(s.institutionId).comma().text(s.role).comma().text(s.title).comma().text(s.sex).comma().int(s.birthYear).end();
    this.#inst = c.institutions.map((i) => csvBytes(i.id));
    this.#drugVolumes = new MonthlyVolumes(this.#months, c.institutions.length, this.catalogue.drugs.length);
    this.#serviceVolumes = new MonthlyVolumes(this.#months, c.institutions.length, this.catalogue.services.length);
  }

  async chunk(chunk: CareChunk, ctx: { tables: CareTables }): Promise<void> {
    while (this.#codes.length < ctx.tables.codes.length) this.#codes.push(csvBytes(ctx.tables.codes[this.#codes.length]!));
    const e = chunk.encounters;
    const enc = this.w('encounters');
    for (let r = 0; r < e.length; r++) {
      enc.int(e.id[r]!).comma().int(e.person[r]!).comma().bytes(this.#inst[e.institution[r]!]!).comma().bytes(this.#levels[e.level[r]!]!).comma();
      enc.bytes(this.#types[e.type[r]!]!).comma().bytes(this.#schemes[e.scheme[r]!]!).comma().bytes(this.#diseases[e.disease[r]!]!).comma().bytes(this.#codes[e.dx[r]!]!).comma();
      enc.bytes(this.#day(e.start[r]!)).comma().bytes(this.#day(e.end[r]!)).comma().int(e.los[r]!).comma().int(e.severity[r]!).comma();
      if (e.referral[r]! >= 0) enc.int(e.referral[r]!);
      enc.comma().int(e.total[r]!);
      const base = r * N_FEES;
      for (let k = 0; k < N_FEES; k++) enc.comma().int(e.fees[base + k]!);
      enc.comma().int(e.classB[r]!).comma().int(e.classC[r]!);
      enc.end();
    }
    const cl = chunk.chargeLines;
    const charges = this.w('chargeLines');
    const services = this.#serviceVolumes;
    for (let r = 0; r < cl.length; r++) {
      const item = cl.item[r]!;
      charges.int(cl.encounter[r]!).comma().int(cl.lineNo[r]!).comma().bytes(this.#services[item]!).comma().int(cl.quantity[r]!).comma().int(cl.price[r]!).comma().int(cl.amount[r]!).comma().bytes(this.#serviceClass[item]!).end();
      services.add(this.#month(cl.start[r]!, 'charge', cl.encounter[r]!), cl.institution[r]!, item, cl.quantity[r]!, cl.amount[r]!);
    }
    const dl = chunk.drugLines;
    const drugs = this.w('drugLines');
    const drugVolumes = this.#drugVolumes;
    for (let r = 0; r < dl.length; r++) {
      const item = dl.item[r]!;
      drugs.int(dl.encounter[r]!).comma().int(dl.lineNo[r]!).comma().bytes(this.#drugs[item]!).comma().int(dl.quantity[r]!).comma().int(dl.price[r]!).comma().int(dl.amount[r]!).comma().bytes(this.#drugTail[item]!).end();
      drugVolumes.add(this.#month(dl.start[r]!, 'drug', dl.encounter[r]!), dl.institution[r]!, item, dl.quantity[r]!, dl.amount[r]!);
    }
    const cases = this.w('inpatientCases');
    for (const c of chunk.inpatientCases) {
      cases.int(c.caseId).comma().int(c.sex).comma().int(c.age).comma();
      if (c.ageDays !== null) cases.int(c.ageDays);
      cases.comma();
      if (c.birthWeight !== null) cases.int(c.birthWeight);
      cases.comma().text(c.dept).comma().int(c.los).comma().int(c.disposition).comma().text(c.diagnoses).comma().text(c.procedures).end();
    }
    const refs = this.w('referrals');
    for (const f of chunk.referrals) {
      refs.int(f.id).comma().int(f.person).comma().bytes(this.#directions[f.direction]).comma().bytes(this.#inst[f.from]!).comma().bytes(this.#inst[f.to]!).comma();
      refs.bytes(this.#day(f.day)).comma().bytes(this.#diseases[f.disease]!).comma();
      if (f.sourceEncounter >= 0) refs.int(f.sourceEncounter);
      refs.comma().int(f.encounter).end();
    }
    for (const k of ['encounters', 'chargeLines', 'drugLines'] as const) await this.w(k).drain();
  }

  population(pop: Population, c: County): void {
    const persons = this.w('persons');
    const condNames = Array.from({ length: 1 << CHRONIC_CONDITIONS.length }, (_, mask) => csvBytes(CHRONIC_CONDITIONS.filter((_, i) => mask & (1 << i)).join('|')));
    const townships = c.villages.map((v) => csvBytes(c.townships[v.townshipIndex]!.id));
    const villages = c.villages.map((v) => csvBytes(v.id));
    const sexes = [csvBytes(''), csvBytes('M'), csvBytes('F')];
    const entry = ENTRY_REASONS.map((x) => csvBytes(x));
    const exitR = EXIT_REASONS.map((x) => csvBytes(x));
    for (let i = 0; i < pop.n; i++) {
      const v = pop.village[i]!;
      const exit = pop.exit[i]!;
      persons.int(i).comma().bytes(sexes[pop.sex[i]!]!).comma().bytes(this.#day(pop.birth[i]!)).comma().bytes(townships[v]!).comma().bytes(villages[v]!).comma();
      persons.bytes(this.#schemes[pop.scheme[i]!]!).comma().int(pop.retired[i]!).comma().bytes(condNames[pop.conditions[i]!]!).comma().int(pop.contract[i]!).comma();
      persons.bytes(this.#day(pop.entry[i]!)).comma().bytes(entry[pop.entryReason[i]!]!).comma();
      if (exit !== NO_EXIT) persons.bytes(this.#day(exit));
      persons.comma().bytes(exitR[pop.exitReason[i]!]!).end();
    }
  }

  /** Writes the monthly drug and service volumes (after the last chunk). */
  writeVolumes(): void {
    const months = Array.from({ length: this.#months }, (_, m) => csvBytes(`${this.startYear + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`));
    this.#drugVolumes.write(this.w('drugVolumes'), months, this.#inst, this.catalogue.drugs.map((d) => csvBytes(d.id)));
    this.#serviceVolumes.write(this.w('serviceVolumes'), months, this.#inst, this.catalogue.services.map((s) => csvBytes(s.id)));
  }
}

/**
 * Quantity, amount (fen) and number of lines by (month, institution, item) in dense arrays. The sums
 * are integers; Float64Array holds them exactly up to 2^53 (amounts of a county are far below).
 */
class MonthlyVolumes {
  readonly #qty: Float64Array;
  readonly #amount: Float64Array;
  readonly #lines: Float64Array;

  constructor(
    readonly months: number,
    readonly institutions: number,
    readonly items: number,
  ) {
    const cells = months * institutions * items;
    this.#qty = new Float64Array(cells);
    this.#amount = new Float64Array(cells);
    this.#lines = new Float64Array(cells);
  }

  add(month: number, institution: number, item: number, quantity: number, amount: number): void {
    const cell = (month * this.institutions + institution) * this.items + item;
    this.#qty[cell]! += quantity;
    this.#amount[cell]! += amount;
    this.#lines[cell]! += 1;
  }

  /** One row per month, institution and item with at least one line, in that order. */
  write(out: ByteWriter, months: readonly Uint8Array[], institutions: readonly Uint8Array[], items: readonly Uint8Array[]): void {
    for (let m = 0; m < this.months; m++) {
      for (let i = 0; i < this.institutions; i++) {
        for (let d = 0; d < this.items; d++) {
          const cell = (m * this.institutions + i) * this.items + d;
          if (this.#lines[cell] === 0) continue;
          out.bytes(months[m]!).comma().bytes(institutions[i]!).comma().bytes(items[d]!).comma().int(this.#qty[cell]!).comma().int(this.#amount[cell]!).comma().int(this.#lines[cell]!).end();
        }
      }
    }
  }
}

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
