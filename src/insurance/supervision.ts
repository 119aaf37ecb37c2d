/**
 * Fund supervision (基金监管, issue 5 §4): rules as data (supervision/rules.yaml), each naming a
 * detector implemented here and taking its thresholds from dated parameters. Every finding carries
 * its evidence: the claims, their dates, the amount at issue and a sentence in zh and en.
 *
 *   readmission              inpatient stay j of a person after stay i at the same institution for the
 *                            same disease, admitted 0…days after i's discharge → j (evidence i, j);
 *                            amount: j's charges
 *   low_standard_admission   stay ≤ maxLos days, no surgery charges, examinations + tests ≥ share of
 *                            the charges → the stay; amount: its charges
 *   duplicate_claim          a claim equal to an earlier one of the person in institution, kind, date
 *                            and every fee category → the later claim; amount: its charges
 *   over_limit_bed_days      bed charges > (LOS + tolerance) × the level's bed-day price → the stay;
 *                            amount: the bed charges above that
 *   cc_share_vs_peers        an institution's share of CC/MCC cases (DRG suffix 1 or 3, among groups
 *                            split by complications) ≥ ratio × its peers' pooled share (same kind,
 *                            ≥ minCases) and z = (share − peer share) / √(peer share × (1 − peer
 *                            share) / cases) ≥ z → the institution; evidence: its CC/MCC cases; amount: the
 *                            excess cases × the average charge of its CC/MCC cases, half-up
 *   after_death              a claim dated after the person's death → the claim; amount: its charges
 *   outside_stay             an outpatient or emergency claim at the institution of an inpatient
 *                            stay dated strictly between admission and discharge → the claim
 * Rows of one person must be contiguous (the settlement reads them ordered by person); each person's
 * rows are then examined alone, so the pass is linear in the rows.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { ParamTree, Provenance } from '../rules/params.js';
import type { IsoDate } from '../rules/period.js';
import { civilFromDays } from '../rules/period.js';
import { FEE, N_FEE_CATEGORIES, TYPE, type EncounterColumns } from './columns.js';

export const DETECTORS = ['readmission', 'low_standard_admission', 'duplicate_claim', 'over_limit_bed_days', 'cc_share_vs_peers', 'after_death', 'outside_stay'] as const;
export type Detector = (typeof DETECTORS)[number];

/** The parameters each detector needs (the rule maps them to parameter paths). */
const DETECTOR_PARAMS: Record<Detector, readonly string[]> = {
  readmission: ['days'],
  low_standard_admission: ['maxLos', 'examLabShare'],
  duplicate_claim: [],
  over_limit_bed_days: ['toleranceDays'],
  cc_share_vs_peers: ['ratio', 'z', 'minCases'],
  after_death: [],
  outside_stay: [],
};

const bilingual = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });
const ruleSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'an id is lower-case letters, digits and _'),
  detector: z.enum(DETECTORS),
  label: bilingual,
  description: bilingual,
  severity: z.enum(['low', 'medium', 'high']),
  enabled: z.boolean().default(true),
  params: z.record(z.string(), z.string()).default({}),
});
export type SupervisionRule = z.output<typeof ruleSchema>;

export class SupervisionRuleError extends Error {
  override name = 'SupervisionRuleError';
}

export const SHIPPED_RULES_FILE = new URL('../../supervision/rules.yaml', import.meta.url);

/** Reads and checks a rules file; a malformed rule is refused naming the file, the rule and the field. */
export function loadSupervisionRules(file: string | URL = SHIPPED_RULES_FILE): SupervisionRule[] {
  const name = file instanceof URL ? file.pathname : file;
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SupervisionRuleError(`${name}: ${(e as Error).message}`);
  }
  const list = (raw as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(list)) throw new SupervisionRuleError(`${name}: expected a top-level "rules:" list`);
  const seen = new Set<string>();
  return list.map((entry: unknown, i) => {
    const id = typeof entry === 'object' && entry && 'id' in entry ? String((entry).id) : `#${i + 1}`;
    const r = ruleSchema.safeParse(entry);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new SupervisionRuleError(`${name}: rule ${id} (entry ${i + 1}), field ${issue.path.join('.') || '(entry)'}: ${issue.message}`);
    }
    const rule = r.data;
    if (seen.has(rule.id)) throw new SupervisionRuleError(`${name}: rule ${rule.id} (entry ${i + 1}) is defined twice`);
    seen.add(rule.id);
    for (const p of DETECTOR_PARAMS[rule.detector]) {
      if (!rule.params[p]) throw new SupervisionRuleError(`${name}: rule ${rule.id} (entry ${i + 1}), field params.${p}: the ${rule.detector} detector needs it (a parameter path)`);
    }
    for (const p of Object.keys(rule.params)) {
      if (!DETECTOR_PARAMS[rule.detector].includes(p)) throw new SupervisionRuleError(`${name}: rule ${rule.id} (entry ${i + 1}), field params.${p}: the ${rule.detector} detector takes ${DETECTOR_PARAMS[rule.detector].join(', ') || 'no parameters'}`);
    }
    return rule;
  });
}

