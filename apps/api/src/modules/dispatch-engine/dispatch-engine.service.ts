import { Injectable } from '@nestjs/common';
import {
  type Dispatch,
  DispatchStatus,
  distanceKmSql,
  domainEvent,
  DomainError,
  dueDateSql,
  dueNowSql,
  EquipmentStatus,
  freeDriverSql,
  freeUnitSql,
  OPEN_DISPATCH_SQL,
  OPEN_DISPATCH_STATUSES,
  otherQualificationsSql,
  type QueueTiming,
  qualifiedThroughSql,
  queuedSinceSql,
  requiredQualificationsSql,
  servingOrderSql,
  STEP_TIMESTAMP,
  usedTodaySql,
  WorkOrderStatus,
} from '@dispatch/domain';
import type { EntityManager } from 'typeorm';
import { type Actor, engineActor } from '../../core/auth/actor';
import { AppConfig } from '../../core/config/app-config';
import { EventOutbox } from '../../core/events/event-outbox.service';
import { type QueueServer, TenantDatabase } from '../../core/tenancy/tenant-database.service';

export interface AssignedDispatch {
  id: string;
  workOrderId: string;
  equipmentId: string;
  driverId: string;
  status: DispatchStatus;
}

/** How the match locks rows: the fast path of a new order skips rows others hold; serving waits. */
type MatchMode = 'fast' | 'recheck' | 'serve';

interface BookedRow {
  id: string;
  work_order_id: string;
  number: number;
  external_ref: string | null;
  queued_seconds: number;
  unit_id: string;
  unit_code: string;
  distance_km: number | null;
  driver_id: string;
  driver_name: string;
}

interface PartiesRow {
  id: string;
  work_order_id: string;
  number: number;
  external_ref: string | null;
  unit_id: string;
  unit_code: string;
  driver_id: string;
  driver_name: string;
}

/**
 * Queue locks (transaction-scoped advisory locks per tenant schema):
 * - DECIDE, shared by every transaction that frees capacity, exclusive for a new order that is
 *   about to be left in the queue. So a freed resource and a newly queued order always meet:
 *   either the order's final check sees the freed resource, or the freeing transaction sees the
 *   queued order. Transactions that only free capacity do not wait for one another.
 * - SERVE, exclusive, taken only when the queue holds due work: serving is serialized (in
 *   priority order, no deadlocks between servers), freeing when nothing waits is not.
 * Lock order everywhere: DECIDE, SERVE, then rows.
 */
const DECIDE_LOCK = 1;
const SERVE_LOCK = 3;
const lockKey = (key: number) => `${key}, hashtext(current_schema())`;

/**
 * The heart of the product and the single owner of booking state: a unit's status, a driver's
 * active dispatch, a dispatch's unit, driver and open/closed state, and the assignment and
 * maintenance history the reports read. Everything runs inside the caller's transaction, and
 * every change appends its domain events to the outbox.
 *
 * Matching is one statement: the order, the nearest least-used free unit of its type and the
 * free driver holding every qualification valid through the due date with the fewest others,
 * booked together. Partial unique indexes refuse any double booking even if this code were wrong.
 */
@Injectable()
export class DispatchEngine implements QueueServer {
  readonly timing: QueueTiming;

  constructor(
    private readonly outbox: EventOutbox,
    config: AppConfig,
    db: TenantDatabase,
  ) {
    this.timing = {
      agingSeconds: config.QUEUE_AGING_MINUTES * 60,
      leadMinutes: config.DISPATCH_LEAD_MINUTES,
    };
    db.useQueueServer(this);
  }

  get queueAgingSeconds(): number {
    return this.timing.agingSeconds;
  }

  get dispatchLeadMinutes(): number {
    return this.timing.leadMinutes;
  }

  /** SQL ORDER BY of queued orders (alias `wo`) in serving order. */
  servingOrderSql(alias = 'wo'): string {
    return servingOrderSql(this.timing, alias);
  }

