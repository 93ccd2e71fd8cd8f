import { Injectable } from '@nestjs/common';
import { domainEvent, NotFoundError } from '@dispatch/domain';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../core/auth/actor';
import { AppConfig } from '../../core/config/app-config';
import { changedKeys } from '../../core/events/changed-keys';
import { EventOutbox } from '../../core/events/event-outbox.service';
import { type Page, pageWindow } from '../../core/http/pagination';
import { returnedRows } from '../../core/tenancy/returned-rows';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import type { AuditEventRow } from '../events/event-row';
import type {
  CreateWebhookDto,
  DeliveryStatus,
  UpdateWebhookDto,
  WebhookAttemptView,
  WebhookDeliveryDetailView,
  WebhookDeliveryQuery,
  WebhookDeliveryView,
  WebhookSecretView,
  WebhookTestView,
  WebhookView,
  WebhookWithSecretView,
} from './dto/webhook.dto';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { eventMessage, messageIdOf, testMessage } from './webhook-message';
import { newWebhookSecret } from './webhook-signing';
import { assertAllowedTarget } from './webhook-targets';

/** How long a rotated-out secret still signs messages beside the new one. */
export const PREVIOUS_SECRET_HOURS = 24;

export interface WebhookRow {
  id: string;
  url: string;
  event_types: string[];
  description: string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  enabled: boolean;
  disabled_at: Date | null;
  disabled_by: 'admin' | 'failures' | null;
  disabled_reason: string | null;
  failing_since: Date | null;
  created_by: string;
  created_by_name: string;
  created_at: Date;
  updated_at: Date;
  pending?: number;
  failed?: number;
}

export interface DeliveryRow {
  id: string;
  subscription_id: string;
  event_id: string | null;
  event_type: string;
  ordering_key: string;
  test_payload: Record<string, unknown> | null;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  last_duration_ms: number | null;
  delivered_at: Date | null;
  created_at: Date;
}

const iso = (value: Date | null) => (value ? new Date(value).toISOString() : null);

const WITH_COUNTS = `SELECT s.*,
       (SELECT count(*) FROM webhook_deliveries d WHERE d.subscription_id = s.id AND d.status = 'pending')::int AS pending,
       (SELECT count(*) FROM webhook_deliveries d WHERE d.subscription_id = s.id AND d.status = 'failed')::int AS failed
  FROM webhook_subscriptions s`;

function toWebhookView(row: WebhookRow): WebhookView {
  return {
    id: row.id,
    url: row.url,
    events: row.event_types,
    description: row.description,
    enabled: row.enabled,
    disabledAt: iso(row.disabled_at),
    disabledBy: row.disabled_by,
    disabledReason: row.disabled_reason,
    failingSince: iso(row.failing_since),
    pendingDeliveries: row.pending ?? 0,
    failedDeliveries: row.failed ?? 0,
    createdBy: { subject: row.created_by, name: row.created_by_name },
    createdAt: iso(row.created_at) as string,
    updatedAt: iso(row.updated_at) as string,
  };
}

function toDeliveryView(row: DeliveryRow): WebhookDeliveryView {
  return {
    id: row.id,
    messageId: messageIdOf(row),
    eventId: row.event_id === null ? null : String(row.event_id),
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    lastAttemptAt: iso(row.last_attempt_at),
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    lastDurationMs: row.last_duration_ms,
    deliveredAt: iso(row.delivered_at),
    createdAt: iso(row.created_at) as string,
  };
}

function webhookRef(row: Pick<WebhookRow, 'id' | 'url' | 'event_types'>) {
  return { id: row.id, url: row.url, events: row.event_types };
}

