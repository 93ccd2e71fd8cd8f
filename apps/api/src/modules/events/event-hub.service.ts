import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DomainEvent } from '@dispatch/domain';
import { Client, type ClientConfig } from 'pg';
import { Observable, Subject, type Subscription } from 'rxjs';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../core/config/app-config';
import { EventOutbox } from '../../core/events/event-outbox.service';
import { type AuditEventRow, toDomainEvent } from './event-row';

const WAKE_CHANNEL = 'dispatch_outbox';
const SCHEMA_PATTERN = /^tenant_[a-z0-9_]{1,40}$/;
const BATCH = 1_000;
/** A gap in the outbox older than this is given up on (a crashed session's rolled-back ids). */
const GAP_GIVE_UP_MILLISECONDS = 10_000;

interface TenantFeed {
  stream: Subject<DomainEvent>;
  /** Every event up to here has been delivered (or is known never to exist). */
  position: bigint;
  ready: Promise<void>;
  /** A hole in the ids after `position`: the snapshot horizon when it was seen. */
  gap?: { after: bigint; xmax: bigint; since: number };
  reading?: Promise<void>;
  again: boolean;
}

/**
 * Reads each tenant's outbox (the committed events, by position) and fans them out to this
 * instance's live subscribers. Nothing is announced inside business transactions:
 * - this instance reads right after its own commits (in process);
 * - after a commit it sends one wake-up on a PostgreSQL channel from its own connection, outside
 *   the business transaction and coalesced per tenant, so other instances read at once;
 * - every instance also reads every `OUTBOX_POLL_MILLISECONDS`, so a lost wake-up delays an event
 *   by at most that.
 *
 * Ids come from a sequence, so a transaction can commit an id lower than one already read. A
 * hole in the ids is waited for until every transaction that was running when it was seen has
 * ended (the snapshot's xmin passes the xmax seen then): then the hole is permanent (a rollback).
 */
