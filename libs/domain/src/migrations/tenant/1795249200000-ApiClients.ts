import type { MigrationInterface, QueryRunner } from 'typeorm';
import { API_ROLE } from '../api-role';

/**
 * The tenant's machine clients (ERP systems): one row per confidential Keycloak client that acts
 * for this tenant. The API honours a machine token only while its client is listed here, so
 * deleting the row stops already-issued tokens too. Names are unique per tenant (ignoring case):
 * the audit trail names the machine by it.
 */
export class ApiClients1795249200000 implements MigrationInterface {
  name = 'ApiClients1795249200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE api_clients (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id varchar(255) NOT NULL CONSTRAINT api_clients_client_id_key UNIQUE,
        keycloak_id uuid NOT NULL CONSTRAINT api_clients_keycloak_id_key UNIQUE,
        name varchar(100) NOT NULL CONSTRAINT api_clients_name_present CHECK (btrim(name) <> ''),
        description varchar(500),
        role varchar(20) NOT NULL CONSTRAINT api_clients_role_valid CHECK (role IN ('dispatcher', 'viewer')),
        created_by_subject varchar(64) NOT NULL,
        created_by_name varchar(255) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        secret_rotated_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX api_clients_name_key ON api_clients (lower(name))`,
    );
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON api_clients TO ${API_ROLE}`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE api_clients`);
  }
}
