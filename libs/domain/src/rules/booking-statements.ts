import {
  countAssignmentSql,
  distanceKmSql,
  dueDateSql,
  dueNowSql,
  freeDriverSql,
  freeUnitSql,
  otherQualificationsSql,
  type QueueTiming,
  qualifiedThroughSql,
  queuedSinceSql,
  requiredQualificationsSql,
  servingOrderSql,
  usedTodaySql,
} from './booking-sql';
import { CURRENT_CHANGE_XID_SQL } from './change-feed';

/**
 * The dispatch engine's statements, as SQL text: the engine runs them, and the benchmark runs the
 * very same text through pgbench. Each is one round trip.
 *
 * Queue locks (transaction-scoped advisory locks per tenant schema):
 * - DECIDE, shared by every transaction that frees capacity, exclusive for a new order that is
 *   about to be left in the queue. So a freed resource and a newly queued order always meet:
 *   either the order's final check sees the freed resource, or the freeing transaction sees the
 *   queued order. Transactions that only free capacity do not wait for one another.
 * - SERVE, exclusive, taken only when the queue holds due work: serving is serialized (in
 *   priority order, without deadlocks between servers); freeing while nothing waits is not.
 * Lock order everywhere: DECIDE, SERVE, then rows.
 */
const DECIDE_LOCK = '1, hashtext(current_schema())';
const SERVE_LOCK = '3, hashtext(current_schema())';

/** How a match locks rows: a new order's fast path skips rows others hold; the others wait. */
export type MatchMode = 'fast' | 'recheck' | 'serve';

/** Columns naming a dispatch's order, unit and driver, from a row aliased `alias` with their ids. */
function partiesColumns(alias: string): string {
  return `${alias}.work_order_id, parties_wo.number, parties_wo.external_ref, parties_e.id AS unit_id, parties_e.code AS unit_code,
          parties_d.id AS driver_id, parties_d.name AS driver_name`;
}

function partiesJoins(alias: string): string {
  return `JOIN work_orders parties_wo ON parties_wo.id = ${alias}.work_order_id
          JOIN equipment parties_e ON parties_e.id = ${alias}.equipment_id
          JOIN drivers parties_d ON parties_d.id = ${alias}.driver_id`;
}

/**
 * CTEs that book a unit and a driver for an order (`booked`, …), given SQL expressions of the
 * three ids and of who dispatched, reading CTEs `wo`, `unit` and `driver`: the dispatch, the
 * unit's status, the driver's active dispatch, the order's status and first dispatch, and the
 * assignment period.
 */
function bookingCtes(by: string, options: { newOrder?: boolean } = {}): string {
  // An order inserted by the same statement is invisible to its UPDATEs: it is inserted dispatched.
  const orderUpdate = options.newOrder
    ? ''
    : `
     booked_order AS (
       UPDATE work_orders o SET status = 'dispatched', dispatched_at = coalesce(o.dispatched_at, booked.assigned_at), updated_at = now(),
                                change_xid = ${CURRENT_CHANGE_XID_SQL}
         FROM booked WHERE o.id = booked.work_order_id),`;
  return `booked AS (
       INSERT INTO dispatches (work_order_id, equipment_id, driver_id, status, dispatched_by, assigned_at)
       SELECT wo.id, unit.id, driver.id, 'assigned', ${by}, now() FROM wo, unit, driver
       RETURNING id, work_order_id, equipment_id, driver_id, assigned_at),
     booked_unit AS (
       UPDATE equipment e SET status = 'dispatched', ${countAssignmentSql('e')}, updated_at = now()
         FROM booked WHERE e.id = booked.equipment_id),
     booked_driver AS (
       UPDATE drivers d SET active_dispatch_id = booked.id, ${countAssignmentSql('d')}, updated_at = now()
         FROM booked WHERE d.id = booked.driver_id),${orderUpdate}
     booked_period AS (
       INSERT INTO assignment_periods (dispatch_id, equipment_id, driver_id, site_id, started_at)
       SELECT booked.id, booked.equipment_id, booked.driver_id, wo.site_id, booked.assigned_at FROM booked, wo)`;
}

/**
 * The same booking as `bookingCtes`, as three statements for a Citus cluster, where the coordinator
 * routes a statement to the tenant's worker in one piece only when it writes no row with INSERT in
 * a CTE (Citus plans such a statement CTE by CTE through intermediate results: about 300 ms on an
 * idle cluster here, against 3 ms for these three). Run in this order in one transaction, after a
 * picking statement has locked the order (if it exists yet), the unit and the driver.
 */
