/**
 * Rules as data: the diseases the county commits to treat inside the county (县域内应治疗病种,
 * `catalogue/in-county-diseases.yaml`, dated versions of disease ids of catalogue/diseases.yaml), and
 * the alert when a case of one of them is treated outside the county without a referral covering it
 * (县外就医未转诊提示).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Bilingual, ParamTree, Reference } from '../rules/params.js';
import { isIsoDate, type IsoDate } from '../rules/period.js';
import { NetworkInputError } from './common.js';
import type { Referral } from './referral.js';
import { assignReferralsToStays, type EncounterRef } from './reimbursement.js';

export interface InCountyDisease {
  id: string;
  /** From the disease catalogue, when the loader was given names. */
  name?: Bilingual;
  note?: string;
}

export interface InCountyVersion {
  effectiveFrom: IsoDate;
  reference: Reference;
  diseases: InCountyDisease[];
}

export interface InCountyDiseaseList {
  label: Bilingual;
  /** Sorted by effective date, ascending. */
  versions: InCountyVersion[];
}

export const SHIPPED_IN_COUNTY_FILE = fileURLToPath(new URL('../../catalogue/in-county-diseases.yaml', import.meta.url));

const bilingual = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();
const reference = z
  .object({ basis: z.enum(['source', 'reported', 'default']), docNo: z.string().optional(), title: z.string().optional(), url: z.string().optional(), reason: z.string().optional() })
  .strict()
  .refine((r) => (r.basis === 'default' ? !!r.reason : !!(r.docNo ?? r.url)), { message: '«default» needs a reason; «source»/«reported» need docNo or url' });
const fileSchema = z
  .object({
    label: bilingual,
    versions: z
      .array(
        z
          .object({
            effectiveFrom: z.string().refine(isIsoDate, { message: 'expected a date YYYY-MM-DD' }),
            reference,
            diseases: z.array(z.object({ id: z.string().min(1), note: z.string().optional() }).strict()).min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

/**
 * Parses and validates the list. `knownDiseases`: the catalogue's disease ids (with their names, which
 * are copied into the list); an unknown or repeated id, a repeated date or a bad field is refused,
 * every problem named with the file.
 */
export function parseInCountyDiseases(text: string, knownDiseases: ReadonlyMap<string, Bilingual> | ReadonlySet<string>, file = 'in-county-diseases.yaml'): InCountyDiseaseList {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new NetworkInputError(`${file}: YAML: ${(e as Error).message}`);
  }
  const r = fileSchema.safeParse(raw);
  if (!r.success) throw new NetworkInputError(`${file}: ${r.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}`);
  const problems: string[] = [];
  const names = knownDiseases instanceof Map ? (knownDiseases as ReadonlyMap<string, Bilingual>) : null;
  const dates = new Set<string>();
  const versions: InCountyVersion[] = r.data.versions.map((v, vi) => {
    if (dates.has(v.effectiveFrom)) problems.push(`versions.${vi}: effectiveFrom ${v.effectiveFrom} repeated`);
    dates.add(v.effectiveFrom);
    const seen = new Set<string>();
    const diseases = v.diseases.map((d, di) => {
      if (!knownDiseases.has(d.id)) problems.push(`versions.${vi}.diseases.${di}: unknown disease ${d.id} (not in catalogue/diseases.yaml)`);
      if (seen.has(d.id)) problems.push(`versions.${vi}.diseases.${di}: ${d.id} listed twice`);
      seen.add(d.id);
      const name = names?.get(d.id);
      return { id: d.id, ...(name ? { name } : {}), ...(d.note ? { note: d.note } : {}) };
    });
    return { effectiveFrom: v.effectiveFrom, reference: v.reference, diseases };
  });
  if (problems.length) throw new NetworkInputError(`${file}: ${problems.join('; ')}`);
  versions.sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1));
  return { label: r.data.label, versions };
}

/** Reads and validates the list (default: the shipped `catalogue/in-county-diseases.yaml`). */
export async function loadInCountyDiseases(knownDiseases: ReadonlyMap<string, Bilingual> | ReadonlySet<string>, file: string = SHIPPED_IN_COUNTY_FILE): Promise<InCountyDiseaseList> {
  const text = await readFile(file, 'utf8').catch((e: unknown) => {
    throw new NetworkInputError(`${file}: cannot read: ${(e as Error).message}`);
  });
  return parseInCountyDiseases(text, knownDiseases, file);
}

/** The version in force on `date`, or null before the first. */
export function inCountyVersionAt(list: InCountyDiseaseList, date: IsoDate): InCountyVersion | null {
  let found: InCountyVersion | null = null;
  for (const v of list.versions) if (v.effectiveFrom <= date) found = v;
  return found;
}

export interface LeftCountyAlert {
  personId: string;
  encounterId: string;
  diseaseId: string;
  diseaseName?: Bilingual;
  /** Where the case was treated (outside the county). */
  institutionId: string;
  date: IsoDate;
  /** The version of the list that applied. */
  listEffectiveFrom: IsoDate;
  message: Bilingual;
}

/**
 * Alerts for cases of a disease on the list (the version in force on the encounter's date) treated
 * outside the county without a referral covering them — by the settlement's own rule,
 * `assignReferralsToStays` (one referral covers one stay). By default only admissions count; `types`
 * widens it to visits. In encounter order.
 */
export function leftCountyWithoutReferral(
  encounters: readonly EncounterRef[],
  referrals: readonly Referral[],
  list: InCountyDiseaseList,
  params: ParamTree,
  opts: { types?: ReadonlyArray<EncounterRef['type']> } = {},
): LeftCountyAlert[] {
  const types = opts.types ?? ['inpatient'];
  const outside = encounters.filter((e) => !e.institution.inCounty && types.includes(e.type));
  const covered = assignReferralsToStays(outside, referrals, params);
  const out: LeftCountyAlert[] = [];
  for (const e of outside) {
    if (!e.diseaseId || covered.has(e.id)) continue;
    const version = inCountyVersionAt(list, e.startDate);
    const disease = version?.diseases.find((d) => d.id === e.diseaseId);
    if (!version || !disease) continue;
    const zh = disease.name?.zh ?? disease.id;
    const en = disease.name?.en ?? disease.id;
    out.push({
      personId: e.personId,
      encounterId: e.id,
      diseaseId: disease.id,
      ...(disease.name ? { diseaseName: disease.name } : {}),
      institutionId: e.institution.id,
      date: e.startDate,
      listEffectiveFrom: version.effectiveFrom,
      message: {
        zh: `参保人 ${e.personId} 患县域内应治疗病种「${zh}」，${e.startDate} 未经转诊在县外机构 ${e.institution.id} 就医（就诊 ${e.id}）`,
        en: `person ${e.personId} with ${en}, a disease the county treats in county, was treated at ${e.institution.id} outside the county on ${e.startDate} without a referral (encounter ${e.id})`,
      },
    });
  }
  return out;
}
