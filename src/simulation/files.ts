/**
 * The files `sanyi generate` writes: names, columns and what each column means. One definition serves
 * the writer, the loader (`--into-db`) and the documentation (docs/generate.md is checked against it).
 *
 * All files are UTF-8 CSV with a header row, `,` separated, `"`-quoted only where a value holds a comma,
 * quote or newline. Money is integer fen. Dates are ISO `YYYY-MM-DD`. Codes lists use `|`.
 */

export interface FileColumn {
  readonly name: string;
  readonly doc: string;
}

export interface FileSpec {
  readonly file: string;
  readonly doc: string;
  readonly columns: readonly FileColumn[];
}

const c = (name: string, doc: string): FileColumn => ({ name, doc });

const FEE_COLUMNS: readonly FileColumn[] = [
  c('bed_fen', '床位费 bed'),
  c('consultation_fen', '诊查费 consultation'),
  c('examination_fen', '检查费 examination'),
  c('laboratory_fen', '化验费 laboratory'),
  c('treatment_fen', '治疗费 treatment'),
  c('surgery_fen', '手术费 surgery'),
  c('nursing_fen', '护理费 nursing'),
  c('materials_fen', '卫生材料费 medical materials'),
  c('western_drug_fen', '西药费 western medicines'),
  c('patent_drug_fen', '中成药费 Chinese patent medicines'),
  c('herbal_drug_fen', '中药饮片费 Chinese herbal pieces'),
  c('general_diagnosis_fen', '一般诊疗费 general diagnosis and treatment fee'),
  c('registration_fen', '挂号费 registration'),
  c('other_fen', '其他费 other'),
];

