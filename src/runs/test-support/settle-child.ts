/**
 * Child process of settle.test.ts: settles a county-year and stops after a given stage, waiting to
 * be killed (SIGKILL), so the test can check that a run killed there leaves nothing that changes
 * the next run's results.
 *
 *   node --import tsx src/runs/test-support/settle-child.ts
 *
 * Environment: SETTLE_DATABASE_URL (PostgreSQL) or SETTLE_DATA_DIR (PGlite), SETTLE_JURISDICTION,
 * SETTLE_YEAR, SETTLE_PAUSE_AFTER (a stage name). Prints "paused <stage>" when it waits.
 */
import { openStore } from '../../store/store.js';
import { loadParamTree } from '../../rules/params.js';
import { SHIPPED_PARAMS_DIR } from '../config.js';
import { settleYear, type SettleStage } from '../settle.js';

const store = await openStore(process.env.SETTLE_DATABASE_URL ? { databaseUrl: process.env.SETTLE_DATABASE_URL } : { dataDir: process.env.SETTLE_DATA_DIR! });
const params = await loadParamTree(SHIPPED_PARAMS_DIR);
const pauseAfter = process.env.SETTLE_PAUSE_AFTER as SettleStage;
await settleYear(
  { store, params },
  {
    jurisdiction: process.env.SETTLE_JURISDICTION ?? 'demo',
    year: Number(process.env.SETTLE_YEAR ?? 2025),
    afterStage: async (stage) => {
      if (stage !== pauseAfter) return;
      process.stdout.write(`paused ${stage}\n`);
      await new Promise(() => {}); // wait here until killed
    },
  },
);
process.stdout.write('finished without pausing\n');
await store.close();
