import { mkdtemp, writeFile, mkdir, cp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildParamTree, loadParamTree, ParamNotFoundError, ParamTreeError, scaleBands, scaleLookup, UNITS, type ParamTree } from './params.js';

const shippedTree = fileURLToPath(new URL('../../params/', import.meta.url));

const JURISDICTIONS = `
- { id: national, level: national, name: { zh: 全国, en: National } }
- { id: prov, parent: national, level: province, name: { zh: 省, en: Province } }
- { id: county, parent: prov, level: county, name: { zh: 县, en: County } }
`;

function param(body: string): string {
  return `label: { zh: 测试参数, en: Test parameter }
reference: { basis: default, reason: test }
${body}`;
}

function tree(files: Record<string, string>): ParamTree {
  return buildParamTree(
    Object.entries({ 'jurisdictions.yaml': JURISDICTIONS, ...files }).map(([rel, text]) => ({ rel, bytes: Buffer.from(text) })),
  );
}

function issuesOf(files: Record<string, string>) {
  try {
    tree(files);
  } catch (e) {
    if (e instanceof ParamTreeError) return e.issues;
    throw e;
  }
  throw new Error('the tree was accepted');
}

describe('the shipped parameter tree', () => {
  let shipped: ParamTree;
  beforeAll(async () => {
    shipped = await loadParamTree(shippedTree);
  });

  test('loads without problems and declares the demo jurisdiction chain', () => {
    expect(shipped.chain('demo').map((j) => j.id)).toEqual(['demo', 'demo-region', 'demo-province', 'national']);
    expect(shipped.paths().length).toBeGreaterThan(30);
  });

  test('sets every benefit parameter of DOMAIN.md §2 for both schemes and all three levels', () => {
    for (const scheme of ['resident', 'employee']) {
      for (const level of ['primary', 'secondary', 'tertiary']) {
        expect(shipped.fen(`benefit.${scheme}.inpatient.deductible.${level}`, '2025-06-01', 'demo').value).toBeGreaterThan(0);
        const ratio = shipped.number(`benefit.${scheme}.inpatient.ratio.${level}`, '2025-06-01', 'demo').value;
        expect(ratio).toBeGreaterThan(0.5);
        expect(ratio).toBeLessThanOrEqual(1);
      }
      expect(shipped.fen(`benefit.${scheme}.annualCeiling`, '2025-06-01', 'demo').value).toBeGreaterThan(0);
      expect(shipped.number(`benefit.${scheme}.classBFirstPayRate`, '2025-06-01', 'demo').value).toBe(0.1);
    }
  });

  test('keeps the primary level ratio highest, as the reform draws patients down', () => {
    for (const scheme of ['resident', 'employee']) {
      const r = (l: string) => shipped.number(`benefit.${scheme}.inpatient.ratio.${l}`, '2025-06-01', 'demo').value;
      expect(r('primary')).toBeGreaterThan(r('secondary'));
      expect(r('secondary')).toBeGreaterThan(r('tertiary'));
    }
  });

  test('takes the county value over the province value once the county value is in force', () => {
    const before = shipped.resolve('benefit.resident.inpatient.deductible.primary', '2024-06-01', 'demo');
    expect(before.value).toBe(15000);
    expect(before.provenance.jurisdiction).toBe('demo-province');
    const after = shipped.resolve('benefit.resident.inpatient.deductible.primary', '2025-01-01', 'demo');
    expect(after.value).toBe(10000);
    expect(after.provenance).toMatchObject({ jurisdiction: 'demo', effectiveFrom: '2025-01-01', file: 'demo/benefit/resident/inpatient/deductible/primary.yaml' });
    expect(after.provenance.reference.basis).toBe('default');
  });

  test('gives the province value to a jurisdiction above the county that overrides it', () => {
    expect(shipped.resolve('benefit.resident.inpatient.deductible.primary', '2025-06-01', 'demo-region').value).toBe(15000);
  });

  test('picks the dated value in force: the resident ceiling rises on 2026-01-01', () => {
    expect(shipped.fen('benefit.resident.annualCeiling', '2025-12-31', 'demo').value).toBe(20_000_000);
    const r = shipped.fen('benefit.resident.annualCeiling', '2026-01-01', 'demo');
    expect(r.value).toBe(22_000_000);
    expect(r.provenance.effectiveFrom).toBe('2026-01-01');
  });

  test('refuses a date before any value is in force, naming the parameter and the chain', () => {
    expect(() => shipped.resolve('benefit.resident.annualCeiling', '2023-12-31', 'demo')).toThrow(
      /benefit\.resident\.annualCeiling at 2023-12-31 in demo: no value in force \(chain: demo → demo-region → demo-province → national\)/,
    );
  });

  test('refuses an unknown parameter and suggests near names', () => {
    expect(() => shipped.resolve('benefit.resident.ceiling', '2025-01-01', 'demo')).toThrow(ParamNotFoundError);
    expect(() => shipped.resolve('benefit.resident.inpatient.deductible', '2025-01-01', 'demo')).toThrow(/did you mean benefit\.resident\.inpatient\.deductible\./);
  });

  test('refuses an unknown jurisdiction and an invalid date', () => {
    expect(() => shipped.resolve('benefit.resident.annualCeiling', '2025-01-01', 'atlantis')).toThrow(/unknown jurisdiction/);
    expect(() => shipped.resolve('benefit.resident.annualCeiling', '2025-02-30', 'demo')).toThrow(/2025-02-30/);
  });

  test('reads the deductible factor of later admissions from a scale', () => {
    const s = shipped.scale('benefit.resident.inpatient.deductibleFactorByAdmission', '2025-01-01', 'demo').value;
    expect([1, 2, 3, 7].map((n) => scaleLookup(s, n))).toEqual([1, 0.5, 0, 0]);
  });

  test('lists every definition of a parameter from the most general jurisdiction to the most specific', () => {
    expect(shipped.definitions('benefit.resident.inpatient.deductible.primary').map((d) => d.jurisdiction)).toEqual(['demo-province', 'demo']);
  });

  test('resolves a snapshot of every parameter at a date', () => {
    const snap = shipped.snapshot('2025-06-01', 'demo');
    expect(snap.length).toBe(shipped.paths().length);
    expect(snap.every((s) => s.resolved !== null)).toBe(true);
  });
});