export const GENERATED_FILES = {
  places: {
    file: 'places.csv',
    doc: 'Townships (乡镇) and villages (行政村) of the county, with distances used by the facility-choice model.',
    columns: [
      c('place_id', 'id, e.g. T01 (township) or T01V03 (village)'),
      c('kind', 'township | village'),
      c('township_id', 'the township (itself for a township)'),
      c('name_zh', 'name in Chinese'),
      c('name_en', 'name in English'),
      c('km_to_township', 'road distance from the village to its township health centre, km (0 for a township)'),
      c('km_to_county', 'road distance to the county seat, km'),
    ],
  },
  institutions: {
    file: 'institutions.csv',
    doc: 'Institutions: the county hospitals, one township health centre per township, village clinics, and out-of-county hospitals.',
    columns: [
      c('institution_id', 'id'),
      c('kind', 'county_general | county_tcm | county_mch | township_centre | village_clinic | out_of_county_city | out_of_county_province'),
      c('care_level', 'village | township | county | out_of_county (the level of the facility-choice model)'),
      c('grade', 'primary | secondary | tertiary (benefit level, 医院等级)'),
      c('township_id', 'township served (empty for county-level and out-of-county institutions)'),
      c('place_id', 'village or township where it stands (empty out of county)'),
      c('community_id', 'lead hospital of the county medical community (医共体牵头医院); empty out of county'),
      c('in_county', '1 inside the county, 0 outside'),
      c('name_zh', 'name in Chinese'),
      c('name_en', 'name in English'),
      c('beds', 'approved beds (编制床位)'),
    ],
  },
  staff: {
    file: 'staff.csv',
    doc: 'Staff by institution, role and title.',
    columns: [
      c('staff_id', 'id'),
      c('institution_id', 'employer'),
      c('role', 'doctor | nurse | pharmacist | technician | village_doctor | manager'),
      c('title', 'chief_physician (主任医师) | associate_chief_physician (副主任医师) | attending_physician (主治医师) | resident_physician (住院医师) | senior_nurse (主管护师及以上) | nurse | none'),
      c('sex', 'M | F'),
      c('birth_year', 'year of birth'),
    ],
  },
  persons: {
    file: 'persons.csv',
    doc: 'Everybody who lived in the county at any time of the generated years.',
    columns: [
      c('person_id', 'id (integer)'),
      c('sex', 'M | F'),
      c('birth_date', 'date of birth'),
      c('township_id', 'township of residence'),
      c('village_id', 'village of residence'),
      c('scheme', 'resident (城乡居民医保) | employee (职工医保)'),
      c('retired', '1 when a retired employee-scheme member'),
      c('conditions', 'chronic conditions, |-separated (hypertension, diabetes, copd, chd, stroke); empty when none'),
      c('family_doctor', '1 when the person holds a family-doctor contract (家庭医生签约)'),
      c('entry_date', 'first day in the county population (the first generated day for the baseline population)'),
      c('entry_reason', 'baseline | birth | in_migration'),
      c('exit_date', 'last day in the county population; empty when still present at the end'),
      c('exit_reason', 'death | out_migration; empty when still present'),
    ],
  },
  encounters: {
    file: 'encounters.csv',
    doc: 'Every outpatient, emergency and inpatient encounter, with its fee-category totals and its insurance-class subtotals. total_fen = the sum of the 14 fee columns = the sum of its charge and drug lines; class_b_fen and class_c_fen split the same total by insurance class (class A is the rest).',
    columns: [
      c('encounter_id', 'id (integer)'),
      c('person_id', 'patient'),
      c('institution_id', 'where the care happened'),
      c('care_level', 'village | township | county | out_of_county'),
      c('type', 'outpatient | emergency | inpatient'),
      c('scheme', 'insurance scheme of the patient at the time'),
      c('disease_id', 'catalogue disease'),
      c('principal_dx', 'principal diagnosis, ICD-10 医保版'),
      c('start_date', 'visit or admission date'),
      c('end_date', 'visit or discharge date'),
      c('los', 'length of stay in days (0 for outpatient and emergency)'),
      c('severity', '0 mild, 1 moderate, 2 severe'),
      c('referral_id', 'the referral that sent the patient here; empty when none'),
      c('total_fen', 'total charges'),
      ...FEE_COLUMNS,
      c('class_b_fen', 'sum of its class B (乙类) charge and drug lines'),
      c('class_c_fen', 'sum of its class C (丙类) charge and drug lines'),
    ],
  },
  chargeLines: {
    file: 'charge_lines.csv',
    doc: 'Service and material lines (all charges except drugs).',
    columns: [
      c('encounter_id', 'encounter'),
      c('line_no', 'line number within the encounter (charge lines first, then drug lines)'),
      c('service_id', 'catalogue service item'),
      c('item_code', 'item code (医疗服务项目编码)'),
      c('fee_category', 'one of the 14 settlement-list fee categories'),
      c('quantity', 'units'),
      c('unit_price_fen', 'price per unit'),
      c('amount_fen', 'quantity × unit price'),
      c('class', 'insurance class A (甲) | B (乙) | C (丙)'),
    ],
  },
  drugLines: {
    file: 'drug_lines.csv',
    doc: 'Drug lines.',
    columns: [
      c('encounter_id', 'encounter'),
      c('line_no', 'line number within the encounter'),
      c('drug_id', 'catalogue drug'),
      c('generic_name', 'generic name (通用名)'),
      c('specification', 'specification and pack (规格)'),
      c('fee_category', 'western_drug | patent_drug | herbal_drug'),
      c('quantity', 'units of sale'),
      c('unit_price_fen', 'price per unit'),
      c('amount_fen', 'quantity × unit price'),
      c('class', 'insurance class A (甲) | B (乙) | C (丙)'),
      c('vbp', '1 when the product is a volume-based-procurement winner (带量采购中选产品)'),
    ],
  },
  drugVolumes: {
    file: 'drug_volumes.csv',
    doc: 'Drug volumes aggregated by product, institution and month (what the store keeps of the drug lines).',
    columns: [
      c('month', 'YYYY-MM'),
      c('institution_id', 'institution'),
      c('drug_id', 'catalogue drug'),
      c('quantity', 'units of sale'),
      c('amount_fen', 'amount'),
      c('lines', 'number of drug lines'),
    ],
  },
  serviceVolumes: {
    file: 'service_volumes.csv',
    doc: 'Service volumes aggregated by service item, institution and month (what the store keeps of the charge lines).',
    columns: [
      c('month', 'YYYY-MM'),
      c('institution_id', 'institution'),
      c('service_id', 'catalogue service item'),
      c('quantity', 'units'),
      c('amount_fen', 'amount'),
      c('lines', 'number of charge lines'),
    ],
  },
  referrals: {
    file: 'referrals.csv',
    doc: 'Referrals up and down (双向转诊) as events.',
    columns: [
      c('referral_id', 'id (integer)'),
      c('person_id', 'patient'),
      c('direction', 'up | down'),
      c('from_institution_id', 'sending institution'),
      c('to_institution_id', 'receiving institution'),
      c('referral_date', 'date of the referral'),
      c('disease_id', 'catalogue disease'),
      c('source_encounter_id', 'encounter at the sender that led to the referral; empty when none'),
      c('encounter_id', 'encounter at the receiver it caused'),
    ],
  },
  inpatientCases: {
    file: 'inpatient_cases.csv',
    doc: "Inpatient cases in the grouper's input columns (医保结算清单 fields; see the grouping-scheme format).",
    columns: [
      c('case_id', 'the encounter id'),
      c('sex', '1 male, 2 female'),
      c('age', 'age in whole years at admission'),
      c('age_days', 'age in days when under one year; empty otherwise'),
      c('birth_weight', 'birth weight in grams for newborn cases; empty otherwise'),
      c('dept', 'department (科别)'),
      c('los', 'length of stay in days'),
      c('disposition', '离院方式: 1 discharged on medical advice, 2 transferred on advice to a hospital, 3 transferred to a community or township institution, 4 left against advice, 5 died, 9 other'),
      c('diagnoses', 'ICD-10 医保版 codes, |-separated, principal first'),
      c('procedures', 'ICD-9-CM-3 医保版 codes, |-separated, principal first; empty when none'),
    ],
  },
} as const satisfies Record<string, FileSpec>;

