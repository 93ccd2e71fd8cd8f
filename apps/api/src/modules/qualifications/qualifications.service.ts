import { Injectable } from '@nestjs/common';
import { domainEvent, Qualification } from '@dispatch/domain';
import type { Actor } from '../../core/auth/actor';
import { changedKeys } from '../../core/events/changed-keys';
import { EventOutbox } from '../../core/events/event-outbox.service';
import { orderBySort, type Page, pageWindow } from '../../core/http/pagination';
import { containsPattern, findOrFail } from '../../core/tenancy/lookups';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import {
  type CreateQualificationDto,
  type QualificationListQuery,
  type QualificationView,
  toQualificationView,
  type UpdateQualificationDto,
  QUALIFICATION_SORTING,
} from './dto/qualification.dto';

@Injectable()
export class QualificationsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly outbox: EventOutbox,
  ) {}

  list(actor: Actor, query: QualificationListQuery): Promise<Page<QualificationView>> {
    const { limit, offset } = pageWindow(query);
    return this.db.transaction(actor, async (manager) => {
      const builder = orderBySort(
        manager.createQueryBuilder(Qualification, 'q'),
        query.sort,
        QUALIFICATION_SORTING,
        { code: 'q.code', name: 'q.name' },
        'q.id',
      );
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
      this.outbox.append(
        manager,
        actor,
        domainEvent(
          'qualification.created',
          view.id,
          { qualification: { id: view.id, code: view.code, name: view.name } },
          { after: view },
        ),
      );
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
      this.outbox.append(
        manager,
        actor,
        domainEvent(
          'qualification.updated',
          id,
          {
            qualification: { id, code: after.code, name: after.name },
            changed: changedKeys(changes),
          },
          { before, after },
        ),
      );
      return after;
    });
  }

  remove(actor: Actor, id: string): Promise<void> {
    return this.db.transaction(actor, async (manager) => {
      const qualification = await findOrFail(manager, Qualification, 'Qualification', id, {
        lock: true,
      });
      await manager.delete(Qualification, { id });
      this.outbox.append(
        manager,
        actor,
        domainEvent(
          'qualification.deleted',
          id,
          { qualification: { id, code: qualification.code, name: qualification.name } },
          { before: toQualificationView(qualification) },
        ),
      );
    });
  }
}
