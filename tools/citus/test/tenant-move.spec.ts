/**
 * A tenant moved to the other worker while the dispatch workload runs on it: a Citus cluster on
 * free ports, the demo tenants `acme` and `globex` provisioned through the harness's Citus path
 * (libs/testing: createTestDatabase with TEST_CITUS_CLUSTER), the built API as a real process on
 * the coordinator, several clients driving dispatch cycles on `acme` (create a work order that is
 * dispatched at once, then acknowledged, en route, on site, completed), and `moveTenant`
 * (tools/citus/move-tenant.ts) moving acme's schema in the middle of it.
 *
 * Needs the built API (`npx nx run-many -t build --projects=domain,api`); Keycloak from
 * TEST_KEYCLOAK_URL, else one started in memory.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import {
  ApiClient,
  ApiProcess,
  createdId,
  freePort,
  tokenFor,
  invariantViolations,
} from '@dispatch/testing';
import { createTestDatabase, type TestDatabase } from '../../../libs/testing/src/database';
import {
  startTestInfrastructure,
  type TestInfrastructure,
} from '../../../libs/testing/src/infrastructure';
import { publishTestEnvironment } from '../../../libs/testing/src/test-environment';
import { ensureCitusInstalled } from '../build';
import { type CitusCluster, startCitusCluster } from '../cluster';
import { moveTenant, type MoveTenantResult, tenantLocation } from '../move-tenant';

const CLIENTS = 6;
const STEPS = ['acknowledged', 'en_route', 'on_site', 'completed'] as const;
const RETRY_AFTER_SECONDS = 1;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Sent {
  client: number;
  started: number;
  ended: number;
  status: number;
  retryAfter: string | null;
  problem?: string;
}

interface Created {
  workOrderId: string;
  dispatchId?: string;
  /** The dispatch's status after the last transition answered 2xx. */
  status?: string;
}

