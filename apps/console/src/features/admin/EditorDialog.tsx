import { Alert, Button, Group, SimpleGrid, TextInput } from '@mantine/core';
import { type FormEvent, type ReactNode, useState } from 'react';
import type { FieldError, UseFormRegisterReturn } from 'react-hook-form';
import { Dialog } from '../../ui/Dialog';
import { problemText } from '../board/problem-text';

/**
 * Which record an editor dialog is open for: `{ record: undefined }` for a new one, nothing when it
 * is closed. The same form creates and edits.
 */
export function useEditor<T>() {
  const [editing, setEditing] = useState<{ record: T | undefined }>();
  return {
    editing,
    create: () => setEditing({ record: undefined }),
    edit: (record: T) => setEditing({ record }),
    close: () => setEditing(undefined),
  };
}

/** An editor's dialog, titled for what it does ("New site", "Edit North Yard"). */
export function EditorDialog({
  title,
  onClose,
  testId,
  children,
}: {
  title: string;
  onClose: () => void;
  testId: string;
  children: ReactNode;
}) {
  return (
    <Dialog title={title} onEscape={onClose} testId={testId} size="lg">
      {children}
    </Dialog>
  );
}

/** The end of an editor's form: the API's refusal if any, Cancel and the submit button. */
export function FormFooter({
  submitLabel,
  pending,
  error,
  onCancel,
}: {
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onCancel: () => void;
}) {
  return (
    <>
      {error ? (
        <Alert color="red" role="alert" mt="md">
          {problemText(error)}
        </Alert>
      ) : null}
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" loading={pending}>
          {submitLabel}
        </Button>
      </Group>
    </>
  );
}

/** An editor's form: its fields in two columns (one on a phone), then its footer. */
export function EditorForm({
  testId,
  onSubmit,
  submitLabel,
  footer,
  children,
}: {
  testId: string;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  submitLabel: string;
  footer: { pending: boolean; error: unknown; onCancel: () => void };
  children: ReactNode;
}) {
  return (
    <form onSubmit={onSubmit} noValidate data-testid={testId}>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="sm">
        {children}
      </SimpleGrid>
      <FormFooter submitLabel={submitLabel} {...footer} />
    </form>
  );
}

/** The code and name of a qualification, equipment type or unit: the code first, focused. */
export function CodeAndName({
  code,
  name,
  errors,
}: {
  code: UseFormRegisterReturn;
  name: UseFormRegisterReturn;
  errors: { code?: FieldError; name?: FieldError };
}) {
  return (
    <>
      <TextInput label="Code" required data-autofocus error={errors.code?.message} {...code} />
      <TextInput label="Name" required error={errors.name?.message} {...name} />
    </>
  );
}
