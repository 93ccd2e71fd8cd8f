/** What an audit event changed: its `before` and `after`, compared field by field. */

export type ChangeKind = 'added' | 'removed' | 'changed' | 'same';

export interface FieldChange {
  field: string;
  kind: ChangeKind;
  before?: unknown;
  after?: unknown;
}

/** JSON with object keys sorted, so two equal values always compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : inner,
  );
}

/**
 * Field by field, what an event changed: its `before` and `after` side by side, in the order the
 * fields appear (after's first, then those only before had).
 */
export function diffChanges(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): FieldChange[] {
  const old = before ?? {};
  const next = after ?? {};
  const fields = [...new Set([...Object.keys(next), ...Object.keys(old)])];
  return fields.map((field) => {
    const inBefore = Object.hasOwn(old, field);
    const inAfter = Object.hasOwn(next, field);
    if (!inBefore) return { field, kind: 'added', after: next[field] };
    if (!inAfter) return { field, kind: 'removed', before: old[field] };
    return canonical(old[field]) === canonical(next[field])
      ? { field, kind: 'same', before: old[field], after: next[field] }
      : { field, kind: 'changed', before: old[field], after: next[field] };
  });
}

/** A value of a change on one line: text as it is, anything else as JSON. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** The whole of `before` or `after`, indented for reading. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
