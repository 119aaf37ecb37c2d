/**
 * The SQL schema (Drizzle, pg-core). This file is the source of truth: `npx drizzle-kit generate`
 * turns a change here into a new SQL migration under migrations/ (see src/store/README.md).
 *
 * Conventions
 *  - snake_case SQL names; TypeScript properties in camelCase.
 *  - Closed vocabularies are `text` + CHECK constraints (not PostgreSQL enums): adding a value is a
 *    plain migration that runs inside a transaction on every PostgreSQL version.
 *  - Everything stays within PostgreSQL 15 and runs identically on PGlite and a PostgreSQL server.
 *  - Every stored result records the run that made it (`runs`: parameter version and seed).
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

/** SQL `col in ('a', 'b', …)` for a CHECK constraint over a closed vocabulary. */
function oneOf(column: AnyPgColumn, values: readonly string[]) {
  return sql`${column} in (${sql.raw(values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', '))})`;
}

// ---------------------------------------------------------------------------------------------
// Vocabularies (exported so domain code and tests share the exact lists the database accepts)

/** 行政层级: national 国家 → province 省 → region 统筹区/地市 → county 县 → township 乡镇 → village 村. */
export const JURISDICTION_LEVELS = ['national', 'province', 'region', 'county', 'township', 'village'] as const;
export type JurisdictionLevelCode = (typeof JURISDICTION_LEVELS)[number];

/**
 * 机构类型: county general hospital 县总医院/县医院, county TCM hospital 县中医院, county maternal and
 * child health hospital 县妇幼保健院, township health centre 乡镇卫生院, village clinic 村卫生室, and
 * out-of-county hospitals at city 市级 or province 省级 level (where patients go when they leave the county).
 */
export const INSTITUTION_KINDS = [
  'county_general',
  'county_tcm',
  'county_mch',
  'township_centre',
  'village_clinic',
  'out_of_county_city',
  'out_of_county_province',
] as const;
export type InstitutionKind = (typeof INSTITUTION_KINDS)[number];

/** 医院等级: primary 一级, secondary 二级, tertiary 三级. */
export const INSTITUTION_LEVELS = ['primary', 'secondary', 'tertiary'] as const;
export type InstitutionLevel = (typeof INSTITUTION_LEVELS)[number];

