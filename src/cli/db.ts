import type { Command } from 'commander';
import { openContext } from '../runs/context.js';
import { redactUrl } from '../runs/config.js';

export function registerDb(program: Command): void {
  const db = program.command('db').description('database administration');
  db.command('migrate')
    .description('apply the schema migrations to the database ($DATABASE_URL, or the embedded database in $SANYI_DATA_DIR)')
    .action(async () => {
      const ctx = await openContext(); // opening migrates
      try {
        const where = ctx.config.databaseUrl ? redactUrl(ctx.config.databaseUrl) : `${ctx.config.dataDir}/pglite`;
        console.log(`sanyi: database ${ctx.store.backend} at ${where} is migrated to the latest schema`);
      } finally {
        await ctx.close();
      }
    });
}
