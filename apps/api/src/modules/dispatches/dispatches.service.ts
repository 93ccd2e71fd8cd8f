import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  Dispatch,
  DispatchStatus,
  distanceKmSql,
  DomainError,
  DRIVER_STEPS,
  Driver,
  driverConflicts,
  dueDate,
  EquipmentStatus,
  unitConflicts,
  NotFoundError,
  OPEN_DISPATCH_STATUSES,
  WorkOrder,
  WorkOrderStatus,
} from '@dispatch/domain';
import type { EntityManager } from 'typeorm';
import { type Actor, isDriverOnly } from '../../core/auth/actor';
import { orderBySort, type Page, pageWindow } from '../../core/http/pagination';
import { findOrFail } from '../../core/tenancy/lookups';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import { DispatchEngine } from '../dispatch-engine/dispatch-engine.service';
import { ownDriverFilter } from '../../core/auth/own-driver';
import { heldQualifications, lockAndCheckPair, requirementsOf } from './dispatch-conflicts';
import {
  type Candidates,
  type CandidatesQuery,
  type CreateDispatchDto,
  DISPATCH_VIEW_RELATIONS,
  type DispatchListQuery,
  type DispatchView,
  type ReassignDispatchDto,
  toDispatchView,
  toDispatchViewFromRow,
  type TransitionDto,
  DISPATCH_SORTING,
} from './dto/dispatch.dto';

