/**
 * The application context: configuration, the parameter tree and the store, opened in that order
 * so that a broken parameter file stops start-up before anything touches the database.
 */
import { loadParamTree, type ParamTree } from '../rules/params.js';
import { openStore, type Store } from '../store/store.js';
import { readConfig, type Config } from './config.js';
import path from 'node:path';

export interface AppContext {
  config: Config;
  params: ParamTree;
  store: Store;
  close(): Promise<void>;
}

export interface ContextOptions {
  /** Use an in-memory embedded database (tests, one-off commands). */
  memory?: boolean;
  /** Overrides of the environment's configuration. */
  config?: Partial<Config>;
}

export async function openContext(opts: ContextOptions = {}): Promise<AppContext> {
  const config: Config = { ...readConfig(), ...opts.config };
  const params = await loadParamTree(config.paramsDir);
  const store = await openStore(
    opts.memory
      ? { memory: true }
      : config.databaseUrl
        ? { databaseUrl: config.databaseUrl }
        : { dataDir: path.join(config.dataDir, 'pglite') },
  );
  try {
    await store.migrate();
  } catch (e) {
    await store.close();
    throw e;
  }
  let closed = false;
  return {
    config,
    params,
    store,
    async close() {
      if (closed) return;
      closed = true;
      await store.close();
    },
  };
}
