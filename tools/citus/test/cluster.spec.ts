/**
 * Citus 13.2.2 built here (or found installed) and a coordinator with two workers on free ports:
 * tenant schemas become distributed schemas on one worker each, transactions through the
 * coordinator reach them, and `citus_schema_move` moves one to the other worker with its rows.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { citusInstalled, ensureCitusInstalled } from '../build';
import { type CitusCluster, startCitusCluster } from '../cluster';
import { portAccepts } from '../../net/ports';

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  return client;
}

interface Placement {
  schema: string;
  colocationId: number;
  nodePort: number;
  shardName: string;
}

describe('Citus cluster (tools/citus)', () => {
  const say = (line: string) => process.stdout.write(`[citus] ${line}\n`);
  let dir: string;
  let cluster: CitusCluster | undefined;
  let coordinator: Client;

  /** Where each distributed schema's one table lives, read from the coordinator's metadata. */
  async function placementOf(schema: string): Promise<Placement> {
    const { rows } = await coordinator.query<{
      colocation_id: number;
      nodeport: number;
      shard_name: string;
    }>(
      `SELECT s.colocation_id, sh.nodeport, sh.shard_name
         FROM citus_schemas s
         JOIN citus_shards sh ON sh.colocation_id = s.colocation_id
        WHERE s.schema_name::text = $1`,
      [schema],
    );
    expect(rows).toHaveLength(1);
    const [row] = rows;
    return {
      schema,
      colocationId: Number(row.colocation_id),
      nodePort: Number(row.nodeport),
      shardName: row.shard_name,
    };
  }

  /** What a worker itself holds of a shard (the table `<schema>.<table>_<shardid>`), or null. */
  async function rowsOnWorker(port: number, shardName: string): Promise<number | null> {
    if (!cluster) throw new Error('no cluster');
    const index = cluster.ports.workers.indexOf(port);
    const worker = await connect(cluster.workerUrls[index] as string);
    try {
      // A worker's own metadata view hides shards; a local scan sees the physical table.
      await worker.query('SET citus.override_table_visibility = off');
      const { rows } = await worker.query<{ exists: boolean }>(
        'SELECT to_regclass($1) IS NOT NULL AS exists',
        [shardName],
      );
      if (!rows[0]?.exists) return null;
      const count = await worker.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${shardName
          .split('.')
          .map((part) => `"${part}"`)
          .join('.')}`,
      );
      return Number(count.rows[0]?.n);
    } finally {
      await worker.end();
    }
  }

  beforeAll(async () => {
    const started = Date.now();
    const wasInstalled = citusInstalled();
    await ensureCitusInstalled(say);
    process.stdout.write(
      `Citus ${wasInstalled ? 'found installed' : 'built'} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    // The servers run as `postgres` when we are root: it must be able to reach the data.
    dir = mkdtempSync(path.join(os.tmpdir(), 'dispatch-citus-'));
    chmodSync(dir, 0o755);
    const clusterStarted = Date.now();
    // Quotes, a backslash and a space: the nodes' authinfo must carry it intact.
    const password = `it's \\ ${Math.random().toString(36).slice(2)}`;
    cluster = await startCitusCluster({ dataDir: dir, password, log: say });
    process.stdout.write(
      `cluster up in ${((Date.now() - clusterStarted) / 1000).toFixed(1)} s: coordinator ${cluster.ports.coordinator}, workers ${cluster.ports.workers.join(', ')}\n`,
    );
    coordinator = await connect(cluster.coordinatorUrl);
  });

  afterAll(async () => {
    await coordinator?.end();
    const ports = cluster ? [cluster.ports.coordinator, ...cluster.ports.workers] : [];
    await cluster?.stop();
    for (const port of ports) expect(await portAccepts(port)).toBe(false);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs Citus 13.2.2 with schema-based sharding on a coordinator and two active workers', async () => {
    if (!cluster) throw new Error('no cluster');
    const { rows: version } = await coordinator.query<{ v: string }>('SELECT citus_version() AS v');
    expect(version[0]?.v).toMatch(/^Citus 13\.2\.2 /);
    const { rows: workers } = await coordinator.query<{ node_port: number }>(
      'SELECT node_port FROM citus_get_active_worker_nodes() ORDER BY node_port',
    );
    expect(workers.map((row) => Number(row.node_port))).toEqual(
      [...cluster.ports.workers].sort((a, b) => a - b),
    );
    for (const url of [cluster.coordinatorUrl, ...cluster.workerUrls]) {
      const node = await connect(url);
      try {
        const { rows } = await node.query<{ sharding: string; wal: string; max: string }>(
          `SELECT current_setting('citus.enable_schema_based_sharding') AS sharding,
                  current_setting('wal_level') AS wal,
                  current_setting('max_connections') AS max`,
        );
        expect(rows[0]).toEqual({ sharding: 'on', wal: 'logical', max: '300' });
      } finally {
        await node.end();
      }
    }
  });

  let tenantA: Placement;
  let tenantB: Placement;

  it('makes each new schema a distributed schema on one worker, the next one on the other', async () => {
    if (!cluster) throw new Error('no cluster');
    await coordinator.query('CREATE SCHEMA tenant_a');
    await coordinator.query('CREATE TABLE tenant_a.t (id int PRIMARY KEY, v text)');
    await coordinator.query('CREATE SCHEMA tenant_b');
    await coordinator.query('CREATE TABLE tenant_b.t (id int PRIMARY KEY, v text)');

    const { rows: schemas } = await coordinator.query<{ schema_name: string }>(
      'SELECT schema_name::text FROM citus_schemas ORDER BY 1',
    );
    expect(schemas.map((row) => row.schema_name)).toEqual(['tenant_a', 'tenant_b']);

    tenantA = await placementOf('tenant_a');
    tenantB = await placementOf('tenant_b');
    process.stdout.write(
      `tenant_a: colocation ${tenantA.colocationId} on worker ${tenantA.nodePort}; tenant_b: colocation ${tenantB.colocationId} on worker ${tenantB.nodePort}\n`,
    );
    expect(cluster.ports.workers).toContain(tenantA.nodePort);
    expect(cluster.ports.workers).toContain(tenantB.nodePort);
    // Citus places a new schema's table on the worker at index (colocation id mod number of
    // workers) of the workers that take shards, sorted by host and port (create_shards.c): round
    // robin by colocation id, not by load. Consecutive schemas alternate.
    const sorted = [...cluster.ports.workers].sort((a, b) => a - b);
    for (const tenant of [tenantA, tenantB])
      expect(tenant.nodePort).toBe(sorted[tenant.colocationId % sorted.length]);
    expect(tenantB.colocationId).toBe(tenantA.colocationId + 1);
    expect(tenantB.nodePort).not.toBe(tenantA.nodePort);

    // The same answer from the placement catalog.
    const { rows: placements } = await coordinator.query<{ nodeport: number }>(
      `SELECT n.nodeport
         FROM pg_dist_partition p
         JOIN pg_dist_shard s ON s.logicalrelid = p.logicalrelid
         JOIN pg_dist_placement pl ON pl.shardid = s.shardid
         JOIN pg_dist_node n ON n.groupid = pl.groupid
        WHERE p.logicalrelid = 'tenant_a.t'::regclass`,
    );
    expect(placements.map((row) => Number(row.nodeport))).toEqual([tenantA.nodePort]);
  });

  it('routes inserts and a two-statement transaction through the coordinator to the worker', async () => {
    await coordinator.query(`INSERT INTO tenant_a.t VALUES (1, 'one'), (2, 'two')`);
    await coordinator.query('BEGIN');
    await coordinator.query(`INSERT INTO tenant_a.t VALUES (3, 'three')`);
    await coordinator.query(`UPDATE tenant_a.t SET v = 'ONE' WHERE id = 1`);
    await coordinator.query('COMMIT');

    await coordinator.query('BEGIN');
    await coordinator.query(`INSERT INTO tenant_a.t VALUES (4, 'four')`);
    await coordinator.query(`UPDATE tenant_a.t SET v = 'gone' WHERE id = 2`);
    await coordinator.query('ROLLBACK');

    await expect(coordinator.query(`INSERT INTO tenant_a.t VALUES (1, 'again')`)).rejects.toThrow(
      /duplicate key/,
    );
    await coordinator.query(`INSERT INTO tenant_b.t VALUES (1, 'b')`);

    const { rows } = await coordinator.query<{ id: number; v: string }>(
      'SELECT id, v FROM tenant_a.t ORDER BY id',
    );
    expect(rows).toEqual([
      { id: 1, v: 'ONE' },
      { id: 2, v: 'two' },
      { id: 3, v: 'three' },
    ]);
    // The rows are physically on tenant_a's worker, and only there.
    const other = tenantA.nodePort === tenantB.nodePort ? undefined : tenantB.nodePort;
    expect(await rowsOnWorker(tenantA.nodePort, tenantA.shardName)).toBe(3);
    if (other !== undefined) expect(await rowsOnWorker(other, tenantA.shardName)).toBeNull();
  });

  it('moves a schema to the other worker with citus_schema_move, its rows intact', async () => {
    if (!cluster) throw new Error('no cluster');
    const target = cluster.ports.workers.find((port) => port !== tenantA.nodePort) as number;
    const started = Date.now();
    await coordinator.query(
      `SELECT citus_schema_move('tenant_a'::regnamespace, '127.0.0.1'::text, $1::int)`,
      [target],
    );
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `citus_schema_move(tenant_a) ${tenantA.nodePort} -> ${target}: ${seconds.toFixed(1)} s\n`,
    );

    const moved = await placementOf('tenant_a');
    expect(moved.nodePort).toBe(target);
    const { rows } = await coordinator.query<{ id: number; v: string }>(
      'SELECT id, v FROM tenant_a.t ORDER BY id',
    );
    expect(rows).toEqual([
      { id: 1, v: 'ONE' },
      { id: 2, v: 'two' },
      { id: 3, v: 'three' },
    ]);
    expect(await rowsOnWorker(target, moved.shardName)).toBe(3);
    // The source's copy is dropped (at once, or by the deferred cleanup).
    await coordinator.query('CALL citus_cleanup_orphaned_resources()');
    expect(await rowsOnWorker(tenantA.nodePort, tenantA.shardName)).toBeNull();

    // Still writable, in a transaction, after the move; tenant_b untouched.
    await coordinator.query('BEGIN');
    await coordinator.query(`INSERT INTO tenant_a.t VALUES (5, 'five')`);
    await coordinator.query(`UPDATE tenant_a.t SET v = 'TWO' WHERE id = 2`);
    await coordinator.query('COMMIT');
    const { rows: after } = await coordinator.query<{ n: string }>(
      'SELECT count(*) AS n FROM tenant_a.t',
    );
    expect(Number(after[0]?.n)).toBe(4);
    expect((await placementOf('tenant_b')).nodePort).toBe(tenantB.nodePort);
  });
});