export const BOOKING_STEPS = {
  /** $1 order, $2 unit, $3 driver, $4 who dispatched. Returns the dispatch's id. */
  dispatch: `INSERT INTO dispatches (work_order_id, equipment_id, driver_id, status, dispatched_by, assigned_at)
       VALUES ($1, $2, $3, 'assigned', $4, now()) RETURNING id`,
  /**
   * $1 unit, $2 driver, $3 the dispatch; for an order that was queued, $4 the order (a new order
   * was inserted dispatched). now() is the transaction's time: the dispatch's assigned_at.
   */
  resources: (newOrder: boolean): string => `WITH booked_unit AS (
         UPDATE equipment e SET status = 'dispatched', ${countAssignmentSql('e')}, updated_at = now() WHERE e.id = $1)${
           newOrder
             ? ''
             : `,
       booked_order AS (
         UPDATE work_orders o SET status = 'dispatched', dispatched_at = coalesce(o.dispatched_at, now()), updated_at = now(),
                                  change_xid = ${CURRENT_CHANGE_XID_SQL}
          WHERE o.id = $4)`
         }
       UPDATE drivers d SET active_dispatch_id = $3, ${countAssignmentSql('d')}, updated_at = now() WHERE d.id = $2`,
  /** $1 the dispatch, $2 unit, $3 driver, $4 site; it starts at the dispatch's assigned_at, now(). */
  period: `INSERT INTO assignment_periods (dispatch_id, equipment_id, driver_id, site_id, started_at)
       VALUES ($1, $2, $3, $4, now())`,
} as const;

/**
 * A CTE body that locks rows of one table while it joins another CTE (`wo`, `need`): the locking
 * SELECT wrapped in a subquery of its own, so the CTE's own output has only its named columns.
 * Why: row locking adds hidden columns to the locking query's output, among them the whole row of
 * every other (not locked) relation it reads, of type `record`. Citus plans each CTE of these
 * statements apart (writable CTEs other than UPDATE/DELETE are not router planned) and passes its
 * rows on as an intermediate result; it chooses the format that result is read in from the CTE's
 * planned output including those hidden columns (`record`: text), but writes it in the format its
 * visible columns allow (binary), so the next CTE reads a binary COPY header as text ("invalid
 * input syntax for type uuid: \"PGCOPY\"", Citus 13.2). Locked in an inner query, the hidden
 * columns stay there, and both sides agree. PostgreSQL runs it the same way (the inner query has
 * LIMIT and a lock, so it is never flattened).
 */
function lockingCte(select: string): string {
  return `SELECT * FROM (${select}) locking`;
}

const BOOKED_COLUMNS = `booked.id, wo.id AS work_order_id, wo.number, wo.external_ref,
       GREATEST(0, extract(epoch FROM now() - wo.queued_since))::int AS queued_seconds,
       unit.id AS unit_id, unit.code AS unit_code, unit.distance_km, driver.id AS driver_id, driver.name AS driver_name`;

/** What a picking statement returns (CTEs `wo`, `unit` and `driver`): `BOOKED_COLUMNS` and the site, before a dispatch exists. */
const PICKED_COLUMNS = `wo.id AS work_order_id, wo.number, wo.external_ref, wo.site_id,
       GREATEST(0, extract(epoch FROM now() - wo.queued_since))::int AS queued_seconds,
       unit.id AS unit_id, unit.code AS unit_code, unit.distance_km, driver.id AS driver_id, driver.name AS driver_name`;

export class BookingStatements {
  constructor(private readonly timing: QueueTiming) {}

  /** A transaction that frees capacity, first: the decide lock, shared. */
  readonly decideShared = `SELECT pg_advisory_xact_lock_shared(${DECIDE_LOCK})`;

  /** A new order about to be left queued: the decide lock, exclusive. */
  readonly decideExclusive = `SELECT pg_advisory_xact_lock(${DECIDE_LOCK})`;

  /**
   * After `decideShared`, in a fresh statement (so it sees every order queued before the lock was
   * granted): whether due work waits, and if so the serve lock. Returns `waiting`.
   */
  get waitingThenServeLock(): string {
    return `SELECT w.waiting, CASE WHEN w.waiting THEN (SELECT 1 FROM pg_advisory_xact_lock(${SERVE_LOCK})) END AS serving
              FROM (SELECT EXISTS (SELECT 1 FROM work_orders wo WHERE wo.status = 'queued' AND ${dueNowSql(this.timing)}) AS waiting) w`;
  }

