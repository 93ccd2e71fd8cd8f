import './data-table.css';
import { Alert, Group, Pagination, Table, Text, TextInput, UnstyledButton } from '@mantine/core';
import {
  type ColumnDef,
  createColumnHelper,
  rowSortingFeature,
  type RowData,
  type SortingState,
  tableFeatures,
  useTable,
} from '@tanstack/react-table';
import { type ReactNode, useState } from 'react';
import { apiSort, type ListPage, offsetOf, pageCount, rangeText, sortingOf } from './paging';
import { useDebouncedValue } from './useDebouncedValue';

/**
 * What the console's tables use of TanStack Table: the sort state of its column headers. Sorting,
 * paging, searching and filtering are the API's (the list endpoints take `sort`, `limit`, `offset`,
 * `q` and filters), so the table is handed one page of the list already in order.
 */
const features = tableFeatures({ rowSortingFeature });
export type DataTableFeatures = typeof features;

/** The column helper of a table of `TData` rows (`columns.accessor(...)`, `columns.display(...)`). */
export function tableColumns<TData extends RowData>() {
  return createColumnHelper<DataTableFeatures, TData>();
}

export const DEFAULT_PAGE_SIZE = 25;

export interface ListPagingOptions<Sort extends string> {
  pageSize?: number;
  /**
   * The `sort` values the endpoint takes (the generated client's `…ListSort`): a column whose id is
   * one of them sorts the whole list through the API. Without them the caller sorts (`sorting`).
   */
  sorts?: Readonly<Record<string, Sort>>;
  /** The order the endpoint answers in when asked for none, marked on its column's header. */
  initialSort?: NoInfer<Sort>;
}

/**
 * The paging, sorting and search of a list read through the API: the page shown, the column sorted
 * by, the search box's text and the search the API is asked for (once typing pauses). A new sort,
 * search or filter starts again at the first page; `filters` are whatever else the query holds
 * (pass them in a stable order).
 */
export function useListPaging<Sort extends string = never>(
  { pageSize = DEFAULT_PAGE_SIZE, sorts, initialSort }: ListPagingOptions<Sort> = {},
  ...filters: unknown[]
) {
  const [search, setSearch] = useState('');
  const [sorting, setSorting] = useState<SortingState>(() => sortingOf(initialSort));
  const q = useDebouncedValue(search.trim());
  const sort = sorts ? apiSort(sorting, Object.values(sorts)) : undefined;
  const key = JSON.stringify([q, sorting, ...filters]);
  const [shown, setShown] = useState({ key, page: 1 });
  const page = shown.key === key ? shown.page : 1;
  return {
    page,
    setPage: (next: number) => setShown({ key, page: next }),
    search,
    setSearch,
    sorting,
    setSorting,
    /** What the API is asked for: the window of the page, the order and the search if any. */
    query: {
      limit: pageSize,
      offset: offsetOf(page, pageSize),
      ...(q ? { q } : {}),
      ...(sort ? { sort } : {}),
    },
  };
}
export interface ListPaging {
  page: number;
  setPage: (page: number) => void;
  search: string;
  setSearch: (search: string) => void;
  sorting: SortingState;
  setSorting: (updater: SortingState | ((old: SortingState) => SortingState)) => void;
  query: { limit: number; offset: number; q?: string };
}

export interface DataTableProps<TData extends RowData> {
  /** The table's accessible name (its caption's first words, too). */
  label: string;
  columns: ColumnDef<DataTableFeatures, TData>[];
  /** The page the API answered (undefined while the first one loads). */
  data: ListPage<TData> | undefined;
  paging: ListPaging;
  rowId: (row: TData) => string;
  /** Whether a search box is offered (the endpoint takes `q`); its placeholder says what it matches. */
  searchPlaceholder?: string;
  /** Filters over the list (Mantine Selects), set on `paging`'s query by the caller. */
  filters?: ReactNode;
  /** Buttons beside the search (e.g. "Add site"). */
  actions?: ReactNode;
  /** What an empty list says (a search that matches nothing says so by itself). */
  empty: ReactNode;
  error?: ReactNode;
  loading?: boolean;
  testId?: string;
  /** Attributes a row carries (e.g. `data-username`) for whoever needs to find it. */
  rowAttributes?: (row: TData) => Record<`data-${string}`, string>;
}

/**
 * One table for the console's lists: a search box and filters asked of the API, column headers
 * that sort the whole list (columns with `enableSorting`, whose id the endpoint sorts by), paging
 * through the API with "x–y of N", and an empty state.
 */
