/** Labels of the care network's codes (states, groups, services, kinds), the code itself when unknown. */
import type { Figure, Unit } from '../../api';
import { MESSAGES, translate, type MessageKey } from '../../i18n';
import type { Translate } from '../../lang';

const isKey = (k: string): k is MessageKey => k in MESSAGES.zh;

/** `t(prefix.code)` when the table has it, else the code. */
export function coded(prefix: string, code: string, t: Translate): string {
  const key = `${prefix}.${code}`;
  return isKey(key) ? t(key) : code;
}

/** Both languages of a message (for figure labels, which carry both). */
export function bilingual(key: MessageKey): { zh: string; en: string } {
  return { zh: translate('zh', key), en: translate('en', key) };
}

/** A figure of a network answer: a share's value (null when it has no denominator), a count or money, with an optional trace key. */
export function figure(id: string, key: MessageKey, value: number | null | undefined, unit: Unit, trace?: string): Figure {
  return { id, label: bilingual(key), value: value ?? null, unit, ...(trace ? { trace } : {}) };
}