describe('every unit', () => {
  test.each(UNITS.filter((u) => u !== 'enum' && u !== 'flag'))('keeps a dated numeric value in %s', (unit) => {
    const t = tree({ 'national/x.yaml': param(`unit: ${unit}\nvalues:\n  2024-01-01: 1`) });
    expect(t.number('x', '2024-06-01', 'national').value).toBe(1);
  });
});

describe('the version hash', () => {
  const base = { 'prov/a.yaml': param('unit: fen\nvalues:\n  2024-01-01: 100\n') };

  test('is the same for the same files', () => {
    expect(tree(base).version).toBe(tree({ ...base }).version);
    expect(tree(base).version).toMatch(/^[0-9a-f]{64}$/);
  });

  test('changes when any value changes', () => {
    expect(tree({ 'prov/a.yaml': param('unit: fen\nvalues:\n  2024-01-01: 101\n') }).version).not.toBe(tree(base).version);
  });
});

describe('resolution across the chain', () => {
  test('a null value ends the county setting and the province value applies again', () => {
    const t = tree({
      'prov/x.yaml': param('unit: ratio\nvalues:\n  2024-01-01: 0.5\n'),
      'county/x.yaml': param('unit: ratio\nvalues:\n  2024-06-01: 0.7\n  2025-01-01: null\n'),
    });
    expect(t.resolve('x', '2024-07-01', 'county').value).toBe(0.7);
    expect(t.resolve('x', '2025-02-01', 'county')).toMatchObject({ value: 0.5, provenance: { jurisdiction: 'prov', effectiveFrom: '2024-01-01' } });
  });

  test('a value with its own reference carries it into the provenance', () => {
    const t = tree({
      'prov/x.yaml': param(`unit: fen
values:
  2024-01-01: 100
  2025-01-01:
    value: 200
    reference: { basis: source, docNo: 测发〔2024〕1号, url: 'https://example.org/doc' }
`),
    });
    expect(t.resolve('x', '2024-12-31', 'county').provenance.reference.basis).toBe('default');
    expect(t.resolve('x', '2025-01-01', 'county').provenance.reference).toEqual({ basis: 'source', docNo: '测发〔2024〕1号', url: 'https://example.org/doc' });
  });
});

