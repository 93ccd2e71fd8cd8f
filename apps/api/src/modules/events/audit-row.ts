import type { AuditEventView } from '../audit/dto/audit.dto';

/** An audit_events row as PostgreSQL returns it to a raw query. */
export interface AuditEventRow {
  id: string;
  occurred_at: Date;
  actor_subject: string;
  actor_name: string;
  actor_role: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  request_id: string | null;
}

export function auditRowToView(row: AuditEventRow): AuditEventView {
  return {
    id: String(row.id),
    occurredAt: new Date(row.occurred_at).toISOString(),
    actorSubject: row.actor_subject,
    actorName: row.actor_name,
    actorRole: row.actor_role,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    before: row.before,
    after: row.after,
    requestId: row.request_id,
  };
}