export function DataTable<TData extends RowData>({
  label,
  columns,
  data,
  paging,
  rowId,
  searchPlaceholder,
  filters,
  actions,
  empty,
  error,
  loading = false,
  testId,
  rowAttributes,
}: DataTableProps<TData>) {
  // The page last answered stays while the next one loads (no flash of "Loading…" between pages).
  const [kept, setKept] = useState(data);
  if (data !== undefined && data !== kept) setKept(data);
  const page = data ?? kept;
  const table = useTable({
    features,
    columns,
    data: page?.items ?? NO_ROWS,
    getRowId: (row: TData) => rowId(row),
    state: { sorting: paging.sorting },
    onSortingChange: paging.setSorting,
    // The rows come sorted: the API ordered the whole list before cutting this page from it.
    manualSorting: true,
    // A sorted list stays sorted: a header's clicks turn its order round.
    enableSortingRemoval: false,
    enableMultiSort: false,
  });
  const pages = page ? pageCount(page.total, page.limit) : 1;
  const rows = table.getRowModel().rows;
  const columnCount = table.getAllLeafColumns().length;

  return (
    <div className="data-table">
      {(searchPlaceholder !== undefined || filters || actions) && (
        <Group className="data-table__toolbar" gap="sm" align="flex-end" wrap="wrap">
          {searchPlaceholder !== undefined && (
            <TextInput
              className="data-table__search"
              type="search"
              label="Search"
              placeholder={searchPlaceholder}
              value={paging.search}
              onChange={(event) => paging.setSearch(event.currentTarget.value)}
            />
          )}
          {filters}
          {actions && <Group className="data-table__actions">{actions}</Group>}
        </Group>
      )}
      {error ? (
        <Alert color="red" role="alert" mt="sm">
          {error}
        </Alert>
      ) : null}
      <Table.ScrollContainer minWidth={0} className="data-table__scroll">
        <Table
          aria-label={label}
          data-testid={testId}
          aria-busy={loading}
          striped
          highlightOnHover
          verticalSpacing="xs"
        >
          <Table.Thead>
            {table.getHeaderGroups().map((group) => (
              <Table.Tr key={group.id}>
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  return (
                    <Table.Th
                      key={header.id}
                      aria-sort={
                        sorted === 'asc'
                          ? 'ascending'
                          : sorted === 'desc'
                            ? 'descending'
                            : undefined
                      }
                    >
                      {header.isPlaceholder ? null : header.column.getCanSort() ? (
                        <UnstyledButton
                          className="data-table__sort"
                          // The header's own font (Mantine's button font is the body's).
                          style={{ font: 'inherit' }}
                          onClick={header.column.getToggleSortingHandler()}
                        >
                          <table.FlexRender header={header} />
                          <span aria-hidden="true" className="data-table__sort-mark">
                            {sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ' ↕'}
                          </span>
                        </UnstyledButton>
                      ) : (
                        <table.FlexRender header={header} />
                      )}
                    </Table.Th>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.id} {...rowAttributes?.(row.original)}>
                {row.getAllCells().map((cell) => (
                  <Table.Td key={cell.id}>
                    <table.FlexRender cell={cell} />
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
            {rows.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={columnCount} className="muted" data-testid="table-empty">
                  {!page
                    ? 'Loading…'
                    : paging.query.q
                      ? `Nothing matches “${paging.query.q}”.`
                      : empty}
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group className="data-table__footer" justify="space-between" gap="sm" wrap="wrap">
        <Text size="sm" c="dimmed" data-testid="table-range">
          {page
            ? rangeText({ offset: page.offset, shown: page.items.length, total: page.total })
            : ''}
        </Text>
        {pages > 1 && (
          <Pagination
            size="sm"
            total={pages}
            value={paging.page}
            onChange={paging.setPage}
            aria-label={`Pages of ${label}`}
            getItemProps={(page) => ({ 'aria-label': `Page ${page}` })}
            getControlProps={(control) => ({
              'aria-label': CONTROL_LABEL[control],
            })}
          />
        )}
      </Group>
    </div>
  );
}

const CONTROL_LABEL = {
  first: 'First page',
  previous: 'Previous page',
  next: 'Next page',
  last: 'Last page',
} as const;

/** The same empty array every render (a new one would make the table recompute its rows). */
const NO_ROWS: never[] = [];
