import {
  type EquipmentView,
  useEquipmentCreate,
  useEquipmentTypesList,
  useEquipmentUpdate,
} from '@dispatch/api-client';
import { zodResolver } from '@hookform/resolvers/zod';
import { NumberInput, Select, SimpleGrid, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { Controller, useForm } from 'react-hook-form';
import { toast } from '../../ui/toast';
import {
  type CheckedUnitForm,
  SETTABLE_UNIT_STATUSES,
  toUnitDto,
  unitFormFromRecord,
  unitFormSchema,
  type UnitFormValues,
} from './admin-forms';
import { EditorDialog, FormFooter } from './EditorDialog';
import { UNIT_STATUS_LABEL } from './unit-status';

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

/**
 * A unit: its code, name, type, status (available, in maintenance, retired; a dispatched unit's
 * status is the dispatch's) and, if known, where it stands.
 */
function UnitForm({ unit, onDone }: { unit: EquipmentView | undefined; onDone: () => void }) {
  const create = useEquipmentCreate();
  const update = useEquipmentUpdate();
  const types = useEquipmentTypesList({ limit: 200 });
  const queryClient = useQueryClient();
  const form = useForm<UnitFormValues, unknown, CheckedUnitForm>({
    resolver: zodResolver(unitFormSchema),
    defaultValues: unitFormFromRecord(unit),
  });
  const { errors } = form.formState;
  const mutation = unit ? update : create;
  const submit = form.handleSubmit(async (checked) => {
    const { status, ...data } = toUnitDto(checked);
    const saved = (saved: EquipmentView) => {
      toast(`${saved.code} ${unit ? 'saved' : 'added'}.`);
      void queryClient.invalidateQueries();
      onDone();
    };
    if (unit) {
      update.mutate(
        { id: unit.id, data: { ...data, ...(status ? { status } : {}) } },
        {
          onSuccess: saved,
        },
      );
      return;
    }
    // A new unit starts available; another status chosen is set on it at once.
    const created = await create.mutateAsync({ data }).catch(() => undefined);
    if (!created) return;
    if (status && status !== created.status)
      update.mutate({ id: created.id, data: { status } }, { onSuccess: saved });
    else saved(created);
  });
  return (
    <form onSubmit={(event) => void submit(event)} noValidate data-testid="unit-form">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="sm">
        <TextInput
          label="Code"
          required
          data-autofocus
          error={errors.code?.message}
          {...form.register('code')}
        />
        <TextInput label="Name" required error={errors.name?.message} {...form.register('name')} />
        <Controller
          control={form.control}
          name="equipmentTypeId"
          render={({ field }) => (
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
          name="status"
          render={({ field }) => (
            <Select
              label="Status"
              allowDeselect={false}
              disabled={field.value === null}
              placeholder={UNIT_STATUS_LABEL.dispatched}
              description={
                field.value === null ? 'On a dispatch: its status follows the job' : undefined
              }
              data={STATUS_OPTIONS}
              name={field.name}
              value={field.value}
              onChange={field.onChange}
              onBlur={field.onBlur}
              error={errors.status?.message}
            />
          )}
        />
        <Controller
          control={form.control}
          name="latitude"
          render={({ field }) => (
            <NumberInput
              label="Latitude"
              description="Where the unit stands, if known"
              decimalScale={6}
              hideControls
              name={field.name}
              value={field.value}
              onChange={field.onChange}
              onBlur={field.onBlur}
              error={errors.latitude?.message}
            />
          )}
        />
        <Controller
          control={form.control}
          name="longitude"
          render={({ field }) => (
            <NumberInput
              label="Longitude"
              description=" "
              decimalScale={6}
              hideControls
              name={field.name}
              value={field.value}
              onChange={field.onChange}
              onBlur={field.onBlur}
              error={errors.longitude?.message}
            />
          )}
        />
      </SimpleGrid>
      <FormFooter
        submitLabel={unit ? 'Save unit' : 'Add unit'}
        pending={mutation.isPending}
        error={mutation.error}
        onCancel={onDone}
      />
    </form>
  );
}
