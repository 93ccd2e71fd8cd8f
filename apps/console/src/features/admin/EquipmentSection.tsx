import {
  EquipmentListSort,
  EquipmentTypesListSort,
  type EquipmentStatus,
  type EquipmentTypeView,
  type EquipmentView,
  useEquipmentList,
  useEquipmentTypesCreate,
  useEquipmentTypesList,
  useEquipmentTypesRemove,
  useEquipmentTypesUpdate,
  useEquipmentUpdate,
} from '@dispatch/api-client';
import { Badge, MultiSelect, Select } from '@mantine/core';
import { useState } from 'react';
import { Controller } from 'react-hook-form';
import { controlled } from '../../ui/controlled';
import { tableColumns, useListPaging } from '../../ui/DataTable';
import { RouterAnchor } from '../../ui/links';
import {
  equipmentTypeFormFromRecord,
  equipmentTypeFormSchema,
  toEquipmentTypeDto,
} from './admin-forms';
import { CodeAndName, EditorDialog, EditorForm } from './EditorDialog';
import { RecordSection } from './RecordSection';
import { UnitEditor } from './UnitForm';
import { UNIT_STATUS_COLOR, UNIT_STATUS_LABEL } from './unit-status';
import { useRecordForm } from './useRecordForm';
import { useAllEquipmentTypes, useAllQualifications } from '../records/whole-lists';

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

function UnitsPanel() {
  const [status, setStatus] = useState<EquipmentStatus | null>(null);
  const [typeId, setTypeId] = useState<string | null>(null);
  const paging = useListPaging({ sorts: EquipmentListSort, initialSort: 'code' }, status, typeId);
  const units = useEquipmentList({
    ...paging.query,
    ...(status ? { status } : {}),
    ...(typeId ? { equipmentTypeId: typeId } : {}),
  });
  const types = useAllEquipmentTypes();
  const update = useEquipmentUpdate();
  const typeName = new Map((types.data?.items ?? []).map((type) => [type.id, type.name]));
  return (
    <RecordSection
      headingId="admin-units"
      heading="Units"
      label="Units"
      testId="units"
      list={units}
      loadError="The units could not be loaded."
      paging={paging}
      columns={unitColumns.columns([
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
      ])}
      rowName={(unit) => unit.code}
      rowQuestion={(unit) =>
        unit.status === 'retired' || unit.status === 'dispatched'
          ? undefined
          : {
              label: 'Retire',
              question: {
                title: `Retire ${unit.code}?`,
                confirmLabel: 'Retire unit',
                done: `${unit.code} retired.`,
                run: () => update.mutateAsync({ id: unit.id, data: { status: 'retired' } }),
                body: `${unit.name} is no longer dispatched. Its history stays; you can make it available again by editing it.`,
              },
            }
      }
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
      addLabel="Add unit"
      empty="No unit matches."
      editor={(unit, close) => <UnitEditor unit={unit} onClose={close} />}
    />
  );
}

function EquipmentTypesPanel() {
  const paging = useListPaging({ sorts: EquipmentTypesListSort, initialSort: 'code' });
  const list = useEquipmentTypesList(paging.query);
  const remove = useEquipmentTypesRemove();
  return (
    <RecordSection
      headingId="admin-equipment-types"
      heading="Equipment types"
      label="Equipment types"
      testId="equipment-types"
      list={list}
      loadError="The equipment types could not be loaded."
      paging={paging}
      columns={typeColumns.columns([
        typeColumns.accessor('code', { header: 'Code', enableSorting: true }),
        typeColumns.accessor('name', { header: 'Name', enableSorting: true }),
        typeColumns.display({
          id: 'requires',
          header: 'Drivers must hold',
          cell: ({ row }) =>
            row.original.requiredQualifications.map((required) => required.code).join(', ') ||
            'nothing',
        }),
      ])}
      rowName={(type) => type.code}
      rowQuestion={(type) => ({
        label: 'Delete',
        question: {
          title: `Delete ${type.name}?`,
          confirmLabel: 'Delete type',
          done: `${type.name} deleted.`,
          run: () => remove.mutateAsync({ id: type.id }),
          body: 'The type is removed for good. A type that units or work orders still use cannot be deleted.',
        },
      })}
      searchPlaceholder="Code or name"
      addLabel="Add type"
      empty="No equipment type yet: add the first one."
      editor={(type, close) => (
        <EditorDialog
          title={type ? `Edit ${type.name}` : 'New equipment type'}
          testId="equipment-type-dialog"
          onClose={close}
        >
          <EquipmentTypeForm type={type} onDone={close} />
        </EditorDialog>
      )}
    />
  );
}

function EquipmentTypeForm({
  type,
  onDone,
}: {
  type: EquipmentTypeView | undefined;
  onDone: () => void;
}) {
  const qualifications = useAllQualifications();
  const { form, errors, formProps } = useRecordForm({
    record: type,
    schema: equipmentTypeFormSchema,
    defaultValues: equipmentTypeFormFromRecord(type),
    create: useEquipmentTypesCreate(),
    update: useEquipmentTypesUpdate(),
    toCreate: toEquipmentTypeDto,
    toUpdate: toEquipmentTypeDto,
    nameOf: (saved) => saved.name,
    onDone,
  });
  return (
    <EditorForm
      testId="equipment-type-form"
      submitLabel={type ? 'Save type' : 'Add type'}
      {...formProps}
    >
      <CodeAndName code={form.register('code')} name={form.register('name')} errors={errors} />
      <Controller
        control={form.control}
        name="requiredQualificationIds"
        render={({ field, fieldState }) => (
          <MultiSelect
            className="span-all"
            label="Drivers must hold"
            placeholder="No qualification needed"
            searchable
            data={(qualifications.data?.items ?? []).map((qualification) => ({
              value: qualification.id,
              label: `${qualification.code} · ${qualification.name}`,
            }))}
            {...controlled(field, fieldState)}
          />
        )}
      />
    </EditorForm>
  );
}
