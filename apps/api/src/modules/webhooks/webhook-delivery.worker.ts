import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { domainEvent, Organization } from '@dispatch/domain';
import { randomUUID } from 'node:crypto';
import type { Subscription } from 'rxjs';
import { DataSource } from 'typeorm';
import { systemActor } from '../../core/auth/actor';
import { AppConfig } from '../../core/config/app-config';
import { EventOutbox } from '../../core/events/event-outbox.service';
import { returnedRows } from '../../core/tenancy/returned-rows';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import { EventHub } from '../events/event-hub.service';
import type { AuditEventRow } from '../events/event-row';
import { type AttemptOutcome, postWebhook } from './webhook-sender';
import { eventMessage, messageIdOf } from './webhook-message';
import { signedHeaders } from './webhook-signing';

/**
 * What orders an event's webhook deliveries: the events of one work order (its dispatches'
 * included) go out one after the other; other events per entity.
 */
function webhookOrderingKey(event: string): string {
  return `coalesce(${event}.payload #>> '{workOrder,id}', ${event}.entity_id::text, ${event}.action)`;
}

/** 86400 → "24 h", 90 → "90 s": how long an endpoint may fail, as the reason states it. */
function spanOf(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** A delivery this instance has claimed, with what sending it needs. */
interface ClaimedDelivery {
  id: string;
  subscription_id: string;
  ordering_key: string;
  event_id: string | null;
  test_payload: Record<string, unknown> | null;
  attempts: number;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_valid: boolean;
  event: AuditEventRow | null;
}

/** Deliveries one tenant may have in flight on one instance. */
const CONCURRENCY_PER_TENANT = 16;
/** Tenants are checked for subscriptions (and due retries) this often, on every instance. */
const SWEEP_MILLISECONDS = 15_000;
/** Delivery state lost in a database crash only means a message sent again: no WAL flush wait. */
const ASYNC_COMMIT = { asyncCommit: true } as const;
/** Outbox rows read per fan-out step. */
const FANOUT_BATCH = 1_000;
/** Delivered and failed deliveries (and their attempts) are kept this long. */
const RETENTION_DAYS = 30;
const PURGE_MILLISECONDS = 3_600_000;

/**
 * Fans committed events out of the outbox to the subscriptions (`fanOut`), then sends the
 * deliveries; business transactions do nothing for webhooks. Every instance may work; a delivery is
 * claimed with a lease (`locked_until`) in a short transaction, sent with no transaction open, and
 * its outcome recorded under the claim, so an instance that dies mid-delivery only delays it until
 * the lease ends and another instance sends it again: at least once, never lost. Deliveries of one
 * work order go out one at a time, in event order. Each tenant has its own pump, so a slow or dead
 * receiver never holds up another tenant.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDeliveryWorker.name);
  private readonly pumps = new Map<string, TenantPump>();
  /** Tenant slug of each schema, and which tenants have subscriptions at all. */
  private readonly slugOfSchema = new Map<string, string>();
  private readonly subscribed = new Set<string>();
  /** A hole in a tenant's outbox ids seen by the fan-out, with the snapshot's xmax then. */
  private readonly gaps = new Map<string, { after: bigint; xmax: bigint }>();
  private readonly subscriptions: Subscription[] = [];
  private sweepTimer: NodeJS.Timeout | undefined;
  private lastPurge = 0;
  private closed = false;
  private sweeping: Promise<void> | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly db: TenantDatabase,
    private readonly outbox: EventOutbox,
    private readonly hub: EventHub,
    private readonly config: AppConfig,
  ) {}

  /** Seconds before each retry, from WEBHOOK_RETRY_SCHEDULE_SECONDS. */
  private get retrySchedule(): number[] {
    return this.config.WEBHOOK_RETRY_SCHEDULE_SECONDS.split(',').map((value) => Number(value));
  }

  onApplicationBootstrap(): void {
    if (!this.config.WEBHOOK_DELIVERY) return;
    const onCommit = (schema: string) => {
      const slug = this.slugOfSchema.get(schema);
      if (slug && this.subscribed.has(slug)) this.wake(slug);
    };
    this.subscriptions.push(this.outbox.committed$.subscribe(onCommit));
    this.subscriptions.push(this.hub.remoteCommits$.subscribe(onCommit));
    this.sweepSoon();
    this.sweepTimer = setInterval(() => this.sweepSoon(), SWEEP_MILLISECONDS);
    this.sweepTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweepTimer);
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    await this.sweeping;
    await Promise.all([...this.pumps.values()].map((pump) => pump.stop()));
  }

  /** Sends what is due in a tenant now (after a subscription change, a test, a redelivery). */
  wake(slug: string): void {
    if (this.closed || !this.config.WEBHOOK_DELIVERY) return;
    this.subscribed.add(slug);
    let pump = this.pumps.get(slug);
    if (!pump) {
      pump = new TenantPump(slug, this, this.logger);
      this.pumps.set(slug, pump);
    }
    pump.wake();
  }

  private sweepSoon(): void {
    this.sweeping ??= this.sweep()
      .catch((error: unknown) => this.logger.warn(`Webhook sweep failed: ${String(error)}`))
      .finally(() => (this.sweeping = undefined));
  }

  /** Finds the tenants with subscriptions and wakes their pumps (retries due, missed wake-ups). */
  private async sweep(): Promise<void> {
    const organizations = await this.dataSource
      .getRepository(Organization)
      .find({ select: { slug: true, schemaName: true } });
    const purge = Date.now() - this.lastPurge > PURGE_MILLISECONDS;
    if (purge) this.lastPurge = Date.now();
    for (const { slug, schemaName } of organizations) {
      if (this.closed) return;
      this.slugOfSchema.set(schemaName, slug);
      const tenant = { tenant: slug };
      if (purge) {
        await this.db.statement(
          tenant,
          (schema) => `DELETE FROM ${schema}.webhook_deliveries
            WHERE status <> 'pending' AND created_at < now() - make_interval(days => $1)`,
          [RETENTION_DAYS],
        );
      }
      const [{ some: hasSubscriptions }] = await this.db.statement<{ some: boolean }>(
        tenant,
        (schema) => `SELECT EXISTS (SELECT 1 FROM ${schema}.webhook_subscriptions) AS some`,
        [],
      );
      if (hasSubscriptions) this.wake(slug);
      else this.subscribed.delete(slug);
    }
  }

  /**
   * Queues a delivery per matching subscription for the events committed since the last step,
   * moving the tenant's fan-out position (one instance at a time: the others skip while it is
   * locked). Ids come from a sequence, so a lower id may still be committing: the position stops
   * before a hole until every transaction running when the hole was seen has ended (the
   * snapshot's xmin passes the xmax seen then), as the live stream does, but never gives up on
   * one. Says whether it stopped at a hole, or read a full batch (more may follow).
   */
  async fanOut(slug: string): Promise<{ hole: boolean; more: boolean }> {
    return this.db.transaction(
      systemActor(slug),
      async (manager) => {
        const [cursor] = (await manager.query(
          `SELECT position::text, pg_snapshot_xmin(pg_current_snapshot())::text AS xmin,
                pg_snapshot_xmax(pg_current_snapshot())::text AS xmax
           FROM webhook_fanout FOR UPDATE SKIP LOCKED`,
        )) as { position: string; xmin: string; xmax: string }[];
        // Another instance is moving it: that instance fans out.
        if (!cursor) return { hole: false, more: false };
        const ids = (
          (await manager.query(
            `SELECT id::text FROM audit_events WHERE id > $1 ORDER BY id LIMIT ${FANOUT_BATCH}`,
            [cursor.position],
          )) as { id: string }[]
        ).map(({ id }) => BigInt(id));
        let upTo = BigInt(cursor.position);
        let blocked = false;
        for (const id of ids) {
          if (id !== upTo + 1n) {
            const gap = this.gaps.get(slug);
            if (!gap || gap.after !== upTo) {
              this.gaps.set(slug, { after: upTo, xmax: BigInt(cursor.xmax) });
              blocked = true;
              break;
            }
            if (BigInt(cursor.xmin) < gap.xmax) {
              blocked = true;
              break;
            }
          }
          this.gaps.delete(slug);
          upTo = id;
        }
        const more = !blocked && ids.length === FANOUT_BATCH;
        if (upTo === BigInt(cursor.position)) return { hole: blocked, more };
        await manager.query(
          `INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, ordering_key)
         SELECT s.id, e.id, e.action, ${webhookOrderingKey('e')}
           FROM audit_events e
           JOIN webhook_subscriptions s ON e.action = ANY (s.event_types) AND e.id > s.from_position
          WHERE e.id > $1 AND e.id <= $2 AND e.payload IS NOT NULL
          ORDER BY e.id
         ON CONFLICT (subscription_id, event_id) WHERE event_id IS NOT NULL DO NOTHING`,
          [cursor.position, upTo.toString()],
        );
        await manager.query(`UPDATE webhook_fanout SET position = $1`, [upTo.toString()]);
        return { hole: blocked, more };
      },
      ASYNC_COMMIT,
    );
  }

  /** Claims up to `limit` due deliveries of a tenant, each the next of its work order. */
  async claim(
    slug: string,
    claim: string,
    limit: number,
    /** Only the next delivery in this order (a chain of one work order's events). */
    after?: Pick<ClaimedDelivery, 'subscription_id' | 'ordering_key'>,
  ): Promise<ClaimedDelivery[]> {
    const leaseSeconds = this.config.WEBHOOK_TIMEOUT_MILLISECONDS / 1000 + 5;
    return this.db.transaction(
      systemActor(slug),
      async (manager) => {
        const claimed = returnedRows<Omit<ClaimedDelivery, 'event'>>(
          await manager.query(
            `WITH due AS (
           SELECT d.id, d.subscription_id, d.event_id FROM webhook_deliveries d
             JOIN webhook_subscriptions s ON s.id = d.subscription_id AND s.enabled
            WHERE d.status = 'pending' AND d.next_attempt_at <= now()
              AND (d.locked_until IS NULL OR d.locked_until < now())
              AND ($4::uuid IS NULL OR (d.subscription_id = $4 AND d.ordering_key = $5))
              AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p
                               WHERE p.subscription_id = d.subscription_id
                                 AND p.ordering_key = d.ordering_key
                                 AND p.status = 'pending' AND p.event_id < d.event_id)
            ORDER BY d.next_attempt_at, d.event_id
            LIMIT $1
              FOR UPDATE OF d SKIP LOCKED)
         UPDATE webhook_deliveries d
            SET claim = $2, locked_until = now() + make_interval(secs => $3),
                attempts = d.attempts + 1, last_attempt_at = now()
           FROM due
           JOIN webhook_subscriptions s ON s.id = due.subscription_id
           -- The time as a column: Citus refuses now() in a RETURNING list.
           CROSS JOIN (SELECT now() AS at) clock
          WHERE d.id = due.id
        RETURNING d.id, d.subscription_id, d.ordering_key, d.event_id::text, d.test_payload, d.attempts,
                  s.url, s.secret, s.previous_secret,
                  coalesce(s.previous_secret_expires_at > clock.at, false) AS previous_secret_valid`,
            [
              limit,
              claim,
              leaseSeconds,
              after?.subscription_id ?? null,
              after?.ordering_key ?? null,
            ],
          ),
        );
        // The events in a read of their own: Citus refuses every non-IMMUTABLE function in a
        // RETURNING list, to_jsonb (STABLE) included.
        const eventIds = claimed.flatMap(({ event_id }) => (event_id === null ? [] : [event_id]));
        const events = new Map<string, AuditEventRow>();
        if (eventIds.length > 0) {
          const rows = (await manager.query(
            `SELECT e.id::text AS id, to_jsonb(e) AS event FROM audit_events e WHERE e.id = ANY ($1::bigint[])`,
            [eventIds],
          )) as { id: string; event: AuditEventRow }[];
          for (const { id, event } of rows) events.set(id, event);
        }
        return claimed.map((delivery) => ({
          ...delivery,
          event: delivery.event_id === null ? null : (events.get(delivery.event_id) ?? null),
        }));
      },
      ASYNC_COMMIT,
    );
  }

  /** When the next delivery of a tenant falls due (retries, leases of other instances), if any. */
  async nextDue(slug: string): Promise<Date | null> {
    const [row] = await this.db.statement<{ due: Date | null }>(
      { tenant: slug },
      (schema) => `
        SELECT min(greatest(d.next_attempt_at, coalesce(d.locked_until, d.next_attempt_at))) AS due
          FROM ${schema}.webhook_deliveries d
          JOIN ${schema}.webhook_subscriptions s ON s.id = d.subscription_id AND s.enabled
         WHERE d.status = 'pending'`,
      [],
    );
    return row.due;
  }

  /** Signs and sends one claimed delivery, then records the attempt. */
  /**
   * Sends a claimed delivery and, while they succeed, the next ones of its work order right
   * after (without waiting for the pump's next turn): one chain per work order in flight.
   */
  async deliverInOrder(slug: string, claim: string, first: ClaimedDelivery): Promise<void> {
    let next: ClaimedDelivery | undefined = first;
    while (next && !this.closed) {
      const delivered = await this.deliver(slug, claim, next);
      [next] = delivered ? await this.claim(slug, claim, 1, next) : [];
    }
  }

  /** Sends one claimed delivery and records the attempt; true when the receiver took it. */
  async deliver(slug: string, claim: string, delivery: ClaimedDelivery): Promise<boolean> {
    const message = delivery.test_payload ?? (delivery.event && eventMessage(delivery.event));
    const startedAt = new Date();
    let outcome: AttemptOutcome;
    if (!message) {
      outcome = {
        statusCode: null,
        error: 'the event is not in the catalogue',
        durationMs: 0,
        responseExcerpt: null,
        ok: false,
      };
    } else {
      const body = JSON.stringify(message);
      const secrets = [delivery.secret];
      if (delivery.previous_secret && delivery.previous_secret_valid)
        secrets.push(delivery.previous_secret);
      outcome = await postWebhook(
        delivery.url,
        signedHeaders(secrets, messageIdOf(delivery), startedAt, body),
        body,
        {
          timeoutMs: this.config.WEBHOOK_TIMEOUT_MILLISECONDS,
          policy: { allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE_TARGETS },
        },
      );
    }
    await this.record(slug, claim, delivery, startedAt, outcome, message ? undefined : 'final');
    return outcome.ok;
  }

  private async record(
    slug: string,
    claim: string,
    delivery: ClaimedDelivery,
    startedAt: Date,
    outcome: AttemptOutcome,
    final?: 'final',
  ): Promise<void> {
    const schedule = this.retrySchedule;
    const exhausted = final !== undefined || delivery.attempts > schedule.length;
    // Some spread, so retries of many deliveries to one receiver do not arrive in one burst.
    const delaySeconds = exhausted
      ? 0
      : (schedule[delivery.attempts - 1] ?? 0) * (0.9 + Math.random() * 0.2);
    const actor = systemActor(slug);
    await this.db.transaction(
      actor,
      async (manager) => {
        // One statement: the attempt is logged; the delivery moves on under the claim only (had
        // the lease run out and another instance taken over, that one's outcome counts); the
        // endpoint's failure clock stops on a success and starts on a first failure.
        const [subscription] = returnedRows<{
          id: string;
          url: string;
          event_types: string[];
          enabled: boolean;
          failing_since: Date | null;
          failed_too_long: boolean;
        }>(
          await manager.query(
            `WITH attempt AS (
               INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error, response_excerpt)
               VALUES ($1, $9, $10, $8, $6, $7, $11)),
             -- The time as columns (clock.at …), not now() inside CASE, COALESCE or RETURNING,
             -- which Citus refuses in modifications.
             moved AS (
               UPDATE webhook_deliveries
                  SET status = CASE WHEN $3 THEN 'delivered' WHEN $4 THEN 'failed' ELSE 'pending' END,
                      delivered_at = CASE WHEN $3 THEN clock.at END,
                      next_attempt_at = now() + make_interval(secs => $5),
                      claim = NULL, locked_until = NULL,
                      last_status_code = $6, last_error = $7, last_duration_ms = $8
                 FROM (SELECT now() AS at) clock
                WHERE id = $1 AND claim = $2
                RETURNING subscription_id)
             UPDATE webhook_subscriptions s
                SET failing_since = CASE WHEN $3 THEN NULL ELSE coalesce(s.failing_since, clock.at) END
               FROM moved,
                    (SELECT now() AS at, now() - make_interval(secs => $12) AS failing_cutoff) clock
              WHERE s.id = moved.subscription_id AND (NOT $3 OR s.failing_since IS NOT NULL)
             RETURNING s.id, s.url, s.event_types, s.enabled, s.failing_since,
                       (NOT $3 AND s.failing_since <= clock.failing_cutoff) AS failed_too_long`,
            [
              delivery.id,
              claim,
              outcome.ok,
              exhausted,
              delaySeconds,
              outcome.statusCode,
              outcome.error,
              outcome.durationMs,
              delivery.attempts,
              startedAt,
              outcome.responseExcerpt,
              this.config.WEBHOOK_DISABLE_AFTER_SECONDS,
            ],
          ),
        );
        if (subscription?.enabled && subscription.failed_too_long) {
          const last = outcome.statusCode
            ? `HTTP ${outcome.statusCode}`
            : (outcome.error ?? 'no answer');
          const reason = `Every delivery failed for ${spanOf(this.config.WEBHOOK_DISABLE_AFTER_SECONDS)} (last: ${last}); re-enable it once the receiver works`;
          await manager.query(
            `UPDATE webhook_subscriptions
              SET enabled = false, disabled_at = now(), disabled_by = 'failures', disabled_reason = $2,
                  updated_at = now()
            WHERE id = $1`,
            [subscription.id, reason],
          );
          this.outbox.append(
            manager,
            actor,
            domainEvent('webhook.disabled', subscription.id, {
              webhook: {
                id: subscription.id,
                url: subscription.url,
                events: subscription.event_types,
              },
              reason,
              failingSince: new Date(subscription.failing_since ?? Date.now()).toISOString(),
            }),
          );
          this.logger.warn(`Webhook ${subscription.id} of ${slug} disabled: ${reason}`);
        }
      },
      ASYNC_COMMIT,
    );
  }
}

