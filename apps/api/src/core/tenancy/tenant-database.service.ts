import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError, tenantSchemaName } from '@dispatch/domain';
import type { Readable } from 'node:stream';
import { Pool, type PoolClient, type QueryResult } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { EventOutbox } from '../events/event-outbox.service';
import { currentIdempotencyClaim } from '../idempotency/idempotency-context';
import type { PoolStatistics } from '../metrics/database-pools';

/**
 * Serves the queue for transactions that free capacity (the dispatch engine): its opening
 * statements take whatever serving needs before any row lock; `afterWork` serves, last.
 */
export interface QueueServer {
  /** Statements sent with BEGIN, before the work takes any row lock. */
  readonly openingStatements: readonly string[];
  /** From the rows of the last opening statement: whether the queue must be served after the work. */
  mustServe(rows: Record<string, unknown>[]): boolean;
  afterWork(manager: EntityManager, trigger: Pick<Actor, 'tenant' | 'requestId'>): Promise<void>;
}

/** Connections for bookkeeping statements (idempotency keys), beside the application's pool. */
const BOOKKEEPING_POOL_SIZE = 4;

/** node-postgres answers a multi-statement query with one result per statement. */
function toResultList(result: QueryResult | QueryResult[]): QueryResult[] {
  return Array.isArray(result) ? result : [result];
}

export interface TransactionOptions {
  /**
   * The work may free capacity (a unit back, a driver on duty, a dispatch closed, an order
   * edited …): the queue is served in the same transaction, after the work.
   */
  servesQueue?: boolean;
  /** More statements to send with BEGIN (e.g. the engine's fast-path savepoint). */
  opening?: readonly string[];
  /**
   * Bookkeeping that may be lost in a database crash without harm (webhook delivery state: at
   * worst a message is sent again): the commit does not wait for the WAL flush.
   */
  asyncCommit?: boolean;
}

/**
 * The transaction's connection closed under it (PostgreSQL stopped, the network cut): the
 * transaction is gone with it — PostgreSQL rolls back what a lost session had not committed.
 * SQLSTATE 08006, connection failure, so it is answered as the database being unavailable.
 */
export class DatabaseConnectionLost extends Error {
  readonly code = '08006';

  constructor(cause: unknown) {
    super(`The database connection was lost mid-transaction: ${String(cause)}`, { cause });
  }
}

/**
 * The only door to tenant data: runs work in one transaction whose search_path is the caller's
 * tenant schema. `SET LOCAL` semantics (set_config(..., true)) end with the transaction, so a
 * pooled connection never carries one tenant's schema into another tenant's request.
 */
