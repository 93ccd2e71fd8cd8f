import type { CompletionRow, DriverRow } from '@dispatch/api-client';

/** A completion report day with nothing in it, plus what a test sets. */
export const completionDay = (row: Partial<CompletionRow>): CompletionRow => ({
  day: '2026-11-21',
  created: 0,
  dispatched: 0,
  completed: 0,
  cancelled: 0,
  toDispatchMedianMinutes: null,
  toDispatchP90Minutes: null,
  toOnSiteMedianMinutes: null,
  toOnSiteP90Minutes: null,
  toCompletionMedianMinutes: null,
  toCompletionP90Minutes: null,
  windowsClosed: 0,
  onTime: 0,
  onTimeRate: null,
  ...row,
});

/** A drivers report row for `name` (also its id) with `hours` on dispatch. */
export const driverRow = (
  name: string | null,
  hours: number,
  row: Partial<DriverRow> = {},
): DriverRow => ({
  level: 'driver',
  driverId: name,
  driverName: name,
  dispatches: 1,
  completed: 1,
  hoursOnDispatch: hours,
  ...row,
});
