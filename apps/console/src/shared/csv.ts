/**
 * Tables as CSV files that a French spreadsheet opens as they are (RFC 4180): fields
 * separated by `;`, records ended by CRLF, a field quoted when it holds the separator, a
 * quote or a line break (its quotes doubled), the file in UTF-8 with a byte-order mark.
 *
 * Why `;` and a decimal comma: Excel in French takes its list separator from the system's
 * regional settings, where the comma is the decimal mark and `;` separates fields; a file
 * with `,` opens in one column there, and `12.5` is read as text or a date. The byte-order
 * mark is how Excel knows the file is UTF-8 (without it, « é » arrives as « Ã© »); a
 * `sep=;` first line would also name the separator, but Excel then ignores the mark, so
 * it is not written. LibreOffice and Google Sheets read such a file as well.
 */
/** Yes/no and dates are given as the words and text the page shows them in. */
export type Cell = string | number | null | undefined;

export const CSV_SEPARATOR = ';';
const BOM = '\uFEFF';
const CRLF = '\r\n';
/** A field holding one of these is quoted. */
const QUOTED = new RegExp(`[${CSV_SEPARATOR}"\r\n]`);

/**
 * Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or a carriage
 * return first): kept as text with a leading apostrophe, as OWASP advises, since member
 * names and references are typed by people. Numbers are written as numbers.
 */
const FORMULA = /^[=+\-@\t\r]/;

const decimal = new Intl.NumberFormat('fr-FR', {
  useGrouping: false,
  maximumFractionDigits: 6,
});

export function csvField(cell: Cell): string {
  let text: string;
  if (cell === null || cell === undefined) text = '';
  else if (typeof cell === 'number')
    // Intl writes a minus sign (U+2212) in French; a spreadsheet reads only the hyphen.
    text = Number.isFinite(cell) ? decimal.format(cell).replace('\u2212', '-') : '';
  else text = FORMULA.test(cell) ? `'${cell}` : cell;
  return QUOTED.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The whole file: a header line, then one line per row, each ended by CRLF. */
export function csvText(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const lines = [header, ...rows].map((row) => row.map(csvField).join(CSV_SEPARATOR));
  return `${BOM}${lines.map((line) => `${line}${CRLF}`).join('')}`;
}

/** A file name from what the table is, the day it was made: `bilan-entrees-2026-12-01.csv`. */
export function csvFileName(name: string, today = new Date()): string {
  const slug = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${slug || 'export'}-${today.toISOString().slice(0, 10)}.csv`;
}
