#!/usr/bin/env node
// The `sanyi` command runs the compiled CLI in dist/ (built by `npm run build`; `npm start` builds).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('sanyi: not built yet: run `npm run build` first (or `npm run sanyi -- <command>` to run from source)');
  process.exit(1);
}
const { main } = await import(entry.href);
const code = await main(process.argv);
if (code !== 0) process.exitCode = code;
