import { Button, Group } from '@mantine/core';
import type { ReactNode } from 'react';
import { CopyButton } from '../../ui/CopyButton';
import { Dialog } from '../../ui/Dialog';

export interface ShownValue {
  label: string;
  value: string;
  /** Marks the value a secret (highlighted, and named so in the copy button). */
  secret?: boolean;
  testId?: string;
}

/**
 * Credentials the API answers once and never again: each with a copy button, a plain warning that
 * they will not be shown again, and closed only on purpose (no Escape), by the one button.
 */
export function ShownOnce({
  title,
  values,
  testId,
  onDone,
  children,
}: {
  title: ReactNode;
  values: ShownValue[];
  testId: string;
  onDone: () => void;
  children?: ReactNode;
}) {
  return (
    <Dialog title={title} testId={testId}>
      <p className="warning" role="note">
        <strong>You will not see the secret again.</strong> Dispatch does not keep it in a form it
        can show: copy it now into the ERP’s configuration or a password manager. If it is lost,
        rotate the secret to get a new one.
      </p>
      <dl className="credentials">
        {values.map((entry) => (
          <div key={entry.label} className="credentials__row">
            <dt>{entry.label}</dt>
            <dd>
              <code
                className={entry.secret ? 'credential credential--secret' : 'credential'}
                data-testid={entry.testId}
              >
                {entry.value}
              </code>
              <CopyButton value={entry.value} what={entry.label.toLowerCase()} />
            </dd>
          </div>
        ))}
      </dl>
      {children}
      <Group justify="flex-end" mt="md">
        <Button onClick={onDone}>I have stored it — close</Button>
      </Group>
    </Dialog>
  );
}
