import path from 'node:path';
import type { Command } from 'commander';
import { openContext } from '../runs/context.js';
import { settleYear, type SettleSummary } from '../runs/settle.js';
import { DEMO_SCHEME_DIR } from '../grouper/scheme.js';
import { integerOption } from './options.js';

const yuan = (fen: number) => `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export function formatSummary(s: SettleSummary): string[] {
  const p = s.package;
  return [
    `settled ${s.jurisdiction} ${s.year} (run ${s.run_id}, parameters ${s.param_version.slice(0, 12)}, data seed ${s.seed ?? '-'})`,
    `  claims 结算人次            ${s.claims.toLocaleString('en-US')}`,
    `  total charges 医疗总费用   ${yuan(s.total_fen)}`,
    `  fund 基金支付              ${yuan(s.fund_fen)}  (basic 统筹 ${yuan(s.basic_fund_fen)}, critical illness 大病 ${yuan(s.critical_illness_fen)})`,
    `  patient 个人负担           ${yuan(s.patient_fen)}`,
    `  paid to institutions 拨付  ${yuan(s.hospital_payment_fen)}`,
    `  package 打包预算           budget ${yuan(p.budget_fen)}, charged ${yuan(p.charged_fen)}, balance ${yuan(p.balance_fen)}, retained 结余留用 ${yuan(p.retained_fen)}`,
    `  supervision 监管线索       ${s.findings.toLocaleString('en-US')} findings${Object.keys(s.findings_by_rule).length ? ` (${Object.entries(s.findings_by_rule).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`,
    `  time                       ${Object.entries(s.seconds).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ')}`,
  ];
}

export function registerSettle(program: Command): void {
  program
    .command('settle')
    .description('settle a county-year over the stored encounters: adjudicate claims, group and pay hospitals, post the package ledger, run fund supervision')
    .option('--jurisdiction <id>', 'county whose data and parameters apply', 'demo')
    .requiredOption('--year <y>', 'year to settle (claims discharged in that year)', integerOption('--year'))
    .option('--scheme <dir>', 'DRG grouping scheme directory (e.g. the official CHS-DRG 1.1 tables)', DEMO_SCHEME_DIR)
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
Running it again replaces the county-year's results (idempotent); a run that is killed leaves the
previous results in place, and the next run clears what it left. The API serves the results under
/api/settlements (see /docs).`,
    )
    .action(async (flags: { jurisdiction: string; year: number; scheme: string; json?: boolean }) => {
      const ctx = await openContext();
      try {
        const s = await settleYear(ctx, {
          jurisdiction: flags.jurisdiction,
          year: flags.year,
          schemeDir: path.resolve(flags.scheme),
          onStage: flags.json ? () => {} : (stage) => console.error(`sanyi: ${stage} …`),
        });
        if (flags.json) console.log(JSON.stringify(s, null, 2));
        else for (const l of formatSummary(s)) console.log(l);
      } finally {
        await ctx.close();
      }
    });
}
