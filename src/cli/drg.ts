import path from 'node:path';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { DEMO_SCHEME_DIR } from '../grouper/scheme.js';
import { groupFile } from '../runs/drg-group.js';

interface GroupFlags {
  scheme: string;
  in: string;
  out: string;
  trace?: boolean;
  check?: boolean;
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
          onProgress: (p) => bar?.update(Math.floor((p.bytes / Math.max(1, p.totalBytes)) * 100), { cases: p.cases.toLocaleString('en') }),
          onBadRow: (b) => {
            bad++;
            if (bad <= 20) console.error(`sanyi: ${flags.in} line ${b.line}: ${b.problem}`);
            else if (bad === 21) console.error('sanyi: (more bad rows; only the first 20 are listed)');
          },
        });
        bar?.stop();
        const statuses = Object.entries(s.byStatus).map(([k, n]) => `${k} ${n.toLocaleString('en')}`).join(', ');
        console.log(`sanyi: grouped ${s.cases.toLocaleString('en')} cases in ${s.seconds.toFixed(1)} s (${Math.round(s.cases / s.seconds).toLocaleString('en')} cases/s): ${statuses}${flags.check ? `; ${s.withProblems.toLocaleString('en')} with problems` : ''}${s.badRows ? `; ${s.badRows} bad rows skipped` : ''} → ${flags.out}`);
      } finally {
        bar?.stop();
      }
    });
}
