import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit explorer filters by action and pages newest first by time: without this index a rare
 * or absent action makes PostgreSQL read the whole trail (seconds on millions of events).
 */
export class AuditActionIndex1795245000000 implements MigrationInterface {
  name = 'AuditActionIndex1795245000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "audit_events_action_idx" ON "audit_events" ("action", "occurred_at", "id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "audit_events_action_idx"`);
  }
}
