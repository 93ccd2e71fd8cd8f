import type { MigrationInterface, QueryRunner } from 'typeorm';
import { API_ROLE, ensureApiRoleSql } from '../api-role';

/** The API reads the registry of organizations; it never changes it (provisioning runs as the owner). */
export class ApiRole1795247000001 implements MigrationInterface {
  name = 'ApiRole1795247000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(ensureApiRoleSql());
    await queryRunner.query(`
      DO $$
      BEGIN
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO ${API_ROLE}', current_schema());
      END
      $$`);
    await queryRunner.query(`GRANT SELECT ON organizations TO ${API_ROLE}`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`REVOKE SELECT ON organizations FROM ${API_ROLE}`);
  }
}