  /** Due queued orders that have a free unit of their type, in serving order, with the capacity left. */
  get servable(): string {
    return `SELECT wo.id, wo.equipment_type_id,
                   (SELECT count(*) FROM equipment e WHERE e.equipment_type_id = wo.equipment_type_id AND ${freeUnitSql('e')})::int AS free_units,
                   (SELECT count(*) FROM drivers d WHERE ${freeDriverSql('d')})::int AS free_drivers
              FROM work_orders wo
             WHERE wo.status = 'queued' AND ${dueNowSql(this.timing)}
               AND EXISTS (SELECT 1 FROM equipment e WHERE e.equipment_type_id = wo.equipment_type_id AND ${freeUnitSql('e')})
             ORDER BY ${servingOrderSql(this.timing)}`;
  }

  /**
   * Matches and books one queued, due order in one statement: the nearest least-used free unit of
   * its type, and the free driver holding every required qualification valid through the due date
   * with the fewest others. $1 the order, $2 who dispatched. Returns one row if booked.
   */
  match(mode: MatchMode): string {
    return `WITH ${this.queuedOrderPicks(mode)},
       ${bookingCtes('$2')}
       SELECT ${BOOKED_COLUMNS} FROM booked, wo, unit, driver`;
  }

  /**
   * `match` without booking, for `BOOKING_STEPS` (Citus): locks the order ($1), the unit and the
   * driver it would book and returns them (`PICKED_COLUMNS`); no row when it would book none.
   */
  pickForQueued(mode: MatchMode): string {
    return `WITH ${this.queuedOrderPicks(mode)}
       SELECT ${PICKED_COLUMNS} FROM wo, unit, driver`;
  }

  /** CTEs `wo` (the queued order $1, locked), `unit` and `driver` (the pair to book, locked). */
  private queuedOrderPicks(mode: MatchMode): string {
    const skip = mode === 'fast' ? 'SKIP LOCKED' : '';
    // An order another transaction holds is being edited, cancelled or dispatched by hand.
    const orderLock = mode === 'serve' ? 'SKIP LOCKED' : '';
    return `wo AS (
         SELECT wo.id, wo.number, wo.external_ref, wo.site_id, wo.equipment_type_id,
                s.latitude, s.longitude, ${requiredQualificationsSql('wo')}::uuid[] AS required,
                ${dueDateSql('wo')} AS due, ${queuedSinceSql(this.timing)} AS queued_since
           FROM work_orders wo JOIN sites s ON s.id = wo.site_id
          WHERE wo.id = $1 AND wo.status = 'queued' AND ${dueNowSql(this.timing)}
          FOR UPDATE OF wo ${orderLock}),
       unit AS (${lockingCte(`
         SELECT e.id, e.code, ${distanceKmSql('e', 'wo.latitude', 'wo.longitude')} AS distance_km
           FROM equipment e, wo
          WHERE e.equipment_type_id = wo.equipment_type_id AND ${freeUnitSql('e')}
          ORDER BY distance_km ASC NULLS LAST, ${usedTodaySql('e')} ASC, e.code ASC
          LIMIT 1 FOR UPDATE OF e ${skip}`)}),
       driver AS (${lockingCte(`
         SELECT d.id, d.name
           FROM drivers d, wo
          WHERE EXISTS (SELECT 1 FROM unit) AND ${freeDriverSql('d')}
            AND ${qualifiedThroughSql('d', 'wo.required', 'wo.due')}
          ORDER BY ${otherQualificationsSql('d', 'wo.required')} ASC, ${usedTodaySql('d')} ASC, d.name ASC, d.id ASC
          LIMIT 1 FOR UPDATE OF d ${skip}`)})`;
  }

  /** Sent with BEGIN by a transaction that creates an order: its fast path may be undone. */
  readonly fastPathSavepoint = 'SAVEPOINT fast_match';

  /**
   * A new order's fast path in one statement: if a unit and a qualified driver are free (rows
   * others hold are skipped), inserts the order already dispatched, its extra requirements, the
   * dispatch and its history; otherwise writes nothing (locks it took are released by rolling back
   * to `fastPathSavepoint`). Invalid references match nothing, so the slow path reports them.
   * $1 title, $2 site, $3 equipment type, $4 priority, $5 notes, $6 externalRef, $7 created by,
   * $8/$9 window start/end, $10 the order's own required qualifications (uuid[]), $11 who dispatched.
   */
  get createAndMatch(): string {
    return `WITH ${this.newOrderPicks({ site: '$2', type: '$3', windowStart: '$8', windowEnd: '$9', requirements: '$10' })},
       wo AS (
         INSERT INTO work_orders (title, site_id, equipment_type_id, priority, notes, external_ref, status,
                                  created_by, window_start, window_end, dispatched_at)
         SELECT $1, $2, $3, $4, $5, $6, 'dispatched', $7, $8, $9, now() FROM unit, driver
         RETURNING *),
       own_requirements AS (
         INSERT INTO work_order_required_qualifications (work_order_id, qualification_id)
         SELECT wo.id, wanted FROM wo, unnest($10::uuid[]) AS wanted),
       ${bookingCtes('$11', { newOrder: true })}
       SELECT to_jsonb(wo) AS work_order, booked.id, wo.id AS work_order_id, wo.number, wo.external_ref,
              0 AS queued_seconds, unit.id AS unit_id, unit.code AS unit_code, unit.distance_km,
              driver.id AS driver_id, driver.name AS driver_name
         FROM booked, wo, unit, driver`;
  }