/** 岗位: doctor 医师, nurse 护士, pharmacist 药师, technician 技师, village doctor 乡村医生, manager 管理人员. */
export const STAFF_ROLES = ['doctor', 'nurse', 'pharmacist', 'technician', 'village_doctor', 'manager'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * 职称 (professional title). Physicians: chief_physician 主任医师, associate_chief_physician 副主任医师,
 * attending_physician 主治医师, resident_physician 住院医师; 'none' 无职称. Other professions use the same
 * style (e.g. chief_nurse 主任护师); the column is free text so later issues can add them.
 */
export const PHYSICIAN_TITLES = [
  'chief_physician',
  'associate_chief_physician',
  'attending_physician',
  'resident_physician',
  'none',
] as const;
export type PhysicianTitle = (typeof PHYSICIAN_TITLES)[number];

/** 性别 as recorded on the insurance register: M 男, F 女. */
export const SEXES = ['M', 'F'] as const;
export type Sex = (typeof SEXES)[number];

/** 险种: resident 城乡居民基本医疗保险, employee 职工基本医疗保险. */
export const SCHEMES = ['resident', 'employee'] as const;
export type Scheme = (typeof SCHEMES)[number];

/** 参保人员类别, e.g. retiree 退休, active 在职, child 未成年人/学生, adult 成年居民. Free text. */
export type EnrolmentCategory = 'retiree' | 'active' | 'child' | 'adult' | (string & {});

/** Run status: running 进行中, succeeded 成功, failed 失败. */
export const RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

// ---------------------------------------------------------------------------------------------
// Tables

/**
 * 行政区划 — the jurisdiction tree: national → province → pooling region (统筹区) → county → township
 * (乡镇) → village (村). Ids are stable text keys ('national', 'demo-province', 'demo-region', 'demo', …).
 */
export const jurisdictions = pgTable(
  'jurisdictions',
  {
    id: text('id').primaryKey(),
    /** The enclosing jurisdiction; null only for 'national'. */
    parentId: text('parent_id').references((): AnyPgColumn => jurisdictions.id),
    level: text('level').$type<JurisdictionLevelCode>().notNull(),
    /** 行政区划代码 (6 digits, 12 for townships and villages); null for fictional demo places. */
    adcode: text('adcode'),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
  },
  (t) => [
    check('jurisdictions_level_check', oneOf(t.level, JURISDICTION_LEVELS)),
    index('jurisdictions_parent_idx').on(t.parentId),
  ],
);

/**
 * 医疗机构 — hospitals, township health centres and village clinics of the county, plus the
 * out-of-county hospitals its residents use. `communityId` groups the members of a county medical
 * community (县域医共体 / 总医院): it holds the id of the community's lead institution (牵头医院),
 * which points to itself; null for institutions outside any community.
 */
export const institutions = pgTable(
  'institutions',
  {
    id: text('id').primaryKey(),
    /** The county (县) the institution belongs to, or the jurisdiction of an out-of-county hospital. */
    jurisdictionId: text('jurisdiction_id')
      .notNull()
      .references(() => jurisdictions.id),
    /** The township (乡镇) for township centres and village clinics. */
    townshipId: text('township_id').references(() => jurisdictions.id),
    kind: text('kind').$type<InstitutionKind>().notNull(),
    level: text('level').$type<InstitutionLevel>().notNull(),
    /** 县域内: true for institutions inside the county (drives the in-county treatment rate 县域内就诊率). */
    inCounty: boolean('in_county').notNull(),
    /** 医共体: id of the lead institution of the medical community this one belongs to. */
    communityId: text('community_id').references((): AnyPgColumn => institutions.id),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    /** 编制床位 (approved beds); 0 for clinics without beds. */
    beds: integer('beds').notNull().default(0),
  },
  (t) => [
    check('institutions_kind_check', oneOf(t.kind, INSTITUTION_KINDS)),
    check('institutions_level_check', oneOf(t.level, INSTITUTION_LEVELS)),
    check('institutions_beds_check', sql`${t.beds} >= 0`),
    index('institutions_jurisdiction_idx').on(t.jurisdictionId),
    index('institutions_community_idx').on(t.communityId),
  ],
);

/** 医务人员 — staff of an institution (drives salary: 目标年薪制 and work points). */
export const staff = pgTable(
  'staff',
  {
    id: text('id').primaryKey(),
    institutionId: text('institution_id')
      .notNull()
      .references(() => institutions.id),
    role: text('role').$type<StaffRole>().notNull(),
    /** 职称, see PHYSICIAN_TITLES; 'none' when the person holds no professional title. */
    title: text('title').notNull().default('none'),
    sex: text('sex').$type<Sex>().notNull(),
    birthYear: smallint('birth_year').notNull(),
  },
  (t) => [
    check('staff_role_check', oneOf(t.role, STAFF_ROLES)),
    check('staff_sex_check', oneOf(t.sex, SEXES)),
    index('staff_institution_idx').on(t.institutionId),
  ],
);

/**
 * 常住人口/参保人 — residents of the county (hundreds of thousands of rows per county, millions per
 * pooling region: bulk-loaded with COPY, kept lean). Ids are numeric and assigned by the loader.
 * The place columns are plain ids of `jurisdictions` rows without foreign keys, so that bulk loads do
 * not pay three key lookups per row; the loader validates them.
 */
export const residents = pgTable(
  'residents',
  {
    id: bigint('id', { mode: 'number' }).primaryKey(),
    /** 县 */
    countyId: text('county_id').notNull(),
    /** 乡镇 */
    townshipId: text('township_id').notNull(),
    /** 村/社区 */
    villageId: text('village_id').notNull(),
    sex: text('sex').$type<Sex>().notNull(),
    /** 出生日期 (civil date, 'YYYY-MM-DD'). */
    birthDate: date('birth_date', { mode: 'string' }).notNull(),
    /** 险种 at the end of the generated years. */
    scheme: text('scheme').$type<Scheme>().notNull().default('resident'),
    /** 慢性病 (chronic conditions), '|'-separated: hypertension, diabetes, copd, chd, stroke. */
    conditions: text('conditions').notNull().default(''),
    /** 家庭医生签约 */
    familyDoctor: boolean('family_doctor').notNull().default(false),
    /** First and last day in the county population (迁入/出生, 迁出/死亡); exit null while present. */
    entryDate: date('entry_date', { mode: 'string' }),
    entryReason: text('entry_reason'),
    exitDate: date('exit_date', { mode: 'string' }),
    exitReason: text('exit_reason'),
  },
  // No secondary index: a county's residents are most of the table, and each index slows COPY (~30%).
  (t) => [check('residents_sex_check', oneOf(t.sex, SEXES))],
);

/**
 * 参保登记 — one row per resident and year: the insurance scheme (居民医保 or 职工医保) and the
 * category within it (e.g. retiree 退休, active 在职, child 未成年人, adult 成年居民). A bulk table:
 * loaded with COPY after the residents, checked by its loader rather than by foreign keys.
 */
export const enrolments = pgTable(
  'enrolments',
  {
    /** residents.id. No foreign key, like the place columns of residents: it would make COPY 2–4× slower. */
    residentId: bigint('resident_id', { mode: 'number' }).notNull(),
    year: integer('year').notNull(),
    scheme: text('scheme').$type<Scheme>().notNull(),
    category: text('category').$type<EnrolmentCategory>().notNull(),
  },
  (t) => [
    primaryKey({ name: 'enrolments_pkey', columns: [t.residentId, t.year] }),
    check('enrolments_scheme_check', oneOf(t.scheme, SCHEMES)),
  ],
);

/**
 * 运行记录 — every stored result records which run made it: what kind of work (e.g. 'load-demo',
 * 'settle-year', 'simulate'), the parameter version (参数版本) and the seed (随机种子) it used.
 */
export const runs = pgTable(
  'runs',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    kind: text('kind').notNull(),
    /** The parameter tree's version hash the run resolved its parameters from. */
    paramVersion: text('param_version').notNull(),
    /** The seed of the run's random streams; null for deterministic work. */
    seed: text('seed'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    status: text('status').$type<RunStatus>().notNull().default('running'),
    /** What the run did (counts, totals, the error when it failed). */
    summary: jsonb('summary'),
  },
  (t) => [check('runs_status_check', oneOf(t.status, RUN_STATUSES)), index('runs_kind_idx').on(t.kind, t.startedAt)],
);

/** 元数据 — small key/value facts about the database itself (e.g. 'demo_loaded'). */
export const meta = pgTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** 就诊类型: outpatient 门诊, emergency 急诊, inpatient 住院. */
export const ENCOUNTER_TYPES = ['outpatient', 'emergency', 'inpatient'] as const;
/** Level of care of the facility-choice model: 村 / 乡镇 / 县 / 县外. */
export const CARE_LEVELS = ['village', 'township', 'county', 'out_of_county'] as const;

/**
 * 就诊记录 — every outpatient, emergency and inpatient encounter with its 14 settlement-list fee
 * totals (integer fen). The biggest table (≈2 million rows per county-year): no foreign keys; the
 * loader checks references. Line detail (charge and drug lines) stays in the generated files.
 */
export const encounters = pgTable(
  'encounters',
  {
    id: bigint('id', { mode: 'number' }).primaryKey(),
    countyId: text('county_id').notNull(),
    personId: bigint('person_id', { mode: 'number' }).notNull(),
    institutionId: text('institution_id').notNull(),
    careLevel: text('care_level').notNull(),
    type: text('type').notNull(),
    scheme: text('scheme').$type<Scheme>().notNull(),
    diseaseId: text('disease_id').notNull(),
    principalDx: text('principal_dx').notNull(),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endDate: date('end_date', { mode: 'string' }).notNull(),
    los: integer('los').notNull(),
    severity: smallint('severity').notNull(),
    referralId: bigint('referral_id', { mode: 'number' }),
    totalFen: bigint('total_fen', { mode: 'number' }).notNull(),
    bedFen: bigint('bed_fen', { mode: 'number' }).notNull(),
    consultationFen: bigint('consultation_fen', { mode: 'number' }).notNull(),
    examinationFen: bigint('examination_fen', { mode: 'number' }).notNull(),
    laboratoryFen: bigint('laboratory_fen', { mode: 'number' }).notNull(),
    treatmentFen: bigint('treatment_fen', { mode: 'number' }).notNull(),
    surgeryFen: bigint('surgery_fen', { mode: 'number' }).notNull(),
    nursingFen: bigint('nursing_fen', { mode: 'number' }).notNull(),
    materialsFen: bigint('materials_fen', { mode: 'number' }).notNull(),
    westernDrugFen: bigint('western_drug_fen', { mode: 'number' }).notNull(),
    patentDrugFen: bigint('patent_drug_fen', { mode: 'number' }).notNull(),
    herbalDrugFen: bigint('herbal_drug_fen', { mode: 'number' }).notNull(),
    generalDiagnosisFen: bigint('general_diagnosis_fen', { mode: 'number' }).notNull(),
    registrationFen: bigint('registration_fen', { mode: 'number' }).notNull(),
    otherFen: bigint('other_fen', { mode: 'number' }).notNull(),
    /** Insurance-class subtotals (乙类, 丙类) of the same total; class A (甲类) is the rest. */
    classBFen: bigint('class_b_fen', { mode: 'number' }).notNull().default(0),
    classCFen: bigint('class_c_fen', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    check('encounters_type_check', oneOf(t.type, ENCOUNTER_TYPES)),
    check('encounters_care_level_check', oneOf(t.careLevel, CARE_LEVELS)),
    check('encounters_total_check', sql`${t.totalFen} >= 0`),
    index('encounters_institution_start_idx').on(t.institutionId, t.startDate),
  ],
);

/** 住院病例 — inpatient cases in the grouper's input fields (医保结算清单). */
export const inpatientCases = pgTable('inpatient_cases', {
  caseId: bigint('case_id', { mode: 'number' }).primaryKey(),
  countyId: text('county_id').notNull(),
  sex: smallint('sex').notNull(),
  age: integer('age').notNull(),
  ageDays: integer('age_days'),
  birthWeight: integer('birth_weight'),
  dept: text('dept').notNull(),
  los: integer('los').notNull(),
  disposition: smallint('disposition').notNull(),
  diagnoses: text('diagnoses').notNull(),
  procedures: text('procedures').notNull(),
});

/** 转诊 — referrals up and down (双向转诊) as events, with the encounters they caused. */
export const referrals = pgTable('referrals', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  countyId: text('county_id').notNull(),
  personId: bigint('person_id', { mode: 'number' }).notNull(),
  direction: text('direction').notNull(),
  fromInstitutionId: text('from_institution_id').notNull(),
  toInstitutionId: text('to_institution_id').notNull(),
  referralDate: date('referral_date', { mode: 'string' }).notNull(),
  diseaseId: text('disease_id').notNull(),
  sourceEncounterId: bigint('source_encounter_id', { mode: 'number' }),
  encounterId: bigint('encounter_id', { mode: 'number' }).notNull(),
});

/** 药品用量 — drug volumes by month, institution and product (what the store keeps of drug lines). */
export const drugVolumes = pgTable(
  'drug_volumes',
  {
    countyId: text('county_id').notNull(),
    month: text('month').notNull(),
    institutionId: text('institution_id').notNull(),
    drugId: text('drug_id').notNull(),
    quantity: bigint('quantity', { mode: 'number' }).notNull(),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    lines: integer('lines').notNull(),
  },
  (t) => [primaryKey({ name: 'drug_volumes_pkey', columns: [t.countyId, t.month, t.institutionId, t.drugId] })],
);

/** 服务量 — service volumes by month, institution and service item (what the store keeps of charge lines). */
export const serviceVolumes = pgTable(
  'service_volumes',
  {
    countyId: text('county_id').notNull(),
    month: text('month').notNull(),
    institutionId: text('institution_id').notNull(),
    serviceId: text('service_id').notNull(),
    quantity: bigint('quantity', { mode: 'number' }).notNull(),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    lines: integer('lines').notNull(),
  },
  (t) => [primaryKey({ name: 'service_volumes_pkey', columns: [t.countyId, t.month, t.institutionId, t.serviceId] })],
);

/**
 * 采购订单 — imported purchase orders of drugs and procured consumables (`sanyi procurement import`),
 * one row per accepted CSV row; `source` is the file's name, so importing a file again replaces its rows.
 */
export const purchaseOrders = pgTable(
  'purchase_orders',
  {
    countyId: text('county_id').notNull(),
    source: text('source').notNull(),
    rowNo: integer('row_no').notNull(),
    orderDate: date('order_date', { mode: 'string' }).notNull(),
    institutionId: text('institution_id').notNull(),
    itemKind: text('item_kind').notNull(),
    itemId: text('item_id').notNull(),
    quantity: bigint('quantity', { mode: 'number' }).notNull(),
    unitPriceFen: bigint('unit_price_fen', { mode: 'number' }).notNull(),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'purchase_orders_pkey', columns: [t.countyId, t.source, t.rowNo] }),
    index('purchase_orders_date_idx').on(t.countyId, t.orderDate),
    check('purchase_orders_item_kind_check', sql`${t.itemKind} in ('drug', 'consumable')`),
  ],
);

