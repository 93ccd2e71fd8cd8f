import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The history the reports are computed from, kept by the database itself so that every path that
 * books, re-assigns or frees a unit (the engine's single statements, manual dispatch, seeds) leaves
 * the same record:
 *
 * - `assignment_periods`: who (unit and driver) held a dispatch from when to when. A re-assignment
 *   closes one period and opens the next, so a unit's and a driver's time stay exact.
 * - `equipment_status_periods`: when a unit was in maintenance or retired.
 * - `work_orders.dispatched_at` / `on_site_at`: the first dispatch and the first arrival, so the
 *   completion and queue reports read one table.
 *
 * Written by hand: TypeORM does not generate triggers.
 */
export class ReportingHistory1795244000000 implements MigrationInterface {
  name = 'ReportingHistory1795244000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE assignment_periods (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        dispatch_id uuid NOT NULL REFERENCES dispatches (id) ON DELETE CASCADE,
        equipment_id uuid NOT NULL REFERENCES equipment (id) ON DELETE RESTRICT,
        driver_id uuid NOT NULL REFERENCES drivers (id) ON DELETE RESTRICT,
        site_id uuid NOT NULL REFERENCES sites (id) ON DELETE RESTRICT,
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        end_reason varchar(20) CONSTRAINT assignment_periods_end_reason_valid
          CHECK (end_reason IN ('completed', 'cancelled', 'reassigned')),
        CONSTRAINT assignment_periods_ordered CHECK (ended_at IS NULL OR ended_at >= started_at),
        CONSTRAINT assignment_periods_end_explained CHECK ((ended_at IS NULL) = (end_reason IS NULL)))`);
    // Reports ask "which periods overlap [from, to)": a range index answers that for any range.
    await queryRunner.query(
      `CREATE INDEX assignment_periods_span_idx ON assignment_periods USING gist (tstzrange(started_at, ended_at, '[)'))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX assignment_periods_one_open_per_dispatch ON assignment_periods (dispatch_id) WHERE ended_at IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE equipment_status_periods (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        equipment_id uuid NOT NULL REFERENCES equipment (id) ON DELETE CASCADE,
        status varchar(20) NOT NULL CONSTRAINT equipment_status_periods_status_valid
          CHECK (status IN ('maintenance', 'retired')),
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        CONSTRAINT equipment_status_periods_ordered CHECK (ended_at IS NULL OR ended_at >= started_at))`);
    await queryRunner.query(
      `CREATE INDEX equipment_status_periods_equipment_idx ON equipment_status_periods (equipment_id, started_at)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX equipment_status_periods_one_open ON equipment_status_periods (equipment_id) WHERE ended_at IS NULL`,
    );
    await queryRunner.query(`
      ALTER TABLE work_orders
        ADD COLUMN dispatched_at timestamptz,
        ADD COLUMN on_site_at timestamptz`);
    await queryRunner.query(`CREATE INDEX work_orders_created_at_idx ON work_orders (created_at)`);

    await queryRunner.query(`
      CREATE FUNCTION record_assignment_start() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        order_site uuid;
        closed boolean := NEW.status IN ('completed', 'cancelled');
      BEGIN
        UPDATE work_orders
           SET dispatched_at = least(coalesce(dispatched_at, NEW.assigned_at), NEW.assigned_at),
               on_site_at = coalesce(on_site_at, NEW.on_site_at)
         WHERE id = NEW.work_order_id
        RETURNING site_id INTO order_site;
        INSERT INTO assignment_periods
               (dispatch_id, equipment_id, driver_id, site_id, started_at, ended_at, end_reason)
        VALUES (NEW.id, NEW.equipment_id, NEW.driver_id, order_site, NEW.assigned_at,
                CASE WHEN closed THEN greatest(coalesce(NEW.completed_at, NEW.cancelled_at, now()), NEW.assigned_at) END,
                CASE WHEN closed THEN NEW.status END);
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION record_assignment_change() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        was_open boolean := OLD.status NOT IN ('completed', 'cancelled');
        is_open boolean := NEW.status NOT IN ('completed', 'cancelled');
        period_site uuid;
      BEGIN
        IF was_open AND (NOT is_open OR NEW.equipment_id <> OLD.equipment_id OR NEW.driver_id <> OLD.driver_id) THEN
          UPDATE assignment_periods
             SET ended_at = greatest(CASE WHEN is_open THEN now()
                                          ELSE coalesce(NEW.completed_at, NEW.cancelled_at, now()) END,
                                     started_at),
                 end_reason = CASE WHEN is_open THEN 'reassigned' ELSE NEW.status END
           WHERE dispatch_id = NEW.id AND ended_at IS NULL
          RETURNING site_id INTO period_site;
          IF is_open THEN
            INSERT INTO assignment_periods (dispatch_id, equipment_id, driver_id, site_id, started_at)
            VALUES (NEW.id, NEW.equipment_id, NEW.driver_id, period_site, now());
          END IF;
        END IF;
        IF NEW.on_site_at IS NOT NULL AND OLD.on_site_at IS NULL THEN
          UPDATE work_orders SET on_site_at = NEW.on_site_at
           WHERE id = NEW.work_order_id AND on_site_at IS NULL;
        END IF;
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER dispatches_assignment_start AFTER INSERT ON dispatches
      FOR EACH ROW EXECUTE FUNCTION record_assignment_start()`);
    await queryRunner.query(`
      CREATE TRIGGER dispatches_assignment_change AFTER UPDATE OF status, equipment_id, driver_id, on_site_at
      ON dispatches FOR EACH ROW EXECUTE FUNCTION record_assignment_change()`);

    await queryRunner.query(`
      CREATE FUNCTION record_equipment_status() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          IF NEW.status = OLD.status THEN
            RETURN NULL;
          END IF;
          UPDATE equipment_status_periods SET ended_at = greatest(now(), started_at)
           WHERE equipment_id = NEW.id AND ended_at IS NULL;
        END IF;
        IF NEW.status IN ('maintenance', 'retired') THEN
          INSERT INTO equipment_status_periods (equipment_id, status, started_at)
          VALUES (NEW.id, NEW.status, CASE WHEN TG_OP = 'INSERT' THEN NEW.created_at ELSE now() END);
        END IF;
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER equipment_status_history AFTER INSERT OR UPDATE OF status ON equipment
      FOR EACH ROW EXECUTE FUNCTION record_equipment_status()`);

    // The history so far, as well as it can be known: re-assignments before this migration
    // are credited to the dispatch's current unit and driver.
    await queryRunner.query(`
      INSERT INTO assignment_periods
             (dispatch_id, equipment_id, driver_id, site_id, started_at, ended_at, end_reason)
      SELECT d.id, d.equipment_id, d.driver_id, o.site_id, d.assigned_at,
             CASE WHEN d.status IN ('completed', 'cancelled')
                  THEN greatest(coalesce(d.completed_at, d.cancelled_at, d.updated_at), d.assigned_at) END,
             CASE WHEN d.status IN ('completed', 'cancelled') THEN d.status END
        FROM dispatches d JOIN work_orders o ON o.id = d.work_order_id`);
    await queryRunner.query(`
      UPDATE work_orders o SET dispatched_at = d.assigned_at, on_site_at = d.on_site_at
        FROM (SELECT work_order_id, min(assigned_at) AS assigned_at, min(on_site_at) AS on_site_at
                FROM dispatches GROUP BY work_order_id) d
       WHERE d.work_order_id = o.id`);
    await queryRunner.query(`
      INSERT INTO equipment_status_periods (equipment_id, status, started_at)
      SELECT id, status, updated_at FROM equipment WHERE status IN ('maintenance', 'retired')`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER equipment_status_history ON equipment`);
    await queryRunner.query(`DROP FUNCTION record_equipment_status()`);
    await queryRunner.query(`DROP TRIGGER dispatches_assignment_change ON dispatches`);
    await queryRunner.query(`DROP TRIGGER dispatches_assignment_start ON dispatches`);
    await queryRunner.query(`DROP FUNCTION record_assignment_change()`);
    await queryRunner.query(`DROP FUNCTION record_assignment_start()`);
    await queryRunner.query(`DROP INDEX work_orders_created_at_idx`);
    await queryRunner.query(
      `ALTER TABLE work_orders DROP COLUMN on_site_at, DROP COLUMN dispatched_at`,
    );
    await queryRunner.query(`DROP TABLE equipment_status_periods`);
    await queryRunner.query(`DROP TABLE assignment_periods`);
  }
}
