import { NumberInput, type NumberInputProps } from '@mantine/core';
import {
  type Control,
  type FieldPathByValue,
  type FieldValues,
  useController,
} from 'react-hook-form';

/** A NumberInput bound to a react-hook-form field holding a number, or the text being typed. */
export function NumberField<
  TValues extends FieldValues,
  TChecked extends FieldValues,
  TName extends FieldPathByValue<TValues, number | string>,
>({
  control,
  name,
  ...props
}: { control: Control<TValues, unknown, TChecked>; name: TName } & Omit<
  NumberInputProps,
  'name' | 'value' | 'onChange' | 'onBlur' | 'error'
>) {
  const { field, fieldState } = useController({ control, name });
  return (
    <NumberInput
      {...props}
      name={field.name}
      value={field.value}
      onChange={field.onChange}
      onBlur={field.onBlur}
      error={fieldState.error?.message}
    />
  );
}
