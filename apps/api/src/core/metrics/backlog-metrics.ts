import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Pool } from 'pg';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import {
  type Backlog,
  backlogOf,
  type BacklogRow,
  backlogSql,
  emptyBacklog,
  TENANT_SCHEMAS_SQL,
} from './backlog-sql';
import { CachedReading } from './cached-reading';
import { applicationPoolOf, type PoolStatistics } from './database-pools';
import { MetricsRegistry } from './metrics-registry';

/** Scrapes closer together than this share one read. */
const READ_EVERY_MILLISECONDS = 5_000;
/** Tenants are provisioned rarely; a new one is counted within this long. */
const SCHEMAS_EVERY_MILLISECONDS = 30_000;
/** A statement that takes longer is given up: the last values are served instead. */
const TIMEOUT_MILLISECONDS = 2_000;

/**
 * `dispatch_queue_depth{priority}`, `dispatch_outbox_backlog` and `dispatch_webhook_backlog{state}`,
 * summed over every tenant by one statement per read, read at scrape time. The statement runs on
 * a one-connection pool of its own, so a scrape neither waits for nor takes a connection that
 * requests need when the instance is busiest — when these numbers matter most.
 */
@Injectable()
export class BacklogMetrics implements OnApplicationShutdown {
  private readonly logger = new Logger(BacklogMetrics.name);
  private pool: Pool | undefined;
  private schemas: { names: string[]; until: number } | undefined;

  constructor(
    metrics: MetricsRegistry,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    const backlog = new CachedReading(() => this.read(), {
      maxAgeMilliseconds: READ_EVERY_MILLISECONDS,
      initial: emptyBacklog(),
      onFailure: (error) =>
        this.logger.warn(`Backlog metrics unreadable, serving the last values: ${String(error)}`),
      onRecovery: () => this.logger.log('Backlog metrics readable again'),
    });
    const registers = [metrics.registry];
    new Gauge({
      name: 'dispatch_queue_depth',
      help: 'Work orders waiting in the queue (scheduled ones included), all tenants, by priority',
      labelNames: ['priority'],
      registers,
      async collect() {
        const { queued } = await backlog.get();
        for (const [priority, count] of Object.entries(queued)) this.set({ priority }, count);
      },
    });
    new Gauge({
      name: 'dispatch_outbox_backlog',
      help: 'Domain events committed but not yet fanned out to webhook subscriptions, all tenants',
      registers,
      async collect() {
        this.set((await backlog.get()).outbox);
      },
    });
    new Gauge({
      name: 'dispatch_webhook_backlog',
      help: 'Webhook deliveries not yet delivered, all tenants: never tried yet (pending) or failed and due again (retrying)',
      labelNames: ['state'],
      registers,
      async collect() {
        const { webhooks } = await backlog.get();
        for (const [state, count] of Object.entries(webhooks)) this.set({ state }, count);
      },
    });
  }

  /** The pool the reads run on, once a scrape opened it. */
  get connections(): PoolStatistics | undefined {
    return this.pool;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.end();
  }

  private async read(): Promise<Backlog> {
    const pool = this.open();
    const sql = backlogSql(await this.tenantSchemas(pool));
    if (!sql) return emptyBacklog();
    try {
      return backlogOf((await pool.query<BacklogRow>(sql)).rows);
    } catch (error) {
      // A tenant's schema may have gone meanwhile: list them again next time.
      this.schemas = undefined;
      throw error;
    }
  }

  private async tenantSchemas(pool: Pool): Promise<string[]> {
    if (this.schemas && this.schemas.until > Date.now()) return this.schemas.names;
    const { rows } = await pool.query<{ schema_name: string }>(TENANT_SCHEMAS_SQL);
    this.schemas = {
      names: rows.map((row) => row.schema_name),
      until: Date.now() + SCHEMAS_EVERY_MILLISECONDS,
    };
    return this.schemas.names;
  }

  private open(): Pool {
    if (!this.pool) {
      // The application's own pool (typeorm's driver) knows where and how to connect.
      const application = applicationPoolOf(this.dataSource);
      if (!application) throw new Error('The database connection is not initialized');
      this.pool = new Pool({
        ...application.options,
        max: 1,
        application_name: 'dispatch-metrics',
        connectionTimeoutMillis: TIMEOUT_MILLISECONDS,
        statement_timeout: TIMEOUT_MILLISECONDS,
        // Only for a server that stopped answering: PostgreSQL's own timeout leaves the connection clean.
        query_timeout: TIMEOUT_MILLISECONDS + 1_000,
        // Kept between scrapes (Prometheus scrapes every 15–60 s), closed when scrapes stop.
        idleTimeoutMillis: 120_000,
      });
      this.pool.on('error', () => undefined); // an idle connection lost: the pool replaces it
    }
    return this.pool;
  }
}
