/**
 * `sanyi serve` / `npm start`: open the context, load the demo on first start, listen, and shut
 * down gracefully on SIGINT/SIGTERM (stop accepting, finish requests, close the database).
 */
import type { FastifyInstance } from 'fastify';
import { openContext, type AppContext } from '../runs/context.js';
import { redactUrl, type Config } from '../runs/config.js';
import { seedIfEmpty } from '../runs/seed.js';
import { startReferralExpiry } from '../runs/network.js';
import { buildApp, PACKAGE_VERSION } from './app.js';

export interface Running {
  app: FastifyInstance;
  ctx: AppContext;
  url: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Configuration overriding the environment's. */
  config?: Partial<Config>;
  /** Stop gracefully on SIGINT/SIGTERM (installed before the ready line is printed). */
  handleSignals?: boolean;
  say?: (line: string) => void;
}

export async function serve(opts: ServeOptions = {}): Promise<Running> {
  const say = opts.say ?? ((l: string) => console.log(l));
  const started = performance.now();
  const ctx = await openContext({ config: opts.config ?? {} });
  const { config } = ctx;
  say(`sanyi: database ${config.databaseUrl ? `PostgreSQL ${redactUrl(config.databaseUrl)}` : `embedded PGlite in ${config.dataDir}`}`);
  say(`sanyi: parameters ${config.paramsDir} (version ${ctx.params.shortVersion}, ${ctx.params.paths().length} parameters)`);
  let app: FastifyInstance | undefined;
  try {
    await seedIfEmpty(ctx.store, ctx.params, { dataDir: config.dataDir, demoPopulation: config.demoPopulation, log: (m) => say(`sanyi: ${m}`), version: PACKAGE_VERSION });
    app = await buildApp(ctx, {
      logger: { level: config.logLevel },
      logRequests: config.logLevel === 'debug' || config.logLevel === 'trace',
    });
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    await app?.close();
    await ctx.close();
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}`;
  const server = app;
  // 转诊超时: overdue referrals expire while the server runs (SANYI_REFERRAL_EXPIRY_MINUTES).
  const expiry = startReferralExpiry(ctx.store, ctx.params, { everyMinutes: config.referralExpiryMinutes, log: (m) => server.log.info(m) });
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await expiry.stop();
      await server.close();
      await ctx.close();
    })());
  const running = { app: server, ctx, url, close };
  if (opts.handleSignals) closeOnSignals(running, say);
  say(`sanyi: ready in ${((performance.now() - started) / 1000).toFixed(1)} s — open ${url}  (API docs ${url}/docs)`);
  return running;
}

/** Close on SIGINT/SIGTERM; a second signal, or 10 s without finishing, exits at once. */
export function closeOnSignals(running: Running, say: (line: string) => void = (l) => console.log(l)): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    say(`sanyi: ${signal} received, shutting down…`);
    const timer = setTimeout(() => {
      say('sanyi: shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    timer.unref();
    running.close().then(
      () => {
        say('sanyi: stopped');
        process.exit(0);
      },
      (e: unknown) => {
        console.error(`sanyi: error while stopping: ${(e as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
