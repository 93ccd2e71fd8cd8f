import { Injectable } from '@nestjs/common';
import {
  AuditEvent,
  CHANGE_HORIZON_SQL,
  CURRENT_CHANGE_XID_SQL,
  Dispatch,
  DispatchStatus,
  domainEvent,
  DomainError,
  type NewEvent,
  NotFoundError,
  OPEN_DISPATCH_STATUSES,
  OPEN_WORK_ORDER_STATUSES,
  WORK_ORDER_OPEN_EXTERNAL_REF_INDEX,
  WorkOrder,
  WorkOrderRequiredQualification,
  type WorkOrderRef,
  WorkOrderStatus,
} from '@dispatch/domain';
import { In, type EntityManager, QueryFailedError, type SelectQueryBuilder } from 'typeorm';
import { type Actor, isDriverOnly } from '../../core/auth/actor';
import { ownDriverFilter } from '../../core/auth/own-driver';
import { changedKeys } from '../../core/events/changed-keys';
import { EventOutbox } from '../../core/events/event-outbox.service';
import { type PgError, violatedConstraint } from '../../core/errors/database-errors';
import { type Page, pageWindow } from '../../core/http/pagination';
import { containsPattern, findOrFail } from '../../core/tenancy/lookups';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import type { AuditEventView } from '../audit/dto/audit.dto';
import { toAuditEventView } from '../events/event-row';
import { DispatchEngine } from '../dispatch-engine/dispatch-engine.service';
import { QueueExplainer } from '../dispatch-engine/queue-explainer.service';
import {
  AFTER_EVERY_ID,
  type ChangePosition,
  decodeChangeCursor,
  encodeChangeCursor,
  laterPosition,
} from './change-cursor';
import {
  type CreateWorkOrderDto,
  formatWorkOrderNumber,
  type PutWorkOrderDto,
  type TimeWindowDto,
  toWorkOrderView,
  type UpdateWorkOrderDto,
  type WorkOrderChangePage,
  type WorkOrderDetailView,
  type WorkOrderListQuery,
  workOrderLocation,
  type WorkOrderView,
} from './dto/work-order.dto';

const WITH_REQUIREMENTS = { requiredQualifications: true } as const;

function workOrderRef(order: Pick<WorkOrder, 'id' | 'number' | 'externalRef'>): WorkOrderRef {
  return { id: order.id, number: order.number, externalRef: order.externalRef };
}

function createdEvent(order: WorkOrder, view: WorkOrderDetailView): NewEvent {
  return domainEvent(
    'work_order.created',
    order.id,
    {
      workOrder: {
        ...workOrderRef(order),
        title: order.title,
        priority: order.priority,
        siteId: order.siteId,
        equipmentTypeId: order.equipmentTypeId,
        windowStart: order.windowStart?.toISOString() ?? null,
        windowEnd: order.windowEnd?.toISOString() ?? null,
      },
    },
    { after: view },
  );
}

/** The order the engine's fast path inserted (PostgreSQL's JSON of the row) as an entity. */
function workOrderFromRow(manager: EntityManager, row: Record<string, unknown>): WorkOrder {
  // PostgreSQL JSON (the one-statement fast path) holds strings, a RETURNING row (Citus) Dates.
  const time = (value: unknown) =>
    value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
  return manager.create(WorkOrder, {
    id: row.id as string,
    number: row.number as number,
    title: row.title as string,
    siteId: row.site_id as string,
    equipmentTypeId: row.equipment_type_id as string,
    priority: row.priority as WorkOrder['priority'],
    windowStart: time(row.window_start),
    windowEnd: time(row.window_end),
    notes: (row.notes as string | null) ?? null,
    externalRef: (row.external_ref as string | null) ?? null,
    status: row.status as WorkOrderStatus,
    createdBy: row.created_by as string,
    createdAt: time(row.created_at) as Date,
    updatedAt: time(row.updated_at) as Date,
    completedAt: time(row.completed_at),
    cancelledAt: time(row.cancelled_at),
  });
}