/** 采购订单退回 — the rows of an imported purchase-order file that were refused, kept for review. */
export const purchaseOrderRejects = pgTable(
  'purchase_order_rejects',
  {
    countyId: text('county_id').notNull(),
    source: text('source').notNull(),
    rowNo: integer('row_no').notNull(),
    field: text('field').notNull(),
    problem: text('problem').notNull(),
    raw: text('raw').notNull(),
  },
  (t) => [primaryKey({ name: 'purchase_order_rejects_pkey', columns: [t.countyId, t.source, t.rowNo] })],
);

/**
 * 数据集 — the generation loaded for a county: its manifest (seed, parameter version, catalogue
 * version, row counts and file hashes). One row per county; loading again replaces the county's data.
 */
export const datasets = pgTable('datasets', {
  countyId: text('county_id').primaryKey(),
  seed: text('seed').notNull(),
  paramVersion: text('param_version').notNull(),
  catalogueVersion: text('catalogue_version').notNull(),
  population: integer('population').notNull(),
  startYear: integer('start_year').notNull(),
  years: integer('years').notNull(),
  manifest: jsonb('manifest').notNull(),
  loadedAt: timestamp('loaded_at', { withTimezone: true }).notNull().defaultNow(),
});

// ---------------------------------------------------------------------------------------------
// Settlement of a county-year (医保年度结算, issue 5). Every result row carries the run that made it;
// `settlements` points at the finished run of each county-year, and a new run replaces the old
// one's rows only when it finishes (so a killed run leaves the previous results readable).

