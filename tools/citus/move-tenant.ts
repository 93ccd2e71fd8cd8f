/**
 * `npm run citus:move-tenant -- <slug> [--to <host:port>] [--mode force_logical|block_writes]`:
 * moves a tenant's schema (a Citus distributed schema: all its tables on one worker) to another
 * worker with `citus_schema_move`, while the tenant keeps working.
 *
 * Reads DATABASE_URL (or DATABASE_URL_FILE): the coordinator, as the schema's owner (or a
 * superuser). Prints where the schema lives and how loaded each worker is, moves it to `--to` or
 * else to the least-loaded other worker (fewest tenant schemas, then fewest bytes), and prints the
 * duration and the new placement.
 *
 * The shard transfer mode is chosen, not left to chance:
 * - `force_logical` (the default, once checked): the tables are copied and then kept in step by
 *   logical replication while the tenant goes on reading and writing; only the final switch
 *   (catching up and updating the coordinator's metadata) blocks the tenant's writes, briefly. For
 *   a table without a replica identity (no primary key and no REPLICA IDENTITY index or FULL)
 *   logical replication cannot carry UPDATE and DELETE: PostgreSQL refuses them on the source
 *   for the duration of the copy. So the script first checks that every table of the schema has
 *   one, and refuses to start otherwise (every tenant table of the product has a primary key).
 * - `block_writes` (`--mode block_writes`): copies with COPY while every write to the tenant's
 *   tables waits (blocked, not refused) for the whole copy; reads go on. Works for any table;
 *   the tenant's writers stall for as long as the copy takes (a few seconds for a small tenant,
 *   minutes for a big one).
 * - `--mode force_logical` with a table lacking an identity is refused unless `--allow-no-identity`:
 *   its UPDATEs and DELETEs would fail during the move.
 *
 * Needs `wal_level = logical` on the workers for the logical modes (tools/citus/cluster.ts sets it).
 * The old copy on the source worker is dropped once nothing uses it any more (Citus's deferred
 * cleanup; the script asks for it at the end).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Client } from 'pg';
import { withPostgresClient } from '../db/postgres-client';

export type ShardTransferMode = 'force_logical' | 'block_writes';

export interface WorkerLoad {
  /** `host:port` as registered in pg_dist_node. */
  node: string;
  host: string;
  port: number;
  /** Distributed (tenant) schemas whose tables live there. */
  schemas: number;
  /** Bytes of all the shards it holds (citus_shards.shard_size). */
  bytes: number;
}

export interface TableIdentity {
  table: string;
  /** `primary key`, `index`, `full`, or null when UPDATE/DELETE cannot be replicated. */
  identity: 'primary key' | 'index' | 'full' | null;
}

export interface TenantLocation {
  slug: string;
  schema: string;
  /** `host:port` of the worker holding the schema's tables. */
  node: string;
  colocationId: number;
  tables: number;
  bytes: number;
}

export interface MoveTenantOptions {
  /** The coordinator, as the schema's owner or a superuser. */
  url: string;
  slug: string;
  /** `host:port` of the target worker; default: the least-loaded other worker. */
  to?: string;
  /** Default: `force_logical`, after checking every table has a replica identity. */
  mode?: ShardTransferMode;
  /** With `force_logical`: move even when a table has no replica identity (its UPDATE/DELETE fail meanwhile). */
  allowNoIdentity?: boolean;
  log?: (line: string) => void;
}

export interface MoveTenantResult {
  before: TenantLocation;
  after: TenantLocation;
  mode: ShardTransferMode;
  /** When `citus_schema_move` was called and when it returned (epoch milliseconds). */
  startedAt: number;
  finishedAt: number;
  seconds: number;
  workersBefore: WorkerLoad[];
}

async function assertCitusCoordinator(client: Client): Promise<void> {
  const { rowCount } = await client.query(`SELECT 1 FROM pg_extension WHERE extname = 'citus'`);
  if (rowCount === 0) throw new Error('This database does not run Citus: nothing to move');
  const { rows } = await client.query<{ coordinator: boolean }>(
    'SELECT citus_is_coordinator() AS coordinator',
  );
  if (!rows[0]?.coordinator)
    throw new Error('DATABASE_URL is not the Citus coordinator: connect to the coordinator');
}

/** The tenant's schema, from the platform registry. */
async function tenantSchema(client: Client, slug: string): Promise<string> {
  const { rows } = await client.query<{ schema_name: string }>(
    'SELECT schema_name FROM platform.organizations WHERE slug = $1',
    [slug],
  );
  const schema = rows[0]?.schema_name;
  if (!schema) throw new Error(`No tenant "${slug}" in platform.organizations`);
  return schema;
}

