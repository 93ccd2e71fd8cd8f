import { Priority, RECORD_PAST_DISPATCH_SQL } from '@dispatch/domain';
import type { EntityManager } from 'typeorm';

/** What the history needs to know of the seeded tenant. */
export interface HistoryCast {
  siteIds: string[];
  units: { id: string; equipmentTypeId: string; requires: string[]; title: string }[];
  drivers: { id: string; holds: Set<string> }[];
}

const DAYS = 60;
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Weighted like a real board: mostly standard work, a few emergencies. */
function pickPriority(roll: number): Priority {
  if (roll < 0.03) return Priority.Emergency;
  if (roll < 0.18) return Priority.Urgent;
  if (roll < 0.88) return Priority.Standard;
  return Priority.Low;
}

interface PastJob {
  order: {
    title: string;
    siteId: string;
    equipmentTypeId: string;
    priority: Priority;
    createdAt: Date;
    window: [Date, Date] | null;
    status: 'completed' | 'cancelled';
    finishedAt: Date;
  };
  dispatch: {
    equipmentId: string;
    driverId: string;
    assignedAt: Date;
    acknowledgedAt: Date;
    enRouteAt: Date | null;
    onSiteAt: Date | null;
  };
}

/**
 * Plans two months of finished work for the demo so the reports have something to show: each
 * day most units take one job with a qualified driver who has no other job that day, some units
 * spend a couple of days in maintenance instead, and a few jobs are called off on the way.
 */
export function planHistory(
  cast: HistoryCast,
  next: () => number,
  now = Date.now(),
): {
  jobs: PastJob[];
  maintenance: { equipmentId: string; startedAt: Date; endedAt: Date }[];
} {
  const jobs: PastJob[] = [];
  const maintenance: { equipmentId: string; startedAt: Date; endedAt: Date }[] = [];
  const today = Math.floor(now / (24 * HOUR)) * 24 * HOUR;
  const inMaintenance = new Map<string, number>();
  for (const unit of cast.units) {
    if (next() < 0.4) {
      const day = 2 + Math.floor(next() * (DAYS - 4));
      inMaintenance.set(unit.id, day);
      maintenance.push({
        equipmentId: unit.id,
        startedAt: new Date(today - day * 24 * HOUR + 7 * HOUR),
        endedAt: new Date(today - (day - 2) * 24 * HOUR + 12 * HOUR),
      });
    }
  }
  for (let day = DAYS; day >= 1; day -= 1) {
    const dayStart = today - day * 24 * HOUR;
    const weekend = [0, 6].includes(new Date(dayStart).getUTCDay());
    const busyDrivers = new Set<string>();
    for (const unit of cast.units) {
      const down = inMaintenance.get(unit.id);
      if (down !== undefined && day <= down && day >= down - 2) continue;
      if (next() > (weekend ? 0.25 : 0.7)) continue;
      const driver = cast.drivers.find(
        (candidate) =>
          !busyDrivers.has(candidate.id) &&
          unit.requires.every((code) => candidate.holds.has(code)),
      );
      if (!driver) continue;
      busyDrivers.add(driver.id);
      const assignedAt = new Date(dayStart + 13 * HOUR + Math.floor(next() * 8 * HOUR));
      const waited = next() < 0.8 ? next() * 2 * MINUTE : next() * 90 * MINUTE;
      const createdAt = new Date(assignedAt.getTime() - waited);
      const onSiteAt = new Date(assignedAt.getTime() + (20 + next() * 50) * MINUTE);
      const cancelled = next() < 0.05;
      const finishedAt = cancelled
        ? new Date(assignedAt.getTime() + 15 * MINUTE)
        : new Date(onSiteAt.getTime() + (45 + next() * 300) * MINUTE);
      if (finishedAt.getTime() > now - HOUR) continue; // only work that is over
      const windowed = next() < 0.3;
      jobs.push({
        order: {
          title: unit.title,
          siteId: cast.siteIds[Math.floor(next() * cast.siteIds.length)],
          equipmentTypeId: unit.equipmentTypeId,
          priority: pickPriority(next()),
          createdAt,
          window: windowed
            ? [
                new Date(assignedAt.getTime() - 30 * MINUTE),
                // Most windows are met; some close before the unit arrives.
                new Date(onSiteAt.getTime() + (next() < 0.85 ? 1 : -1) * 20 * MINUTE),
              ]
            : null,
          status: cancelled ? 'cancelled' : 'completed',
          finishedAt,
        },
        dispatch: {
          equipmentId: unit.id,
          driverId: driver.id,
          assignedAt,
          acknowledgedAt: new Date(assignedAt.getTime() + 2 * MINUTE),
          enRouteAt: cancelled ? null : new Date(assignedAt.getTime() + 6 * MINUTE),
          onSiteAt: cancelled ? null : onSiteAt,
        },
      });
    }
  }
  return { jobs, maintenance };
}

/** Writes the planned history; the database's triggers derive the reporting periods from it. */
export async function seedHistory(
  manager: EntityManager,
  cast: HistoryCast,
  next: () => number,
): Promise<number> {
  const { jobs, maintenance } = planHistory(cast, next);
  await manager.query(`UPDATE equipment SET created_at = now() - interval '${DAYS + 30} days'`);
  for (const period of maintenance) {
    await manager.query(
      `INSERT INTO equipment_status_periods (equipment_id, status, started_at, ended_at)
       VALUES ($1, 'maintenance', $2, $3)`,
      [period.equipmentId, period.startedAt, period.endedAt],
    );
  }
  for (const { order, dispatch } of jobs) {
    const [{ id }] = (await manager.query(
      `INSERT INTO work_orders (title, site_id, equipment_type_id, priority, window_start, window_end,
                                status, created_by, created_at, completed_at, cancelled_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'seed', $8, $9, $10) RETURNING id`,
      [
        order.title,
        order.siteId,
        order.equipmentTypeId,
        order.priority,
        order.window?.[0] ?? null,
        order.window?.[1] ?? null,
        order.status,
        order.createdAt,
        order.status === 'completed' ? order.finishedAt : null,
        order.status === 'cancelled' ? order.finishedAt : null,
      ],
    )) as { id: string }[];
    // The dispatch with the history the engine would have written for it.
    await manager.query(RECORD_PAST_DISPATCH_SQL, [
      id,
      dispatch.equipmentId,
      dispatch.driverId,
      order.status,
      dispatch.assignedAt,
      dispatch.acknowledgedAt,
      dispatch.enRouteAt,
      dispatch.onSiteAt,
      order.status === 'completed' ? order.finishedAt : null,
      order.status === 'cancelled' ? order.finishedAt : null,
    ]);
  }
  return jobs.length;
}
