import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { tenantSchemaName } from '@dispatch/domain';
import type { Readable } from 'node:stream';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { EventOutbox } from '../events/event-outbox.service';

/**
 * Serves the queue for transactions that free capacity (the dispatch engine): `beforeWork` runs
 * first and takes whatever serving needs before any row lock; `afterWork` serves, last.
 */
export interface QueueServer {
  /** Returns whether the queue must be served at the end of this transaction. */
  beforeWork(manager: EntityManager): Promise<boolean>;
  afterWork(manager: EntityManager, actor: Actor): Promise<void>;
}

export interface TransactionOptions {
  /**
   * The work may free capacity (a unit back, a driver on duty, a dispatch closed, an order
   * edited …): the queue is served in the same transaction, after the work.
   */
  servesQueue?: boolean;
}

/**
 * The only door to tenant data: runs work in one transaction whose search_path is the caller's
 * tenant schema. `SET LOCAL` semantics (set_config(..., true)) end with the transaction, so a
 * pooled connection never carries one tenant's schema into another tenant's request.
 */
@Injectable()
export class TenantDatabase {
  private queueServer: QueueServer | undefined;

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
   * outbox are written last, in one statement, and announced after the commit. With
   * `servesQueue`, the queue is served after the work, in the same transaction.
   */
  async transaction<T>(
    actor: Pick<Actor, 'tenant'> & Partial<Actor>,
    work: (manager: EntityManager) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    const schema = tenantSchemaName(actor.tenant);
    const server = options.servesQueue ? this.queueServer : undefined;
    if (options.servesQueue && !server) throw new Error('No queue server is registered');
    let wrote = 0;
    const result = await this.dataSource.transaction(async (manager) => {
      this.outbox.open(manager);
      try {
        await manager.query(`SELECT set_config('search_path', $1, true)`, [`"${schema}"`]);
        const serve = server ? await server.beforeWork(manager) : false;
        const value = await work(manager);
        if (serve && server) await server.afterWork(manager, actor as Actor);
        wrote = await this.outbox.flush(manager);
        return value;
      } finally {
        this.outbox.discard(manager);
      }
    });
    if (wrote > 0) this.outbox.announce(schema);
    return result;
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
