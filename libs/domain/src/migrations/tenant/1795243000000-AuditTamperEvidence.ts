import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail becomes append-only in the database itself, and tamper-evident: a sealer chains
 * committed events in `audit_seals` (each seal's hash covers the event and the previous seal's
 * hash), after the business transactions, so writing an event stays a plain insert. Written by hand:
 * TypeORM does not generate triggers.
 */
export class AuditTamperEvidence1795243000000 implements MigrationInterface {
  name = 'AuditTamperEvidence1795243000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_seals (
        seq bigint PRIMARY KEY,
        event_id bigint NOT NULL UNIQUE REFERENCES audit_events (id),
        hash char(64) NOT NULL,
        sealed_at timestamptz NOT NULL DEFAULT now())`);
    await queryRunner.query(`
      CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    for (const table of ['audit_events', 'audit_seals']) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION refuse_audit_change()`);
      await queryRunner.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change()`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['audit_seals', 'audit_events']) {
      await queryRunner.query(`DROP TRIGGER ${table}_no_truncate ON ${table}`);
      await queryRunner.query(`DROP TRIGGER ${table}_append_only ON ${table}`);
    }
    await queryRunner.query(`DROP FUNCTION refuse_audit_change()`);
    await queryRunner.query(`DROP TABLE audit_seals`);
  }
}
