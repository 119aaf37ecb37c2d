/**
 * The interface language: Chinese by default, English on request, remembered in localStorage and
 * reflected in <html lang> so that fonts and screen readers follow it.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { LANGS, translate, type Lang, type MessageKey } from './i18n';

const STORAGE_KEY = 'sanyi.lang';

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

interface LangState {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
}

const LangContext = createContext<LangState | null>(null);

function storedLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    return LANGS.find((l) => l === saved) ?? 'zh';
  } catch {
    return 'zh'; // storage disabled: use the default for this visit
  }
}

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(storedLang);

  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = translate(lang, 'app.name') + ' sanyi';
  }, [lang]);

  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // storage disabled: the choice lasts for this visit only
    }
  }, []);

  const value = useMemo<LangState>(
    () => ({ lang, setLang, t: (key, vars) => translate(lang, key, vars) }),
    [lang, setLang],
  );
  return <LangContext value={value}>{children}</LangContext>;
}

export function useLang(): LangState {
  const state = useContext(LangContext);
  if (!state) throw new Error('useLang() outside <LangProvider>');
  return state;
}
