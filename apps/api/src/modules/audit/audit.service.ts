import { Injectable } from '@nestjs/common';
import { AuditEvent } from '@dispatch/domain';
import type { Actor } from '../../core/auth/actor';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import { type AuditPage, type AuditQuery, toAuditEventView } from './dto/audit.dto';

/** Reads the tenant's audit trail, newest first, with keyset paging so deep pages stay fast. */
@Injectable()
export class AuditTrailService {
  constructor(private readonly db: TenantDatabase) {}

  search(actor: Actor, query: AuditQuery): Promise<AuditPage> {
    const limit = query.limit ?? 50;
    return this.db.transaction(actor, async (manager) => {
      const builder = manager
        .createQueryBuilder(AuditEvent, 'event')
        .orderBy('event.id', 'DESC')
        .limit(limit + 1);
      if (query.entityType)
        builder.andWhere('event.entityType = :entityType', { entityType: query.entityType });
      if (query.entityId)
        builder.andWhere('event.entityId = :entityId', { entityId: query.entityId });
      if (query.actor) builder.andWhere('event.actorSubject = :actor', { actor: query.actor });
      if (query.action) builder.andWhere('event.action = :action', { action: query.action });
      if (query.from) builder.andWhere('event.occurredAt >= :from', { from: new Date(query.from) });
      if (query.to) builder.andWhere('event.occurredAt < :to', { to: new Date(query.to) });
      if (query.cursor) builder.andWhere('event.id < :cursor', { cursor: query.cursor });
      const rows = await builder.getMany();
      const page = rows.slice(0, limit);
      return {
        items: page.map(toAuditEventView),
        nextCursor: rows.length > limit ? String(page[page.length - 1].id) : null,
        limit,
      };
    });
  }
}
