import { Injectable } from '@nestjs/common';
import {
  Dispatch,
  DispatchStatus,
  DomainError,
  dueDate,
  effectiveRankSql,
  EquipmentStatus,
  OPEN_DISPATCH_STATUSES,
  sqlValues,
  WorkOrderStatus,
} from '@dispatch/domain';
import type { EntityManager } from 'typeorm';
import { type Actor, systemActor } from '../../core/auth/actor';
import { AuditService } from '../../core/audit/audit.service';
import { AppConfig } from '../../core/config/app-config';

/** The engine's own decisions are audited under this subject. */
export const AUTO_SUBJECT = 'auto';

/** The engine deciding in the course of someone's request: audited as `auto`, with the request id. */
export function engineActor(trigger: Actor): Actor {
  return { ...systemActor(trigger.tenant, trigger.requestId), subject: AUTO_SUBJECT };
}

const OPEN = sqlValues(OPEN_DISPATCH_STATUSES);

interface QueuedOrderRow {
  id: string;
  number: number;
  equipment_type_id: string;
  site_id: string;
  window_end: Date | null;
  site_latitude: string;
  site_longitude: string;
}

interface UnitCandidate {
  id: string;
  code: string;
  distance_km: number | null;
  used_today: number;
  candidates: number;
}

interface DriverCandidate {
  id: string;
  name: string;
  extra_qualifications: number;
  used_today: number;
  candidates: number;
}

export interface AssignedDispatch {
  id: string;
  workOrderId: string;
  equipmentId: string;
  driverId: string;
  status: DispatchStatus;
}

type LockMode = 'skip-locked' | 'wait';

/**
 * The heart of the product: matching a work order to a free unit and a qualified driver, and
 * serving the queue whenever capacity frees up. Everything runs inside the caller's transaction.
 *
 * Concurrency: candidates are picked with row locks (SKIP LOCKED on the fast path of a new order,
 * waiting locks when serving the queue), and every state a matcher filters on is a column of the
 * locked row (unit status, driver's active dispatch), so a matcher that waited re-checks it. Partial
 * unique indexes on dispatches refuse double-booking even if this code were wrong. Serving the queue
 * and deciding to queue hold a per-tenant advisory lock, so a resource freed at the same moment an
 * order is queued is never missed.
 */
@Injectable()
export class DispatchEngine {
  private readonly agingSeconds: number;
  private readonly leadMinutes: number;

  constructor(
    private readonly audit: AuditService,
    config: AppConfig,
  ) {
    this.agingSeconds = config.QUEUE_AGING_MINUTES * 60;
    this.leadMinutes = config.DISPATCH_LEAD_MINUTES;
  }

  get queueAgingSeconds(): number {
    return this.agingSeconds;
  }

  /** SQL expression ranking queued orders (alias `wo`): higher first, then oldest. */
  rankSql(alias = 'wo'): string {
    return effectiveRankSql(this.agingSeconds, alias, this.queuedSinceSql(alias));
  }

  /** When an order started waiting for the engine: its creation, or for scheduled work the start of its lead time. */
  queuedSinceSql(alias = 'wo'): string {
    return `GREATEST(${alias}.created_at, coalesce(${alias}.window_start - make_interval(mins => ${this.leadMinutes}), ${alias}.created_at))`;
  }

  /**
   * Orders the engine may dispatch now: no time window, or a window starting within the lead time.
   * Later work stays queued (as scheduled) so it does not tie up a unit and a driver for days.
   */
  dueSql(alias = 'wo'): string {
    return `(${alias}.window_start IS NULL OR ${alias}.window_start <= now() + make_interval(mins => ${this.leadMinutes}))`;
  }

  get dispatchLeadMinutes(): number {
    return this.leadMinutes;
  }