@Injectable()
export class DispatchesService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly engine: DispatchEngine,
  ) {}

  list(actor: Actor, query: DispatchListQuery): Promise<Page<DispatchView>> {
    const { limit, offset } = pageWindow(query);
    return this.db.transaction(actor, async (manager) => {
      const builder = manager
        .createQueryBuilder(Dispatch, 'd')
        .leftJoinAndSelect('d.equipment', 'equipment')
        .leftJoinAndSelect('d.workOrder', 'workOrder')
        .leftJoinAndSelect('workOrder.site', 'site');
      orderBySort(
        builder,
        query.sort,
        DISPATCH_SORTING,
        {
          assignedAt: 'd.assignedAt',
          status: 'd.status',
          site: 'site.name',
          unit: 'equipment.code',
        },
        'd.id',
      );
      if (query.status === 'open')
        builder.andWhere('d.status IN (:...open)', { open: OPEN_DISPATCH_STATUSES });
      else if (query.status) builder.andWhere('d.status = :status', { status: query.status });
      if (query.workOrderId)
        builder.andWhere('d.workOrderId = :workOrderId', { workOrderId: query.workOrderId });
      if (query.equipmentId)
        builder.andWhere('d.equipmentId = :equipmentId', { equipmentId: query.equipmentId });
      if (query.driverId) builder.andWhere('d.driverId = :driverId', { driverId: query.driverId });
      if (query.activeSince)
        builder.andWhere(
          '(COALESCE(d.completedAt, d.cancelledAt) IS NULL OR COALESCE(d.completedAt, d.cancelledAt) >= :activeSince)',
          { activeSince: new Date(query.activeSince) },
        );
      if (isDriverOnly(actor)) {
        const own = ownDriverFilter(actor);
        builder.andWhere(`d.driverId IN ${own.sql}`, own.params);
      }
      const [rows, total] = await builder.take(limit).skip(offset).getManyAndCount();
      return { items: rows.map(toDispatchView), total, limit, offset };
    });
  }

  get(actor: Actor, id: string): Promise<DispatchView> {
    return this.db.transaction(actor, async (manager) =>
      toDispatchView(await this.findVisible(manager, actor, id)),
    );
  }

  /**
   * Every unit of the order's type and every driver, each with what stops it from taking the order
   * (nothing, for a valid choice): what a dispatcher picks from to dispatch or re-assign by hand.
   */
  candidates(actor: Actor, query: CandidatesQuery): Promise<Candidates> {
    return this.db.transaction(actor, async (manager) => {
      const order = await findOrFail(manager, WorkOrder, 'Work order', query.workOrderId, {
        field: 'workOrderId',
        relations: { site: true },
      });
      const own = query.dispatchId
        ? await findOrFail(manager, Dispatch, 'Dispatch', query.dispatchId, { field: 'dispatchId' })
        : undefined;
      const requirements = await requirementsOf(manager, order);
      const due = dueDate({ windowEnd: order.windowEnd });
      const units = (await manager.query(
        `SELECT e.id, e.code, e.name, e.status, e.equipment_type_id,
                ${distanceKmSql('e', '$2', '$3')} AS distance_km
           FROM equipment e WHERE e.equipment_type_id = $1 AND e.status <> 'retired'
          ORDER BY distance_km ASC NULLS LAST, e.code LIMIT 200`,
        [order.equipmentTypeId, order.site?.latitude ?? 0, order.site?.longitude ?? 0],
      )) as {
        id: string;
        code: string;
        name: string;
        status: EquipmentStatus;
        equipment_type_id: string;
        distance_km: number | null;
      }[];
      const drivers = await manager.find(Driver, { order: { name: 'ASC' }, take: 500 });
      const held = await heldQualifications(
        manager,
        drivers.map((driver) => driver.id),
      );
      const byFitness = <T extends { conflicts: unknown[] }>(a: T, b: T) =>
        Number(a.conflicts.length > 0) - Number(b.conflicts.length > 0);
      return {
        units: units
          .map((unit) => ({
            id: unit.id,
            code: unit.code,
            name: unit.name,
            status: unit.status,
            distanceKm: unit.distance_km === null ? null : Math.round(unit.distance_km * 10) / 10,
            conflicts: unitConflicts(
              {
                code: unit.code,
                equipmentTypeId: unit.equipment_type_id,
                status: unit.status,
                onOwnDispatch: own?.equipmentId === unit.id,
              },
              order.equipmentTypeId,
            ),
          }))
          .sort(byFitness),
        drivers: drivers
          .map((driver) => ({
            id: driver.id,
            name: driver.name,
            dutyStatus: driver.dutyStatus,
            conflicts: driverConflicts(
              { ...driver, qualifications: held.get(driver.id) ?? new Map() },
              requirements,
              due,
              own?.id,
            ),
          }))
          .sort(byFitness),
      };
    });
  }

  /** A dispatcher's own choice of unit and driver, held to the engine's rules. */
  create(actor: Actor, input: CreateDispatchDto): Promise<DispatchView> {
    return this.db.transaction(actor, async (manager) => {
      const order = await findOrFail(manager, WorkOrder, 'Work order', input.workOrderId, {
        field: 'workOrderId',
        lock: true,
      });
      if (order.status !== WorkOrderStatus.Queued) {
        throw new ConflictError(
          `Work order is ${order.status}; only queued work orders can be dispatched`,
          {
            currentStatus: order.status,
            conflicts: [
              {
                field: 'workOrderId',
                code: `work_order_${order.status}`,
                message: `The work order is ${order.status}`,
              },
            ],
          },
        );
      }
      const { conflicts } = await lockAndCheckPair(manager, order, input);
      if (conflicts.length > 0)
        throw new ConflictError('The chosen unit or driver cannot take this work order', {
          conflicts,
        });
      const assigned = await this.engine.assignByHand(manager, actor, input);
      return toDispatchView(
        await findOrFail(manager, Dispatch, 'Dispatch', assigned.id, {
          relations: DISPATCH_VIEW_RELATIONS,
        }),
      );
    });
  }

  /**
   * Moves a dispatch one step; completing or cancelling frees its unit and driver and serves the
   * queue. Completing stores the note, if any (blank is none); the DTO refuses it on other steps.
   */
  transition(actor: Actor, id: string, input: TransitionDto): Promise<DispatchView> {
    const driverOnly = isDriverOnly(actor);
    if (driverOnly && !DRIVER_STEPS.includes(input.to)) {
      throw new DomainError(
        'FORBIDDEN',
        'Drivers may acknowledge, travel, arrive and complete; only dispatchers cancel',
      );
    }
    const closes = input.to === DispatchStatus.Completed || input.to === DispatchStatus.Cancelled;
    return this.db.transaction(
      actor,
      async (manager) =>
        toDispatchViewFromRow(
          await this.engine.transition(
            manager,
            actor,
            id,
            input.to,
            driverOnly ? actor : undefined,
            input.note || null,
          ),
        ),
      { servesQueue: closes },
    );
  }

  /** Swaps the unit and/or the driver of an open dispatch; what it releases serves the queue. */
  reassign(actor: Actor, id: string, input: ReassignDispatchDto): Promise<DispatchView> {
    if (!input.equipmentId && !input.driverId) {
      throw new DomainError('VALIDATION', 'Name a new unit, a new driver, or both', {
        fields: [{ field: 'equipmentId', message: 'equipmentId or driverId is required' }],
      });
    }
    return this.db.transaction(
      actor,
      async (manager) => {
        const dispatch = await findOrFail(manager, Dispatch, 'Dispatch', id, { lock: true });
        if (!OPEN_DISPATCH_STATUSES.includes(dispatch.status)) {
          throw new DomainError(
            'ILLEGAL_TRANSITION',
            `The dispatch is ${dispatch.status}; only open dispatches can be re-assigned`,
            { currentStatus: dispatch.status },
          );
        }
        const order = await findOrFail(manager, WorkOrder, 'Work order', dispatch.workOrderId);
        const choice = {
          equipmentId: input.equipmentId ?? dispatch.equipmentId,
          driverId: input.driverId ?? dispatch.driverId,
        };
        const { conflicts } = await lockAndCheckPair(manager, order, choice, dispatch.id);
        if (conflicts.length > 0)
          throw new ConflictError('The chosen unit or driver cannot take this dispatch', {
            conflicts,
          });
        await this.engine.reassign(manager, actor, dispatch, choice);
        return toDispatchView(
          await findOrFail(manager, Dispatch, 'Dispatch', id, {
            relations: DISPATCH_VIEW_RELATIONS,
          }),
        );
      },
      { servesQueue: true },
    );
  }

  /** Drivers see only their own dispatches; anything else is not found. */
  private async findVisible(manager: EntityManager, actor: Actor, id: string): Promise<Dispatch> {
    const dispatch = await findOrFail(manager, Dispatch, 'Dispatch', id, {
      relations: DISPATCH_VIEW_RELATIONS,
    });
    if (isDriverOnly(actor)) {
      const own = ownDriverFilter(actor);
      const mine = await manager
        .createQueryBuilder()
        .select('1')
        .from('drivers', 'dr')
        .where(`dr.id = :driverId AND dr.id IN ${own.sql}`, {
          ...own.params,
          driverId: dispatch.driverId,
        })
        .getRawOne();
      if (!mine) throw new NotFoundError('Dispatch', id);
    }
    return dispatch;
  }
}
