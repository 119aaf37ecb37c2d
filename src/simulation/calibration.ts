/**
 * Calibration report (校准报告): the generated year's aggregates against their targets (dated
 * parameters simulation.targets.*), with the relative error and whether it is within tolerance.
 */
import type { Provenance } from '../rules/params.js';
import type { CareStats } from './care.js';
import type { CalibrationTargets, Level, ParamReader } from './model.js';

/** Relative error allowed for the default county (issue 3: ±5%). */
export const CALIBRATION_TOLERANCE = 0.05;

export interface CalibrationRow {
  id: string;
  label: { zh: string; en: string };
  unit: 'per_capita' | 'ratio' | 'fen' | 'days';
  target: number;
  actual: number;
  /** (actual − target) / target. */
  error: number;
  ok: boolean;
  /** Target parameter and where its value comes from. */
  parameter: string;
  provenance?: Provenance;
  /** Numerator and denominator of the actual figure. */
  numerator: number;
  denominator: number;
}

export interface CalibrationReport {
  year: number;
  tolerance: number;
  ok: boolean;
  rows: CalibrationRow[];
}

const LEVEL_ZH: Record<Level, string> = { village: '村卫生室', township: '乡镇卫生院', county: '县级医院', out_of_county: '县外医院' };
const LEVEL_EN: Record<Level, string> = { village: 'village clinics', township: 'township health centres', county: 'county hospitals', out_of_county: 'out-of-county hospitals' };
const L: Record<Level, number> = { village: 0, township: 1, county: 2, out_of_county: 3 };

export function calibrationReport(s: CareStats, t: CalibrationTargets, reader: ParamReader, year: number): CalibrationReport {
  const rows: CalibrationRow[] = [];
  const add = (id: string, zh: string, en: string, unit: CalibrationRow['unit'], parameter: string, target: number, numerator: number, denominator: number) => {
    const actual = denominator > 0 ? numerator / denominator : 0;
    const error = target !== 0 ? (actual - target) / target : actual === 0 ? 0 : Infinity;
    const provenance = reader.used.get(parameter)?.provenance;
    rows.push({ id, label: { zh, en }, unit, target, actual, error, ok: Math.abs(error) <= CALIBRATION_TOLERANCE, parameter, ...(provenance ? { provenance } : {}), numerator, denominator });
  };
  const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
  const personYears = s.personDays / s.daysInYear;
  const visits = sum(s.visits);
  const admissions = sum(s.admissions);
  const P = 'simulation.targets';
  add('visitsPerCapita', '居民平均就诊次数', 'Visits per capita', 'per_capita', `${P}.visitsPerCapita`, t.visitsPerCapita, visits, personYears);
  add('admissionRate', '居民年住院率', 'Admission rate', 'ratio', `${P}.admissionRate`, t.admissionRate, admissions, personYears);
  for (const l of ['village', 'township', 'county', 'out_of_county'] as const) {
    add(`costPerVisit.${l}`, `次均门诊费用（${LEVEL_ZH[l]}）`, `Cost per visit, ${LEVEL_EN[l]}`, 'fen', `${P}.costPerVisit.${l}`, t.costPerVisit[l], s.visitFen[L[l]] ?? 0, s.visits[L[l]] ?? 0);
  }
  for (const l of ['township', 'county', 'out_of_county'] as const) {
    add(`costPerAdmission.${l}`, `次均住院费用（${LEVEL_ZH[l]}）`, `Cost per admission, ${LEVEL_EN[l]}`, 'fen', `${P}.costPerAdmission.${l}`, t.costPerAdmission[l], s.admissionFen[L[l]] ?? 0, s.admissions[L[l]] ?? 0);
  }
  for (const l of ['township', 'county', 'out_of_county'] as const) {
    add(`averageLengthOfStay.${l}`, `平均住院日（${LEVEL_ZH[l]}）`, `Average length of stay, ${LEVEL_EN[l]}`, 'days', `${P}.averageLengthOfStay.${l}`, t.averageLengthOfStay[l], s.losDays[L[l]] ?? 0, s.admissions[L[l]] ?? 0);
  }
  for (const l of ['village', 'township', 'county', 'out_of_county'] as const) {
    add(`drugShare.${l}`, `药品收入占比（${LEVEL_ZH[l]}）`, `Drug share of revenue, ${LEVEL_EN[l]}`, 'ratio', `${P}.drugShare.${l}`, t.drugShare[l], s.drugFen[L[l]] ?? 0, s.totalFen[L[l]] ?? 0);
  }
  const primary = (s.visits[0] ?? 0) + (s.visits[1] ?? 0);
  add('primaryVisitShare', '基层诊疗量占比', 'Share of visits at primary level', 'ratio', `${P}.primaryVisitShare`, t.primaryVisitShare, primary, visits);
  add('villageShareOfPrimaryVisits', '基层诊疗量中村卫生室占比', 'Village-clinic share of primary-level visits', 'ratio', `${P}.villageShareOfPrimaryVisits`, t.villageShareOfPrimaryVisits, s.visits[0] ?? 0, primary);
  add('outOfCountyVisitShare', '县外门诊占比', 'Share of visits out of county', 'ratio', `${P}.outOfCountyVisitShare`, t.outOfCountyVisitShare, s.visits[3] ?? 0, visits);
  add('outOfCountyAdmissionShare', '县外住院占比', 'Share of admissions out of county', 'ratio', `${P}.outOfCountyAdmissionShare`, t.outOfCountyAdmissionShare, s.admissions[3] ?? 0, admissions);
  add('townshipAdmissionShare', '乡镇卫生院住院占比', 'Share of admissions at township health centres', 'ratio', `${P}.townshipAdmissionShare`, t.townshipAdmissionShare, s.admissions[1] ?? 0, admissions);
  return { year, tolerance: CALIBRATION_TOLERANCE, ok: rows.every((r) => r.ok), rows };
}

/** The report as aligned text lines (for the CLI). */
export function formatCalibration(r: CalibrationReport, lang: 'zh' | 'en' = 'en'): string[] {
  const fmt = (v: number, unit: CalibrationRow['unit']) => {
    switch (unit) {
      case 'fen':
        return `¥${(v / 100).toFixed(2)}`;
      case 'ratio':
        return `${(v * 100).toFixed(1)}%`;
      case 'days':
        return `${v.toFixed(2)} d`;
      case 'per_capita':
        return v.toFixed(3);
    }
  };
  const lines = [`calibration ${r.year} (tolerance ±${(r.tolerance * 100).toFixed(0)}%)`];
  for (const row of r.rows) {
    const label = row.label[lang];
    lines.push(`  ${row.ok ? 'ok  ' : 'MISS'} ${label.padEnd(lang === 'zh' ? 22 : 48)} target ${fmt(row.target, row.unit).padStart(10)}  actual ${fmt(row.actual, row.unit).padStart(10)}  ${(row.error >= 0 ? '+' : '') + (row.error * 100).toFixed(1)}%`);
  }
  lines.push(r.ok ? `  all ${r.rows.length} figures within tolerance` : `  ${r.rows.filter((x) => !x.ok).length} of ${r.rows.length} figures outside tolerance`);
  return lines;
}
