/**
 * `sanyi network build` (issue 8): the care network of the demo county-year (300,000 persons, seed 42,
 * 2025) — referral workflows, left-county alerts, family-doctor teams, contracts and services, remote
 * requests, outreach and the village workforce, the measures — on the embedded PGlite and, with
 * DATABASE_URL, on PostgreSQL, with the time of each stage. The county is generated and loaded first
 * (not timed). The demo county has one year, so no contract is renewed here (renewal reads last
 * year's contracts with one COPY; see src/runs/network-build.test.ts for two years).
 */
import type { loadParamTree } from '../src/rules/params.js';
import { loadGenerated } from '../src/runs/load-generated.js';
import { buildNetwork } from '../src/runs/network-build.js';
import { seedJurisdictions } from '../src/runs/seed.js';
import type { Store } from '../src/store/store.js';
import type { Figure } from './run.js';
import { onCountyBackends } from './county.js';

async function buildOn(label: string, store: Store, dir: string, params: Awaited<ReturnType<typeof loadParamTree>>): Promise<Figure[]> {
  await seedJurisdictions(store, params);
  await loadGenerated(store, dir);
  const stages: Array<[string, number]> = [];
  let last = performance.now();
  let name = 'institutions and staff';
  const t0 = performance.now();
  const s = await buildNetwork({ store, params }, {
    jurisdiction: 'demo',
    year: 2025,
    // Stage messages are "<seconds> s: <what> …"; each stage lasts until the next message.
    onStage: (m) => {
      const now = performance.now();
      stages.push([name, (now - last) / 1000]);
      name = m.replace(/^[\d.]+ s: /, '').replace(/ …$/, '');
      last = now;
    },
  });
  stages.push([name, (performance.now() - last) / 1000]);
  const first = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  await buildNetwork({ store, params }, { jurisdiction: 'demo', year: 2025 });
  const again = (performance.now() - t1) / 1000;
  return [
    { name: `${label}: network build, ${s.referrals.total} referrals, ${s.contracts} contracts, ${s.services} services`, value: first, unit: 's' },
    { name: `${label}: network build again (replaces the year)`, value: again, unit: 's' },
    ...stages.filter(([n]) => !n.startsWith('built in')).map(([n, v]) => ({ name: `${label}:   of which ${n}`, value: v, unit: 's' })),
  ];
}

export async function run(): Promise<Figure[]> {
  return onCountyBackends('network', (label, store, b) => buildOn(label, store, b.county, b.params));
}
