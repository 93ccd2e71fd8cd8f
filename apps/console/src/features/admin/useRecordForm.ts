import { zodResolver } from '@hookform/resolvers/zod';
import { useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { type DefaultValues, type FieldValues, useForm } from 'react-hook-form';
import type { z } from 'zod';
import { toast } from '../../ui/toast';

/** What a form needs of a generated mutation hook's result (`useSitesCreate()` and the like). */
interface Mutation<TVariables, TRecord> {
  mutate: (variables: TVariables, options: { onSuccess: (saved: TRecord) => void }) => void;
  isPending: boolean;
  error: unknown;
}

export interface RecordFormOptions<
  TValues extends FieldValues,
  TChecked extends FieldValues,
  TRecord extends { id: string },
  TCreate,
  TUpdate,
> {
  /** The record edited, or undefined for a new one. */
  record: TRecord | undefined;
  schema: z.ZodType<TChecked, TValues>;
  defaultValues: DefaultValues<TValues>;
  create: Mutation<{ data: TCreate }, TRecord>;
  update: Mutation<{ id: string; data: TUpdate }, TRecord>;
  toCreate: (checked: TChecked) => TCreate;
  toUpdate: (checked: TChecked) => TUpdate;
  /** How the toast names the record saved ("North Yard saved."). */
  nameOf: (saved: TRecord) => string;
  /** Cancel, and what follows a save. */
  onDone: () => void;
  /** Instead of the toast "… added." and onDone, once a new record is created. */
  added?: { toast: (created: TRecord) => string; then: (created: TRecord) => void };
  /** A second step after creating (before the toast), given `done` to call with the record. */
  afterCreate?: (created: TRecord, checked: TChecked, done: (saved: TRecord) => void) => void;
}

/**
 * One form that creates a record or edits it: checked against its schema, sent as POST or PATCH,
 * then a toast says so, the console's queries refresh and the editor is done. The API's refusal
 * and the pending state are the mutation's, for the form's footer.
 */
export function useRecordForm<
  TValues extends FieldValues,
  TChecked extends FieldValues,
  TRecord extends { id: string },
  TCreate,
  TUpdate,
>({
  record,
  schema,
  defaultValues,
  create,
  update,
  toCreate,
  toUpdate,
  nameOf,
  onDone,
  added,
  afterCreate,
}: RecordFormOptions<TValues, TChecked, TRecord, TCreate, TUpdate>) {
  const queryClient = useQueryClient();
  const form = useForm<TValues, unknown, TChecked>({
    resolver: zodResolver(schema),
    defaultValues,
  });
  const mutation = record ? update : create;
  const saved = (saved: TRecord) => {
    toast(
      record || !added ? `${nameOf(saved)} ${record ? 'saved' : 'added'}.` : added.toast(saved),
    );
    void queryClient.invalidateQueries();
    if (record || !added) onDone();
    else added.then(saved);
  };
  const submit = form.handleSubmit((checked) => {
    if (record) update.mutate({ id: record.id, data: toUpdate(checked) }, { onSuccess: saved });
    else
      create.mutate(
        { data: toCreate(checked) },
        {
          onSuccess: (created) =>
            afterCreate ? afterCreate(created, checked, saved) : saved(created),
        },
      );
  });
  return {
    form,
    errors: form.formState.errors,
    /** EditorForm's submit and footer. */
    formProps: {
      onSubmit: (event: FormEvent<HTMLFormElement>) => void submit(event),
      footer: { pending: mutation.isPending, error: mutation.error, onCancel: onDone },
    },
  };
}