  /**
   * A new order's fast path for `BOOKING_STEPS` (Citus), before the order exists: locks the unit
   * and the driver `createAndMatch` would book ($1 site, $2 equipment type, $3/$4 window start/end,
   * $5 the order's own required qualifications). No row: no unit free (nothing locked); a row
   * without a driver: a unit free but no driver (the unit is locked).
   */
  get pickForNewOrder(): string {
    return `WITH ${this.newOrderPicks({ site: '$1', type: '$2', windowStart: '$3', windowEnd: '$4', requirements: '$5' })}
       SELECT unit.id AS unit_id, unit.code AS unit_code, unit.distance_km, driver.id AS driver_id, driver.name AS driver_name
         FROM unit LEFT JOIN driver ON true`;
  }

  /** The order to insert dispatched by `BOOKING_STEPS` (Citus): `createAndMatch`'s $1–$9. */
  readonly insertDispatchedOrder = `INSERT INTO work_orders (title, site_id, equipment_type_id, priority, notes, external_ref, status,
                                  created_by, window_start, window_end, dispatched_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'dispatched', $7, $8, $9, now()) RETURNING *`;

  /**
   * CTEs `draft` and `need` (the order about to be inserted, when its references exist and it is
   * due), `unit` and `driver` (the pair to book, rows others hold skipped), given the placeholders
   * of its fields.
   */
  private newOrderPicks(at: {
    site: string;
    type: string;
    windowStart: string;
    windowEnd: string;
    requirements: string;
  }): string {
    return `draft AS (
         SELECT NULL::uuid AS id, ${at.type}::uuid AS equipment_type_id, ${at.windowStart}::timestamptz AS window_start,
                ${at.windowEnd}::timestamptz AS window_end, now() AS created_at, s.latitude, s.longitude
           FROM sites s
          WHERE s.id = ${at.site} AND EXISTS (SELECT 1 FROM equipment_types t WHERE t.id = ${at.type})
            AND NOT EXISTS (SELECT 1 FROM unnest(${at.requirements}::uuid[]) AS wanted(id)
                             WHERE NOT EXISTS (SELECT 1 FROM qualifications q WHERE q.id = wanted.id))),
       need AS (
         SELECT draft.*, ${requiredQualificationsSql('draft')} || ${at.requirements}::uuid[] AS required, ${dueDateSql('draft')} AS due
           FROM draft WHERE ${dueNowSql(this.timing, 'draft')}),
       unit AS (${lockingCte(`
         SELECT e.id, e.code, ${distanceKmSql('e', 'need.latitude', 'need.longitude')} AS distance_km
           FROM equipment e, need
          WHERE e.equipment_type_id = need.equipment_type_id AND ${freeUnitSql('e')}
          ORDER BY distance_km ASC NULLS LAST, ${usedTodaySql('e')} ASC, e.code ASC
          LIMIT 1 FOR UPDATE OF e SKIP LOCKED`)}),
       driver AS (${lockingCte(`
         SELECT d.id, d.name
           FROM drivers d, need
          WHERE EXISTS (SELECT 1 FROM unit) AND ${freeDriverSql('d')}
            AND ${qualifiedThroughSql('d', 'need.required', 'need.due')}
          ORDER BY ${otherQualificationsSql('d', 'need.required')} ASC, ${usedTodaySql('d')} ASC, d.name ASC, d.id ASC
          LIMIT 1 FOR UPDATE OF d SKIP LOCKED`)})`;
  }

  /** Books the unit ($2) and driver ($3) a person chose for an order ($1); $4 who dispatched. */
  get assignByHand(): string {
    return `WITH ${this.handPicks()},
       ${bookingCtes('$4')}
       SELECT ${BOOKED_COLUMNS} FROM booked, wo, unit, driver`;
  }

