/**
 * The database role whose privileges the API runs with. Migrations grant to it; a deployment
 * makes the API's login role a member (`GRANT dispatch_api TO <login>`), see `grantApiRoleSql`.
 * It may read and write business tables and only read and append to the audit trail.
 */
export const API_ROLE = 'dispatch_api';

/** Creates the group role once per PostgreSQL cluster (roles are cluster-wide). */
export function ensureApiRoleSql(): string {
  return `
    DO $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${API_ROLE}') THEN
        CREATE ROLE ${API_ROLE} NOLOGIN;
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- created concurrently by another migration run
    END
    $$`;
}
