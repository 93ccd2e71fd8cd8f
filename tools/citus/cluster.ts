/**
 * A Citus cluster on this machine: a coordinator and two workers, each a Debian PostgreSQL 15
 * server (tools/postgres/debian-postgres.ts: runs as `postgres` when we are root, listens on
 * 127.0.0.1 only, never outlives us) with Citus 13.2.2 preloaded (built by ./build.ts when
 * missing).
 *
 * - Settings on every node: `shared_preload_libraries = citus`,
 *   `citus.enable_schema_based_sharding = on` (every schema created from then on is a
 *   distributed schema: its tables live together on one worker), `wal_level = logical` (schema
 *   moves copy through logical replication), `max_connections = 300`, `max_worker_processes =
 *   16`, `citus.node_conninfo = 'sslmode=disable'` and `citus.local_hostname = '127.0.0.1'`.
 * - Authentication: TCP on 127.0.0.1 without TLS, `scram-sha-256` for every login (no trust).
 *   The nodes log in to each other as `postgres` with the same password, which Citus reads from
 *   `pg_dist_authinfo` (one row for all nodes, written on every node at every start). The
 *   production topology's TLS-only setup is not applied here.
 * - The database is `dispatch`, created on all three nodes with the extension (Citus needs it in
 *   the same database everywhere); the `postgres` database stays plain PostgreSQL.
 * - Data in `<dataDir>/{coordinator,worker-1,worker-2}` (kept between starts), server logs in
 *   `<dataDir>/logs/<node>.log`, and `<dataDir>/cluster.json` (mode 0600) with the ports and the
 *   password, so a restarted cluster has the same URLs; starting it on other ports is refused, as
 *   the nodes are registered by port.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Client } from 'pg';
import { freePort } from '../net/ports';
import { type RunningDebianPostgres, startDebianPostgres } from '../postgres/debian-postgres';
import { ensureCitusInstalled, POSTGRES_MAJOR } from './build';
import { withPostgresClient } from '../db/postgres-client';

export interface CitusPorts {
  coordinator: number;
  workers: [number, number];
}

/** How to reach a cluster's nodes as the superuser (what test runners hand to their workers). */
export interface CitusNodes {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/dispatch` on the coordinator. */
  coordinatorUrl: string;
  /** The same database on each worker, in the order of `ports.workers`. */
  workerUrls: string[];
}

export interface CitusCluster extends CitusNodes {
  ports: CitusPorts;
  /** The database the extension and the cluster's metadata live in. */
  database: string;
  /** Fast shutdown of all three servers; resolves once they have exited. */
  stop(): Promise<void>;
}

export interface StartCitusClusterOptions {
  dataDir: string;
  /** Default: free ports, or the ones the data directory was set up with. */
  ports?: CitusPorts;
  /** The `postgres` superuser's password; default: the saved one, else a random one. */
  password?: string;
  log?: (line: string) => void;
}

export const CITUS_DATABASE = 'dispatch';
const HOST = '127.0.0.1';
const SUPERUSER = 'postgres';
const STATE_FILE = 'cluster.json';

export const CITUS_SERVER_SETTINGS: Readonly<Record<string, string>> = {
  shared_preload_libraries: 'citus',
  'citus.enable_schema_based_sharding': 'on',
  wal_level: 'logical',
  max_connections: '300',
  max_worker_processes: '16',
  'citus.node_conninfo': 'sslmode=disable',
  'citus.local_hostname': HOST,
};

interface SavedState {
  ports: CitusPorts;
  password: string;
}

function readState(file: string): SavedState | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<SavedState>;
  const ports = parsed.ports;
  if (
    typeof parsed.password !== 'string' ||
    typeof ports?.coordinator !== 'number' ||
    !Array.isArray(ports.workers) ||
    ports.workers.length !== 2
  )
    throw new Error(`${file} is not what tools/citus/cluster.ts writes: remove it`);
  return { ports, password: parsed.password };
}

function samePorts(a: CitusPorts, b: CitusPorts): boolean {
  return (
    a.coordinator === b.coordinator &&
    a.workers[0] === b.workers[0] &&
    a.workers[1] === b.workers[1]
  );
}

async function distinctFreePorts(): Promise<CitusPorts> {
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  const [coordinator, first, second] = [...ports] as [number, number, number];
  return { coordinator, workers: [first, second] };
}

function urlOf(password: string, port: number, database: string): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@${HOST}:${port}/${database}`;
}

