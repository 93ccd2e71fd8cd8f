import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `current_change_xid()` becomes STABLE (it was VOLATILE). Its value cannot change within a
 * transaction: `pg_current_xact_id()` assigns the transaction's id on the first call and returns
 * that id from then on. Citus refuses VOLATILE functions in an UPDATE of a distributed table
 * ("functions used in UPDATE queries on distributed tables must not be VOLATILE"), which every
 * statement that changes a work order is (it sets `change_xid`); a STABLE one it evaluates once
 * on the coordinator, as it does a column default of an INSERT. So on Citus every `change_xid` is
 * a coordinator transaction id, and the change feed's horizon is read there too
 * (`CHANGE_HORIZON_SQL`, in a statement of its own). Plain PostgreSQL behaves as before.
 */
export class StableChangeXid1795249600000 implements MigrationInterface {
  name = 'StableChangeXid1795249600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER FUNCTION current_change_xid() STABLE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER FUNCTION current_change_xid() VOLATILE`);
  }
}
