/**
 * First start: when the database holds no jurisdictions, load the jurisdiction tree from the parameter
 * tree; when it holds no dataset for the demo county, generate the synthetic county (seed 42, start
 * year 2025, one year; `SANYI_DEMO_POPULATION` persons, default the parameter
 * simulation.population.size) into `<SANYI_DATA_DIR>/generated/demo` and load it. A finished
 * generation already in that folder with the same seed, parameters and catalogue is reused. Then the
 * demo year's care network is built (sanyi network build: referral workflows, family doctors, remote
 * care, workforce), so that the settlement reads the referral workflow; then the demo year is settled, its indicators computed (the assessment scores), its linkage computed (the
 * salaries use those scores) and its indicators computed again (with the linkage's items), which
 * also builds the dashboard snapshots. The first settlement's package retention uses the parameter
 * package.assessmentScore (no assessment exists yet); `sanyi settle` again applies the stored one.
 * Idempotent: running it again changes nothing.
 */
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import type { ParamTree } from '../rules/params.js';
import { loadCatalogue, type Catalogue } from '../simulation/catalogue.js';
import { MANIFEST_FILE, type GenerationManifest } from '../simulation/files.js';
import type { Store } from '../store/store.js';
import { generateToDirectory } from './generate.js';
import { loadGenerated } from './load-generated.js';
import { settleYear } from './settle.js';
import { LinkageInputError, linkageYear } from './linkage.js';
import { indicatorsYear } from './indicators.js';
import { buildNetwork, NetworkBuildError } from './network-build.js';

export const DEMO = { county: 'demo', seed: '42', startYear: 2025, years: 1 } as const;

export interface SeedOptions {
  dataDir: string;
  /** Persons of the demo county (default: the parameter simulation.population.size). */
  demoPopulation?: number | undefined;
  catalogue?: Catalogue;
  log?: (msg: string) => void;
  version?: string;
}

export interface SeedResult {
  jurisdictions: number;
  /** True when this call generated or loaded the demo county. */
  loaded: boolean;
}

/** Inserts the parameter tree's jurisdictions that are missing; returns how many there are. */
export async function seedJurisdictions(store: Store, params: ParamTree): Promise<number> {
  const list = params.jurisdictions();
  await store.transaction(async (tx) => {
    for (const j of list) {
      await tx.query(
        `insert into jurisdictions (id, parent_id, level, adcode, name_zh, name_en) values ($1, $2, $3, $4, $5, $6)
         on conflict (id) do nothing`,
        [j.id, j.parent, j.level, j.adcode, j.name.zh, j.name.en],
      );
    }
  });
  return list.length;
}

export async function seedIfEmpty(store: Store, params: ParamTree, opts: SeedOptions): Promise<SeedResult> {
  const log = opts.log ?? (() => {});
  const jurisdictions = await seedJurisdictions(store, params);
  const [have] = await store.query<{ n: number }>('select count(*)::int as n from datasets where county_id = $1', [DEMO.county]);
  if ((have?.n ?? 0) > 0) {
    await networkDemoIfNeeded(store, params, log);
    await settleDemoIfNeeded(store, params, log);
    return { jurisdictions, loaded: false };
  }

  const catalogue = opts.catalogue ?? (await loadCatalogue());
  const dir = path.join(opts.dataDir, 'generated', DEMO.county);
  const population = opts.demoPopulation ?? params.number('simulation.population.size', `${DEMO.startYear}-07-01`, DEMO.county).value;
  if (!reusable(dir, params, catalogue, population)) {
    log(`empty database: generating the demo county (演示县), ${population.toLocaleString('en')} persons, seed ${DEMO.seed}, ${DEMO.startYear} …`);
    const t0 = performance.now();
    let next = 0.1;
    await generateToDirectory({
      params,
      catalogue,
      jurisdiction: DEMO.county,
      population,
      startYear: DEMO.startYear,
      years: DEMO.years,
      seed: DEMO.seed,
      out: dir,
      catalogueVersion: catalogue.version,
      generatedBy: `sanyi ${opts.version ?? ''}`.trim(),
      onProgress: async (p) => {
        if (p.done / p.total >= next) {
          log(`  generating ${p.year}: ${Math.floor((p.done / p.total) * 100)}% of persons, ${p.encounters.toLocaleString('en')} encounters`);
          next = Math.floor((p.done / p.total) * 10) / 10 + 0.1;
        }
        await new Promise((r) => setImmediate(r));
      },
    });
    log(`  generated in ${((performance.now() - t0) / 1000).toFixed(1)} s into ${dir}`);
  } else {
    log(`empty database: loading the demo county generated earlier in ${dir}`);
  }
  const t1 = performance.now();
  let lastFile = '';
  let next = 0;
  const summary = await loadGenerated(store, dir, {
    onProgress: (p) => {
      if (p.file !== lastFile) {
        lastFile = p.file;
        next = 0;
      }
      if (p.total >= 200_000 && p.rows / p.total >= next) {
        log(`  loading ${p.file}: ${Math.floor((p.rows / p.total) * 100)}%`);
        next = Math.floor((p.rows / p.total) * 4) / 4 + 0.25;
      }
    },
  });
  log(
    `  loaded ${summary.rows.residents?.toLocaleString('en')} residents, ${summary.rows.encounters?.toLocaleString('en')} encounters, ${summary.rows.inpatientCases?.toLocaleString('en')} inpatient cases in ${((performance.now() - t1) / 1000).toFixed(1)} s` +
      (summary.rejected.length ? ` (${summary.rejected.length} rows rejected: see ${path.join(dir, 'rejected')})` : ''),
  );
  // The care network first: it needs only the loaded data, and the settlement reads its referral
  // workflow (declined or expired referrals are self-referred) and the indicators its outreach.
  await networkDemoIfNeeded(store, params, log);
  await settleDemoIfNeeded(store, params, log);
  return { jurisdictions, loaded: true };
}

