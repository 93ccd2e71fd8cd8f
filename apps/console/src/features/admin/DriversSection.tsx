import {
  type DriverView,
  DriversListSort,
  type DutyStatus,
  useDriversList,
  useDriversRemove,
} from '@dispatch/api-client';
import { Badge, Group, Select } from '@mantine/core';
import dayjs from 'dayjs';
import { useState } from 'react';
import { tableColumns, useListPaging } from '../../ui/DataTable';
import { RouterAnchor } from '../../ui/links';
import { DUTY_LABEL } from './admin-forms';
import { DriverEditor } from './DriverEditor';
import { RecordSection } from './RecordSection';
import { validity, VALIDITY_LABEL } from './held-qualifications';
import { useAllQualifications } from '../records/whole-lists';

const columns = tableColumns<DriverView>();
const VALIDITY_COLOR = { valid: 'gray', expiring: 'yellow', expired: 'red' } as const;

const DUTY_FILTER = (Object.keys(DUTY_LABEL) as DutyStatus[]).map((value) => ({
  value,
  label: DUTY_LABEL[value],
}));

/** The organization's drivers: find (by name, duty, qualification), add, edit, delete. */
export function DriversSection() {
  const [duty, setDuty] = useState<DutyStatus | null>(null);
  const [qualificationId, setQualificationId] = useState<string | null>(null);
  const paging = useListPaging(
    { sorts: DriversListSort, initialSort: 'name' },
    duty,
    qualificationId,
  );
  const list = useDriversList({
    ...paging.query,
    ...(duty ? { dutyStatus: duty } : {}),
    ...(qualificationId ? { qualificationId } : {}),
  });
  const qualifications = useAllQualifications();
  const remove = useDriversRemove();
  const today = dayjs().format('YYYY-MM-DD');
  return (
    <RecordSection
      headingId="admin-drivers-title"
      heading="Drivers and qualifications"
      label="Drivers"
      testId="admin-drivers"
      list={list}
      loadError="The drivers could not be loaded."
      paging={paging}
      columns={columns.columns([
        columns.accessor('name', {
          header: 'Driver',
          enableSorting: true,
          cell: ({ row }) => (
            <RouterAnchor to="/drivers/$driverId" params={{ driverId: row.original.id }}>
              {row.original.name}
            </RouterAnchor>
          ),
        }),
        columns.accessor('username', {
          header: 'Login',
          enableSorting: true,
          cell: ({ row }) => row.original.username ?? '—',
        }),
        columns.accessor('dutyStatus', {
          header: 'Duty',
          enableSorting: true,
          cell: ({ row }) => DUTY_LABEL[row.original.dutyStatus],
        }),
        columns.display({
          id: 'qualifications',
          header: 'Qualifications',
          cell: ({ row }) => (
            <Group gap={4}>
              {row.original.qualifications.map((held) => {
                const state = validity(held.expiresAt, today);
                return (
                  <Badge
                    miw="max-content"
                    key={held.qualificationId}
                    variant="light"
                    color={VALIDITY_COLOR[state]}
                    title={`${held.name}: ${VALIDITY_LABEL[state]}, until ${held.expiresAt}`}
                    tt="none"
                  >
                    {held.code} · {held.expiresAt}
                  </Badge>
                );
              })}
              {row.original.qualifications.length === 0 && '—'}
            </Group>
          ),
        }),
      ])}
      rowName={(driver) => driver.name}
      rowQuestion={(driver) => ({
        label: 'Delete',
        question: {
          title: `Delete ${driver.name}?`,
          confirmLabel: 'Delete driver',
          done: `${driver.name} deleted.`,
          run: () => remove.mutateAsync({ id: driver.id }),
          body: 'The driver is removed for good. A driver with dispatches on record cannot be deleted: set them off duty instead.',
        },
      })}
      rowAttributes={(driver) => ({ 'data-driver': driver.id })}
      searchPlaceholder="Name, email or login"
      filters={
        <>
          <Select
            label="Duty"
            placeholder="On or off duty"
            clearable
            data={DUTY_FILTER}
            value={duty}
            onChange={(value) => setDuty(value as DutyStatus | null)}
            className="data-table__filter"
          />
          <Select
            label="Holds"
            placeholder="Any qualification"
            clearable
            searchable
            data={(qualifications.data?.items ?? []).map((qualification) => ({
              value: qualification.id,
              label: qualification.code,
            }))}
            value={qualificationId}
            onChange={setQualificationId}
            className="data-table__filter"
          />
        </>
      }
      addLabel="Add driver"
      addTestId="create-driver"
      empty="No driver matches."
      editor={(driver, close) => <DriverEditor driver={driver} onClose={close} />}
    />
  );
}
