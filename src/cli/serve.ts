import type { Command } from 'commander';
import { serve } from '../server/serve.js';
import { integerOption } from './options.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the server and the web app (loads the demo county on first start)')
    .option('-p, --port <port>', 'HTTP port (default: $PORT or 3000)', integerOption('port'))
    .option('--host <host>', 'interface to listen on (default: $HOST or 0.0.0.0)')
    .action(async (opts: { port?: number; host?: string }) => {
      await serve({
        config: { ...(opts.port !== undefined ? { port: opts.port } : {}), ...(opts.host ? { host: opts.host } : {}) },
        handleSignals: true,
      });
    });
}
