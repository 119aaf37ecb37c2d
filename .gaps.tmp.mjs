import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
const ds = parse(readFileSync('catalogue/diseases.yaml','utf8'));
const ss = parse(readFileSync('catalogue/services.yaml','utf8'));
const S = new Map(ss.map(s=>[s.id,s]));
const cats = ['examination','laboratory','treatment','surgery','materials','other'];
const used = new Set();
for (const d of ds) for (const kind of ['outpatient','inpatient']) {
  const c = d[kind]; if (!c) continue;
  for (const s of c.services) used.add(s);
  for (const p of c.procedures??[]) if (p.service) used.add(p.service);
  for (const lvl of c.levels) {
    for (const cat of cats) {
      const share = c.mix[cat] ?? 0; if (!(share>0)) continue;
      const ok = c.services.some(s=>S.get(s).category===cat && S.get(s).price[lvl]!==undefined) || (cat==='surgery' && (c.procedures??[]).some(p=>p.service && S.get(p.service).price[lvl]!==undefined));
      if (!ok) console.log('GAP', d.id, kind, lvl, cat, share);
    }
    const un = c.services.filter(s=>S.get(s).price[lvl]===undefined);
    if (un.length) console.log('  notoffered', d.id, kind, lvl, un.join(','));
  }
}
console.log('unused services', ss.filter(s=>!used.has(s.id)).map(s=>s.id).join(' '));
const dr = parse(readFileSync('catalogue/drugs.yaml','utf8'));
const usedD = new Set(ds.flatMap(d=>[...(d.outpatient?.drugs??[]),...(d.inpatient?.drugs??[])]));
console.log('unused drugs', dr.filter(x=>!usedD.has(x.id)).map(x=>x.id).join(' '));
