/**
 * Rules as data: the diseases of an outreach specialty (下沉专科病种对照, `catalogue/outreach-specialties.yaml`).
 * A famous-doctor studio (名医工作室) or visiting specialist (专家坐诊) schedule names a `specialty`
 * (src/network/remote.ts); the indicators on out-of-county admissions of the outreach specialties
 * (indicators/linkage.yaml) count the admissions of the diseases this table gives that specialty.
 *
 * A specialty lists `departments` (科别: every catalogue disease whose `inpatient.dept` is one of them)
 * and/or `diseases` (ids of catalogue diseases with inpatient care). The loader refuses, naming the
 * file, the entry (number and id) and the field: an unknown field, a missing or empty field, an unknown
 * department or disease, a disease without inpatient care, a repeated specialty id, department or
 * disease within an entry, and a specialty that resolves to no disease. Pure: reads its file, nothing else.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import type { Bilingual, Reference } from '../rules/params.js';
import { NetworkInputError } from './common.js';

/** The file name inside a catalogue directory. */
export const OUTREACH_SPECIALTIES_FILE = 'outreach-specialties.yaml';
export const SHIPPED_OUTREACH_SPECIALTIES_FILE = fileURLToPath(new URL(`../../catalogue/${OUTREACH_SPECIALTIES_FILE}`, import.meta.url));

/** What the table needs to know of a catalogue disease. */
export interface SpecialtyDisease {
  id: string;
  /** Present when the disease has inpatient care; `dept` is its department (科别). */
  inpatient?: { dept: string } | undefined;
}

export interface OutreachSpecialty {
  id: string;
  name: Bilingual;
  departments: string[];
  /** The ids listed under `diseases`. */
  listedDiseases: string[];
  /** Every disease of the specialty (of its departments and listed), sorted. */
  diseaseIds: string[];
  note?: string;
}

export interface OutreachSpecialtyTable {
  /** The file it was read from (for messages). */
  file: string;
  label: Bilingual;
  reference: Reference;
  specialties: OutreachSpecialty[];
}

const bilingual = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });
const reference = z
  .strictObject({ basis: z.enum(['source', 'reported', 'default']), docNo: z.string().min(1).optional(), title: z.string().min(1).optional(), url: z.string().min(1).optional(), reason: z.string().min(1).optional() })
  .superRefine((r, ctx) => {
    if (r.basis === 'default' && !r.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a «default» reference must give its reason' });
    if (r.basis !== 'default' && !r.docNo && !r.url) ctx.addIssue({ code: 'custom', path: ['docNo'], message: `a «${r.basis}» reference needs a document number (docNo) or a url` });
  });
const fileSchema = z.strictObject({ label: bilingual, reference, specialties: z.array(z.unknown()).min(1, 'at least one specialty') });
const entrySchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a specialty id is lower case: letters, digits and _ (as network_outreach_sessions.specialty)'),
  name: bilingual,
  departments: z.array(z.string().min(1)).min(1, 'list at least one department, or leave the field out').optional(),
  diseases: z.array(z.string().min(1)).min(1, 'list at least one disease, or leave the field out').optional(),
  note: z.string().min(1).optional(),
});

