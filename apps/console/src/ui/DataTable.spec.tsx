// @vitest-environment jsdom
import { MantineProvider } from '@mantine/core';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DataTable, tableColumns, useListPaging } from './DataTable';
import type { ListPage } from './paging';

afterEach(cleanup);

interface Crane {
  id: string;
  code: string;
}

const columns = tableColumns<Crane>();
const CRANE_COLUMNS = columns.columns([
  columns.accessor('code', { header: 'Code', enableSorting: true }),
]);

/** A table over a list of `total` cranes whose page the "API" (`pageOf`) answers. */
function Cranes({ pageOf, onQuery }: { pageOf: Api; onQuery: (query: CraneQuery) => void }) {
  const paging = useListPaging({ pageSize: 2, sorts: CRANE_SORTS });
  onQuery(paging.query);
  return (
    <DataTable
      label="Cranes"
      columns={CRANE_COLUMNS}
      data={pageOf(paging.query)}
      paging={paging}
      rowId={(crane) => crane.id}
      searchPlaceholder="Code"
      empty="No crane yet."
    />
  );
}

const CRANE_SORTS = { code: 'code', '-code': '-code' } as const;
interface CraneQuery {
  limit: number;
  offset: number;
  q?: string;
  sort?: 'code' | '-code';
}

const CRANES: Crane[] = ['CR-3', 'CR-1', 'CR-5', 'CR-2', 'CR-4'].map((code) => ({
  id: code,
  code,
}));

function serve(query: CraneQuery): ListPage<Crane> {
  const found = CRANES.filter((crane) => !query.q || crane.code.includes(query.q));
  if (query.sort) found.sort((a, b) => a.code.localeCompare(b.code));
  if (query.sort === '-code') found.reverse();
  return {
    ...query,
    items: found.slice(query.offset, query.offset + query.limit),
    total: found.length,
  };
}

type Api = (query: CraneQuery) => ListPage<Crane> | undefined;

function renderCranes(pageOf: Api = serve) {
  const onQuery = vi.fn();
  render(
    <MantineProvider env="test">
      <Cranes pageOf={pageOf} onQuery={onQuery} />
    </MantineProvider>,
  );
  return { table: screen.getByRole('table', { name: 'Cranes' }), onQuery };
}

const codes = (table: HTMLElement) =>
  within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) => row.textContent);

describe('the shared table', () => {
  it('shows one page the API answered, with which rows among how many', () => {
    const { table } = renderCranes();
    expect(codes(table)).toEqual(['CR-3', 'CR-1']);
    expect(screen.getByText('1–2 of 5')).toBeTruthy();
  });

  it('asks the API for the next page by its offset', () => {
    const { table, onQuery } = renderCranes();
    fireEvent.click(screen.getByRole('button', { name: 'Page 3' }));
    expect(onQuery).toHaveBeenLastCalledWith({ limit: 2, offset: 4 });
    expect(codes(table)).toEqual(['CR-4']);
    expect(screen.getByText('5–5 of 5')).toBeTruthy();
  });

  it('keeps the page shown while the next one loads, instead of a flash of "Loading…"', () => {
    const { table } = renderCranes((query) => (query.offset === 0 ? serve(query) : undefined));
    fireEvent.click(screen.getByRole('button', { name: 'Page 2' }));
    expect(codes(table)).toEqual(['CR-3', 'CR-1']);
    expect(within(table).queryByText('Loading…')).toBe(null);
  });

  it('sorts the whole list through the API from the first page, then turns the order round', () => {
    const { table, onQuery } = renderCranes();
    fireEvent.click(screen.getByRole('button', { name: 'Page 2' }));
    const header = () => within(table).getByRole('columnheader', { name: /Code/ });
    fireEvent.click(within(table).getByRole('button', { name: /Code/ }));
    expect(onQuery).toHaveBeenLastCalledWith({ limit: 2, offset: 0, sort: 'code' });
    expect(codes(table)).toEqual(['CR-1', 'CR-2']);
    expect(header().getAttribute('aria-sort')).toBe('ascending');

    fireEvent.click(within(table).getByRole('button', { name: /Code/ }));
    expect(onQuery).toHaveBeenLastCalledWith({ limit: 2, offset: 0, sort: '-code' });
    expect(codes(table)).toEqual(['CR-5', 'CR-4']);
    expect(header().getAttribute('aria-sort')).toBe('descending');
    // The rows are the API's order, not re-sorted in the page.
    fireEvent.click(screen.getByRole('button', { name: 'Page 3' }));
    expect(onQuery).toHaveBeenLastCalledWith({ limit: 2, offset: 4, sort: '-code' });
    expect(codes(table)).toEqual(['CR-1']);
  });

  it('searches through the API once typing pauses, from the first page', async () => {
    vi.useFakeTimers();
    try {
      const { table, onQuery } = renderCranes();
      fireEvent.click(screen.getByRole('button', { name: 'Page 2' }));
      fireEvent.change(screen.getByRole('searchbox', { name: 'Search' }), {
        target: { value: 'CR-4' },
      });
      await act(() => vi.advanceTimersByTimeAsync(300));
      expect(onQuery).toHaveBeenLastCalledWith({ limit: 2, offset: 0, q: 'CR-4' });
      expect(codes(table)).toEqual(['CR-4']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('says when nothing is there, and when nothing matches a search', async () => {
    const empty = () => ({ items: [], total: 0, limit: 2, offset: 0 });
    renderCranes(empty);
    expect(screen.getByText('No crane yet.')).toBeTruthy();
    expect(screen.getByText('0 of 0')).toBeTruthy();
    vi.useFakeTimers();
    try {
      fireEvent.change(screen.getByRole('searchbox', { name: 'Search' }), {
        target: { value: 'XX' },
      });
      await act(() => vi.advanceTimersByTimeAsync(300));
      expect(screen.getByText('Nothing matches “XX”.')).toBeTruthy();
    } finally {
      vi.useRealTimers();
    }
  });
});
