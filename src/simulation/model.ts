/**
 * The generator's parameters for one year, resolved from the dated parameter tree at 1 July of that
 * year in the county's jurisdiction. Every value used is recorded with its provenance, so a generated
 * dataset (and its calibration report) can say exactly which parameter versions produced it.
 */
import { scaleLookup, type ParamTree, type Provenance, type Scale } from '../rules/params.js';
import type { IsoDate } from '../rules/period.js';
import { CHRONIC_CONDITIONS, type ChronicCondition } from './catalogue.js';

export type Level = 'village' | 'township' | 'county' | 'out_of_county';
export const OUTPATIENT_LEVELS: readonly Level[] = ['village', 'township', 'county', 'out_of_county'];
export const INPATIENT_LEVELS: readonly Level[] = ['township', 'county', 'out_of_county'];

export interface UsedParam {
  path: string;
  value: number | Scale;
  provenance: Provenance;
}

/** Reads numbers and scales and records what it read. */
export class ParamReader {
  readonly used = new Map<string, UsedParam>();
  constructor(
    readonly tree: ParamTree,
    readonly date: IsoDate,
    readonly jurisdiction: string,
  ) {}
  num(path: string): number {
    const r = this.tree.number(path, this.date, this.jurisdiction);
    this.used.set(path, { path, value: r.value, provenance: r.provenance });
    return r.value;
  }
  scale(path: string): Scale {
    const r = this.tree.scale(path, this.date, this.jurisdiction);
    this.used.set(path, { path, value: r.value, provenance: r.provenance });
    return r.value;
  }
}

/** A function of age built from a scale (the bracket whose threshold ≤ age), as a lookup table. */
export function ageTable(scale: Scale, maxAge = 120): Float64Array {
  const t = new Float64Array(maxAge + 1);
  for (let a = 0; a <= maxAge; a++) t[a] = a < (scale.brackets[0]?.threshold ?? 0) ? 0 : scaleLookup(scale, a);
  return t;
}

export interface YearModel {
  year: number;
  date: IsoDate;
  population: {
    size: number;
    /** Age bands: lower bound and share. */
    ageBands: Array<{ from: number; share: number }>;
    maleShare: number;
    birthRate: number; // per person-year
    deathRate: number;
    outMigrationRate: number;
    inMigrationRate: number;
    mortalityAgeSlope: number;
    employeeShare: number;
    retiredShareOfEmployees: number;
    prevalence: Record<ChronicCondition, Float64Array>;
    contractRate: number;
    priorityContractRate: number;
  };
  geography: {
    peoplePerTownship: number;
    villagesPerTownship: number;
    kmVillageToTownship: number;
    kmTownshipToCounty: number;
    kmCountyToCity: number;
    kmCountyToProvince: number;
  };
  institutions: {
    bedsPer1000: { countyGeneral: number; countyTcm: number; countyMch: number; township: number };
    cityHospitalBeds: number;
    provincialHospitalBeds: number;
  };
  staff: {
    county: StaffRatios;
    township: StaffRatios;
    villageDoctorsPerClinic: number;
  };
  care: {
    outpatientRate: { male: Float64Array; female: Float64Array };
    inpatientRate: { male: Float64Array; female: Float64Array };
    outpatientRateScale: number;
    inpatientRateScale: number;
    followUpVisits: Record<ChronicCondition, number>;
    admissionRelativeRisk: Record<ChronicCondition, number>;
    emergencyShare: number;
    severeDeathRate: number;
    referral: { outOfCountyReferredShare: number; townshipToCountyShare: number; downShare: number; downFollowUpDays: number };
  };
  choice: {
    provincialShareOfOutOfCounty: number;
    countyTcmShare: number;
    countyMchShareOfMaternalChild: number;
    outpatient: { asc: Record<Level, number>; severity: Record<Level, number>; perKm: number };
    inpatient: { asc: Record<Level, number>; severity: Record<Level, number>; perKm: number; perReimbursementPoint: number };
  };
  /** Inpatient reimbursement ratio by level and scheme (from the benefit parameters), without and with referral out of county. */
  reimbursement: Record<'resident' | 'employee', { township: number; county: number; outOfCountyReferred: number; outOfCountyUnreferred: number }>;
  cost: {
    outpatientScale: Record<Level, number>;
    inpatientScale: Record<Level, number>;
    drugScale: Record<Level, number>;
    outpatientSpread: number;
    inpatientSpread: number;
    severityStep: number;
  };
  los: { scale: Record<Level, number>; spread: number; severityStep: number };
  newborn: { birthWeightMean: number; birthWeightSd: number };
}

export interface StaffRatios {
  doctorsPerBed: number;
  nursesPerBed: number;
  pharmacistsPerBed: number;
  techniciansPerBed: number;
  managersPerBed: number;
  titleShare: { chief: number; associate_chief: number; attending: number };
}

