import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every committed audit event is announced on the `dispatch_events` channel as `<schema>:<id>`, so
 * every API instance can stream the tenant's changes live (PostgreSQL delivers a NOTIFY only when
 * its transaction commits, and drops it when it rolls back). Written by hand: TypeORM does not
 * generate triggers.
 */
export class AuditEventNotify1795242000000 implements MigrationInterface {
  name = 'AuditEventNotify1795242000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION announce_audit_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('dispatch_events', TG_TABLE_SCHEMA || ':' || NEW.id);
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER audit_events_announce AFTER INSERT ON audit_events
      FOR EACH ROW EXECUTE FUNCTION announce_audit_event()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER audit_events_announce ON audit_events`);
    await queryRunner.query(`DROP FUNCTION announce_audit_event()`);
  }
}
