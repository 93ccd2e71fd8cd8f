import { Injectable } from '@nestjs/common';
import {
  domainEvent,
  DomainError,
  Equipment,
  EquipmentStatus,
  EquipmentType,
  Role,
} from '@dispatch/domain';
import type { Actor } from '../../core/auth/actor';
import { hasRole } from '../../core/auth/actor';
import { changedKeys } from '../../core/events/changed-keys';
import { EventOutbox } from '../../core/events/event-outbox.service';
import { orderBySort, type Page, pageWindow } from '../../core/http/pagination';
import { containsPattern, findOrFail } from '../../core/tenancy/lookups';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import { DispatchEngine } from '../dispatch-engine/dispatch-engine.service';
import {
  type CreateEquipmentDto,
  type EquipmentListQuery,
  type EquipmentView,
  toEquipmentView,
  type UpdateEquipmentDto,
  EQUIPMENT_SORTING,
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
    private readonly outbox: EventOutbox,
    private readonly engine: DispatchEngine,
  ) {}

  list(actor: Actor, query: EquipmentListQuery): Promise<Page<EquipmentView>> {
    const { limit, offset } = pageWindow(query);
    return this.db.transaction(actor, async (manager) => {
      const builder = orderBySort(
        manager.createQueryBuilder(Equipment, 'unit'),
        query.sort,
        EQUIPMENT_SORTING,
        { code: 'unit.code', name: 'unit.name', status: 'unit.status' },
        'unit.id',
      );
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
    return this.db
      .transaction(
        actor,
        async (manager) => {
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
          this.outbox.append(
            manager,
            actor,
            domainEvent(
              'equipment.created',
              unit.id,
              {
                unit: {
                  id: unit.id,
                  code: unit.code,
                  name: unit.name,
                  equipmentTypeId: unit.equipmentTypeId,
                  status: unit.status,
                },
              },
              { after: view },
            ),
          );
          return unit.id;
        },
        // A new unit may serve a queued order at once.
        { servesQueue: true },
      )
      .then((id) => this.get(actor, id));
  }

  update(actor: Actor, id: string, changes: UpdateEquipmentDto): Promise<EquipmentView> {
    return this.db
      .transaction(
        actor,
        async (manager) => {
          const unit = await findOrFail(manager, Equipment, 'Equipment', id, { lock: true });
          assertDispatcherMayChange(actor, unit, changes);
          if (changes.equipmentTypeId) {
            await findOrFail(manager, EquipmentType, 'Equipment type', changes.equipmentTypeId, {
              field: 'equipmentTypeId',
            });
          }
          const { status, ...fields } = changes;
          if (status !== undefined)
            await this.engine.changeUnitStatus(manager, actor, unit, status);
          const edited = changedKeys(fields);
          if (edited.length > 0) {
            const before = toEquipmentView(unit);
            const after = toEquipmentView(await manager.save(Object.assign(unit, fields)));
            this.outbox.append(
              manager,
              actor,
              domainEvent(
                'equipment.updated',
                id,
                { unit: { id, code: after.code }, changed: edited },
                { before, after },
              ),
            );
          }
          return id;
        },
        // Back from maintenance, or of another type now: queued work may fit.
        { servesQueue: true },
      )
      .then((unitId) => this.get(actor, unitId));
  }
}
