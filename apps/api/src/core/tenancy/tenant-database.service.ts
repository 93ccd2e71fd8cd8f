import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { tenantSchemaName } from '@dispatch/domain';
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
}
