import { Injectable } from '@nestjs/common';
import { EquipmentType, EquipmentTypeRequiredQualification, Qualification } from '@dispatch/domain';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../core/auth/actor';
import { AuditService } from '../../core/audit/audit.service';
import { type Page, pageWindow } from '../../core/http/pagination';
import { assertAllExist, containsPattern, findOrFail } from '../../core/tenancy/lookups';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import { DispatchEngine } from '../dispatch-engine/dispatch-engine.service';
import {
  type CreateEquipmentTypeDto,
  type EquipmentTypeListQuery,
  type EquipmentTypeView,
  toEquipmentTypeView,
  type UpdateEquipmentTypeDto,
} from './dto/equipment-type.dto';

const WITH_QUALIFICATIONS = { requiredQualifications: { qualification: true } } as const;

@Injectable()
export class EquipmentTypesService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly audit: AuditService,
    private readonly engine: DispatchEngine,
  ) {}

  list(actor: Actor, query: EquipmentTypeListQuery): Promise<Page<EquipmentTypeView>> {
    const { limit, offset } = pageWindow(query);
    return this.db.transaction(actor, async (manager) => {
      const builder = manager
        .createQueryBuilder(EquipmentType, 'type')
        .leftJoinAndSelect('type.requiredQualifications', 'required')
        .leftJoinAndSelect('required.qualification', 'qualification')
        .orderBy('type.code', 'ASC');
      if (query.q)
        builder.where('(type.code ILIKE :q OR type.name ILIKE :q)', {
          q: containsPattern(query.q),
        });
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
        manager.create(EquipmentType, { code: input.code, name: input.name }),
      );
      await this.replaceRequirements(manager, type.id, required);
      const view = await this.load(manager, type.id);
      await this.audit.record(manager, actor, {
        action: 'equipment_type.created',
        entityType: 'equipment_type',
        entityId: type.id,
        after: view,
      });
      return view;
    });
  }

  update(actor: Actor, id: string, changes: UpdateEquipmentTypeDto): Promise<EquipmentTypeView> {
    return this.db.transaction(actor, async (manager) => {
      await this.engine.lockQueue(manager); // it will serve the queue: queue lock before row locks
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
      await this.audit.record(manager, actor, {
        action: 'equipment_type.updated',
        entityType: 'equipment_type',
        entityId: id,
        before,
        after,
      });
      await this.engine.drain(manager, actor);
      return after;
    });
  }

  remove(actor: Actor, id: string): Promise<void> {
    return this.db.transaction(actor, async (manager) => {
      await findOrFail(manager, EquipmentType, 'Equipment type', id, { lock: true });
      const before = await this.load(manager, id);
      await manager.delete(EquipmentType, { id });
      await this.audit.record(manager, actor, {
        action: 'equipment_type.deleted',
        entityType: 'equipment_type',
        entityId: id,
        before,
      });
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
