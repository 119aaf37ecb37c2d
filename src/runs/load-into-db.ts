/** Loads a finished generation directory into the configured database (placeholder until the loader lands). */
import type { Config } from './config.js';
export async function loadIntoDatabase(dir: string, config: Config, log: (m: string) => void): Promise<void> {
  log(`loading ${dir} into ${config.databaseUrl ? 'PostgreSQL' : 'the embedded database'}`);
  await Promise.resolve();
  throw new Error('loading into the database is not available yet');
}