function windowColumns(
  window: TimeWindowDto | null | undefined,
): { windowStart: Date | null; windowEnd: Date | null } | undefined {
  if (window === undefined) return undefined;
  if (window === null) return { windowStart: null, windowEnd: null };
  const windowStart = new Date(window.start);
  const windowEnd = new Date(window.end);
  if (windowEnd <= windowStart) {
    throw new DomainError('VALIDATION', 'The time window ends before it starts', {
      fields: [{ field: 'window.end', message: 'must be after window.start' }],
    });
  }
  return { windowStart, windowEnd };
}

/** PostgreSQL refused a second open order with the same externalRef. */
function isOpenExternalRefConflict(error: unknown): boolean {
  const pg = error instanceof QueryFailedError ? (error.driverError as PgError) : undefined;
  return pg?.code === '23505' && violatedConstraint(pg) === WORK_ORDER_OPEN_EXTERNAL_REF_INDEX;
}

/** How often a create or PUT that lost a race for its externalRef starts over. */
const EXTERNAL_REF_ATTEMPTS = 5;

/** A request's field names for what an edit touched, as the event names them. */
function changedFields(changes: object): string[] {
  const names: Record<string, string> = {
    siteExternalRef: 'siteId',
    equipmentTypeExternalRef: 'equipmentTypeId',
  };
  return [...new Set(changedKeys(changes).map((key) => names[key] ?? key))];
}

/** The columns an edit sets (undefined: left as it is). */
type EditableColumns = Partial<
  Pick<
    WorkOrder,
    'title' | 'siteId' | 'equipmentTypeId' | 'priority' | 'notes' | 'windowStart' | 'windowEnd'
  >
>;

/** A page of the change feed as PostgreSQL answers it: per order its row. */
interface ChangeRow {
  order_row: Record<string, unknown>;
  change_xid: string;
  required: string[] | null;
}

