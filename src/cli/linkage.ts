import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { openContext } from '../runs/context.js';
import { linkageYear, type LinkageSummary } from '../runs/linkage.js';
import { adoptedPriceFiles } from '../pricing/adopt.js';
import { integerOption } from './options.js';
import { formatFen } from '../rules/money.js';

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

export function formatLinkage(s: LinkageSummary): string[] {
  return [
    `linkage of ${s.jurisdiction} ${s.year} (settlement run ${s.settlement_run}, parameters ${s.param_version.slice(0, 12)}, seed ${s.seed})`,
    `  1 腾空间 VBP savings 集采节约         ${formatFen(s.vbp_savings_fen)}  (fund share retained by institutions ${formatFen(s.vbp_retained_fen)}; ${s.procurement_alerts} completion alerts)`,
    `  2 space 调价空间                     ${formatFen(s.space_fen)}  → adjustment total ${formatFen(s.adjustment_total_fen)}`,
    `  3 调结构 price proposal 调价方案      ${s.proposal_adopted ? 'adoptable' : 'NOT adoptable (see --json pricing.reasons)'}; net revenue change ${formatFen(s.price_change_fen)}; space used ${formatFen(s.space_used_fen)}, unused ${formatFen(s.space_unused_fen)}`,
    `  4 revenue structure 收入结构          drug share 药占比 ${pct(s.drug_share_before)} → ${pct(s.drug_share_actual)} → ${pct(s.drug_share_after)}; service share 医务性收入占比 ${pct(s.service_share_before)} → ${pct(s.service_share_actual)} → ${pct(s.service_share_after)}  (before procurement → recorded → after the price change)`,
    `  5 salary budget 工资总额              ${formatFen(s.salary_budget_fen)}`,
    `  6 保衔接 fund balance 基金结存        ${formatFen(s.fund_balance_fen)} (${s.fund_balance_months.toFixed(1)} months); fund change ${formatFen(s.fund_change_fen)}, patient out-of-pocket change 个人负担变化 ${formatFen(s.patient_oop_change_fen)} against the year before procurement`,
    `  time ${s.seconds.toFixed(1)} s`,
  ];
}

export function registerLinkage(program: Command): void {
  program
    .command('linkage')
    .description('the three-medical linkage of a settled county-year: VBP savings → space → price proposal → revenue structure → salary budget → fund and patients')
    .option('--jurisdiction <id>', 'county whose data and parameters apply', 'demo')
    .requiredOption('--year <y>', 'a settled year', integerOption('--year'))
    .option('--catalogue <dir>', 'catalogue directory with services.yaml, drugs.yaml and vbp-batches.yaml (default: the shipped catalogue)')
    .option('--effective <date>', 'date an adopted price table takes effect (default: 1 January of the next year)')
    .option('--adopt', 'write the proposal as dated price parameters of the jurisdiction (only when it is adoptable)')
    .option('--doc-no <no>', 'document number (文号) of the price notice, recorded as the reference of the adopted prices')
    .option('--json', 'print the summary as JSON (the full chain with traces is at /api/linkage/{jurisdiction}/{year})')
    .addHelpText(
      'after',
      `
Needs a settlement of the year (sanyi settle). Running it again replaces the stored result. With
--adopt the changed prices are written under <params>/<jurisdiction>/pricing/service/ as dated values
from --effective; generation and settlement of later years then charge them.`,
    )
    .action(async (flags: { jurisdiction: string; year: number; catalogue?: string; effective?: string; adopt?: boolean; docNo?: string; json?: boolean }) => {
      const ctx = await openContext();
      try {
        const r = await linkageYear(ctx, {
          jurisdiction: flags.jurisdiction,
          year: flags.year,
          ...(flags.catalogue ? { catalogueDir: path.resolve(flags.catalogue) } : {}),
          ...(flags.effective ? { effectiveFrom: flags.effective } : {}),
          onStage: flags.json ? () => {} : (stage) => console.error(`sanyi: ${stage} …`),
        });
        if (flags.json) console.log(JSON.stringify(r.summary, null, 2));
        else for (const l of formatLinkage(r.summary)) console.log(l);
        if (flags.adopt) {
          if (!r.pricing.adoptable) {
            console.error(`sanyi: the proposal is not adoptable: ${r.pricing.reasons.join('; ')}`);
            process.exitCode = 2;
            return;
          }
          const root = ctx.config.paramsDir;
          const files = adoptedPriceFiles(
            r.pricing,
            flags.jurisdiction,
            flags.docNo
              ? { basis: 'source', docNo: flags.docNo, title: `${flags.year} 年医疗服务价格调整方案 (sanyi linkage, settlement run ${r.summary.settlement_run})` }
              : { basis: 'default', reason: `price proposal of ${flags.year} computed by sanyi linkage (settlement run ${r.summary.settlement_run}, parameters ${r.summary.param_version.slice(0, 12)}), adopted without a document number` },
            (f) => (existsSync(path.join(root, f)) ? readFileSync(path.join(root, f), 'utf8') : null),
          );
          for (const f of files) {
            mkdirSync(path.dirname(path.join(root, f.file)), { recursive: true });
            writeFileSync(path.join(root, f.file), f.text);
          }
          console.error(`sanyi: adopted ${files.length} prices from ${r.pricing.effectiveFrom} under ${path.join(root, flags.jurisdiction, 'pricing/service')}`);
        }
      } finally {
        await ctx.close();
      }
    });
}
