import type { QueryFunctionContext, QueryKey } from '@tanstack/react-query';
import type { ListPage } from './paging';

/** The most rows the API answers in one page (the `?limit=` maximum of every list endpoint). */
export const API_PAGE_MAX = 200;

interface PageWindow {
  limit?: number;
  offset?: number;
}

/** A generated list function (`sitesList`, `queueList`, …). */
type ListRead<Params, Item> = (
  params: Params & PageWindow,
  options?: RequestInit,
) => Promise<{ items: Item[]; total?: number }>;

/**
 * Every row of a list endpoint, read `API_PAGE_MAX` at a time until its `total`, as one page of
 * them all: a list the console needs whole (the board's units for the map, the sites a work order
 * may be for) has no ceiling at the API's page size.
 */
export async function readWholeList<Params extends object, Item>(
  read: ListRead<Params, Item>,
  params: Params,
  signal?: AbortSignal,
): Promise<ListPage<Item>> {
  const items: Item[] = [];
  for (;;) {
    const page = await read(
      { ...params, limit: API_PAGE_MAX, offset: items.length },
      signal ? { signal } : undefined,
    );
    items.push(...page.items);
    const total = page.total ?? items.length;
    // A list that shrank while it was read ends at its last page.
    if (items.length >= total || page.items.length < API_PAGE_MAX)
      return { items, total: items.length, limit: items.length, offset: 0 };
  }
}

/** The key a whole list is cached under: the list's own key with `whole` after it. */
export function wholeListKey<Params extends object>(
  keyOf: (params?: Params) => QueryKey,
  params: Params,
): QueryKey {
  return [...keyOf(params), 'whole'];
}

/**
 * The options that make a generated list hook read its whole list:
 * `useSitesList(params, wholeList(sitesList, getSitesListQueryKey, params))`. The query keeps the
 * list's key (with `whole` after it), so the live updates patch it like any page of that list.
 */
export function wholeList<Params extends object, Item>(
  read: ListRead<Params, Item>,
  keyOf: (params?: Params) => QueryKey,
  params: Params,
) {
  return {
    query: {
      queryKey: wholeListKey(keyOf, params),
      queryFn: ({ signal }: QueryFunctionContext) => readWholeList(read, params, signal),
    },
  };
}
