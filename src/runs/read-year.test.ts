import { describe, expect, test } from 'vitest';
import type { InstitutionInfo } from '../insurance/columns.js';
import { EncounterParser, sortByPerson } from './read-year.js';

const institutions: InstitutionInfo[] = [
  { id: 'CGH', careLevel: 'county', grade: 'secondary', inCounty: true, kind: 'county_general' },
  { id: 'THC01', careLevel: 'township', grade: 'primary', inCounty: true, kind: 'township_centre' },
];
const index = new Map(institutions.map((x, i) => [x.id, i]));
// id, person, institution, type, scheme, disease, dx, start, end, los, severity, referred, total, bed, exam, lab, surgery, class B, class C, fee fingerprint
const CSV = ['7,42,CGH,inpatient,employee,pneumonia,J18.900,20100,20105,5,1,1,500000,40000,30000,20000,0,100000,5000,123456', '3,42,THC01,outpatient,resident,"flu, common",J11.100,20090,20090,0,0,0,8000,0,0,2000,0,0,0,99', '5,9,THC01,outpatient,resident,hypertension,I10.x00,20095,20095,0,0,0,6000,0,0,0,0,1000,0,7'];

describe('reading encounters from the store', () => {
  test('the character scanner reads the same columns as the row splitter, a quoted field included', () => {
    const a = new EncounterParser(3, institutions, index);
    a.addText(CSV.join('\n') + '\n');
    const A = a.finish();
    expect([...A.id]).toEqual([7, 3, 5]);
    expect([...A.total]).toEqual([500_000, 8_000, 6_000]);
    expect([A.type[0], A.scheme[0], A.referred[0], A.los[0], A.classB[0], A.classC[0], A.feeHash![0]]).toEqual([2, 1, 1, 5, 100_000, 5_000, 123_456]);
    expect(A.diseases).toEqual(['pneumonia', 'flu, common', 'hypertension']);
    const b = new EncounterParser(3, institutions, index);
    b.add([CSV[0]!]);
    b.addText(CSV.slice(1).join('\n') + '\n');
    expect({ ...b.finish() }).toEqual({ ...A });
  });

  test('orders the columns by person, discharge day and id', () => {
    const p = new EncounterParser(3, institutions, index);
    p.addText(CSV.join('\n') + '\n');
    const S = sortByPerson(p.finish());
    expect([...S.id]).toEqual([5, 3, 7]);
    expect([...S.total]).toEqual([6_000, 8_000, 500_000]);
  });

  test('names the institution a row refers to that is not in the institutions table', () => {
    const p = new EncounterParser(1, institutions, index);
    expect(() => p.addText('1,2,NOWHERE,outpatient,resident,x,X,1,1,0,0,0,1,0,0,0,0,0,0,0\n')).toThrow('encounter 1: institution NOWHERE is not in the institutions table');
  });
});