/** 结算 — the current settlement of a county-year: its run, parameter version, seed and summary. */
export const settlements = pgTable(
  'settlements',
  {
    countyId: text('county_id').notNull(),
    year: integer('year').notNull(),
    runId: integer('run_id').notNull(),
    paramVersion: text('param_version').notNull(),
    /** The seed of the data settled (the generation's seed); settlement itself draws no random numbers. */
    seed: text('seed'),
    /** Totals, the package budget, ledger settlement and allocation with their traces. */
    summary: jsonb('summary').notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'settlements_pkey', columns: [t.countyId, t.year] })],
);

/**
 * 结算明细 — each claim's split, one row per person and run with the person's claims of the year as
 * parallel arrays in date order (a county-year is ~2 million claims but ~300,000 persons: a row per
 * person is what keeps writing them inside the time budget). Query a claim with unnest().
 */
export const settleClaims = pgTable(
  'settle_claims',
  {
    runId: integer('run_id').notNull(),
    personId: bigint('person_id', { mode: 'number' }).notNull(),
    encounterIds: bigint('encounter_ids', { mode: 'number' }).array().notNull(),
    fundFen: bigint('fund_fen', { mode: 'number' }).array().notNull(),
    criticalIllnessFen: bigint('critical_illness_fen', { mode: 'number' }).array().notNull(),
    patientFen: bigint('patient_fen', { mode: 'number' }).array().notNull(),
    /** What the fund pays the institution for each claim (DRG/DIP payment for grouped cases). */
    hospitalFen: bigint('hospital_fen', { mode: 'number' }).array().notNull(),
  },
  (t) => [primaryKey({ name: 'settle_claims_pkey', columns: [t.runId, t.personId] })],
);

