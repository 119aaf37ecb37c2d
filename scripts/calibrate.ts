/**
 * `npm run calibrate`: fits the generator's calibration parameters (params/<county>/simulation/
 * calibration/*) so that the default county meets its targets (simulation.targets.*).
 *
 * It runs the generator in memory (seed 42, the parameter population, one year), compares the
 * aggregates with the targets and updates, by fixed-point iteration:
 *   visit and admission rate scales      × target / actual
 *   choice constants (asc) per level     + ln(target share / actual share) − the same for the county
 *   cost scales per level and kind       × target / actual
 *   length-of-stay scales per level      × target / actual
 *   drug weights per level               × odds(target share) / odds(actual share)
 * until every figure is within 2% (the sampling noise of a 300,000-person year is about 1%) or the
 * iterations run out, then writes the
 * values (rounded to 4 significant digits) as the value in force from the first calibrated date.
 * The calibrated values stay ordinary dated parameters: a policy scenario changes the other
 * parameters (benefit ratios, prices …) and the generated behaviour moves with them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { loadParamTree } from '../src/rules/params.js';
import { SHIPPED_PARAMS_DIR } from '../src/runs/config.js';
import { loadCatalogue } from '../src/simulation/catalogue.js';
import { CALIBRATION_TOLERANCE, formatCalibration, type CalibrationReport } from '../src/simulation/calibration.js';
import { generate } from '../src/simulation/generate.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const paramsDir = args.get('params') ?? SHIPPED_PARAMS_DIR;
const county = args.get('jurisdiction') ?? 'demo';
const year = Number(args.get('year') ?? 2025);
const iterations = Number(args.get('iterations') ?? 12);
const seed = args.get('seed') ?? '42';
const EFFECTIVE = '2024-01-01';

const calDir = path.join(paramsDir, county, 'simulation', 'calibration');
const file = (rel: string) => path.join(calDir, `${rel}.yaml`);

function read(rel: string): number {
  const doc = parseDocument(readFileSync(file(rel), 'utf8'));
  return Number(doc.getIn(['values', EFFECTIVE]));
}

function write(rel: string, value: number): void {
  const doc = parseDocument(readFileSync(file(rel), 'utf8'));
  doc.setIn(['values', EFFECTIVE], Number(value.toPrecision(4)));
  writeFileSync(file(rel), doc.toString({ lineWidth: 0 }));
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const ratio = (target: number, actual: number) => (actual > 0 ? clamp(target / actual, 0.5, 2) : 1);
const odds = (p: number) => p / Math.max(1e-9, 1 - p);

const catalogue = await loadCatalogue(args.get('catalogue') ?? undefined);
let report: CalibrationReport | undefined;
for (let it = 1; it <= iterations; it++) {
  const params = await loadParamTree(paramsDir);
  const t0 = performance.now();
  const res = await generate({ params, catalogue, jurisdiction: county, startYear: year, years: 1, seed });
  report = res.yearResults[0]!.calibration;
  const rows = new Map(report.rows.map((r) => [r.id, r]));
  const worst = Math.max(...report.rows.map((r) => Math.abs(r.error)));
  console.log(`iteration ${it}: worst error ${(worst * 100).toFixed(2)}% (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  if (worst <= CALIBRATION_TOLERANCE * 0.4) break;
  const row = (id: string) => rows.get(id)!;
  const mul = (rel: string, f: number) => write(rel, read(rel) * f);
  const add = (rel: string, d: number) => write(rel, read(rel) + d);

  mul('outpatientRateScale', ratio(row('visitsPerCapita').target, row('visitsPerCapita').actual));
  mul('inpatientRateScale', ratio(row('admissionRate').target, row('admissionRate').actual));

  // Outpatient level shares.
  const s = res.yearResults[0]!.stats;
  const visits = s.visits.reduce((a, b) => a + b, 0);
  const tp = row('primaryVisitShare').target;
  const tv = row('villageShareOfPrimaryVisits').target;
  const to = row('outOfCountyVisitShare').target;
  const outTarget = [tp * tv, tp * (1 - tv), 1 - tp - to, to];
  const outActual = [...s.visits].map((v) => v / visits);
  const lnr = (t: number, a: number) => Math.log(Math.max(1e-6, t) / Math.max(1e-6, a));
  const countyOut = lnr(outTarget[2]!, outActual[2]!);
  add('choice/outpatient/asc/village', lnr(outTarget[0]!, outActual[0]!) - countyOut);
  add('choice/outpatient/asc/township', lnr(outTarget[1]!, outActual[1]!) - countyOut);
  add('choice/outpatient/asc/out_of_county', lnr(outTarget[3]!, outActual[3]!) - countyOut);
  const adm = s.admissions.reduce((a, b) => a + b, 0);
  const tt = row('townshipAdmissionShare').target;
  const toc = row('outOfCountyAdmissionShare').target;
  const countyIn = lnr(1 - tt - toc, (s.admissions[2] ?? 0) / adm);
  add('choice/inpatient/asc/township', lnr(tt, (s.admissions[1] ?? 0) / adm) - countyIn);
  add('choice/inpatient/asc/out_of_county', lnr(toc, (s.admissions[3] ?? 0) / adm) - countyIn);

  for (const l of ['village', 'township', 'county', 'out_of_county']) {
    const r = row(`costPerVisit.${l}`);
    mul(`cost/outpatient/${l}`, ratio(r.target, r.actual));
    const d = row(`drugShare.${l}`);
    mul(`drugs/${l}`, clamp(odds(d.target) / odds(d.actual), 0.5, 2));
  }
  for (const l of ['township', 'county', 'out_of_county']) {
    const c = row(`costPerAdmission.${l}`);
    mul(`cost/inpatient/${l}`, ratio(c.target, c.actual));
    const los = row(`averageLengthOfStay.${l}`);
    mul(`los/${l}`, ratio(los.target, los.actual));
  }
}
if (report) for (const l of formatCalibration(report)) console.log(l);
console.log(`calibration parameters written under ${calDir}`);
