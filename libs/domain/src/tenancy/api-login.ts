import { Client } from 'pg';
import { API_ROLE, ensureApiRoleSql } from '../migrations/api-role';

export interface ApiLogin {
  /** Login role name. */
  user: string;
  password: string;
}

/** The login development and tests run the API as (never used in production configuration). */
export const DEV_API_LOGIN: ApiLogin = { user: 'dispatch_app', password: 'dispatch_app' };

/**
 * Makes sure a login role exists that holds the API's privileges (`dispatch_api`) and nothing
 * more, using the owner's connection; returns the database URL the API connects with. Roles are
 * cluster-wide, so this is safe to repeat for every database of a server.
 */
export async function ensureApiLogin(
  ownerUrl: string,
  login: ApiLogin = DEV_API_LOGIN,
): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(login.user)) throw new Error(`Bad role name ${login.user}`);
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query(ensureApiRoleSql());
    await client.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${login.user}') THEN
          CREATE ROLE ${login.user} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${login.password.replace(/'/g, "''")}';
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;
      END
      $$`);
    await client.query(`GRANT ${API_ROLE} TO ${login.user}`);
  } finally {
    await client.end();
  }
  const url = new URL(ownerUrl);
  url.username = login.user;
  url.password = login.password;
  return url.toString();
}