@Injectable()
export class WorkOrdersService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly outbox: EventOutbox,
    private readonly engine: DispatchEngine,
    private readonly explainer: QueueExplainer,
  ) {}

  /** Newest first by default; with `sort=updatedAt`, the change feed (`changes`). */
  list(
    actor: Actor,
    query: WorkOrderListQuery,
  ): Promise<Page<WorkOrderView> | WorkOrderChangePage> {
    if (query.sort === 'updatedAt') return this.changes(actor, query);
    if (query.cursor !== undefined) {
      throw new DomainError('VALIDATION', 'A cursor pages the change feed only (sort=updatedAt)', {
        fields: [{ field: 'cursor', message: 'cursor needs sort=updatedAt' }],
      });
    }
    const { limit, offset } = pageWindow(query);
    return this.db.transaction(actor, async (manager) => {
      const builder = this.filtered(this.visibleTo(manager, actor), query)
        .orderBy('wo.createdAt', 'DESC')
        .addOrderBy('wo.number', 'DESC');
      if (query.updatedSince)
        builder.andWhere('wo.updatedAt >= :updatedSince', { updatedSince: query.updatedSince });
      const [orders, total] = await builder
        .leftJoinAndSelect('wo.requiredQualifications', 'required')
        .take(limit)
        .skip(offset)
        .getManyAndCount();
      return { items: orders.map(toWorkOrderView), total, limit, offset };
    });
  }

  /**
   * The change feed: orders in the order their changes committed, as `(change_xid, id)`, from the
   * cursor on (or, for a new walk, from the first change of an order updated at or after
   * `updatedSince`), taking only changes below the horizon of the transaction's first snapshot:
   * every transaction below it has ended, and every one that may still commit is at or above it,
   * so nothing can ever land behind a cursor handed out (see `rules/change-feed.ts`). The horizon
   * is read in a statement of its own, before the page's: every change below it had committed
   * when it was read, so the page's later snapshot sees them all. (On Citus that statement runs on the
   * coordinator, whose transaction ids `change_xid` holds — see the StableChangeXid migration —
   * while the page runs on the tenant's worker, whose snapshot knows other ids.) A page that is
   * not full has passed every change below the horizon, so its cursor moves up to the horizon.
   */
  private changes(actor: Actor, query: WorkOrderListQuery): Promise<WorkOrderChangePage> {
    if (query.offset !== undefined) {
      throw new DomainError('VALIDATION', 'The change feed pages by cursor, not offset', {
        fields: [{ field: 'offset', message: 'offset does not apply with sort=updatedAt' }],
      });
    }
    let after: ChangePosition | null = null;
    if (query.cursor !== undefined) {
      after = decodeChangeCursor(query.cursor);
      if (!after) {
        throw new DomainError('VALIDATION', 'The cursor is not one this API handed out', {
          fields: [{ field: 'cursor', message: 'cursor must be a nextCursor this API handed out' }],
        });
      }
    }
    const limit = query.limit ?? 50;
    return this.db.transaction(actor, async (manager) => {
      const [{ horizon }] = (await manager.query(
        `SELECT ${CHANGE_HORIZON_SQL}::text AS horizon`,
      )) as { horizon: string }[];
      const builder = this.filtered(this.visibleTo(manager, actor), query)
        .select('to_jsonb(wo)', 'order_row')
        .addSelect('wo.change_xid', 'change_xid')
        .addSelect(
          'ARRAY(SELECT r.qualification_id FROM work_order_required_qualifications r WHERE r.work_order_id = wo.id)::text[]',
          'required',
        )
        .andWhere('wo.change_xid < CAST(:horizon AS bigint)', { horizon })
        .orderBy('wo.changeXid', 'ASC')
        .addOrderBy('wo.id', 'ASC')
        .limit(limit + 1);
      if (after) {
        builder.andWhere(
          '(wo.change_xid, wo.id) > (CAST(:afterXid AS bigint), CAST(:afterId AS uuid))',
          {
            afterXid: after.xid.toString(),
            afterId: after.id,
          },
        );
      } else if (query.updatedSince) {
        builder.andWhere('wo.updatedAt >= :updatedSince', { updatedSince: query.updatedSince });
      }
      const [page, parameters] = builder.getQueryAndParameters();
      const found = (await manager.query(
        `SELECT page.order_row, page.change_xid::text AS change_xid, page.required
           FROM (${page}) page
          ORDER BY page.change_xid, (page.order_row ->> 'id')::uuid`,
        parameters,
      )) as ChangeRow[];
      const hasMore = found.length > limit;
      const items = found.slice(0, limit).map((row) => {
        const order = workOrderFromRow(manager, row.order_row);
        order.requiredQualifications = (row.required ?? []).map((qualificationId) => ({
          workOrderId: order.id,
          qualificationId,
        }));
        return {
          view: toWorkOrderView(order),
          position: { xid: BigInt(row.change_xid), id: order.id },
        };
      });
      let next = items.length > 0 ? items[items.length - 1].position : after;
      if (!hasMore) {
        // Every change below the horizon has been passed: the next walk starts at the horizon.
        const caughtUp = { xid: BigInt(horizon) - 1n, id: AFTER_EVERY_ID };
        next = next ? laterPosition(next, caughtUp) : caughtUp;
      }
      return {
        items: items.map((item) => item.view),
        nextCursor: encodeChangeCursor(next as ChangePosition),
        hasMore,
        limit,
      };
    });
  }

  get(actor: Actor, id: string): Promise<WorkOrderDetailView> {
    return this.db.transaction(actor, async (manager) =>
      this.detail(manager, await this.findVisible(manager, actor, id)),
    );
  }

  /**
   * Creates an order and dispatches it at once if a unit and a qualified driver are free (the
   * engine's fast path does both in one statement); otherwise it is written queued, and the engine
   * looks once more, waiting for in-flight changes, before it stays in the queue.
   */
  async create(actor: Actor, input: CreateWorkOrderDto): Promise<WorkOrderDetailView> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.insert(actor, input);
      } catch (error) {
        if (!input.externalRef || !isOpenExternalRefConflict(error)) throw error;
        const existing = await this.db.transaction(actor, (manager) =>
          this.openOrderWithRef(manager, input.externalRef as string),
        );
        if (existing) throw this.externalRefTaken(existing, input.externalRef);
        // The order that held the key was closed in the meantime: the key is free again.
        if (attempt >= EXTERNAL_REF_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * `PUT /work-orders/by-external-ref/{externalRef}`: creates the order (as `create`, so it may be
   * dispatched at once), or replaces the fields of the open order with that key (as an edit: a
   * change to an order that is no longer queued is refused; the same state again changes nothing
   * and is answered as it stands, so a retried PUT is harmless). Two PUTs racing to create with one
   * key: the partial unique index refuses the second insert, and that PUT starts over and finds
   * the first one's order.
   */
  async putByExternalRef(
    actor: Actor,
    externalRef: string,
    input: PutWorkOrderDto,
  ): Promise<{ created: boolean; order: WorkOrderDetailView }> {
    for (let attempt = 1; ; attempt += 1) {
      const replaced = await this.replaceOpenOrder(actor, externalRef, input);
      if (replaced) return { created: false, order: replaced };
      try {
        return { created: true, order: await this.insert(actor, { ...input, externalRef }) };
      } catch (error) {
        if (!isOpenExternalRefConflict(error) || attempt >= EXTERNAL_REF_ATTEMPTS) throw error;
      }
    }
  }

  /** Creates an order (see `create`); a taken externalRef fails with PostgreSQL's unique violation. */
  private insert(actor: Actor, input: CreateWorkOrderDto): Promise<WorkOrderDetailView> {
    const window = windowColumns(input.window) ?? { windowStart: null, windowEnd: null };
    const requirements = input.requiredQualificationIds ?? [];
    const byExternalRef = input.siteExternalRef != null || input.equipmentTypeExternalRef != null;
    return this.db.transaction(
      actor,
      async (manager) => {
        // Named by the ERP's keys: resolved first (ids go straight to the fast path, which checks them).
        const named = byExternalRef ? await this.resolveReferences(manager, input) : input;
        const fields = {
          title: input.title,
          siteId: named.siteId as string,
          equipmentTypeId: named.equipmentTypeId as string,
          priority: input.priority,
          notes: input.notes ?? null,
          externalRef: input.externalRef ?? null,
          ...window,
        };
        let view: WorkOrderDetailView | undefined;
        const created = (order: WorkOrder) => {
          order.requiredQualifications = requirements.map((qualificationId) => ({
            workOrderId: order.id,
            qualificationId,
          }));
          view = toWorkOrderView(order);
          this.outbox.append(manager, actor, createdEvent(order, view));
        };
        let dispatch = await this.engine.dispatchNewOrder(
          manager,
          actor,
          { ...fields, requiredQualificationIds: requirements },
          (row) => created(workOrderFromRow(manager, row)),
        );
        let order: WorkOrder | undefined;
        let blockedBy: WorkOrderDetailView['blockedBy'] = [];
        if (!dispatch) {
          // Ids the fast path did not take are checked here (those named by key already were).
          if (!byExternalRef) {
            await this.resolveReferences(manager, {
              siteId: fields.siteId,
              equipmentTypeId: fields.equipmentTypeId,
              requiredQualificationIds: requirements,
            });
          }
          order = await manager.save(
            manager.create(WorkOrder, {
              ...fields,
              status: WorkOrderStatus.Queued,
              createdBy: actor.subject,
            }),
          );
          await this.insertRequirements(manager, order.id, requirements);
          created(order);
          // What it would wait for, read before the decide lock that the engine's last look
          // takes: every other order about to be queued waits while that lock is held, and the
          // explanation is advice (stale only if that look dispatches it, and then unused).
          blockedBy = (await this.explainer.explain(manager, [order])).get(order.id) ?? [];
          dispatch = await this.engine.queueOrDispatch(manager, actor, order.id);
        }
        const result = view as WorkOrderDetailView;
        if (dispatch) {
          result.status = WorkOrderStatus.Dispatched;
          result.dispatch = {
            id: dispatch.id,
            equipmentId: dispatch.equipmentId,
            driverId: dispatch.driverId,
            status: dispatch.status,
          };
        } else if (order) {
          result.blockedBy = blockedBy;
          this.outbox.append(
            manager,
            actor,
            domainEvent('work_order.queued', order.id, {
              workOrder: workOrderRef(order),
              blockedBy: result.blockedBy.map(({ code, message }) => ({ code, message })),
            }),
          );
        }
        return result;
      },
      { opening: [this.engine.newOrderOpening] },
    );
  }

  update(actor: Actor, id: string, changes: UpdateWorkOrderDto): Promise<WorkOrderDetailView> {
    return this.db
      .transaction(
        actor,
        async (manager) => {
          for (const field of ['siteId', 'equipmentTypeId'] as const) {
            if (changes[field] === null) {
              throw new DomainError('VALIDATION', `${field} cannot be cleared`, {
                fields: [{ field, message: `${field} must not be null` }],
              });
            }
          }
          const order = await findOrFail(manager, WorkOrder, 'Work order', id, { lock: true });
          this.assertEditable(order);
          const references = await this.resolveReferences(manager, changes);
          const before = toWorkOrderView(await this.load(manager, id));
          const { title, priority, notes, window, requiredQualificationIds } = changes;
          return this.edit(
            manager,
            actor,
            order,
            { title, priority, notes, ...references, ...windowColumns(window) },
            requiredQualificationIds,
            { before, changed: changedFields(changes) },
          );
        },
        // The edit may have made the order dispatchable: the queue is served, in order.
        { servesQueue: true },
      )
      .then((view) => this.get(actor, view.id));
  }

  /**
   * PUT's edit of the open order with `externalRef`, in one transaction (the order locked): null
   * when there is none, so the caller creates it.
   */
  private async replaceOpenOrder(
    actor: Actor,
    externalRef: string,
    input: PutWorkOrderDto,
  ): Promise<WorkOrderDetailView | null> {
    const id = await this.db.transaction(
      actor,
      async (manager) => {
        const order = await manager.findOne(WorkOrder, {
          where: { externalRef, status: In([...OPEN_WORK_ORDER_STATUSES]) },
          lock: { mode: 'pessimistic_write' },
        });
        if (!order) return null;
        const references = await this.resolveReferences(manager, input);
        const columns: EditableColumns = {
          title: input.title,
          ...references,
          priority: input.priority,
          notes: input.notes ?? null,
          ...(windowColumns(input.window ?? null) as EditableColumns),
        };
        const requirements = (input.requiredQualificationIds ?? [])
          .map((qualificationId) => qualificationId.toLowerCase())
          .sort();
        const before = toWorkOrderView(await this.load(manager, order.id));
        const wanted = toWorkOrderView(
          manager.create(WorkOrder, {
            ...order,
            ...columns,
            requiredQualifications: requirements.map((qualificationId) => ({
              workOrderId: order.id,
              qualificationId,
            })),
          }),
        );
        const changed = (
          [
            'title',
            'siteId',
            'equipmentTypeId',
            'priority',
            'notes',
            'window',
            'requiredQualificationIds',
          ] as const
        ).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(wanted[key]));
        if (changed.length === 0) return order.id;
        this.assertEditable(order);
        await this.edit(manager, actor, order, columns, requirements, { before, changed });
        return order.id;
      },
      // The edit may have made the order dispatchable: the queue is served, in order.
      { servesQueue: true },
    );
    return id ? this.get(actor, id) : null;
  }

  /** Only a queued order may be edited: a dispatched or closed one answers 409 naming its status. */
  private assertEditable(order: WorkOrder): void {
    if (order.status !== WorkOrderStatus.Queued) {
      throw new DomainError(
        'CONFLICT',
        `Work order is ${order.status}; only queued work orders can be edited`,
        { currentStatus: order.status },
      );
    }
  }

  /**
   * Writes an edit of a locked, queued order in one UPDATE (which moves `updated_at` and the
   * order's place in the change feed, even when only its requirements change) and records it.
   */
  private async edit(
    manager: EntityManager,
    actor: Actor,
    order: WorkOrder,
    columns: EditableColumns,
    requiredQualificationIds: string[] | undefined,
    change: { before: WorkOrderView; changed: string[] },
  ): Promise<WorkOrderView> {
    const set = Object.fromEntries(
      Object.entries(columns).filter(([, value]) => value !== undefined),
    ) as EditableColumns;
    await manager.update(
      WorkOrder,
      { id: order.id },
      { ...set, changeXid: () => CURRENT_CHANGE_XID_SQL },
    );
    if (requiredQualificationIds)
      await this.replaceRequirements(manager, order.id, requiredQualificationIds);
    const after = toWorkOrderView(await this.load(manager, order.id));
    this.outbox.append(
      manager,
      actor,
      domainEvent(
        'work_order.updated',
        order.id,
        { workOrder: workOrderRef(order), changed: change.changed },
        { before: change.before, after },
      ),
    );
    return after;
  }

  /**
   * Cancels a queued or dispatched order. An open dispatch is cancelled with it, its unit and driver
   * freed, and the queue served.
   */
  cancel(actor: Actor, id: string): Promise<WorkOrderDetailView> {
    return this.db.transaction(
      actor,
      async (manager) => {
        const order = await findOrFail(manager, WorkOrder, 'Work order', id, { lock: true });
        if (
          order.status !== WorkOrderStatus.Queued &&
          order.status !== WorkOrderStatus.Dispatched
        ) {
          throw new DomainError('ILLEGAL_TRANSITION', `Work order is already ${order.status}`, {
            currentStatus: order.status,
          });
        }
        const open = await manager.findOne(Dispatch, {
          where: { workOrderId: id, status: In([...OPEN_DISPATCH_STATUSES]) },
          lock: { mode: 'pessimistic_write' },
        });
        if (open) {
          await this.engine.transition(manager, actor, open.id, DispatchStatus.Cancelled);
        } else {
          const before = toWorkOrderView(await this.load(manager, id));
          await manager.update(
            WorkOrder,
            { id },
            {
              status: WorkOrderStatus.Cancelled,
              cancelledAt: new Date(),
              changeXid: () => CURRENT_CHANGE_XID_SQL,
            },
          );
          const after = toWorkOrderView(await this.load(manager, id));
          this.outbox.append(
            manager,
            actor,
            domainEvent(
              'work_order.cancelled',
              id,
              { workOrder: workOrderRef(order), dispatchId: null },
              { before, after },
            ),
          );
        }
        return this.detail(manager, await this.load(manager, id));
      },
      { servesQueue: true },
    );
  }

  /** The order's whole story: its own audit events and those of its dispatches, oldest first. */
  timeline(actor: Actor, id: string): Promise<AuditEventView[]> {
    return this.db.transaction(actor, async (manager) => {
      await findOrFail(manager, WorkOrder, 'Work order', id);
      const events = await manager
        .createQueryBuilder(AuditEvent, 'event')
        .where(`(event.entityType = 'work_order' AND event.entityId = :id)`, { id })
        .orWhere(
          `(event.entityType = 'dispatch' AND event.entityId IN (SELECT d.id FROM dispatches d WHERE d.work_order_id = :id))`,
          { id },
        )
        .orderBy('event.occurredAt', 'ASC')
        .addOrderBy('event.id', 'ASC')
        .limit(1000)
        .getMany();
      return events.map(toAuditEventView);
    });
  }

  private load(manager: EntityManager, id: string): Promise<WorkOrder> {
    return findOrFail(manager, WorkOrder, 'Work order', id, { relations: WITH_REQUIREMENTS });
  }

  /** The order with its current (or last) dispatch, or, while queued, what blocks it. */
  private async detail(manager: EntityManager, order: WorkOrder): Promise<WorkOrderDetailView> {
    const view: WorkOrderDetailView = toWorkOrderView(order);
    const [dispatch] = await manager.find(Dispatch, {
      where: { workOrderId: order.id },
      order: { assignedAt: 'DESC' },
      take: 1,
    });
    if (dispatch) {
      view.dispatch = {
        id: dispatch.id,
        equipmentId: dispatch.equipmentId,
        driverId: dispatch.driverId,
        status: dispatch.status,
      };
    }
    if (order.status === WorkOrderStatus.Queued) {
      view.blockedBy = (await this.explainer.explain(manager, [order])).get(order.id) ?? [];
    }
    return view;
  }

  /** The list's filters (status, priority, site, type, externalRef, title or number). */
  private filtered(
    builder: SelectQueryBuilder<WorkOrder>,
    query: WorkOrderListQuery,
  ): SelectQueryBuilder<WorkOrder> {
    if (query.status) builder.andWhere('wo.status = :status', { status: query.status });
    if (query.priority) builder.andWhere('wo.priority = :priority', { priority: query.priority });
    if (query.siteId) builder.andWhere('wo.siteId = :siteId', { siteId: query.siteId });
    if (query.equipmentTypeId)
      builder.andWhere('wo.equipmentTypeId = :typeId', { typeId: query.equipmentTypeId });
    if (query.externalRef)
      builder.andWhere('wo.externalRef = :externalRef', { externalRef: query.externalRef });
    if (query.q) {
      const number = /^(?:WO-)?0*(\d{1,9})$/i.exec(query.q)?.[1];
      builder.andWhere(
        number ? '(wo.title ILIKE :q OR wo.number = :number)' : 'wo.title ILIKE :q',
        {
          q: containsPattern(query.q),
          number: number ? Number(number) : undefined,
        },
      );
    }
    return builder;
  }

  /** The open order that holds an externalRef, if any. */
  private async openOrderWithRef(
    manager: EntityManager,
    externalRef: string,
  ): Promise<Pick<WorkOrder, 'id' | 'number' | 'status'> | null> {
    return manager.findOne(WorkOrder, {
      select: { id: true, number: true, status: true },
      where: { externalRef, status: In([...OPEN_WORK_ORDER_STATUSES]) },
    });
  }

  /** 409 for a second open order with one externalRef, naming (and linking) the order that has it. */
  private externalRefTaken(
    existing: Pick<WorkOrder, 'id' | 'number' | 'status'>,
    externalRef: string,
  ): DomainError {
    const number = formatWorkOrderNumber(existing.number);
    return new DomainError(
      'CONFLICT',
      `Open work order ${number} already has externalRef ${externalRef}; update it (PUT /work-orders/by-external-ref/…) or close it first`,
      {
        existingId: existing.id,
        existingNumber: number,
        existingStatus: existing.status,
        existingLocation: workOrderLocation(existing.id),
        fields: [{ field: 'externalRef', message: `is already used by open work order ${number}` }],
      },
    );
  }

  /** Drivers see only work orders they have been dispatched on; everyone else sees the tenant's orders. */
  private visibleTo(manager: EntityManager, actor: Actor): SelectQueryBuilder<WorkOrder> {
    const builder = manager.createQueryBuilder(WorkOrder, 'wo');
    if (isDriverOnly(actor)) {
      const own = ownDriverFilter(actor);
      builder.andWhere(
        `EXISTS (SELECT 1 FROM dispatches d WHERE d.work_order_id = wo.id AND d.driver_id IN ${own.sql})`,
        own.params,
      );
    }
    return builder;
  }

  private async findVisible(manager: EntityManager, actor: Actor, id: string): Promise<WorkOrder> {
    const order = await this.visibleTo(manager, actor)
      .leftJoinAndSelect('wo.requiredQualifications', 'required')
      .andWhere('wo.id = :id', { id })
      .getOne();
    if (!order) throw new NotFoundError('Work order', id);
    return order;
  }

  /**
   * The site and equipment type an order names, by id or by the ERP's key, and its extra
   * qualifications, each checked to exist in the caller's tenant: one query, 404 naming the field.
   * Returns the ids of the site and type it names (none for what it leaves out).
   */
  private async resolveReferences(
    manager: EntityManager,
    input: Partial<CreateWorkOrderDto>,
  ): Promise<{ siteId?: string; equipmentTypeId?: string }> {
    const [found] = (await manager.query(
      `SELECT CASE WHEN $1::uuid IS NOT NULL THEN (SELECT id FROM sites WHERE id = $1)
                   WHEN $2::text IS NOT NULL THEN (SELECT id FROM sites WHERE external_ref = $2) END AS site,
              CASE WHEN $3::uuid IS NOT NULL THEN (SELECT id FROM equipment_types WHERE id = $3)
                   WHEN $4::text IS NOT NULL THEN (SELECT id FROM equipment_types WHERE external_ref = $4) END AS type,
              ARRAY(SELECT x FROM unnest($5::uuid[]) x WHERE NOT EXISTS (SELECT 1 FROM qualifications q WHERE q.id = x))::text[] AS missing`,
      [
        input.siteId ?? null,
        input.siteExternalRef ?? null,
        input.equipmentTypeId ?? null,
        input.equipmentTypeExternalRef ?? null,
        input.requiredQualificationIds ?? [],
      ],
    )) as { site: string | null; type: string | null; missing: string[] }[];
    const named = (
      label: string,
      id: string | undefined,
      idField: string,
      ref: string | undefined,
      refField: string,
      foundId: string | null,
    ): string | undefined => {
      if (id == null && ref == null) return undefined;
      if (foundId) return foundId;
      if (id != null) throw new NotFoundError(label, id, idField);
      throw new DomainError('NOT_FOUND', `${label} with externalRef ${ref} does not exist`, {
        entity: label,
        externalRef: ref,
        fields: [{ field: refField, message: `no ${label.toLowerCase()} has externalRef ${ref}` }],
      });
    };
    const siteId = named(
      'Site',
      input.siteId,
      'siteId',
      input.siteExternalRef,
      'siteExternalRef',
      found.site,
    );
    const equipmentTypeId = named(
      'Equipment type',
      input.equipmentTypeId,
      'equipmentTypeId',
      input.equipmentTypeExternalRef,
      'equipmentTypeExternalRef',
      found.type,
    );
    if (found.missing.length > 0)
      throw new NotFoundError('Qualification', found.missing[0], 'requiredQualificationIds');
    return {
      ...(siteId ? { siteId } : {}),
      ...(equipmentTypeId ? { equipmentTypeId } : {}),
    };
  }

  private async insertRequirements(
    manager: EntityManager,
    workOrderId: string,
    qualificationIds: string[],
  ): Promise<void> {
    if (qualificationIds.length > 0) {
      await manager.insert(
        WorkOrderRequiredQualification,
        qualificationIds.map((qualificationId) => ({ workOrderId, qualificationId })),
      );
    }
  }

  private async replaceRequirements(
    manager: EntityManager,
    workOrderId: string,
    qualificationIds: string[],
  ): Promise<void> {
    await manager.delete(WorkOrderRequiredQualification, { workOrderId });
    await this.insertRequirements(manager, workOrderId, qualificationIds);
  }
}
