import { describe, expect, it } from 'vitest';
import {
  apiSort,
  clampPage,
  offsetOf,
  pageCount,
  rangeText,
  sliceToPage,
  sortingOf,
  sortRows,
} from './paging';

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

describe('sorting a list', () => {
  const SORTS = ['name', '-name', 'code', '-code'] as const;

  it('asks the API for the sorted column, descending after a minus, only what it takes', () => {
    expect(apiSort([], SORTS)).toBeUndefined();
    expect(apiSort([{ id: 'name', desc: false }], SORTS)).toBe('name');
    expect(apiSort([{ id: 'code', desc: true }], SORTS)).toBe('-code');
    expect(apiSort([{ id: 'status', desc: false }], SORTS)).toBeUndefined();
  });

  it('reads the API’s sort back as the state of the column headers', () => {
    expect(sortingOf(undefined)).toEqual([]);
    expect(sortingOf('name')).toEqual([{ id: 'name', desc: false }]);
    expect(sortingOf('-assignedAt')).toEqual([{ id: 'assignedAt', desc: true }]);
    for (const sort of SORTS) expect(apiSort(sortingOf(sort), SORTS)).toBe(sort);
  });

  it('sorts a whole list it holds: case aside, numbers as numbers, true first', () => {
    const rows = [
      { name: 'bravo', unit: 'CR-10', active: false },
      { name: 'Alpha', unit: 'CR-9', active: true },
      { name: 'charlie', unit: 'CR-100', active: false },
    ];
    const value = (row: (typeof rows)[number], column: string) =>
      column === 'active' ? row.active : column === 'unit' ? row.unit : row.name;
    const names = (sorted: typeof rows) => sorted.map((row) => row.name);
    expect(names(sortRows(rows, [{ id: 'name', desc: false }], value))).toEqual([
      'Alpha',
      'bravo',
      'charlie',
    ]);
    expect(names(sortRows(rows, [{ id: 'unit', desc: true }], value))).toEqual([
      'charlie',
      'bravo',
      'Alpha',
    ]);
    expect(names(sortRows(rows, [{ id: 'active', desc: false }], value))[0]).toBe('Alpha');
    // Unsorted: as given, and the given list untouched.
    expect(sortRows(rows, [], value)).toEqual(rows);
    expect(sortRows(rows, [], value)).not.toBe(rows);
  });
});
