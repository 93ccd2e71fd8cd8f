import type { MigrationInterface, QueryRunner } from 'typeorm';

const OPEN = `status IN ('queued', 'dispatched')`;

/**
 * What an ERP needs to keep its orders in step without mapping our ids (issue 11):
 *
 * - A work order's `external_ref` is unique among the tenant's open (queued or dispatched) orders
 *   only, so the ERP may reuse its key once an order is completed or cancelled. A plain partial
 *   index keeps `?externalRef=` fast over every order.
 * - Sites and equipment types get an optional `external_ref` (unique per tenant when set), so a
 *   work order may name them by the ERP's keys.
 * - `work_orders.change_xid`: the 64-bit id of the transaction that last changed the order
 *   (`current_change_xid()`, i.e. `pg_current_xact_id()` as bigint), indexed with the id, for the
 *   incremental sync's keyset walk (see `rules/change-feed.ts`). Adding the column with its
 *   volatile default rewrites the table and stamps every existing order with this migration's
 *   transaction, so existing orders are part of the feed from the start.
 */
export class ExternalRefSync1795249400000 implements MigrationInterface {
  name = 'ExternalRefSync1795249400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX work_orders_external_ref_unique`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX work_orders_external_ref_open_unique ON work_orders (external_ref) WHERE external_ref IS NOT NULL AND ${OPEN}`,
    );
    await queryRunner.query(
      `CREATE INDEX work_orders_external_ref_idx ON work_orders (external_ref) WHERE external_ref IS NOT NULL`,
    );
    for (const table of ['sites', 'equipment_types']) {
      await queryRunner.query(`ALTER TABLE ${table} ADD COLUMN external_ref varchar(100)`);
      await queryRunner.query(
        `CREATE UNIQUE INDEX ${table}_external_ref_unique ON ${table} (external_ref) WHERE external_ref IS NOT NULL`,
      );
    }
    // A plain SQL function: inlined by the planner, so it costs what pg_current_xact_id() costs.
    await queryRunner.query(`
      CREATE FUNCTION current_change_xid() RETURNS bigint LANGUAGE sql VOLATILE AS $$
        SELECT pg_current_xact_id()::text::bigint
      $$`);
    await queryRunner.query(
      `ALTER TABLE work_orders ADD COLUMN change_xid bigint NOT NULL DEFAULT current_change_xid()`,
    );
    await queryRunner.query(`CREATE INDEX work_orders_change_idx ON work_orders (change_xid, id)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX work_orders_change_idx`);
    await queryRunner.query(`ALTER TABLE work_orders DROP COLUMN change_xid`);
    await queryRunner.query(`DROP FUNCTION current_change_xid()`);
    for (const table of ['sites', 'equipment_types']) {
      await queryRunner.query(`DROP INDEX ${table}_external_ref_unique`);
      await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN external_ref`);
    }
    await queryRunner.query(`DROP INDEX work_orders_external_ref_idx`);
    await queryRunner.query(`DROP INDEX work_orders_external_ref_open_unique`);
    // Fails if a closed order shares its externalRef with another order: resolve those first.
    await queryRunner.query(
      `CREATE UNIQUE INDEX work_orders_external_ref_unique ON work_orders (external_ref) WHERE external_ref IS NOT NULL`,
    );
  }
}
