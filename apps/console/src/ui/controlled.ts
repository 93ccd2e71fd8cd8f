import type {
  ControllerFieldState,
  ControllerRenderProps,
  FieldPath,
  FieldValues,
} from 'react-hook-form';

/**
 * The props a Mantine input takes from a react-hook-form Controller's field: its name, value,
 * change and blur, and the field's error. The ref stays out, so a failed submit does not move the
 * focus to the input.
 */
export function controlled<TValues extends FieldValues, TName extends FieldPath<TValues>>(
  field: ControllerRenderProps<TValues, TName>,
  fieldState: ControllerFieldState,
): Pick<ControllerRenderProps<TValues, TName>, 'name' | 'value' | 'onChange' | 'onBlur'> & {
  error: string | undefined;
} {
  return {
    name: field.name,
    value: field.value,
    onChange: field.onChange,
    onBlur: field.onBlur,
    error: fieldState.error?.message,
  };
}
