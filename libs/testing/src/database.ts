import { randomBytes } from 'node:crypto';
import { DEV_API_LOGIN, ensureApiLogin, provisionTenant } from '@dispatch/domain';
import { Client } from 'pg';
import { DEMO_TENANTS } from './tokens';
import { testEnvironment } from './test-environment';

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withServer<T>(serverUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  /** The owner's URL (migrations, and tests that inspect or tamper with the data directly). */
  url: string;
  /** The URL the API connects with: a member of `dispatch_api`, as in production. */
  apiUrl: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh database copied from the suite's template (tenants `acme` and `globex` provisioned, no data). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { databaseServerUrl, templateDatabase } = testEnvironment();
  const name = `dispatch_test_${randomBytes(6).toString('hex')}`;
  await withServer(databaseServerUrl, (client) =>
    client.query(`CREATE DATABASE ${name} TEMPLATE ${templateDatabase}`),
  );
  const url = databaseUrl(databaseServerUrl, name);
  return {
    url,
    apiUrl: apiDatabaseUrl(url),
    name,
    drop: () =>
      withServer(databaseServerUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      ).then(() => undefined),
  };
}

/** The same database, as the API's login role (created with the suite's infrastructure). */
export function apiDatabaseUrl(ownerUrl: string): string {
  const url = new URL(ownerUrl);
  url.username = DEV_API_LOGIN.user;
  url.password = DEV_API_LOGIN.password;
  return url.toString();
}

/** Runs SQL directly against a database, bypassing the API: for checking what was (not) written. */
export async function queryDatabase<T extends Record<string, unknown>>(
  url: string,
  sql: string,
  params: unknown[] = [],
  options: { searchPath?: string } = {},
): Promise<T[]> {
  return withServer(url, async (client) => {
    if (options.searchPath)
      await client.query(`SELECT set_config('search_path', $1, false)`, [options.searchPath]);
    return (await client.query<T>(sql, params)).rows;
  });
}

/**
 * Creates (or re-creates) a database on a server with the API's login role and the demo tenants
 * `acme` and `globex` provisioned, no data: the suite's template, or a test's database on a server
 * of its own.
 */
export async function createDemoDatabase(serverUrl: string, name: string): Promise<string> {
  await withServer(serverUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  const url = databaseUrl(serverUrl, name);
  await ensureApiLogin(url);
  for (const slug of DEMO_TENANTS) {
    await provisionTenant(
      { url },
      { slug, name: slug === 'acme' ? 'Acme Construction' : 'Globex Utilities' },
    );
  }
  return url;
}

export { withServer };
