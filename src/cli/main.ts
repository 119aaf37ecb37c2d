#!/usr/bin/env node
/**
 * The `sanyi` command. Every command has --help; errors print one line with the reason and exit
 * non-zero (1 for a failure, 2 for a usage error).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { registerDb } from './db.js';
import { registerDrg } from './drg.js';
import { registerGenerate } from './generate.js';
import { registerParams } from './params.js';
import { registerServe } from './serve.js';
import { registerSettle } from './settle.js';
import { registerLinkage } from './linkage.js';
import { registerProcurement } from './procurement.js';
import { registerIndicators } from './indicators.js';
import { registerNetwork } from './network.js';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function buildCli(): Command {
  const program = new Command('sanyi')
    .description('三医联动 sanyi — medical care, medical insurance and medicine for a county medical community')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerServe(program);
  registerParams(program);
  registerDb(program);
  registerGenerate(program);
  registerDrg(program);
  registerSettle(program);
  registerLinkage(program);
  registerProcurement(program);
  registerIndicators(program);
  registerNetwork(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  const program = buildCli();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with exit code 0; commander has printed the message.
      return e.exitCode === 0 ? 0 : 2;
    }
    console.error(`sanyi: ${oneLine(e)}`);
    return 1;
  }
}

function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const lines = msg.split('\n').filter((l) => l.trim());
  // A parameter tree error lists its problems below the first line: keep them, they are the reason.
  return lines.length > 1 && lines.length <= 20 ? lines.join('\n  ') : (lines[0] ?? 'unknown error');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (code) => {
      if (code !== 0) process.exitCode = code;
    },
    (e: unknown) => {
      console.error(`sanyi: ${String(e)}`);
      process.exitCode = 1;
    },
  );
}
