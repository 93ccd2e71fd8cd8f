import type { ReactNode } from 'react';

/** A numeric column: its heading and how a row (or the total) shows its figure. */
export interface ReportColumn<Row> {
  heading: string;
  cell: (row: Row) => ReactNode;
  /** Written as `data-column`, for tests and styling. */
  name?: string;
}

type DataAttributes = Record<`data-${string}`, string>;

/**
 * The table under each report's chart: a header column naming the row, numeric columns, and the
 * report's total as the footer.
 */
export function ReportTable<Row>({
  testId,
  heading,
  columns,
  rows,
  total,
  rowKey,
  rowHeader,
  rowProps,
  totalProps,
}: {
  testId: string;
  /** Heading of the first column. */
  heading: string;
  columns: readonly ReportColumn<Row>[];
  rows: readonly Row[];
  total: Row | undefined;
  rowKey: (row: Row) => string;
  /** The row's first cell (a `th scope="row"`, or a `td` for nested rows). */
  rowHeader: (row: Row) => ReactNode;
  rowProps?: (row: Row) => DataAttributes & { className?: string };
  totalProps?: DataAttributes;
}) {
  const cells = (row: Row) =>
    columns.map((column) => (
      <td key={column.heading} className="num" data-column={column.name}>
        {column.cell(row)}
      </td>
    ));
  return (
    // Scrolls sideways on a phone: focusable, so a keyboard can scroll it too (WCAG 2.1.1).
    <div className="table-scroll" tabIndex={0} role="region" aria-label={`${heading} table`}>
      <table className="table report-table" data-testid={testId}>
        <thead>
          <tr>
            <th>{heading}</th>
            {columns.map((column) => (
              <th key={column.heading} className="num">
                {column.heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} {...rowProps?.(row)}>
              {rowHeader(row)}
              {cells(row)}
            </tr>
          ))}
        </tbody>
        {total && (
          <tfoot>
            <tr className="row--total" {...totalProps}>
              <th scope="row">Total</th>
              {cells(total)}
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}
