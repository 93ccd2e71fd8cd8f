import type { SortingState } from '@tanstack/react-table';

/** One page of a list as the API answers it (`{ items, total, limit, offset }`). */
export interface ListPage<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** How many pages `total` rows fill, `pageSize` to a page: at least one (an empty list has one). */
export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** The `offset` the API is asked for to get page `page` (counted from 1). */
export function offsetOf(page: number, pageSize: number): number {
  return (Math.max(1, Math.floor(page)) - 1) * pageSize;
}

/**
 * The page to show: `page`, or the last one when the list has shrunk under it (the last row of the
 * last page deleted), never below the first.
 */
export function clampPage(page: number, total: number, pageSize: number): number {
  return Math.min(Math.max(1, Math.floor(page)), pageCount(total, pageSize));
}

/** "21–40 of 95": the rows of this page among all that match; "0 of 0" for none. */
export function rangeText(page: Pick<ListPage<unknown>, 'offset' | 'total'> & { shown: number }) {
  if (page.shown === 0) return `0 of ${page.total}`;
  return `${page.offset + 1}–${page.offset + page.shown} of ${page.total}`;
}

/**
 * A page cut from a whole list the API answers at once (Keycloak's users of a tenant), in the shape
 * of the paged endpoints, so one table pages both.
 */
export function sliceToPage<T>(items: readonly T[], offset: number, limit: number): ListPage<T> {
  return { items: items.slice(offset, offset + limit), total: items.length, limit, offset };
}

/**
 * The API's `sort` for a table's sort state: the sorted column's id, after a `-` when descending,
 * if it is one of `allowed` (the values the endpoint takes); nothing when no column is sorted.
 */
export function apiSort<Sort extends string>(
  sorting: SortingState,
  allowed: readonly Sort[],
): Sort | undefined {
  const [first] = sorting;
  if (!first) return undefined;
  const wanted = `${first.desc ? '-' : ''}${first.id}`;
  return allowed.find((sort) => sort === wanted);
}

/** The table's sort state for an API `sort` (`name`, `-assignedAt`); none for none. */
export function sortingOf(sort: string | undefined): SortingState {
  if (!sort) return [];
  return sort.startsWith('-') ? [{ id: sort.slice(1), desc: true }] : [{ id: sort, desc: false }];
}

/**
 * A whole list sorted by a table's sort state, for lists the API answers at once and the console
 * pages itself (Keycloak's users): text by the user's language, case aside; true before false.
 */
export function sortRows<T>(
  rows: readonly T[],
  sorting: SortingState,
  value: (row: T, columnId: string) => string | number | boolean | null | undefined,
): T[] {
  const [first] = sorting;
  if (!first) return [...rows];
  const direction = first.desc ? -1 : 1;
  const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
  const rank = (cell: string | number | boolean | null | undefined) =>
    typeof cell === 'boolean' ? (cell ? '0' : '1') : String(cell ?? '');
  return [...rows].sort(
    (a, b) => direction * collator.compare(rank(value(a, first.id)), rank(value(b, first.id))),
  );
}
