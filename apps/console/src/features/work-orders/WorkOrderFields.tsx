import { MultiSelect, Select, SimpleGrid, Textarea, TextInput } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { Controller, type UseFormReturn } from 'react-hook-form';
import { PICKER_LABELS } from '../../ui/date-time-picker';
import {
  type CheckedWorkOrderForm,
  EXTERNAL_REF_MAX,
  NOTES_MAX,
  PRIORITIES,
  PRIORITY_LABEL,
  TITLE_MAX,
  type WorkOrderFormValues,
} from './work-order-form';
import { useAllEquipmentTypes, useAllQualifications, useAllSites } from '../records/whole-lists';

export type WorkOrderForm = UseFormReturn<WorkOrderFormValues, unknown, CheckedWorkOrderForm>;

const PRIORITY_OPTIONS = PRIORITIES.map((value) => ({ value, label: PRIORITY_LABEL[value] }));
/** How the pickers show a moment: `10 Jan 2027 07:00`, in the browser's zone. */
const WINDOW_FORMAT = 'DD MMM YYYY HH:mm';

/** One end of the time window: an optional date and time, picked in the browser's zone. */
function WindowEndPicker({
  form,
  name,
  label,
  description,
}: {
  form: WorkOrderForm;
  name: 'windowStart' | 'windowEnd';
  label: string;
  description: string;
}) {
  return (
    <Controller
      control={form.control}
      name={name}
      render={({ field, fieldState }) => (
        <DateTimePicker
          label={label}
          description={description}
          {...PICKER_LABELS}
          clearable
          valueFormat={WINDOW_FORMAT}
          placeholder="Any time"
          name={field.name}
          value={field.value}
          onChange={field.onChange}
          onBlur={field.onBlur}
          error={fieldState.error?.message}
        />
      )}
    />
  );
}

/**
 * The fields of a work order, for the new-order dialog and for editing a queued order: what, where,
 * which equipment, how urgent, optionally when (a time window), which qualifications the driver
 * needs beyond the equipment's, notes, and (when `withExternalRef`) the ERP's reference.
 */
export function WorkOrderFields({
  form,
  withExternalRef,
}: {
  form: WorkOrderForm;
  withExternalRef: boolean;
}) {
  const sites = useAllSites();
  const types = useAllEquipmentTypes();
  const qualifications = useAllQualifications();
  const { errors } = form.formState;
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="sm">
      <TextInput
        label="Title"
        required
        maxLength={TITLE_MAX}
        data-autofocus
        className="span-all"
        error={errors.title?.message}
        {...form.register('title')}
      />
      <Controller
        control={form.control}
        name="siteId"
        render={({ field }) => (
          <Select
            label="Site"
            required
            searchable
            placeholder={sites.isPending ? 'Loading…' : 'Choose a site'}
            nothingFoundMessage="No site matches"
            data={(sites.data?.items ?? []).map((site) => ({ value: site.id, label: site.name }))}
            name={field.name}
            value={field.value}
            onChange={field.onChange}
            onBlur={field.onBlur}
            error={errors.siteId?.message}
          />
        )}
      />
      <Controller
        control={form.control}
        name="equipmentTypeId"
        render={({ field }) => (
          <Select
            label="Equipment type"
            required
            searchable
            placeholder={types.isPending ? 'Loading…' : 'Choose a type'}
            nothingFoundMessage="No type matches"
            data={(types.data?.items ?? []).map((type) => ({
              value: type.id,
              label: `${type.name} (${type.code})`,
            }))}
            name={field.name}
            value={field.value}
            onChange={field.onChange}
            onBlur={field.onBlur}
            error={errors.equipmentTypeId?.message}
          />
        )}
      />
      <Controller
        control={form.control}
        name="priority"
        render={({ field }) => (
          <Select
            label="Priority"
            required
            allowDeselect={false}
            data={PRIORITY_OPTIONS}
            name={field.name}
            value={field.value}
            onChange={(value) => field.onChange(value ?? 'standard')}
            onBlur={field.onBlur}
            error={errors.priority?.message}
          />
        )}
      />
      <TextInput
        label="External reference"
        description={
          withExternalRef
            ? 'The order’s key in your ERP, if it has one'
            : 'The ERP’s key stays as it is (it is not edited here)'
        }
        maxLength={EXTERNAL_REF_MAX}
        disabled={!withExternalRef}
        error={errors.externalRef?.message}
        {...form.register('externalRef')}
      />
      <Controller
        control={form.control}
        name="requiredQualificationIds"
        render={({ field }) => (
          <MultiSelect
            label="Extra qualifications"
            description="Drivers need these on top of what the equipment type requires"
            className="span-all"
            searchable
            clearable
            placeholder={field.value.length === 0 ? 'None' : undefined}
            nothingFoundMessage="No qualification matches"
            data={(qualifications.data?.items ?? []).map((qualification) => ({
              value: qualification.id,
              label: `${qualification.code} · ${qualification.name}`,
            }))}
            name={field.name}
            value={field.value}
            onChange={field.onChange}
            onBlur={field.onBlur}
            error={errors.requiredQualificationIds?.message}
          />
        )}
      />
      <WindowEndPicker
        form={form}
        name="windowStart"
        label="Window starts"
        description="Optional: when the work may begin"
      />
      <WindowEndPicker
        form={form}
        name="windowEnd"
        label="Window ends"
        description="Optional: by when it must be done"
      />
      <Textarea
        label="Notes"
        autosize
        minRows={2}
        maxRows={8}
        maxLength={NOTES_MAX}
        className="span-all"
        error={errors.notes?.message}
        {...form.register('notes')}
      />
    </SimpleGrid>
  );
}
