import {
  type ActorKind,
  type AuditEvent,
  type DomainEvent,
  type EventActor,
  isEventName,
  type Role,
} from '@dispatch/domain';
import { ENGINE_SUBJECT } from '../../core/auth/actor';
import type { OutboxRow } from '../../core/events/event-outbox.service';
import type { AuditEventView } from '../audit/dto/audit.dto';

/** An audit_events row (the outbox) as PostgreSQL returns it to a raw query. */
export interface AuditEventRow extends OutboxRow {
  id: string;
  occurred_at: Date;
  payload: Record<string, unknown> | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** Events recorded before the event spine name no actor kind: the engine acted as `auto`. */
function actorKindOf(row: Pick<AuditEventRow, 'actor_kind' | 'actor_subject'>): ActorKind {
  return row.actor_kind ?? (row.actor_subject === ENGINE_SUBJECT ? 'engine' : 'person');
}

export function eventActorOf(row: AuditEventRow): EventActor {
  return {
    kind: actorKindOf(row),
    subject: row.actor_subject,
    name: row.actor_name,
    role: (row.actor_role as Role | null) ?? null,
  };
}

/**
 * The typed domain event a row holds; undefined for rows older than the event spine, which carry
 * no payload (they stay in the audit trail with their before/after).
 */
export function toDomainEvent(row: AuditEventRow): DomainEvent | undefined {
  if (row.payload === null || !isEventName(row.action)) return undefined;
  return {
    id: String(row.id),
    type: row.action,
    occurredAt: new Date(row.occurred_at).toISOString(),
    actor: eventActorOf(row),
    entity: { type: row.entity_type, id: row.entity_id },
    payload: row.payload,
    requestId: row.request_id,
  } as DomainEvent;
}

export function auditRowToView(row: AuditEventRow): AuditEventView {
  return {
    id: String(row.id),
    occurredAt: new Date(row.occurred_at).toISOString(),
    actorKind: actorKindOf(row),
    actorSubject: row.actor_subject,
    actorName: row.actor_name,
    actorRole: row.actor_role,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    before: row.before,
    after: row.after,
    requestId: row.request_id,
    event: toDomainEvent(row) ?? null,
  };
}

/** The same view from the TypeORM entity. */
export function toAuditEventView(event: AuditEvent): AuditEventView {
  return auditRowToView({
    id: event.id,
    occurred_at: event.occurredAt,
    actor_kind: event.actorKind as ActorKind | null,
    actor_subject: event.actorSubject,
    actor_name: event.actorName,
    actor_role: event.actorRole,
    action: event.action,
    entity_type: event.entityType,
    entity_id: event.entityId,
    payload: event.payload as Record<string, unknown> | null,
    before: event.before as Record<string, unknown> | null,
    after: event.after as Record<string, unknown> | null,
    request_id: event.requestId,
  });
}
