/**
 * `sanyi indicators`: the indicators of a settled county-year (issue 7 §1, docs/dashboard.md).
 *
 *   items       the data items for the county and each institution (src/runs/indicator-items.ts)
 *   evaluate    every shipped indicator (indicators/*.yaml) at the county and at each in-county
 *               institution, with last year's stored items for prev(…)
 *   assess      the assessment schemes in force (indicators/assessment/): the county community's
 *               (its score sets package retention in `sanyi settle`) and each institution's (its
 *               salary budget and leaders' pay in `sanyi linkage`)
 *   write       items, values and assessments of the county-year replaced in one transaction
 *   dashboard   the snapshots rebuilt (src/runs/dashboard.ts)
 */
import type { ParamTree } from '../rules/params.js';
import type { Store } from '../store/store.js';
import { evaluateAll, loadAssessmentSchemes, loadIndicators, schemeInForce, scoreAssessment, SHIPPED_ASSESSMENT_DIR, SHIPPED_INDICATORS_DIR, type AssessmentResult, type IndicatorValue } from '../indicators/index.js';
import { settlementRun } from './settlement-read.js';
import { computeItems, readItems, writeItems } from './indicator-items.js';
import { rebuildDashboard } from './dashboard.js';

export interface IndicatorsOptions {
  jurisdiction: string;
  year: number;
  indicatorsDir?: string;
  assessmentDir?: string;
  catalogueDir?: string;
  onStage?: (stage: string) => void;
}

export interface IndicatorsSummary {
  jurisdiction: string;
  year: number;
  settlement_run: number;
  items: number;
  institutions: number;
  indicators: number;
  values: number;
  with_value: number;
  met: number;
  not_met: number;
  previous_year_items: boolean;
  county_assessment: { scheme: string; score: number } | null;
  institution_assessments: number;
  institution_score_mean: number | null;
  snapshots: number;
  seconds: number;
}

export interface IndicatorsResult {
  summary: IndicatorsSummary;
  county: IndicatorValue[];
  institutions: Map<string, IndicatorValue[]>;
  countyAssessment: AssessmentResult | null;
  institutionAssessments: Map<string, AssessmentResult>;
}

/** Computes, evaluates, scores and stores the indicators of a settled county-year (see the file head). */
export async function indicatorsYear(ctx: { store: Store; params: ParamTree }, opts: IndicatorsOptions): Promise<IndicatorsResult> {
  const started = performance.now();
  const { store, params } = ctx;
  const { jurisdiction: county, year } = opts;
  const stage = opts.onStage ?? (() => {});
  const settlement = await settlementRun(store, county, year);
  const defs = loadIndicators(opts.indicatorsDir ?? SHIPPED_INDICATORS_DIR);
  const schemes = loadAssessmentSchemes(opts.assessmentDir ?? SHIPPED_ASSESSMENT_DIR, { indicators: defs });

  const items = await computeItems(store, { county, year, runId: settlement.runId, summary: settlement.summary }, { ...(opts.catalogueDir ? { catalogueDir: opts.catalogueDir } : {}), onStage: stage });
  const prev = await readItems(store, county, year - 1);

  stage('evaluating the indicators');
  const inCounty = new Set((await store.query<{ id: string }>('select id from institutions where in_county')).map((r) => r.id));
  const countyValues = evaluateAll(defs, 'county', items.countyItems, prev?.countyItems);
  const instValues = new Map<string, IndicatorValue[]>();
  for (const [id, m] of items.institutions) {
    if (!inCounty.has(id)) continue;
    instValues.set(id, evaluateAll(defs, 'institution', m, prev?.institutions.get(id)));
  }

  stage('scoring the assessments');
  const date = `${year}-12-31`;
  const countyScheme = schemeInForce(schemes, 'county', date);
  const instScheme = schemeInForce(schemes, 'institution', date);
  const countyAssessment = countyScheme ? scoreAssessment(countyScheme, countyValues) : null;
  const instAssessments = new Map<string, AssessmentResult>();
  if (instScheme) for (const [id, v] of instValues) instAssessments.set(id, scoreAssessment(instScheme, v));

  stage('writing items, values and assessments');
  let itemRows = 0;
  const valueRow = (institution: string, v: IndicatorValue) => [county, year, institution, v.id, v.value, v.numerator, v.denominator, v.met, v.reason ?? null, v.trace];
  await store.transaction(async (tx) => {
    itemRows = await writeItems(tx, items);
    await tx.query('delete from indicator_values where county_id = $1 and year = $2', [county, year]);
    await tx.copyInto(
      'indicator_values',
      ['county_id', 'year', 'institution_id', 'indicator_id', 'value', 'numerator', 'denominator', 'met', 'reason', 'trace'],
      (function* () {
        for (const v of countyValues) yield valueRow('', v);
        for (const [id, vs] of instValues) for (const v of vs) yield valueRow(id, v);
      })(),
    );
    await tx.query('delete from assessments where county_id = $1 and year = $2', [county, year]);
    const rows: unknown[][] = [];
    if (countyAssessment) rows.push([county, year, 'county', '', countyAssessment.scheme, countyAssessment.score, countyAssessment]);
    for (const [id, a] of instAssessments) rows.push([county, year, 'institution', id, a.scheme, a.score, a]);
    await tx.copyInto('assessments', ['county_id', 'year', 'scope', 'institution_id', 'scheme_id', 'score', 'result'], rows);
  });

  const built = await rebuildDashboard(store, county, year, { params, onStage: stage, ...(opts.indicatorsDir ? { indicatorsDir: opts.indicatorsDir } : {}), ...(opts.catalogueDir ? { catalogueDir: opts.catalogueDir } : {}) });
  const all = [...countyValues, ...[...instValues.values()].flat()];
  const scores = [...instAssessments.values()].map((a) => a.score);
  return {
    summary: {
      jurisdiction: county,
      year,
      settlement_run: settlement.runId,
      items: itemRows,
      institutions: instValues.size,
      indicators: defs.length,
      values: all.length,
      with_value: all.filter((v) => v.value !== null).length,
      met: all.filter((v) => v.met === true).length,
      not_met: all.filter((v) => v.met === false).length,
      previous_year_items: prev !== null,
      county_assessment: countyAssessment ? { scheme: countyAssessment.scheme, score: countyAssessment.score } : null,
      institution_assessments: instAssessments.size,
      institution_score_mean: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
      snapshots: built?.pages ?? 0,
      seconds: (performance.now() - started) / 1000,
    },
    county: countyValues,
    institutions: instValues,
    countyAssessment,
    institutionAssessments: instAssessments,
  };
}
