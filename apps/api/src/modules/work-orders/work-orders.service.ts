import { Injectable } from '@nestjs/common';
import {
  AuditEvent,
  Dispatch,
  DispatchStatus,
  domainEvent,
  DomainError,
  type NewEvent,
  NotFoundError,
  OPEN_DISPATCH_STATUSES,
  WorkOrder,
  WorkOrderRequiredQualification,
  type WorkOrderRef,
  WorkOrderStatus,
} from '@dispatch/domain';
import { In, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { type Actor, isDriverOnly } from '../../core/auth/actor';
import { ownDriverFilter } from '../../core/auth/own-driver';
import { changedKeys } from '../../core/events/changed-keys';
import { EventOutbox } from '../../core/events/event-outbox.service';
import { type Page, pageWindow } from '../../core/http/pagination';
import { containsPattern, findOrFail } from '../../core/tenancy/lookups';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import type { AuditEventView } from '../audit/dto/audit.dto';
import { toAuditEventView } from '../events/event-row';
import { DispatchEngine } from '../dispatch-engine/dispatch-engine.service';
import { QueueExplainer } from '../dispatch-engine/queue-explainer.service';
import {
  type CreateWorkOrderDto,
  type TimeWindowDto,
  toWorkOrderView,
  type UpdateWorkOrderDto,
  type WorkOrderDetailView,
  type WorkOrderListQuery,
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
  const time = (value: unknown) => (typeof value === 'string' ? new Date(value) : null);
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

@Injectable()
export class WorkOrdersService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly outbox: EventOutbox,
    private readonly engine: DispatchEngine,
    private readonly explainer: QueueExplainer,
  ) {}

  list(actor: Actor, query: WorkOrderListQuery): Promise<Page<WorkOrderView>> {
    const { limit, offset } = pageWindow(query);
    return this.db.transaction(actor, async (manager) => {
      const builder = this.visibleTo(manager, actor)
        .orderBy('wo.createdAt', 'DESC')
        .addOrderBy('wo.number', 'DESC');
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
      const [orders, total] = await builder
        .leftJoinAndSelect('wo.requiredQualifications', 'required')
        .take(limit)
        .skip(offset)
        .getManyAndCount();
      return { items: orders.map(toWorkOrderView), total, limit, offset };
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
  create(actor: Actor, input: CreateWorkOrderDto): Promise<WorkOrderDetailView> {
    const window = windowColumns(input.window) ?? { windowStart: null, windowEnd: null };
    const requirements = input.requiredQualificationIds ?? [];
    const fields = {
      title: input.title,
      siteId: input.siteId,
      equipmentTypeId: input.equipmentTypeId,
      priority: input.priority,
      notes: input.notes ?? null,
      externalRef: input.externalRef ?? null,
      ...window,
    };
    return this.db.transaction(
      actor,
      async (manager) => {
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
        if (!dispatch) {
          await this.assertReferences(manager, input);
          order = await manager.save(
            manager.create(WorkOrder, {
              ...fields,
              status: WorkOrderStatus.Queued,
              createdBy: actor.subject,
            }),
          );
          await this.insertRequirements(manager, order.id, requirements);
          created(order);
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
          result.blockedBy = (await this.explainer.explain(manager, [order])).get(order.id) ?? [];
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
          const order = await findOrFail(manager, WorkOrder, 'Work order', id, { lock: true });
          if (order.status !== WorkOrderStatus.Queued) {
            throw new DomainError(
              'CONFLICT',
              `Work order is ${order.status}; only queued work orders can be edited`,
              { currentStatus: order.status },
            );
          }
          await this.assertReferences(manager, changes);
          const before = toWorkOrderView(await this.load(manager, id));
          const { window, requiredQualificationIds, ...fields } = changes;
          await manager.save(Object.assign(order, fields, windowColumns(window)));
          if (requiredQualificationIds)
            await this.replaceRequirements(manager, id, requiredQualificationIds);
          const after = toWorkOrderView(await this.load(manager, id));
          this.outbox.append(
            manager,
            actor,
            domainEvent(
              'work_order.updated',
              id,
              { workOrder: workOrderRef(order), changed: changedKeys(changes) },
              { before, after },
            ),
          );
          return after;
        },
        // The edit may have made the order dispatchable: the queue is served, in order.
        { servesQueue: true },
      )
      .then((view) => this.get(actor, view.id));
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
            { status: WorkOrderStatus.Cancelled, cancelledAt: new Date() },
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

  /** Every id the order refers to must exist in the caller's tenant: one query, 404 naming the field. */
  private async assertReferences(
    manager: EntityManager,
    input: Partial<CreateWorkOrderDto>,
  ): Promise<void> {
    const [found] = (await manager.query(
      `SELECT ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM sites WHERE id = $1)) AS site,
              ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM equipment_types WHERE id = $2)) AS type,
              ARRAY(SELECT x FROM unnest($3::uuid[]) x WHERE NOT EXISTS (SELECT 1 FROM qualifications q WHERE q.id = x))::text[] AS missing`,
      [input.siteId ?? null, input.equipmentTypeId ?? null, input.requiredQualificationIds ?? []],
    )) as { site: boolean; type: boolean; missing: string[] }[];
    if (!found.site) throw new NotFoundError('Site', input.siteId as string, 'siteId');
    if (!found.type)
      throw new NotFoundError('Equipment type', input.equipmentTypeId as string, 'equipmentTypeId');
    if (found.missing.length > 0)
      throw new NotFoundError('Qualification', found.missing[0], 'requiredQualificationIds');
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