/** A libpq connection-string value, quoted (Citus parses `authinfo` as one). */
function conninfoValue(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The `dispatch` database with the extension, and the password Citus uses towards every node. */
async function prepareNode(password: string, port: number): Promise<void> {
  await withPostgresClient(urlOf(password, port, 'postgres'), async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      CITUS_DATABASE,
    ]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${CITUS_DATABASE}`);
  });
  await withPostgresClient(urlOf(password, port, CITUS_DATABASE), async (client) => {
    await client.query('CREATE EXTENSION IF NOT EXISTS citus');
    // nodeid 0: every node (and loopback connections); written again as the password may change.
    await client.query('BEGIN');
    await client.query('DELETE FROM pg_dist_authinfo WHERE nodeid = 0 AND rolename = $1', [
      SUPERUSER,
    ]);
    await client.query(
      'INSERT INTO pg_dist_authinfo (nodeid, rolename, authinfo) VALUES (0, $1, $2)',
      [SUPERUSER, `password=${conninfoValue(password)}`],
    );
    await client.query('COMMIT');
  });
}

/** Registers the coordinator and the workers (those not yet known) on the coordinator. */
async function registerNodes(
  password: string,
  ports: CitusPorts,
  log: (line: string) => void,
): Promise<void> {
  await withPostgresClient(urlOf(password, ports.coordinator, CITUS_DATABASE), async (client) => {
    await client.query('SELECT citus_set_coordinator_host($1, $2)', [HOST, ports.coordinator]);
    const { rows } = await client.query<{ nodename: string; nodeport: number }>(
      `SELECT nodename, nodeport FROM pg_dist_node WHERE noderole = 'primary' AND groupid <> 0`,
    );
    const unknown = rows.filter(
      (row) => row.nodename !== HOST || !ports.workers.includes(row.nodeport),
    );
    if (unknown.length > 0)
      throw new Error(
        `The coordinator knows workers this cluster does not start (${unknown.map((row) => `${row.nodename}:${row.nodeport}`).join(', ')}): start it with the ports it was set up with, or remove its data directory`,
      );
    for (const port of ports.workers) {
      if (rows.some((row) => row.nodeport === port)) continue;
      await client.query('SELECT citus_add_node($1, $2)', [HOST, port]);
      log(`worker ${HOST}:${port} added`);
    }
  });
}

async function waitForActiveWorkers(
  password: string,
  ports: CitusPorts,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await withPostgresClient(urlOf(password, ports.coordinator, CITUS_DATABASE), async (client) => {
    for (;;) {
      const { rows } = await client.query<{ node_name: string; node_port: string }>(
        'SELECT node_name, node_port FROM citus_get_active_worker_nodes()',
      );
      const active = rows.map((row) => Number(row.node_port));
      if (ports.workers.every((port) => active.includes(port))) return;
      if (Date.now() > deadline)
        throw new Error(
          `citus_get_active_worker_nodes() lists ${active.join(', ') || 'no worker'}, not both of ${ports.workers.join(', ')}, after ${timeoutMs} ms`,
        );
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });
}

export async function startCitusCluster(options: StartCitusClusterOptions): Promise<CitusCluster> {
  const log = options.log ?? (() => undefined);
  await ensureCitusInstalled(log);

  const dataDir = path.resolve(options.dataDir);
  mkdirSync(path.join(dataDir, 'logs'), { recursive: true });
  const stateFile = path.join(dataDir, STATE_FILE);
  const saved = readState(stateFile);
  const ports = options.ports ?? saved?.ports ?? (await distinctFreePorts());
  if (saved && !samePorts(saved.ports, ports))
    throw new Error(
      `${dataDir} holds a cluster set up on ports ${saved.ports.coordinator} (coordinator) and ${saved.ports.workers.join(', ')} (workers): start it on those, or remove the directory`,
    );
  const password = options.password ?? saved?.password ?? randomBytes(18).toString('base64url');
  writeFileSync(stateFile, `${JSON.stringify({ ports, password }, null, 2)}\n`, { mode: 0o600 });

  const nodes = [
    { name: 'coordinator', port: ports.coordinator },
    { name: 'worker-1', port: ports.workers[0] },
    { name: 'worker-2', port: ports.workers[1] },
  ];
  const started = await Promise.allSettled(
    nodes.map(({ name, port }) => {
      const logFile = path.join(dataDir, 'logs', `${name}.log`);
      return startDebianPostgres({
        dataDir: path.join(dataDir, name),
        port,
        superuserPassword: password,
        major: POSTGRES_MAJOR,
        settings: CITUS_SERVER_SETTINGS,
        log: (line) => appendFileSync(logFile, `${line}\n`),
      });
    }),
  );
  const servers: RunningDebianPostgres[] = started.flatMap((result) =>
    result.status === 'fulfilled' ? [result.value] : [],
  );
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  const failed = started.find(
    (result): result is PromiseRejectedResult => result.status === 'rejected',
  );
  if (failed) {
    await stop();
    throw failed.reason;
  }
  log(
    `PostgreSQL ${POSTGRES_MAJOR} with Citus started: coordinator on ${ports.coordinator}, workers on ${ports.workers.join(' and ')} (logs in ${path.join(dataDir, 'logs')})`,
  );

  try {
    await Promise.all(nodes.map(({ port }) => prepareNode(password, port)));
    await registerNodes(password, ports, log);
    await waitForActiveWorkers(password, ports);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    coordinatorUrl: urlOf(password, ports.coordinator, CITUS_DATABASE),
    workerUrls: ports.workers.map((port) => urlOf(password, port, CITUS_DATABASE)),
    ports,
    database: CITUS_DATABASE,
    stop,
  };
}

/** A login the nodes' connections to each other may act as (the API's role, say). */
export interface CitusLogin {
  user: string;
  password: string;
}

function inDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function assertDatabaseName(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Bad database name ${name}`);
}

