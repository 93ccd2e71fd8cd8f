import type { MigrationInterface, QueryRunner } from 'typeorm';
import { API_ROLE, ensureApiRoleSql } from '../api-role';

/**
 * The event spine. The audit trail becomes the outbox of typed domain events (`payload`, and who
 * acted: a person, a machine client or the engine); the application now writes everything the
 * triggers did (assignment and maintenance history, first dispatch and arrival) in its own
 * statements, and the live stream reads the outbox instead of a NOTIFY per row. So no trigger
 * does business work any more (Citus refuses triggers on distributed tables, and a NOTIFY fired on
 * a worker never reaches the coordinator).
 *
 * The audit trail stays append-only through privileges instead of triggers: the API connects as
 * a member of `dispatch_api`, which may read and append to the audit tables but never update,
 * delete or truncate them; migrations run as the schema's owner. Existing rows are kept as they
 * are (events written before this migration have no payload).
 */
export class EventSpine1795247000000 implements MigrationInterface {
  name = 'EventSpine1795247000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const [trigger, table] of [
      ['audit_events_announce', 'audit_events'],
      ['audit_events_append_only', 'audit_events'],
      ['audit_events_no_truncate', 'audit_events'],
      ['audit_seals_append_only', 'audit_seals'],
      ['audit_seals_no_truncate', 'audit_seals'],
      ['dispatches_assignment_start', 'dispatches'],
      ['dispatches_assignment_change', 'dispatches'],
      ['equipment_status_history_insert', 'equipment'],
      ['equipment_status_history_update', 'equipment'],
    ]) {
      await queryRunner.query(`DROP TRIGGER IF EXISTS ${trigger} ON ${table}`);
    }
    for (const fn of [
      'announce_audit_event',
      'refuse_audit_change',
      'record_assignment_start',
      'record_assignment_change',
      'record_equipment_status',
    ]) {
      await queryRunner.query(`DROP FUNCTION IF EXISTS ${fn}()`);
    }
    await queryRunner.query(`
      ALTER TABLE audit_events
        ADD COLUMN actor_kind varchar(10) CONSTRAINT audit_events_actor_kind_valid
          CHECK (actor_kind IN ('person', 'machine', 'engine')),
        ADD COLUMN payload jsonb`);
    await queryRunner.query(ensureApiRoleSql());
    await queryRunner.query(`
      DO $$
      BEGIN
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO ${API_ROLE}', current_schema());
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO ${API_ROLE}', current_schema());
        EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO ${API_ROLE}', current_schema());
      END
      $$`);
    await queryRunner.query(
      `REVOKE UPDATE, DELETE, TRUNCATE ON audit_events, audit_seals FROM ${API_ROLE}`,
    );
    await queryRunner.query(`REVOKE ALL ON migrations FROM ${API_ROLE}`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DO $$
      BEGIN
        EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM ${API_ROLE}', current_schema());
        EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM ${API_ROLE}', current_schema());
        EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM ${API_ROLE}', current_schema());
      END
      $$`);
    await queryRunner.query(`ALTER TABLE audit_events DROP COLUMN payload, DROP COLUMN actor_kind`);
    // The triggers come back with the migrations that made them, when those are reverted.
  }
}