export type GeneratedFileKey = keyof typeof GENERATED_FILES;

/**
 * Files added to `sanyi-generate/1` after its first generations. A manifest written before one of them
 * does not list it: the loader then loads none of its rows (and says so) instead of refusing the directory.
 */
export const LATER_FILES: ReadonlySet<GeneratedFileKey> = new Set<GeneratedFileKey>(['serviceVolumes']);

export const MANIFEST_FILE = 'manifest.json';
export const CALIBRATION_FILE = 'calibration.json';

/** The manifest `sanyi generate` writes last: a directory without it is not a complete generation. */
export interface GenerationManifest {
  format: 'sanyi-generate/1';
  seed: string;
  paramVersion: string;
  catalogueVersion: string;
  jurisdiction: string;
  population: number;
  startYear: number;
  years: number;
  generatedBy: string;
  files: Record<GeneratedFileKey, { file: string; rows: number; sha256: string }>;
  /** Planted abuse patterns (only when injection was asked for): the ground-truth file and the rates. */
  injections?: { file: string; rows: number; sha256: string; rates: Record<string, number | undefined> };
}

/** Ground truth of `sanyi generate --inject`: pattern, encounter_id, institution_id, person_id. */
export const INJECTIONS_FILE = 'injections.csv';

/** The file reference as Markdown (docs/generate.md holds exactly this between its markers). */
export function renderFilesReference(): string {
  const out: string[] = [];
  for (const spec of Object.values(GENERATED_FILES) as FileSpec[]) {
    out.push(`### \`${spec.file}\``, '', spec.doc, '', '| column | meaning |', '|---|---|');
    for (const col of spec.columns) out.push(`| \`${col.name}\` | ${col.doc.replace(/\|/g, '\\|')} |`);
    out.push('');
  }
  return out.join('\n');
}

export const DOC_BEGIN = '<!-- files:begin (generated from src/simulation/files.ts by `npm run docs`) -->';
export const DOC_END = '<!-- files:end -->';