describe('validation refuses a broken tree, naming file, key and problem', () => {
  test('a missing English label', () => {
    expect(issuesOf({ 'prov/x.yaml': 'label: { zh: 中文 }\nunit: fen\nreference: { basis: default, reason: r }\nvalues: { 2024-01-01: 1 }\n' })).toEqual([
      expect.objectContaining({ file: 'prov/x.yaml', key: 'label.en' }),
    ]);
  });

  test('money that is not integer fen', () => {
    expect(issuesOf({ 'prov/x.yaml': param('unit: fen\nvalues:\n  2024-01-01: 12.5\n') })).toEqual([
      { file: 'prov/x.yaml', key: 'values.2024-01-01', problem: 'money is integer fen (分): 12.5 is not an integer' },
    ]);
  });

  test('a ratio above one', () => {
    expect(issuesOf({ 'prov/x.yaml': param('unit: ratio\nvalues:\n  2024-01-01: 85\n') })[0]).toMatchObject({ key: 'values.2024-01-01', problem: expect.stringMatching(/outside the range \[0, 1\]/) });
  });

  test('an effective date that is not a date', () => {
    expect(issuesOf({ 'prov/x.yaml': param('unit: fen\nvalues:\n  2024-13-01: 1\n') })[0]).toMatchObject({ key: 'values.2024-13-01', problem: expect.stringMatching(/not an effective date/) });
  });

  test('a default reference without its reason', () => {
    expect(issuesOf({ 'prov/x.yaml': 'label: { zh: 中, en: e }\nunit: fen\nreference: { basis: default }\nvalues: { 2024-01-01: 1 }\n' })[0]).toMatchObject({ key: 'reference.reason' });
  });

  test('an unknown unit and an unknown field', () => {
    const issues = issuesOf({ 'prov/x.yaml': param('unit: yuan\nvalue: 3\nvalues:\n  2024-01-01: 1\n') });
    expect(issues.map((i) => i.key).sort()).toEqual(['', 'unit']);
    expect(issues.find((i) => i.key === '')?.problem).toMatch(/value/);
  });

  test('a folder that is not a declared jurisdiction', () => {
    expect(issuesOf({ 'atlantis/x.yaml': param('unit: fen\nvalues:\n  2024-01-01: 1\n') })[0]).toMatchObject({ file: 'atlantis/x.yaml', problem: expect.stringMatching(/not a jurisdiction/) });
  });

  test('a parameter whose unit differs between jurisdictions', () => {
    expect(
      issuesOf({
        'prov/x.yaml': param('unit: fen\nvalues:\n  2024-01-01: 1\n'),
        'county/x.yaml': param('unit: ratio\nvalues:\n  2024-01-01: 0.1\n'),
      })[0],
    ).toMatchObject({ key: 'unit', problem: expect.stringMatching(/differs from fen in prov\/x.yaml/) });
  });

  test('YAML that does not parse, with its line', () => {
    expect(issuesOf({ 'prov/x.yaml': param('unit: fen\nvalues:\n  2024-01-01: [1\n') })[0]).toMatchObject({ file: 'prov/x.yaml', key: expect.stringMatching(/^line \d+$/), problem: expect.stringMatching(/^YAML: /) });
  });

  test('a duplicate effective date', () => {
    expect(issuesOf({ 'prov/x.yaml': param('unit: fen\nvalues:\n  2024-01-01: 1\n  2024-01-01: 2\n') })[0]?.problem).toMatch(/YAML: .*unique/i);
  });

  test('an enum value outside its options', () => {
    expect(issuesOf({ 'prov/x.yaml': param('unit: enum\noptions: [a, b]\nvalues:\n  2024-01-01: c\n') })[0]?.problem).toBe('"c" is not one of the options a, b');
  });

  test('scale thresholds that do not increase', () => {
    const body = 'unit: coefficient\nkind: scale\nscale: { type: single_amount, base: count }\nvalues:\n  2024-01-01:\n    brackets: [{ threshold: 2, value: 1 }, { threshold: 1, value: 0.5 }]\n';
    expect(issuesOf({ 'prov/x.yaml': param(body) })[0]).toMatchObject({ key: 'values.2024-01-01.brackets.1.threshold', problem: 'thresholds must increase' });
  });

  test('a jurisdiction whose parent is unknown', () => {
    const bad = buildParamTreeIssues('- { id: national, level: national, name: { zh: 全国, en: N } }\n- { id: c, parent: p, level: county, name: { zh: 县, en: C } }\n');
    expect(bad[0]).toMatchObject({ file: 'jurisdictions.yaml', key: '1.parent', problem: 'unknown parent "p"' });
  });

  test('every problem at once, not only the first', () => {
    const issues = issuesOf({
      'prov/a.yaml': param('unit: fen\nvalues:\n  2024-01-01: 0.5\n'),
      'prov/b.yaml': param('unit: ratio\nvalues:\n  2024-01-01: 2\n'),
    });
    expect(issues.map((i) => i.file)).toEqual(['prov/a.yaml', 'prov/b.yaml']);
  });
});

