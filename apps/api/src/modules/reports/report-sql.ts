import { queuedSinceSqlWith } from '@dispatch/domain';

/**
 * The reports as SQL. Every statement takes the same parameters:
 *
 *   $1 range start (timestamptz, inclusive)   $2 range end (timestamptz, exclusive)
 *   $3 IANA time zone of the caller's days     $4 site id or null   $5 equipment type id or null
 *   $6 first local day (date)                  $7 last local day (date, inclusive)
 *   $8 dispatch lead time in minutes (when scheduled work becomes due)
 *
 * and returns its rows with the column names of the JSON and CSV output, the total row last.
 * Figures are computed from exact intervals in seconds and rounded once, at the end: hours to two
 * decimals, minutes to one, shares and rates to four.
 */

/** Seconds of the period [start, end) that fall inside the range [lo, hi). */
const clippedSeconds = (start: string, end: string) =>
  `greatest(0, extract(epoch FROM least(coalesce(${end}, span.hi), span.hi) - greatest(${start}, span.lo)))`;

const hours = (seconds: string) => `round(coalesce(${seconds}, 0) / 3600.0, 2)::float8`;
const minutes = (seconds: string) => `round(((${seconds}) / 60.0)::numeric, 1)::float8`;
const share = (part: string, whole: string) =>
  `round((${part})::numeric / nullif(${whole}, 0), 4)::float8`;
/** `WO-000123`, as work orders are numbered everywhere else (PostgreSQL computes a repeated aggregate once). */
const workOrderNumber = (number: string) =>
  `'WO-' || lpad((${number})::text, greatest(6, length((${number})::text)), '0')`;

/** The caller's local day of an instant. */
const localDay = (instant: string) => `(${instant} AT TIME ZONE $3)::date`;

/**
 * Counting by quarter hour first, then by local day, converts a few thousand instants instead of
 * every row's; every time zone's day starts on a quarter hour.
 */
const QUARTER_HOUR = (instant: string) =>
  `date_bin('15 minutes', ${instant}, timestamptz '2000-01-01 00:00:00+00')`;

/** The site and equipment-type filters on work orders `o`. */
const ORDER_FILTERS = `($4::uuid IS NULL OR o.site_id = $4::uuid) AND ($5::uuid IS NULL OR o.equipment_type_id = $5::uuid)`;

/** Median and 90th percentile, in seconds, from creation to first dispatch, to on site and to completion. */
const LEAD_TIMES = [
  ['dispatched_at', 'to_dispatch'],
  ['on_site_at', 'to_on_site'],
  ['completed_at', 'to_completion'],
]
  .map(
    ([column, alias]) =>
      `percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY date_part('epoch', o.${column} - o.created_at)) AS ${alias}`,
  )
  .join(', ');

/**
 * When work became due: its creation, or for scheduled work the start of its lead time ($8): the
 * moment the engine's queue counts its waiting from.
 */
const DUE_AT = queuedSinceSqlWith('$8::int', 'o');
const SERVED_IN_RANGE = `o.dispatched_at >= $1::timestamptz AND o.dispatched_at < $2::timestamptz`;
const WAIT_PERCENTILES = `percentile_cont(ARRAY[0.5, 0.9, 0.99])
  WITHIN GROUP (ORDER BY greatest(0, date_part('epoch', o.dispatched_at - ${DUE_AT}))) AS waits`;

/**
 * Declares the type of every parameter, so each statement can take the same list whether or not it
 * uses all of them (PostgreSQL refuses a parameter whose type it cannot infer).
 */
const PARAMETERS = `parameters AS (
  SELECT $1::timestamptz, $2::timestamptz, $3::text, $4::uuid, $5::uuid, $6::date, $7::date, $8::int)`;

/** Time that has not happened yet is neither busy nor idle: interval reports stop at now. */
const PAST_SPAN = `span AS (
  SELECT $1::timestamptz AS lo,
         greatest($1::timestamptz, least($2::timestamptz, now())) AS hi,
         tstzrange($1::timestamptz, greatest($1::timestamptz, least($2::timestamptz, now())), '[)') AS r)`;

