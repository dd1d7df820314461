import { describe, expect, it } from '@jest/globals';
import { csvField, csvFileName, csvText } from './csv';

describe('csvText', () => {
  it('should write a UTF-8 file with its byte-order mark, `;` between fields and CRLF after each record', () => {
    const text = csvText(
      ['Membre', 'Tonnes'],
      [
        ['Ressourcerie du Val', 1.25],
        ['Écurie des Hortillons', 0],
      ],
    );
    expect(text).toBe(
      '\uFEFFMembre;Tonnes\r\nRessourcerie du Val;1,25\r\nÉcurie des Hortillons;0\r\n',
    );
  });

  it('should quote a field holding the separator, a quote or a line break, its quotes doubled (RFC 4180)', () => {
    expect(csvField('Dupont; fils')).toBe('"Dupont; fils"');
    expect(csvField('le « grand » "lot"')).toBe('"le « grand » ""lot"""');
    expect(csvField('ligne 1\nligne 2')).toBe('"ligne 1\nligne 2"');
    expect(csvField('a,b')).toBe('a,b');
  });

  it('should write numbers with a decimal comma, no grouping and a plain minus', () => {
    expect(csvField(1234567.5)).toBe('1234567,5');
    expect(csvField(-2.125)).toBe('-2,125');
    expect(csvField(Number.NaN)).toBe('');
  });

  it('should keep text a spreadsheet would run as a formula as text', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField('+33 6')).toBe("'+33 6");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(null)).toBe('');
  });
});

describe('csvFileName', () => {
  it('should name the file after the table and the day, without accents or spaces', () => {
    expect(csvFileName('Entrées par flux', new Date('2026-12-01T10:00:00Z'))).toBe(
      'entrees-par-flux-2026-12-01.csv',
    );
  });
});