export interface CalibrationTargets {
  visitsPerCapita: number;
  admissionRate: number;
  costPerVisit: Record<Level, number>; // fen
  costPerAdmission: Record<Level, number>; // fen (no village)
  averageLengthOfStay: Record<Level, number>;
  drugShare: Record<Level, number>;
  primaryVisitShare: number;
  villageShareOfPrimaryVisits: number;
  outOfCountyVisitShare: number;
  outOfCountyAdmissionShare: number;
  townshipAdmissionShare: number;
}

const S = 'simulation';

function byLevel(r: ParamReader, prefix: string, levels: readonly Level[], missing = 0): Record<Level, number> {
  const out: Record<Level, number> = { village: missing, township: missing, county: missing, out_of_county: missing };
  for (const l of levels) out[l] = r.num(`${prefix}.${l}`);
  return out;
}

function staffRatios(r: ParamReader, level: 'county' | 'township'): StaffRatios {
  const p = `${S}.staff.${level}`;
  return {
    doctorsPerBed: r.num(`${p}.doctorsPerBed`),
    nursesPerBed: r.num(`${p}.nursesPerBed`),
    pharmacistsPerBed: r.num(`${p}.pharmacistsPerBed`),
    techniciansPerBed: r.num(`${p}.techniciansPerBed`),
    managersPerBed: r.num(`${p}.managersPerBed`),
    titleShare: {
      chief: r.num(`${p}.titleShare.chief`),
      associate_chief: r.num(`${p}.titleShare.associate_chief`),
      attending: r.num(`${p}.titleShare.attending`),
    },
  };
}

