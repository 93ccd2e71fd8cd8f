import { Injectable } from '@nestjs/common';
import { AuditEvent } from '@dispatch/domain';
import { stringify } from 'csv-stringify';
import { pipeline, type Readable } from 'node:stream';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import type { Actor } from '../../core/auth/actor';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import {
  AUDIT_CSV_COLUMNS,
  type AuditFilter,
  type AuditPage,
  type AuditQuery,
} from './dto/audit.dto';
import { toAuditEventView } from '../events/event-row';

function applyFilter(
  builder: SelectQueryBuilder<AuditEvent>,
  filter: AuditFilter,
): SelectQueryBuilder<AuditEvent> {
  if (filter.entityType)
    builder.andWhere('event.entityType = :entityType', { entityType: filter.entityType });
  if (filter.entityId)
    builder.andWhere('event.entityId = :entityId', { entityId: filter.entityId });
  if (filter.actor)
    builder.andWhere('(event.actorSubject = :actor OR event.actorName = :actor)', {
      actor: filter.actor,
    });
  if (filter.action) builder.andWhere('event.action = :action', { action: filter.action });
  if (filter.from) builder.andWhere('event.occurredAt >= :from', { from: new Date(filter.from) });
  if (filter.to) builder.andWhere('event.occurredAt < :to', { to: new Date(filter.to) });
  return builder;
}

/**
 * Reads the tenant's audit trail in time order: pages newest first by keyset (deep pages stay
 * fast, and every filter has an index that yields that order), exports oldest first.
 */
@Injectable()
export class AuditTrailService {
  constructor(
    private readonly db: TenantDatabase,
    // Only builds the export's SQL text; the rows are read through TenantDatabase.
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  search(actor: Actor, query: AuditQuery): Promise<AuditPage> {
    const limit = query.limit ?? 50;
    return this.db.transaction(actor, async (manager) => {
      const builder = applyFilter(manager.createQueryBuilder(AuditEvent, 'event'), query)
        .orderBy('event.occurredAt', 'DESC')
        .addOrderBy('event.id', 'DESC')
        .limit(limit + 1);
      // The cursor is the last event's id; its time places the next page (ties broken by id).
      if (query.cursor)
        builder.andWhere(
          '(event.occurredAt, event.id) < (SELECT previous.occurred_at, previous.id FROM audit_events previous WHERE previous.id = :cursor)',
          { cursor: query.cursor },
        );
      const rows = await builder.getMany();
      const page = rows.slice(0, limit);
      return {
        items: page.map(toAuditEventView),
        nextCursor: rows.length > limit ? String(page[page.length - 1].id) : null,
        limit,
      };
    });
  }

  /** Every matching event as CSV, oldest first, streamed from a cursor in one snapshot. */
  async export(actor: Actor, filter: AuditFilter): Promise<Readable> {
    const [sql, parameters] = applyFilter(
      this.dataSource
        .createQueryBuilder(AuditEvent, 'event')
        .select([
          'event.id AS "id"',
          `to_char(event.occurredAt AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "occurredAt"`,
          'event.actorSubject AS "actorSubject"',
          'event.actorName AS "actorName"',
          'event.actorRole AS "actorRole"',
          'event.action AS "action"',
          'event.entityType AS "entityType"',
          'event.entityId AS "entityId"',
          'event.before::text AS "before"',
          'event.after::text AS "after"',
          'event.requestId AS "requestId"',
        ])
        .orderBy('event.id', 'ASC'),
      filter,
    ).getQueryAndParameters();
    const rows = await this.db.stream(actor, sql, parameters);
    return pipeline(rows, stringify({ header: true, columns: [...AUDIT_CSV_COLUMNS] }), () => {
      // Errors and early closes destroy both streams; the database side cleans up on close.
    });
  }
}
