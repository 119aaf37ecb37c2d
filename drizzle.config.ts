/**
 * drizzle-kit configuration: `npx drizzle-kit generate` compares src/store/schema.ts with the
 * snapshots in migrations/meta and writes the next SQL migration into migrations/.
 * sanyi applies migrations itself (Store.migrate(), run on every start and by `sanyi db migrate`),
 * so `drizzle-kit migrate`/`push` are not needed.
 */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/schema.ts',
  out: './migrations',
  strict: true,
  verbose: true,
});
