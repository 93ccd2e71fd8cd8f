import type { CompletionRow, DriverRow, QueueRow, UtilizationRow } from '@dispatch/api-client';
import { toPercent } from './report-format';

/** One bar per equipment type: how its in-service time was spent, in percent (stacks to 100). */
export interface UtilizationBar {
  type: string;
  name: string;
  dispatched: number | null;
  otherSites: number | null;
  maintenance: number | null;
  idle: number | null;
}

export function utilizationBars(rows: readonly UtilizationRow[]): UtilizationBar[] {
  return rows
    .filter((row) => row.level === 'type')
    .map((row) => ({
      type: row.equipmentTypeCode ?? '?',
      name: row.equipmentTypeName ?? row.equipmentTypeCode ?? '?',
      dispatched: toPercent(row.dispatchedShare),
      otherSites: toPercent(row.otherSitesShare),
      maintenance: toPercent(row.maintenanceShare),
      idle: toPercent(row.idleShare),
    }));
}

/** Any unit in the filtered report spent time on work for other sites (only then is it charted). */
export function hasOtherSites(rows: readonly UtilizationRow[]): boolean {
  return rows.some((row) => row.otherSitesHours > 0);
}

/** A day that saw anything happen, for the table (the chart keeps the quiet days as zeros). */
export function isActiveDay(row: CompletionRow): boolean {
  return row.created + row.dispatched + row.completed + row.cancelled + row.windowsClosed > 0;
}

export interface CompletionPoint {
  day: string;
  created: number;
  dispatched: number;
  completed: number;
  cancelled: number;
}

export function completionSeries(rows: readonly CompletionRow[]): CompletionPoint[] {
  return rows.map(({ day, created, dispatched, completed, cancelled }) => ({
    day,
    created,
    dispatched,
    completed,
    cancelled,
  }));
}

/** Lead times of the range's orders (the total row), as a small table's rows. */
export function leadTimes(
  total: CompletionRow,
): { stage: string; median: number | null; p90: number | null }[] {
  return [
    {
      stage: 'Created → dispatched',
      median: total.toDispatchMedianMinutes,
      p90: total.toDispatchP90Minutes,
    },
    {
      stage: 'Created → on site',
      median: total.toOnSiteMedianMinutes,
      p90: total.toOnSiteP90Minutes,
    },
    {
      stage: 'Created → completed',
      median: total.toCompletionMedianMinutes,
      p90: total.toCompletionP90Minutes,
    },
  ];
}

export interface QueueBar {
  priority: string;
  median: number | null;
  p90: number | null;
  p99: number | null;
  waitingNow: number;
  scheduledNow: number;
}

export function queueBars(rows: readonly QueueRow[]): QueueBar[] {
  return rows
    .filter((row) => row.priority !== 'total')
    .map((row) => ({
      priority: row.priority,
      median: row.waitMedianMinutes,
      p90: row.waitP90Minutes,
      p99: row.waitP99Minutes,
      waitingNow: row.waitingNow,
      scheduledNow: row.scheduledNow,
    }));
}

export interface DriverBar {
  driver: string;
  hours: number;
}

/** The drivers with the most hours on dispatch, most first (ties by name), at most `limit`. */
export function topDriversByHours(rows: readonly DriverRow[], limit = 20): DriverBar[] {
  return rows
    .filter((row) => row.level === 'driver')
    .map((row) => ({ driver: row.driverName ?? 'Unknown driver', hours: row.hoursOnDispatch }))
    .sort((a, b) => b.hours - a.hours || a.driver.localeCompare(b.driver))
    .slice(0, limit);
}
