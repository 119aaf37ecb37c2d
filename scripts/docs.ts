/** `npm run docs`: refreshes the generated parts of the documentation (the file reference of docs/generate.md). */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DOC_BEGIN, DOC_END, renderFilesReference } from '../src/simulation/files.js';

const file = fileURLToPath(new URL('../docs/generate.md', import.meta.url));
const text = readFileSync(file, 'utf8');
const a = text.indexOf(DOC_BEGIN);
const b = text.indexOf(DOC_END);
if (a < 0 || b < a) throw new Error(`${file}: the markers ${DOC_BEGIN} … ${DOC_END} are missing`);
writeFileSync(file, `${text.slice(0, a + DOC_BEGIN.length)}\n\n${renderFilesReference()}\n${text.slice(b)}`);
console.log(`updated ${file}`);
