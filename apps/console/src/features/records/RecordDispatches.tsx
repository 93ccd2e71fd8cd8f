import {
  DispatchesListSort,
  type DispatchView,
  useDispatchesList,
  useDriversGet,
} from '@dispatch/api-client';
import { Badge } from '@mantine/core';
import { DataTable, tableColumns, useListPaging } from '../../ui/DataTable';
import { RouterAnchor } from '../../ui/links';
import { STEP_LABEL } from '../board/board-logic';

const moment = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const columns = tableColumns<DispatchView>();
const OPEN_STEPS = new Set(['assigned', 'acknowledged', 'en_route', 'on_site']);

/** A driver's name, read once per driver (the cache shares it between rows). */
function DriverName({ driverId }: { driverId: string }) {
  const driver = useDriversGet(driverId);
  return <>{driver.data?.name ?? '…'}</>;
}

/**
 * The dispatches of one unit or one driver, newest first or sorted by a column, paged through the API: each links to its
 * work order; open ones are marked. The other party of each is named (the driver on a unit's page,
 * the unit on a driver's).
 */
export function RecordDispatches({
  filter,
  label,
}: {
  filter: { equipmentId: string } | { driverId: string };
  label: string;
}) {
  const paging = useListPaging(
    { pageSize: 10, sorts: DispatchesListSort, initialSort: '-assignedAt' },
    filter,
  );
  const list = useDispatchesList({ ...paging.query, ...filter });
  const forUnit = 'equipmentId' in filter;
  const dispatchColumns = columns.columns([
    columns.display({
      id: 'workOrder',
      header: 'Work order',
      cell: ({ row }) => (
        <RouterAnchor
          to="/work-orders/$workOrderId"
          params={{ workOrderId: row.original.workOrderId }}
        >
          {row.original.workOrderNumber} · {row.original.workOrderTitle}
        </RouterAnchor>
      ),
    }),
    columns.accessor('siteName', { id: 'site', header: 'Site', enableSorting: true }),
    forUnit
      ? columns.display({
          id: 'driver',
          header: 'Driver',
          cell: ({ row }) => <DriverName driverId={row.original.driverId} />,
        })
      : columns.accessor('equipmentCode', {
          id: 'unit',
          header: 'Unit',
          enableSorting: true,
          cell: ({ row }) => `${row.original.equipmentCode} · ${row.original.equipmentName}`,
        }),
    columns.accessor('status', {
      header: 'Step',
      enableSorting: true,
      cell: ({ row }) => (
        <Badge
          variant="light"
          color={OPEN_STEPS.has(row.original.status) ? 'blue' : 'gray'}
          miw="max-content"
        >
          {STEP_LABEL[row.original.status] ?? row.original.status}
        </Badge>
      ),
    }),
    columns.accessor('assignedAt', {
      header: 'Dispatched',
      enableSorting: true,
      cell: ({ row }) => moment.format(new Date(row.original.assignedAt)),
    }),
    columns.display({
      id: 'ended',
      header: 'Ended',
      cell: ({ row }) => {
        const ended = row.original.completedAt ?? row.original.cancelledAt;
        return ended ? moment.format(new Date(ended)) : '—';
      },
    }),
  ]);
  return (
    <DataTable
      label={label}
      testId="record-dispatches"
      columns={dispatchColumns}
      data={list.data}
      loading={list.isFetching}
      error={list.isError ? 'The dispatches could not be loaded.' : undefined}
      paging={paging}
      rowId={(dispatch) => dispatch.id}
      rowAttributes={(dispatch) => ({ 'data-status': dispatch.status })}
      empty="No dispatch yet."
    />
  );
}