const overlapsSpan = (start: string, end: string) => `tstzrange(${start}, ${end}, '[)') && span.r`;

export const UTILIZATION_SQL = `
WITH ${PARAMETERS}, ${PAST_SPAN},
work AS (
  SELECT p.equipment_id,
         sum(${clippedSeconds('p.started_at', 'p.ended_at')})
           FILTER (WHERE $4::uuid IS NULL OR p.site_id = $4::uuid) AS at_site,
         coalesce(sum(${clippedSeconds('p.started_at', 'p.ended_at')})
           FILTER (WHERE p.site_id <> $4::uuid), 0) AS elsewhere,
         count(*) FILTER (WHERE p.started_at >= span.lo AND ($4::uuid IS NULL OR p.site_id = $4::uuid)) AS dispatches
    FROM assignment_periods p, span
   WHERE ${overlapsSpan('p.started_at', 'p.ended_at')}
   GROUP BY p.equipment_id),
status AS (
  SELECT s.equipment_id,
         coalesce(sum(${clippedSeconds('s.started_at', 's.ended_at')}) FILTER (WHERE s.status = 'maintenance'), 0) AS maintenance,
         coalesce(sum(${clippedSeconds('s.started_at', 's.ended_at')}) FILTER (WHERE s.status = 'retired'), 0) AS retired
    FROM equipment_status_periods s, span
   WHERE ${overlapsSpan('s.started_at', 's.ended_at')}
   GROUP BY s.equipment_id),
units AS (
  SELECT e.id, e.code, e.name, t.code AS type_code, t.name AS type_name,
         greatest(0, extract(epoch FROM span.hi - greatest(span.lo, e.created_at)) - coalesce(st.retired, 0)) AS in_service,
         coalesce(w.at_site, 0) AS at_site,
         coalesce(w.elsewhere, 0) AS elsewhere,
         coalesce(st.maintenance, 0) AS maintenance,
         coalesce(w.dispatches, 0) AS dispatches
    FROM equipment e
    JOIN equipment_types t ON t.id = e.equipment_type_id
   CROSS JOIN span
    LEFT JOIN work w ON w.equipment_id = e.id
    LEFT JOIN status st ON st.equipment_id = e.id
   WHERE e.created_at < span.hi
     AND ($5::uuid IS NULL OR e.equipment_type_id = $5::uuid)
     AND ($4::uuid IS NULL OR w.at_site > 0 OR w.dispatches > 0)),
measured AS (
  SELECT *, greatest(0, in_service - at_site - elsewhere - maintenance) AS idle FROM units)
SELECT CASE WHEN grouping(type_code) = 1 THEN 'total' WHEN grouping(id) = 1 THEN 'type' ELSE 'unit' END AS "level",
       type_code AS "equipmentTypeCode",
       type_name AS "equipmentTypeName",
       id AS "equipmentId",
       code AS "equipmentCode",
       name AS "equipmentName",
       count(*)::int AS "units",
       coalesce(sum(dispatches), 0)::int AS "dispatches",
       ${hours('sum(in_service)')} AS "inServiceHours",
       ${hours('sum(at_site)')} AS "dispatchedHours",
       ${hours('sum(elsewhere)')} AS "otherSitesHours",
       ${hours('sum(maintenance)')} AS "maintenanceHours",
       ${hours('sum(idle)')} AS "idleHours",
       ${share('sum(at_site)', 'sum(in_service)')} AS "dispatchedShare",
       ${share('sum(elsewhere)', 'sum(in_service)')} AS "otherSitesShare",
       ${share('sum(maintenance)', 'sum(in_service)')} AS "maintenanceShare",
       ${share('sum(idle)', 'sum(in_service)')} AS "idleShare"
  FROM measured
 GROUP BY GROUPING SETS ((type_code, type_name, id, code, name), (type_code, type_name), ())
 ORDER BY grouping(type_code), type_code, grouping(id) DESC, code`;

/**
 * Counts are of events on each local day (created, first dispatched, completed, cancelled).
 * Durations are of the orders created that day. On time: a windowed order whose window closed
 * that day and whose unit was on site by then (cancelled orders are left out).
 */
