import { Injectable } from '@nestjs/common';
import {
  AuditEvent,
  Dispatch,
  DispatchStatus,
  DomainError,
  Equipment,
  EquipmentStatus,
  EquipmentType,
  NotFoundError,
  OPEN_DISPATCH_STATUSES,
  Qualification,
  Site,
  WorkOrder,
  WorkOrderRequiredQualification,
  WorkOrderStatus,
} from '@dispatch/domain';
import { In, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { type Actor, isDriverOnly } from '../../core/auth/actor';
import { AuditService } from '../../core/audit/audit.service';
import { type Page, pageWindow } from '../../core/http/pagination';
import { assertAllExist, containsPattern, findOrFail } from '../../core/tenancy/lookups';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import { type AuditEventView, toAuditEventView } from '../audit/dto/audit.dto';
import {
  type CreateWorkOrderDto,
  type TimeWindowDto,
  toWorkOrderView,
  type UpdateWorkOrderDto,
  type WorkOrderListQuery,
  type WorkOrderView,
} from './dto/work-order.dto';

const WITH_REQUIREMENTS = { requiredQualifications: true } as const;

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
    private readonly audit: AuditService,
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

  get(actor: Actor, id: string): Promise<WorkOrderView> {
    return this.db.transaction(actor, async (manager) =>
      toWorkOrderView(await this.findVisible(manager, actor, id)),
    );
  }

  create(actor: Actor, input: CreateWorkOrderDto): Promise<WorkOrderView> {
    return this.db.transaction(actor, async (manager) => {
      const window = windowColumns(input.window) ?? { windowStart: null, windowEnd: null };
      await this.assertReferences(manager, input);
      const order = await manager.save(
        manager.create(WorkOrder, {
          title: input.title,
          siteId: input.siteId,
          equipmentTypeId: input.equipmentTypeId,
          priority: input.priority,
          notes: input.notes ?? null,
          externalRef: input.externalRef ?? null,
          status: WorkOrderStatus.Queued,
          createdBy: actor.subject,
          ...window,
        }),
      );
      await this.replaceRequirements(manager, order.id, input.requiredQualificationIds ?? []);
      const view = toWorkOrderView(
        await findOrFail(manager, WorkOrder, 'Work order', order.id, {
          relations: WITH_REQUIREMENTS,
        }),
      );
      await this.audit.record(manager, actor, {
        action: 'work_order.created',
        entityType: 'work_order',
        entityId: order.id,
        after: view,
      });
      return view;
    });
  }

  update(actor: Actor, id: string, changes: UpdateWorkOrderDto): Promise<WorkOrderView> {
    return this.db.transaction(actor, async (manager) => {
      const order = await findOrFail(manager, WorkOrder, 'Work order', id, { lock: true });
      const current = await findOrFail(manager, WorkOrder, 'Work order', id, {
        relations: WITH_REQUIREMENTS,
      });
      if (order.status !== WorkOrderStatus.Queued) {
        throw new DomainError(
          'CONFLICT',
          `Work order is ${order.status}; only queued work orders can be edited`,
          {
            currentStatus: order.status,
          },
        );
      }
      await this.assertReferences(manager, changes);
      const before = toWorkOrderView(current);
      const { window, requiredQualificationIds, ...fields } = changes;
      await manager.save(manager.merge(WorkOrder, order, { ...fields, ...windowColumns(window) }));
      if (requiredQualificationIds)
        await this.replaceRequirements(manager, id, requiredQualificationIds);
      const after = toWorkOrderView(
        await findOrFail(manager, WorkOrder, 'Work order', id, { relations: WITH_REQUIREMENTS }),
      );
      await this.audit.record(manager, actor, {
        action: 'work_order.updated',
        entityType: 'work_order',
        entityId: id,
        before,
        after,
      });
      return after;
    });
  }

  /** Cancels a queued or dispatched order; an open dispatch is cancelled with it and its unit freed. */
  cancel(actor: Actor, id: string): Promise<WorkOrderView> {
    return this.db.transaction(actor, async (manager) => {
      const order = await findOrFail(manager, WorkOrder, 'Work order', id, { lock: true });
      if (order.status !== WorkOrderStatus.Queued && order.status !== WorkOrderStatus.Dispatched) {
        throw new DomainError('ILLEGAL_TRANSITION', `Work order is already ${order.status}`, {
          currentStatus: order.status,
        });
      }
      const before = toWorkOrderView(
        await findOrFail(manager, WorkOrder, 'Work order', id, { relations: WITH_REQUIREMENTS }),
      );
      const now = new Date();
      const open = await manager.findOne(Dispatch, {
        where: { workOrderId: id, status: In([...OPEN_DISPATCH_STATUSES]) },
        lock: { mode: 'pessimistic_write' },
      });
      if (open) {
        await manager.update(
          Dispatch,
          { id: open.id },
          { status: DispatchStatus.Cancelled, cancelledAt: now },
        );
        await manager.update(
          Equipment,
          { id: open.equipmentId, status: EquipmentStatus.Dispatched },
          { status: EquipmentStatus.Available },
        );
        await this.audit.record(manager, actor, {
          action: 'dispatch.cancelled',
          entityType: 'dispatch',
          entityId: open.id,
          before: { status: open.status },
          after: { status: DispatchStatus.Cancelled, reason: 'work order cancelled' },
        });
      }
      await manager.update(
        WorkOrder,
        { id },
        { status: WorkOrderStatus.Cancelled, cancelledAt: now },
      );
      const after = toWorkOrderView(
        await findOrFail(manager, WorkOrder, 'Work order', id, { relations: WITH_REQUIREMENTS }),
      );
      await this.audit.record(manager, actor, {
        action: 'work_order.cancelled',
        entityType: 'work_order',
        entityId: id,
        before,
        after,
      });
      return after;
    });
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

  /** Drivers see only work orders they have been dispatched on; everyone else sees the tenant's orders. */
  private visibleTo(manager: EntityManager, actor: Actor): SelectQueryBuilder<WorkOrder> {
    const builder = manager.createQueryBuilder(WorkOrder, 'wo');
    if (isDriverOnly(actor)) {
      builder.andWhere(
        `EXISTS (SELECT 1 FROM dispatches d JOIN drivers dr ON dr.id = d.driver_id WHERE d.work_order_id = wo.id AND dr.keycloak_subject = :subject)`,
        { subject: actor.subject },
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

  private async assertReferences(
    manager: EntityManager,
    input: Partial<CreateWorkOrderDto>,
  ): Promise<void> {
    if (input.siteId) await findOrFail(manager, Site, 'Site', input.siteId, { field: 'siteId' });
    if (input.equipmentTypeId)
      await findOrFail(manager, EquipmentType, 'Equipment type', input.equipmentTypeId, {
        field: 'equipmentTypeId',
      });
    if (input.requiredQualificationIds) {
      await assertAllExist(
        manager,
        Qualification,
        'Qualification',
        input.requiredQualificationIds,
        'requiredQualificationIds',
      );
    }
  }

  private async replaceRequirements(
    manager: EntityManager,
    workOrderId: string,
    qualificationIds: string[],
  ): Promise<void> {
    await manager.delete(WorkOrderRequiredQualification, { workOrderId });
    if (qualificationIds.length > 0) {
      await manager.insert(
        WorkOrderRequiredQualification,
        qualificationIds.map((qualificationId) => ({ workOrderId, qualificationId })),
      );
    }
  }
}
