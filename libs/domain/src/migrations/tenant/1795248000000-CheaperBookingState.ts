import type { MigrationInterface, QueryRunner } from 'typeorm';

const OPEN = `status IN ('assigned', 'acknowledged', 'en_route', 'on_site')`;

/**
 * Two changes that make the engine's hot path cheap without weakening a single guarantee:
 *
 * - `dispatches.open` (generated from the status) carries the "one open dispatch per unit, driver
 *   and work order" indexes instead of the status itself. A step (assigned → acknowledged → …)
 *   then changes no indexed column, so PostgreSQL updates the row in place (HOT) instead of adding
 *   an entry to every index; the indexes still refuse any double booking. Pages keep room for that.
 * - Work orders and dispatches get time-ordered ids (UUID version 7, `uuid_v7()`, a plain SQL
 *   function): new rows land at the right edge of every index on their id instead of on a random
 *   page, so a busy tenant's indexes stay hot in memory and write far less after each checkpoint.
 * - Units and drivers count their assignments of the day (`assignments_today` for
 *   `assignments_day`): "least used today" no longer counts a unit's whole day of dispatches for
 *   every candidate of every match. The engine increments them in the statement that books.
 */
export class CheaperBookingState1795248000000 implements MigrationInterface {
  name = 'CheaperBookingState1795248000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // RFC 9562 version 7: 48 bits of Unix milliseconds, then random bits (version and variant set).
    await queryRunner.query(`
      CREATE FUNCTION uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
        SELECT encode(
          set_bit(set_bit(
            overlay(uuid_send(gen_random_uuid())
                    PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                    FROM 1 FOR 6),
            52, 1), 53, 1),
          'hex')::uuid
      $$`);
    for (const table of ['work_orders', 'dispatches']) {
      await queryRunner.query(`ALTER TABLE ${table} ALTER COLUMN id SET DEFAULT uuid_v7()`);
    }
    await queryRunner.query(
      `ALTER TABLE dispatches ADD COLUMN open boolean GENERATED ALWAYS AS (${OPEN}) STORED`,
    );
    for (const [name, column] of [
      ['dispatches_one_open_per_equipment', 'equipment_id'],
      ['dispatches_one_open_per_driver', 'driver_id'],
      ['dispatches_one_open_per_work_order', 'work_order_id'],
    ]) {
      await queryRunner.query(`DROP INDEX ${name}`);
      await queryRunner.query(`CREATE UNIQUE INDEX ${name} ON dispatches (${column}) WHERE open`);
    }
    await queryRunner.query(`ALTER TABLE dispatches SET (fillfactor = 80)`);
    for (const [table, column] of [
      ['equipment', 'equipment_id'],
      ['drivers', 'driver_id'],
    ]) {
      await queryRunner.query(`
        ALTER TABLE ${table}
          ADD COLUMN assignments_today integer NOT NULL DEFAULT 0,
          ADD COLUMN assignments_day date`);
      await queryRunner.query(`
        UPDATE ${table} t SET assignments_today = used.count, assignments_day = current_date
          FROM (SELECT ${column} AS id, count(*)::int AS count FROM dispatches
                 WHERE assigned_at >= date_trunc('day', now()) GROUP BY ${column}) used
         WHERE used.id = t.id`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['work_orders', 'dispatches']) {
      await queryRunner.query(`ALTER TABLE ${table} ALTER COLUMN id SET DEFAULT gen_random_uuid()`);
    }
    await queryRunner.query(`DROP FUNCTION uuid_v7()`);
    for (const table of ['equipment', 'drivers']) {
      await queryRunner.query(
        `ALTER TABLE ${table} DROP COLUMN assignments_today, DROP COLUMN assignments_day`,
      );
    }
    await queryRunner.query(`ALTER TABLE dispatches RESET (fillfactor)`);
    for (const [name, column] of [
      ['dispatches_one_open_per_equipment', 'equipment_id'],
      ['dispatches_one_open_per_driver', 'driver_id'],
      ['dispatches_one_open_per_work_order', 'work_order_id'],
    ]) {
      await queryRunner.query(`DROP INDEX ${name}`);
      await queryRunner.query(
        `CREATE UNIQUE INDEX ${name} ON dispatches (${column}) WHERE ${OPEN}`,
      );
    }
    await queryRunner.query(`ALTER TABLE dispatches DROP COLUMN open`);
  }
}