function buildParamTreeIssues(jurisdictions: string) {
  try {
    buildParamTree([{ rel: 'jurisdictions.yaml', bytes: Buffer.from(jurisdictions) }]);
  } catch (e) {
    if (e instanceof ParamTreeError) return e.issues;
    throw e;
  }
  throw new Error('accepted');
}

describe('loading from a directory', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sanyi-params-'));
    await cp(shippedTree, dir, { recursive: true });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a broken file stops loading with a message naming the file, the key and the problem', async () => {
    await mkdir(path.join(dir, 'demo/benefit'), { recursive: true });
    await writeFile(path.join(dir, 'demo/benefit/broken.yaml'), param('unit: fen\nvalues:\n  2024-01-01: "lots"\n'));
    await expect(loadParamTree(dir)).rejects.toThrow('demo/benefit/broken.yaml: values.2024-01-01: expected a number in fen, got "lots"');
  });

  test('a missing directory is refused clearly', async () => {
    await expect(loadParamTree(path.join(dir, 'nope'))).rejects.toThrow(/cannot read the parameter directory/);
  });
});

describe('scales', () => {
  const marginal = { type: 'marginal_rate' as const, base: 'fen' as const, brackets: [{ threshold: 0, value: 0.5 }, { threshold: 100_000, value: 0.6 }, { threshold: 500_000, value: 0.7 }] };

  test('split an amount into its bands', () => {
    expect(scaleBands(marginal, 600_000)).toEqual([
      { from: 0, to: 100_000, amount: 100_000, rate: 0.5 },
      { from: 100_000, to: 500_000, amount: 400_000, rate: 0.6 },
      { from: 500_000, to: 600_000, amount: 100_000, rate: 0.7 },
    ]);
    expect(scaleBands(marginal, 50_000)).toEqual([{ from: 0, to: 50_000, amount: 50_000, rate: 0.5 }]);
  });

  test('refuse a lookup below the first bracket', () => {
    expect(() => scaleLookup({ type: 'single_amount', base: 'count', brackets: [{ threshold: 1, value: 1 }] }, 0)).toThrow(/below the first bracket/);
  });
});
