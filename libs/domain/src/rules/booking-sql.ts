import { effectiveRankSql } from './queue-order';

/**
 * The rules of "what fits", written once as SQL for every place that asks: the engine's matching,
 * the queue and its explanations, hand-dispatch candidates, reports and the history generator.
 * Each takes the SQL aliases of the rows it talks about. The same rules in TypeScript (for one
 * row at a time) are in `fitness.ts`, `qualification-rules.ts` and `queue-order.ts`.
 */

/** A unit the engine may book: available. */
export function freeUnitSql(unit = 'e'): string {
  return `${unit}.status = 'available'`;
}

/** A driver the engine may book: on duty and on no open dispatch. */
export function freeDriverSql(driver = 'd'): string {
  return `(${driver}.duty_status = 'on_duty' AND ${driver}.active_dispatch_id IS NULL)`;
}

/** The ids of every qualification a driver of the order needs: its type's and its own. */
export function requiredQualificationsSql(order = 'wo'): string {
  return `ARRAY(SELECT qualification_id FROM equipment_type_required_qualifications WHERE equipment_type_id = ${order}.equipment_type_id
                UNION SELECT qualification_id FROM work_order_required_qualifications WHERE work_order_id = ${order}.id)`;
}

/**
 * The day the work is due (qualifications must be valid through it): the end of the order's
 * time window if that is still ahead, else today (UTC), as `dueDate()` in TypeScript.
 */
export function dueDateSql(order = 'wo'): string {
  return `(GREATEST(coalesce(${order}.window_end, now()), now()) AT TIME ZONE 'UTC')::date`;
}

/** The driver holds every one of `required` (a uuid[] expression), each valid through `due`. */
export function qualifiedThroughSql(driver: string, required: string, due: string): string {
  return `NOT EXISTS (SELECT 1 FROM unnest(${required}) AS needed(id)
                      WHERE NOT EXISTS (SELECT 1 FROM driver_qualifications held
                                         WHERE held.driver_id = ${driver}.id AND held.qualification_id = needed.id
                                           AND held.expires_at >= ${due}))`;
}

/** How many of the driver's qualifications the order does not need (fewer keeps scarce skills free). */
export function otherQualificationsSql(driver: string, required: string): string {
  return `(SELECT count(*) FROM driver_qualifications held WHERE held.driver_id = ${driver}.id AND NOT (held.qualification_id = ANY(${required})))`;
}

/** Great-circle distance in km from a unit to a point; NULL when the unit's position is unknown. */
export function distanceKmSql(unit: string, latitude: string, longitude: string): string {
  return `(CASE WHEN ${unit}.latitude IS NULL OR ${unit}.longitude IS NULL THEN NULL ELSE
            2 * 6371 * asin(sqrt(power(sin(radians(${unit}.latitude - ${latitude}) / 2), 2)
              + cos(radians(${latitude})) * cos(radians(${unit}.latitude)) * power(sin(radians(${unit}.longitude - ${longitude}) / 2), 2)))
          END)::float8`;
}

/**
 * Dispatches a unit or a driver (the row aliased `alias`) was given today: its count when it was
 * counted today, else 0. Written without CASE: Citus refuses a CASE or COALESCE holding a
 * non-immutable function (`current_date`) in an UPDATE's SET list (it evaluates those on the
 * coordinator, and CASE evaluates lazily).
 */
export function usedTodaySql(alias: string): string {
  return `(${alias}.assignments_today * (${alias}.assignments_day IS NOT DISTINCT FROM current_date)::int)`;
}

/** SET clause counting one more assignment today for the row being updated (alias `alias`). */
export function countAssignmentSql(alias: string): string {
  return `assignments_today = ${usedTodaySql(alias)} + 1, assignments_day = current_date`;
}

/** The queue's timing rules, with the tenant-wide settings they depend on. */
export interface QueueTiming {
  /** Seconds a queued order waits before it is served as one priority higher. */
  agingSeconds: number;
  /** Minutes before its window starts that scheduled work becomes the engine's to dispatch. */
  leadMinutes: number;
}

/** When an order started waiting: its creation, or for scheduled work the start of its lead time. */
export function queuedSinceSql(timing: Pick<QueueTiming, 'leadMinutes'>, order = 'wo'): string {
  return queuedSinceSqlWith(String(timing.leadMinutes), order);
}

/** The same with the lead time as an SQL integer expression (a statement's parameter such as `$8::int`). */
export function queuedSinceSqlWith(leadMinutes: string, order = 'wo'): string {
  return `GREATEST(${order}.created_at, coalesce(${order}.window_start - make_interval(mins => ${leadMinutes}), ${order}.created_at))`;
}

/** The engine may dispatch the order now: no window, or a window starting within the lead time. */
export function dueNowSql(timing: QueueTiming, order = 'wo'): string {
  return `(${order}.window_start IS NULL OR ${order}.window_start <= now() + make_interval(mins => ${timing.leadMinutes}))`;
}

/** ORDER BY of the queue: effective priority (with aging), then oldest, then number. */
export function servingOrderSql(timing: QueueTiming, order = 'wo'): string {
  return `${effectiveRankSql(timing.agingSeconds, order, queuedSinceSql(timing, order))} DESC, ${order}.created_at ASC, ${order}.number ASC`;
}

/**
 * Writes a dispatch that happened in the past (demo data, test fixtures, imports) with the
 * history the engine keeps for it: its assignment period and its order's first dispatch and
 * arrival. Parameters: $1 work order, $2 unit, $3 driver, $4 status, $5 assigned_at,
 * $6 acknowledged_at, $7 en_route_at, $8 on_site_at, $9 completed_at, $10 cancelled_at.
 */
export const RECORD_PAST_DISPATCH_SQL = `
  WITH booked AS (
    INSERT INTO dispatches (work_order_id, equipment_id, driver_id, status, dispatched_by,
                            assigned_at, acknowledged_at, en_route_at, on_site_at, completed_at, cancelled_at)
    VALUES ($1, $2, $3, $4, 'auto', $5, $6, $7, $8, $9, $10)
    RETURNING id, work_order_id, equipment_id, driver_id, status, assigned_at, on_site_at,
              coalesce(completed_at, cancelled_at) AS ended_at),
  first_times AS (
    UPDATE work_orders o SET dispatched_at = LEAST(coalesce(o.dispatched_at, booked.assigned_at), booked.assigned_at),
                             on_site_at = coalesce(o.on_site_at, booked.on_site_at)
      FROM booked WHERE o.id = booked.work_order_id RETURNING o.site_id)
  INSERT INTO assignment_periods (dispatch_id, equipment_id, driver_id, site_id, started_at, ended_at, end_reason)
  SELECT booked.id, booked.equipment_id, booked.driver_id, first_times.site_id, booked.assigned_at,
         CASE WHEN booked.status IN ('completed', 'cancelled') THEN GREATEST(coalesce(booked.ended_at, now()), booked.assigned_at) END,
         CASE WHEN booked.status IN ('completed', 'cancelled') THEN booked.status END
    FROM booked, first_times
  RETURNING dispatch_id AS id`;
