import { describe, expect, it } from 'vitest';
import { diffChanges, formatValue } from './audit-diff';

describe('audit changes', () => {
  it('sets before and after side by side, field by field', () => {
    expect(
      diffChanges(
        { status: 'assigned', note: 'old', unit: { id: 'u1', code: 'A' } },
        { status: 'acknowledged', unit: { code: 'A', id: 'u1' }, at: '10:00' },
      ),
    ).toEqual([
      { field: 'status', kind: 'changed', before: 'assigned', after: 'acknowledged' },
      {
        field: 'unit',
        kind: 'same',
        before: { id: 'u1', code: 'A' },
        after: { code: 'A', id: 'u1' },
      },
      { field: 'at', kind: 'added', after: '10:00' },
      { field: 'note', kind: 'removed', before: 'old' },
    ]);
  });

  it('treats a missing side as empty', () => {
    expect(diffChanges(null, { title: 'Lift' })).toEqual([
      { field: 'title', kind: 'added', after: 'Lift' },
    ]);
    expect(diffChanges({ title: 'Lift' }, null)).toEqual([
      { field: 'title', kind: 'removed', before: 'Lift' },
    ]);
    expect(diffChanges(null, null)).toEqual([]);
  });

  it('shows text as it is and anything else as JSON', () => {
    expect(formatValue('urgent')).toBe('urgent');
    expect(formatValue(3)).toBe('3');
    expect(formatValue(null)).toBe('null');
    expect(formatValue({ a: [1] })).toBe('{"a":[1]}');
    expect(formatValue(undefined)).toBe('');
  });
});