  queuedSinceSql(alias = 'wo'): string {
    return queuedSinceSql(this.timing, alias);
  }

  dueSql(alias = 'wo'): string {
    return dueNowSql(this.timing, alias);
  }

  // ---- the queue's contract with transactions that free capacity (TenantDatabase servesQueue) ----

  async beforeWork(manager: EntityManager): Promise<boolean> {
    await manager.query(`SELECT pg_advisory_xact_lock_shared(${lockKey(DECIDE_LOCK)})`);
    // A fresh statement, so it sees every order queued before the lock was granted; while this
    // transaction holds it, no new order can be left queued.
    const [{ waiting }] = (await manager.query(
      `SELECT w.waiting, CASE WHEN w.waiting THEN (SELECT 1 FROM pg_advisory_xact_lock(${lockKey(SERVE_LOCK)})) END AS serving
         FROM (SELECT EXISTS (SELECT 1 FROM work_orders wo WHERE wo.status = 'queued' AND ${this.dueSql()}) AS waiting) w`,
    )) as { waiting: boolean }[];
    return waiting;
  }

  async afterWork(manager: EntityManager, trigger: Actor): Promise<void> {
    await this.serveQueue(manager, trigger);
  }

  // ---- matching ----

  /**
   * Tries to dispatch a new order now; if nothing fits, it stays queued. The fast path skips rows
   * other transactions hold. Only when it finds nothing does it take the decide lock (exclusive)
   * and look again, waiting for in-flight changes, before leaving the order in the queue.
   */
  async dispatchOrQueue(
    manager: EntityManager,
    trigger: Actor,
    workOrderId: string,
  ): Promise<AssignedDispatch | null> {
    // If the fast path locks a unit but finds no driver, rolling back to the savepoint releases
    // that row lock before this transaction waits for the decide lock (holding it while waiting
    // would deadlock with a freeing transaction waiting for the same unit).
    await manager.query('SAVEPOINT fast_match');
    const fast = await this.match(manager, trigger, workOrderId, 'fast');
    if (fast) return fast;
    await manager.query('ROLLBACK TO SAVEPOINT fast_match');
    await manager.query(`SELECT pg_advisory_xact_lock(${lockKey(DECIDE_LOCK)})`);
    return this.match(manager, trigger, workOrderId, 'recheck');
  }

  /**
   * Serves the queue: due orders in serving order (effective priority, then oldest), each matched
   * if a unit of its type and a qualified driver are free. Runs under the serve lock.
   */
  private async serveQueue(manager: EntityManager, trigger: Actor): Promise<AssignedDispatch[]> {
    const assigned: AssignedDispatch[] = [];
    const queued = (await manager.query(
      `SELECT wo.id, wo.equipment_type_id,
              (SELECT count(*) FROM equipment e WHERE e.equipment_type_id = wo.equipment_type_id AND ${freeUnitSql('e')})::int AS free_units,
              (SELECT count(*) FROM drivers d WHERE ${freeDriverSql('d')})::int AS free_drivers
         FROM work_orders wo
        WHERE wo.status = 'queued' AND ${this.dueSql()}
          AND EXISTS (SELECT 1 FROM equipment e WHERE e.equipment_type_id = wo.equipment_type_id AND ${freeUnitSql('e')})
        ORDER BY ${this.servingOrderSql()}`,
    )) as { id: string; equipment_type_id: string; free_units: number; free_drivers: number }[];
    if (queued.length === 0) return assigned;
    let driversLeft = queued[0].free_drivers;
    const freeUnits = new Map(queued.map((order) => [order.equipment_type_id, order.free_units]));
    for (const order of queued) {
      if (driversLeft === 0) break;
      if ((freeUnits.get(order.equipment_type_id) ?? 0) === 0) continue;
      const dispatch = await this.match(manager, trigger, order.id, 'serve');
      if (!dispatch) continue;
      assigned.push(dispatch);
      driversLeft -= 1;
      freeUnits.set(order.equipment_type_id, (freeUnits.get(order.equipment_type_id) ?? 1) - 1);
    }
    return assigned;
  }

