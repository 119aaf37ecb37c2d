import { describe, expect, test } from 'vitest';
import { loadCatalogue } from '../simulation/catalogue.js';
import { NetworkInputError } from './common.js';
import { diseasesOfSpecialties, loadOutreachSpecialties, parseOutreachSpecialties, type SpecialtyDisease } from './outreach-specialties.js';

const DISEASES: SpecialtyDisease[] = [
  { id: 'heart_failure', inpatient: { dept: '心血管内科' } },
  { id: 'unstable_angina', inpatient: { dept: '心血管内科' } },
  { id: 'hip_fracture', inpatient: { dept: '骨科' } },
  { id: 'lumbar_disc', inpatient: { dept: '中医科' } },
  { id: 'uri' },
];

const HEAD = `label: { zh: 对照, en: Table }
reference: { basis: default, reason: a test table }
specialties:
`;

const parse = (body: string) => parseOutreachSpecialties(HEAD + body, DISEASES, 'spec.yaml');
const problemsOf = (body: string): string => {
  try {
    parse(body);
  } catch (e) {
    expect(e).toBeInstanceOf(NetworkInputError);
    return (e as Error).message;
  }
  throw new Error('expected the table to be refused');
};

describe('the outreach specialty table', () => {
  test("A specialty's diseases are those of its departments and those it lists, sorted", () => {
    const t = parse(`  - { id: cardiology, name: { zh: 心血管内科, en: Cardiology }, departments: [心血管内科] }
  - { id: orthopaedics, name: { zh: 骨科, en: Orthopaedics }, departments: [骨科], diseases: [lumbar_disc] }
`);
    expect(t.specialties.map((s) => [s.id, s.diseaseIds])).toEqual([
      ['cardiology', ['heart_failure', 'unstable_angina']],
      ['orthopaedics', ['hip_fracture', 'lumbar_disc']],
    ]);
    expect(diseasesOfSpecialties(t, ['orthopaedics', 'cardiology', 'cardiology'])).toEqual(['heart_failure', 'hip_fracture', 'lumbar_disc', 'unstable_angina']);
    expect(diseasesOfSpecialties(t, [])).toEqual([]);
  });

  test('A table with mistakes is refused with every problem, each naming the file, entry and field', () => {
    const msg = problemsOf(`  - { id: cardiology, name: { zh: 心内, en: Cardiology }, departments: [心内科], colour: red }
  - { id: cardiology, name: { zh: 心内, en: Cardiology }, diseases: [heart_faliure, uri, heart_failure, heart_failure] }
  - { id: neurology, name: { zh: 神经内科, en: Neurology } }
  - { id: Ortho, name: { zh: 骨科 } }
`);
    expect(msg).toContain('spec.yaml: entry 1 (cardiology) field colour: unknown field');
    expect(msg).toContain('spec.yaml: entry 2 (cardiology) field id: specialty cardiology repeated: also entry 1');
    expect(msg).toContain('spec.yaml: entry 2 (cardiology) field diseases.0: unknown disease heart_faliure (not in catalogue/diseases.yaml)');
    expect(msg).toContain('spec.yaml: entry 2 (cardiology) field diseases.1: disease uri has no inpatient care');
    expect(msg).toContain('spec.yaml: entry 2 (cardiology) field diseases.3: disease heart_failure listed twice');
    expect(msg).toContain('spec.yaml: entry 3 (neurology) field departments: a specialty needs departments, diseases or both');
    expect(msg).toContain('spec.yaml: entry 4 (Ortho) field id: a specialty id is lower case');
    expect(msg).toContain('spec.yaml: entry 4 (Ortho) field name.en: required field missing');
  });

  test('An unknown department is refused with the departments the catalogue has', () => {
    expect(problemsOf(`  - { id: cardiology, name: { zh: 心内, en: Cardiology }, departments: [心内科] }\n`)).toContain(
      'spec.yaml: entry 1 (cardiology) field departments.0: unknown department 心内科: no inpatient disease of catalogue/diseases.yaml has it (departments: 中医科, 心血管内科, 骨科)',
    );
  });

  test('A «default» table must say why', () => {
    expect(() => parseOutreachSpecialties(`label: { zh: 对照, en: Table }\nreference: { basis: default }\nspecialties:\n  - { id: c, name: { zh: 心, en: C }, departments: [骨科] }\n`, DISEASES, 'spec.yaml')).toThrow(
      'spec.yaml: (file) field reference.reason: a «default» reference must give its reason',
    );
  });

  test('A session specialty the table does not map is refused, naming it and the file to add it to', () => {
    const t = parse(`  - { id: cardiology, name: { zh: 心血管内科, en: Cardiology }, departments: [心血管内科] }\n`);
    expect(() => diseasesOfSpecialties(t, ['cardiology', 'dermatology'])).toThrow('spec.yaml: no entry for outreach specialty dermatology (mapped: cardiology); add it with departments or diseases');
  });

  test('The shipped table maps the demo schedules: cardiology to the 心血管内科 diseases, orthopaedics to 骨科 and lumbar disc herniation', async () => {
    const catalogue = await loadCatalogue();
    const t = await loadOutreachSpecialties(catalogue.diseases);
    expect(t.reference.basis).toBe('default');
    const of = (id: string) => t.specialties.find((s) => s.id === id)?.diseaseIds;
    expect(of('cardiology')).toEqual(catalogue.diseases.filter((d) => d.inpatient?.dept === '心血管内科').map((d) => d.id).sort());
    expect(of('cardiology')).toContain('heart_failure');
    expect(of('orthopaedics')).toEqual([...catalogue.diseases.filter((d) => d.inpatient?.dept === '骨科').map((d) => d.id), 'lumbar_disc'].sort());
  });
});
