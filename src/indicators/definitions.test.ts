import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { IndicatorDefinitionError, loadIndicatorCatalogue, parseIndicators, type IndicatorIssue } from './definitions.js';

const ENTRY = {
  id: 'primaryVisitShare',
  label: '{ zh: 基层就诊率, en: Primary-level visit share }',
  numerator: 'visits.primary',
  denominator: 'visits.inCounty',
  factor: '100',
  unit: 'percent',
  direction: 'up',
  target: '65',
  scopes: '[county]',
  reference: "{ basis: default, reason: 'a test' }",
  fixtures: '[{ given: { visits.primary: 650, visits.inCounty: 1000 }, expect: 65 }]',
};

/** A definitions file with entries made from ENTRY with some fields changed (undefined drops a field). */
function file(set: string, ...entries: Array<Partial<Record<string, string | undefined>>>): string {
  const lines = [`set: { id: ${set}, label: { zh: 测试, en: Test } }`, 'indicators:'];
  for (const e of entries) {
    const fields = Object.entries({ ...ENTRY, ...e }).filter(([, v]) => v !== undefined);
    fields.forEach(([k, v], i) => lines.push(`${i === 0 ? '  - ' : '    '}${k}: ${v}`));
  }
  return lines.join('\n') + '\n';
}

function issuesOf(f: () => unknown): IndicatorIssue[] {
  try {
    f();
  } catch (e) {
    if (e instanceof IndicatorDefinitionError) return e.issues;
    throw e;
  }
  throw new Error('not refused');
}

describe('parseIndicators', () => {
  test('a well-formed entry becomes a definition with its parsed expressions, set and place', () => {
    const [d] = parseIndicators(file('county_community', { sets: '[linkage]' }), 'county.yaml');
    expect(d).toMatchObject({
      id: 'primaryVisitShare',
      set: 'county_community',
      sets: ['county_community', 'linkage'],
      numerator: 'visits.primary',
      denominator: 'visits.inCounty',
      factor: 100,
      unit: 'percent',
      direction: 'up',
      target: 65,
      scopes: ['county'],
      file: 'county.yaml',
      entry: 1,
    });
    expect(d!.numeratorExpr).toEqual({ kind: 'item', name: 'visits.primary', prev: false });
  });

  test('a definition with an unknown item is refused naming file, entry and the closest item', () => {
    const text = file('t', { id: 'a', fixtures: '[{ given: {}, expect: null, reason: x }]' }, { id: 'b', numerator: 'visits.primry', fixtures: '[{ given: {}, expect: null, reason: x }]' });
    const issues = issuesOf(() => parseIndicators(text, 'county.yaml'));
    expect(issues).toEqual([{ file: 'county.yaml', entry: 2, id: 'b', field: 'numerator', problem: "unknown item 'visits.primry' (closest known item: visits.primary) at column 1 of 'visits.primry'" }]);
    expect(() => parseIndicators(text, 'county.yaml')).toThrow("county.yaml: entry 2 (b) field numerator: unknown item 'visits.primry' (closest known item: visits.primary)");
  });

  test('an unbalanced parenthesis is refused with its column', () => {
    const issues = issuesOf(() => parseIndicators(file('t', { denominator: "'(revenue.medical - revenue.drug'", fixtures: '[{ given: {}, expect: null, reason: x }]' }), 'f.yaml'));
    expect(issues).toEqual([{ file: 'f.yaml', entry: 1, id: 'primaryVisitShare', field: 'denominator', problem: "unbalanced parenthesis: '(' is never closed at column 1 of '(revenue.medical - revenue.drug'" }]);
  });

  test('an unknown field is refused by name', () => {
    expect(issuesOf(() => parseIndicators(file('t', { weight: '3' }), 'f.yaml'))).toEqual([{ file: 'f.yaml', entry: 1, id: 'primaryVisitShare', field: 'weight', problem: 'unknown field' }]);
  });

  test('a missing required field is refused by name', () => {
    expect(issuesOf(() => parseIndicators(file('t', { direction: undefined }), 'f.yaml'))).toEqual([{ file: 'f.yaml', entry: 1, id: 'primaryVisitShare', field: 'direction', problem: 'required field missing' }]);
  });

  test('a factor other than 1, 100 or 1000 is refused, and so is a factor that does not fit the unit', () => {
    expect(issuesOf(() => parseIndicators(file('t', { factor: '10' }), 'f.yaml'))).toEqual([{ file: 'f.yaml', entry: 1, id: 'primaryVisitShare', field: 'factor', problem: 'factor must be 1, 100 or 1000' }]);
    expect(issuesOf(() => parseIndicators(file('t', { factor: '1000', fixtures: '[{ given: {}, expect: null, reason: x }]' }), 'f.yaml'))).toEqual([
      { file: 'f.yaml', entry: 1, id: 'primaryVisitShare', field: 'factor', problem: 'factor 1000 not allowed with unit percent (it takes 100)' },
    ]);
  });

  test('a unit outside the closed list is refused', () => {
    const [issue] = issuesOf(() => parseIndicators(file('t', { unit: 'yuan' }), 'f.yaml'));
    expect(issue).toMatchObject({ entry: 1, field: 'unit' });
    expect(issue!.problem).toContain('percent');
  });

  test('an item not available at a scope of the indicator is refused', () => {
    expect(issuesOf(() => parseIndicators(file('t', { scopes: '[county, institution]' }), 'f.yaml'))).toEqual([
      { file: 'f.yaml', entry: 1, id: 'primaryVisitShare', field: 'numerator', problem: 'item visits.primary is not available at scope institution (it has county); remove the scope or use another item' },
      { file: 'f.yaml', entry: 1, id: 'primaryVisitShare', field: 'denominator', problem: 'item visits.inCounty is not available at scope institution (it has county); remove the scope or use another item' },
    ]);
  });

  test('a target must fit the direction', () => {
    expect(issuesOf(() => parseIndicators(file('t', { direction: 'range' }), 'f.yaml'))[0]).toMatchObject({ field: 'target', problem: 'direction range takes a target {min, max}' });
    expect(issuesOf(() => parseIndicators(file('t', { target: '{ min: 60 }' }), 'f.yaml'))[0]).toMatchObject({ field: 'target', problem: 'direction up takes a number as target ({min, max} is for direction range)' });
    expect(issuesOf(() => parseIndicators(file('t', { direction: 'range', target: '{ min: 9, max: 1 }' }), 'f.yaml'))[0]).toMatchObject({ field: 'target', problem: 'min 9 is above max 1' });
  });

  test('a «default» reference without its reason is refused', () => {
    expect(issuesOf(() => parseIndicators(file('t', { reference: '{ basis: default }' }), 'f.yaml'))).toEqual([
      { file: 'f.yaml', entry: 1, id: 'primaryVisitShare', field: 'reference.reason', problem: 'a «default» reference must give its reason' },
    ]);
  });

  test('each indicator ships a fixture, and a fixture names known items and gives what the expressions need', () => {
    expect(issuesOf(() => parseIndicators(file('t', { fixtures: '[]' }), 'f.yaml'))[0]).toMatchObject({ field: 'fixtures', problem: 'each indicator ships at least one given/expect fixture (DOMAIN.md §9)' });
    expect(issuesOf(() => parseIndicators(file('t', { fixtures: '[{ given: { visits.primary: 1, visit.inCounty: 2 }, expect: 50 }]' }), 'f.yaml'))).toEqual([
      { file: 'f.yaml', entry: 1, id: 'primaryVisitShare', field: 'fixtures.0.given.visit.inCounty', problem: 'unknown item (closest known item: visits.inCounty)' },
      { file: 'f.yaml', entry: 1, id: 'primaryVisitShare', field: 'fixtures.0', problem: 'expects a value but does not give visits.inCounty' },
    ]);
  });

  test('an id used twice in a file is refused', () => {
    expect(issuesOf(() => parseIndicators(file('t', {}, {}), 'f.yaml'))).toEqual([{ file: 'f.yaml', entry: 2, id: 'primaryVisitShare', field: 'id', problem: 'duplicate id primaryVisitShare: also entry 1 of this file' }]);
  });

  test('every problem of a file is reported at once', () => {
    const issues = issuesOf(() => parseIndicators(file('t', { id: 'a', unit: 'yuan' }, { id: 'b', numerator: 'nope' }), 'f.yaml'));
    expect(issues.map((i) => `${i.entry} ${i.id} ${i.field}`)).toEqual(['1 a unit', '2 b numerator']);
  });

  test('broken YAML and a file without the set header are refused naming the file', () => {
    expect(issuesOf(() => parseIndicators('indicators: [', 'f.yaml'))[0]).toMatchObject({ file: 'f.yaml', entry: 0, field: '(file)' });
    expect(issuesOf(() => parseIndicators('indicators: []\n', 'f.yaml'))).toEqual([{ file: 'f.yaml', entry: 0, id: null, field: 'set', problem: 'required field missing' }]);
  });
});