  /**
   * Serves the queue as a transaction of its own (the scheduler, start-up), before any row lock of
   * that transaction. Returns how many orders were dispatched.
   */
  async serveNow(manager: EntityManager, trigger: Actor): Promise<number> {
    if (!(await this.beforeWork(manager))) return 0;
    return (await this.serveQueue(manager, trigger)).length;
  }

  private async match(
    manager: EntityManager,
    trigger: Actor,
    workOrderId: string,
    mode: MatchMode,
  ): Promise<AssignedDispatch | null> {
    const skip = mode === 'fast' ? 'SKIP LOCKED' : '';
    // An order another transaction holds is being edited, cancelled or dispatched by hand.
    const orderLock = mode === 'serve' ? 'SKIP LOCKED' : '';
    const [row] = (await manager.query(
      `WITH wo AS (
         SELECT wo.id, wo.number, wo.external_ref, wo.site_id, wo.equipment_type_id,
                s.latitude, s.longitude, ${requiredQualificationsSql('wo')}::uuid[] AS required,
                ${dueDateSql('wo')} AS due, ${this.queuedSinceSql()} AS queued_since
           FROM work_orders wo JOIN sites s ON s.id = wo.site_id
          WHERE wo.id = $1 AND wo.status = 'queued' AND ${this.dueSql()}
          FOR UPDATE OF wo ${orderLock}),
       unit AS (
         SELECT e.id, e.code, ${distanceKmSql('e', 'wo.latitude', 'wo.longitude')} AS distance_km
           FROM equipment e, wo
          WHERE e.equipment_type_id = wo.equipment_type_id AND ${freeUnitSql('e')}
          ORDER BY distance_km ASC NULLS LAST, ${usedTodaySql('equipment_id', 'e.id')} ASC, e.code ASC
          LIMIT 1 FOR UPDATE OF e ${skip}),
       driver AS (
         SELECT d.id, d.name
           FROM drivers d, wo
          WHERE EXISTS (SELECT 1 FROM unit) AND ${freeDriverSql('d')}
            AND ${qualifiedThroughSql('d', 'wo.required', 'wo.due')}
          ORDER BY ${otherQualificationsSql('d', 'wo.required')} ASC, ${usedTodaySql('driver_id', 'd.id')} ASC, d.name ASC, d.id ASC
          LIMIT 1 FOR UPDATE OF d ${skip}),
       ${this.bookingSql('wo.id', 'unit.id', 'driver.id', '$2')}
       SELECT booked.id, wo.id AS work_order_id, wo.number, wo.external_ref,
              GREATEST(0, extract(epoch FROM now() - wo.queued_since))::int AS queued_seconds,
              unit.id AS unit_id, unit.code AS unit_code, unit.distance_km, driver.id AS driver_id, driver.name AS driver_name
         FROM booked, wo, unit, driver`,
      [workOrderId, engineActor(trigger).subject],
    )) as BookedRow[];
    if (!row) return null;
    return this.booked(manager, engineActor(trigger), row, 'automatic');
  }

