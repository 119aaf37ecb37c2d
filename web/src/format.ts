/**
 * Unit-aware display of parameter values (STYLE.md §3: the unit of every number is shown). Money is
 * integer fen and is formatted from its decimal digits, so no float arithmetic touches it.
 */
import type { ParamValue, Unit } from './api';
import type { Translate } from './lang';
import type { Lang } from './i18n';

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

// ---------------------------------------------------------------------------------------------
// The dashboard's figures: large amounts in 万元 in Chinese, shares as percentages.

const wan = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const share = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const index = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const plain = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** Money for reading: in Chinese, amounts of ¥10,000 or more as "1,234.57 万元"; otherwise "¥1,234.56". */
export function formatMoney(fen: number, lang: Lang): string {
  if (lang === 'zh' && Number.isSafeInteger(fen) && Math.abs(fen) >= 1_000_000) return `${wan.format(fen / 1_000_000)} 万元`;
  return formatFen(fen);
}

/** A ratio (0–1) as a percentage: 0.3512 → "35.12%". */
export function formatShare(ratio: number): string {
  return `${share.format(ratio * 100)}%`;
}

/** An index or coefficient with two decimals: 1 → "1.00". */
export function formatIndex(n: number): string {
  return index.format(n);
}

/** A plain number with at most two decimals and thousands separators. */
export function formatPlain(n: number): string {
  return plain.format(n);
}

/** A figure's value in its unit; null (not computable) shows as a dash. */
export function formatFigure(value: number | null, unit: Unit, t: Translate, lang: Lang): Formatted {
  if (value === null) return { text: '—' };
  if (unit === 'fen') return { text: formatMoney(Math.round(value), lang) };
  if (unit === 'ratio') return { text: formatShare(value) };
  if (unit === 'coefficient') return { text: formatIndex(value) };
  const f = formatNumber(value, unit, t);
  return f.unit ? { text: formatPlain(value), unit: f.unit } : f;
}

/** The scale of money axes: 万元 in Chinese, thousands of yuan in English. */
export function moneyAxis(lang: Lang): { divisor: number; name: string } {
  return lang === 'zh' ? { divisor: 1_000_000, name: '万元' } : { divisor: 100_000, name: '¥ thousand' };
}
