/** `sanyi generate --into-db`: loads a finished generation directory into the configured database. */
import { openContext } from './context.js';
import type { Config } from './config.js';
import { loadGenerated } from './load-generated.js';
import { seedJurisdictions } from './seed.js';

export async function loadIntoDatabase(dir: string, config: Config, log: (m: string) => void): Promise<void> {
  const ctx = await openContext({ config });
  try {
    await seedJurisdictions(ctx.store, ctx.params);
    let lastFile = '';
    const r = await loadGenerated(ctx.store, dir, {
      onProgress: (p) => {
        if (p.file !== lastFile) {
          lastFile = p.file;
          log(`loading ${p.file} (${p.total.toLocaleString('en')} rows)`);
        }
      },
    });
    log(`loaded into ${ctx.store.backend} in ${r.seconds.toFixed(1)} s: ${Object.entries(r.rows).map(([k, n]) => `${k} ${n.toLocaleString('en')}`).join(', ')}`);
    if (r.rejected.length) log(`${r.rejected.length} rows rejected (first: ${r.rejected[0]!.file} line ${r.rejected[0]!.line}, ${r.rejected[0]!.column}: ${r.rejected[0]!.problem}); see ${dir}/rejected/`);
  } finally {
    await ctx.close();
  }
}
