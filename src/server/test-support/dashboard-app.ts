/**
 * Tests only: a server whose small county has everything the dashboard shows — settled, its linkage
 * computed, its indicators evaluated and scored, and the dashboard snapshots built from them.
 */
import { indicatorsYear } from '../../runs/indicators.js';
import { linkageYear } from '../../runs/linkage.js';
import { startSettledApp, type SettledApp } from './settled-app.js';

export const DASHBOARD_YEAR = 2025;

export async function startDashboardApp(opts: { population: number; seed: number }): Promise<SettledApp> {
  const server = await startSettledApp(opts);
  try {
    await linkageYear(server.ctx, { jurisdiction: 'demo', year: DASHBOARD_YEAR });
    await indicatorsYear(server.ctx, { jurisdiction: 'demo', year: DASHBOARD_YEAR });
  } catch (e) {
    await server.close();
    throw e;
  }
  return server;
}