/** Webhook subscriptions of a tenant, their deliveries and the attempts behind them. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly outbox: EventOutbox,
    private readonly config: AppConfig,
    private readonly worker: WebhookDeliveryWorker,
  ) {}

  private get policy() {
    return { allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE_TARGETS };
  }

  list(actor: Actor, query: { limit?: number; offset?: number }): Promise<Page<WebhookView>> {
    const { limit, offset } = pageWindow(query);
    return this.db.transaction(actor, async (manager) => {
      const rows = (await manager.query(
        `${WITH_COUNTS} ORDER BY s.created_at, s.id LIMIT $1 OFFSET $2`,
        [limit, offset],
      )) as WebhookRow[];
      const [{ total }] = (await manager.query(
        `SELECT count(*)::int AS total FROM webhook_subscriptions`,
      )) as { total: number }[];
      return { items: rows.map(toWebhookView), total, limit, offset };
    });
  }

  get(actor: Actor, id: string): Promise<WebhookView> {
    return this.db.transaction(actor, async (manager) =>
      toWebhookView(await this.find(manager, id, { counts: true })),
    );
  }

  async create(actor: Actor, input: CreateWebhookDto): Promise<WebhookWithSecretView> {
    await assertAllowedTarget(input.url, this.policy);
    const secret = newWebhookSecret();
    return this.db
      .transaction(actor, async (manager) => {
        const [row] = (await manager.query(
          // INSERT … SELECT rather than a subquery in VALUES, which Citus refuses.
          `INSERT INTO webhook_subscriptions (url, event_types, description, secret, created_by, created_by_name, from_position)
           SELECT $1::varchar, $2::text[], $3::varchar, $4::varchar, $5::varchar, $6::varchar, coalesce(max(id), 0)
             FROM audit_events RETURNING *`,
          [input.url, input.events, input.description ?? null, secret, actor.subject, actor.name],
        )) as WebhookRow[];
        this.outbox.append(
          manager,
          actor,
          domainEvent('webhook.created', row.id, { webhook: webhookRef(row) }),
        );
        return { ...toWebhookView(row), secret };
      })
      .then(this.wakeWorker(actor));
  }

  async update(actor: Actor, id: string, changes: UpdateWebhookDto): Promise<WebhookView> {
    if (changes.url !== undefined) await assertAllowedTarget(changes.url, this.policy);
    return this.db
      .transaction(actor, async (manager) => {
        const before = await this.find(manager, id, { lock: true });
        const [row] = returnedRows<WebhookRow>(
          await manager.query(
            `UPDATE webhook_subscriptions
                SET url = coalesce($2, url),
                    event_types = coalesce($3, event_types),
                    description = CASE WHEN $4 THEN $5 ELSE description END,
                    enabled = coalesce($6, enabled),
                    -- Re-enabling starts afresh: the failure clock and the reason are cleared.
                    -- clock.at, not now(): Citus refuses now() inside CASE in an UPDATE.
                    disabled_at = CASE WHEN $6 IS TRUE THEN NULL WHEN $6 IS FALSE AND enabled THEN clock.at ELSE disabled_at END,
                    disabled_by = CASE WHEN $6 IS TRUE THEN NULL WHEN $6 IS FALSE AND enabled THEN 'admin' ELSE disabled_by END,
                    disabled_reason = CASE WHEN $6 IS TRUE THEN NULL WHEN $6 IS FALSE AND enabled THEN $7 ELSE disabled_reason END,
                    failing_since = CASE WHEN $6 IS TRUE THEN NULL ELSE failing_since END,
                    updated_at = now()
               FROM (SELECT now() AS at) clock
              WHERE id = $1 RETURNING webhook_subscriptions.*`,
            [
              id,
              changes.url ?? null,
              changes.events ?? null,
              changes.description !== undefined,
              changes.description ?? null,
              changes.enabled ?? null,
              `Paused by ${actor.name}`,
            ],
          ),
        );
        if (changes.enabled === true && !before.enabled) {
          // What waited while the endpoint was off (events keep being queued for it) goes now.
          await manager.query(
            `UPDATE webhook_deliveries SET next_attempt_at = now()
              WHERE subscription_id = $1 AND status = 'pending'`,
            [id],
          );
        }
        this.outbox.append(
          manager,
          actor,
          domainEvent('webhook.updated', id, {
            webhook: webhookRef(row),
            changed: changedKeys(changes),
          }),
        );
        return toWebhookView(await this.find(manager, id, { counts: true }));
      })
      .then(this.wakeWorker(actor));
  }

  remove(actor: Actor, id: string): Promise<void> {
    return this.db.transaction(actor, async (manager) => {
      const row = await this.find(manager, id, { lock: true });
      await manager.query(`DELETE FROM webhook_subscriptions WHERE id = $1`, [id]);
      this.outbox.append(
        manager,
        actor,
        domainEvent('webhook.deleted', id, { webhook: webhookRef(row) }),
      );
    });
  }

  rotateSecret(actor: Actor, id: string): Promise<WebhookSecretView> {
    const secret = newWebhookSecret();
    return this.db.transaction(actor, async (manager) => {
      await this.find(manager, id, { lock: true });
      const [row] = returnedRows<WebhookRow>(
        await manager.query(
          `UPDATE webhook_subscriptions
            SET previous_secret = secret, secret = $2,
                previous_secret_expires_at = now() + make_interval(hours => $3), updated_at = now()
          WHERE id = $1 RETURNING *`,
          [id, secret, PREVIOUS_SECRET_HOURS],
        ),
      );
      this.outbox.append(
        manager,
        actor,
        domainEvent('webhook.secret_rotated', id, { webhook: webhookRef(row) }),
      );
      return {
        secret,
        previousSecretValidUntil: iso(row.previous_secret_expires_at) as string,
      };
    });
  }

  /** Queues a `webhook.test` message to this endpoint alone (delivered like any other). */
  sendTest(actor: Actor, id: string): Promise<WebhookTestView> {
    return this.db
      .transaction(actor, async (manager) => {
        await this.find(manager, id);
        const [row] = (await manager.query(
          `INSERT INTO webhook_deliveries (subscription_id, event_type, ordering_key, test_payload)
         VALUES ($1, 'webhook.test', 'test:' || uuid_v7(), $2) RETURNING id`,
          [id, JSON.stringify(testMessage(id, new Date()))],
        )) as { id: string }[];
        return { deliveryId: row.id };
      })
      .then(this.wakeWorker(actor));
  }

  deliveries(
    actor: Actor,
    id: string,
    query: WebhookDeliveryQuery,
  ): Promise<Page<WebhookDeliveryView>> {
    const { limit, offset } = pageWindow(query);
    return this.db.transaction(actor, async (manager) => {
      await this.find(manager, id);
      const rows = (await manager.query(
        `SELECT * FROM webhook_deliveries
          WHERE subscription_id = $1 AND ($2::text IS NULL OR status = $2)
          ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4`,
        [id, query.status ?? null, limit, offset],
      )) as DeliveryRow[];
      const [{ total }] = (await manager.query(
        `SELECT count(*)::int AS total FROM webhook_deliveries
          WHERE subscription_id = $1 AND ($2::text IS NULL OR status = $2)`,
        [id, query.status ?? null],
      )) as { total: number }[];
      return { items: rows.map(toDeliveryView), total, limit, offset };
    });
  }

  delivery(actor: Actor, id: string, deliveryId: string): Promise<WebhookDeliveryDetailView> {
    return this.db.transaction(actor, async (manager) => {
      const row = await this.findDelivery(manager, id, deliveryId);
      const attempts = (await manager.query(
        `SELECT attempt, started_at, duration_ms, status_code, error, response_excerpt
           FROM webhook_attempts WHERE delivery_id = $1 ORDER BY id`,
        [deliveryId],
      )) as {
        attempt: number;
        started_at: Date;
        duration_ms: number;
        status_code: number | null;
        error: string | null;
        response_excerpt: string | null;
      }[];
      const attemptLog: WebhookAttemptView[] = attempts.map((attempt) => ({
        attempt: attempt.attempt,
        startedAt: iso(attempt.started_at) as string,
        durationMs: attempt.duration_ms,
        statusCode: attempt.status_code,
        error: attempt.error,
        responseExcerpt: attempt.response_excerpt,
      }));
      return {
        ...toDeliveryView(row),
        attemptLog,
        body: JSON.stringify(await this.messageOf(manager, row)),
      };
    });
  }

  /** Sends a delivery again now, whatever became of it (receivers deduplicate by message id). */
  redeliver(actor: Actor, id: string, deliveryId: string): Promise<WebhookDeliveryView> {
    return this.db
      .transaction(actor, async (manager) => {
        await this.findDelivery(manager, id, deliveryId);
        const [row] = returnedRows<DeliveryRow>(
          await manager.query(
            `UPDATE webhook_deliveries
            SET status = 'pending', next_attempt_at = now(), delivered_at = NULL, claim = NULL, locked_until = NULL
          WHERE id = $1 RETURNING *`,
            [deliveryId],
          ),
        );
        return toDeliveryView(row);
      })
      .then(this.wakeWorker(actor));
  }

  /** After a commit that made a delivery due, this instance's worker sends it at once. */
  private wakeWorker(actor: Actor) {
    return <T>(value: T): T => {
      this.worker.wake(actor.tenant);
      return value;
    };
  }

  private async messageOf(manager: EntityManager, row: DeliveryRow): Promise<unknown> {
    if (row.test_payload) return row.test_payload;
    const [event] = (await manager.query(`SELECT * FROM audit_events WHERE id = $1`, [
      row.event_id,
    ])) as AuditEventRow[];
    return event ? eventMessage(event) : null;
  }

  private async find(
    manager: EntityManager,
    id: string,
    options: { lock?: boolean; counts?: boolean } = {},
  ): Promise<WebhookRow> {
    const [row] = (await manager.query(
      options.counts
        ? `${WITH_COUNTS} WHERE s.id = $1`
        : `SELECT * FROM webhook_subscriptions WHERE id = $1${options.lock ? ' FOR UPDATE' : ''}`,
      [id],
    )) as WebhookRow[];
    if (!row) throw new NotFoundError('Webhook', id);
    return row;
  }

  private async findDelivery(
    manager: EntityManager,
    id: string,
    deliveryId: string,
  ): Promise<DeliveryRow> {
    await this.find(manager, id);
    const [row] = (await manager.query(
      `SELECT * FROM webhook_deliveries WHERE id = $1 AND subscription_id = $2`,
      [deliveryId, id],
    )) as DeliveryRow[];
    if (!row) throw new NotFoundError('Webhook delivery', deliveryId);
    return row;
  }
}