  /**
   * The statements that book a unit and a driver for an order (CTEs named `booked`, …), given SQL
   * expressions of the three ids and of who dispatched: the dispatch, the unit's status, the
   * driver's active dispatch, the order's status and first dispatch, and the assignment period.
   */
  private bookingSql(orderId: string, unitId: string, driverId: string, by: string): string {
    return `booked AS (
         INSERT INTO dispatches (work_order_id, equipment_id, driver_id, status, dispatched_by, assigned_at)
         SELECT ${orderId}, ${unitId}, ${driverId}, 'assigned', ${by}, now() FROM wo, unit, driver
         RETURNING id, work_order_id, equipment_id, driver_id, assigned_at),
       booked_unit AS (
         UPDATE equipment e SET status = 'dispatched', updated_at = now() FROM booked WHERE e.id = booked.equipment_id),
       booked_driver AS (
         UPDATE drivers d SET active_dispatch_id = booked.id, updated_at = now() FROM booked WHERE d.id = booked.driver_id),
       booked_order AS (
         UPDATE work_orders o SET status = 'dispatched', dispatched_at = coalesce(o.dispatched_at, booked.assigned_at), updated_at = now()
           FROM booked WHERE o.id = booked.work_order_id),
       booked_period AS (
         INSERT INTO assignment_periods (dispatch_id, equipment_id, driver_id, site_id, started_at)
         SELECT booked.id, booked.equipment_id, booked.driver_id, o.site_id, booked.assigned_at
           FROM booked JOIN work_orders o ON o.id = booked.work_order_id)`;
  }

  private booked(
    manager: EntityManager,
    actor: Actor,
    row: BookedRow,
    mode: 'automatic' | 'manual',
  ): AssignedDispatch {
    const view: AssignedDispatch = {
      id: row.id,
      workOrderId: row.work_order_id,
      equipmentId: row.unit_id,
      driverId: row.driver_id,
      status: DispatchStatus.Assigned,
    };
    this.outbox.append(
      manager,
      actor,
      domainEvent(
        'dispatch.assigned',
        row.id,
        {
          dispatch: { id: row.id, status: DispatchStatus.Assigned },
          workOrder: { id: row.work_order_id, number: row.number, externalRef: row.external_ref },
          unit: { id: row.unit_id, code: row.unit_code },
          driver: { id: row.driver_id, name: row.driver_name },
          mode,
          distanceKm: row.distance_km === null ? null : Math.round(row.distance_km * 100) / 100,
          queuedSeconds: row.queued_seconds,
        },
        { after: view },
      ),
    );
    return view;
  }

  /**
   * Books the unit and the driver a person chose. The caller has locked the three rows and checked
   * them against the rules (`lockAndCheckPair`); the unique indexes still refuse a double booking.
   */
  async assignByHand(
    manager: EntityManager,
    actor: Actor,
    pair: { workOrderId: string; equipmentId: string; driverId: string },
  ): Promise<AssignedDispatch> {
    const [row] = (await manager.query(
      `WITH wo AS (
         SELECT wo.id, wo.number, wo.external_ref, s.latitude, s.longitude, ${this.queuedSinceSql()} AS queued_since
           FROM work_orders wo JOIN sites s ON s.id = wo.site_id WHERE wo.id = $1),
       unit AS (SELECT e.id, e.code, ${distanceKmSql('e', 'wo.latitude', 'wo.longitude')} AS distance_km FROM equipment e, wo WHERE e.id = $2),
       driver AS (SELECT d.id, d.name FROM drivers d WHERE d.id = $3),
       ${this.bookingSql('wo.id', 'unit.id', 'driver.id', '$4')}
       SELECT booked.id, wo.id AS work_order_id, wo.number, wo.external_ref,
              GREATEST(0, extract(epoch FROM now() - wo.queued_since))::int AS queued_seconds,
              unit.id AS unit_id, unit.code AS unit_code, unit.distance_km, driver.id AS driver_id, driver.name AS driver_name
         FROM booked, wo, unit, driver`,
      [pair.workOrderId, pair.equipmentId, pair.driverId, actor.subject],
    )) as BookedRow[];
    return this.booked(manager, actor, row, 'manual');
  }

  // ---- the dispatch's life ----