describe('loadIndicatorCatalogue', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (files: Record<string, string>): string => {
    dir = mkdtempSync(path.join(tmpdir(), 'sanyi-indicators-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    return dir;
  };

  test('reads every YAML file of a folder, sets and definitions in file order', () => {
    const c = loadIndicatorCatalogue(write({ 'b.yaml': file('linkage', { id: 'x' }), 'a.yaml': file('county', { id: 'y', sets: '[linkage]' }), 'notes.txt': 'ignored' }));
    expect(c.sets.map((s) => [s.id, s.file])).toEqual([['county', 'a.yaml'], ['linkage', 'b.yaml']]);
    expect(c.definitions.map((d) => [d.id, d.sets])).toEqual([['y', ['county', 'linkage']], ['x', ['linkage']]]);
  });

  test('a duplicate id across files is refused naming both places', () => {
    expect(issuesOf(() => loadIndicatorCatalogue(write({ 'a.yaml': file('county', {}), 'b.yaml': file('linkage', {}) })))).toEqual([
      { file: 'b.yaml', entry: 1, id: 'primaryVisitShare', field: 'id', problem: "duplicate id primaryVisitShare: also defined in a.yaml entry 1; add the set to that entry's sets instead" },
    ]);
  });

  test('a set no file declares is refused', () => {
    expect(issuesOf(() => loadIndicatorCatalogue(write({ 'a.yaml': file('county', { sets: '[tertary]' }) })))).toEqual([
      { file: 'a.yaml', entry: 1, id: 'primaryVisitShare', field: 'sets', problem: 'unknown set tertary (declared sets: county)' },
    ]);
  });

  test('problems of several files are reported together', () => {
    const issues = issuesOf(() => loadIndicatorCatalogue(write({ 'a.yaml': file('county', { unit: 'x' }), 'b.yaml': file('linkage', { numerator: 'y' }) })));
    expect(issues.map((i) => `${i.file} ${i.field}`)).toEqual(['a.yaml unit', 'b.yaml numerator']);
  });
});
