import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import { hasCatalogue, loadCatalogue, makeI18n, type I18n, type Language } from './catalogue';

export {
  LANGUAGES,
  format,
  loadCatalogue,
  makeI18n,
  type I18n,
  type Language,
  type Params,
} from './catalogue';

const STORED = 'boucle.language';

export function storedLanguage(): Language {
  try {
    const value = localStorage.getItem(STORED);
    return value === 'en' ? 'en' : 'fr';
  } catch {
    return 'fr';
  }
}

const I18nContext = createContext<I18n>(makeI18n('fr', () => undefined));

/** French first, English second; the choice is kept on the device. */
export function I18nProvider({ children }: { children: ReactNode }) {
  // The stored language's catalogue is fetched before the first render (main.tsx).
  const [language, setLanguageState] = useState<Language>(() =>
    hasCatalogue(storedLanguage()) ? storedLanguage() : 'fr',
  );
  const setLanguage = useCallback((next: Language) => {
    try {
      localStorage.setItem(STORED, next);
    } catch {
      // A private window may refuse storage: the choice lasts for this page.
    }
    // Shown once its words are here; without network (and not kept on the device), the
    // page stays in the language it is in.
    if (hasCatalogue(next)) setLanguageState(next);
    else
      loadCatalogue(next).then(
        () => setLanguageState(next),
        () => undefined,
      );
  }, []);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const value = useMemo(() => makeI18n(language, setLanguage), [language, setLanguage]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