  /** One step of an open dispatch that keeps its unit and driver (acknowledged, en route, on site). */
  async advance(
    manager: EntityManager,
    actor: Actor,
    dispatch: Dispatch,
    to: DispatchStatus.Acknowledged | DispatchStatus.EnRoute | DispatchStatus.OnSite,
  ): Promise<void> {
    const field = STEP_TIMESTAMP[to];
    const column = field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    const [row] = (await manager.query(
      `WITH step AS (
         UPDATE dispatches SET status = $2, ${column} = now(), updated_at = now()
          WHERE id = $1 AND status = $3
         RETURNING id, work_order_id, equipment_id, driver_id, ${column} AS at),
       arrived AS (
         UPDATE work_orders o SET on_site_at = coalesce(o.on_site_at, step.at)
           FROM step WHERE $2 = 'on_site' AND o.id = step.work_order_id)
       SELECT step.id, step.at, ${this.partiesColumns('step')} FROM step ${this.partiesJoins('step')}`,
      [dispatch.id, to, dispatch.status],
    )) as (PartiesRow & { at: Date })[];
    if (!row) {
      throw new DomainError('ILLEGAL_TRANSITION', `The dispatch is no longer ${dispatch.status}`, {
        currentStatus: dispatch.status,
      });
    }
    this.stepEvent(manager, actor, row, dispatch.status, to, row.at);
    Object.assign(dispatch, { status: to, [field]: new Date(row.at) });
  }

  /**
   * Ends an open dispatch (completed or cancelled), freeing its unit and driver, and closes its work
   * order and assignment period. Callers run with servesQueue, so the queue is served afterwards.
   */
  async close(
    manager: EntityManager,
    actor: Actor,
    dispatch: Dispatch,
    to: DispatchStatus.Completed | DispatchStatus.Cancelled,
  ): Promise<void> {
    if (!OPEN_DISPATCH_STATUSES.includes(dispatch.status)) {
      throw new DomainError('ILLEGAL_TRANSITION', `The dispatch is already ${dispatch.status}`, {
        currentStatus: dispatch.status,
      });
    }
    const completed = to === DispatchStatus.Completed;
    const column = completed ? 'completed_at' : 'cancelled_at';
    const orderStatus = completed ? WorkOrderStatus.Completed : WorkOrderStatus.Cancelled;
    // A unit that finished a job is where the job was: the next match measures from there.
    const [row] = (await manager.query(
      `WITH closed AS (
         UPDATE dispatches SET status = $2, ${column} = now(), updated_at = now()
          WHERE id = $1 AND status IN (${OPEN_DISPATCH_SQL})
         RETURNING id, work_order_id, equipment_id, driver_id, ${column} AS at),
       closed_order AS (
         UPDATE work_orders o SET status = $3, ${column} = now(), updated_at = now()
           FROM closed WHERE o.id = closed.work_order_id),
       freed_unit AS (
         UPDATE equipment e SET status = 'available', updated_at = now(),
                latitude = CASE WHEN $4 THEN s.latitude ELSE e.latitude END,
                longitude = CASE WHEN $4 THEN s.longitude ELSE e.longitude END
           FROM closed JOIN work_orders o ON o.id = closed.work_order_id JOIN sites s ON s.id = o.site_id
          WHERE e.id = closed.equipment_id AND e.status = '${EquipmentStatus.Dispatched}'),
       freed_driver AS (
         UPDATE drivers d SET active_dispatch_id = NULL, updated_at = now()
           FROM closed WHERE d.id = closed.driver_id AND d.active_dispatch_id = closed.id),
       ended_period AS (
         UPDATE assignment_periods p SET ended_at = GREATEST(closed.at, p.started_at), end_reason = $2
           FROM closed WHERE p.dispatch_id = closed.id AND p.ended_at IS NULL)
       SELECT closed.id, closed.at, ${this.partiesColumns('closed')} FROM closed ${this.partiesJoins('closed')}`,
      [dispatch.id, to, orderStatus, completed],
    )) as (PartiesRow & { at: Date })[];
    if (!row) {
      throw new DomainError('ILLEGAL_TRANSITION', `The dispatch is no longer open`, {
        currentStatus: dispatch.status,
      });
    }
    this.stepEvent(manager, actor, row, dispatch.status, to, row.at);
    this.outbox.append(
      manager,
      actor,
      domainEvent(
        `work_order.${orderStatus}`,
        row.work_order_id,
        {
          workOrder: { id: row.work_order_id, number: row.number, externalRef: row.external_ref },
          dispatchId: row.id,
        },
        {
          before: { status: WorkOrderStatus.Dispatched },
          after: { status: orderStatus, dispatchId: row.id },
        },
      ),
    );
    dispatch.status = to;
    dispatch[completed ? 'completedAt' : 'cancelledAt'] = new Date(row.at);
  }

