import { EventName } from '@dispatch/api-client';
import { useEffect, useRef } from 'react';
import {
  actionLabel,
  eventLabel,
  type EventGroup,
  groupEvents,
  groupSelection,
  toggleEvent,
  toggleGroup,
} from './integrations-logic';

/** Every event type a webhook may subscribe to: the API's catalogue, from the generated client. */
export const SUBSCRIBABLE_EVENTS: readonly string[] = Object.values(EventName);

/**
 * Event types as checkboxes grouped by what they are about; each group's own box chooses or clears
 * the whole group and shows when only some of it is chosen.
 */
export function EventPicker({
  value,
  onChange,
}: {
  value: readonly string[];
  onChange: (events: string[]) => void;
}) {
  const chosen = new Set(value);
  // Types the endpoint holds that this console does not know (a newer API) stay listed.
  const groups = groupEvents([...SUBSCRIBABLE_EVENTS, ...value]);
  return (
    <fieldset className="event-picker" data-testid="event-picker">
      <legend>
        Events to send{' '}
        <span className="muted">
          ({value.length} of {SUBSCRIBABLE_EVENTS.length} chosen)
        </span>
      </legend>
      <div className="event-picker__tools">
        <button
          type="button"
          className="small"
          onClick={() => onChange([...new Set([...value, ...SUBSCRIBABLE_EVENTS])])}
        >
          Choose every event
        </button>
        <button type="button" className="small" onClick={() => onChange([])}>
          Clear
        </button>
      </div>
      <div className="event-picker__groups">
        {groups.map((group) => (
          <GroupBoxes
            key={group.prefix}
            group={group}
            chosen={chosen}
            onToggleGroup={() => onChange(toggleGroup(group, value))}
            onToggle={(type) => onChange(toggleEvent(type, value))}
          />
        ))}
      </div>
    </fieldset>
  );
}

function GroupBoxes({
  group,
  chosen,
  onToggleGroup,
  onToggle,
}: {
  group: EventGroup;
  chosen: ReadonlySet<string>;
  onToggleGroup: () => void;
  onToggle: (type: string) => void;
}) {
  const selection = groupSelection(group, chosen);
  const box = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (box.current) box.current.indeterminate = selection === 'some';
  }, [selection]);
  return (
    <fieldset className="event-group" data-group={group.prefix}>
      <legend>
        <label>
          <input
            ref={box}
            type="checkbox"
            checked={selection === 'all'}
            aria-checked={selection === 'some' ? 'mixed' : selection === 'all'}
            aria-label={`${group.title} (all events)`}
            onChange={onToggleGroup}
          />{' '}
          {group.title}
        </label>
      </legend>
      {group.types.map((type) => (
        <label key={type} className="event-group__item">
          <input
            type="checkbox"
            name="events"
            value={type}
            checked={chosen.has(type)}
            aria-label={eventLabel(type)}
            onChange={() => onToggle(type)}
          />{' '}
          {actionLabel(type)}
        </label>
      ))}
    </fieldset>
  );
}