/** Where a tenant's schema lives now (the coordinator's metadata). */
export async function tenantLocation(client: Client, slug: string): Promise<TenantLocation> {
  const schema = await tenantSchema(client, slug);
  const { rows } = await client.query<{
    colocation_id: string;
    nodes: string[] | null;
    tables: string;
    bytes: string | null;
  }>(
    `SELECT s.colocation_id,
            array_agg(DISTINCT sh.nodename || ':' || sh.nodeport) FILTER (WHERE sh.nodename IS NOT NULL) AS nodes,
            count(sh.shardid) AS tables,
            sum(sh.shard_size) AS bytes
       FROM citus_schemas s
       LEFT JOIN citus_shards sh ON sh.colocation_id = s.colocation_id
      WHERE s.schema_name = to_regnamespace($1)
      GROUP BY s.colocation_id`,
    [schema],
  );
  const row = rows[0];
  if (!row)
    throw new Error(
      `${schema} is not a distributed schema (a local schema on the coordinator): provision the tenant on Citus first (cli.js migrate distributes it)`,
    );
  const nodes = row.nodes ?? [];
  if (nodes.length !== 1)
    throw new Error(
      `${schema}'s tables are on ${nodes.length === 0 ? 'no worker' : nodes.join(' and ')}: expected one worker (is a move already running?)`,
    );
  return {
    slug,
    schema,
    node: nodes[0] as string,
    colocationId: Number(row.colocation_id),
    tables: Number(row.tables),
    bytes: Number(row.bytes ?? 0),
  };
}

/** The workers that take shards, with how many tenant schemas and bytes each holds. */
export async function workerLoads(client: Client): Promise<WorkerLoad[]> {
  const { rows } = await client.query<{
    nodename: string;
    nodeport: number;
    schemas: string;
    bytes: string;
  }>(
    `SELECT n.nodename, n.nodeport,
            count(DISTINCT s.schema_name) AS schemas,
            coalesce(sum(sh.shard_size), 0) AS bytes
       FROM pg_dist_node n
       LEFT JOIN citus_shards sh ON sh.nodename = n.nodename AND sh.nodeport = n.nodeport
       LEFT JOIN citus_schemas s ON s.colocation_id = sh.colocation_id
      WHERE n.noderole = 'primary' AND n.isactive AND n.shouldhaveshards AND n.groupid <> 0
      GROUP BY n.nodename, n.nodeport
      ORDER BY n.nodename, n.nodeport`,
  );
  return rows.map((row) => ({
    node: `${row.nodename}:${row.nodeport}`,
    host: row.nodename,
    port: Number(row.nodeport),
    schemas: Number(row.schemas),
    bytes: Number(row.bytes),
  }));
}

/** Each table of the schema and what lets logical replication carry its UPDATEs and DELETEs. */
export async function tableIdentities(client: Client, schema: string): Promise<TableIdentity[]> {
  const { rows } = await client.query<{
    relname: string;
    relreplident: string;
    has_pk: boolean;
    has_identity_index: boolean;
  }>(
    `SELECT c.relname, c.relreplident,
            EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) AS has_pk,
            EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident) AS has_identity_index
       FROM pg_class c
      WHERE c.relnamespace = to_regnamespace($1) AND c.relkind IN ('r', 'p')
      ORDER BY c.relname`,
    [schema],
  );
  return rows.map((row) => ({
    table: row.relname,
    identity:
      row.relreplident === 'f'
        ? 'full'
        : row.relreplident === 'i' && row.has_identity_index
          ? 'index'
          : row.relreplident === 'd' && row.has_pk
            ? 'primary key'
            : null,
  }));
}

/** `wal_level` on every worker (logical replication needs `logical` on the source). */
async function workerWalLevels(client: Client): Promise<{ node: string; wal: string }[]> {
  const { rows } = await client.query<{ nodename: string; nodeport: number; result: string }>(
    `SELECT nodename, nodeport, result FROM run_command_on_workers($$SHOW wal_level$$)`,
  );
  return rows.map((row) => ({ node: `${row.nodename}:${row.nodeport}`, wal: row.result }));
}