/** Requests per second of the answers ending in [from, to). */
function rate(sent: Sent[], from: number, to: number): number {
  const n = sent.filter((answer) => answer.ended >= from && answer.ended < to).length;
  return n / Math.max((to - from) / 1000, 0.001);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0
    ? 0
    : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

describe('A tenant moved to the other worker under load (tools/citus/move-tenant.ts)', () => {
  const say = (line: string) => process.stdout.write(`[tenant-move] ${line}\n`);
  const savedEnv = {
    TEST_DATABASE_URL: process.env.TEST_DATABASE_URL,
    TEST_CITUS_CLUSTER: process.env.TEST_CITUS_CLUSTER,
  };
  let dir: string;
  let cluster: CitusCluster | undefined;
  let infrastructure: TestInfrastructure | undefined;
  let database: TestDatabase | undefined;
  let api: ApiProcess | undefined;

  beforeAll(async () => {
    await ensureCitusInstalled(say);
    // The servers run as `postgres` when we are root: it must be able to reach the data.
    dir = mkdtempSync(path.join(os.tmpdir(), 'dispatch-citus-move-'));
    chmodSync(dir, 0o755);
    cluster = await startCitusCluster({ dataDir: path.join(dir, 'cluster'), log: say });
    const nodesFile = path.join(dir, 'nodes.json');
    writeFileSync(
      nodesFile,
      JSON.stringify({ coordinatorUrl: cluster.coordinatorUrl, workerUrls: cluster.workerUrls }),
      { mode: 0o600 },
    );
    const serverUrl = new URL(cluster.coordinatorUrl);
    serverUrl.pathname = '/postgres';
    // The harness's Citus path: each test database made on every node, tenants distributed.
    process.env.TEST_DATABASE_URL = serverUrl.toString();
    process.env.TEST_CITUS_CLUSTER = nodesFile;
    infrastructure = await startTestInfrastructure(say);
    publishTestEnvironment(infrastructure.environment);
    database = await createTestDatabase();
    api = new ApiProcess({
      DATABASE_URL: database.apiUrl,
      MIGRATION_DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '12',
      KEYCLOAK_URL: infrastructure.environment.keycloakUrl,
      PORT: String(await freePort()),
      LOG_LEVEL: 'error',
      SCHEDULE_SWEEP_SECONDS: '0',
      UNAVAILABLE_RETRY_AFTER_SECONDS: String(RETRY_AFTER_SECONDS),
    });
    await api.start(60_000);
  });

  afterAll(async () => {
    await api?.stop();
    await database?.drop().catch((error: unknown) => say(`drop failed: ${String(error)}`));
    await infrastructure?.stop();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  async function locate(slug: string) {
    if (!database) throw new Error('no database');
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      return await tenantLocation(client, slug);
    } finally {
      await client.end();
    }
  }

  async function ownerQuery<T extends Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    if (!database) throw new Error('no database');
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  /** Row counts of a tenant's business tables (what "untouched" is checked against). */
  async function counts(schema: string): Promise<Record<string, number>> {
    const tables = [
      'sites',
      'equipment_types',
      'equipment',
      'drivers',
      'work_orders',
      'dispatches',
    ];
    const result: Record<string, number> = {};
    for (const table of tables) {
      const [row] = await ownerQuery<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.${table}`);
      result[table] = Number(row?.n);
    }
    return result;
  }

  it('keeps the dispatch workload going, loses no acknowledged write and leaves the other tenant alone', async () => {
    if (!api || !database || !cluster) throw new Error('not started');
    const base = `${api.baseUrl}/api/v1`;
    const admin = new ApiClient(base, await tokenFor('acme', 'admin'));
    const dispatcher = admin.as(await tokenFor('acme', 'dispatcher'));
    const globex = new ApiClient(base, await tokenFor('globex', 'admin'));

    const siteId = await createdId(
      admin.post('/sites', {
        name: 'Move site',
        address: '1 Move Road',
        latitude: 52.5,
        longitude: 13.4,
      }),
    );
    const typeId = await createdId(
      admin.post('/equipment-types', { code: 'move', name: 'Move type' }),
    );
    for (let index = 0; index < CLIENTS * 2; index += 1) {
      await createdId(
        admin.post('/equipment', {
          code: `M-${index}`,
          name: `Move ${index}`,
          equipmentTypeId: typeId,
        }),
      );
      await createdId(
        admin.post('/drivers', {
          name: `Move driver ${index}`,
          dutyStatus: 'on_duty',
          qualifications: [],
        }),
      );
    }
    const globexSite = await createdId(
      globex.post('/sites', {
        name: 'Globex HQ',
        address: '2 Other Road',
        latitude: 48.1,
        longitude: 11.6,
      }),
    );
    const globexType = await createdId(
      globex.post('/equipment-types', { code: 'gx', name: 'Globex type' }),
    );
    await createdId(
      globex.post('/equipment', { code: 'GX-1', name: 'GX 1', equipmentTypeId: globexType }),
    );
    const globexBefore = await counts('tenant_globex');

    const acmeBefore = await locate('acme');
    const globexPlacement = await locate('globex');
    say(`acme on ${acmeBefore.node}, globex on ${globexPlacement.node}`);

    // The workload: each client drives its own cycles, as tools/bench/dispatch-cycle.ts does; a
    // write refused with 503 is sent again after its Retry-After, one refused with a retryable
    // 409 (a serialization failure) after 200 ms. Without Idempotency-Key: on Citus the key's
    // claim (IdempotencyKeys.begin: INSERT … ON CONFLICT … WHERE with a subquery on pg_locks) is
    // refused ("subqueries are not supported within INSERT queries"), so every keyed write is a
    // 500 there, move or not. A write retried after a 503 that had in fact committed would show
    // up here as an unexpected 409 (a step already taken), failing the test.
    const sent: Sent[] = [];
    const created: Created[] = [];
    const unexpected: Sent[] = [];
    let stop = false;
    const write = async (
      client: number,
      path: string,
      body: unknown,
    ): Promise<{ status: number; body: unknown } | undefined> => {
      for (;;) {
        const started = Date.now();
        const result = await dispatcher.request('POST', path, body);
        const problem = (result.body as { type?: string } | undefined)?.type;
        const answer: Sent = {
          client,
          started,
          ended: Date.now(),
          status: result.status,
          retryAfter: result.headers.get('retry-after'),
          problem,
        };
        sent.push(answer);
        if (result.status >= 200 && result.status < 300) return result;
        const retryable =
          result.status === 503 ||
          (result.status === 409 &&
            (problem === 'urn:dispatch:problem:request-in-progress' ||
              problem === 'urn:dispatch:problem:retry'));
        if (!retryable) {
          unexpected.push(answer);
          return undefined;
        }
        await sleep(Number(answer.retryAfter ?? 0.2) * 1000);
      }
    };
    const worker = async (client: number) => {
      for (let round = 0; !stop; round += 1) {
        const order = await write(client, '/work-orders', {
          title: `Move ${client}-${round}`,
          siteId,
          equipmentTypeId: typeId,
          priority: 'standard',
        });
        if (!order) continue;
        const body = order.body as { id: string; dispatch?: { id: string; status: string } };
        const record: Created = {
          workOrderId: body.id,
          dispatchId: body.dispatch?.id,
          status: body.dispatch?.status,
        };
        created.push(record);
        if (!record.dispatchId) continue;
        for (const to of STEPS) {
          const step = await write(client, `/dispatches/${record.dispatchId}/transitions`, { to });
          if (!step) break;
          record.status = to;
        }
      }
    };
    // Tenant B is read all along: its answers must not notice the move.
    const globexAnswers: number[] = [];
    const reader = async () => {
      while (!stop) {
        globexAnswers.push((await globex.get('/work-orders?limit=5')).status);
        await sleep(200);
      }
    };

    const loadStarted = Date.now();
    const load = Promise.all([
      ...Array.from({ length: CLIENTS }, (_, index) => worker(index)),
      reader(),
    ]);
    let move: MoveTenantResult | undefined;
    let loadStopped = 0;
    try {
      await sleep(6_000);
      move = await moveTenant({
        url: database.url,
        slug: 'acme',
        log: (line) => say(line),
      });
      await sleep(6_000);
    } finally {
      stop = true;
      await load;
      loadStopped = Date.now();
    }

    // What the workload saw.
    if (!move) throw new Error('no move');
    const { startedAt, finishedAt } = move;
    const during = sent.filter((answer) => answer.started < finishedAt && answer.ended > startedAt);
    const latencies = (from: number, to: number) =>
      sent
        .filter((answer) => answer.started >= from && answer.ended < to)
        .map((a) => a.ended - a.started);
    const refused = sent.filter((answer) => answer.status === 503);
    const retried409 = sent.filter((answer) => answer.status === 409);
    const serverErrors = sent.filter((answer) => answer.status >= 500 && answer.status !== 503);
    const cycles = created.filter((record) => record.status === 'completed').length;
    say(
      `move of acme ${move.before.node} -> ${move.after.node}: ${move.seconds.toFixed(1)} s (${move.mode})`,
    );
    say(
      `workload (${CLIENTS} clients, ${sent.length} requests, ${cycles} full cycles, ${created.length} work orders): ` +
        `requests/s before ${rate(sent, loadStarted, startedAt).toFixed(1)}, during ${rate(sent, startedAt, finishedAt).toFixed(1)}, after ${rate(sent, finishedAt, loadStopped).toFixed(1)}`,
    );
    say(
      `latency p50/p99/max ms: before ${percentile(latencies(loadStarted, startedAt), 0.5)}/${percentile(latencies(loadStarted, startedAt), 0.99)}/${percentile(latencies(loadStarted, startedAt), 1)}, ` +
        `during (requests overlapping the move) ${percentile(
          during.map((a) => a.ended - a.started),
          0.5,
        )}/${percentile(
          during.map((a) => a.ended - a.started),
          0.99,
        )}/${Math.max(0, ...during.map((a) => a.ended - a.started))}, ` +
        `after ${percentile(latencies(finishedAt, loadStopped), 0.5)}/${percentile(latencies(finishedAt, loadStopped), 0.99)}/${percentile(latencies(finishedAt, loadStopped), 1)}`,
    );
    say(
      `503 answers retried: ${refused.length} (${refused.filter((a) => a.started < finishedAt && a.ended > startedAt).length} during the move); retryable 409s: ${retried409.length}; other 5xx: ${serverErrors.length}; other refusals: ${unexpected.length}`,
    );

    if (serverErrors.length > 0 || unexpected.length > 0) {
      // What the API logged (LOG_LEVEL error: each 500 with its cause).
      const logFile = path.join(os.tmpdir(), `tenant-move-api-${process.pid}.log`);
      writeFileSync(logFile, api.output);
      say(`the API's log: ${logFile}`);
    }
    // No 5xx reached the clients but 503s with Retry-After, which they retried.
    expect(serverErrors.map((a) => `${a.status} ${a.problem ?? ''}`)).toEqual([]);
    for (const answer of refused) expect(answer.retryAfter).toBe(String(RETRY_AFTER_SECONDS));
    expect(unexpected.map((a) => `${a.status} ${a.problem ?? ''}`)).toEqual([]);
    // The workload went on during and after the move.
    expect(sent.filter((a) => a.ended > finishedAt && a.status < 300).length).toBeGreaterThan(
      CLIENTS,
    );
    expect(cycles).toBeGreaterThan(CLIENTS);

    // The placement changed, and the coordinator routes to the new worker.
    expect(move.after.node).not.toBe(move.before.node);
    expect(move.before.node).toBe(acmeBefore.node);
    expect((await locate('acme')).node).toBe(move.after.node);
    expect(cluster.ports.workers.map((port) => `127.0.0.1:${port}`)).toContain(move.after.node);

    // Every write answered 2xx is there, in the state its last 2xx answer said.
    const orders = await ownerQuery<{ id: string }>(
      'SELECT id FROM tenant_acme.work_orders WHERE id = ANY($1::uuid[])',
      [created.map((record) => record.workOrderId)],
    );
    expect(orders.length).toBe(created.length);
    const withDispatch = created.filter((record) => record.dispatchId);
    const dispatches = await ownerQuery<{ id: string; status: string }>(
      'SELECT id, status FROM tenant_acme.dispatches WHERE id = ANY($1::uuid[])',
      [withDispatch.map((record) => record.dispatchId)],
    );
    const statusOf = new Map(dispatches.map((row) => [row.id, row.status]));
    expect(
      withDispatch.filter((record) => statusOf.get(record.dispatchId as string) !== record.status),
    ).toEqual([]);
    // No double booking, and the engine's other promises.
    expect(await invariantViolations(database.url, 'acme')).toEqual({});
    const overlapping = await ownerQuery(
      `SELECT a.id FROM tenant_acme.dispatches a JOIN tenant_acme.dispatches b
          ON a.id < b.id AND (a.equipment_id = b.equipment_id OR a.driver_id = b.driver_id)
       WHERE a.status IN ('assigned','acknowledged','en_route','on_site')
         AND b.status IN ('assigned','acknowledged','en_route','on_site')`,
    );
    expect(overlapping).toEqual([]);

    // Tenant B: same worker, same rows, every read answered.
    expect((await locate('globex')).node).toBe(globexPlacement.node);
    expect(await counts('tenant_globex')).toEqual(globexBefore);
    expect(globexAnswers.length).toBeGreaterThan(0);
    expect(globexAnswers.filter((status) => status !== 200)).toEqual([]);
    expect(
      await createdId(
        globex.post('/equipment', { code: 'GX-2', name: 'GX 2', equipmentTypeId: globexType }),
      ),
    ).toBeTruthy();
    expect(globexSite).toBeTruthy();
  });
});
