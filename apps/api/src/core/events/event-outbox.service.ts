import { Injectable } from '@nestjs/common';
import type { ActorKind, NewEvent } from '@dispatch/domain';
import { Subject } from 'rxjs';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';

/** JSON-safe copy (dates as ISO strings) so before/after read the same as the API's responses. */
function snapshot(value: object | null | undefined): unknown {
  return value ? (JSON.parse(JSON.stringify(value)) as unknown) : null;
}

/** The columns of an outbox (audit_events) row that an event writes; readers add id and time. */
export interface OutboxRow {
  actor_kind: ActorKind | null;
  actor_subject: string;
  actor_name: string;
  actor_role: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  payload: unknown;
  before: unknown;
  after: unknown;
  request_id: string | null;
}

/**
 * The outbox of domain events (the tenant's `audit_events` table: the audit trail is the event
 * log). Business code appends typed events while it works; `TenantDatabase.transaction` writes
 * them in one statement as the transaction's last, so they commit or roll back with the change,
 * and events of transactions that touch the same rows get positions in commit order. Consumers
 * (the live stream, timelines, the hash chain, webhooks) read them after commit.
 */
@Injectable()
export class EventOutbox {
  private readonly pending = new WeakMap<EntityManager, OutboxRow[]>();
  private readonly committedSchemas = new Subject<string>();

  /** Tenant schemas whose transactions just committed events: a hint for the live stream to read. */
  readonly committed$ = this.committedSchemas.asObservable();

  /** Starts collecting the events of one transaction (TenantDatabase writes them at its end). */
  open(manager: EntityManager): void {
    this.pending.set(manager, []);
  }

  append(manager: EntityManager, actor: Actor, ...events: NewEvent[]): void {
    const rows = this.pending.get(manager);
    if (!rows) throw new Error('Events are appended inside TenantDatabase.transaction only');
    for (const event of events) {
      rows.push({
        actor_kind: actor.kind,
        actor_subject: actor.subject,
        actor_name: actor.name,
        actor_role: actor.primaryRole,
        action: event.type,
        entity_type: event.type.slice(0, event.type.indexOf('.')),
        entity_id: event.entityId,
        payload: event.payload,
        before: snapshot(event.before),
        after: snapshot(event.after),
        request_id: actor.requestId || null,
      });
    }
  }

  /**
   * The statement that writes the transaction's events (one row each), with their JSON as a
   * literal so it can travel in the same message as the COMMIT; empty when there are none.
   */
  flushStatement(manager: EntityManager, literal: (text: string) => string): string {
    const rows = this.pending.get(manager) ?? [];
    this.pending.delete(manager);
    if (rows.length === 0) return '';
    return `INSERT INTO audit_events (actor_kind, actor_subject, actor_name, actor_role, action, entity_type, entity_id, payload, before, after, request_id)
       SELECT actor_kind, actor_subject, actor_name, actor_role, action, entity_type, entity_id, payload, before, after, request_id
         FROM jsonb_to_recordset(${literal(JSON.stringify(rows))}::jsonb) AS x(actor_kind text, actor_subject text, actor_name text, actor_role text, action text,
              entity_type text, entity_id uuid, payload jsonb, before jsonb, after jsonb, request_id text)
        -- The transaction has its id before the events take theirs: readers rely on it (EventHub).
        WHERE pg_current_xact_id() IS NOT NULL`;
  }

  discard(manager: EntityManager): void {
    this.pending.delete(manager);
  }

  /** Called after a commit that wrote events. */
  announce(schema: string): void {
    this.committedSchemas.next(schema);
  }
}
