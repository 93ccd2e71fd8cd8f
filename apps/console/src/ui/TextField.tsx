import { TextInput, type TextInputProps } from '@mantine/core';
import type { FieldValues, Path, UseFormReturn } from 'react-hook-form';

/** A TextInput registered on a react-hook-form field, showing the field's error. */
export function TextField<TValues extends FieldValues, TChecked extends FieldValues>({
  form,
  name,
  ...props
}: { form: UseFormReturn<TValues, unknown, TChecked>; name: Path<TValues> } & Omit<
  TextInputProps,
  'name' | 'error' | 'form'
>) {
  return (
    <TextInput
      {...props}
      error={form.getFieldState(name, form.formState).error?.message}
      {...form.register(name)}
    />
  );
}
