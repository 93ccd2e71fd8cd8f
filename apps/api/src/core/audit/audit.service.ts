import { Injectable } from '@nestjs/common';
import { AuditEvent } from '@dispatch/domain';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string | null;
  before?: object | null;
  after?: object | null;
}

/** JSON-safe copy (dates as ISO strings) so before/after read the same as the API's responses. */
function snapshot(value: object | null | undefined): Record<string, unknown> | null {
  return value ? (JSON.parse(JSON.stringify(value)) as Record<string, unknown>) : null;
}

/** Records what happened, inside the caller's transaction: the change and its audit event commit or fail together. */
@Injectable()
export class AuditService {
  async record(manager: EntityManager, actor: Actor, entry: AuditEntry): Promise<void> {
    await this.recordMany(manager, actor, [entry]);
  }

  /** Several events of one decision, in one statement. */
  async recordMany(manager: EntityManager, actor: Actor, entries: AuditEntry[]): Promise<void> {
    await manager.insert(
      AuditEvent,
      entries.map((entry) => manager.create(AuditEvent, this.row(actor, entry))),
    );
  }

  private row(actor: Actor, entry: AuditEntry) {
    return {
      actorSubject: actor.subject,
      actorName: actor.name,
      actorRole: actor.primaryRole,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      before: snapshot(entry.before),
      after: snapshot(entry.after),
      requestId: actor.requestId || null,
    };
  }
}