  /** `assignByHand` without booking, for `BOOKING_STEPS` (Citus): `PICKED_COLUMNS` of $1–$3. */
  get pickByHand(): string {
    return `WITH ${this.handPicks()}
       SELECT ${PICKED_COLUMNS} FROM wo, unit, driver`;
  }

  /** CTEs `wo`, `unit` and `driver`: the order ($1), unit ($2) and driver ($3) a person chose. */
  private handPicks(): string {
    return `wo AS (
         SELECT wo.id, wo.number, wo.external_ref, wo.site_id, s.latitude, s.longitude, ${queuedSinceSql(this.timing)} AS queued_since
           FROM work_orders wo JOIN sites s ON s.id = wo.site_id WHERE wo.id = $1),
       unit AS (SELECT e.id, e.code, ${distanceKmSql('e', 'wo.latitude', 'wo.longitude')} AS distance_km FROM equipment e, wo WHERE e.id = $2),
       driver AS (SELECT d.id, d.name FROM drivers d WHERE d.id = $3)`;
  }

  /**
   * Moves a dispatch one step in one statement, reading and locking it, and returns it with its
   * order, unit and driver named (no row when it is not in one of the statuses the step may start
   * from, or not the calling driver's). $1 the dispatch, $2 the step, $3 the statuses it may move
   * from (text[]), $4/$5 the calling driver's subject and username (NULL for anyone else).
   * Completing or cancelling also closes the order ($6 its new status), frees the unit (moved to
   * the site when completed) and the driver, and ends the assignment period; completing stores
   * the completion note ($7, NULL for none: a parameter of this step only, so no other step's
   * text changes); arriving on site records the order's first arrival. The row returned also
   * names the order's title and site.
   */
  transition(to: string): string {
    const column = `${to}_at`;
    const note = to === 'completed' ? ', completion_note = $7' : '';
    const closing = to === 'completed' || to === 'cancelled';
    const effects = closing
      ? `closed_order AS (
           UPDATE work_orders o SET status = $6, ${column} = moved.${column}, updated_at = now(),
                                    change_xid = ${CURRENT_CHANGE_XID_SQL}
             FROM moved WHERE o.id = moved.work_order_id),
         freed_unit AS (
           UPDATE equipment e SET status = 'available', updated_at = now(),
                  latitude = CASE WHEN $2 = 'completed' THEN s.latitude ELSE e.latitude END,
                  longitude = CASE WHEN $2 = 'completed' THEN s.longitude ELSE e.longitude END
             FROM moved JOIN work_orders o ON o.id = moved.work_order_id JOIN sites s ON s.id = o.site_id
            WHERE e.id = moved.equipment_id AND e.status = 'dispatched'),
         freed_driver AS (
           UPDATE drivers d SET active_dispatch_id = NULL, updated_at = now()
             FROM moved WHERE d.id = moved.driver_id AND d.active_dispatch_id = moved.id),
         ended_period AS (
           UPDATE assignment_periods p SET ended_at = GREATEST(moved.${column}, p.started_at), end_reason = $2
             FROM moved WHERE p.dispatch_id = moved.id AND p.ended_at IS NULL)`
      : to === 'on_site'
        ? // The first arrival is a reporting column the API does not show: neither updated_at nor
          // change_xid moves, so the row may be updated in place (HOT).
          `arrived AS (
           UPDATE work_orders o SET on_site_at = coalesce(o.on_site_at, moved.on_site_at)
             FROM moved WHERE o.id = moved.work_order_id)`
        : '';
    return `WITH prev AS (
         SELECT x.id, x.status FROM dispatches x
          WHERE x.id = $1
            AND ($4::text IS NULL OR x.driver_id IN (SELECT own.id FROM drivers own
                  WHERE own.keycloak_subject = $4 OR (own.keycloak_subject IS NULL AND own.username = $5)))
          FOR UPDATE),
       moved AS (
         UPDATE dispatches d SET status = $2, ${column} = now(), updated_at = now()${note}
           FROM prev WHERE d.id = prev.id AND prev.status = ANY($3::text[])
         RETURNING d.*, prev.status AS previous_status)${
           effects
             ? `,
       ${effects}`
             : ''
         }
       SELECT moved.*, ${partiesColumns('moved').replace('moved.work_order_id, ', '')}, parties_e.name AS unit_name,
              parties_wo.title AS work_order_title, parties_s.name AS site_name
         FROM moved ${partiesJoins('moved')}
         JOIN sites parties_s ON parties_s.id = parties_wo.site_id`;
  }

  /** A dispatch ($1) with its order, unit and driver named. */
  readonly parties = `SELECT x.id, ${partiesColumns('x')} FROM dispatches x ${partiesJoins('x')} WHERE x.id = $1`;
}
