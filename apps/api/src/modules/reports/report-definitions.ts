import { COMPLETION_SQL, DRIVERS_SQL, QUEUE_SQL, UTILIZATION_SQL } from './report-sql';
import type { CompletionRow, DriverRow, QueueRow, UtilizationRow } from './dto/report-rows.dto';

interface ReportDefinition<Row> {
  sql: string;
  /** CSV columns, in order: the row's keys. */
  columns: readonly (keyof Row & string)[];
}

const utilization: ReportDefinition<UtilizationRow> = {
  sql: UTILIZATION_SQL,
  columns: [
    'level',
    'equipmentTypeCode',
    'equipmentTypeName',
    'equipmentId',
    'equipmentCode',
    'equipmentName',
    'units',
    'dispatches',
    'inServiceHours',
    'dispatchedHours',
    'otherSitesHours',
    'maintenanceHours',
    'idleHours',
    'dispatchedShare',
    'otherSitesShare',
    'maintenanceShare',
    'idleShare',
  ],
};

const completion: ReportDefinition<CompletionRow> = {
  sql: COMPLETION_SQL,
  columns: [
    'day',
    'created',
    'dispatched',
    'completed',
    'cancelled',
    'toDispatchMedianMinutes',
    'toDispatchP90Minutes',
    'toOnSiteMedianMinutes',
    'toOnSiteP90Minutes',
    'toCompletionMedianMinutes',
    'toCompletionP90Minutes',
    'windowsClosed',
    'onTime',
    'onTimeRate',
  ],
};

const queue: ReportDefinition<QueueRow> = {
  sql: QUEUE_SQL,
  columns: [
    'priority',
    'waitingNow',
    'scheduledNow',
    'longestWaitMinutes',
    'longestWaitingWorkOrderNumber',
    'dispatched',
    'waitMedianMinutes',
    'waitP90Minutes',
    'waitP99Minutes',
  ],
};

const drivers: ReportDefinition<DriverRow> = {
  sql: DRIVERS_SQL,
  columns: ['level', 'driverId', 'driverName', 'dispatches', 'completed', 'hoursOnDispatch'],
};

export const REPORTS = { utilization, completion, queue, drivers } as const;
export type ReportName = keyof typeof REPORTS;
