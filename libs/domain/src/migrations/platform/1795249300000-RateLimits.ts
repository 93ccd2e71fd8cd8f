import type { MigrationInterface, QueryRunner } from 'typeorm';
import { API_ROLE } from '../api-role';

/**
 * The counters every API instance shares for rate limits per client and per tenant: one row per
 * key, in the shape `rate-limiter-flexible`'s RateLimiterPostgres reads and writes (`points`
 * consumed in the current fixed window, which ends at `expire`, epoch milliseconds). Rows of keys
 * idle for an hour are swept by the API.
 *
 * UNLOGGED: the counters live for seconds and are worth no WAL (nor a flush at commit); after a
 * crash or a fail-over they start from zero, which costs at most one window of leniency.
 */
export class RateLimits1795249300000 implements MigrationInterface {
  name = 'RateLimits1795249300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE UNLOGGED TABLE "rate_limits" (
        "key" character varying(255) NOT NULL,
        "points" integer NOT NULL DEFAULT 0,
        "expire" bigint,
        CONSTRAINT "PK_rate_limits" PRIMARY KEY ("key")
      ) WITH (fillfactor = 70)
    `);
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON "rate_limits" TO ${API_ROLE}`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "rate_limits"`);
  }
}
