import { type FormEvent, useState } from 'react';
import { problemText } from '../board/problem-text';
import { EventPicker } from './EventPicker';

export interface WebhookFormValues {
  url: string;
  description: string;
  events: string[];
}

export const EMPTY_WEBHOOK: WebhookFormValues = { url: '', description: '', events: [] };

/** A webhook's endpoint, description and events: the create form and the edit form alike. */
export function WebhookForm({
  initial = EMPTY_WEBHOOK,
  submitLabel,
  pending,
  error,
  testId,
  onSubmit,
  onCancel,
}: {
  initial?: WebhookFormValues;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  testId: string;
  /** `done` empties the form again (after a create that succeeded). */
  onSubmit: (values: WebhookFormValues, done: () => void) => void;
  onCancel?: () => void;
}) {
  const [values, setValues] = useState(initial);
  const [problem, setProblem] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (values.events.length === 0) {
      setProblem('Choose at least one event to send.');
      return;
    }
    setProblem('');
    onSubmit({ ...values, url: values.url.trim(), description: values.description.trim() }, () =>
      setValues(initial),
    );
  };
  return (
    <form className="form webhook-form" onSubmit={submit} data-testid={testId}>
      <label className="form__wide">
        Endpoint URL
        <input
          name="url"
          type="url"
          required
          maxLength={2000}
          placeholder="https://erp.example.com/dispatch/webhooks"
          value={values.url}
          onChange={(event) => setValues({ ...values, url: event.target.value })}
        />
      </label>
      <label className="form__wide">
        Description (optional)
        <input
          name="description"
          maxLength={500}
          placeholder="SAP S/4 production"
          value={values.description}
          onChange={(event) => setValues({ ...values, description: event.target.value })}
        />
      </label>
      <EventPicker
        value={values.events}
        onChange={(events) => {
          setValues({ ...values, events });
          if (events.length > 0) setProblem('');
        }}
      />
      <div className="actions form__wide">
        <button type="submit" disabled={pending}>
          {pending ? 'Saving…' : submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      {problem || error ? (
        <p className="error form__wide" role="alert">
          {problem || problemText(error)}
        </p>
      ) : null}
    </form>
  );
}
