import path from 'node:path';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { DEMO_SCHEME_DIR } from '../grouper/scheme.js';
import { groupFile } from '../runs/drg-group.js';
import { casesFromCsv, casesFromGenerated, dipCasesFromCsv, dipCasesFromGenerated, dipCatalogue, drgWeights } from '../runs/drg-weights.js';
import { loadParamTree } from '../rules/params.js';
import { readConfig } from '../runs/config.js';
import { integerOption } from './options.js';

interface GroupFlags {
  scheme: string;
  in: string;
  out: string;
  trace?: boolean;
  check?: boolean;
  translate?: boolean;
  strict?: boolean;
  progress: boolean;
}

export function registerDrg(program: Command): void {
  const drg = program.command('drg').description('DRG grouping (CHS-DRG scheme given as data)');
  drg
    .command('group')
    .description('group a CSV of inpatient cases into MDC, ADRG and DRG')
    .option('--scheme <dir>', 'grouping scheme directory (scheme.json and its code tables), e.g. the official CHS-DRG 1.1 tables', DEMO_SCHEME_DIR)
    .requiredOption('--in <file>', 'cases: case_id,sex,age,age_days,birth_weight,dept,los,disposition,diagnoses,procedures')
    .requiredOption('--out <file>', 'results: case_id,mdc,adrg,drg,status')
    .option('--trace', 'add a trace column: the rules that admitted the case, and the complications counted or excluded')
    .option('--check', 'add a problems column: missing principal diagnosis, codes not in the scheme\'s code tables, sex mismatch (the grouping itself is unchanged)')
    .option('--strict', 'refuse records with a problem (see --check): status invalid, the reasons in the problems column')
    .option('--translate', 'translate codes with the scheme\'s dx_map and proc_map tables first (statuses dx_not_mapped / proc_not_mapped)')
    .option('--no-progress', 'no progress bar')
    .action(async (flags: GroupFlags) => {
      const bar =
        flags.progress && process.stderr.isTTY
          ? new cliProgress.SingleBar({ format: 'sanyi: grouping [{bar}] {percentage}% | {cases} cases | {duration_formatted}', stream: process.stderr }, cliProgress.Presets.shades_classic)
          : undefined;
      bar?.start(100, 0, { cases: 0 });
      let bad = 0;
      try {
        const s = await groupFile({
          scheme: path.resolve(flags.scheme),
          input: path.resolve(flags.in),
          output: path.resolve(flags.out),
          trace: flags.trace ?? false,
          check: flags.check ?? false,
          translate: flags.translate ?? false,
          strict: flags.strict ?? false,
          onProgress: (p) => bar?.update(Math.floor((p.bytes / Math.max(1, p.totalBytes)) * 100), { cases: p.cases.toLocaleString('en') }),
          onBadRow: (b) => {
            bad++;
            if (bad <= 20) console.error(`sanyi: ${flags.in} line ${b.line}: ${b.problem}`);
            else if (bad === 21) console.error('sanyi: (more bad rows; only the first 20 are listed)');
          },
        });
        bar?.stop();
        const statuses = Object.entries(s.byStatus).map(([k, n]) => `${k} ${n.toLocaleString('en')}`).join(', ');
        console.log(`sanyi: grouped ${s.cases.toLocaleString('en')} cases in ${s.seconds.toFixed(1)} s (${Math.round(s.cases / s.seconds).toLocaleString('en')} cases/s): ${statuses}${flags.check || flags.strict ? `; ${s.withProblems.toLocaleString('en')} with problems` : ''}${s.badRows ? `; ${s.badRows} bad rows skipped` : ''} → ${flags.out}`);
      } finally {
        bar?.stop();
      }
    });

  drg
    .command('weights')
    .description('relative weights (RW) and points for a year from the three years before it, and hospital CMI and cost/time indices')
    .requiredOption('--year <y>', 'target year: the weights use the cases of y−3, y−2 and y−1', integerOption('--year'))
    .option('--cases <file>', 'historical cases: drg,year,cost_fen,los,hospital')
    .option('--generated <dir>', 'or a sanyi generate directory: its inpatient cases are grouped with --scheme and joined to their encounters')
    .option('--scheme <dir>', 'grouping scheme for --generated', DEMO_SCHEME_DIR)
    .option('--jurisdiction <id>', 'whose dated parameters apply (year weights, trimming, point scale)', 'demo')
    .requiredOption('--out <file>', 'weights: drg,cases,kept,avg_cost_fen,rw,points,payment_standard_fen,note')
    .option('--hospitals <file>', 'hospital indices of year y−1: hospital,cases,drgs,total_weight,cmi,cost_index,time_index')
    .action(async (flags: { year: number; cases?: string; generated?: string; scheme: string; jurisdiction: string; out: string; hospitals?: string }) => {
      if (!flags.cases === !flags.generated) throw new Error('give either --cases FILE or --generated DIR');
      const params = await loadParamTree(readConfig().paramsDir);
      let bad = 0;
      const cases = flags.cases
        ? await casesFromCsv(path.resolve(flags.cases), (m) => {
            if (++bad <= 20) console.error(`sanyi: ${m}`);
          })
        : await casesFromGenerated(path.resolve(flags.generated!), path.resolve(flags.scheme));
      const r = await drgWeights({ cases, targetYear: flags.year, params, jurisdiction: flags.jurisdiction, out: path.resolve(flags.out), ...(flags.hospitals ? { hospitalsOut: path.resolve(flags.hospitals) } : {}) });
      const p = r.result.params;
      console.log(
        `sanyi: ${r.result.weights.length} DRGs weighted for ${flags.year} from ${cases.length.toLocaleString('en')} cases (years ${p.yearWeights.map((w, i) => `${flags.year - i - 1}×${w}`).join(', ')}; trimming ${p.trimMethod} k=${p.trimK}${p.trimOnLog ? ' on log cost' : ''}; ${p.pointScale} points per RW); average cost ¥${(r.result.overallAvgCostFen / 100).toFixed(2)}${bad ? `; ${bad} bad rows skipped` : ''} → ${flags.out}`,
      );
      const b = r.baseRate;
      console.log(
        `sanyi: base rate ¥${(b.baseRateFen / 100).toFixed(2)} per RW (${b.method}: ¥${(b.numeratorFen / 100).toFixed(2)} ÷ ${b.denominatorWeight} RW${b.growth !== undefined ? ` × (1 + ${b.growth})` : ''}); payment standard = RW × base rate`,
      );
      if (flags.hospitals) console.log(`sanyi: ${r.hospitals.length} hospitals → ${flags.hospitals}`);
    });

  const dip = program.command('dip').description('DIP (按病种分值付费): groups, scores and point values');
  dip
    .command('catalogue')
    .description('DIP groups (core: diagnosis + treatment with enough cases; comprehensive: the rest) and scores for a year from the three years before it')
    .requiredOption('--year <y>', 'target year', integerOption('--year'))
    .option('--cases <file>', 'historical cases: year,dx,px,cost_fen (principal diagnosis and procedure)')
    .option('--generated <dir>', 'or a sanyi generate directory')
    .option('--jurisdiction <id>', 'whose dated parameters apply', 'demo')
    .requiredOption('--out <file>', 'groups: group,type,cases,avg_cost_fen,score')
    .action(async (flags: { year: number; cases?: string; generated?: string; jurisdiction: string; out: string }) => {
      if (!flags.cases === !flags.generated) throw new Error('give either --cases FILE or --generated DIR');
      const params = await loadParamTree(readConfig().paramsDir);
      let bad = 0;
      const cases = flags.cases
        ? await dipCasesFromCsv(path.resolve(flags.cases), (m) => {
            if (++bad <= 20) console.error(`sanyi: ${m}`);
          })
        : await dipCasesFromGenerated(path.resolve(flags.generated!));
      const r = await dipCatalogue({ cases, targetYear: flags.year, params, jurisdiction: flags.jurisdiction, out: path.resolve(flags.out) });
      const groups = [...r.catalogue.groups.values()];
      const core = groups.filter((g) => g.type === 'core').length;
      console.log(
        `sanyi: ${groups.length} DIP groups for ${flags.year} (${core} core with ≥ ${r.catalogue.params.coreMinCases} cases, ${groups.length - core} comprehensive) from ${cases.length.toLocaleString('en')} cases; budget point value ¥${(r.budgetPointValueFen / 100).toFixed(4)} per point${bad ? `; ${bad} bad rows skipped` : ''} → ${flags.out}`,
      );
    });
}