  /**
   * Serializes queue decisions of one tenant until the transaction ends. A transaction that will
   * serve the queue takes this lock before any row lock, so lock order is the same everywhere:
   * queue lock, then rows.
   */
  async lockQueue(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(1, hashtext(current_schema()))`);
  }

  /**
   * Tries to dispatch a queued order now; if nothing fits, it stays queued. The fast path skips
   * rows other transactions hold; only when it finds nothing does it take the queue lock and look
   * again, waiting for in-flight changes, before leaving the order in the queue.
   */
  async dispatchOrQueue(
    manager: EntityManager,
    trigger: Actor,
    workOrderId: string,
  ): Promise<AssignedDispatch | null> {
    // The fast path runs in a savepoint: if it locks a unit but finds no driver, rolling back to the
    // savepoint releases that row lock before this transaction waits for the queue lock. (Holding it
    // while waiting would deadlock with a queue server waiting for the same unit.)
    await manager.query('SAVEPOINT fast_match');
    const fast = await this.tryMatch(manager, trigger, workOrderId, 'skip-locked');
    if (fast) {
      await manager.query('RELEASE SAVEPOINT fast_match');
      return fast;
    }
    await manager.query('ROLLBACK TO SAVEPOINT fast_match');
    await this.lockQueue(manager);
    return this.tryMatch(manager, trigger, workOrderId, 'wait');
  }

  /**
   * Serves the queue after capacity freed up: queued orders in serving order (effective priority,
   * then oldest), each matched if a unit and a qualified driver are free for it.
   */
  async drain(manager: EntityManager, trigger: Actor): Promise<AssignedDispatch[]> {
    await this.lockQueue(manager);
    const assigned: AssignedDispatch[] = [];
    // Queued orders that are due and have a free unit of their type, in serving order, with the
    // capacity left (free units of the type, free drivers) to stop early once it runs out.
    const queued = (await manager.query(
      `SELECT wo.id, wo.equipment_type_id,
              (SELECT count(*) FROM equipment e WHERE e.equipment_type_id = wo.equipment_type_id AND e.status = 'available')::int AS free_units,
              (SELECT count(*) FROM drivers d WHERE d.duty_status = 'on_duty' AND d.active_dispatch_id IS NULL)::int AS free_drivers
         FROM work_orders wo
        WHERE wo.status = 'queued' AND ${this.dueSql()}
          AND EXISTS (SELECT 1 FROM equipment e WHERE e.equipment_type_id = wo.equipment_type_id AND e.status = 'available')
        ORDER BY ${this.rankSql()} DESC, wo.created_at ASC, wo.number ASC`,
    )) as { id: string; equipment_type_id: string; free_units: number; free_drivers: number }[];
    if (queued.length === 0) return assigned;
    let driversLeft = queued[0].free_drivers;
    const freeUnits = new Map(queued.map((order) => [order.equipment_type_id, order.free_units]));
    for (const order of queued) {
      if (driversLeft === 0) break;
      if ((freeUnits.get(order.equipment_type_id) ?? 0) === 0) continue;
      const dispatch = await this.tryMatch(manager, trigger, order.id, 'wait');
      if (!dispatch) continue;
      assigned.push(dispatch);
      driversLeft -= 1;
      freeUnits.set(order.equipment_type_id, (freeUnits.get(order.equipment_type_id) ?? 1) - 1);
    }
    return assigned;
  }

  private async tryMatch(
    manager: EntityManager,
    trigger: Actor,
    workOrderId: string,
    mode: LockMode,
  ): Promise<AssignedDispatch | null> {
    const lock = (alias: string) =>
      `FOR UPDATE OF ${alias}${mode === 'skip-locked' ? ' SKIP LOCKED' : ''}`;
    const [order] = (await manager.query(
      `SELECT wo.id, wo.number, wo.equipment_type_id, wo.site_id, wo.window_end, s.latitude AS site_latitude, s.longitude AS site_longitude,
              ARRAY(SELECT qualification_id FROM equipment_type_required_qualifications WHERE equipment_type_id = wo.equipment_type_id
                    UNION SELECT qualification_id FROM work_order_required_qualifications WHERE work_order_id = wo.id)::text[] AS required
         FROM work_orders wo JOIN sites s ON s.id = wo.site_id
        WHERE wo.id = $1 AND wo.status = 'queued' AND ${this.dueSql()}
        FOR UPDATE OF wo`,
      [workOrderId],
    )) as (QueuedOrderRow & { required: string[] })[];
    if (!order) return null;
    const required = order.required;
    const due = dueDate({ windowEnd: order.window_end ? new Date(order.window_end) : null });

    const [unit] = (await manager.query(
      `SELECT e.id, e.code,
              CASE WHEN e.latitude IS NULL OR e.longitude IS NULL THEN NULL ELSE
                2 * 6371 * asin(sqrt(power(sin(radians(e.latitude - $2) / 2), 2)
                  + cos(radians($2)) * cos(radians(e.latitude)) * power(sin(radians(e.longitude - $3) / 2), 2)))
              END::float8 AS distance_km,
              (SELECT count(*) FROM dispatches x WHERE x.equipment_id = e.id AND x.assigned_at >= date_trunc('day', now()))::int AS used_today,
              (SELECT count(*) FROM equipment c WHERE c.equipment_type_id = $1 AND c.status = 'available')::int AS candidates
         FROM equipment e
        WHERE e.equipment_type_id = $1 AND e.status = 'available'
        ORDER BY distance_km ASC NULLS LAST, used_today ASC, e.code ASC
        LIMIT 1 ${lock('e')}`,
      [order.equipment_type_id, Number(order.site_latitude), Number(order.site_longitude)],
    )) as UnitCandidate[];
    if (!unit) return null;

    const [driver] = (await manager.query(
      `SELECT d.id, d.name,
              (SELECT count(*) FROM driver_qualifications h WHERE h.driver_id = d.id AND NOT (h.qualification_id = ANY($1::uuid[])))::int AS extra_qualifications,
              (SELECT count(*) FROM dispatches x WHERE x.driver_id = d.id AND x.assigned_at >= date_trunc('day', now()))::int AS used_today,
              (SELECT count(*) FROM drivers c WHERE c.duty_status = 'on_duty' AND c.active_dispatch_id IS NULL)::int AS candidates
         FROM drivers d
        WHERE d.duty_status = 'on_duty' AND d.active_dispatch_id IS NULL
          AND (SELECT count(*) FROM driver_qualifications q
                WHERE q.driver_id = d.id AND q.qualification_id = ANY($1::uuid[]) AND q.expires_at >= $2::date) = $3
        ORDER BY extra_qualifications ASC, used_today ASC, d.name ASC, d.id ASC
        LIMIT 1 ${lock('d')}`,
      [required, due, required.length],
    )) as DriverCandidate[];
    if (!driver) return null;

    const selection = {
      rule: 'unit nearest the site, then least used today; driver holding every required qualification valid through the due date, with the fewest other qualifications (keeps scarce skills free), then least used today',
      due,
      requiredQualificationIds: required,
      unit: {
        id: unit.id,
        code: unit.code,
        distanceKm: unit.distance_km === null ? null : Math.round(unit.distance_km * 100) / 100,
        usedToday: unit.used_today,
        freeUnitsOfType: unit.candidates,
      },
      driver: {
        id: driver.id,
        name: driver.name,
        otherQualifications: driver.extra_qualifications,
        usedToday: driver.used_today,
        freeDrivers: driver.candidates,
      },
    };
    return this.assign(
      manager,
      engineActor(trigger),
      { workOrderId: order.id, equipmentId: unit.id, driverId: driver.id },
      { trigger: { subject: trigger.subject, name: trigger.name }, selection },
    );
  }

  /**
   * Books the unit and the driver for the order. Callers have locked and checked all three rows;
   * the database's unique indexes still refuse a second open dispatch for any of them.
   */
  async assign(
    manager: EntityManager,
    actor: Actor,
    pair: { workOrderId: string; equipmentId: string; driverId: string },
    why: Record<string, unknown>,
  ): Promise<AssignedDispatch> {
    // One statement books all three rows; the unique indexes still refuse any double booking.
    const [booked] = (await manager.query(
      `WITH dispatch AS (
         INSERT INTO dispatches (work_order_id, equipment_id, driver_id, status, dispatched_by, assigned_at)
         VALUES ($1, $2, $3, 'assigned', $4, now()) RETURNING id, assigned_at),
       unit AS (UPDATE equipment SET status = 'dispatched', updated_at = now() WHERE id = $2),
       driver AS (UPDATE drivers SET active_dispatch_id = (SELECT id FROM dispatch), updated_at = now() WHERE id = $3),
       work AS (UPDATE work_orders SET status = 'dispatched', updated_at = now() WHERE id = $1)
       SELECT id, assigned_at FROM dispatch`,
      [pair.workOrderId, pair.equipmentId, pair.driverId, actor.subject],
    )) as { id: string; assigned_at: Date }[];
    const view: AssignedDispatch = { id: booked.id, ...pair, status: DispatchStatus.Assigned };
    await this.audit.record(manager, actor, {
      action: 'dispatch.assigned',
      entityType: 'dispatch',
      entityId: booked.id,
      after: { ...view, assignedAt: new Date(booked.assigned_at).toISOString(), ...why },
    });
    return view;
  }

  /**
   * Ends an open dispatch (completed or cancelled), freeing its unit and driver, and closes its work
   * order the same way. The caller serves the queue afterwards.
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
    const previous = dispatch.status;
    const completed = to === DispatchStatus.Completed;
    const column = completed ? 'completed_at' : 'cancelled_at';
    const orderStatus = completed ? WorkOrderStatus.Completed : WorkOrderStatus.Cancelled;
    // A unit that finished a job is where the job was: the next match measures from there.
    await manager.query(
      `WITH dispatch AS (
         UPDATE dispatches SET status = $2, ${column} = now(), updated_at = now() WHERE id = $1),
       unit AS (
         UPDATE equipment e SET status = 'available', updated_at = now(),
                latitude = CASE WHEN $5 THEN s.latitude ELSE e.latitude END,
                longitude = CASE WHEN $5 THEN s.longitude ELSE e.longitude END
           FROM work_orders wo JOIN sites s ON s.id = wo.site_id
          WHERE e.id = $3 AND wo.id = $4 AND e.status = '${EquipmentStatus.Dispatched}'),
       driver AS (
         UPDATE drivers SET active_dispatch_id = NULL, updated_at = now() WHERE id = $6 AND active_dispatch_id = $1),
       work AS (
         UPDATE work_orders SET status = $7, ${column} = now(), updated_at = now() WHERE id = $4)
       SELECT 1`,
      [
        dispatch.id,
        to,
        dispatch.equipmentId,
        dispatch.workOrderId,
        completed,
        dispatch.driverId,
        orderStatus,
      ],
    );
    dispatch.status = to;
    dispatch[completed ? 'completedAt' : 'cancelledAt'] = new Date();
    await this.audit.recordMany(manager, actor, [
      {
        action: `dispatch.${to}`,
        entityType: 'dispatch',
        entityId: dispatch.id,
        before: { status: previous },
        after: { status: to },
      },
      {
        action: `work_order.${orderStatus}`,
        entityType: 'work_order',
        entityId: dispatch.workOrderId,
        before: { status: WorkOrderStatus.Dispatched },
        after: { status: orderStatus, dispatchId: dispatch.id },
      },
    ]);
  }

  /** Locks the open dispatch of a unit or driver, if any (for refusing maintenance or off-duty). */
  async openDispatchOf(
    manager: EntityManager,
    column: 'equipment_id' | 'driver_id',
    id: string,
  ): Promise<string | null> {
    const [row] = (await manager.query(
      `SELECT id FROM dispatches WHERE ${column} = $1 AND status IN (${OPEN}) LIMIT 1`,
      [id],
    )) as { id: string }[];
    return row?.id ?? null;
  }
}
