import path from 'node:path';
import type { Command } from 'commander';
import { openContext } from '../runs/context.js';
import { importPurchaseOrders, ORDER_COLUMNS } from '../runs/import-orders.js';
import { loadCatalogue, SHIPPED_CATALOGUE_DIR } from '../simulation/catalogue.js';

export function registerProcurement(program: Command): void {
  const procurement = program.command('procurement').description('volume-based procurement (带量采购): purchase orders');
  procurement
    .command('import')
    .description('import purchase orders of drugs and procured consumables (采购订单) from a CSV file; `sanyi linkage` then uses them for that year')
    .requiredOption('--file <csv>', `CSV with a header naming ${ORDER_COLUMNS.join(', ')}`)
    .option('--jurisdiction <id>', 'county the orders belong to', 'demo')
    .option('--catalogue <dir>', 'catalogue directory (drug and consumable ids; default: the shipped catalogue)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Bad rows are refused with their line, column and problem, kept in the table purchase_order_rejects
for review, and the other rows are imported. Importing the same file (by name) again replaces what it
imported before. Exits with 3 when some rows were refused (the others are imported).`,
    )
    .action(async (flags: { file: string; jurisdiction: string; catalogue?: string; json?: boolean }) => {
      const ctx = await openContext();
      try {
        const catalogue = await loadCatalogue(flags.catalogue ? path.resolve(flags.catalogue) : SHIPPED_CATALOGUE_DIR);
        const r = await importPurchaseOrders(ctx.store, catalogue, { jurisdiction: flags.jurisdiction, file: path.resolve(flags.file) });
        if (flags.json) console.log(JSON.stringify(r, null, 2));
        else {
          console.log(`imported ${r.accepted} purchase-order rows of ${r.source} for ${r.jurisdiction}; ${r.rejected.length} refused`);
          for (const x of r.rejected.slice(0, 20)) console.log(`  ${r.source}:${x.line} ${x.column}: ${x.problem}`);
          if (r.rejected.length > 20) console.log(`  … ${r.rejected.length - 20} more (table purchase_order_rejects)`);
        }
        if (r.rejected.length) process.exitCode = 3;
      } finally {
        await ctx.close();
      }
    });
}
