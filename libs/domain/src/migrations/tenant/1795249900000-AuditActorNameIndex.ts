import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit explorer's actor filter matches a login name (`acme-admin`) as well as a subject, and
 * pages newest first by time: without this index, filtering by a name reads the whole trail
 * (the subject has `audit_events_actor_idx`; the two are combined as a bitmap OR).
 */
export class AuditActorNameIndex1795249900000 implements MigrationInterface {
  name = 'AuditActorNameIndex1795249900000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "audit_events_actor_name_idx" ON "audit_events" ("actor_name", "occurred_at")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "audit_events_actor_name_idx"`);
  }
}
