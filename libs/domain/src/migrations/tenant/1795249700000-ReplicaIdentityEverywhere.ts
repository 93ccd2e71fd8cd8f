import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every tenant table gets a replica identity, so that logical replication can carry its UPDATEs
 * and DELETEs. On Citus a tenant's schema moves to another worker (`citus_schema_move`,
 * tools/citus/move-tenant.ts) by logical replication while the tenant keeps working; PostgreSQL
 * refuses an UPDATE or DELETE on a table without a replica identity while a publication covers
 * it, so the two tables without a primary key would fail during a move:
 * - `webhook_fanout`, the one-row position of the webhook fan-out, which the delivery worker
 *   updates all the time for a tenant with subscriptions;
 * - TypeORM's `typeorm_metadata` (generated columns), written only by migrations.
 * Both are tiny: FULL (the whole old row identifies it) costs nothing there. On plain PostgreSQL
 * nothing else changes.
 */
export class ReplicaIdentityEverywhere1795249700000 implements MigrationInterface {
  name = 'ReplicaIdentityEverywhere1795249700000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE webhook_fanout REPLICA IDENTITY FULL`);
    await queryRunner.query(`ALTER TABLE IF EXISTS typeorm_metadata REPLICA IDENTITY FULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE IF EXISTS typeorm_metadata REPLICA IDENTITY DEFAULT`);
    await queryRunner.query(`ALTER TABLE webhook_fanout REPLICA IDENTITY DEFAULT`);
  }
}
