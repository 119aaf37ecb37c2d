/** Child process of bench/generate.bench.ts: one generation into a directory, figures as JSON on stdout. */
import { rm } from 'node:fs/promises';
import { loadParamTree } from '../src/rules/params.js';
import { SHIPPED_PARAMS_DIR } from '../src/runs/config.js';
import { generateToDirectory } from '../src/runs/generate.js';
import { loadCatalogue } from '../src/simulation/catalogue.js';

const [population, years, out] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]!];
const params = await loadParamTree(SHIPPED_PARAMS_DIR);
const catalogue = await loadCatalogue();
const t0 = performance.now();
const { manifest, result } = await generateToDirectory({ params, catalogue, population, startYear: 2025, years, seed: 42, out, catalogueVersion: catalogue.version, generatedBy: 'bench' });
const secs = (performance.now() - t0) / 1000;
const rows = Object.values(manifest.files).reduce((s, f) => s + f.rows, 0);
console.log(JSON.stringify({ secs, encounters: result.encounters, rows, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
await rm(out, { recursive: true, force: true });
