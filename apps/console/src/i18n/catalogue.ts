/**
 * The console's one catalogue of words, French first and English second, and how a
 * message is formatted for a person: pure functions, the React provider is in `i18n.tsx`.
 */
import { fr, type MessageKey } from './fr';

export type Language = 'fr' | 'en';
export const LANGUAGES: readonly Language[] = ['fr', 'en'];
/**
 * French comes with the console's first file; English is fetched when someone chooses it
 * (a file of its own), so that the counter's first view does not carry a language it
 * rarely uses.
 */
const CATALOGUES: Partial<Record<Language, Record<MessageKey, string>>> = { fr };

export async function loadCatalogue(language: Language): Promise<void> {
  if (language === 'en' && !CATALOGUES.en) CATALOGUES.en = (await import('./en')).en;
}

export function hasCatalogue(language: Language): boolean {
  return CATALOGUES[language] !== undefined;
}
const LOCALES: Record<Language, string> = { fr: 'fr-FR', en: 'en-GB' };

export type Params = Record<string, string | number>;

export interface I18n {
  language: Language;
  setLanguage: (language: Language) => void;
  /** The message in the person's language, `{name}` replaced by its parameter. */
  t: (key: MessageKey, params?: Params) => string;
  /** Whether the catalogue has this key (names built from API values: states, gates). */
  has: (key: string) => key is MessageKey;
  number: (value: number, digits?: number) => string;
  /** A day, `2026-11-20`, as the person reads dates. */
  day: (value: string) => string;
  /** A moment as the person reads it, in Paris time (the cluster's). */
  moment: (value: string) => string;
}

/**
 * A message with its parameters: `{name}` replaced, and `singular|plural` chosen by the
 * `count` parameter as the language counts (in French, 0 and 1 are singular).
 */
export function format(message: string, params: Params = {}, locale = 'fr-FR'): string {
  if (message.includes('|') && typeof params['count'] === 'number') {
    const [one, other] = message.split('|');
    message =
      new Intl.PluralRules(locale).select(params['count']) === 'one' ? one! : (other ?? one!);
  }
  return message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function makeI18n(language: Language, setLanguage: (l: Language) => void): I18n {
  // Until its catalogue has arrived, a language reads in French.
  const catalogue = CATALOGUES[language] ?? fr;
  const locale = LOCALES[language];
  const numbers = new Map<number, Intl.NumberFormat>();
  const days = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const moments = new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Europe/Paris',
  });
  return {
    language,
    setLanguage,
    t: (key, params) => format(catalogue[key], params, locale),
    has: (key): key is MessageKey => Object.hasOwn(catalogue, key),
    number: (value, digits = 3) => {
      let formatter = numbers.get(digits);
      if (!formatter) {
        formatter = new Intl.NumberFormat(locale, { maximumFractionDigits: digits });
        numbers.set(digits, formatter);
      }
      return formatter.format(value);
    },
    day: (value) => days.format(new Date(`${value}T00:00:00Z`)),
    moment: (value) => moments.format(new Date(value)),
  };
}
