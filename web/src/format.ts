/**
 * Unit-aware display of parameter values (STYLE.md §3: the unit of every number is shown). Money is
 * integer fen and is formatted from its decimal digits, so no float arithmetic touches it.
 */
import type { ParamValue, Unit } from './api';
import type { Translate } from './lang';

/** A value ready for display: `text` carries its unit symbol where one exists (¥, %, ‰, ×);
 * otherwise `unit` names the unit to show beside it. `code`: a machine value (an enum option). */
export interface Formatted {
  text: string;
  unit?: string;
  code?: boolean;
}

const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });
const percent = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });

/** The formatted value as one string, its unit name after it. */
export function asText(f: Formatted): string {
  return f.unit ? `${f.text} ${f.unit}` : f.text;
}

/** 123456 fen → "¥1,234.56". */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) return `${fen} fen`; // not money as the server stores it; show it raw
  const digits = String(Math.abs(fen)).padStart(3, '0');
  const yuan = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${fen < 0 ? '-' : ''}¥${yuan}.${digits.slice(-2)}`;
}

export function formatNumber(n: number, unit: Unit, t: Translate): Formatted {
  switch (unit) {
    case 'fen':
      return { text: formatFen(n) };
    case 'ratio':
      return { text: `${percent.format(n * 100)}%` };
    case 'per_1000':
      return { text: `${decimal.format(n)}‰` };
    case 'coefficient':
      return { text: `×${decimal.format(n)}` };
    case 'utility':
      return { text: decimal.format(n) };
    case 'per_capita':
    case 'km':
    case 'count':
    case 'days':
    case 'hours':
    case 'months':
    case 'years':
    case 'points':
    case 'enum':
    case 'flag':
      return { text: decimal.format(n), unit: t(`unit.${unit}`) };
  }
}

/** A scalar value in its unit; a scale is summarised by its number of brackets. */
export function formatValue(value: ParamValue, unit: Unit, t: Translate): Formatted {
  if (typeof value === 'number') return formatNumber(value, unit, t);
  if (typeof value === 'boolean') return { text: t(value ? 'flag.true' : 'flag.false') };
  if (typeof value === 'string') return { text: value, code: true };
  return { text: t('scale.brackets', { n: value.brackets.length }) };
}
