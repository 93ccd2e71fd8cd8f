import { describe, expect, it } from 'vitest';
import { API_PAGE_MAX, readWholeList, wholeList } from './whole-list';

/** A list endpoint over `rows`, recording what it was asked. */
function endpoint(rows: number[], total = rows.length) {
  const asked: { params: Record<string, unknown>; signal?: AbortSignal }[] = [];
  const read = async (
    params: { status?: string; limit?: number; offset?: number },
    options?: RequestInit,
  ) => {
    asked.push({ params, signal: options?.signal ?? undefined });
    const offset = params.offset ?? 0;
    return {
      items: rows.slice(offset, offset + (params.limit ?? 50)),
      total,
      limit: params.limit ?? 50,
      offset,
    };
  };
  return { read, asked };
}

describe('reading a whole list', () => {
  it('reads page after page of the most the API answers until the total, as one page', async () => {
    const rows = Array.from({ length: 2 * API_PAGE_MAX + 7 }, (_, index) => index);
    const { read, asked } = endpoint(rows);
    const signal = new AbortController().signal;
    const whole = await readWholeList(read, { status: 'open' }, signal);
    expect(whole).toEqual({ items: rows, total: rows.length, limit: rows.length, offset: 0 });
    expect(asked.map((call) => call.params)).toEqual([
      { status: 'open', limit: API_PAGE_MAX, offset: 0 },
      { status: 'open', limit: API_PAGE_MAX, offset: API_PAGE_MAX },
      { status: 'open', limit: API_PAGE_MAX, offset: 2 * API_PAGE_MAX },
    ]);
    expect(asked.every((call) => call.signal === signal)).toBe(true);
  });

  it('asks once for a short list, and stops at a list that shrank while it was read', async () => {
    const short = endpoint([1, 2, 3]);
    expect((await readWholeList(short.read, {})).items).toEqual([1, 2, 3]);
    expect(short.asked).toHaveLength(1);
    // The total said more, but the second page came back short: what there is, no endless loop.
    const shrunk = endpoint(
      Array.from({ length: API_PAGE_MAX + 3 }, (_, index) => index),
      3 * API_PAGE_MAX,
    );
    expect((await readWholeList(shrunk.read, {})).total).toBe(API_PAGE_MAX + 3);
    expect(shrunk.asked).toHaveLength(2);
  });

  it('keeps the list’s query key in front, so the live updates find it', () => {
    const { read } = endpoint([]);
    const options = wholeList(read, (params) => ['/api/v1/sites', ...(params ? [params] : [])], {
      q: 'yard',
    });
    expect(options.query.queryKey).toEqual(['/api/v1/sites', { q: 'yard' }, 'whole']);
  });
});
