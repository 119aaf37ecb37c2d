/**
 * Configuration from the environment, read once at the edge (server, CLI) and passed down.
 *   PORT              HTTP port (default 3000)
 *   HOST              interface to listen on (default 0.0.0.0)
 *   DATABASE_URL      PostgreSQL server; when unset the embedded PGlite database is used
 *   SANYI_DATA_DIR    where the embedded database and generated files live (default ./data)
 *   SANYI_PARAMS_DIR  parameter tree (default: the params/ folder shipped with sanyi)
 *   SANYI_DEMO_POPULATION  persons of the demo county generated on first start (default: the
 *                     parameter simulation.population.size, 300,000)
 *   LOG_LEVEL         pino log level (default info)
 *   SANYI_REFERRAL_EXPIRY_MINUTES  how often the server expires overdue referrals (转诊超时, default 5;
 *                     0 turns the sweep off — then POST /api/network/{j}/referrals/expire does it)
 */
import path from 'node:path';
import { redactDatabaseUrl } from '../store/errors.js';
import { fileURLToPath } from 'node:url';

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  paramsDir: string;
  logLevel: string;
  demoPopulation: number | undefined;
  /** Minutes between the server's sweeps expiring overdue referrals; 0 = none. */
  referralExpiryMinutes: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The parameter tree shipped with sanyi (resolved from this file, so it works from src/ and dist/). */
export const SHIPPED_PARAMS_DIR = fileURLToPath(new URL('../../params/', import.meta.url));

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer between 0 and 65535, got "${env.PORT}"`);
  }
  const demo = env.SANYI_DEMO_POPULATION;
  const demoPopulation = demo === undefined || demo === '' ? undefined : Number(demo);
  if (demoPopulation !== undefined && (!Number.isInteger(demoPopulation) || demoPopulation < 1)) {
    throw new ConfigError(`SANYI_DEMO_POPULATION must be a positive integer, got "${demo}"`);
  }
  const sweep = env.SANYI_REFERRAL_EXPIRY_MINUTES;
  const referralExpiryMinutes = sweep === undefined || sweep === '' ? 5 : Number(sweep);
  if (!Number.isFinite(referralExpiryMinutes) || referralExpiryMinutes < 0) {
    throw new ConfigError(`SANYI_REFERRAL_EXPIRY_MINUTES must be a number of minutes ≥ 0, got "${sweep}"`);
  }
  return {
    port,
    host: env.HOST || '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.SANYI_DATA_DIR || './data'),
    paramsDir: path.resolve(env.SANYI_PARAMS_DIR || SHIPPED_PARAMS_DIR),
    logLevel: env.LOG_LEVEL || 'info',
    demoPopulation,
    referralExpiryMinutes,
  };
}

/** A database URL safe to print: the password is replaced by ***. */
export const redactUrl = redactDatabaseUrl;

/** Today's civil date in China (Asia/Shanghai), as YYYY-MM-DD: the default date for lookups. */
export function todayInChina(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
