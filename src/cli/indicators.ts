import path from 'node:path';
import type { Command } from 'commander';
import { openContext } from '../runs/context.js';
import { indicatorsYear, type IndicatorsSummary } from '../runs/indicators.js';
import { integerOption } from './options.js';

export function formatIndicators(s: IndicatorsSummary): string[] {
  return [
    `indicators of ${s.jurisdiction} ${s.year} (settlement run ${s.settlement_run})`,
    `  data items 数据项           ${s.items.toLocaleString('en-US')} (county and ${s.institutions} in-county institutions)${s.previous_year_items ? '' : `; no items of ${s.year - 1} stored: prev(…) indicators are null`}`,
    `  indicators 指标             ${s.indicators} definitions, ${s.values.toLocaleString('en-US')} values, ${s.with_value.toLocaleString('en-US')} with a value; target met ${s.met}, not met ${s.not_met}`,
    `  assessment 考核             county ${s.county_assessment ? `${s.county_assessment.scheme} ${s.county_assessment.score.toFixed(2)}` : 'no scheme in force'}; ${s.institution_assessments} institutions${s.institution_score_mean !== null ? `, mean score ${s.institution_score_mean.toFixed(2)}` : ''}`,
    `  dashboard 看板              ${s.snapshots} snapshots`,
    `  time ${s.seconds.toFixed(1)} s`,
    `  the scores apply when the year is settled (package retention) and linked (salaries) again: sanyi settle / sanyi linkage --jurisdiction ${s.jurisdiction} --year ${s.year}`,
  ];
}

export function registerIndicators(program: Command): void {
  program
    .command('indicators')
    .description('the indicators of a settled county-year: data items, every shipped indicator for the county and each institution, the assessment scores, and the dashboard snapshots')
    .option('--jurisdiction <id>', 'county whose data apply', 'demo')
    .requiredOption('--year <y>', 'a settled year', integerOption('--year'))
    .option('--indicators <dir>', 'indicator definitions directory (default: the shipped indicators/)')
    .option('--assessment <dir>', 'assessment schemes directory (default: the shipped indicators/assessment/)')
    .option('--json', 'print the summary as JSON (the pages are at /api/dashboard/{jurisdiction}/{year}/…)')
    .addHelpText(
      'after',
      `
Needs a settlement of the year (sanyi settle); run sanyi linkage first for the procurement, salary and
fund-months items. Running it again replaces the county-year's items, values and assessments. The
stored assessment scores are used by the next sanyi settle (package retention) and sanyi linkage
(salary budgets and leaders' pay) of the same year.`,
    )
    .action(async (flags: { jurisdiction: string; year: number; indicators?: string; assessment?: string; json?: boolean }) => {
      const ctx = await openContext();
      try {
        const r = await indicatorsYear(ctx, {
          jurisdiction: flags.jurisdiction,
          year: flags.year,
          ...(flags.indicators ? { indicatorsDir: path.resolve(flags.indicators) } : {}),
          ...(flags.assessment ? { assessmentDir: path.resolve(flags.assessment) } : {}),
          onStage: (stage) => console.error(`sanyi: ${stage} …`),
        });
        if (flags.json) console.log(JSON.stringify(r.summary, null, 2));
        else for (const l of formatIndicators(r.summary)) console.log(l);
      } finally {
        await ctx.close();
      }
    });
}
