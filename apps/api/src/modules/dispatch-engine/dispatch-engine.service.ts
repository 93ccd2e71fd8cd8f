import { Injectable } from '@nestjs/common';
import {
  assertTransition,
  BOOKING_STEPS,
  BookingStatements,
  countAssignmentSql,
  CURRENT_CHANGE_XID_SQL,
  type Dispatch,
  DispatchStatus,
  domainEvent,
  DomainError,
  dueNowSql,
  EquipmentStatus,
  type MatchMode,
  NEXT_STEPS,
  NotFoundError,
  type QueueTiming,
  queuedSinceSql,
  runsCitus,
  servingOrderSql,
  WorkOrderStatus,
} from '@dispatch/domain';
import type { EntityManager } from 'typeorm';
import { type Actor, engineActor } from '../../core/auth/actor';
import { AppConfig } from '../../core/config/app-config';
import { EventOutbox } from '../../core/events/event-outbox.service';
import { DecisionMetrics } from '../../core/metrics/decision-metrics';
import { returnedRows } from '../../core/tenancy/returned-rows';
import { type QueueServer, TenantDatabase } from '../../core/tenancy/tenant-database.service';

export interface AssignedDispatch {
  id: string;
  workOrderId: string;
  equipmentId: string;
  driverId: string;
  status: DispatchStatus;
}

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

/** The dispatches that may move to each status: the inverse of NEXT_STEPS. */
const PREVIOUS_STEPS = Object.fromEntries(
  Object.values(DispatchStatus).map((to) => [
    to,
    Object.values(DispatchStatus).filter((from) => NEXT_STEPS[from].includes(to)),
  ]),
) as Record<DispatchStatus, DispatchStatus[]>;

/** Whose change the engine acts on: it decides as the engine, in that request. */
type EngineTrigger = Pick<Actor, 'tenant' | 'requestId'>;

/** A new order as the fast path inserts it. */
export interface NewOrderInput {
  title: string;
  siteId: string;
  equipmentTypeId: string;
  priority: string;
  notes: string | null;
  externalRef: string | null;
  windowStart: Date | null;
  windowEnd: Date | null;
  requiredQualificationIds: string[];
}

/** A new order's columns as `createAndMatch` and `insertDispatchedOrder` take them ($1–$9). */
function orderColumns(trigger: Actor, order: NewOrderInput): unknown[] {
  return [
    order.title,
    order.siteId,
    order.equipmentTypeId,
    order.priority,
    order.notes,
    order.externalRef,
    trigger.subject,
    order.windowStart,
    order.windowEnd,
  ];
}

/** PostgreSQL refused a write for a constraint (SQLSTATE class 23). */
function isIntegrityViolation(error: unknown): boolean {
  const code = (error as { driverError?: { code?: unknown } }).driverError?.code;
  return typeof code === 'string' && code.startsWith('23');
}

/** A dispatch row as it is after a step, with its order, unit and driver named. */
export interface MovedDispatchRow {
  id: string;
  work_order_id: string;
  equipment_id: string;
  driver_id: string;
  status: DispatchStatus;
  previous_status: DispatchStatus;
  dispatched_by: string;
  assigned_at: Date;
  acknowledged_at: Date | null;
  en_route_at: Date | null;
  on_site_at: Date | null;
  completed_at: Date | null;
  cancelled_at: Date | null;
  completion_note: string | null;
  number: number;
  external_ref: string | null;
  work_order_title: string;
  site_name: string;
  unit_id: string;
  unit_code: string;
  unit_name: string;
  driver_name: string;
}

/** What a picking statement returns (PICKED_COLUMNS): a booking before its dispatch exists. */
type PickedRow = Omit<BookedRow, 'id'> & { site_id: string };

/** A new order's fast path on Citus (`pickForNewOrder`): the pair, or a unit with no driver. */
interface PickedPair {
  unit_id: string;
  unit_code: string;
  distance_km: number | null;
  driver_id: string | null;
  driver_name: string | null;
}

