import { Injectable } from '@nestjs/common';
import { Qualification } from '@dispatch/domain';
import type { Actor } from '../../core/auth/actor';
import { AuditService } from '../../core/audit/audit.service';
import { type Page, pageWindow } from '../../core/http/pagination';
import { containsPattern, findOrFail } from '../../core/tenancy/lookups';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import {
  type CreateQualificationDto,
  type QualificationListQuery,
  type QualificationView,
  toQualificationView,
  type UpdateQualificationDto,
} from './dto/qualification.dto';

@Injectable()
export class QualificationsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly audit: AuditService,
  ) {}

  list(actor: Actor, query: QualificationListQuery): Promise<Page<QualificationView>> {
    const { limit, offset } = pageWindow(query);
    return this.db.transaction(actor, async (manager) => {
      const builder = manager.createQueryBuilder(Qualification, 'q').orderBy('q.code', 'ASC');
      if (query.q)
        builder.where('(q.code ILIKE :q OR q.name ILIKE :q)', { q: containsPattern(query.q) });
      const [rows, total] = await builder.take(limit).skip(offset).getManyAndCount();
      return { items: rows.map(toQualificationView), total, limit, offset };
    });
  }

  get(actor: Actor, id: string): Promise<QualificationView> {
    return this.db.transaction(actor, async (manager) =>
      toQualificationView(await findOrFail(manager, Qualification, 'Qualification', id)),
    );
  }

  create(actor: Actor, input: CreateQualificationDto): Promise<QualificationView> {
    return this.db.transaction(actor, async (manager) => {
      const view = toQualificationView(await manager.save(manager.create(Qualification, input)));
      await this.audit.record(manager, actor, {
        action: 'qualification.created',
        entityType: 'qualification',
        entityId: view.id,
        after: view,
      });
      return view;
    });
  }

  update(actor: Actor, id: string, changes: UpdateQualificationDto): Promise<QualificationView> {
    return this.db.transaction(actor, async (manager) => {
      const qualification = await findOrFail(manager, Qualification, 'Qualification', id, {
        lock: true,
      });
      const before = toQualificationView(qualification);
      const after = toQualificationView(await manager.save(Object.assign(qualification, changes)));
      await this.audit.record(manager, actor, {
        action: 'qualification.updated',
        entityType: 'qualification',
        entityId: id,
        before,
        after,
      });
      return after;
    });
  }

  remove(actor: Actor, id: string): Promise<void> {
    return this.db.transaction(actor, async (manager) => {
      const qualification = await findOrFail(manager, Qualification, 'Qualification', id, {
        lock: true,
      });
      await manager.delete(Qualification, { id });
      await this.audit.record(manager, actor, {
        action: 'qualification.deleted',
        entityType: 'qualification',
        entityId: id,
        before: toQualificationView(qualification),
      });
    });
  }
}
