import { describe, expect, it } from 'vitest';
import { clampPage, offsetOf, pageCount, rangeText, sliceToPage } from './paging';

describe('paging through the API', () => {
  it('counts pages, an empty list being one page', () => {
    expect(pageCount(0, 20)).toBe(1);
    expect(pageCount(20, 20)).toBe(1);
    expect(pageCount(21, 20)).toBe(2);
    expect(pageCount(1_000, 50)).toBe(20);
  });

  it('asks for the offset of a page counted from one', () => {
    expect(offsetOf(1, 25)).toBe(0);
    expect(offsetOf(3, 25)).toBe(50);
    expect(offsetOf(0, 25)).toBe(0);
  });

  it('falls back to the last page when the list shrank under the one shown', () => {
    expect(clampPage(3, 41, 20)).toBe(3);
    expect(clampPage(3, 40, 20)).toBe(2);
    expect(clampPage(5, 0, 20)).toBe(1);
    expect(clampPage(-2, 100, 20)).toBe(1);
  });

  it('says which rows are shown among how many', () => {
    expect(rangeText({ offset: 0, shown: 20, total: 95 })).toBe('1–20 of 95');
    expect(rangeText({ offset: 80, shown: 15, total: 95 })).toBe('81–95 of 95');
    expect(rangeText({ offset: 0, shown: 0, total: 0 })).toBe('0 of 0');
  });

  it('pages a whole list the way the API pages its own', () => {
    const letters = ['a', 'b', 'c', 'd', 'e'];
    expect(sliceToPage(letters, 2, 2)).toEqual({
      items: ['c', 'd'],
      total: 5,
      limit: 2,
      offset: 2,
    });
    expect(sliceToPage(letters, 4, 2)).toEqual({ items: ['e'], total: 5, limit: 2, offset: 4 });
  });
});