/** Settles the demo year once (so the API has a settlement to serve from the first start). */
async function settleDemoIfNeeded(store: Store, params: ParamTree, log: (m: string) => void): Promise<void> {
  const [done] = await store.query<{ n: number }>('select count(*)::int as n from settlements where county_id = $1 and year = $2', [DEMO.county, DEMO.startYear]);
  if ((done?.n ?? 0) > 0) return linkDemoIfNeeded(store, params, log);
  log(`settling the demo county's ${DEMO.startYear} (claims, DRG payment, package, supervision) …`);
  const s = await settleYear({ store, params }, { jurisdiction: DEMO.county, year: DEMO.startYear, onStage: (m) => log(`  ${m}`) });
  log(`  settled ${s.claims.toLocaleString('en')} claims in ${Object.values(s.seconds).reduce((a, b) => a + b, 0).toFixed(1)} s (sanyi settle --year ${DEMO.startYear} runs it again)`);
  await linkDemoIfNeeded(store, params, log);
}

/** Computes the demo year's linkage once (procurement → prices → salary → fund), after its settlement, between two indicator runs. */
async function linkDemoIfNeeded(store: Store, params: ParamTree, log: (m: string) => void): Promise<void> {
  const [done] = await store.query<{ n: number }>('select count(*)::int as n from linkage_results where county_id = $1 and year = $2', [DEMO.county, DEMO.startYear]);
  if ((done?.n ?? 0) > 0) return indicatorsDemoIfNeeded(store, params, log);
  // The assessment first, so that the linkage's salary budgets use the stored scores.
  await demoIndicators(store, params, log);
  log(`computing the demo county's ${DEMO.startYear} linkage (procurement, price proposal, salary budget) …`);
  let r;
  try {
    r = await linkageYear({ store, params }, { jurisdiction: DEMO.county, year: DEMO.startYear });
  } catch (e) {
    // Data loaded by an older version lack service volumes: start anyway and say how to get them.
    if (e instanceof LinkageInputError) return log(`  skipped: ${e.message}`);
    throw e;
  }
  log(`  linkage in ${r.summary.seconds.toFixed(1)} s (sanyi linkage --year ${DEMO.startYear} runs it again)`);
  // Again with the linkage's items (procurement, salary, fund months); this also builds the dashboard.
  await demoIndicators(store, params, log);
}

/** The demo year's indicators once (a database made before indicators existed gets them on its next start). */
async function indicatorsDemoIfNeeded(store: Store, params: ParamTree, log: (m: string) => void): Promise<void> {
  const [done] = await store.query<{ n: number }>('select count(*)::int as n from indicator_values where county_id = $1 and year = $2', [DEMO.county, DEMO.startYear]);
  if ((done?.n ?? 0) > 0) return;
  await demoIndicators(store, params, log);
}

async function demoIndicators(store: Store, params: ParamTree, log: (m: string) => void): Promise<void> {
  log(`computing the demo county's ${DEMO.startYear} indicators, assessment and dashboard …`);
  const r = await indicatorsYear({ store, params }, { jurisdiction: DEMO.county, year: DEMO.startYear });
  const a = r.summary.county_assessment;
  log(`  ${r.summary.values.toLocaleString('en')} indicator values${a ? `, county assessment ${a.score.toFixed(2)}` : ''} in ${r.summary.seconds.toFixed(1)} s (sanyi indicators --year ${DEMO.startYear} runs it again)`);
}

/** The demo year's care network once (referral workflows, family doctors, remote care, workforce). */
async function networkDemoIfNeeded(store: Store, params: ParamTree, log: (m: string) => void): Promise<void> {
  const [done] = await store.query<{ n: number }>('select count(*)::int as n from network_builds where county_id = $1 and year = $2', [DEMO.county, DEMO.startYear]);
  if ((done?.n ?? 0) > 0) return;
  log(`building the demo county's ${DEMO.startYear} care network (referral workflows, family doctors, remote care, workforce) …`);
  let s;
  try {
    s = await buildNetwork({ store, params }, { jurisdiction: DEMO.county, year: DEMO.startYear });
  } catch (e) {
    // Data the build cannot use (e.g. loaded by an older version): start anyway and say why.
    if (e instanceof NetworkBuildError) return log(`  skipped: ${e.message}`);
    throw e;
  }
  log(`  ${s.referrals.total.toLocaleString('en')} referrals, ${s.contracts.toLocaleString('en')} contracts in ${s.seconds.toFixed(1)} s (sanyi network build --year ${DEMO.startYear} runs it again)`);
}

function reusable(dir: string, params: ParamTree, catalogue: Catalogue, population: number): boolean {
  const file = path.join(dir, MANIFEST_FILE);
  if (!existsSync(file)) return false;
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as GenerationManifest;
    return m.seed === DEMO.seed && m.paramVersion === params.version && m.catalogueVersion === catalogue.version && m.population === population && m.startYear === DEMO.startYear && m.years === DEMO.years && m.jurisdiction === DEMO.county && m.files.serviceVolumes !== undefined;
  } catch {
    return false;
  }
}