function parseNode(value: string): { host: string; port: number } {
  const match = /^(.+):(\d{1,5})$/.exec(value);
  if (!match) throw new Error(`--to: host:port, not ${value}`);
  return { host: match[1] as string, port: Number(match[2]) };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The least-loaded worker other than `current`: fewest tenant schemas, then fewest bytes. */
export function leastLoadedOther(loads: WorkerLoad[], current: string): WorkerLoad | undefined {
  return loads
    .filter((load) => load.node !== current)
    .sort((a, b) => a.schemas - b.schemas || a.bytes - b.bytes || a.node.localeCompare(b.node))[0];
}

/** Moves a tenant's schema to another worker (see the file's comment). */
export async function moveTenant(options: MoveTenantOptions): Promise<MoveTenantResult> {
  const log = options.log ?? (() => undefined);
  return withPostgresClient(options.url, async (client) => {
    await assertCitusCoordinator(client);
    const before = await tenantLocation(client, options.slug);
    const loads = await workerLoads(client);
    log(
      `${options.slug}: schema ${before.schema}, ${before.tables} tables (${megabytes(before.bytes)}), on worker ${before.node} (colocation ${before.colocationId})`,
    );
    for (const load of loads)
      log(
        `  worker ${load.node}: ${load.schemas} tenant schemas, ${megabytes(load.bytes)}${load.node === before.node ? '  <- here' : ''}`,
      );

    let target: { host: string; port: number; node: string };
    if (options.to) {
      const wanted = parseNode(options.to);
      const node = `${wanted.host}:${wanted.port}`;
      if (!loads.some((load) => load.node === node))
        throw new Error(
          `${node} is not an active worker that takes shards (workers: ${loads.map((load) => load.node).join(', ')})`,
        );
      target = { ...wanted, node };
    } else {
      const other = leastLoadedOther(loads, before.node);
      if (!other) throw new Error(`No other worker than ${before.node} to move to`);
      target = { host: other.host, port: other.port, node: other.node };
    }
    if (target.node === before.node)
      throw new Error(`${options.slug} already lives on ${target.node}`);

    const mode: ShardTransferMode = options.mode ?? 'force_logical';
    if (mode === 'force_logical') {
      const identities = await tableIdentities(client, before.schema);
      const missing = identities.filter((table) => table.identity === null);
      if (missing.length > 0 && !options.allowNoIdentity)
        throw new Error(
          `${missing.map((table) => `${before.schema}.${table.table}`).join(', ')} ha${missing.length === 1 ? 's' : 've'} no primary key or replica identity: logical replication cannot carry their UPDATEs and DELETEs, which would fail during the move. Add one, or move with --mode block_writes (writes to the tenant wait for the whole copy)`,
        );
      log(
        `  all ${identities.length - missing.length} of ${identities.length} tables have a primary key or replica identity: logical replication (writes go on; blocked only for the final switch)`,
      );
      const notLogical = (await workerWalLevels(client)).filter(
        (worker) => worker.wal !== 'logical',
      );
      if (notLogical.length > 0)
        throw new Error(
          `wal_level is not logical on ${notLogical.map((worker) => `${worker.node} (${worker.wal})`).join(', ')}: logical replication is impossible; set it and restart, or use --mode block_writes`,
        );
    } else {
      log('  block_writes: writes to the tenant wait until the copy is done; reads go on');
    }

    log(`moving ${before.schema} ${before.node} -> ${target.node} (${mode})`);
    const startedAt = Date.now();
    const progress = setInterval(
      () => log(`  … ${((Date.now() - startedAt) / 1000).toFixed(0)} s`),
      5_000,
    );
    try {
      await client.query(
        `SELECT citus_schema_move(to_regnamespace($1), $2::text, $3::int, $4::citus.shard_transfer_mode)`,
        [before.schema, target.host, target.port, mode],
      );
    } finally {
      clearInterval(progress);
    }
    const finishedAt = Date.now();
    const seconds = (finishedAt - startedAt) / 1000;
    const after = await tenantLocation(client, options.slug);
    log(
      `moved in ${seconds.toFixed(1)} s: ${options.slug} (${after.schema}) now on worker ${after.node} (colocation ${after.colocationId}, ${after.tables} tables)`,
    );
    // The source's copy: dropped now if nothing holds it, else by Citus's deferred cleanup.
    await client
      .query('CALL citus_cleanup_orphaned_resources()')
      .catch((error: unknown) =>
        log(
          `  cleanup of the old copy deferred: ${error instanceof Error ? error.message : error}`,
        ),
      );
    return { before, after, mode, startedAt, finishedAt, seconds, workersBefore: loads };
  });
}

function databaseUrl(): string {
  const file = process.env.DATABASE_URL_FILE;
  const url = file ? readFileSync(file, 'utf8').trim() : process.env.DATABASE_URL;
  if (!url) throw new Error('Set DATABASE_URL (or DATABASE_URL_FILE) to the Citus coordinator');
  return url;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      to: { type: 'string' },
      mode: { type: 'string', default: 'force_logical' },
      'allow-no-identity': { type: 'boolean', default: false },
    },
  });
  const [slug, ...extra] = positionals;
  if (!slug || extra.length > 0)
    throw new Error(
      'usage: npm run citus:move-tenant -- <slug> [--to <host:port>] [--mode force_logical|block_writes]',
    );
  if (values.mode !== 'force_logical' && values.mode !== 'block_writes')
    throw new Error(`--mode: force_logical or block_writes, not ${values.mode}`);
  const result = await moveTenant({
    url: databaseUrl(),
    slug,
    to: values.to,
    mode: values.mode,
    allowNoIdentity: values['allow-no-identity'],
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(
    `${result.after.slug}\t${result.after.schema}\t${result.before.node} -> ${result.after.node}\t${result.seconds.toFixed(1)} s\t${result.mode}\n`,
  );
}

if (require.main === module)
  main().catch((error: unknown) => {
    process.stderr.write(
      `[citus:move-tenant] ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
