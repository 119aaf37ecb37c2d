import type { Command } from 'commander';
import { loadParamTree, type ParamTree, type Reference } from '../rules/params.js';
import { formatValue } from '../rules/trace.js';
import { readConfig, todayInChina } from '../runs/config.js';
import { dateOption } from './options.js';

interface LookupOpts {
  date?: string;
  jurisdiction: string;
  json?: boolean;
  dir?: string;
}

async function tree(dir?: string): Promise<ParamTree> {
  return loadParamTree(dir ?? readConfig().paramsDir);
}

function reference(r: Reference): string {
  if (r.basis === 'default') return `«default» ${r.reason ?? ''}`;
  return [`«${r.basis}»`, r.docNo, r.title, r.url].filter(Boolean).join(' · ');
}

export function registerParams(program: Command): void {
  const params = program.command('params').description('the dated parameter tree (政策参数)');
  const lookup = (c: Command) =>
    c
      .option('-d, --date <date>', 'date the value is in force (YYYY-MM-DD; default today in China)', dateOption)
      .option('-j, --jurisdiction <id>', 'jurisdiction (the most specific value in its chain wins)', 'demo')
      .option('--dir <dir>', 'parameter tree (default: $SANYI_PARAMS_DIR or the shipped params/)')
      .option('--json', 'print JSON');

  lookup(params.command('show').argument('<path>', 'dotted parameter path, e.g. benefit.resident.inpatient.ratio.primary'))
    .description('show one parameter: the value in force, where it comes from, and its dated history')
    .action(async (path: string, opts: LookupOpts) => {
      const t = await tree(opts.dir);
      const date = opts.date ?? todayInChina();
      const r = t.resolve(path, date, opts.jurisdiction);
      const defs = t.definitions(path);
      if (opts.json) {
        console.log(JSON.stringify({ ...r, date, jurisdiction: opts.jurisdiction, version: t.version, definitions: defs }, null, 2));
        return;
      }
      const from = t.jurisdiction(r.provenance.jurisdiction);
      const out = [
        path,
        `  ${r.label.zh} / ${r.label.en}`,
        `  value at ${date} in ${opts.jurisdiction}: ${formatValue(r.value, r.unit)}  (unit ${r.unit}${r.rounding ? `, rounding ${r.rounding}` : ''})`,
        `  from ${from.id} (${from.name.zh} ${from.name.en}), in force since ${r.provenance.effectiveFrom}, file ${r.provenance.file}`,
        `  reference ${reference(r.provenance.reference)}`,
        '  history:',
      ];
      for (const d of defs) {
        for (const v of d.values) {
          const inForce = d.jurisdiction === r.provenance.jurisdiction && v.effectiveFrom === r.provenance.effectiveFrom;
          out.push(`    ${d.jurisdiction.padEnd(16)} ${v.effectiveFrom}  ${formatValue(v.value, d.unit)}${inForce ? '   ← in force' : ''}`);
        }
      }
      console.log(out.join('\n'));
    });

  lookup(params.command('list').argument('[prefix]', 'only paths starting with this prefix'))
    .description('list every parameter with the value in force')
    .action(async (prefix: string | undefined, opts: LookupOpts) => {
      const t = await tree(opts.dir);
      const date = opts.date ?? todayInChina();
      const rows = t.snapshot(date, opts.jurisdiction).filter((s) => !prefix || s.path.startsWith(prefix));
      if (opts.json) {
        console.log(JSON.stringify(rows.map((s) => ({ path: s.path, value: s.resolved?.value ?? null, unit: s.definition.unit, provenance: s.resolved?.provenance ?? null })), null, 2));
        return;
      }
      const width = Math.max(...rows.map((s) => s.path.length), 10);
      for (const s of rows) {
        const v = s.resolved ? formatValue(s.resolved.value, s.definition.unit) : '— (none in force)';
        console.log(`${s.path.padEnd(width)}  ${v.padEnd(16)} ${s.resolved ? `[${s.resolved.provenance.jurisdiction} ${s.resolved.provenance.effectiveFrom}]` : ''}`);
      }
      console.log(`${rows.length} parameters at ${date} in ${opts.jurisdiction}; tree version ${t.shortVersion}`);
    });

  params
    .command('check')
    .description('validate the parameter tree and print its version hash')
    .option('--dir <dir>', 'parameter tree (default: $SANYI_PARAMS_DIR or the shipped params/)')
    .action(async (opts: { dir?: string }) => {
      const t = await tree(opts.dir);
      console.log(`parameter tree is valid: ${t.paths().length} parameters, ${t.jurisdictions().length} jurisdictions, version ${t.version}`);
    });
}