function present(raw: unknown, p: readonly PropertyKey[]): boolean {
  let cur = raw;
  for (const k of p) {
    if (typeof cur !== 'object' || cur === null || !(k in cur)) return false;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur !== undefined && cur !== null;
}

function zodProblems(error: z.ZodError, raw: unknown, where: string): string[] {
  return error.issues.map((is) => {
    const field = is.path.map(String).join('.');
    if (is.code === 'unrecognized_keys') return `${where} field ${[field, ...is.keys].filter(Boolean).join('.')}: unknown field`;
    if (is.code !== 'custom' && is.path.length > 0 && !present(raw, is.path)) return `${where} field ${field}: required field missing`;
    return `${where} field ${field || '(entry)'}: ${is.message}`;
  });
}

/**
 * Parses and validates the table against the catalogue's diseases. Throws a NetworkInputError listing
 * every problem, one a line, each starting with the file name.
 */
export function parseOutreachSpecialties(text: string, diseases: readonly SpecialtyDisease[], file = OUTREACH_SPECIALTIES_FILE): OutreachSpecialtyTable {
  const fail = (problems: string[]): never => {
    throw new NetworkInputError(`invalid outreach specialty table (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  ${file}: ${p}`).join('\n')}`);
  };
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) return fail(doc.errors.map((e) => `YAML: ${e.message}`));
  const raw: unknown = doc.toJS();
  const head = fileSchema.safeParse(raw);
  if (!head.success) return fail(zodProblems(head.error, raw, '(file)'));
  const { label, reference: ref, specialties: rawEntries } = head.data;

  const byId = new Map(diseases.map((d) => [d.id, d]));
  const byDept = new Map<string, string[]>();
  for (const d of diseases) {
    if (!d.inpatient) continue;
    const l = byDept.get(d.inpatient.dept);
    if (l) l.push(d.id);
    else byDept.set(d.inpatient.dept, [d.id]);
  }
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const specialties: OutreachSpecialty[] = [];
  rawEntries.forEach((rawEntry, i) => {
    const n = i + 1;
    const rawId = typeof rawEntry === 'object' && rawEntry !== null && 'id' in rawEntry && typeof rawEntry.id === 'string' ? rawEntry.id : null;
    const where = `entry ${n}${rawId ? ` (${rawId})` : ''}`;
    if (rawId !== null) {
      if (seen.has(rawId)) problems.push(`${where} field id: specialty ${rawId} repeated: also entry ${seen.get(rawId)}`);
      else seen.set(rawId, n);
    }
    const r = entrySchema.safeParse(rawEntry);
    if (!r.success) {
      problems.push(...zodProblems(r.error, rawEntry, where));
      return;
    }
    const e = r.data;
    const before = problems.length;
    const problem = (field: string, p: string): void => void problems.push(`${where} field ${field}: ${p}`);
    if (!e.departments && !e.diseases) problem('departments', 'a specialty needs departments, diseases or both');
    const ids = new Set<string>();
    const depts = e.departments ?? [];
    depts.forEach((dept, k) => {
      if (depts.indexOf(dept) !== k) problem(`departments.${k}`, `department ${dept} listed twice`);
      const of = byDept.get(dept);
      if (!of) problem(`departments.${k}`, `unknown department ${dept}: no inpatient disease of catalogue/diseases.yaml has it (departments: ${[...byDept.keys()].sort().join(', ')})`);
      else for (const id of of) ids.add(id);
    });
    const listed = e.diseases ?? [];
    listed.forEach((id, k) => {
      if (listed.indexOf(id) !== k) problem(`diseases.${k}`, `disease ${id} listed twice`);
      const d = byId.get(id);
      if (!d) problem(`diseases.${k}`, `unknown disease ${id} (not in catalogue/diseases.yaml)`);
      else if (!d.inpatient) problem(`diseases.${k}`, `disease ${id} has no inpatient care in catalogue/diseases.yaml, so it is never an admission`);
      else ids.add(id);
    });
    if (problems.length > before) return;
    if (ids.size === 0) {
      problem('departments', 'the specialty resolves to no disease');
      return;
    }
    specialties.push({ id: e.id, name: e.name, departments: depts, listedDiseases: listed, diseaseIds: [...ids].sort(), ...(e.note ? { note: e.note } : {}) });
  });
  if (problems.length) return fail(problems);
  return { file, label, reference: ref, specialties };
}

/** Reads and validates the table (default: the shipped `catalogue/outreach-specialties.yaml`). */
export async function loadOutreachSpecialties(diseases: readonly SpecialtyDisease[], file: string = SHIPPED_OUTREACH_SPECIALTIES_FILE): Promise<OutreachSpecialtyTable> {
  const text = await readFile(file, 'utf8').catch((e: unknown) => {
    throw new NetworkInputError(`${file}: cannot read: ${(e as Error).message}`);
  });
  return parseOutreachSpecialties(text, diseases, file);
}

/**
 * The diseases of some specialties (the union, sorted). A specialty the table does not map is refused,
 * naming it and the file to add it to — counting none of its diseases would understate the share.
 */
export function diseasesOfSpecialties(table: OutreachSpecialtyTable, specialties: Iterable<string>): string[] {
  const byId = new Map(table.specialties.map((s) => [s.id, s]));
  const ids = new Set<string>();
  const unknown: string[] = [];
  for (const sp of specialties) {
    const s = byId.get(sp);
    if (!s) unknown.push(sp);
    else for (const d of s.diseaseIds) ids.add(d);
  }
  if (unknown.length) {
    throw new NetworkInputError(
      `${table.file}: no entry for outreach specialt${unknown.length === 1 ? 'y' : 'ies'} ${[...new Set(unknown)].sort().join(', ')} (mapped: ${[...byId.keys()].join(', ')}); add ${unknown.length === 1 ? 'it' : 'them'} with departments or diseases`,
    );
  }
  return [...ids].sort();
}
