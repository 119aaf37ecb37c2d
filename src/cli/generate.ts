import path from 'node:path';
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import { loadParamTree } from '../rules/params.js';
import { readConfig } from '../runs/config.js';
import { generateToDirectory } from '../runs/generate.js';
import { loadCatalogue, SHIPPED_CATALOGUE_DIR } from '../simulation/catalogue.js';
import { formatCalibration } from '../simulation/calibration.js';
import { GenerationAborted } from '../simulation/generate.js';
import { integerOption } from './options.js';
import { INJECTION_PATTERNS, parseInjection, type InjectionOptions } from '../simulation/inject.js';
import { DEMO_SCHEME_DIR, loadScheme } from '../grouper/scheme.js';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

interface GenerateFlags {
  population?: number;
  years: number;
  startYear: number;
  seed: string;
  out: string;
  jurisdiction: string;
  catalogue: string;
  intoDb?: boolean;
  inject?: string;
  scheme: string;
  progress: boolean;
}

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('generate a synthetic county (people, institutions, staff and years of care) as CSV files, deterministic for a seed')
    .option('--population <n>', 'persons at the start (default: the parameter simulation.population.size, 300,000 for the demo county)', integerOption('--population'))
    .option('--years <k>', 'number of years of care', integerOption('--years'), 1)
    .option('--start-year <y>', 'first year', integerOption('--start-year'), 2025)
    .option('--seed <s>', 'random seed (recorded in the manifest)', '42')
    .option('--out <dir>', 'output directory', './data/generated')
    .option('--jurisdiction <id>', 'county jurisdiction whose parameters apply', 'demo')
    .option('--catalogue <dir>', 'disease, drug and service catalogue directory', SHIPPED_CATALOGUE_DIR)
    .option('--into-db', 'also load the files into the database ($DATABASE_URL or the embedded one)')
    .option('--inject <rates>', `plant fund-abuse patterns at known rates for testing supervision, e.g. split_admission=0.02,duplicate_claim=0.01 (patterns: ${INJECTION_PATTERNS.join(', ')}); the ground truth goes to injections.csv`)
    .option('--scheme <dir>', 'grouping scheme whose MCC codes upcoding plants (with --inject upcoding=…)', DEMO_SCHEME_DIR)
    .addOption(new Option('--no-progress', 'no progress bar'))
    .addHelpText(
      'after',
      `
Writes persons, places, institutions, staff, encounters, charge_lines, drug_lines, drug_volumes,
referrals and inpatient_cases (the grouper's input columns) as CSV, calibration.json, and last
manifest.json with the seed, the parameter version and the row counts. See docs/generate.md.
Ctrl-C stops cleanly: no half-written file is left under a final name.`,
    )
    .action(async (flags: GenerateFlags) => {
      const config = readConfig();
      const params = await loadParamTree(config.paramsDir);
      const catalogue = await loadCatalogue(path.resolve(flags.catalogue));
      let inject: InjectionOptions | undefined;
      if (flags.inject !== undefined) {
        const rates = parseInjection(flags.inject);
        const scheme = rates.upcoding ? await loadScheme(path.resolve(flags.scheme)) : undefined;
        inject = { rates, ...(scheme ? { upcodingCodes: [...scheme.mcc.keys()].filter((c) => scheme.diagnoses?.has(c) ?? true) } : {}) };
      }
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint);
      const tty = flags.progress && process.stderr.isTTY;
      const bar = tty
        ? new cliProgress.SingleBar(
            { format: 'sanyi: year {year} [{bar}] {percentage}% | {value}/{total} persons | {encounters} encounters | {duration_formatted}', hideCursor: true, stream: process.stderr },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      let barYear = -1;
      const t0 = performance.now();
      try {
        const { manifest, result, dir } = await generateToDirectory({
          params,
          catalogue,
          jurisdiction: flags.jurisdiction,
          ...(flags.population !== undefined ? { population: flags.population } : {}),
          startYear: flags.startYear,
          years: flags.years,
          seed: flags.seed,
          out: flags.out,
          catalogueVersion: catalogue.version,
          generatedBy: `sanyi ${version}`,
          signal: controller.signal,
          ...(inject ? { inject } : {}),
          onProgress: async (p) => {
            if (bar) {
              if (p.year !== barYear) {
                if (barYear >= 0) bar.stop();
                bar.start(p.total, 0, { year: p.year, encounters: 0 });
                barYear = p.year;
              }
              bar.update(p.done, { year: p.year, encounters: p.encounters.toLocaleString('en') });
            } else if (p.done === p.total && flags.progress) {
              console.error(`sanyi: year ${p.year} done: ${p.total.toLocaleString('en')} persons, ${p.encounters.toLocaleString('en')} encounters so far`);
            }
            // Let signal handlers run between chunks.
            await new Promise((r) => setImmediate(r));
          },
        });
        bar?.stop();
        const secs = ((performance.now() - t0) / 1000).toFixed(1);
        console.log(`sanyi: generated ${result.population.toLocaleString('en')} persons × ${result.years} year(s) from ${result.startYear}, seed ${result.seed}, parameters ${result.paramVersion.slice(0, 12)}, in ${secs} s → ${dir}`);
        if (manifest.injections) console.log(`sanyi: planted ${manifest.injections.rows.toLocaleString('en')} abuse patterns (${Object.entries(manifest.injections.rates).map(([k, v]) => `${k} ${v}`).join(', ')}) → ${path.join(dir, manifest.injections.file)}`);
        for (const f of Object.values(manifest.files)) console.log(`  ${f.file.padEnd(22)} ${f.rows.toLocaleString('en').padStart(12)} rows`);
        for (const y of result.yearResults) for (const l of formatCalibration(y.calibration)) console.log(l);
        if (flags.intoDb) {
          const { loadIntoDatabase } = await import('../runs/load-into-db.js');
          await loadIntoDatabase(dir, config, (m) => console.error(`sanyi: ${m}`));
        }
      } catch (e) {
        bar?.stop();
        if (e instanceof GenerationAborted) {
          console.error('sanyi: interrupted; the partial files were removed');
          process.exitCode = 130;
          return;
        }
        throw e;
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
}