/** One tenant's deliveries on this instance: claims what is due and keeps a bounded number in flight. */
class TenantPump {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** The last fan-out stopped before a transaction still committing: look again shortly. */
  private holeInOutbox = false;
  /** Events may have committed since the outbox was last read. */
  private outboxToRead = true;
  private readonly inFlight = new Set<Promise<void>>();
  /** When each kind of failure was last logged: one warning per sweep interval, not per retry. */
  private readonly warnedAt = new Map<string, number>();

  constructor(
    private readonly slug: string,
    private readonly worker: WebhookDeliveryWorker,
    private readonly logger: Logger,
  ) {}

  /**
   * A failed step (a statement the database refuses, say) is retried at the next wake-up, which
   * may come every few milliseconds: each distinct failure is logged at warn at most once per
   * sweep interval, so it can neither flood the log nor go unseen.
   */
  private warn(kind: string, error: unknown): void {
    const message = `${kind}: ${String(error)}`;
    const now = Date.now();
    const last = this.warnedAt.get(message);
    if (last !== undefined && now - last < SWEEP_MILLISECONDS) return;
    this.warnedAt.set(message, now);
    this.logger.warn(`Webhook ${message} (logged at most every ${SWEEP_MILLISECONDS / 1000} s)`);
  }

  wake(): void {
    if (this.stopped) return;
    this.outboxToRead = true;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.run()
      .catch((error: unknown) => this.warn(`delivery of ${this.slug} failed`, error))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        } else {
          this.scheduleNext().catch((error: unknown) =>
            this.warn(`scheduling of ${this.slug} failed`, error),
          );
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await Promise.all(this.inFlight);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      // The outbox is read when woken (events committed), while it has more, or after a hole.
      if (this.outboxToRead || this.holeInOutbox) {
        this.outboxToRead = false;
        const read = await this.worker.fanOut(this.slug);
        this.holeInOutbox = read.hole;
        this.outboxToRead = read.more;
      }
      const free = CONCURRENCY_PER_TENANT - this.inFlight.size;
      const claim = randomUUID();
      const batch = free > 0 ? await this.worker.claim(this.slug, claim, free) : [];
      for (const delivery of batch) {
        const sending: Promise<void> = this.worker
          .deliverInOrder(this.slug, claim, delivery)
          .catch((error: unknown) => this.warn(`delivery of ${this.slug} not recorded`, error))
          .finally(() => this.inFlight.delete(sending));
        this.inFlight.add(sending);
      }
      if (batch.length === 0 && this.inFlight.size === 0) return;
      // A finished delivery may let the next one of its work order go.
      if (batch.length === 0 || this.inFlight.size >= CONCURRENCY_PER_TENANT)
        await Promise.race(this.inFlight);
    }
  }

  /** Wakes again when the next retry (or another instance's lease) falls due. */
  private async scheduleNext(): Promise<void> {
    if (this.stopped) return;
    const due = this.holeInOutbox
      ? new Date(Date.now() + 50)
      : await this.worker.nextDue(this.slug);
    if (!due || this.stopped || this.running) return;
    const wait = Math.min(Math.max(new Date(due).getTime() - Date.now(), 20), SWEEP_MILLISECONDS);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.wake(), wait);
    this.timer.unref();
  }
}
