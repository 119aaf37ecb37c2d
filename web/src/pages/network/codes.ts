/** Labels of the care network's codes (states, groups, services, kinds), the code itself when unknown. */
import type { Unit } from '../../api';
import type { ShownFigure } from '../../dashboard';
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
export function figure(id: string, key: MessageKey, value: number | null | undefined, unit: Unit, trace?: string): ShownFigure {
  return { id, label: bilingual(key), value: value ?? null, unit, ...(trace ? { trace } : {}) };
}

/** What the network's counts count, each named in both languages (`unit.<name>`). */
export type CountUnit = 'persons' | 'contracts' | 'referrals' | 'admissions' | 'patients' | 'services' | 'sessions' | 'requests' | 'doctors' | 'villages' | 'yearsOld';

/** A count of a network answer with the name of what it counts (人次, 份, 名 …), not a bare 个 / count. */
export function counted(id: string, key: MessageKey, value: number | null | undefined, what: CountUnit, trace?: string): ShownFigure {
  return { ...figure(id, key, value, 'count', trace), unitName: bilingual(`unit.${what}`) };
}