/** The node's `host:port` as Citus registers it (from its URL). */
function hostPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

/** Creates `login` on a node when missing, and makes it a member of `groups` (created NOLOGIN). */
async function ensureLoginOnNode(
  client: Client,
  login: CitusLogin,
  groups: readonly string[],
): Promise<void> {
  const password = login.password.replace(/'/g, "''");
  for (const [role, attributes] of [
    ...groups.map((group): [string, string] => [group, 'NOLOGIN']),
    [login.user, `LOGIN PASSWORD '${password}'`] as [string, string],
  ]) {
    assertDatabaseName(role);
    await client.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN
          CREATE ROLE ${role} ${attributes};
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;
      END
      $$`);
  }
  for (const group of groups) await client.query(`GRANT ${group} TO ${login.user}`);
}

async function writeAuthinfo(client: Client, logins: readonly CitusLogin[]): Promise<void> {
  await client.query('BEGIN');
  for (const login of logins) {
    await client.query('DELETE FROM pg_dist_authinfo WHERE nodeid = 0 AND rolename = $1', [
      login.user,
    ]);
    await client.query(
      'INSERT INTO pg_dist_authinfo (nodeid, rolename, authinfo) VALUES (0, $1, $2)',
      [login.user, `password=${conninfoValue(login.password)}`],
    );
  }
  await client.query('COMMIT');
}

/**
 * Another database in the cluster, ready for distributed schemas, as Citus needs it: the
 * database on all three nodes (`citus.enable_create_database_propagation` is off), the extension
 * in it on each, the coordinator registered and the workers added, and the passwords the nodes'
 * connections to each other use in each `pg_dist_authinfo`: the superuser's and those of
 * `logins` (Citus connects to a worker as the role running the statement). Roles belong to each
 * server, not to a database: the `logins` must exist on the coordinator, and are created on each
 * worker when missing, members of the same roles as on the coordinator (the API's login is a
 * member of `dispatch_api`, which holds its privileges). Returns the database's URL on the
 * coordinator. Safe to repeat.
 */
export async function prepareCitusDatabase(
  nodes: CitusNodes,
  name: string,
  logins: readonly CitusLogin[] = [],
): Promise<string> {
  assertDatabaseName(name);
  const superuser = new URL(nodes.coordinatorUrl);
  const superuserLogin: CitusLogin = {
    user: decodeURIComponent(superuser.username),
    password: decodeURIComponent(superuser.password),
  };
  const coordinatorUrl = inDatabase(nodes.coordinatorUrl, name);
  const memberships = await withPostgresClient(
    inDatabase(nodes.coordinatorUrl, 'postgres'),
    (client) =>
      Promise.all(
        logins.map(async (login) => {
          const { rows } = await client.query<{ exists: boolean; groups: string[] | null }>(
            `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS exists,
                  (SELECT array_agg(g.rolname::text ORDER BY g.rolname)
                     FROM pg_auth_members m
                     JOIN pg_roles g ON g.oid = m.roleid
                     JOIN pg_roles r ON r.oid = m.member
                    WHERE r.rolname = $1) AS groups`,
            [login.user],
          );
          if (!rows[0]?.exists)
            throw new Error(`The login ${login.user} does not exist on the coordinator`);
          return rows[0].groups ?? [];
        }),
      ),
  );
  await Promise.all(
    [nodes.coordinatorUrl, ...nodes.workerUrls].map(async (url, index) => {
      await withPostgresClient(inDatabase(url, 'postgres'), async (client) => {
        const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
          name,
        ]);
        if (rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
        if (index > 0)
          for (const [at, login] of logins.entries())
            await ensureLoginOnNode(client, login, memberships[at] ?? []);
      });
      await withPostgresClient(inDatabase(url, name), async (client) => {
        await client.query('CREATE EXTENSION IF NOT EXISTS citus');
        await writeAuthinfo(client, [superuserLogin, ...logins]);
      });
    }),
  );
  await withPostgresClient(coordinatorUrl, async (client) => {
    const coordinator = hostPort(nodes.coordinatorUrl);
    await client.query('SELECT citus_set_coordinator_host($1, $2)', [
      coordinator.host,
      coordinator.port,
    ]);
    const { rows } = await client.query<{ nodename: string; nodeport: number }>(
      `SELECT nodename, nodeport FROM pg_dist_node WHERE groupid <> 0`,
    );
    for (const url of nodes.workerUrls) {
      const worker = hostPort(url);
      if (rows.some((row) => row.nodename === worker.host && row.nodeport === worker.port))
        continue;
      await client.query('SELECT citus_add_node($1, $2)', [worker.host, worker.port]);
    }
  });
  return coordinatorUrl;
}

/** Drops a database prepared by `prepareCitusDatabase` on every node (coordinator first). */
export async function dropCitusDatabase(nodes: CitusNodes, name: string): Promise<void> {
  assertDatabaseName(name);
  for (const url of [nodes.coordinatorUrl, ...nodes.workerUrls]) {
    await withPostgresClient(inDatabase(url, 'postgres'), (client) =>
      client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    );
  }
}