export const COMPLETION_SQL = `
WITH ${PARAMETERS},
days AS (
  SELECT generate_series($6::date, $7::date, interval '1 day')::date AS day),
cohort AS (
  SELECT ${localDay('o.created_at')} AS day, count(*) AS created, ${LEAD_TIMES}
    FROM work_orders o
   WHERE o.created_at >= $1::timestamptz AND o.created_at < $2::timestamptz AND ${ORDER_FILTERS}
   GROUP BY 1),
cohort_total AS (
  SELECT count(*) AS created, ${LEAD_TIMES}
    FROM work_orders o
   WHERE o.created_at >= $1::timestamptz AND o.created_at < $2::timestamptz AND ${ORDER_FILTERS}),
events AS (
  SELECT ${localDay('e.bucket')} AS day,
         sum(e.n) FILTER (WHERE e.kind = 'dispatched') AS dispatched,
         sum(e.n) FILTER (WHERE e.kind = 'completed') AS completed,
         sum(e.n) FILTER (WHERE e.kind = 'cancelled') AS cancelled
    FROM (${['dispatched', 'completed', 'cancelled']
      .map(
        (
          kind,
        ) => `SELECT '${kind}' AS kind, ${QUARTER_HOUR(`o.${kind}_at`)} AS bucket, count(*) AS n
                     FROM work_orders o
                    WHERE o.${kind}_at >= $1::timestamptz AND o.${kind}_at < $2::timestamptz AND ${ORDER_FILTERS}
                    GROUP BY 2`,
      )
      .join(' UNION ALL ')}) e
   GROUP BY 1),
due AS (
  SELECT ${localDay('q.bucket')} AS day, sum(q.closed) AS closed, sum(q.on_time) AS on_time
    FROM (SELECT ${QUARTER_HOUR('o.window_end')} AS bucket,
                 count(*) AS closed,
                 count(*) FILTER (WHERE o.on_site_at <= o.window_end) AS on_time
            FROM work_orders o
           WHERE o.window_end >= $1::timestamptz AND o.window_end < $2::timestamptz AND o.window_end <= now()
             AND o.status <> 'cancelled' AND ${ORDER_FILTERS}
           GROUP BY 1) q
   GROUP BY 1),
daily AS (
  SELECT to_char(days.day, 'YYYY-MM-DD') AS day, 0 AS position,
         coalesce(c.created, 0) AS created, coalesce(e.dispatched, 0) AS dispatched,
         coalesce(e.completed, 0) AS completed, coalesce(e.cancelled, 0) AS cancelled,
         c.to_dispatch, c.to_on_site, c.to_completion,
         coalesce(d.closed, 0) AS closed, coalesce(d.on_time, 0) AS on_time, days.day AS sort_day
    FROM days
    LEFT JOIN cohort c ON c.day = days.day
    LEFT JOIN events e ON e.day = days.day
    LEFT JOIN due d ON d.day = days.day),
rows AS (
  SELECT * FROM daily
  UNION ALL
  SELECT 'total', 1, t.created, sum(daily.dispatched), sum(daily.completed), sum(daily.cancelled),
         t.to_dispatch, t.to_on_site, t.to_completion, sum(daily.closed), sum(daily.on_time), NULL
    FROM cohort_total t CROSS JOIN daily
   GROUP BY t.created, t.to_dispatch, t.to_on_site, t.to_completion)
SELECT day AS "day",
       created::int AS "created",
       dispatched::int AS "dispatched",
       completed::int AS "completed",
       cancelled::int AS "cancelled",
       ${minutes('to_dispatch[1]')} AS "toDispatchMedianMinutes",
       ${minutes('to_dispatch[2]')} AS "toDispatchP90Minutes",
       ${minutes('to_on_site[1]')} AS "toOnSiteMedianMinutes",
       ${minutes('to_on_site[2]')} AS "toOnSiteP90Minutes",
       ${minutes('to_completion[1]')} AS "toCompletionMedianMinutes",
       ${minutes('to_completion[2]')} AS "toCompletionP90Minutes",
       closed::int AS "windowsClosed",
       on_time::int AS "onTime",
       ${share('on_time', 'closed')} AS "onTimeRate"
  FROM rows
 ORDER BY position, sort_day`;