export interface Finding {
  ruleId: string;
  institutionId: string | null;
  personId: number | null;
  /** The claims that are the evidence (the flagged claim last). */
  encounterIds: number[];
  firstDate: IsoDate | null;
  lastDate: IsoDate | null;
  amountFen: number;
  detail: { zh: string; en: string; figures?: Record<string, number | string> };
}

export interface SupervisionInput {
  encounters: EncounterColumns;
  /** Day of death of each person who died (days since 1970-01-01). */
  deathDay: ReadonlyMap<number, number>;
  /** DRG of each inpatient row ('' when none), aligned to the rows. */
  drg: readonly string[];
  /** Bed-day price by care level (village, township, county), fen. */
  bedDayPriceFen: Partial<Record<'village' | 'township' | 'county' | 'out_of_county', number>>;
}

export interface SupervisionResult {
  findings: Finding[];
  /** The parameters each rule used, with their provenance. */
  rules: Array<{ id: string; detector: Detector; params: Record<string, { path: string; value: number; provenance: Provenance }>; findings: number }>;
}

const iso = (day: number): IsoDate => {
  const c = civilFromDays(day);
  return `${c.y}-${String(c.m).padStart(2, '0')}-${String(c.d).padStart(2, '0')}`;
};

export function runSupervision(input: SupervisionInput, rules: readonly SupervisionRule[], tree: ParamTree, jurisdiction: string, year: number): SupervisionResult {
  const date = `${year}-12-31`;
  const E = input.encounters;
  const out: Finding[] = [];
  const report: SupervisionResult['rules'] = [];
  const active = rules.filter((r) => r.enabled);
  const paramsOf = (rule: SupervisionRule) => {
    const ps: SupervisionResult['rules'][number]['params'] = {};
    for (const [k, path] of Object.entries(rule.params)) {
      const r = tree.tryResolve(path, date, jurisdiction);
      if (!r || typeof r.value !== 'number') throw new SupervisionRuleError(`rule ${rule.id}: parameter ${path} (params.${k}) has no number for ${jurisdiction} on ${date}`);
      ps[k] = { path, value: r.value, provenance: r.provenance };
    }
    return ps;
  };
  const inst = (r: number) => E.institutions[E.institution[r]!]!;
  const fee = (r: number, k: number) => E.fees[r * N_FEE_CATEGORIES + k]!;
  const claim = (ruleId: string, r: number, amount: number, zh: string, en: string, evidence: number[] = [r], figures?: Record<string, number | string>): Finding => {
    const days = evidence.map((x) => E.start[x]!);
    return {
      ruleId,
      institutionId: inst(r).id,
      personId: E.person[r]!,
      encounterIds: evidence.map((x) => E.id[x]!),
      firstDate: iso(Math.min(...days)),
      lastDate: iso(Math.max(...evidence.map((x) => E.end[x]!))),
      amountFen: amount,
      detail: { zh, en, ...(figures ? { figures } : {}) },
    };
  };

  for (const rule of active) {
    const p = paramsOf(rule);
    const v = (k: string) => p[k]!.value;
    const before = out.length;
    switch (rule.detector) {
      case 'low_standard_admission': {
        for (let r = 0; r < E.length; r++) {
          if (E.type[r] !== TYPE.inpatient || E.los[r]! > v('maxLos') || fee(r, FEE.surgery) > 0) continue;
          const t = E.total[r]!;
          const share = t > 0 ? (fee(r, FEE.examination) + fee(r, FEE.laboratory)) / t : 0;
          if (share < v('examLabShare')) continue;
          out.push(claim(rule.id, r, t, `住院 ${E.los[r]} 天，无手术，检查化验费占 ${(share * 100).toFixed(1)}%`, `${E.los[r]}-day stay without surgery, examinations and tests ${(share * 100).toFixed(1)}% of the charges`, [r], { los: E.los[r]!, examLabShare: Math.round(share * 1000) / 1000 }));
        }
        break;
      }
      case 'over_limit_bed_days': {
        for (let r = 0; r < E.length; r++) {
          if (E.type[r] !== TYPE.inpatient) continue;
          const price = input.bedDayPriceFen[inst(r).careLevel];
          if (!price) continue;
          const allowed = (E.los[r]! + v('toleranceDays')) * price;
          const bed = fee(r, FEE.bed);
          if (bed <= allowed) continue;
          out.push(claim(rule.id, r, bed - allowed, `床位费 ${bed / 100} 元，超过 ${E.los[r]} 天 × ${price / 100} 元`, `bed charges ¥${bed / 100} exceed ${E.los[r]} days × ¥${price / 100}`, [r], { bedFen: bed, allowedFen: allowed, billedDays: Math.round(bed / price) }));
        }
        break;
      }
      case 'cc_share_vs_peers': {
        const n = new Map<number, number>();
        const cc = new Map<number, number[]>();
        for (let r = 0; r < E.length; r++) {
          if (E.type[r] !== TYPE.inpatient || !inst(r).inCounty) continue;
          const d = input.drg[r] ?? '';
          const suffix = d.charAt(d.length - 1);
          if (suffix !== '1' && suffix !== '3' && suffix !== '5') continue;
          const i = E.institution[r]!;
          n.set(i, (n.get(i) ?? 0) + 1);
          if (suffix !== '5') {
            let l = cc.get(i);
            if (!l) cc.set(i, (l = []));
            l.push(r);
          }
        }
        const eligible = [...n].filter(([, k]) => k >= v('minCases')).map(([i]) => i);
        for (const i of eligible) {
          const kind = E.institutions[i]!.kind;
          const peers = eligible.filter((j) => j !== i && E.institutions[j]!.kind === kind);
          if (peers.length === 0) continue;
          const peerN = peers.reduce((a, j) => a + n.get(j)!, 0);
          const peerCc = peers.reduce((a, j) => a + (cc.get(j)?.length ?? 0), 0);
          const peerShare = peerCc / peerN;
          const rows = cc.get(i) ?? [];
          const share = rows.length / n.get(i)!;
          // Far above: at least `ratio` times the peers' share, and not by chance (a one-sided z of the
          // share against the peers' share, binomial standard error).
          const z = (share - peerShare) / Math.sqrt(Math.max(1e-12, (peerShare * (1 - peerShare)) / n.get(i)!));
          if (!(share >= v('ratio') * peerShare && z >= v('z'))) continue;
          const avg = rows.reduce((a, r) => a + E.total[r]!, 0) / Math.max(1, rows.length);
          const excess = (share - peerShare) * n.get(i)!;
          const evidence = rows.slice(0, 50);
          const days = rows.map((r) => E.start[r]!);
          out.push({
            ruleId: rule.id,
            institutionId: E.institutions[i]!.id,
            personId: null,
            encounterIds: evidence.map((r) => E.id[r]!),
            firstDate: days.length ? iso(Math.min(...days)) : null,
            lastDate: days.length ? iso(Math.max(...days)) : null,
            amountFen: Math.round(excess * avg),
            detail: {
              zh: `CC/MCC 病组占比 ${(share * 100).toFixed(1)}%，同类机构 ${(peerShare * 100).toFixed(1)}%（${peers.length} 家）`,
              en: `CC/MCC share ${(share * 100).toFixed(1)}% against ${(peerShare * 100).toFixed(1)}% at ${peers.length} peers`,
              figures: { cases: n.get(i)!, ccCases: rows.length, z: Math.round(z * 100) / 100, share: Math.round(share * 1000) / 1000, peerShare: Math.round(peerShare * 1000) / 1000, peers: peers.length, evidenceListed: evidence.length },
            },
          });
        }
        break;
      }
      case 'readmission':
      case 'duplicate_claim':
      case 'after_death':
      case 'outside_stay':
        break; // person by person, below
    }
    report.push({ id: rule.id, detector: rule.detector, params: p, findings: out.length - before });
  }

  // Person-level detectors: one pass over each person's contiguous rows.
  let scratch = new Int32Array(256);
  let dupOf = new Int32Array(256).fill(-1); // row − a → the earlier identical row, or −1
  const personRules = active.filter((r) => r.detector === 'readmission' || r.detector === 'duplicate_claim' || r.detector === 'after_death' || r.detector === 'outside_stay');
  if (personRules.length) {
    const counts = new Map<string, number>();
    const pv = new Map(personRules.map((r) => [r.id, report.find((x) => x.id === r.id)!.params]));
    const seen = new Set<number>();
    let a = 0;
    while (a < E.length) {
      const person = E.person[a]!;
      if (seen.has(person)) throw new SupervisionRuleError(`the rows of person ${person} are not contiguous: order the encounters by person`);
      seen.add(person);
      let b = a + 1;
      while (b < E.length && E.person[b] === person) b++;
      for (const rule of personRules) {
        const before = out.length;
        personDetector(rule, pv.get(rule.id)!, a, b);
        counts.set(rule.id, (counts.get(rule.id) ?? 0) + out.length - before);
      }
      a = b;
    }
    for (const r of report) if (counts.has(r.id)) r.findings = counts.get(r.id)!;
  }
  return { findings: out, rules: report };

  function sameClaim(x: number, y: number): boolean {
    if (E.institution[x] !== E.institution[y] || E.type[x] !== E.type[y] || E.start[x] !== E.start[y] || E.end[x] !== E.end[y] || E.total[x] !== E.total[y]) return false;
    if (E.feeHash) return E.feeHash[x] === E.feeHash[y];
    for (let k = 0; k < N_FEE_CATEGORIES; k++) if (fee(x, k) !== fee(y, k)) return false;
    return true;
  }

  function personDetector(rule: SupervisionRule, p: SupervisionResult['rules'][number]['params'], a: number, b: number): void {
    switch (rule.detector) {
      case 'after_death': {
        const death = input.deathDay.get(E.person[a]!);
        if (death === undefined) return;
        for (let r = a; r < b; r++) {
          if (E.start[r]! > death) out.push(claim(rule.id, r, E.total[r]!, `就诊日期 ${iso(E.start[r]!)} 晚于死亡日期 ${iso(death)}`, `claim dated ${iso(E.start[r]!)}, after death on ${iso(death)}`, [r], { deathDate: iso(death) }));
        }
        return;
      }
      case 'duplicate_claim': {
        if (b - a < 2) return;
        // The person's rows sorted by (date, total, row); identical claims are neighbours within a
        // run of equal date and total, compared field by field (no key strings per row).
        const k = b - a;
        if (scratch.length < k) {
          scratch = new Int32Array(Math.max(k, scratch.length * 2));
          dupOf = new Int32Array(scratch.length).fill(-1);
        }
        const order = scratch.subarray(0, k);
        for (let i = 0; i < k; i++) order[i] = a + i;
        order.sort((x, y) => E.start[x]! - E.start[y]! || E.total[x]! - E.total[y]! || x - y);
        let flagged = false;
        for (let g = 0; g < k; ) {
          let h = g + 1;
          while (h < k && E.start[order[h]!] === E.start[order[g]!] && E.total[order[h]!] === E.total[order[g]!]) h++;
          for (let i = g + 1; i < h; i++) {
            const r = order[i]!;
            for (let j = g; j < i; j++) {
              const f = order[j]!;
              if (dupOf[f - a] !== -1 || !sameClaim(f, r)) continue;
              dupOf[r - a] = f; // the first identical row in row order
              flagged = true;
              break;
            }
          }
          g = h;
        }
        if (!flagged) return;
        for (let r = a; r < b; r++) {
          const f = dupOf[r - a]!;
          if (f === -1) continue;
          dupOf[r - a] = -1;
          const [x, y] = E.id[f]! < E.id[r]! ? [f, r] : [r, f];
          out.push(claim(rule.id, y, E.total[y]!, `与结算 ${E.id[x]} 同人同日同机构、各项费用完全相同`, `identical to claim ${E.id[x]}: same person, institution, date and every fee`, [x, y]));
        }
        return;
      }
      case 'readmission': {
        const days = p.days!.value;
        const stays: number[] = [];
        for (let r = a; r < b; r++) if (E.type[r] === TYPE.inpatient) stays.push(r);
        if (stays.length < 2) return;
        stays.sort((x, y) => E.start[x]! - E.start[y]! || E.id[x]! - E.id[y]!);
        for (let j = 1; j < stays.length; j++) {
          const cur = stays[j]!;
          // The latest earlier stay at the same institution for the same disease.
          for (let i = j - 1; i >= 0; i--) {
            const prev = stays[i]!;
            if (E.institution[prev] !== E.institution[cur] || E.disease[prev] !== E.disease[cur]) continue;
            const gap = E.start[cur]! - E.end[prev]!;
            if (gap >= 0 && gap <= days) out.push(claim(rule.id, cur, E.total[cur]!, `出院 ${gap} 天后因同一疾病再次入院`, `readmitted for the same disease ${gap} days after discharge`, [prev, cur], { gapDays: gap }));
            break;
          }
        }
        return;
      }
      case 'outside_stay': {
        for (let s = a; s < b; s++) {
          if (E.type[s] !== TYPE.inpatient) continue;
          for (let r = a; r < b; r++) {
            if (E.type[r] === TYPE.inpatient || E.institution[r] !== E.institution[s]) continue;
            if (E.start[r]! > E.start[s]! && E.start[r]! < E.end[s]!) {
              out.push(claim(rule.id, r, E.total[r]!, `住院期间（${iso(E.start[s]!)} 至 ${iso(E.end[s]!)}）在同一机构门诊结算`, `outpatient claim during the stay of ${iso(E.start[s]!)} to ${iso(E.end[s]!)} at the same institution`, [s, r]));
            }
          }
        }
        return;
      }
      case 'low_standard_admission':
      case 'over_limit_bed_days':
      case 'cc_share_vs_peers':
        return; // row by row or by institution, above
    }
  }
}
