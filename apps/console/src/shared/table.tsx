import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';
import { csvFileName, csvText, type Cell } from './csv';
import { downloadText } from './download';
import { useDomId } from './form';

export interface Column<T> {
  label: string;
  /** The value as the CSV file has it: a number stays a number, a date its ISO text. */
  value: (row: T) => Cell;
  /** As the page shows it; the value, numbers written as the language does, when absent. */
  cell?: (row: T) => ReactNode;
  numeric?: boolean;
  /** False for what only the page has (a link, a button): left out of the file. */
  exported?: boolean;
}

/**
 * A table of the page with its CSV export: the file has the table's columns and rows,
 * from the same values, so what is downloaded is what is read. The caption names both.
 */
export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  exportName,
  empty,
  footer,
}: {
  caption: string;
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T, index: number) => string;
  /** The file's name (without the day and extension); the caption's when absent. */
  exportName?: string;
  /** Said instead of an empty table. */
  empty?: string;
  /** A last row (totals), exported with the rest. */
  footer?: readonly Cell[];
}) {
  const i18n = useI18n();
  const captionId = useDomId('table');
  const show = (column: Column<T>, row: T): ReactNode => {
    if (column.cell) return column.cell(row);
    const value = column.value(row);
    return typeof value === 'number' ? i18n.number(value) : value;
  };
  if (!rows.length && empty) return <p>{empty}</p>;

  function exportCsv() {
    const kept = columns.map((c) => c.exported !== false);
    const pick = <C,>(cells: readonly C[]) => cells.filter((_, i) => kept[i]);
    const body: Cell[][] = rows.map((row) => pick(columns).map((c) => c.value(row)));
    if (footer) body.push(pick(footer));
    downloadText(
      csvFileName(exportName ?? caption),
      csvText(
        pick(columns).map((c) => c.label),
        body,
      ),
      'text/csv;charset=utf-8',
    );
  }

  return (
    <div className="data-table">
      {/* A table wider than a phone scrolls; the keyboard can scroll it too. */}
      <div className="table-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
        <table>
          <caption id={captionId}>{caption}</caption>
          <thead>
            <tr>
              {columns.map((column) => (
                <th
                  key={column.label}
                  scope="col"
                  className={column.numeric ? 'number' : undefined}
                >
                  {column.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr key={rowKey(row, index)}>
                {columns.map((column) => (
                  <td key={column.label} className={column.numeric ? 'number' : undefined}>
                    {show(column, row)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          {footer ? (
            <tfoot>
              <tr>
                {footer.map((cell, index) => (
                  <td key={index} className={columns[index]?.numeric ? 'number' : undefined}>
                    {typeof cell === 'number' ? i18n.number(cell) : cell}
                  </td>
                ))}
              </tr>
            </tfoot>
          ) : null}
        </table>
      </div>
      <button type="button" className="button button--small no-print" onClick={exportCsv}>
        {i18n.t('table.export')}
        <span className="visually-hidden"> : {caption}</span>
      </button>
    </div>
  );
}
