import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { Observable, Subject } from 'rxjs';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../core/config/app-config';
import type { AuditEventView } from '../audit/dto/audit.dto';
import { type AuditEventRow, auditRowToView } from './audit-row';

const CHANNEL = 'dispatch_events';
const SCHEMA_PATTERN = /^tenant_[a-z0-9_]{1,40}$/;

/**
 * Fans the tenants' committed changes out to this instance's live subscribers. A trigger announces
 * every committed audit event on a PostgreSQL channel; each API instance LISTENs on its own
 * connection, so a change made through any instance reaches subscribers of every instance.
 */
@Injectable()
export class EventHub implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventHub.name);
  private readonly streams = new Map<string, Subject<AuditEventView>>();
  private readonly pending = new Map<string, Set<string>>();
  /** Last event id delivered per schema: where to catch up from after a lost connection. */
  private readonly lastDelivered = new Map<string, bigint>();
  private listener: Client | undefined;
  private flushing: Promise<void> | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    for (const stream of this.streams.values()) stream.complete();
    await this.listener?.end().catch(() => undefined);
  }

  /** Committed audit events of one tenant schema, as they happen. */
  events(schema: string): Observable<AuditEventView> {
    let stream = this.streams.get(schema);
    if (!stream) {
      stream = new Subject<AuditEventView>();
      this.streams.set(schema, stream);
    }
    return stream.asObservable();
  }

  private async listen(): Promise<void> {
    const client = new Client({
      connectionString: this.config.DATABASE_URL,
      application_name: 'dispatch-events',
    });
    client.on('notification', (message) => this.enqueue(message.payload ?? ''));
    client.on('error', (error) => {
      this.logger.warn(`Event listener connection lost: ${error.message}`);
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
  }

  private reconnect(lost: Client): void {
    if (this.closed || this.listener !== lost) return;
    this.listener = undefined;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      this.listen()
        .then(() => this.catchUp())
        .catch((error: unknown) => {
          this.logger.warn(`Event listener reconnect failed: ${String(error)}`);
          this.listener = lost;
          this.reconnect(lost);
        });
    }, 1_000);
  }

  /** After a reconnect: everything committed while nobody was listening. */
  private async catchUp(): Promise<void> {
    for (const [schema, last] of this.lastDelivered) {
      const rows = (await this.dataSource.query(
        `SELECT * FROM "${schema}".audit_events WHERE id > $1 ORDER BY id LIMIT 5000`,
        [last.toString()],
      )) as AuditEventRow[];
      this.deliver(schema, rows);
    }
  }

  private enqueue(payload: string): void {
    const [schema, id] = payload.split(':');
    if (
      !SCHEMA_PATTERN.test(schema) ||
      !/^\d+$/.test(id ?? '') ||
      !this.streams.get(schema)?.observed
    )
      return;
    const ids = this.pending.get(schema) ?? new Set<string>();
    ids.add(id);
    this.pending.set(schema, ids);
    this.scheduleFlush();
  }

  /** Notifications arriving together are read together, on the next turn of the event loop. */
  private scheduleFlush(): void {
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.flush())
      .catch((error: unknown) => this.logger.error({ err: error }, 'Event fan-out failed'))
      .finally(() => {
        this.flushing = undefined;
        if (this.pending.size > 0) this.scheduleFlush();
      });
  }

  /** Reads the announced events in batches (one query per tenant) and hands them to subscribers. */
  private async flush(): Promise<void> {
    const batch = [...this.pending];
    this.pending.clear();
    for (const [schema, ids] of batch) {
      const rows = (await this.dataSource.query(
        `SELECT * FROM "${schema}".audit_events WHERE id = ANY($1::bigint[]) ORDER BY id`,
        [[...ids]],
      )) as AuditEventRow[];
      this.deliver(schema, rows);
    }
  }

  private deliver(schema: string, rows: AuditEventRow[]): void {
    const stream = this.streams.get(schema);
    for (const row of rows) {
      const id = BigInt(row.id);
      if (id > (this.lastDelivered.get(schema) ?? 0n)) this.lastDelivered.set(schema, id);
      stream?.next(auditRowToView(row));
    }
  }
}
