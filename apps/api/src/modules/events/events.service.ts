import { Injectable, type MessageEvent } from '@nestjs/common';
import { tenantSchemaName } from '@dispatch/domain';
import { Observable } from 'rxjs';
import type { EntityManager } from 'typeorm';
import { type Actor, isDriverOnly } from '../../core/auth/actor';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import type { AuditEventView } from '../audit/dto/audit.dto';
import { type AuditEventRow, auditRowToView } from './audit-row';
import { EventHub } from './event-hub.service';

const CATCH_UP_LIMIT = 1_000;
const HEARTBEAT_MILLISECONDS = 15_000;

/**
 * One subscriber's live stream: its tenant's changes (a driver: only those about its own
 * dispatches), each with the audit event's id, so a reconnecting client that sends Last-Event-ID
 * catches up on what it missed without reloading.
 */
@Injectable()
export class EventsService {
  constructor(
    private readonly hub: EventHub,
    private readonly db: TenantDatabase,
  ) {}

  stream(actor: Actor, lastEventId?: string): Observable<MessageEvent> {
    const schema = tenantSchemaName(actor.tenant);
    return new Observable<MessageEvent>((subscriber) => {
      let delivered = lastEventId ? BigInt(lastEventId) : 0n;
      // `ready` carries the position the stream starts from, as its id: a client that reconnects
      // with it as Last-Event-ID receives everything after. (Every SSE message gets an id; giving
      // this one a real position keeps the browser's Last-Event-ID meaningful.)
      let queue: Promise<void> = this.position(actor).then((position) => {
        if (!lastEventId) delivered = position;
        subscriber.next({
          id: delivered.toString(),
          type: 'ready',
          data: { tenant: actor.tenant, position: delivered.toString() },
        });
      });
      // Everything goes through one queue, so the catch-up and the live events form one ordered
      // stream without duplicates.
      const enqueue = (load: () => Promise<AuditEventView[]>) => {
        queue = queue
          .then(async () => {
            const fresh = (await load()).filter((event) => BigInt(event.id) > delivered);
            const visible = await this.visible(actor, fresh);
            for (const event of fresh)
              if (BigInt(event.id) > delivered) delivered = BigInt(event.id);
            for (const event of visible)
              subscriber.next({ id: event.id, type: event.action, data: event });
          })
          .catch((error: unknown) => subscriber.error(error));
      };
      const live = this.hub.events(schema).subscribe((event) => enqueue(async () => [event]));
      if (lastEventId) enqueue(() => this.since(actor, lastEventId));
      // A comment line: keeps proxies from closing an idle stream, without an id or an event.
      const heartbeat = setInterval(
        () => subscriber.next({ comment: 'heartbeat' }),
        HEARTBEAT_MILLISECONDS,
      );
      return () => {
        clearInterval(heartbeat);
        live.unsubscribe();
      };
    });
  }

  private async position(actor: Actor): Promise<bigint> {
    const [row] = await this.db.transaction(
      actor,
      (manager) =>
        manager.query(`SELECT coalesce(max(id), 0)::text AS id FROM audit_events`) as Promise<
          { id: string }[]
        >,
    );
    return BigInt(row.id);
  }

  private since(actor: Actor, lastEventId: string): Promise<AuditEventView[]> {
    return this.db.transaction(actor, async (manager) =>
      (
        (await manager.query(
          `SELECT * FROM audit_events WHERE id > $1 ORDER BY id LIMIT ${CATCH_UP_LIMIT}`,
          [lastEventId],
        )) as AuditEventRow[]
      ).map(auditRowToView),
    );
  }

  /** Everyone but a driver sees every event of the tenant; a driver, those about its own work. */
  private async visible(actor: Actor, events: AuditEventView[]): Promise<AuditEventView[]> {
    if (events.length === 0 || !isDriverOnly(actor)) return events;
    return this.db.transaction(actor, async (manager) => {
      const own = await this.ownEntities(manager, actor, events);
      return events.filter((event) => event.entityId !== null && own.has(event.entityId));
    });
  }

  private async ownEntities(
    manager: EntityManager,
    actor: Actor,
    events: AuditEventView[],
  ): Promise<Set<string>> {
    const ids = [
      ...new Set(events.map((event) => event.entityId).filter((id): id is string => id !== null)),
    ];
    const owned = (await manager.query(
      `SELECT d.id FROM dispatches d WHERE d.id = ANY($1::uuid[]) AND d.driver_id IN (SELECT own.id FROM drivers own WHERE own.keycloak_subject = $2 OR (own.keycloak_subject IS NULL AND own.username = $3))
       UNION SELECT d.work_order_id FROM dispatches d WHERE d.work_order_id = ANY($1::uuid[]) AND d.driver_id IN (SELECT own.id FROM drivers own WHERE own.keycloak_subject = $2 OR (own.keycloak_subject IS NULL AND own.username = $3))
       UNION SELECT own.id FROM drivers own WHERE own.id = ANY($1::uuid[]) AND (own.keycloak_subject = $2 OR (own.keycloak_subject IS NULL AND own.username = $3))`,
      [ids, actor.subject, actor.name],
    )) as { id: string }[];
    return new Set(owned.map((row) => row.id));
  }
}
