import {
  type EquipmentStatus,
  type EquipmentTypeView,
  type EquipmentView,
  useEquipmentList,
  useEquipmentTypesCreate,
  useEquipmentTypesList,
  useEquipmentTypesRemove,
  useEquipmentTypesUpdate,
  useEquipmentUpdate,
  useQualificationsList,
} from '@dispatch/api-client';
import { zodResolver } from '@hookform/resolvers/zod';
import { Badge, Button, Group, MultiSelect, Select, SimpleGrid, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { DataTable, tableColumns, useListPaging } from '../../ui/DataTable';
import { RouterAnchor } from '../../ui/links';
import { toast } from '../../ui/toast';
import {
  type CheckedEquipmentTypeForm,
  equipmentTypeFormFromRecord,
  equipmentTypeFormSchema,
  type EquipmentTypeFormValues,
  toEquipmentTypeDto,
} from './admin-forms';
import { AskButton, useQuestion } from './Questions';
import { EditorDialog, FormFooter, useEditor } from './EditorDialog';
import { UnitEditor } from './UnitForm';
import { UNIT_STATUS_COLOR, UNIT_STATUS_LABEL } from './unit-status';

/** Equipment types and the units of each, one table each. */
export function EquipmentSection() {
  return (
    <>
      <UnitsPanel />
      <EquipmentTypesPanel />
    </>
  );
}

const unitColumns = tableColumns<EquipmentView>();
const typeColumns = tableColumns<EquipmentTypeView>();

const STATUS_FILTER = (Object.keys(UNIT_STATUS_LABEL) as EquipmentStatus[]).map((status) => ({
  value: status,
  label: UNIT_STATUS_LABEL[status],
}));

/** Every type of the organization (there are few), for names and choices. */
export function useAllEquipmentTypes() {
  return useEquipmentTypesList({ limit: 200 });
}

function UnitsPanel() {
  const [status, setStatus] = useState<EquipmentStatus | null>(null);
  const [typeId, setTypeId] = useState<string | null>(null);
  const paging = useListPaging(undefined, status, typeId);
  const units = useEquipmentList({
    ...paging.query,
    ...(status ? { status } : {}),
    ...(typeId ? { equipmentTypeId: typeId } : {}),
  });
  const types = useAllEquipmentTypes();
  const update = useEquipmentUpdate();
  const editor = useEditor<EquipmentView>();
  const question = useQuestion();
  const typeName = new Map((types.data?.items ?? []).map((type) => [type.id, type.name]));
  const columns = unitColumns.columns([
    unitColumns.accessor('code', {
      header: 'Unit',
      enableSorting: true,
      cell: ({ row }) => (
        <RouterAnchor to="/units/$unitId" params={{ unitId: row.original.id }}>
          {row.original.code}
        </RouterAnchor>
      ),
    }),
    unitColumns.accessor('name', { header: 'Name', enableSorting: true }),
    unitColumns.display({
      id: 'type',
      header: 'Type',
      cell: ({ row }) => typeName.get(row.original.equipmentTypeId) ?? '…',
    }),
    unitColumns.accessor('status', {
      header: 'Status',
      enableSorting: true,
      cell: ({ row }) => (
        <Badge variant="light" color={UNIT_STATUS_COLOR[row.original.status]} miw="max-content">
          {UNIT_STATUS_LABEL[row.original.status]}
        </Badge>
      ),
    }),
    unitColumns.display({
      id: 'actions',
      header: () => <span className="visually-hidden">Actions</span>,
      cell: ({ row }) => (
        <Group gap={4} wrap="nowrap">
          <Button
            size="compact-sm"
            variant="subtle"
            aria-label={`Edit ${row.original.code}`}
            onClick={() => editor.edit(row.original)}
          >
            Edit
          </Button>
          {row.original.status !== 'retired' && row.original.status !== 'dispatched' && (
            <AskButton
              label="Retire"
              ariaLabel={`Retire ${row.original.code}`}
              onAsk={() =>
                question.ask({
                  title: `Retire ${row.original.code}?`,
                  confirmLabel: 'Retire unit',
                  done: `${row.original.code} retired.`,
                  run: () =>
                    update.mutateAsync({ id: row.original.id, data: { status: 'retired' } }),
                  body: `${row.original.name} is no longer dispatched. Its history stays; you can make it available again by editing it.`,
                })
              }
            />
          )}
        </Group>
      ),
    }),
  ]);
  return (
    <section className="panel" aria-labelledby="admin-units">
      <h2 id="admin-units">Units</h2>
      <DataTable
        label="Units"
        testId="units"
        columns={columns}
        data={units.data}
        loading={units.isFetching}
        error={units.isError ? 'The units could not be loaded.' : undefined}
        paging={paging}
        rowId={(unit) => unit.id}
        rowAttributes={(unit) => ({ 'data-code': unit.code })}
        searchPlaceholder="Code or name"
        filters={
          <>
            <Select
              label="Status"
              placeholder="Any status"
              clearable
              data={STATUS_FILTER}
              value={status}
              onChange={(value) => setStatus(value as EquipmentStatus | null)}
              className="data-table__filter"
            />
            <Select
              label="Type"
              placeholder="Any type"
              clearable
              searchable
              data={(types.data?.items ?? []).map((type) => ({
                value: type.id,
                label: type.name,
              }))}
              value={typeId}
              onChange={setTypeId}
              className="data-table__filter"
            />
          </>
        }
        actions={<Button onClick={editor.create}>Add unit</Button>}
        empty="No unit matches."
      />
      {editor.editing && <UnitEditor unit={editor.editing.record} onClose={editor.close} />}
      {question.dialog}
    </section>
  );
}

function EquipmentTypesPanel() {
  const paging = useListPaging();
  const list = useEquipmentTypesList(paging.query);
  const remove = useEquipmentTypesRemove();
  const editor = useEditor<EquipmentTypeView>();
  const question = useQuestion();
  const columns = typeColumns.columns([
    typeColumns.accessor('code', { header: 'Code', enableSorting: true }),
    typeColumns.accessor('name', { header: 'Name', enableSorting: true }),
    typeColumns.display({
      id: 'requires',
      header: 'Drivers must hold',
      cell: ({ row }) =>
        row.original.requiredQualifications.map((required) => required.code).join(', ') ||
        'nothing',
    }),
    typeColumns.display({
      id: 'actions',
      header: () => <span className="visually-hidden">Actions</span>,
      cell: ({ row }) => (
        <Group gap={4} wrap="nowrap">
          <Button
            size="compact-sm"
            variant="subtle"
            aria-label={`Edit ${row.original.code}`}
            onClick={() => editor.edit(row.original)}
          >
            Edit
          </Button>
          <AskButton
            label="Delete"
            ariaLabel={`Delete ${row.original.code}`}
            onAsk={() =>
              question.ask({
                title: `Delete ${row.original.name}?`,
                confirmLabel: 'Delete type',
                done: `${row.original.name} deleted.`,
                run: () => remove.mutateAsync({ id: row.original.id }),
                body: 'The type is removed for good. A type that units or work orders still use cannot be deleted.',
              })
            }
          />
        </Group>
      ),
    }),
  ]);
  return (
    <section className="panel" aria-labelledby="admin-equipment-types">
      <h2 id="admin-equipment-types">Equipment types</h2>
      <DataTable
        label="Equipment types"
        testId="equipment-types"
        columns={columns}
        data={list.data}
        loading={list.isFetching}
        error={list.isError ? 'The equipment types could not be loaded.' : undefined}
        paging={paging}
        rowId={(type) => type.id}
        searchPlaceholder="Code or name"
        actions={<Button onClick={editor.create}>Add type</Button>}
        empty="No equipment type yet: add the first one."
      />
      {editor.editing && (
        <EditorDialog
          title={
            editor.editing.record ? `Edit ${editor.editing.record.name}` : 'New equipment type'
          }
          testId="equipment-type-dialog"
          onClose={editor.close}
        >
          <EquipmentTypeForm type={editor.editing.record} onDone={editor.close} />
        </EditorDialog>
      )}
      {question.dialog}
    </section>
  );
}

function EquipmentTypeForm({
  type,
  onDone,
}: {
  type: EquipmentTypeView | undefined;
  onDone: () => void;
}) {
  const create = useEquipmentTypesCreate();
  const update = useEquipmentTypesUpdate();
  const qualifications = useQualificationsList({ limit: 200 });
  const queryClient = useQueryClient();
  const form = useForm<EquipmentTypeFormValues, unknown, CheckedEquipmentTypeForm>({
    resolver: zodResolver(equipmentTypeFormSchema),
    defaultValues: equipmentTypeFormFromRecord(type),
  });
  const { errors } = form.formState;
  const mutation = type ? update : create;
  const submit = form.handleSubmit((checked) => {
    const data = toEquipmentTypeDto(checked);
    const saved = (saved: EquipmentTypeView) => {
      toast(`${saved.name} ${type ? 'saved' : 'added'}.`);
      void queryClient.invalidateQueries();
      onDone();
    };
    if (type) update.mutate({ id: type.id, data }, { onSuccess: saved });
    else create.mutate({ data }, { onSuccess: saved });
  });
  return (
    <form onSubmit={(event) => void submit(event)} noValidate data-testid="equipment-type-form">
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
          name="requiredQualificationIds"
          render={({ field }) => (
            <MultiSelect
              className="span-all"
              label="Drivers must hold"
              placeholder="No qualification needed"
              searchable
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
      </SimpleGrid>
      <FormFooter
        submitLabel={type ? 'Save type' : 'Add type'}
        pending={mutation.isPending}
        error={mutation.error}
        onCancel={onDone}
      />
    </form>
  );
}