  /**
   * Swaps the unit and/or the driver of an open dispatch. The caller has locked and checked the new
   * pair (`lockAndCheckPair`); what is released serves the queue (servesQueue).
   */
  async reassign(
    manager: EntityManager,
    actor: Actor,
    dispatch: Dispatch,
    choice: { equipmentId: string; driverId: string },
  ): Promise<void> {
    const [before] = (await manager.query(
      `SELECT x.id, ${this.partiesColumns('x')} FROM dispatches x ${this.partiesJoins('x')} WHERE x.id = $1`,
      [dispatch.id],
    )) as PartiesRow[];
    const unitChanges = choice.equipmentId !== dispatch.equipmentId;
    const driverChanges = choice.driverId !== dispatch.driverId;
    if (!unitChanges && !driverChanges) return;
    // The old driver lets go first: a driver's active dispatch is unique, checked row by row.
    await manager.query(
      `WITH released_driver AS (
         UPDATE drivers SET active_dispatch_id = NULL, updated_at = now() WHERE $4 AND id = $2 AND active_dispatch_id = $1),
       released_unit AS (
         UPDATE equipment SET status = 'available', updated_at = now() WHERE $5 AND id = $3 AND status = 'dispatched'),
       booked_unit AS (
         UPDATE equipment SET status = 'dispatched', updated_at = now() WHERE $5 AND id = $6),
       ended_period AS (
         UPDATE assignment_periods SET ended_at = GREATEST(now(), started_at), end_reason = 'reassigned'
          WHERE dispatch_id = $1 AND ended_at IS NULL RETURNING site_id)
       INSERT INTO assignment_periods (dispatch_id, equipment_id, driver_id, site_id, started_at)
       SELECT $1, $6, $7, site_id, now() FROM ended_period`,
      [
        dispatch.id,
        dispatch.driverId,
        dispatch.equipmentId,
        driverChanges,
        unitChanges,
        choice.equipmentId,
        choice.driverId,
      ],
    );
    const [after] = (await manager.query(
      `WITH moved AS (
         UPDATE dispatches SET equipment_id = $2, driver_id = $3, updated_at = now() WHERE id = $1
         RETURNING id, work_order_id, equipment_id, driver_id),
       booked_driver AS (
         UPDATE drivers SET active_dispatch_id = $1, updated_at = now() WHERE $4 AND id = $3)
       SELECT moved.id, wo.number, wo.external_ref, moved.work_order_id, e.id AS unit_id, e.code AS unit_code, d.id AS driver_id, d.name AS driver_name
         FROM moved JOIN work_orders wo ON wo.id = moved.work_order_id
         JOIN equipment e ON e.id = $2 JOIN drivers d ON d.id = $3`,
      [dispatch.id, choice.equipmentId, choice.driverId, driverChanges],
    )) as PartiesRow[];
    this.outbox.append(
      manager,
      actor,
      domainEvent(
        'dispatch.reassigned',
        dispatch.id,
        {
          dispatch: { id: dispatch.id, status: dispatch.status },
          workOrder: {
            id: before.work_order_id,
            number: before.number,
            externalRef: before.external_ref,
          },
          from: {
            unit: { id: before.unit_id, code: before.unit_code },
            driver: { id: before.driver_id, name: before.driver_name },
          },
          to: {
            unit: { id: after.unit_id, code: after.unit_code },
            driver: { id: after.driver_id, name: after.driver_name },
          },
        },
        {
          before: { equipmentId: dispatch.equipmentId, driverId: dispatch.driverId },
          after: choice,
        },
      ),
    );
    Object.assign(dispatch, choice);
  }

