import { Injectable } from '@nestjs/common';
import {
  domainEvent,
  EquipmentType,
  EquipmentTypeRequiredQualification,
  Qualification,
} from '@dispatch/domain';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../core/auth/actor';
import { changedKeys } from '../../core/events/changed-keys';
import { EventOutbox } from '../../core/events/event-outbox.service';
import { orderBySort, type Page, pageWindow } from '../../core/http/pagination';
import { assertAllExist, containsPattern, findOrFail } from '../../core/tenancy/lookups';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import {
  type CreateEquipmentTypeDto,
  type EquipmentTypeListQuery,
  type EquipmentTypeView,
  toEquipmentTypeView,
  type UpdateEquipmentTypeDto,
  EQUIPMENT_TYPE_SORTING,
} from './dto/equipment-type.dto';

const WITH_QUALIFICATIONS = { requiredQualifications: { qualification: true } } as const;

@Injectable()
export class EquipmentTypesService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly outbox: EventOutbox,
  ) {}

  list(actor: Actor, query: EquipmentTypeListQuery): Promise<Page<EquipmentTypeView>> {
    const { limit, offset } = pageWindow(query);
    return this.db.transaction(actor, async (manager) => {
      const builder = manager
        .createQueryBuilder(EquipmentType, 'type')
        .leftJoinAndSelect('type.requiredQualifications', 'required')
        .leftJoinAndSelect('required.qualification', 'qualification');
      orderBySort(
        builder,
        query.sort,
        EQUIPMENT_TYPE_SORTING,
        { code: 'type.code', name: 'type.name' },
        'type.id',
      );
      if (query.q)
        builder.andWhere('(type.code ILIKE :q OR type.name ILIKE :q)', {
          q: containsPattern(query.q),
        });
      if (query.externalRef)
        builder.andWhere('type.externalRef = :externalRef', { externalRef: query.externalRef });
      const [types, total] = await builder.take(limit).skip(offset).getManyAndCount();
      return { items: types.map(toEquipmentTypeView), total, limit, offset };
    });
  }

  get(actor: Actor, id: string): Promise<EquipmentTypeView> {
    return this.db.transaction(actor, async (manager) => this.load(manager, id));
  }

  create(actor: Actor, input: CreateEquipmentTypeDto): Promise<EquipmentTypeView> {
    return this.db.transaction(actor, async (manager) => {
      const required = input.requiredQualificationIds ?? [];
      await assertAllExist(
        manager,
        Qualification,
        'Qualification',
        required,
        'requiredQualificationIds',
      );
      const type = await manager.save(
        manager.create(EquipmentType, {
          code: input.code,
          name: input.name,
          externalRef: input.externalRef ?? null,
        }),
      );
      await this.replaceRequirements(manager, type.id, required);
      const view = await this.load(manager, type.id);
      this.outbox.append(
        manager,
        actor,
        domainEvent(
          'equipment_type.created',
          type.id,
          { equipmentType: { id: type.id, code: view.code, name: view.name } },
          { after: view },
        ),
      );
      return view;
    });
  }

  update(actor: Actor, id: string, changes: UpdateEquipmentTypeDto): Promise<EquipmentTypeView> {
    return this.db.transaction(
      actor,
      async (manager) => {
        const type = await findOrFail(manager, EquipmentType, 'Equipment type', id, { lock: true });
        const before = await this.load(manager, id);
        const { requiredQualificationIds, ...fields } = changes;
        await manager.save(Object.assign(type, fields));
        if (requiredQualificationIds) {
          await assertAllExist(
            manager,
            Qualification,
            'Qualification',
            requiredQualificationIds,
            'requiredQualificationIds',
          );
          await this.replaceRequirements(manager, id, requiredQualificationIds);
        }
        const after = await this.load(manager, id);
        this.outbox.append(
          manager,
          actor,
          domainEvent(
            'equipment_type.updated',
            id,
            {
              equipmentType: { id, code: after.code, name: after.name },
              changed: changedKeys(changes),
            },
            { before, after },
          ),
        );
        return after;
      },
      // Changed requirements may make queued orders dispatchable.
      { servesQueue: true },
    );
  }

  remove(actor: Actor, id: string): Promise<void> {
    return this.db.transaction(actor, async (manager) => {
      await findOrFail(manager, EquipmentType, 'Equipment type', id, { lock: true });
      const before = await this.load(manager, id);
      await manager.delete(EquipmentType, { id });
      this.outbox.append(
        manager,
        actor,
        domainEvent(
          'equipment_type.deleted',
          id,
          { equipmentType: { id, code: before.code, name: before.name } },
          { before },
        ),
      );
    });
  }

  private async load(manager: EntityManager, id: string): Promise<EquipmentTypeView> {
    return toEquipmentTypeView(
      await findOrFail(manager, EquipmentType, 'Equipment type', id, {
        relations: WITH_QUALIFICATIONS,
      }),
    );
  }

  private async replaceRequirements(
    manager: EntityManager,
    equipmentTypeId: string,
    qualificationIds: string[],
  ): Promise<void> {
    await manager.delete(EquipmentTypeRequiredQualification, { equipmentTypeId });
    if (qualificationIds.length > 0) {
      await manager.insert(
        EquipmentTypeRequiredQualification,
        qualificationIds.map((qualificationId) => ({ equipmentTypeId, qualificationId })),
      );
    }
  }
}
