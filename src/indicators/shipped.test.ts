import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { loadAssessmentSchemes, scoreAssessment } from './assessment.js';
import { indicatorsOfSet, loadIndicatorCatalogue } from './definitions.js';
import { evaluateAll, evaluateIndicator } from './evaluate.js';
import { ITEMS } from './items.js';

const catalogue = loadIndicatorCatalogue();
const defs = catalogue.definitions;
const map = (o: Record<string, number> | undefined): ReadonlyMap<string, number> | undefined => (o ? new Map(Object.entries(o)) : undefined);

describe('the shipped indicators/ folder', () => {
  test('loads the three sets', () => {
    expect(catalogue.sets.map((s) => s.id).sort()).toEqual(['county_community', 'linkage', 'tertiary']);
  });

  test('the county monitoring set holds DOMAIN.md §9 except the two the items cannot compute', () => {
    expect(indicatorsOfSet(defs, 'county_community').map((d) => d.id)).toEqual([
      'inCountyAdmissionShare', 'inCountyVisitRate', 'primaryVisitShare', 'primaryTcmShare', 'chronicPrimaryMgmtRate', 'serviceRevenueShare',
      'downReferrals', 'inCountyFundShare', 'primaryFundShare', 'fundSurplusRate', 'drugShare', 'consumableShare', 'vbpCompletion',
    ]);
  });

  test("the linkage's own indicators of issue 7 are there, shared ones written once", () => {
    expect(indicatorsOfSet(defs, 'linkage').map((d) => d.id).sort()).toEqual(
      [
        'cmi', 'consumableShare', 'costIndex', 'drugShare', 'fundBalanceMonths', 'inCountyVisitRate', 'outOfCountyAdmissionShare', 'packageUsePerCapita', 'primaryVisitShare', 'serviceRevenueShare', 'timeIndex', 'vbpCompletion',
        'outreachOutOfCountyShare', 'outreachOutOfCountyShareChange', 'outreachSessionsPerMonth', 'outreachPatientsPerSession',
      ].sort(),
    );
  });

  test('the tertiary subset', () => {
    expect(indicatorsOfSet(defs, 'tertiary').map((d) => d.id).sort()).toEqual(
      ['cmi', 'consumablePer100', 'costIndex', 'costPerAdmissionGrowth', 'costPerVisitGrowth', 'drugCostPerAdmissionGrowth', 'drugCostPerVisitGrowth', 'serviceRevenueShare', 'timeIndex', 'vbpSelectedShare'].sort(),
    );
  });

  describe('every shipped fixture holds (given these items, the indicator is exactly this value)', () => {
    const cases = defs.flatMap((d) => d.fixtures.map((f, k) => ({ d, f, name: `${d.id}: ${f.name ?? `fixture ${k + 1}`}` })));
    test.each(cases)('$name', ({ d, f }) => {
      const v = evaluateIndicator(d, map(f.given)!, map(f.prev));
      if (f.expect === null) {
        expect(v.value).toBeNull();
        expect(v.reason?.startsWith(f.reason!)).toBe(true);
      } else {
        expect(v.reason).toBeUndefined();
        expect(v.value).toBe(f.expect);
      }
    });
  });

  test('every definition evaluates to a number on a complete item set, at each of its scopes', () => {
    const all = new Map(ITEMS.map((i, k) => [i.name, 1000 + 37 * k]));
    const prev = new Map(ITEMS.map((i, k) => [i.name, 900 + 31 * k]));
    for (const scope of ['county', 'institution'] as const) {
      const avail = new Map([...all].filter(([n]) => ITEMS.find((i) => i.name === n)!.scopes.includes(scope)));
      for (const v of evaluateAll(defs, scope, avail, prev)) {
        expect({ id: v.id, reason: v.reason }).toEqual({ id: v.id, reason: undefined });
        expect(Number.isFinite(v.value)).toBe(true);
      }
    }
  });

  test('every definition states its basis, and a «default» its reason', () => {
    for (const d of defs) {
      expect(['source', 'reported', 'default']).toContain(d.reference.basis);
      if (d.reference.basis === 'default') expect(d.reference.reason).toBeTruthy();
    }
  });
});

describe('the shipped assessment schemes', () => {
  const schemes = loadAssessmentSchemes(undefined, { indicators: defs });

  test('one for the county community and one for institutions, each checked against the indicators', () => {
    expect(schemes.map((s) => [s.id, s.scope])).toEqual([['county_community', 'county'], ['institution', 'institution']]);
  });

  test('a county meeting every target scores 100, one with no data scores 0', () => {
    const county = schemes.find((s) => s.id === 'county_community')!;
    const good = new Map(county.items.map((it) => [it.indicator, { value: it.rule.type === 'linear' ? it.rule.target : it.rule.type === 'banded' ? it.rule.bands[0]![0] : 5, met: true }]));
    expect(scoreAssessment(county, good).score).toBe(100);
    expect(scoreAssessment(county, new Map()).score).toBe(0);
  });

  test('scored over a complete item set, each scheme gives a score from 0 to 100', () => {
    const all = new Map(ITEMS.map((i, k) => [i.name, 1000 + 37 * k]));
    for (const s of schemes) {
      const values = evaluateAll(defs, s.scope, all, all);
      const r = scoreAssessment(s, values);
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(100);
      expect(r.items.every((i) => i.value !== null)).toBe(true);
    }
  });
});

describe('the item catalogue', () => {
  test('is exactly the item table of docs/dashboard.md, with its scopes', () => {
    const doc = readFileSync(new URL('../../docs/dashboard.md', import.meta.url), 'utf8');
    const start = doc.indexOf('| item | scope | meaning |');
    const table = doc.slice(start, doc.indexOf('\n## ', start));
    const fromDoc = new Map<string, string[]>();
    for (const line of table.split('\n').slice(2)) {
      const cells = line.split('|').map((c) => c.trim());
      if (cells.length < 4) continue;
      const scopes = cells[2]!.split(',').map((s) => s.replace(/\(.*\)/, '').trim());
      for (const name of cells[1]!.match(/`[^`]+`/g) ?? []) fromDoc.set(name.slice(1, -1), scopes);
    }
    expect(new Map(ITEMS.map((i) => [i.name, [...i.scopes]]))).toEqual(fromDoc);
  });
});
