import { type EquipmentView, useEquipmentCreate, useEquipmentUpdate } from '@dispatch/api-client';
import { Select } from '@mantine/core';
import { Controller } from 'react-hook-form';
import { controlled } from '../../ui/controlled';
import { NumberField } from '../../ui/NumberField';
import {
  type CheckedUnitForm,
  SETTABLE_UNIT_STATUSES,
  toUnitDto,
  unitFormFromRecord,
  unitFormSchema,
} from './admin-forms';
import { CodeAndName, EditorDialog, EditorForm } from './EditorDialog';
import { UNIT_STATUS_LABEL } from './unit-status';
import { useRecordForm } from './useRecordForm';
import { useAllEquipmentTypes } from '../records/whole-lists';

const STATUS_OPTIONS = SETTABLE_UNIT_STATUSES.map((value) => ({
  value,
  label: UNIT_STATUS_LABEL[value],
}));

/** The dialog editing a unit (or adding one): on the admin page and on the unit's own page. */
export function UnitEditor({
  unit,
  onClose,
}: {
  unit: EquipmentView | undefined;
  onClose: () => void;
}) {
  return (
    <EditorDialog
      title={unit ? `Edit ${unit.code}` : 'New unit'}
      testId="unit-dialog"
      onClose={onClose}
    >
      <UnitForm unit={unit} onDone={onClose} />
    </EditorDialog>
  );
}

/** A unit's body for a POST, which takes no status, and the status chosen, if any. */
function splitStatus(checked: CheckedUnitForm) {
  const { status, ...data } = toUnitDto(checked);
  return { status, data };
}

/**
 * A unit: its code, name, type, status (available, in maintenance, retired; a dispatched unit's
 * status is the dispatch's) and, if known, where it stands.
 */
function UnitForm({ unit, onDone }: { unit: EquipmentView | undefined; onDone: () => void }) {
  const update = useEquipmentUpdate();
  const types = useAllEquipmentTypes();
  const { form, errors, formProps } = useRecordForm({
    record: unit,
    schema: unitFormSchema,
    defaultValues: unitFormFromRecord(unit),
    create: useEquipmentCreate(),
    update,
    toCreate: (checked) => splitStatus(checked).data,
    toUpdate: toUnitDto,
    nameOf: (saved) => saved.code,
    onDone,
    // A new unit starts available; another status chosen is set on it at once.
    afterCreate: (created, checked, done) => {
      const { status } = splitStatus(checked);
      if (status && status !== created.status)
        update.mutate({ id: created.id, data: { status } }, { onSuccess: done });
      else done(created);
    },
  });
  return (
    <EditorForm testId="unit-form" submitLabel={unit ? 'Save unit' : 'Add unit'} {...formProps}>
      <CodeAndName code={form.register('code')} name={form.register('name')} errors={errors} />
      <Controller
        control={form.control}
        name="equipmentTypeId"
        render={({ field, fieldState }) => (
          <Select
            label="Type"
            required
            searchable
            placeholder={types.isPending ? 'Loading…' : 'Choose a type'}
            nothingFoundMessage="No type matches"
            data={(types.data?.items ?? []).map((type) => ({
              value: type.id,
              label: `${type.name} (${type.code})`,
            }))}
            {...controlled(field, fieldState)}
          />
        )}
      />
      <Controller
        control={form.control}
        name="status"
        render={({ field, fieldState }) => (
          <Select
            label="Status"
            allowDeselect={false}
            disabled={field.value === null}
            placeholder={UNIT_STATUS_LABEL.dispatched}
            description={
              field.value === null ? 'On a dispatch: its status follows the job' : undefined
            }
            data={STATUS_OPTIONS}
            {...controlled(field, fieldState)}
          />
        )}
      />
      <NumberField
        control={form.control}
        name="latitude"
        label="Latitude"
        description="Where the unit stands, if known"
        decimalScale={6}
        hideControls
      />
      <NumberField
        control={form.control}
        name="longitude"
        label="Longitude"
        description=" "
        decimalScale={6}
        hideControls
      />
    </EditorForm>
  );
}
