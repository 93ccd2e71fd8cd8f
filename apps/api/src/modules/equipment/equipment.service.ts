import { Injectable } from '@nestjs/common';
import { DomainError, Equipment, EquipmentStatus, EquipmentType, Role } from '@dispatch/domain';
import type { Actor } from '../../core/auth/actor';
import { hasRole } from '../../core/auth/actor';
import { AuditService } from '../../core/audit/audit.service';
import { type Page, pageWindow } from '../../core/http/pagination';
import { containsPattern, findOrFail } from '../../core/tenancy/lookups';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import { DispatchEngine } from '../dispatch-engine/dispatch-engine.service';
import {
  type CreateEquipmentDto,
  type EquipmentListQuery,
  type EquipmentView,
  toEquipmentView,
  type UpdateEquipmentDto,
} from './dto/equipment.dto';

/** What a dispatcher (not an admin) may change on a unit: only taking it into and out of maintenance. */
function assertDispatcherMayChange(
  actor: Actor,
  unit: Equipment,
  changes: UpdateEquipmentDto,
): void {
  if (hasRole(actor, Role.Admin)) return;
  const fields = Object.keys(changes).filter(
    (key) => changes[key as keyof UpdateEquipmentDto] !== undefined,
  );
  const onlyStatus = fields.every((field) => field === 'status');
  const maintenanceMove =
    changes.status === undefined ||
    (changes.status !== EquipmentStatus.Retired && unit.status !== EquipmentStatus.Retired);
  if (!onlyStatus || !maintenanceMove) {
    throw new DomainError(
      'FORBIDDEN',
      'Dispatchers may only move equipment into and out of maintenance',
    );
  }
}

@Injectable()
export class EquipmentService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly audit: AuditService,
    private readonly engine: DispatchEngine,
  ) {}

  list(actor: Actor, query: EquipmentListQuery): Promise<Page<EquipmentView>> {
    const { limit, offset } = pageWindow(query);
    return this.db.transaction(actor, async (manager) => {
      const builder = manager.createQueryBuilder(Equipment, 'unit').orderBy('unit.code', 'ASC');
      if (query.status) builder.andWhere('unit.status = :status', { status: query.status });
      if (query.equipmentTypeId)
        builder.andWhere('unit.equipmentTypeId = :typeId', { typeId: query.equipmentTypeId });
      if (query.q)
        builder.andWhere('(unit.code ILIKE :q OR unit.name ILIKE :q)', {
          q: containsPattern(query.q),
        });
      const [units, total] = await builder.take(limit).skip(offset).getManyAndCount();
      return { items: units.map(toEquipmentView), total, limit, offset };
    });
  }

  get(actor: Actor, id: string): Promise<EquipmentView> {
    return this.db.transaction(actor, async (manager) =>
      toEquipmentView(await findOrFail(manager, Equipment, 'Equipment', id)),
    );
  }

  create(actor: Actor, input: CreateEquipmentDto): Promise<EquipmentView> {
    return this.db.transaction(actor, async (manager) => {
      await this.engine.lockQueue(manager); // it will serve the queue: queue lock before row locks
      await findOrFail(manager, EquipmentType, 'Equipment type', input.equipmentTypeId, {
        field: 'equipmentTypeId',
      });
      const unit = await manager.save(
        manager.create(Equipment, {
          ...input,
          latitude: input.latitude ?? null,
          longitude: input.longitude ?? null,
          status: EquipmentStatus.Available,
        }),
      );
      const view = toEquipmentView(unit);
      await this.audit.record(manager, actor, {
        action: 'equipment.created',
        entityType: 'equipment',
        entityId: unit.id,
        after: view,
      });
      await this.engine.drain(manager, actor);
      // Serving the queue may have dispatched the new unit at once.
      return toEquipmentView(await findOrFail(manager, Equipment, 'Equipment', unit.id));
    });
  }

  update(actor: Actor, id: string, changes: UpdateEquipmentDto): Promise<EquipmentView> {
    return this.db.transaction(actor, async (manager) => {
      await this.engine.lockQueue(manager); // it will serve the queue: queue lock before row locks
      const unit = await findOrFail(manager, Equipment, 'Equipment', id, { lock: true });
      assertDispatcherMayChange(actor, unit, changes);
      if (changes.equipmentTypeId) {
        await findOrFail(manager, EquipmentType, 'Equipment type', changes.equipmentTypeId, {
          field: 'equipmentTypeId',
        });
      }
      if (
        changes.status &&
        changes.status !== unit.status &&
        unit.status === EquipmentStatus.Dispatched
      ) {
        throw new DomainError(
          'CONFLICT',
          `Equipment ${unit.code} is on an open dispatch; complete, cancel or re-assign it first`,
          {
            currentStatus: unit.status,
          },
        );
      }
      const before = toEquipmentView(unit);
      const after = toEquipmentView(await manager.save(Object.assign(unit, changes)));
      const action =
        changes.status && changes.status !== before.status
          ? `equipment.status_changed`
          : 'equipment.updated';
      await this.audit.record(manager, actor, {
        action,
        entityType: 'equipment',
        entityId: id,
        before,
        after,
      });
      await this.engine.drain(manager, actor);
      return toEquipmentView(await findOrFail(manager, Equipment, 'Equipment', id));
    });
  }
}
