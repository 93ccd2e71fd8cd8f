import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { tenantSchemaName } from '@dispatch/domain';
import type { Readable } from 'node:stream';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';

/**
 * The only door to tenant data: runs work in one transaction whose search_path is the caller's
 * tenant schema. `SET LOCAL` semantics (set_config(..., true)) end with the transaction, so a
 * pooled connection never carries one tenant's schema into another tenant's request.
 */
@Injectable()
export class TenantDatabase {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(
    actor: Pick<Actor, 'tenant'>,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    const schema = tenantSchemaName(actor.tenant);
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('search_path', $1, true)`, [`"${schema}"`]);
      return work(manager);
    });
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
