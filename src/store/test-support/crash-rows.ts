/** The deterministic residents rows of the crash test (shared by the child loader and the test). */
export const CRASH_COLUMNS = ['id', 'county_id', 'township_id', 'village_id', 'sex', 'birth_date'] as const;

export function crashRow(id: number): [number, string, string, string, 'M' | 'F', string] {
  const month = String(1 + (id % 12)).padStart(2, '0');
  const day = String(1 + (id % 28)).padStart(2, '0');
  return [id, 'demo', `镇${id % 9}\t"乡"`, `村\\${id % 37}\n`, id % 3 ? 'M' : 'F', `${1930 + (id % 90)}-${month}-${day}`];
}

/** The line the checksum query renders for a row: fields joined by '|'. */
export function crashRowText(id: number): string {
  return crashRow(id).join('|');
}