  // ---- units ----

  /**
   * Moves a unit that is not on a dispatch into or out of maintenance, into retirement or back,
   * keeping its maintenance and retirement periods.
   */
  async changeUnitStatus(
    manager: EntityManager,
    actor: Actor,
    unit: { id: string; code: string; status: EquipmentStatus },
    to: EquipmentStatus,
  ): Promise<void> {
    if (unit.status === to) return;
    if (unit.status === EquipmentStatus.Dispatched || to === EquipmentStatus.Dispatched) {
      throw new DomainError(
        'CONFLICT',
        `Equipment ${unit.code} is on an open dispatch; complete, cancel or re-assign it first`,
        { currentStatus: unit.status },
      );
    }
    await manager.query(
      `WITH moved AS (UPDATE equipment SET status = $2, updated_at = now() WHERE id = $1)
       UPDATE equipment_status_periods SET ended_at = GREATEST(now(), started_at)
        WHERE equipment_id = $1 AND ended_at IS NULL`,
      [unit.id, to],
    );
    if (to === EquipmentStatus.Maintenance || to === EquipmentStatus.Retired) {
      await manager.query(
        `INSERT INTO equipment_status_periods (equipment_id, status, started_at) VALUES ($1, $2, now())`,
        [unit.id, to],
      );
    }
    const type =
      to === EquipmentStatus.Maintenance
        ? 'equipment.maintenance_started'
        : to === EquipmentStatus.Retired
          ? 'equipment.retired'
          : unit.status === EquipmentStatus.Retired
            ? 'equipment.reinstated'
            : 'equipment.maintenance_ended';
    this.outbox.append(
      manager,
      actor,
      domainEvent(
        type,
        unit.id,
        { unit: { id: unit.id, code: unit.code }, from: unit.status, to },
        { before: { status: unit.status }, after: { status: to } },
      ),
    );
    unit.status = to;
  }

  // ---- helpers ----

  /** Columns naming a dispatch's order, unit and driver, from a row aliased `alias` with their ids. */
  private partiesColumns(alias: string): string {
    return `${alias}.work_order_id, parties_wo.number, parties_wo.external_ref, parties_e.id AS unit_id, parties_e.code AS unit_code,
            parties_d.id AS driver_id, parties_d.name AS driver_name`;
  }

  private partiesJoins(alias: string): string {
    return `JOIN work_orders parties_wo ON parties_wo.id = ${alias}.work_order_id
            JOIN equipment parties_e ON parties_e.id = ${alias}.equipment_id
            JOIN drivers parties_d ON parties_d.id = ${alias}.driver_id`;
  }

  private stepEvent(
    manager: EntityManager,
    actor: Actor,
    row: PartiesRow,
    from: DispatchStatus,
    to: DispatchStatus,
    at: Date,
  ): void {
    const type = `dispatch.${to}` as
      | 'dispatch.acknowledged'
      | 'dispatch.en_route'
      | 'dispatch.on_site'
      | 'dispatch.completed'
      | 'dispatch.cancelled';
    this.outbox.append(
      manager,
      actor,
      domainEvent(
        type,
        row.id,
        {
          dispatch: { id: row.id, status: to },
          workOrder: { id: row.work_order_id, number: row.number, externalRef: row.external_ref },
          unit: { id: row.unit_id, code: row.unit_code },
          driver: { id: row.driver_id, name: row.driver_name },
          from,
          at: new Date(at).toISOString(),
        },
        { before: { status: from }, after: { status: to } },
      ),
    );
  }
}
