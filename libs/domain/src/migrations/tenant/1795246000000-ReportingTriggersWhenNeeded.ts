import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reporting-history triggers of migration 5 ran their function on every dispatch step and on
 * every unit's available ↔ dispatched flip, only to find nothing to record. WHEN conditions keep
 * the dispatch path free of those calls: the functions run only when a period opens or closes.
 */
export class ReportingTriggersWhenNeeded1795246000000 implements MigrationInterface {
  name = 'ReportingTriggersWhenNeeded1795246000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER dispatches_assignment_change ON dispatches`);
    await queryRunner.query(`
      CREATE TRIGGER dispatches_assignment_change
      AFTER UPDATE OF status, equipment_id, driver_id, on_site_at ON dispatches FOR EACH ROW
      WHEN ((NEW.status IN ('completed', 'cancelled') AND OLD.status NOT IN ('completed', 'cancelled'))
            OR NEW.equipment_id <> OLD.equipment_id OR NEW.driver_id <> OLD.driver_id
            OR (NEW.on_site_at IS NOT NULL AND OLD.on_site_at IS NULL))
      EXECUTE FUNCTION record_assignment_change()`);
    await queryRunner.query(`DROP TRIGGER equipment_status_history ON equipment`);
    await queryRunner.query(`
      CREATE TRIGGER equipment_status_history_insert AFTER INSERT ON equipment FOR EACH ROW
      WHEN (NEW.status IN ('maintenance', 'retired'))
      EXECUTE FUNCTION record_equipment_status()`);
    await queryRunner.query(`
      CREATE TRIGGER equipment_status_history_update AFTER UPDATE OF status ON equipment FOR EACH ROW
      WHEN (NEW.status <> OLD.status
            AND (NEW.status IN ('maintenance', 'retired') OR OLD.status IN ('maintenance', 'retired')))
      EXECUTE FUNCTION record_equipment_status()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER equipment_status_history_update ON equipment`);
    await queryRunner.query(`DROP TRIGGER equipment_status_history_insert ON equipment`);
    await queryRunner.query(`
      CREATE TRIGGER equipment_status_history AFTER INSERT OR UPDATE OF status ON equipment
      FOR EACH ROW EXECUTE FUNCTION record_equipment_status()`);
    await queryRunner.query(`DROP TRIGGER dispatches_assignment_change ON dispatches`);
    await queryRunner.query(`
      CREATE TRIGGER dispatches_assignment_change AFTER UPDATE OF status, equipment_id, driver_id, on_site_at
      ON dispatches FOR EACH ROW EXECUTE FUNCTION record_assignment_change()`);
  }
}