type NewOrderBooking = BookedRow & { work_order: Record<string, unknown> };

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
  private readonly timing: QueueTiming;
  private readonly sql: BookingStatements;
  /** Whether the database runs Citus (asked by the first booking): bookings then go in steps. */
  private citus: boolean | undefined;

  constructor(
    private readonly outbox: EventOutbox,
    private readonly decisions: DecisionMetrics,
    config: AppConfig,
    db: TenantDatabase,
  ) {
    this.timing = {
      agingSeconds: config.QUEUE_AGING_MINUTES * 60,
      leadMinutes: config.DISPATCH_LEAD_MINUTES,
    };
    this.sql = new BookingStatements(this.timing);
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

  /** See BookingStatements for the two queue locks and why completions need not wait for each other. */
  get openingStatements(): readonly string[] {
    return [this.sql.decideShared, this.sql.waitingThenServeLock];
  }

  mustServe(rows: Record<string, unknown>[]): boolean {
    return rows[0]?.waiting === true;
  }

  async afterWork(manager: EntityManager, trigger: EngineTrigger): Promise<void> {
    await this.serveQueue(manager, trigger);
  }

  // ---- matching ----

  /** Opening statement of a transaction that will call `dispatchNewOrder` (with BEGIN: no round trip). */
  get newOrderOpening(): string {
    return this.sql.fastPathSavepoint;
  }

  /**
   * The fast path of a new order: in one statement, inserts it already dispatched to a free unit
   * and qualified driver if there are such (rows others hold are skipped). Returns the inserted
   * order (as PostgreSQL's JSON of the row) and calls `created` before the dispatch's event is
   * appended, so the order's creation comes first in the outbox. Returns null, having written
   * nothing and released every lock it took, when nothing is free (or a reference is invalid):
   * the caller then creates the order and calls `queueOrDispatch`.
   * The transaction must have been opened with `newOrderOpening`.
   */
  async dispatchNewOrder(
    manager: EntityManager,
    trigger: Actor,
    order: NewOrderInput,
    created: (row: Record<string, unknown>) => void,
  ): Promise<AssignedDispatch | null> {
    return this.decisions.time('fast', () => this.insertAndMatch(manager, trigger, order, created));
  }

  private async insertAndMatch(
    manager: EntityManager,
    trigger: Actor,
    order: NewOrderInput,
    created: (row: Record<string, unknown>) => void,
  ): Promise<AssignedDispatch | null> {
    let row: NewOrderBooking | undefined;
    let undo = true;
    try {
      if (await this.runsCitus(manager)) {
        ({ row, undo } = await this.insertAndMatchInSteps(manager, trigger, order));
      } else {
        [row] = (await manager.query(this.sql.createAndMatch, [
          ...orderColumns(trigger, order),
          order.requiredQualificationIds,
          engineActor(trigger).subject,
        ])) as NewOrderBooking[];
      }
    } catch (error) {
      // A constraint (a duplicate externalRef …): the slow path writes the order and reports it.
      if (!isIntegrityViolation(error)) throw error;
    }
    if (!row) {
      if (undo) await manager.query('ROLLBACK TO SAVEPOINT fast_match');
      return null;
    }
    created(row.work_order);
    return this.booked(manager, engineActor(trigger), row, 'automatic');
  }

  /**
   * `createAndMatch` as statements Citus routes whole (BOOKING_STEPS). `undo`: whether the
   * savepoint must be rolled back when nothing was booked (a unit was locked).
   */
  private async insertAndMatchInSteps(
    manager: EntityManager,
    trigger: Actor,
    order: NewOrderInput,
  ): Promise<{ row?: NewOrderBooking; undo: boolean }> {
    const [pair] = (await manager.query(this.sql.pickForNewOrder, [
      order.siteId,
      order.equipmentTypeId,
      order.windowStart,
      order.windowEnd,
      order.requiredQualificationIds,
    ])) as PickedPair[];
    if (!pair) return { undo: false };
    if (pair.driver_id === null || pair.driver_name === null) return { undo: true };
    const [inserted] = (await manager.query(
      this.sql.insertDispatchedOrder,
      orderColumns(trigger, order),
    )) as Record<string, unknown>[];
    const workOrderId = inserted.id as string;
    const wanted = order.requiredQualificationIds;
    if (wanted.length > 0) {
      await manager.query(
        `INSERT INTO work_order_required_qualifications (work_order_id, qualification_id)
         VALUES ${wanted.map((_, index) => `($1, $${index + 2})`).join(', ')}`,
        [workOrderId, ...wanted],
      );
    }
    const booked = await this.bookInSteps(
      manager,
      {
        ...pair,
        driver_id: pair.driver_id,
        driver_name: pair.driver_name,
        work_order_id: workOrderId,
        number: inserted.number as number,
        external_ref: (inserted.external_ref as string | null) ?? null,
        site_id: order.siteId,
        queued_seconds: 0,
      },
      engineActor(trigger).subject,
      { newOrder: true },
    );
    return { row: { ...booked, work_order: inserted }, undo: true };
  }

  /** Books a picked order, unit and driver in the three statements of BOOKING_STEPS. */
  private async bookInSteps(
    manager: EntityManager,
    picked: PickedRow,
    dispatchedBy: string,
    { newOrder }: { newOrder: boolean },
  ): Promise<BookedRow> {
    const [dispatch] = (await manager.query(BOOKING_STEPS.dispatch, [
      picked.work_order_id,
      picked.unit_id,
      picked.driver_id,
      dispatchedBy,
    ])) as { id: string }[];
    const resources = [picked.unit_id, picked.driver_id, dispatch.id];
    await manager.query(
      BOOKING_STEPS.resources(newOrder),
      newOrder ? resources : [...resources, picked.work_order_id],
    );
    await manager.query(BOOKING_STEPS.period, [
      dispatch.id,
      picked.unit_id,
      picked.driver_id,
      picked.site_id,
    ]);
    return { ...picked, id: dispatch.id };
  }

  private async runsCitus(manager: EntityManager): Promise<boolean> {
    this.citus ??= await runsCitus((sql) => manager.query(sql) as Promise<unknown[]>);
    return this.citus;
  }

  /**
   * A new order the fast path could not serve: takes the decide lock (exclusive), waiting for
   * in-flight changes, and looks again before leaving it in the queue.
   */
  async queueOrDispatch(
    manager: EntityManager,
    trigger: Actor,
    workOrderId: string,
  ): Promise<AssignedDispatch | null> {
    return this.decisions.time('recheck', async () => {
      await manager.query(this.sql.decideExclusive);
      return this.match(manager, trigger, workOrderId, 'recheck');
    });
  }

  /**
   * Serves the queue: due orders in serving order (effective priority, then oldest), each matched
   * if a unit of its type and a qualified driver are free. Runs under the serve lock.
   */
  private async serveQueue(
    manager: EntityManager,
    trigger: EngineTrigger,
  ): Promise<AssignedDispatch[]> {
    const assigned: AssignedDispatch[] = [];
    const queued = (await manager.query(this.sql.servable)) as {
      id: string;
      equipment_type_id: string;
      free_units: number;
      free_drivers: number;
    }[];
    if (queued.length === 0) return assigned;
    let driversLeft = queued[0].free_drivers;
    const freeUnits = new Map(queued.map((order) => [order.equipment_type_id, order.free_units]));
    for (const order of queued) {
      if (driversLeft === 0) break;
      if ((freeUnits.get(order.equipment_type_id) ?? 0) === 0) continue;
      const dispatch = await this.decisions.time('serve', () =>
        this.match(manager, trigger, order.id, 'serve'),
      );
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
  async serveNow(manager: EntityManager, trigger: EngineTrigger): Promise<number> {
    await manager.query(this.sql.decideShared);
    const rows = (await manager.query(this.sql.waitingThenServeLock)) as Record<string, unknown>[];
    if (!this.mustServe(rows)) return 0;
    return (await this.serveQueue(manager, trigger)).length;
  }

  private async match(
    manager: EntityManager,
    trigger: EngineTrigger,
    workOrderId: string,
    mode: MatchMode,
  ): Promise<AssignedDispatch | null> {
    const by = engineActor(trigger).subject;
    let row: BookedRow | undefined;
    if (await this.runsCitus(manager)) {
      const [picked] = (await manager.query(this.sql.pickForQueued(mode), [
        workOrderId,
      ])) as PickedRow[];
      if (picked) row = await this.bookInSteps(manager, picked, by, { newOrder: false });
    } else {
      [row] = (await manager.query(this.sql.match(mode), [workOrderId, by])) as BookedRow[];
    }
    if (!row) return null;
    return this.booked(manager, engineActor(trigger), row, 'automatic');
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
    const chosen = [pair.workOrderId, pair.equipmentId, pair.driverId];
    let row: BookedRow;
    if (await this.runsCitus(manager)) {
      const [picked] = (await manager.query(this.sql.pickByHand, chosen)) as PickedRow[];
      row = await this.bookInSteps(manager, picked, actor.subject, { newOrder: false });
    } else {
      [row] = (await manager.query(this.sql.assignByHand, [
        ...chosen,
        actor.subject,
      ])) as BookedRow[];
    }
    return this.booked(manager, actor, row, 'manual');
  }

  // ---- the dispatch's life ----

  /**
   * Moves a dispatch one step (acknowledged … completed, or cancelled) in one statement. Completing
   * or cancelling frees its unit and driver and closes its work order and assignment period;
   * callers run with servesQueue, so the queue is served afterwards. With `driver`, only that
   * driver's own dispatch moves (anything else is not found). `note`, the completion note, is
   * stored when completing (callers refuse it on any other step).
   */
  async transition(
    manager: EntityManager,
    actor: Actor,
    id: string,
    to: DispatchStatus,
    driver?: Pick<Actor, 'subject' | 'name'>,
    note: string | null = null,
  ): Promise<MovedDispatchRow> {
    const from = PREVIOUS_STEPS[to];
    const completing = to === DispatchStatus.Completed;
    const closing = completing || to === DispatchStatus.Cancelled;
    const orderStatus = completing ? WorkOrderStatus.Completed : WorkOrderStatus.Cancelled;
    const [row] = (await manager.query(this.sql.transition(to), [
      id,
      to,
      from,
      driver?.subject ?? null,
      driver?.name ?? null,
      ...(closing ? [orderStatus] : []),
      ...(completing ? [note] : []),
    ])) as MovedDispatchRow[];
    if (!row) {
      // Why not: gone (or not this driver's), or not in a status this step starts from.
      const [current] = (await manager.query(
        `SELECT status FROM dispatches x WHERE x.id = $1
            AND ($2::text IS NULL OR x.driver_id IN (SELECT own.id FROM drivers own
                  WHERE own.keycloak_subject = $2 OR (own.keycloak_subject IS NULL AND own.username = $3)))`,
        [id, driver?.subject ?? null, driver?.name ?? null],
      )) as { status: DispatchStatus }[];
      if (!current) throw new NotFoundError('Dispatch', id);
      assertTransition(current.status, to);
      throw new DomainError('ILLEGAL_TRANSITION', `The dispatch is ${current.status}`, {
        currentStatus: current.status,
      });
    }
    const at = row[`${to}_at` as keyof MovedDispatchRow] as Date;
    this.stepEvent(manager, actor, row, row.previous_status, to, at);
    if (closing) {
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
    }
    return row;
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
    const [before] = (await manager.query(this.sql.parties, [dispatch.id])) as PartiesRow[];
    const unitChanges = choice.equipmentId !== dispatch.equipmentId;
    const driverChanges = choice.driverId !== dispatch.driverId;
    if (!unitChanges && !driverChanges) return;
    // The old driver lets go first: a driver's active dispatch is unique, checked row by row.
    // Only what changes is written: Citus routes a CTE whose condition folds to false to no shard
    // (it runs on the worker's empty shell table), so no `$n AND …` switches here.
    const params: unknown[] = [dispatch.id];
    const param = (value: unknown) => `$${params.push(value)}`;
    const changes: string[] = [];
    if (driverChanges) {
      changes.push(`released_driver AS (
         UPDATE drivers SET active_dispatch_id = NULL, updated_at = now()
          WHERE id = ${param(dispatch.driverId)} AND active_dispatch_id = $1)`);
    }
    if (unitChanges) {
      changes.push(
        `released_unit AS (
         UPDATE equipment SET status = 'available', updated_at = now()
          WHERE id = ${param(dispatch.equipmentId)} AND status = 'dispatched')`,
        `booked_unit AS (
         UPDATE equipment e SET status = 'dispatched', ${countAssignmentSql('e')}, updated_at = now()
          WHERE e.id = ${param(choice.equipmentId)})`,
      );
    }
    // The new period is a statement of its own: Citus routes whole only UPDATEs in CTEs.
    const [ended] = returnedRows<{ site_id: string }>(
      await manager.query(
        `WITH ${changes.join(',\n       ')}
       UPDATE assignment_periods SET ended_at = GREATEST(now(), started_at), end_reason = 'reassigned'
        WHERE dispatch_id = $1 AND ended_at IS NULL RETURNING site_id`,
        params,
      ),
    );
    if (ended) {
      await manager.query(
        `INSERT INTO assignment_periods (dispatch_id, equipment_id, driver_id, site_id, started_at)
         VALUES ($1, $2, $3, $4, now())`,
        [dispatch.id, choice.equipmentId, choice.driverId, ended.site_id],
      );
    }
    const bookedDriver = driverChanges
      ? `booked_driver AS (
         UPDATE drivers d SET active_dispatch_id = $1, ${countAssignmentSql('d')}, updated_at = now() WHERE d.id = $3),`
      : '';
    const [after] = (await manager.query(
      `WITH moved AS (
         UPDATE dispatches SET equipment_id = $2, driver_id = $3, updated_at = now() WHERE id = $1
         RETURNING id, work_order_id, equipment_id, driver_id),
       ${bookedDriver}
       -- The order changed hands: it moves in the change feed (a driver who now sees it gets it).
       touched_order AS (
         UPDATE work_orders SET updated_at = now(), change_xid = ${CURRENT_CHANGE_XID_SQL}
          WHERE id IN (SELECT work_order_id FROM moved))
       SELECT moved.id, wo.number, wo.external_ref, moved.work_order_id, e.id AS unit_id, e.code AS unit_code, d.id AS driver_id, d.name AS driver_name
         FROM moved JOIN work_orders wo ON wo.id = moved.work_order_id
         JOIN equipment e ON e.id = $2 JOIN drivers d ON d.id = $3`,
      [dispatch.id, choice.equipmentId, choice.driverId],
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

  private stepEvent(
    manager: EntityManager,
    actor: Actor,
    row: MovedDispatchRow,
    from: DispatchStatus,
    to: DispatchStatus,
    at: Date,
  ): void {
    const step = {
      dispatch: { id: row.id, status: to },
      workOrder: { id: row.work_order_id, number: row.number, externalRef: row.external_ref },
      unit: { id: row.unit_id, code: row.unit_code },
      driver: { id: row.driver_id, name: row.driver_name },
      from,
      at: new Date(at).toISOString(),
    };
    if (to === DispatchStatus.Completed) {
      const note = row.completion_note;
      this.outbox.append(
        manager,
        actor,
        domainEvent(
          'dispatch.completed',
          row.id,
          { ...step, note },
          {
            before: { status: from },
            after: note === null ? { status: to } : { status: to, completionNote: note },
          },
        ),
      );
      return;
    }
    const type = `dispatch.${to}` as
      'dispatch.acknowledged' | 'dispatch.en_route' | 'dispatch.on_site' | 'dispatch.cancelled';
    this.outbox.append(
      manager,
      actor,
      domainEvent(type, row.id, step, { before: { status: from }, after: { status: to } }),
    );
  }
}