/** The model of one year, read at 1 July of the year. */
export function resolveYearModel(r: ParamReader, year: number): YearModel {
  const per1000 = (p: string) => r.num(p) / 1000;
  const chronic = <T>(f: (c: ChronicCondition) => T) => Object.fromEntries(CHRONIC_CONDITIONS.map((c) => [c, f(c)])) as Record<ChronicCondition, T>;
  const ageDist = r.scale(`${S}.population.ageDistribution`);
  const ben = (scheme: 'resident' | 'employee') => {
    const p = `benefit.${scheme}.inpatient.ratio`;
    const tertiary = r.num(`${p}.tertiary`);
    return {
      township: r.num(`${p}.primary`),
      county: r.num(`${p}.secondary`),
      outOfCountyReferred: tertiary,
      outOfCountyUnreferred: Math.max(0, tertiary - r.num(`benefit.${scheme}.outOfCounty.unreferredRatioReduction`)),
    };
  };
  return {
    year,
    date: r.date,
    population: {
      size: r.num(`${S}.population.size`),
      ageBands: ageDist.brackets.map((b) => ({ from: b.threshold, share: b.value })),
      maleShare: r.num(`${S}.population.maleShare`),
      birthRate: per1000(`${S}.population.birthRate`),
      deathRate: per1000(`${S}.population.deathRate`),
      outMigrationRate: per1000(`${S}.population.outMigrationRate`),
      inMigrationRate: per1000(`${S}.population.inMigrationRate`),
      mortalityAgeSlope: r.num(`${S}.population.mortalityAgeSlope`),
      employeeShare: r.num(`${S}.population.employeeShare`),
      retiredShareOfEmployees: r.num(`${S}.population.retiredShareOfEmployees`),
      prevalence: chronic((c) => ageTable(r.scale(`${S}.population.chronic.${c}.prevalence`))),
      contractRate: r.num(`${S}.population.familyDoctor.contractRate`),
      priorityContractRate: r.num(`${S}.population.familyDoctor.priorityContractRate`),
    },
    geography: {
      peoplePerTownship: r.num(`${S}.geography.peoplePerTownship`),
      villagesPerTownship: r.num(`${S}.geography.villagesPerTownship`),
      kmVillageToTownship: r.num(`${S}.geography.kmVillageToTownship`),
      kmTownshipToCounty: r.num(`${S}.geography.kmTownshipToCounty`),
      kmCountyToCity: r.num(`${S}.geography.kmCountyToCity`),
      kmCountyToProvince: r.num(`${S}.geography.kmCountyToProvince`),
    },
    institutions: {
      bedsPer1000: {
        countyGeneral: r.num(`${S}.institutions.bedsPer1000.countyGeneral`),
        countyTcm: r.num(`${S}.institutions.bedsPer1000.countyTcm`),
        countyMch: r.num(`${S}.institutions.bedsPer1000.countyMch`),
        township: r.num(`${S}.institutions.bedsPer1000.township`),
      },
      cityHospitalBeds: r.num(`${S}.institutions.cityHospitalBeds`),
      provincialHospitalBeds: r.num(`${S}.institutions.provincialHospitalBeds`),
    },
    staff: { county: staffRatios(r, 'county'), township: staffRatios(r, 'township'), villageDoctorsPerClinic: r.num(`${S}.staff.village.doctorsPerClinic`) },
    care: {
      outpatientRate: { male: ageTable(r.scale(`${S}.care.outpatient.rateByAge.male`)), female: ageTable(r.scale(`${S}.care.outpatient.rateByAge.female`)) },
      inpatientRate: { male: ageTable(r.scale(`${S}.care.inpatient.rateByAge.male`)), female: ageTable(r.scale(`${S}.care.inpatient.rateByAge.female`)) },
      outpatientRateScale: r.num(`${S}.calibration.outpatientRateScale`),
      inpatientRateScale: r.num(`${S}.calibration.inpatientRateScale`),
      followUpVisits: chronic((c) => r.num(`${S}.care.chronic.${c}.followUpVisits`)),
      admissionRelativeRisk: chronic((c) => r.num(`${S}.care.chronic.${c}.admissionRelativeRisk`)),
      emergencyShare: r.num(`${S}.care.emergencyShare`),
      severeDeathRate: r.num(`${S}.care.inpatient.severeDeathRate`),
      referral: {
        outOfCountyReferredShare: r.num(`${S}.care.referral.outOfCountyReferredShare`),
        townshipToCountyShare: r.num(`${S}.care.referral.townshipToCountyShare`),
        downShare: r.num(`${S}.care.referral.downShare`),
        downFollowUpDays: r.num(`${S}.care.referral.downFollowUpDays`),
      },
    },
    choice: {
      provincialShareOfOutOfCounty: r.num(`${S}.choice.provincialShareOfOutOfCounty`),
      countyTcmShare: r.num(`${S}.choice.countyTcmShare`),
      countyMchShareOfMaternalChild: r.num(`${S}.choice.countyMchShareOfMaternalChild`),
      outpatient: {
        asc: byLevel(r, `${S}.calibration.choice.outpatient.asc`, ['village', 'township', 'out_of_county']),
        severity: byLevel(r, `${S}.choice.outpatient.severity`, ['village', 'township', 'out_of_county']),
        perKm: r.num(`${S}.choice.outpatient.perKm`),
      },
      inpatient: {
        asc: byLevel(r, `${S}.calibration.choice.inpatient.asc`, ['township', 'out_of_county']),
        severity: byLevel(r, `${S}.choice.inpatient.severity`, ['township', 'out_of_county']),
        perKm: r.num(`${S}.choice.inpatient.perKm`),
        perReimbursementPoint: r.num(`${S}.choice.inpatient.perReimbursementPoint`),
      },
    },
    reimbursement: { resident: ben('resident'), employee: ben('employee') },
    cost: {
      outpatientScale: byLevel(r, `${S}.calibration.cost.outpatient`, OUTPATIENT_LEVELS),
      inpatientScale: byLevel(r, `${S}.calibration.cost.inpatient`, INPATIENT_LEVELS),
      drugScale: byLevel(r, `${S}.calibration.drugs`, OUTPATIENT_LEVELS),
      outpatientSpread: r.num(`${S}.cost.outpatientSpread`),
      inpatientSpread: r.num(`${S}.cost.inpatientSpread`),
      severityStep: r.num(`${S}.cost.severityStep`),
    },
    los: { scale: byLevel(r, `${S}.calibration.los`, INPATIENT_LEVELS), spread: r.num(`${S}.los.spread`), severityStep: r.num(`${S}.los.severityStep`) },
    newborn: { birthWeightMean: r.num(`${S}.newborn.birthWeightMean`), birthWeightSd: r.num(`${S}.newborn.birthWeightSd`) },
  };
}

/** The calibration targets in force in a year. */
export function resolveTargets(r: ParamReader): CalibrationTargets {
  const t = `${S}.targets`;
  return {
    visitsPerCapita: r.num(`${t}.visitsPerCapita`),
    admissionRate: r.num(`${t}.admissionRate`),
    costPerVisit: byLevel(r, `${t}.costPerVisit`, OUTPATIENT_LEVELS),
    costPerAdmission: byLevel(r, `${t}.costPerAdmission`, INPATIENT_LEVELS),
    averageLengthOfStay: byLevel(r, `${t}.averageLengthOfStay`, INPATIENT_LEVELS),
    drugShare: byLevel(r, `${t}.drugShare`, OUTPATIENT_LEVELS),
    primaryVisitShare: r.num(`${t}.primaryVisitShare`),
    villageShareOfPrimaryVisits: r.num(`${t}.villageShareOfPrimaryVisits`),
    outOfCountyVisitShare: r.num(`${t}.outOfCountyVisitShare`),
    outOfCountyAdmissionShare: r.num(`${t}.outOfCountyAdmissionShare`),
    townshipAdmissionShare: r.num(`${t}.townshipAdmissionShare`),
  };
}
