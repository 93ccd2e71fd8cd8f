import { type FormEvent, useState } from 'react';
import {
  type AuditFilterForm as Filters,
  EMPTY_AUDIT_FILTER,
  ENTITY_TYPES,
  parsePageSize,
} from './audit-logic';

const FIELDS: { name: keyof Filters; label: string; placeholder?: string; type?: string }[] = [
  { name: 'entityType', label: 'Entity type', placeholder: 'work_order' },
  { name: 'entityId', label: 'Entity id', placeholder: 'UUID' },
  { name: 'actor', label: 'Actor (subject)', placeholder: 'Keycloak subject or auto' },
  { name: 'action', label: 'Action', placeholder: 'work_order.created' },
  { name: 'from', label: 'From', type: 'datetime-local' },
  { name: 'to', label: 'Until', type: 'datetime-local' },
];

/**
 * The explorer's filters; a search applies them (so typing does not query on every key). The
 * parent remounts it (by key) when it sets filters itself, as from a click in the table.
 */
export function AuditFilterForm({
  value,
  pageSize,
  onSearch,
}: {
  value: Filters;
  pageSize: number;
  onSearch: (filters: Filters, pageSize: number) => void;
}) {
  const [draft, setDraft] = useState(value);
  const [size, setSize] = useState(String(pageSize));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch(draft, parsePageSize(size));
  };
  return (
    <form className="form audit-filters" data-testid="audit-filters" onSubmit={submit}>
      {FIELDS.map((field) => (
        <label key={field.name}>
          {field.label}
          <input
            name={field.name}
            type={field.type ?? 'text'}
            placeholder={field.placeholder}
            list={field.name === 'entityType' ? 'audit-entity-types' : undefined}
            value={draft[field.name]}
            onChange={(event) => setDraft({ ...draft, [field.name]: event.target.value })}
          />
        </label>
      ))}
      <datalist id="audit-entity-types">
        {ENTITY_TYPES.map((type) => (
          <option key={type} value={type} />
        ))}
      </datalist>
      <label>
        Per page
        <input
          name="pageSize"
          type="number"
          min={1}
          max={200}
          value={size}
          onChange={(event) => setSize(event.target.value)}
        />
      </label>
      <div className="actions">
        <button type="submit">Search</button>
        <button
          type="button"
          onClick={() => {
            setDraft(EMPTY_AUDIT_FILTER);
            onSearch(EMPTY_AUDIT_FILTER, parsePageSize(size));
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}
