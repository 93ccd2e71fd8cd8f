import { describe, expect, it } from 'vitest';
import type { DriverRow, QueueRow, UtilizationRow } from '@dispatch/api-client';
import {
  completionSeries,
  hasOtherSites,
  isActiveDay,
  leadTimes,
  queueBars,
  topDriversByHours,
  utilizationBars,
} from './report-charts';
import { completionDay, driverRow } from './report-rows.fixtures';

const utilization = (row: Partial<UtilizationRow>): UtilizationRow => ({
  level: 'unit',
  equipmentTypeCode: 'crane',
  equipmentTypeName: 'Crane',
  equipmentId: null,
  equipmentCode: null,
  equipmentName: null,
  units: 1,
  dispatches: 0,
  inServiceHours: 10,
  dispatchedHours: 0,
  otherSitesHours: 0,
  maintenanceHours: 0,
  idleHours: 10,
  dispatchedShare: 0,
  otherSitesShare: 0,
  maintenanceShare: 0,
  idleShare: 1,
  ...row,
});

const day = completionDay;

const driver = (name: string | null, hours: number, level: DriverRow['level'] = 'driver') =>
  driverRow(name, hours, { level });

describe('report charts', () => {
  it('charts each type’s time as percentages, leaving units and the total to the table', () => {
    const bars = utilizationBars([
      utilization({ level: 'type', dispatchedShare: 0.25, maintenanceShare: 0.1, idleShare: 0.65 }),
      utilization({ level: 'unit', equipmentCode: 'CR-1' }),
      utilization({ level: 'total', equipmentTypeCode: null, equipmentTypeName: null }),
    ]);
    expect(bars).toEqual([
      {
        type: 'crane',
        name: 'Crane',
        dispatched: 25,
        otherSites: 0,
        maintenance: 10,
        idle: 65,
      },
    ]);
    expect(
      utilizationBars([utilization({ level: 'type', dispatchedShare: null, idleShare: null })])[0],
    ).toMatchObject({ dispatched: null, idle: null });
  });

  it('notices work for other sites only when a unit did some', () => {
    expect(hasOtherSites([utilization({})])).toBe(false);
    expect(hasOtherSites([utilization({ otherSitesHours: 0.5 })])).toBe(true);
  });

  it('keeps quiet days in the chart but not in the table', () => {
    const rows = [day({ day: '2026-11-20' }), day({ day: '2026-11-21', created: 2, completed: 1 })];
    expect(rows.filter(isActiveDay).map((row) => row.day)).toEqual(['2026-11-21']);
    expect(isActiveDay(day({ windowsClosed: 1 }))).toBe(true);
    expect(completionSeries(rows)).toEqual([
      { day: '2026-11-20', created: 0, dispatched: 0, completed: 0, cancelled: 0 },
      { day: '2026-11-21', created: 2, dispatched: 0, completed: 1, cancelled: 0 },
    ]);
  });

  it('lists the lead times of the total', () => {
    const rows = leadTimes(
      day({ day: 'total', toDispatchMedianMinutes: 1.5, toCompletionP90Minutes: 300 }),
    );
    expect(rows.map((row) => row.stage)).toEqual([
      'Created → dispatched',
      'Created → on site',
      'Created → completed',
    ]);
    expect(rows[0].median).toBe(1.5);
    expect(rows[2].p90).toBe(300);
    expect(rows[1].median).toBeNull();
  });

  it('charts waiting by priority, without the total', () => {
    const row = (priority: QueueRow['priority'], median: number | null): QueueRow => ({
      priority,
      waitingNow: 1,
      scheduledNow: 2,
      longestWaitMinutes: null,
      longestWaitingWorkOrderNumber: null,
      dispatched: 3,
      waitMedianMinutes: median,
      waitP90Minutes: null,
      waitP99Minutes: null,
    });
    expect(queueBars([row('urgent', 4), row('low', null), row('total', 4)])).toEqual([
      { priority: 'urgent', median: 4, p90: null, p99: null, waitingNow: 1, scheduledNow: 2 },
      { priority: 'low', median: null, p90: null, p99: null, waitingNow: 1, scheduledNow: 2 },
    ]);
  });

  it('ranks drivers by hours on dispatch, ties by name, and keeps the top ones', () => {
    const rows = [
      driver('Zoe', 3),
      driver('Adam', 3),
      driver('Maria', 8.5),
      driver(null, 1),
      driver(null, 99, 'total'),
    ];
    expect(topDriversByHours(rows)).toEqual([
      { driver: 'Maria', hours: 8.5 },
      { driver: 'Adam', hours: 3 },
      { driver: 'Zoe', hours: 3 },
      { driver: 'Unknown driver', hours: 1 },
    ]);
    expect(topDriversByHours(rows, 2).map((bar) => bar.driver)).toEqual(['Maria', 'Adam']);
  });
});
