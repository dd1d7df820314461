import { describe, expect, it } from '@jest/globals';
import { en } from './en';
import { format, makeI18n } from './catalogue';
import { fr } from './fr';

const placeholders = (message: string) =>
  [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('catalogue', () => {
  it('should say every French message in English with the same parameters and forms', () => {
    for (const [key, message] of Object.entries(fr)) {
      const english = en[key as keyof typeof fr];
      expect({ key, english: english.trim() !== '' }).toEqual({ key, english: true });
      expect({ key, parameters: placeholders(english) }).toEqual({
        key,
        parameters: placeholders(message),
      });
      expect({ key, plural: english.includes('|') }).toEqual({
        key,
        plural: message.includes('|'),
      });
    }
  });
});

describe('format', () => {
  it('should count as French does: zero and one are singular', () => {
    const message = '{count} bien|{count} biens';
    expect(format(message, { count: 0 }, 'fr-FR')).toBe('0 bien');
    expect(format(message, { count: 1 }, 'fr-FR')).toBe('1 bien');
    expect(format(message, { count: 2 }, 'fr-FR')).toBe('2 biens');
    expect(format('{count} good|{count} goods', { count: 0 }, 'en-GB')).toBe('0 goods');
  });

  it('should leave a parameter it was not given as written', () => {
    expect(format('Bien {n} : {kind}', { n: 2 })).toBe('Bien 2 : {kind}');
  });
});

describe('makeI18n', () => {
  it('should write numbers and days as the language does', () => {
    const fr = makeI18n('fr', () => undefined);
    expect(fr.number(12.5)).toBe('12,5');
    expect(fr.day('2026-03-01')).toBe('1 mars 2026');
    expect(makeI18n('en', () => undefined).number(12.5)).toBe('12.5');
  });
});
