/** Labels of codes the API sends (care levels, …), with the code itself when it is not known. */
import type { Name } from './api';
import type { Lang, MessageKey } from './i18n';
import type { Translate } from './lang';

/** Care levels of encounters and service prices, and grades of institutions. */
const CARE_LEVELS = ['village', 'township', 'county', 'out_of_county', 'primary', 'secondary', 'tertiary'] as const;

export function careLevel(level: string, t: Translate): string {
  const known = CARE_LEVELS.find((l) => l === level);
  return known ? t(`careLevel.${known}` satisfies MessageKey) : level;
}

const UNITS = ['fen', 'ratio', 'coefficient', 'count', 'days', 'hours', 'months', 'years', 'points', 'per_1000', 'per_capita', 'km', 'utility', 'enum', 'flag'] as const;

/** A unit name the API sends, as one of the units the formatter knows, if it is one. */
export function knownUnit(unit: string): (typeof UNITS)[number] | undefined {
  return UNITS.find((u) => u === unit);
}

/** An indicator's direction: higher is better, lower is better, or neither. */
export function directionOf(direction: string | null): 'higher' | 'lower' | 'none' {
  const d = (direction ?? '').toLowerCase();
  if (d.startsWith('h') || d === 'up' || d === '>=' || d === 'max' || d === 'increase') return 'higher';
  if (d.startsWith('l') || d === 'down' || d === '<=' || d === 'min' || d === 'decrease') return 'lower';
  return 'none';
}

const CATEGORIES = ['bed', 'consultation', 'examination', 'general_diagnosis', 'laboratory', 'nursing', 'other', 'registration', 'surgery', 'treatment'] as const;

/** A service category's label, or the code when it is not known. */
export function serviceCategory(category: string, t: Translate): string {
  const known = CATEGORIES.find((c) => c === category);
  return known ? t(`category.${known}` satisfies MessageKey) : category;
}

/** A name in the interface language (the API sends both; a plain string is shown as it is). */
export function nameIn(name: Name | null | undefined, lang: Lang): string {
  if (name === null || name === undefined) return '—';
  return typeof name === 'string' ? name : name[lang];
}
