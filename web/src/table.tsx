/**
 * The one table of the app: rows under column headings (a column has its heading, whether it holds
 * numbers — right-aligned — and its cell), or the empty state in words when there are no rows. A
 * module of its own (re-exported by dashboard.tsx) so that the trace drawer and the parameter views,
 * which the dashboard imports, can use it without an import cycle.
 */
import { Fragment, type ReactNode } from 'react';
import { formatPlain } from './format';
import { useLang } from './lang';

/** The empty state of a table or list: said in words, never a blank box. */
export function Empty() {
  const { t } = useLang();
  return (
    <p className="empty muted" data-testid="empty">
      {t('dash.noData')}
    </p>
  );
}

/** A count in a table cell with its unit after it (e.g. 1,234 人次). */
export function Count({ n, unit }: { n: number; unit: string }) {
  return (
    <>
      {formatPlain(n)}
      <span className="unit">{unit}</span>
    </>
  );
}

/** A column of a DataTable: its heading, whether it holds numbers (right-aligned), and its cell. */
export interface Column<R> {
  head: string;
  num?: boolean;
  cell: (row: R) => ReactNode;
  /** React key of the column when two headings are the same (default: the heading). */
  key?: string;
  /** More classes of a cell (e.g. `wrap` for long text, `up`/`down` for a change). */
  className?: (row: R) => string | undefined;
  /** The cell's hover text. */
  title?: (row: R) => string | undefined;
  /** `data-testid` of the column's cells. */
  testId?: string;
}

/** Attributes of a row: `data-*` values that tests and styles find it by. */
export type RowData = Record<`data-${string}`, string | undefined>;

const classes = (...names: Array<string | undefined | false>): string | undefined => names.filter(Boolean).join(' ') || undefined;

/**
 * A table of rows under column headings, or the empty state when there are none.
 * `className`: the table's look (`data-table` by default; `trace-table` in the trace drawer, `` for
 * a plain grid); `detail`: a row's unfolded content, drawn across the table under it when not null.
 */
export function DataTable<R>({
  rows,
  columns,
  rowKey,
  scroll = false,
  rowTestId,
  rowClass,
  rowData,
  detail,
  className = 'data-table',
  testId,
}: {
  rows: readonly R[];
  columns: ReadonlyArray<Column<R>>;
  /** A row's React key (its index helps where rows may repeat). */
  rowKey: (row: R, index: number) => string;
  scroll?: boolean;
  rowTestId?: string;
  rowClass?: (row: R) => string | undefined;
  rowData?: (row: R) => RowData;
  detail?: (row: R) => ReactNode;
  className?: string;
  testId?: string;
}) {
  if (rows.length === 0) return <Empty />;
  return (
    <div className={scroll ? 'table-wrap table-scroll' : 'table-wrap'}>
      <table className={classes('grid', className)} data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key ?? c.head} className={c.num ? 'num' : undefined}>
                {c.head}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => {
            const more = detail?.(r);
            return (
              <Fragment key={rowKey(r, i)}>
                <tr data-testid={rowTestId} className={rowClass?.(r)} {...rowData?.(r)}>
                  {columns.map((c) => (
                    <td key={c.key ?? c.head} className={classes(c.num && 'num', c.className?.(r))} title={c.title?.(r)} data-testid={c.testId}>
                      {c.cell(r)}
                    </td>
                  ))}
                </tr>
                {more !== undefined && more !== null && more !== false && (
                  <tr className="detail-row">
                    <td colSpan={columns.length}>{more}</td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