/** 病例付费 — inpatient cases paid by DRG/DIP or by item, with the group price against the charges. */
export const settleCases = pgTable(
  'settle_cases',
  {
    runId: integer('run_id').notNull(),
    encounterId: bigint('encounter_id', { mode: 'number' }).notNull(),
    institutionId: text('institution_id').notNull(),
    method: text('method').notNull(),
    group: text('group'),
    exclusion: text('exclusion'),
    outlier: text('outlier'),
    standardFen: bigint('standard_fen', { mode: 'number' }).notNull(),
    chargesFen: bigint('charges_fen', { mode: 'number' }).notNull(),
    fundFen: bigint('fund_fen', { mode: 'number' }).notNull(),
    patientFen: bigint('patient_fen', { mode: 'number' }).notNull(),
    /** 结余 (> 0) or 超支 (< 0): group price − item charges. */
    balanceFen: bigint('balance_fen', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ name: 'settle_cases_pkey', columns: [t.runId, t.encounterId] }), index('settle_cases_institution_idx').on(t.runId, t.institutionId)],
);

/** 机构结算 — per institution: what the fund pays it and how its group prices compare with its charges. */
export const settleInstitutions = pgTable(
  'settle_institutions',
  {
    runId: integer('run_id').notNull(),
    institutionId: text('institution_id').notNull(),
    inCounty: boolean('in_county').notNull(),
    claims: integer('claims').notNull(),
    inpatientCases: integer('inpatient_cases').notNull(),
    chargesFen: bigint('charges_fen', { mode: 'number' }).notNull(),
    fundFen: bigint('fund_fen', { mode: 'number' }).notNull(),
    patientFen: bigint('patient_fen', { mode: 'number' }).notNull(),
    /** Fund payment to the institution: inpatient by group or item, outpatient by item, capitation. */
    paymentFen: bigint('payment_fen', { mode: 'number' }).notNull(),
    capitationFen: bigint('capitation_fen', { mode: 'number' }).notNull(),
    /** Σ (group price − charges) over its grouped inpatient cases. */
    balanceFen: bigint('balance_fen', { mode: 'number' }).notNull(),
    /** Case-mix and other per-institution figures with their traces. */
    detail: jsonb('detail').notNull(),
  },
  (t) => [primaryKey({ name: 'settle_institutions_pkey', columns: [t.runId, t.institutionId] })],
);

/** 打包付费台账 — the county package's monthly ledger. */
export const settleLedger = pgTable(
  'settle_ledger',
  {
    runId: integer('run_id').notNull(),
    month: text('month').notNull(),
    budgetFen: bigint('budget_fen', { mode: 'number' }).notNull(),
    advanceFen: bigint('advance_fen', { mode: 'number' }).notNull(),
    inCountyFen: bigint('in_county_fen', { mode: 'number' }).notNull(),
    outOfCountyFen: bigint('out_of_county_fen', { mode: 'number' }).notNull(),
    pharmacyFen: bigint('pharmacy_fen', { mode: 'number' }).notNull(),
    chargedFen: bigint('charged_fen', { mode: 'number' }).notNull(),
    cumulativeChargedFen: bigint('cumulative_charged_fen', { mode: 'number' }).notNull(),
    cumulativeBalanceFen: bigint('cumulative_balance_fen', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ name: 'settle_ledger_pkey', columns: [t.runId, t.month] })],
);

/** 基金监管线索 — supervision findings with their evidence. */
export const settleFindings = pgTable(
  'settle_findings',
  {
    runId: integer('run_id').notNull(),
    seq: integer('seq').notNull(),
    ruleId: text('rule_id').notNull(),
    institutionId: text('institution_id'),
    personId: bigint('person_id', { mode: 'number' }),
    /** The claims that are the evidence, |-separated. */
    encounterIds: text('encounter_ids').notNull(),
    firstDate: date('first_date', { mode: 'string' }),
    lastDate: date('last_date', { mode: 'string' }),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    detail: jsonb('detail').notNull(),
  },
  (t) => [primaryKey({ name: 'settle_findings_pkey', columns: [t.runId, t.seq] }), index('settle_findings_rule_idx').on(t.runId, t.ruleId)],
);

// ---------------------------------------------------------------------------------------------
// Three-medical linkage of a county-year (三医联动: procurement savings, price adjustment, salaries).

