/**
 * The county's places, institutions and staff (县域: 乡镇、行政村; 医共体: 总医院、中医院、妇幼保健院、
 * 乡镇卫生院、村卫生室; 县外: 市级、省级医院). Sizes follow the population and the dated parameters.
 */
import type { Random } from '../rules/random.js';
import type { Level, StaffRatios, YearModel } from './model.js';

export interface Place {
  id: string;
  kind: 'township' | 'village';
  townshipIndex: number;
  nameZh: string;
  nameEn: string;
  kmToTownship: number;
  kmToCounty: number;
}

export type InstitutionKind = 'county_general' | 'county_tcm' | 'county_mch' | 'township_centre' | 'village_clinic' | 'out_of_county_city' | 'out_of_county_province';

export interface Institution {
  id: string;
  kind: InstitutionKind;
  careLevel: Level;
  grade: 'primary' | 'secondary' | 'tertiary';
  townshipId: string;
  placeId: string;
  communityId: string;
  inCounty: boolean;
  nameZh: string;
  nameEn: string;
  beds: number;
}

export interface StaffMember {
  id: string;
  institutionId: string;
  role: 'doctor' | 'nurse' | 'pharmacist' | 'technician' | 'village_doctor' | 'manager';
  title: 'chief_physician' | 'associate_chief_physician' | 'attending_physician' | 'resident_physician' | 'senior_nurse' | 'nurse' | 'none';
  sex: 'M' | 'F';
  birthYear: number;
}

export interface County {
  jurisdiction: string;
  nameZh: string;
  townships: Place[];
  /** Villages in township order; `villageTownship[v]` is the township index of village v. */
  villages: Place[];
  villageTownship: Uint16Array;
  /** Relative population weight of each village. */
  villageWeight: Float64Array;
  institutions: Institution[];
  /** Institution indices. */
  countyGeneral: number;
  countyTcm: number;
  countyMch: number;
  city: number;
  province: number;
  townshipCentre: Int32Array; // by township
  villageClinic: Int32Array; // by village
  staff: StaffMember[];
}

// Syllables for fictional place names (汉字 with pinyin), combined deterministically.
const FIRST: Array<[string, string]> = [
  ['东', 'Dong'], ['西', 'Xi'], ['南', 'Nan'], ['北', 'Bei'], ['青', 'Qing'], ['石', 'Shi'], ['云', 'Yun'], ['龙', 'Long'],
  ['桃', 'Tao'], ['梅', 'Mei'], ['竹', 'Zhu'], ['溪', 'Xi'], ['安', 'An'], ['和', 'He'], ['丰', 'Feng'], ['华', 'Hua'],
  ['兴', 'Xing'], ['新', 'Xin'], ['凤', 'Feng'], ['金', 'Jin'], ['玉', 'Yu'], ['白', 'Bai'], ['高', 'Gao'], ['长', 'Chang'],
];
const SECOND: Array<[string, string]> = [
  ['山', 'shan'], ['坪', 'ping'], ['口', 'kou'], ['源', 'yuan'], ['桥', 'qiao'], ['洋', 'yang'], ['坑', 'keng'], ['岭', 'ling'],
  ['田', 'tian'], ['阳', 'yang'], ['湖', 'hu'], ['洲', 'zhou'], ['林', 'lin'], ['塘', 'tang'], ['头', 'tou'], ['峰', 'feng'],
];

