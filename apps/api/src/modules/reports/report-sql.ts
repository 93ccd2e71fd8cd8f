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
const percentileMinutes = (fraction: number, seconds: string, filter: string) =>
  minutes(
    `percentile_cont(${fraction}) WITHIN GROUP (ORDER BY ${seconds}) FILTER (WHERE ${filter})`,
  );

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
orders AS (
  SELECT o.created_at, o.dispatched_at, o.on_site_at, o.completed_at, o.cancelled_at, o.window_end,
         CASE WHEN o.status <> 'cancelled' AND o.window_end <= now() THEN o.window_end END AS due_at
    FROM work_orders o
   WHERE o.created_at < $2::timestamptz
     AND greatest(o.created_at, o.dispatched_at, o.completed_at, o.cancelled_at, o.window_end) >= $1::timestamptz
     AND ($4::uuid IS NULL OR o.site_id = $4::uuid)
     AND ($5::uuid IS NULL OR o.equipment_type_id = $5::uuid)),
events AS (
  SELECT (e.at AT TIME ZONE $3)::date AS day, e.kind, o.*
    FROM orders o
   CROSS JOIN LATERAL (VALUES ('created', o.created_at), ('dispatched', o.dispatched_at),
                              ('completed', o.completed_at), ('cancelled', o.cancelled_at),
                              ('due', o.due_at)) AS e(kind, at)
   WHERE e.at >= $1::timestamptz AND e.at < $2::timestamptz),
days AS (
  SELECT generate_series($6::date, $7::date, interval '1 day')::date AS day)
SELECT CASE WHEN grouping(days.day) = 1 THEN 'total' ELSE to_char(days.day, 'YYYY-MM-DD') END AS "day",
       count(*) FILTER (WHERE kind = 'created')::int AS "created",
       count(*) FILTER (WHERE kind = 'dispatched')::int AS "dispatched",
       count(*) FILTER (WHERE kind = 'completed')::int AS "completed",
       count(*) FILTER (WHERE kind = 'cancelled')::int AS "cancelled",
       ${percentileMinutes(0.5, 'extract(epoch FROM dispatched_at - created_at)', "kind = 'created'")} AS "toDispatchMedianMinutes",
       ${percentileMinutes(0.9, 'extract(epoch FROM dispatched_at - created_at)', "kind = 'created'")} AS "toDispatchP90Minutes",
       ${percentileMinutes(0.5, 'extract(epoch FROM on_site_at - created_at)', "kind = 'created'")} AS "toOnSiteMedianMinutes",
       ${percentileMinutes(0.9, 'extract(epoch FROM on_site_at - created_at)', "kind = 'created'")} AS "toOnSiteP90Minutes",
       ${percentileMinutes(0.5, 'extract(epoch FROM completed_at - created_at)', "kind = 'created'")} AS "toCompletionMedianMinutes",
       ${percentileMinutes(0.9, 'extract(epoch FROM completed_at - created_at)', "kind = 'created'")} AS "toCompletionP90Minutes",
       count(*) FILTER (WHERE kind = 'due')::int AS "windowsClosed",
       count(*) FILTER (WHERE kind = 'due' AND on_site_at <= window_end)::int AS "onTime",
       ${share("count(*) FILTER (WHERE kind = 'due' AND on_site_at <= window_end)", "count(*) FILTER (WHERE kind = 'due')")} AS "onTimeRate"
  FROM days
  LEFT JOIN events ON events.day = days.day
 GROUP BY GROUPING SETS ((days.day), ())
 ORDER BY grouping(days.day), days.day`;

/**
 * Waiting is counted from when the work was due: its creation, or for scheduled work the moment
 * its window's lead time began. "Now" figures describe the queue at the time of the request.
 */
export const QUEUE_SQL = `
WITH ${PARAMETERS},
orders AS (
  SELECT o.priority, o.number, o.status, o.dispatched_at,
         greatest(o.created_at, o.window_start - make_interval(mins => $8::int)) AS due_at
    FROM work_orders o
   WHERE (o.status = 'queued' OR (o.dispatched_at >= $1::timestamptz AND o.dispatched_at < $2::timestamptz))
     AND ($4::uuid IS NULL OR o.site_id = $4::uuid)
     AND ($5::uuid IS NULL OR o.equipment_type_id = $5::uuid)),
classified AS (
  SELECT *,
         status = 'queued' AND due_at <= now() AS waiting,
         dispatched_at >= $1::timestamptz AND dispatched_at < $2::timestamptz AS served,
         greatest(0, extract(epoch FROM dispatched_at - due_at)) AS waited
    FROM orders),
priorities AS (
  SELECT * FROM (VALUES ('emergency', 0), ('urgent', 1), ('standard', 2), ('low', 3)) AS p(priority, rank))
SELECT coalesce(p.priority, 'total') AS "priority",
       count(*) FILTER (WHERE waiting)::int AS "waitingNow",
       count(*) FILTER (WHERE status = 'queued' AND NOT waiting)::int AS "scheduledNow",
       ${minutes('max(extract(epoch FROM now() - due_at)) FILTER (WHERE waiting)')} AS "longestWaitMinutes",
       ${workOrderNumber('(array_agg(number ORDER BY due_at, number) FILTER (WHERE waiting))[1]')}
         AS "longestWaitingWorkOrderNumber",
       count(*) FILTER (WHERE served)::int AS "dispatched",
       ${percentileMinutes(0.5, 'waited', 'served')} AS "waitMedianMinutes",
       ${percentileMinutes(0.9, 'waited', 'served')} AS "waitP90Minutes",
       ${percentileMinutes(0.99, 'waited', 'served')} AS "waitP99Minutes"
  FROM priorities p
  LEFT JOIN classified c ON c.priority = p.priority
 GROUP BY GROUPING SETS ((p.priority, p.rank), ())
 ORDER BY grouping(p.priority), p.rank`;

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
