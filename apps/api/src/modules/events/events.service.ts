import { Injectable, type MessageEvent } from '@nestjs/common';
import { type DomainEvent, tenantSchemaName } from '@dispatch/domain';
import { Observable } from 'rxjs';
import type { EntityManager } from 'typeorm';
import { type Actor, isDriverOnly } from '../../core/auth/actor';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import { type AuditEventRow, toDomainEvent } from './event-row';
import { EventHub } from './event-hub.service';

const CATCH_UP_LIMIT = 1_000;
const HEARTBEAT_MILLISECONDS = 15_000;

/** Ids of the dispatches, work orders and drivers an event is about (for a driver's own view). */
function subjectsOf(event: DomainEvent): string[] {
  const payload = event.payload as {
    dispatch?: { id: string };
    workOrder?: { id: string };
    driver?: { id: string };
  };
  return [event.entity.id, payload.dispatch?.id, payload.workOrder?.id, payload.driver?.id].filter(
    (id): id is string => typeof id === 'string',
  );
}

/**
 * One subscriber's live stream: its tenant's committed domain events (a driver: only those about
 * its own dispatches and profile), each with its position as the SSE id, so a reconnecting client
 * that sends Last-Event-ID catches up on what it missed without reloading.
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
      let delivered = 0n;
      let closed = false;
      const heartbeat = setInterval(
        // A comment line: keeps proxies from closing an idle stream, without an id or an event.
        () => subscriber.next({ comment: 'heartbeat' }),
        HEARTBEAT_MILLISECONDS,
      );
      // Everything goes through one queue, so the catch-up and the live events form one ordered
      // stream without duplicates.
      let queue = Promise.resolve();
      const send = (load: () => Promise<DomainEvent[]>) => {
        queue = queue
          .then(async () => {
            const fresh = (await load()).filter((event) => BigInt(event.id) > delivered);
            if (fresh.length === 0 || closed) return;
            delivered = BigInt(fresh[fresh.length - 1].id);
            for (const event of await this.visible(actor, fresh))
              subscriber.next({ id: event.id, type: event.type, data: event });
          })
          .catch((error: unknown) => subscriber.error(error));
      };
      let live: { unsubscribe(): void } | undefined;
      this.hub
        .subscribe(schema)
        .then(({ events, position }) => {
          if (closed) return;
          live = events.subscribe((event) => send(async () => [event]));
          // `ready` carries the position the stream starts from, as its id: a client that
          // reconnects with it as Last-Event-ID receives everything after.
          const since = lastEventId !== undefined ? BigInt(lastEventId) : position;
          queue = queue.then(() => {
            subscriber.next({
              id: since.toString(),
              type: 'ready',
              data: { tenant: actor.tenant, position: since.toString() },
            });
          });
          delivered = since;
          if (since < position) send(() => this.between(actor, since, position));
        })
        .catch((error: unknown) => subscriber.error(error));
      return () => {
        closed = true;
        clearInterval(heartbeat);
        live?.unsubscribe();
      };
    });
  }

  /** Committed events after `since` up to `until` (what a reconnecting client missed). */
  private between(actor: Actor, since: bigint, until: bigint): Promise<DomainEvent[]> {
    return this.db.transaction(actor, async (manager) =>
      (
        (await manager.query(
          `SELECT * FROM audit_events WHERE id > $1 AND id <= $2 ORDER BY id LIMIT ${CATCH_UP_LIMIT}`,
          [since.toString(), until.toString()],
        )) as AuditEventRow[]
      )
        .map(toDomainEvent)
        .filter((event): event is DomainEvent => event !== undefined),
    );
  }

  /** Everyone but a driver sees every event of the tenant; a driver, those about its own work. */
  private async visible(actor: Actor, events: DomainEvent[]): Promise<DomainEvent[]> {
    if (events.length === 0 || !isDriverOnly(actor)) return events;
    return this.db.transaction(actor, async (manager) => {
      const own = await this.ownEntities(manager, actor, events);
      return events.filter(
        (event) =>
          (event.type.startsWith('dispatch.') ||
            event.type.startsWith('work_order.') ||
            event.type.startsWith('driver.')) &&
          subjectsOf(event).some((id) => own.has(id)),
      );
    });
  }

  private async ownEntities(
    manager: EntityManager,
    actor: Actor,
    events: DomainEvent[],
  ): Promise<Set<string>> {
    const ids = [...new Set(events.flatMap(subjectsOf))];
    const owned = (await manager.query(
      `WITH own AS (SELECT id FROM drivers WHERE keycloak_subject = $2 OR (keycloak_subject IS NULL AND username = $3))
       SELECT d.id FROM dispatches d WHERE d.id = ANY($1::uuid[]) AND d.driver_id IN (SELECT id FROM own)
       UNION SELECT d.work_order_id FROM dispatches d WHERE d.work_order_id = ANY($1::uuid[]) AND d.driver_id IN (SELECT id FROM own)
       UNION SELECT id FROM own WHERE id = ANY($1::uuid[])`,
      [ids, actor.subject, actor.name],
    )) as { id: string }[];
    return new Set(owned.map((row) => row.id));
  }
}