function placeName(i: number, salt: number): [string, string] {
  const n = i * 7 + salt * 13;
  const a = FIRST[n % FIRST.length]!;
  const b = SECOND[Math.floor(n / FIRST.length + i) % SECOND.length]!;
  return [a[0] + b[0], a[1] + b[1]];
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A positive draw with the given mean and log-normal spread. */
function lognormal(rng: Random, mean: number, sigma: number): number {
  return mean * Math.exp(rng.normal(0, sigma) - (sigma * sigma) / 2);
}

/** Rounds x up or down at random so that the expectation is x (keeps small counts honest). */
export function stochasticRound(rng: Random, x: number): number {
  const f = Math.floor(x);
  return f + (rng.next() < x - f ? 1 : 0);
}

export function buildCounty(m: YearModel, rng: Random, population: number, jurisdiction: string, nameZh: string): County {
  const g = m.geography;
  const nTownships = Math.max(1, Math.round(population / g.peoplePerTownship));
  const townships: Place[] = [];
  const usedNames = new Set<string>();
  const uniqueName = (i: number, salt: number): [string, string] => {
    for (let k = 0; ; k++) {
      const [zh, en] = placeName(i + k * 31, salt);
      if (!usedNames.has(zh)) {
        usedNames.add(zh);
        return [zh, en];
      }
      if (k > 400) return [`${zh}${i}`, `${en}${i}`];
    }
  };
  for (let t = 0; t < nTownships; t++) {
    const [zh, en] = t === 0 ? ['城关', 'Chengguan'] : uniqueName(t, 1);
    if (t === 0) usedNames.add(zh);
    const kind = t === 0 || t % 3 !== 0 ? '镇' : '乡';
    townships.push({
      id: `T${pad(t + 1)}`,
      kind: 'township',
      townshipIndex: t,
      nameZh: `${zh}${kind}`,
      nameEn: `${en} ${kind === '镇' ? 'Town' : 'Township'}`,
      kmToTownship: 0,
      kmToCounty: t === 0 ? 2 : Math.max(4, Math.round(lognormal(rng, g.kmTownshipToCounty, 0.45))),
    });
  }
  const villages: Place[] = [];
  const villageTownshipList: number[] = [];
  const weights: number[] = [];
  for (let t = 0; t < nTownships; t++) {
    const tw = townships[t]!;
    // The county seat (城关) is larger: more villages and residents per village.
    const count = Math.max(3, stochasticRound(rng, g.villagesPerTownship * (t === 0 ? 1.6 : lognormal(rng, 1, 0.25))));
    for (let v = 0; v < count; v++) {
      const [zh, en] = uniqueName(villages.length + 1, 2);
      const km = Math.max(0.5, Math.round(lognormal(rng, g.kmVillageToTownship, 0.5) * 10) / 10);
      villages.push({
        id: `${tw.id}V${pad(v + 1)}`,
        kind: 'village',
        townshipIndex: t,
        nameZh: `${zh}村`,
        nameEn: `${en} Village`,
        kmToTownship: km,
        kmToCounty: Math.round((tw.kmToCounty + km) * 10) / 10,
      });
      villageTownshipList.push(t);
      weights.push(lognormal(rng, t === 0 ? 2 : 1, 0.35));
    }
  }

  const inst: Institution[] = [];
  const add = (i: Institution) => inst.push(i) - 1;
  const b = m.institutions.bedsPer1000;
  const seat = townships[0]!;
  const county = (kind: InstitutionKind, id: string, zh: string, en: string, per1000: number) =>
    add({ id, kind, careLevel: 'county', grade: 'secondary', townshipId: '', placeId: seat.id, communityId: 'CGH', inCounty: true, nameZh: zh, nameEn: en, beds: Math.max(20, Math.round((population / 1000) * per1000)) });
  const countyGeneral = county('county_general', 'CGH', `${nameZh}总医院`, 'County General Hospital', b.countyGeneral);
  const countyTcm = county('county_tcm', 'CTCM', `${nameZh}中医院`, 'County TCM Hospital', b.countyTcm);
  const countyMch = county('county_mch', 'CMCH', `${nameZh}妇幼保健院`, 'County Maternal and Child Health Hospital', b.countyMch);
  const city = add({ id: 'OCITY', kind: 'out_of_county_city', careLevel: 'out_of_county', grade: 'tertiary', townshipId: '', placeId: '', communityId: '', inCounty: false, nameZh: '演示市第一医院', nameEn: 'Demo City First Hospital', beds: m.institutions.cityHospitalBeds });
  const province = add({ id: 'OPROV', kind: 'out_of_county_province', careLevel: 'out_of_county', grade: 'tertiary', townshipId: '', placeId: '', communityId: '', inCounty: false, nameZh: '演示省立医院', nameEn: 'Demo Provincial Hospital', beds: m.institutions.provincialHospitalBeds });

  const townshipPop = new Float64Array(nTownships);
  const totalWeight = weights.reduce((a, w) => a + w, 0);
  weights.forEach((w, v) => {
    const t = villageTownshipList[v]!;
    townshipPop[t] = (townshipPop[t] ?? 0) + (w / totalWeight) * population;
  });
  const townshipCentre = new Int32Array(nTownships);
  for (let t = 0; t < nTownships; t++) {
    const tw = townships[t]!;
    townshipCentre[t] = add({
      id: `THC${pad(t + 1)}`,
      kind: 'township_centre',
      careLevel: 'township',
      grade: 'primary',
      townshipId: tw.id,
      placeId: tw.id,
      communityId: 'CGH',
      inCounty: true,
      nameZh: `${tw.nameZh}卫生院`,
      nameEn: `${tw.nameEn} Health Centre`,
      beds: Math.max(10, Math.round(((townshipPop[t] ?? 0) / 1000) * b.township)),
    });
  }
  const villageClinic = new Int32Array(villages.length);
  villages.forEach((v, i) => {
    villageClinic[i] = add({
      id: `VC${v.id.slice(1).replace('V', '')}`,
      kind: 'village_clinic',
      careLevel: 'village',
      grade: 'primary',
      townshipId: townships[v.townshipIndex]!.id,
      placeId: v.id,
      communityId: 'CGH',
      inCounty: true,
      nameZh: `${v.nameZh}卫生室`,
      nameEn: `${v.nameEn} Clinic`,
      beds: 0,
    });
  });

  const staff = buildStaff(m, rng, inst);
  return {
    jurisdiction,
    nameZh,
    townships,
    villages,
    villageTownship: Uint16Array.from(villageTownshipList),
    villageWeight: Float64Array.from(weights),
    institutions: inst,
    countyGeneral,
    countyTcm,
    countyMch,
    city,
    province,
    townshipCentre,
    villageClinic,
    staff,
  };
}

function buildStaff(m: YearModel, rng: Random, inst: Institution[]): StaffMember[] {
  const out: StaffMember[] = [];
  const year = m.year;
  const person = (institutionId: string, role: StaffMember['role'], title: StaffMember['title'], femaleShare: number, minAge: number, maxAge: number) => {
    out.push({
      id: `S${String(out.length + 1).padStart(6, '0')}`,
      institutionId,
      role,
      title,
      sex: rng.next() < femaleShare ? 'F' : 'M',
      birthYear: year - rng.intBetween(minAge, maxAge),
    });
  };
  const doctorTitle = (r: StaffRatios): StaffMember['title'] => {
    const u = rng.next();
    const t = r.titleShare;
    if (u < t.chief) return 'chief_physician';
    if (u < t.chief + t.associate_chief) return 'associate_chief_physician';
    if (u < t.chief + t.associate_chief + t.attending) return 'attending_physician';
    return 'resident_physician';
  };
  for (const i of inst) {
    if (!i.inCounty) continue;
    if (i.kind === 'village_clinic') {
      const n = Math.max(1, stochasticRound(rng, m.staff.villageDoctorsPerClinic));
      for (let k = 0; k < n; k++) person(i.id, 'village_doctor', 'none', 0.25, 30, 68);
      continue;
    }
    const r = i.kind === 'township_centre' ? m.staff.township : m.staff.county;
    const n = (x: number) => Math.max(1, stochasticRound(rng, i.beds * x));
    for (let k = n(r.doctorsPerBed); k > 0; k--) {
      const title = doctorTitle(r);
      const [lo, hi] = title === 'chief_physician' ? [45, 60] : title === 'associate_chief_physician' ? [38, 58] : title === 'attending_physician' ? [30, 55] : [24, 40];
      person(i.id, 'doctor', title, 0.45, lo, hi);
    }
    for (let k = n(r.nursesPerBed); k > 0; k--) person(i.id, 'nurse', rng.next() < 0.3 ? 'senior_nurse' : 'nurse', 0.97, 22, 55);
    for (let k = n(r.pharmacistsPerBed); k > 0; k--) person(i.id, 'pharmacist', 'none', 0.6, 24, 58);
    for (let k = n(r.techniciansPerBed); k > 0; k--) person(i.id, 'technician', 'none', 0.5, 23, 58);
    for (let k = n(r.managersPerBed); k > 0; k--) person(i.id, 'manager', 'none', 0.5, 30, 58);
  }
  return out;
}