/** 三医联动结果 — the current linkage run of a county-year: its run, parameter version, seed, summary and result. */
export const linkageResults = pgTable(
  'linkage_results',
  {
    countyId: text('county_id').notNull(),
    year: integer('year').notNull(),
    runId: integer('run_id'),
    paramVersion: text('param_version').notNull(),
    /** The seed of the data the linkage ran on (the generation's seed). */
    seed: text('seed'),
    /** The headline figures. */
    summary: jsonb('summary').notNull(),
    /** The whole result with its traces. */
    result: jsonb('result').notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'linkage_results_pkey', columns: [t.countyId, t.year] })],
);

// ---------------------------------------------------------------------------------------------
// Indicators, assessments and the dashboard of a county-year (issue 7; docs/dashboard.md).

/**
 * 数据项 — the data items of a county-year (docs/dashboard.md), per scope: the county (institution
 * '') or one institution. Replaced on each `sanyi indicators`.
 */
export const indicatorItems = pgTable(
  'indicator_items',
  {
    countyId: text('county_id').notNull(),
    year: integer('year').notNull(),
    scope: text('scope').notNull(),
    /** '' for the county scope. */
    institutionId: text('institution_id').notNull().default(''),
    item: text('item').notNull(),
    value: doublePrecision('value').notNull(),
  },
  (t) => [
    primaryKey({ name: 'indicator_items_pkey', columns: [t.countyId, t.year, t.institutionId, t.item] }),
    check('indicator_items_scope_check', sql`${t.scope} in ('county', 'institution')`),
  ],
);

/** 指标值 — every shipped indicator evaluated for the county ('' institution) and each institution. */
export const indicatorValues = pgTable(
  'indicator_values',
  {
    countyId: text('county_id').notNull(),
    year: integer('year').notNull(),
    institutionId: text('institution_id').notNull().default(''),
    indicatorId: text('indicator_id').notNull(),
    value: doublePrecision('value'),
    numerator: doublePrecision('numerator'),
    denominator: doublePrecision('denominator'),
    met: boolean('met'),
    reason: text('reason'),
    trace: jsonb('trace').notNull(),
  },
  (t) => [primaryKey({ name: 'indicator_values_pkey', columns: [t.countyId, t.year, t.institutionId, t.indicatorId] })],
);

/**
 * 考核 — assessment scores of a county-year: the county community's (scope county, institution '')
 * that sets package retention, and each institution's that sets its salary budget and leaders' pay.
 */