@Injectable()
export class EventHub implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventHub.name);
  private readonly feeds = new Map<string, TenantFeed>();
  private readonly remoteWakes = new Subject<string>();

  /** Tenant schemas another instance just committed events to (webhook delivery listens too). */
  readonly remoteCommits$ = this.remoteWakes.asObservable();
  private listener: Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private wakeTimers = new Map<string, NodeJS.Timeout>();
  private committed: Subscription | undefined;
  private waking: Promise<void> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly outbox: EventOutbox,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.committed = this.outbox.committed$.subscribe((schema) => {
      this.read(schema);
      this.wakeOthers(schema);
    });
    await this.listen().catch((error: unknown) => {
      this.logger.warn(`Outbox wake-up channel unavailable: ${String(error)}`);
      this.reconnect(undefined);
    });
    this.poll = setInterval(() => {
      for (const schema of this.feeds.keys()) this.read(schema);
    }, this.config.OUTBOX_POLL_MILLISECONDS);
    this.poll.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    clearInterval(this.poll);
    for (const timer of this.wakeTimers.values()) clearTimeout(timer);
    this.committed?.unsubscribe();
    for (const feed of this.feeds.values()) feed.stream.complete();
    await Promise.all([...this.feeds.values()].map((feed) => feed.reading));
    await this.listener?.end().catch(() => undefined);
  }

  /**
   * The committed events of one tenant schema from now on, and the position they start after
   * (for a subscriber's catch-up from its Last-Event-ID up to there).
   */
  async subscribe(schema: string): Promise<{ events: Observable<DomainEvent>; position: bigint }> {
    const feed = this.feed(schema);
    await feed.ready;
    return { events: feed.stream.asObservable(), position: feed.position };
  }

  private feed(schema: string): TenantFeed {
    let feed = this.feeds.get(schema);
    if (!feed) {
      const created: TenantFeed = {
        stream: new Subject<DomainEvent>(),
        position: 0n,
        again: false,
        ready: this.dataSource
          .query(`SELECT coalesce(max(id), 0)::text AS id FROM "${schema}".audit_events`)
          .then((rows: { id: string }[]) => {
            created.position = BigInt(rows[0].id);
          }),
      };
      created.ready.catch(() => this.feeds.delete(schema));
      this.feeds.set(schema, created);
      feed = created;
    }
    return feed;
  }

  /** Reads the outbox of a schema that has subscribers; concurrent calls coalesce into one more read. */
  private read(schema: string): void {
    const feed = this.feeds.get(schema);
    if (!feed || this.closed) return;
    if (feed.reading) {
      feed.again = true;
      return;
    }
    feed.reading = feed.ready
      .then(() => this.readOnce(schema, feed))
      .catch((error: unknown) =>
        this.logger.warn(`Reading the outbox of ${schema} failed: ${String(error)}`),
      )
      .finally(() => {
        feed.reading = undefined;
        if (feed.again) {
          feed.again = false;
          this.read(schema);
        }
      });
  }

  private async readOnce(schema: string, feed: TenantFeed): Promise<void> {
    for (;;) {
      const rows = (await this.dataSource.query(
        `SELECT e.*, pg_snapshot_xmin(s.snapshot)::text AS horizon_xmin, pg_snapshot_xmax(s.snapshot)::text AS horizon_xmax
           FROM (SELECT pg_current_snapshot() AS snapshot) s
           JOIN "${schema}".audit_events e ON e.id > $1
          ORDER BY e.id LIMIT ${BATCH}`,
        [feed.position.toString()],
      )) as (AuditEventRow & { horizon_xmin: string; horizon_xmax: string })[];
      for (const row of rows) {
        const id = BigInt(row.id);
        if (id !== feed.position + 1n && !this.gapClosed(schema, feed, row)) {
          // Wait for the hole to fill (a transaction committing) or to be known permanent.
          setTimeout(() => this.read(schema), 20).unref();
          return;
        }
        feed.gap = undefined;
        feed.position = id;
        const event = toDomainEvent(row);
        if (event) feed.stream.next(event);
      }
      if (rows.length < BATCH) return;
    }
  }

  private gapClosed(
    schema: string,
    feed: TenantFeed,
    row: { horizon_xmin: string; horizon_xmax: string },
  ): boolean {
    if (!feed.gap || feed.gap.after !== feed.position) {
      feed.gap = { after: feed.position, xmax: BigInt(row.horizon_xmax), since: Date.now() };
      return false;
    }
    if (BigInt(row.horizon_xmin) >= feed.gap.xmax) return true;
    if (Date.now() - feed.gap.since > GAP_GIVE_UP_MILLISECONDS) {
      this.logger.warn(
        `Outbox of ${schema}: ids after ${feed.position} still missing after ${GAP_GIVE_UP_MILLISECONDS} ms; moving on`,
      );
      return true;
    }
    return false;
  }

  // ---- wake-ups across instances ----

  private async listen(): Promise<void> {
    const client = new Client({
      connectionString: this.config.DATABASE_URL,
      application_name: 'dispatch-events',
      ...(this.dataSource.options.type === 'postgres' && this.dataSource.options.ssl
        ? { ssl: this.dataSource.options.ssl as ClientConfig['ssl'] }
        : {}),
    });
    client.on('notification', (message) => {
      // Its own wake-ups (sent on this connection) come back too: this instance read already.
      // (@types/pg omits the backend's process id that node-postgres keeps on the client.)
      if (message.processId === (client as Client & { processID?: number }).processID) return;
      const schema = message.payload ?? '';
      if (!SCHEMA_PATTERN.test(schema)) return;
      this.read(schema);
      this.remoteWakes.next(schema);
    });
    client.on('error', (error) => {
      this.logger.warn(`Outbox wake-up connection lost: ${error.message}`);
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    await client.connect();
    await client.query(`LISTEN ${WAKE_CHANNEL}`);
    this.listener = client;
    // Anything committed while nobody was listening.
    for (const schema of this.feeds.keys()) this.read(schema);
  }

  private reconnect(lost: Client | undefined): void {
    if (this.closed || this.listener !== lost) return;
    this.listener = undefined;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      this.listen().catch((error: unknown) => {
        this.logger.warn(`Outbox wake-up reconnect failed: ${String(error)}`);
        this.reconnect(undefined);
      });
    }, 1_000);
    this.retry.unref();
  }

  /** One wake-up per tenant per few milliseconds, however many transactions committed. */
  private wakeOthers(schema: string): void {
    if (this.wakeTimers.has(schema) || !this.listener) return;
    this.wakeTimers.set(
      schema,
      setTimeout(() => {
        this.wakeTimers.delete(schema);
        // One query at a time on the listening connection.
        this.waking = this.waking
          .then(() => this.listener?.query(`SELECT pg_notify($1, $2)`, [WAKE_CHANNEL, schema]))
          .then(() => undefined)
          .catch((error: unknown) => this.logger.warn(`Outbox wake-up failed: ${String(error)}`));
      }, this.config.OUTBOX_WAKE_COALESCE_MILLISECONDS),
    );
  }
}
