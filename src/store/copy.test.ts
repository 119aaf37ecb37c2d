import { describe, expect, it } from 'vitest';
import { copyTarget, encodeCopyRow, encodeCopyValue, quoteIdent } from './copy.js';
import { residents } from './schema.js';

describe('COPY text encoding', () => {
  it('escapes backslash, tab, newline and carriage return, and writes null as \\N', () => {
    expect(encodeCopyValue('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(encodeCopyValue(null)).toBe('\\N');
    expect(encodeCopyValue(undefined)).toBe('\\N');
    expect(encodeCopyValue('\\N')).toBe('\\\\N');
    expect(encodeCopyValue('演示县 "quoted" \'single\'')).toBe('演示县 "quoted" \'single\'');
  });

  it('writes booleans, numbers, bigints, dates, bytes and JSON', () => {
    expect(encodeCopyValue(true)).toBe('t');
    expect(encodeCopyValue(false)).toBe('f');
    expect(encodeCopyValue(-1.5)).toBe('-1.5');
    expect(encodeCopyValue(12345678901234567890n)).toBe('12345678901234567890');
    expect(encodeCopyValue(new Date('2024-02-29T16:00:00Z'))).toBe('2024-02-29T16:00:00.000Z');
    expect(encodeCopyValue(new Uint8Array([0, 255]))).toBe('\\\\x00ff');
    expect(encodeCopyValue({ a: 'x\ty', b: [1, null] })).toBe('{"a":"x\\\\ty","b":[1,null]}');
  });

  it('refuses values PostgreSQL cannot take', () => {
    expect(() => encodeCopyValue('a\0b')).toThrow(/NUL/);
    expect(() => encodeCopyValue(new Date('nope'))).toThrow(/invalid Date/);
    expect(() => encodeCopyValue(() => 1)).toThrow(/function/);
    expect(() => encodeCopyValue(Symbol('s'))).toThrow(/symbol/);
  });

  it('joins a row with tabs, ends it with a newline, and names the column of a bad value', () => {
    expect(encodeCopyRow([1, 'a', null], ['id', 'name', 'note'])).toBe('1\ta\t\\N\n');
    expect(() => encodeCopyRow([1, 'a'], ['id', 'name', 'note'])).toThrow(/has 2 values for 3 columns/);
    expect(() => encodeCopyRow([1, new Date(NaN)], ['id', 'at'])).toThrow(/column at: invalid Date/);
  });
});

describe('COPY targets', () => {
  it('quotes valid identifiers and refuses anything else', () => {
    expect(quoteIdent('residents', 'table')).toBe('"residents"');
    expect(() => quoteIdent('residents; drop table x', 'table')).toThrow(/invalid table name/);
    expect(() => quoteIdent('"x"', 'column')).toThrow(/invalid column name/);
    expect(() => quoteIdent('1abc', 'column')).toThrow();
  });

  it('accepts a table name, a schema-qualified name or a Drizzle table', () => {
    expect(copyTarget('residents', ['id', 'sex']).tableSql).toBe('"residents"');
    expect(copyTarget('drizzle.x', ['id']).tableSql).toBe('"drizzle"."x"');
    expect(copyTarget(residents, ['id', 'sex'])).toMatchObject({ label: 'residents', tableSql: '"residents"', columnsSql: '"id", "sex"' });
    expect(() => copyTarget('a.b.c', ['id'])).toThrow(/schema.table/);
    expect(() => copyTarget('residents', [])).toThrow(/at least one column/);
    expect(() => copyTarget('residents', ['id', 'id'])).toThrow(/listed twice/);
  });
});