export const assessments = pgTable(
  'assessments',
  {
    countyId: text('county_id').notNull(),
    year: integer('year').notNull(),
    scope: text('scope').notNull(),
    institutionId: text('institution_id').notNull().default(''),
    schemeId: text('scheme_id').notNull(),
    score: doublePrecision('score').notNull(),
    /** The scored items with the trace. */
    result: jsonb('result').notNull(),
    storedAt: timestamp('stored_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'assessments_pkey', columns: [t.countyId, t.year, t.institutionId, t.schemeId] }),
    check('assessments_scope_check', sql`${t.scope} in ('county', 'institution')`),
  ],
);

/**
 * 带量采购协议 — the procurement agreements (institution × product) of the county-year's linkage, with
 * their monthly completion against time progress; written with each linkage result.
 */
export const linkageAgreements = pgTable(
  'linkage_agreements',
  {
    countyId: text('county_id').notNull(),
    year: integer('year').notNull(),
    institutionId: text('institution_id').notNull(),
    kind: text('kind').notNull(),
    itemId: text('item_id').notNull(),
    batchId: text('batch_id').notNull(),
    agreed: doublePrecision('agreed').notNull(),
    purchased: doublePrecision('purchased').notNull(),
    nonSelected: doublePrecision('non_selected').notNull(),
    completion: doublePrecision('completion').notNull(),
    timeProgress: doublePrecision('time_progress').notNull(),
    savingFen: bigint('saving_fen', { mode: 'number' }).notNull(),
    alert: boolean('alert').notNull(),
    /** [{ month, purchased, cumulative, completion, timeProgress, alert }] */
    months: jsonb('months').notNull(),
  },
  (t) => [primaryKey({ name: 'linkage_agreements_pkey', columns: [t.countyId, t.year, t.institutionId, t.kind, t.itemId] })],
);

/** 看板快照 — each dashboard page's body of a county-year, built after settle, linkage and indicators. */
export const dashboardSnapshots = pgTable(
  'dashboard_snapshots',
  {
    countyId: text('county_id').notNull(),
    year: integer('year').notNull(),
    page: text('page').notNull(),
    body: jsonb('body').notNull(),
    builtAt: timestamp('built_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'dashboard_snapshots_pkey', columns: [t.countyId, t.year, t.page] })],
);

/** 看板追溯 — the trace of every dashboard figure, under the id the figure carries. */
export const dashboardTraces = pgTable(
  'dashboard_traces',
  {
    countyId: text('county_id').notNull(),
    year: integer('year').notNull(),
    traceId: text('trace_id').notNull(),
    body: jsonb('body').notNull(),
  },
  (t) => [primaryKey({ name: 'dashboard_traces_pkey', columns: [t.countyId, t.year, t.traceId] })],
);

// ---------------------------------------------------------------------------------------------
// Care network (分级诊疗, issue 8): referral workflow, family doctors, remote care, village workforce

/** 转诊流程状态 (src/network/referral.ts REFERRAL_STATES). */
export const NETWORK_REFERRAL_STATES = ['requested', 'accepted', 'declined', 'arrived', 'record_returned', 'closed', 'cancelled', 'expired'] as const;

/** Numbers of referrals requested through the API (ids `R-API-000001`, …). */
export const networkReferralApiSeq = pgSequence('network_referral_api_seq');

/** 分级诊疗数据构建 — one row per built county-year: the seed and parameter version the build used. */
export const networkBuilds = pgTable(
  'network_builds',
  {
    countyId: text('county_id').notNull(),
    year: integer('year').notNull(),
    seed: text('seed').notNull(),
    paramVersion: text('param_version').notNull(),
    builtAt: timestamp('built_at', { withTimezone: true }).notNull().defaultNow(),
    summary: jsonb('summary').notNull(),
  },
  (t) => [primaryKey({ name: 'network_builds_pkey', columns: [t.countyId, t.year] })],
);

/**
 * 双向转诊 — referrals as workflows: the current state and `version` (= number of events, the
 * optimistic-concurrency token); every move is a row of network_referral_events. `origin` says
 * whether the build derived it from a generated referral event (`year` = the built year) or the API
 * created it (year null).
 */
export const networkReferrals = pgTable(
  'network_referrals',
  {
    id: text('id').primaryKey(),
    countyId: text('county_id').notNull(),
    origin: text('origin').notNull(),
    year: integer('year'),
    /** referrals.id of the generated event it was derived from. */
    generatedId: bigint('generated_id', { mode: 'number' }),
    personId: text('person_id').notNull(),
    diseaseId: text('disease_id'),
    fromInstitutionId: text('from_institution_id').notNull(),
    fromLevel: text('from_level').notNull(),
    fromInCounty: boolean('from_in_county').notNull(),
    toInstitutionId: text('to_institution_id').notNull(),
    toLevel: text('to_level').notNull(),
    toInCounty: boolean('to_in_county').notNull(),
    direction: text('direction').notNull(),
    scope: text('scope').notNull(),
    state: text('state').notNull(),
    version: integer('version').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    stateSince: timestamp('state_since', { withTimezone: true }).notNull(),
    /** When the open referral expires (accept or arrive limit); null once it is past those states. */
    deadlineAt: timestamp('deadline_at', { withTimezone: true }),
    sourceEncounterId: text('source_encounter_id'),
    /** Encounters at the receiver the referral caused, '|'-separated. */
    encounterIds: text('encounter_ids').notNull().default(''),
  },
  (t) => [
    check('network_referrals_state_check', oneOf(t.state, NETWORK_REFERRAL_STATES)),
    check('network_referrals_direction_check', oneOf(t.direction, ['up', 'down'])),
    check('network_referrals_scope_check', oneOf(t.scope, ['within_county', 'out_of_county'])),
    check('network_referrals_origin_check', oneOf(t.origin, ['generated', 'api'])),
    check('network_referrals_version_check', sql`${t.version} >= 1`),
    index('network_referrals_to_idx').on(t.toInstitutionId, t.requestedAt),
    index('network_referrals_from_idx').on(t.fromInstitutionId, t.requestedAt),
    index('network_referrals_county_year_idx').on(t.countyId, t.year),
    index('network_referrals_deadline_idx').on(t.deadlineAt),
  ],
);

/** 转诊流程记录 — the history of a referral: one row per move, seq 1, 2, … (= version after it). */
export const networkReferralEvents = pgTable(
  'network_referral_events',
  {
    referralId: text('referral_id')
      .notNull()
      .references(() => networkReferrals.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    action: text('action').notNull(),
    actorKind: text('actor_kind').notNull(),
    actorId: text('actor_id').notNull(),
    actorInstitutionId: text('actor_institution_id'),
    at: timestamp('at', { withTimezone: true }).notNull(),
    fromState: text('from_state'),
    toState: text('to_state').notNull(),
    reason: text('reason'),
    encounterId: text('encounter_id'),
  },
  (t) => [primaryKey({ name: 'network_referral_events_pkey', columns: [t.referralId, t.seq] }), check('network_referral_events_actor_check', oneOf(t.actorKind, ['doctor', 'staff', 'system']))],
);

/** 县外就医未转诊预警 — out-of-county admissions of an in-county disease without a covering referral. */
export const networkAlerts = pgTable(
  'network_alerts',
  {
    countyId: text('county_id').notNull(),
    year: integer('year').notNull(),
    encounterId: text('encounter_id').notNull(),
    personId: text('person_id').notNull(),
    diseaseId: text('disease_id').notNull(),
    institutionId: text('institution_id').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    messageZh: text('message_zh').notNull(),
    messageEn: text('message_en').notNull(),
  },
  (t) => [primaryKey({ name: 'network_alerts_pkey', columns: [t.countyId, t.year, t.encounterId] })],
);

/** 家庭医生团队 — one per contracting institution (built per county-year). */
export const networkTeams = pgTable(
  'network_teams',
  {
    id: text('id').primaryKey(),
    countyId: text('county_id').notNull(),
    year: integer('year').notNull(),
    institutionId: text('institution_id').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
  },
  (t) => [index('network_teams_county_year_idx').on(t.countyId, t.year)],
);

/** 团队成员 — members with their role (三师共管) and title. */
export const networkTeamMembers = pgTable(
  'network_team_members',
  {
    teamId: text('team_id')
      .notNull()
      .references(() => networkTeams.id, { onDelete: 'cascade' }),
    staffId: text('staff_id').notNull(),
    role: text('role').notNull(),
    title: text('title').notNull(),
    institutionId: text('institution_id').notNull(),
  },
  (t) => [primaryKey({ name: 'network_team_members_pkey', columns: [t.teamId, t.staffId, t.role] })],
);

/** 签约 — family-doctor contracts of residents (a bulk table: no foreign keys). */
export const networkContracts = pgTable(
  'network_contracts',
  {
    id: text('id').primaryKey(),
    countyId: text('county_id').notNull(),
    year: integer('year').notNull(),
    personId: text('person_id').notNull(),
    teamId: text('team_id').notNull(),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endDate: date('end_date', { mode: 'string' }).notNull(),
    /** Service packages, '|'-separated (src/network/family-doctor.ts SERVICE_PACKAGES). */
    packageIds: text('package_ids').notNull(),
    renewalOf: text('renewal_of'),
  },
  (t) => [index('network_contracts_county_year_idx').on(t.countyId, t.year)],
);

/** 履约服务 — services delivered under contracts (follow-ups, health checks). A bulk table. */
export const networkServices = pgTable(
  'network_services',
  {
    countyId: text('county_id').notNull(),
    year: integer('year').notNull(),
    personId: text('person_id').notNull(),
    service: text('service').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    institutionId: text('institution_id'),
    contractId: text('contract_id'),
  },
  (t) => [index('network_services_county_year_idx').on(t.countyId, t.year)],
);

/** 远程会诊/影像/心电 — remote requests to a higher hospital with their turnaround. */
export const networkRemoteRequests = pgTable(
  'network_remote_requests',
  {
    id: text('id').primaryKey(),
    countyId: text('county_id').notNull(),
    year: integer('year').notNull(),
    kind: text('kind').notNull(),
    fromInstitutionId: text('from_institution_id').notNull(),
    toInstitutionId: text('to_institution_id').notNull(),
    personId: text('person_id'),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    reportedAt: timestamp('reported_at', { withTimezone: true }),
  },
  (t) => [
    check('network_remote_requests_kind_check', oneOf(t.kind, ['teleconsultation', 'remote_imaging', 'remote_ecg'])),
    index('network_remote_requests_county_year_idx').on(t.countyId, t.year),
  ],
);

/** 名医工作室/专家坐诊 — outreach sessions held (from their schedules). */
export const networkOutreachSessions = pgTable(
  'network_outreach_sessions',
  {
    countyId: text('county_id').notNull(),
    year: integer('year').notNull(),
    scheduleId: text('schedule_id').notNull(),
    kind: text('kind').notNull(),
    specialty: text('specialty').notNull(),
    specialistId: text('specialist_id').notNull(),
    homeInstitutionId: text('home_institution_id').notNull(),
    hostInstitutionId: text('host_institution_id').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    patients: integer('patients'),
  },
  (t) => [
    primaryKey({ name: 'network_outreach_sessions_pkey', columns: [t.countyId, t.year, t.scheduleId, t.date] }),
    check('network_outreach_sessions_kind_check', oneOf(t.kind, ['famous_doctor_studio', 'visiting_specialist'])),
  ],
);

/** 乡村医生 — village doctors (age, qualification, education, time in post). */
export const networkVillageDoctors = pgTable(
  'network_village_doctors',
  {
    id: text('id').primaryKey(),
    countyId: text('county_id').notNull(),
    year: integer('year').notNull(),
    villageId: text('village_id').notNull(),
    townshipId: text('township_id').notNull(),
    clinicId: text('clinic_id').notNull(),
    birthDate: date('birth_date', { mode: 'string' }).notNull(),
    sex: text('sex'),
    qualification: text('qualification').notNull(),
    collegeGraduate: boolean('college_graduate').notNull(),
    startDate: date('start_date', { mode: 'string' }),
    endDate: date('end_date', { mode: 'string' }),
  },
  (t) => [
    check('network_village_doctors_qualification_check', oneOf(t.qualification, ['licensed_physician', 'licensed_assistant_physician', 'village_doctor_certificate', 'none'])),
    index('network_village_doctors_county_year_idx').on(t.countyId, t.year),
  ],
);

/** 轮训/进修 — training records of village doctors. */
export const networkTrainingRecords = pgTable(
  'network_training_records',
  {
    doctorId: text('doctor_id')
      .notNull()
      .references(() => networkVillageDoctors.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    institutionId: text('institution_id').notNull(),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endDate: date('end_date', { mode: 'string' }).notNull(),
  },
  (t) => [primaryKey({ name: 'network_training_records_pkey', columns: [t.doctorId, t.startDate] }), check('network_training_records_kind_check', oneOf(t.kind, ['rotation', 'further_study']))],
);