@Injectable()
export class TenantDatabase implements OnApplicationShutdown {
  private queueServer: QueueServer | undefined;
  private bookkeeping: Pool | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: EventOutbox,
  ) {}

  /** The dispatch engine registers itself here: it alone knows how the queue is served. */
  useQueueServer(server: QueueServer): void {
    this.queueServer = server;
  }

  /**
   * Runs `work` in one transaction in the caller's tenant schema. Events the work appends to the
   * outbox are written last, in the same round trip as the COMMIT, and announced after it. With
   * `servesQueue`, the queue server takes its locks first and serves the queue after the work, in
   * the same transaction.
   *
   * Round trips matter more than anything else here: BEGIN and the search_path (and the queue
   * server's opening statements) go as one simple-protocol message, and so do the outbox insert
   * and COMMIT. PostgreSQL runs each statement of such a message with a fresh snapshot.
   */
  async transaction<T>(
    actor: Pick<Actor, 'tenant'> & Partial<Actor>,
    work: (manager: EntityManager) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    const schema = tenantSchemaName(actor.tenant);
    const server = options.servesQueue ? this.queueServer : undefined;
    if (options.servesQueue && !server) throw new Error('No queue server is registered');
    const runner = this.dataSource.createQueryRunner();
    // typeorm types the driver's connection as any: it is node-postgres' pooled client.
    const client = (await runner.connect()) as PoolClient;
    const manager = runner.manager;
    let open = false;
    // typeorm gives up a runner whose connection fails, and the work's next query then fails
    // with its own error: knowing the connection went lets the caller hear "unavailable" (503).
    let connectionLost = false;
    const onConnectionLost = () => (connectionLost = true);
    client.on('error', onConnectionLost).on('end', onConnectionLost);
    this.outbox.open(manager);
    try {
      const opening = [`BEGIN`, `SELECT set_config('search_path', '"${schema}"', true)`];
      if (server) opening.push(...server.openingStatements);
      opening.push(...(options.opening ?? []));
      if (options.asyncCommit) opening.push(`SET LOCAL synchronous_commit = off`);
      const results = toResultList(await client.query(opening.join('; ')));
      open = true;
      // typeorm's own writes (save) must join this transaction instead of starting their own.
      (runner as { isTransactionActive: boolean }).isTransactionActive = true;
      const serve = server
        ? server.mustServe(results[1 + server.openingStatements.length].rows)
        : false;
      const value = await work(manager);
      if (serve && server)
        await server.afterWork(manager, { tenant: actor.tenant, requestId: actor.requestId ?? '' });
      const flush = this.outbox.flushStatement(manager, (text) => client.escapeLiteral(text));
      const idempotency = flush ? currentIdempotencyClaim() : undefined;
      if (idempotency) await this.markIdempotencyKey(client, idempotency, value);
      await client.query(flush ? `${flush}; COMMIT` : 'COMMIT');
      open = false;
      if (idempotency) idempotency.committed = true;
      if (flush) this.outbox.announce(schema);
      return value;
    } catch (error) {
      if (connectionLost) throw new DatabaseConnectionLost(error);
      if (open) await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', onConnectionLost).off('end', onConnectionLost);
      (runner as { isTransactionActive: boolean }).isTransactionActive = false;
      this.outbox.discard(manager);
      await runner.release();
    }
  }

  /**
   * A request with an Idempotency-Key: the transaction that writes its work also records, under
   * the row lock, that the key's work is done (and its result, should the answer be lost). Should
   * a retry have taken the key over meanwhile, the work is rolled back instead of done twice.
   */
  private async markIdempotencyKey(
    client: PoolClient,
    idempotency: { key: string; claim: string },
    value: unknown,
  ): Promise<void> {
    const marked = await client.query(
      `UPDATE idempotency_keys SET committed = true, response_body = $3::jsonb
        WHERE key = $1 AND claim = $2`,
      [idempotency.key, idempotency.claim, JSON.stringify(value ?? null)],
    );
    if (marked.rowCount === 0) {
      throw new DomainError(
        'CONFLICT',
        'Another request with this Idempotency-Key took over; this one was rolled back',
      );
    }
  }

  /**
   * One statement on its own, for bookkeeping around business transactions (idempotency keys):
   * autocommit, one round trip, on a small pool of its own whose commits do not wait for the WAL
   * flush. Safe where a record lost in a database crash does no harm because the business
   * transaction that matters commits durably after it (its flush carries the earlier record too)
   * or rewrites it. `sql` receives the tenant's quoted schema name to qualify its tables with.
   */
  async statement<T>(
    actor: Pick<Actor, 'tenant'>,
    sql: (schema: string) => string,
    parameters: unknown[],
  ): Promise<T[]> {
    const schema = `"${tenantSchemaName(actor.tenant)}"`;
    return (await this.bookkeepingPool().query(sql(schema), parameters)).rows as T[];
  }

  /** The bookkeeping pool's connections (for metrics), once a statement opened it. */
  get bookkeepingConnections(): PoolStatistics | undefined {
    return this.bookkeeping;
  }

  private bookkeepingPool(): Pool {
    if (!this.bookkeeping) {
      // The application's own pool (typeorm's driver) knows where and how to connect.
      const application = (this.dataSource.driver as unknown as { master: Pool }).master;
      this.bookkeeping = new Pool({
        ...application.options,
        max: BOOKKEEPING_POOL_SIZE,
        application_name: 'dispatch-bookkeeping',
        options: '-c synchronous_commit=off',
      });
      this.bookkeeping.on('error', () => undefined); // an idle connection lost: the pool replaces it
    }
    return this.bookkeeping;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bookkeeping?.end();
  }

  /**
   * Streams the rows of one read-only query through a server-side cursor, so an export of
   * millions of rows never sits in memory. The connection is held in a REPEATABLE READ
   * transaction (one consistent snapshot) until the stream closes: when it ends, fails, or is
   * destroyed because the client went away, the transaction is rolled back and the connection
   * returned to the pool. The caller must consume or destroy the stream.
   */
  async stream(
    actor: Pick<Actor, 'tenant'>,
    sql: string,
    parameters: unknown[],
  ): Promise<Readable> {
    const schema = tenantSchemaName(actor.tenant);
    const runner = this.dataSource.createQueryRunner();
    const finish = async () => {
      try {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
      } finally {
        await runner.release();
      }
    };
    try {
      await runner.connect();
      await runner.startTransaction('REPEATABLE READ');
      await runner.query(`SET TRANSACTION READ ONLY`);
      await runner.query(`SELECT set_config('search_path', $1, true)`, [`"${schema}"`]);
      // typeorm declares fs.ReadStream; pg-query-stream returns a plain object-mode Readable.
      const rows = (await runner.stream(sql, parameters)) as unknown as Readable;
      // A failed rollback (the connection broke) still releases it; nothing else to do then.
      rows.once('close', () => finish().catch(() => undefined));
      return rows;
    } catch (error) {
      await finish();
      throw error;
    }
  }
}
