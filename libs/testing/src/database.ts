import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DEV_API_LOGIN, ensureApiLogin, provisionTenant } from '@dispatch/domain';
import { Client } from 'pg';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the test harness drives the repo's own dev tooling
import {
  type CitusNodes,
  dropCitusDatabase,
  prepareCitusDatabase,
} from '../../../tools/citus/cluster';
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

/**
 * The Citus cluster the suite runs against, when TEST_CITUS_CLUSTER names the JSON file its
 * runner wrote (tools/citus/test-citus.ts: the nodes' superuser URLs); TEST_DATABASE_URL is then
 * its coordinator.
 */
export function testCitusCluster(): CitusNodes | undefined {
  const file = process.env.TEST_CITUS_CLUSTER;
  if (!file) return undefined;
  const nodes = JSON.parse(readFileSync(file, 'utf8')) as Partial<CitusNodes>;
  if (typeof nodes.coordinatorUrl !== 'string' || !Array.isArray(nodes.workerUrls))
    throw new Error(`TEST_CITUS_CLUSTER: ${file} does not hold coordinatorUrl and workerUrls`);
  return { coordinatorUrl: nodes.coordinatorUrl, workerUrls: nodes.workerUrls };
}

/**
 * A bound on how long work takes (writes done after a failover, a queue drained), for the database
 * under test: on a Citus cluster each statement crosses the coordinator and a worker, three
 * servers sharing the machine's cores, and a write costs three to five times as long. Bounds on
 * mechanisms that do not depend on the engine's speed (a lock lost, a claim taken over, how long
 * a conflict lasts) are not to be scaled.
 */
export function workTimeBound(milliseconds: number): number {
  return testCitusCluster() ? milliseconds * 3 : milliseconds;
}

/**
 * A fresh database copied from the suite's template (tenants `acme` and `globex` provisioned, no
 * data). On a Citus cluster a database cannot be copied (its shards live on the workers, whose
 * Citus daemons keep the template busy): each test database is prepared on every node and
 * provisioned, its tenants distributed over the workers.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { databaseServerUrl, templateDatabase } = testEnvironment();
  const name = `dispatch_test_${randomBytes(6).toString('hex')}`;
  const citus = testCitusCluster();
  if (citus) {
    const url = await createDemoDatabase(databaseServerUrl, name, citus);
    return {
      url,
      apiUrl: apiDatabaseUrl(url),
      name,
      drop: () => dropCitusDatabase(citus, name),
    };
  }
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
 * of its own. With `citus`, the server is that cluster's coordinator and the database is made on
 * every node (tools/citus/cluster.ts).
 */
export async function createDemoDatabase(
  serverUrl: string,
  name: string,
  citus?: CitusNodes,
): Promise<string> {
  let url: string;
  if (citus) {
    await dropCitusDatabase(citus, name);
    // The API's login and its role on the coordinator first: the workers get them from there.
    await ensureApiLogin(databaseUrl(serverUrl, 'postgres'));
    url = await prepareCitusDatabase(citus, name, [DEV_API_LOGIN]);
  } else {
    await withServer(serverUrl, async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.query(`CREATE DATABASE ${name}`);
    });
    url = databaseUrl(serverUrl, name);
  }
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
