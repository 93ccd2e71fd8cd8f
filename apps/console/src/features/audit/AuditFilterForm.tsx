import { Button, Group, Select, SimpleGrid, TextInput } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { type FormEvent, useState } from 'react';
import { PICKER_LABELS } from '../../ui/date-time-picker';
import {
  actionOptions,
  type AuditFilterForm as Filters,
  EMPTY_AUDIT_FILTER,
  ENTITY_LABEL,
  ENTITY_TYPES,
  parsePageSize,
} from './audit-logic';

const ENTITY_OPTIONS = ENTITY_TYPES.map((value) => ({ value, label: ENTITY_LABEL[value] }));

const TEXT_FIELDS: { name: 'entityId' | 'actor'; label: string; placeholder: string }[] = [
  { name: 'entityId', label: 'Record id', placeholder: 'UUID, from an event or a page' },
  { name: 'actor', label: 'Actor', placeholder: 'Login name, or auto for the engine' },
];

/** How the pickers show a moment, in the browser's zone. */
const MOMENT_FORMAT = 'DD MMM YYYY HH:mm';

/** The picker's value (`YYYY-MM-DD HH:mm:ss`) as the form keeps it, a `datetime-local` value. */
function asLocalDateTime(value: string | null): string {
  return value ? value.replace(' ', 'T').slice(0, 16) : '';
}

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
    <form className="audit-filters" data-testid="audit-filters" onSubmit={submit}>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm" verticalSpacing="xs">
        <Select
          label="Record type"
          name="entityType"
          placeholder="Any"
          data={ENTITY_OPTIONS}
          clearable
          value={draft.entityType || null}
          onChange={(entityType) => setDraft({ ...draft, entityType: entityType ?? '' })}
        />
        {TEXT_FIELDS.map((field) => (
          <TextInput
            key={field.name}
            label={field.label}
            name={field.name}
            placeholder={field.placeholder}
            value={draft[field.name]}
            onChange={(event) => setDraft({ ...draft, [field.name]: event.currentTarget.value })}
          />
        ))}
        <Select
          label="Action"
          name="action"
          placeholder="Any"
          data={actionOptions(draft.action)}
          searchable
          clearable
          nothingFoundMessage="No such action"
          value={draft.action || null}
          onChange={(action) => setDraft({ ...draft, action: action ?? '' })}
        />
        {(['from', 'to'] as const).map((name) => (
          <DateTimePicker
            key={name}
            label={name === 'from' ? 'From' : 'Until'}
            name={name}
            placeholder="Any time"
            clearable
            valueFormat={MOMENT_FORMAT}
            {...PICKER_LABELS}
            value={draft[name] || null}
            onChange={(value) => setDraft({ ...draft, [name]: asLocalDateTime(value) })}
          />
        ))}
        <TextInput
          label="Per page"
          name="pageSize"
          type="number"
          min={1}
          max={200}
          value={size}
          onChange={(event) => setSize(event.currentTarget.value)}
        />
        <Group gap="xs" align="flex-end">
          <Button type="submit">Search</Button>
          <Button
            variant="default"
            onClick={() => {
              setDraft(EMPTY_AUDIT_FILTER);
              onSearch(EMPTY_AUDIT_FILTER, parsePageSize(size));
            }}
          >
            Clear
          </Button>
        </Group>
      </SimpleGrid>
    </form>
  );
}