/**
 * Waiting is counted from when the work was due: its creation, or for scheduled work the moment
 * its window's lead time began. "Now" figures describe the queue at the time of the request.
 */
export const QUEUE_SQL = `
WITH ${PARAMETERS},
served AS (
  SELECT o.priority, count(*) AS dispatched, ${WAIT_PERCENTILES}
    FROM work_orders o
   WHERE ${SERVED_IN_RANGE} AND ${ORDER_FILTERS}
   GROUP BY o.priority
  UNION ALL
  SELECT NULL, count(*), ${WAIT_PERCENTILES}
    FROM work_orders o
   WHERE ${SERVED_IN_RANGE} AND ${ORDER_FILTERS}),
queued AS (
  SELECT o.priority, ${DUE_AT} AS due_at, o.number
    FROM work_orders o
   WHERE o.status = 'queued' AND ${ORDER_FILTERS}),
queued_now AS (
  SELECT priority,
         count(*) FILTER (WHERE due_at <= now()) AS waiting,
         count(*) FILTER (WHERE due_at > now()) AS scheduled,
         max(date_part('epoch', now() - due_at)) FILTER (WHERE due_at <= now()) AS longest,
         (array_agg(number ORDER BY due_at, number) FILTER (WHERE due_at <= now()))[1] AS longest_number
    FROM queued
   GROUP BY GROUPING SETS ((priority), ())),
priorities AS (
  SELECT * FROM (VALUES ('emergency', 0), ('urgent', 1), ('standard', 2), ('low', 3), (NULL, 4)) AS p(priority, rank))
SELECT coalesce(p.priority, 'total') AS "priority",
       coalesce(q.waiting, 0)::int AS "waitingNow",
       coalesce(q.scheduled, 0)::int AS "scheduledNow",
       ${minutes('q.longest')} AS "longestWaitMinutes",
       ${workOrderNumber('q.longest_number')} AS "longestWaitingWorkOrderNumber",
       coalesce(s.dispatched, 0)::int AS "dispatched",
       ${minutes('s.waits[1]')} AS "waitMedianMinutes",
       ${minutes('s.waits[2]')} AS "waitP90Minutes",
       ${minutes('s.waits[3]')} AS "waitP99Minutes"
  FROM priorities p
  LEFT JOIN queued_now q ON q.priority IS NOT DISTINCT FROM p.priority
  LEFT JOIN served s ON s.priority IS NOT DISTINCT FROM p.priority
 ORDER BY p.rank`;

/** A driver's dispatches are the assignments that began in the range (a re-assignment counts for the new driver). */
export const DRIVERS_SQL = `
WITH ${PARAMETERS}, ${PAST_SPAN},
work AS (
  SELECT p.driver_id,
         count(*) FILTER (WHERE p.started_at >= span.lo) AS dispatches,
         count(*) FILTER (WHERE p.end_reason = 'completed' AND p.ended_at >= span.lo AND p.ended_at < span.hi) AS completed,
         sum(${clippedSeconds('p.started_at', 'p.ended_at')}) AS seconds
    FROM assignment_periods p
    JOIN equipment e ON e.id = p.equipment_id
   CROSS JOIN span
   WHERE ${overlapsSpan('p.started_at', 'p.ended_at')}
     AND ($4::uuid IS NULL OR p.site_id = $4::uuid)
     AND ($5::uuid IS NULL OR e.equipment_type_id = $5::uuid)
   GROUP BY p.driver_id)
SELECT CASE WHEN grouping(d.id) = 1 THEN 'total' ELSE 'driver' END AS "level",
       d.id AS "driverId",
       d.name AS "driverName",
       coalesce(sum(w.dispatches), 0)::int AS "dispatches",
       coalesce(sum(w.completed), 0)::int AS "completed",
       ${hours('sum(w.seconds)')} AS "hoursOnDispatch"
  FROM work w
  JOIN drivers d ON d.id = w.driver_id
 GROUP BY GROUPING SETS ((d.id, d.name), ())
 ORDER BY grouping(d.id), d.name, d.id`;
