import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { FEE_CATEGORIES } from './catalogue.js';
import { DOC_BEGIN, DOC_END, GENERATED_FILES, renderFilesReference } from './files.js';

describe('the generated files', () => {
  test('are documented in docs/generate.md exactly as specified (run `npm run docs` after a change)', async () => {
    const doc = await readFile(new URL('../../docs/generate.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf(DOC_BEGIN) + DOC_BEGIN.length, doc.indexOf(DOC_END));
    expect(section.trim()).toBe(renderFilesReference().trim());
  });

  test('give every encounter one column per settlement-list fee category, in the catalogue order', () => {
    const cols = GENERATED_FILES.encounters.columns.map((c) => c.name);
    const first = cols.indexOf('total_fen') + 1;
    expect(cols.slice(first, first + FEE_CATEGORIES.length)).toEqual(FEE_CATEGORIES.map((c) => `${c}_fen`));
    expect(cols.slice(first + FEE_CATEGORIES.length)).toEqual(['class_b_fen', 'class_c_fen']);
  });

  test("put the inpatient cases in the grouper's input columns", () => {
    expect(GENERATED_FILES.inpatientCases.columns.map((c) => c.name).join(',')).toBe('case_id,sex,age,age_days,birth_weight,dept,los,disposition,diagnoses,procedures');
  });
});
