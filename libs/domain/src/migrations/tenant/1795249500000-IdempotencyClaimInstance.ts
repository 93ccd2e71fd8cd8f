import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An Idempotency-Key claim names the API instance that made it (`instance_id`). Each instance
 * holds a session-level advisory lock derived from its id for as long as it lives, so a retry can
 * see in `pg_locks` that the instance behind a claim is gone and take the claim over at once,
 * instead of waiting out its lease. Claims made before this column, or by an instance that did
 * not hold its lock at the time, have none: they keep the lease.
 */
export class IdempotencyClaimInstance1795249500000 implements MigrationInterface {
  name = 'IdempotencyClaimInstance1795249500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE idempotency_keys ADD COLUMN instance_id uuid`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE idempotency_keys DROP COLUMN instance_id`);
  }
}
