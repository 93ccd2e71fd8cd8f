/**
 * Dispatch cycles on a Citus cluster against a single PostgreSQL 15, in one run:
 * `npx tsx tools/bench/citus.ts [--seconds 15] [--workers 8] [--rounds 2] [--tenants 20]
 *  [--tenant-seconds 20] [--clients-per-tenant 2] [--single-url postgres://postgres@127.0.0.1:5432/postgres]`
 *
 * 1. The same five-request cycle as dispatch-cycle.ts (create a work order dispatched at once,
 *    acknowledged, en route, on site, completed) through the built API, `--workers` concurrent
 *    clients on tenant acme, `--seconds` each, alternating `--rounds` times between the API on
 *    the single server (`--single-url`, default the machine's PostgreSQL 15) and the API on the
 *    coordinator of a Citus 13.2.2 cluster started here (a coordinator and two workers on free
 *    ports, tools/citus). Prints cycles/s of each (median of the rounds) and the ratio.
 * 2. Many tenants on the cluster: `--tenants` tenants provisioned (each a distributed schema on
 *    one worker, with a Keycloak admin of its own), `--clients-per-tenant` clients each running
 *    cycles for `--tenant-seconds`; prints per tenant the worker it lives on, the cycles and
 *    requests it got, and Citus's own count (citus_stat_tenants, tracking switched on for the
 *    benchmark's database), then per worker the tenants, requests and queries it served.
 *
 * The API runs with rate limiting off and admission control above the client count, so that
 * what is measured is the database path. Keycloak: TEST_KEYCLOAK_URL, else one in memory.
 * Builds the API first (`npx nx run api:build`). Stops everything it started.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { provisionTenant } from '@dispatch/domain';
import { withPostgresClient } from '../db/postgres-client';
import { ApiProcess } from '../../libs/testing/src/api-process';
import {
  apiDatabaseUrl,
  createDemoDatabase,
  createTestDatabase,
  databaseUrl,
} from '../../libs/testing/src/database';
import { ApiClient, createdId } from '../../libs/testing/src/http';
import { startTestInfrastructure } from '../../libs/testing/src/infrastructure';
import { KeycloakAdmin } from '../../libs/testing/src/keycloak-admin';
import { publishTestEnvironment } from '../../libs/testing/src/test-environment';
import { passwordToken } from '../../libs/testing/src/tokens';
import { ensureCitusInstalled } from '../citus/build';
import {
  type CitusCluster,
  type CitusNodes,
  dropCitusDatabase,
  startCitusCluster,
} from '../citus/cluster';
import { freePort } from '../net/ports';
import { jsonPoster, type JsonPoster } from './json-poster';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    workers: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '2' },
    tenants: { type: 'string', default: '20' },
    'tenant-seconds': { type: 'string', default: '20' },
    'clients-per-tenant': { type: 'string', default: '2' },
    'single-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const SECONDS = Number(values.seconds);
const WORKERS = Number(values.workers);
const ROUNDS = Number(values.rounds);
const TENANTS = Number(values.tenants);
const TENANT_SECONDS = Number(values['tenant-seconds']);
const CLIENTS_PER_TENANT = Number(values['clients-per-tenant']);
const STEPS = ['acknowledged', 'en_route', 'on_site', 'completed'];
const say = (line: string) => process.stdout.write(`${line}\n`);
const note = (line: string) => process.stderr.write(`[bench:citus] ${line}\n`);

function median(runs: number[]): number {
  const sorted = [...runs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

interface CycleCount {
  cycles: number;
  requests: number;
  errors: number;
}

/** One client's cycles until `deadline`. */
async function runCycles(
  post: JsonPoster['post'],
  siteId: string,
  typeId: string,
  deadline: number,
  count: CycleCount,
): Promise<void> {
  while (Date.now() < deadline) {
    const order = await post('/work-orders', {
      title: 'Bench',
      siteId,
      equipmentTypeId: typeId,
      priority: 'standard',
    });
    count.requests += 1;
    const dispatchId = order.body?.dispatch?.id;
    if (order.status !== 201 || !dispatchId) {
      count.errors += 1;
      continue;
    }
    let ok = true;
    for (const to of STEPS) {
      const step = await post(`/dispatches/${dispatchId}/transitions`, { to });
      count.requests += 1;
      if (step.status !== 200) {
        ok = false;
        count.errors += 1;
        break;
      }
    }
    if (ok) count.cycles += 1;
  }
}

/** A site, an equipment type and `units` units and on-duty drivers, through the API. */
async function setUp(admin: ApiClient, units: number): Promise<{ siteId: string; typeId: string }> {
  const siteId = await createdId(
    admin.post('/sites', {
      name: 'Bench site',
      address: '1 Bench Road',
      latitude: 52.5,
      longitude: 13.4,
    }),
  );
  const typeId = await createdId(
    admin.post('/equipment-types', { code: 'bench', name: 'Bench type' }),
  );
  for (let index = 0; index < units; index += 1) {
    await createdId(
      admin.post('/equipment', {
        code: `B-${index}`,
        name: `Bench ${index}`,
        equipmentTypeId: typeId,
      }),
    );
    await createdId(
      admin.post('/drivers', {
        name: `Bench driver ${index}`,
        dutyStatus: 'on_duty',
        qualifications: [],
      }),
    );
  }
  return { siteId, typeId };
}

async function startApi(
  ownerUrl: string,
  apiUrl: string,
  keycloakUrl: string,
): Promise<ApiProcess> {
  const api = new ApiProcess({
    DATABASE_URL: apiUrl,
    MIGRATION_DATABASE_URL: ownerUrl,
    DATABASE_POOL_SIZE: '20',
    KEYCLOAK_URL: keycloakUrl,
    PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
    SCHEDULE_SWEEP_SECONDS: '0',
    RATE_LIMIT_ENABLED: 'false',
    MAX_IN_FLIGHT_REQUESTS: '500',
  });
  await api.start(60_000);
  return api;
}

interface Target {
  name: string;
  ownerUrl: string;
  apiUrl: string;
  api?: ApiProcess;
  siteId?: string;
  typeId?: string;
  runs: number[];
}

/**
 * What the API's sessions on the server were doing until `deadline`, sampled every 250 ms from
 * pg_stat_activity: the most frequent states and wait events (on Citus: the coordinator's).
 */
async function sampleWaits(ownerUrl: string, deadline: number): Promise<string> {
  const seen = new Map<string, number>();
  let samples = 0;
  await withPostgresClient(ownerUrl, async (client) => {
    while (Date.now() < deadline) {
      const { rows } = await client.query<{ what: string }>(
        `SELECT CASE WHEN state = 'active'
                     THEN 'active:' || coalesce(wait_event_type || '/' || wait_event, 'CPU')
                          || ' [' || regexp_replace(left(query, 50), '[[:space:]]+', ' ', 'g') || ']'
                     ELSE coalesce(state, '?') END AS what
           FROM pg_stat_activity
          WHERE datname = current_database() AND usename <> current_user AND backend_type = 'client backend'`,
      );
      samples += 1;
      for (const row of rows) seen.set(row.what, (seen.get(row.what) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });
  return [...seen.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([what, n]) => `${what} ${(n / Math.max(samples, 1)).toFixed(1)}`)
    .join(', ');
}

async function main(): Promise<void> {
  execFileSync('npx', ['nx', 'run-many', '-t', 'build', '--projects=domain,api'], {
    stdio: 'ignore',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
  // The single server hosts the template and the single-node database; Keycloak as the tests have it.
  process.env.TEST_DATABASE_URL = values['single-url'];
  delete process.env.TEST_CITUS_CLUSTER;
  const infrastructure = await startTestInfrastructure(note);
  publishTestEnvironment(infrastructure.environment);
  const keycloakUrl = infrastructure.environment.keycloakUrl;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dispatch-bench-citus-'));
  chmodSync(dir, 0o755);
  let cluster: CitusCluster | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const single = await createTestDatabase();
    cleanups.push(() => single.drop());
    await ensureCitusInstalled(note);
    cluster = await startCitusCluster({ dataDir: path.join(dir, 'cluster'), log: note });
    const nodes: CitusNodes = {
      coordinatorUrl: cluster.coordinatorUrl,
      workerUrls: cluster.workerUrls,
    };
    const citusName = `dispatch_bench_${process.pid}`;
    const citusOwnerUrl = await createDemoDatabase(
      databaseUrl(cluster.coordinatorUrl, 'postgres'),
      citusName,
      nodes,
    );
    cleanups.push(() => dropCitusDatabase(nodes, citusName));
    const targets: Target[] = [
      { name: 'single PostgreSQL 15', ownerUrl: single.url, apiUrl: single.apiUrl, runs: [] },
      {
        name: 'Citus (coordinator + 2 workers)',
        ownerUrl: citusOwnerUrl,
        apiUrl: apiDatabaseUrl(citusOwnerUrl),
        runs: [],
      },
    ];
    const adminToken = await passwordToken('acme-admin');
    for (const target of targets) {
      target.api = await startApi(target.ownerUrl, target.apiUrl, keycloakUrl);
      cleanups.push(async () => target.api?.stop());
      const admin = new ApiClient(`${target.api.baseUrl}/api/v1`, adminToken);
      Object.assign(target, await setUp(admin, WORKERS * 2));
    }

    say(
      `\nDispatch cycles (create → dispatched → 4 steps → completed), ${WORKERS} clients on tenant acme, ${SECONDS} s a round, ${ROUNDS} rounds alternating`,
    );
    for (let round = 0; round < ROUNDS && !interrupted; round += 1) {
      for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
        if (!target.api || !target.siteId || !target.typeId) continue;
        const { post, close } = jsonPoster(`${target.api.baseUrl}/api/v1`, adminToken, {
          sockets: WORKERS,
        });
        const count: CycleCount = { cycles: 0, requests: 0, errors: 0 };
        const started = Date.now();
        const deadline = started + SECONDS * 1000;
        const waits = sampleWaits(target.ownerUrl, deadline);
        await Promise.all(
          Array.from({ length: WORKERS }, () =>
            runCycles(post, target.siteId as string, target.typeId as string, deadline, count),
          ),
        );
        close();
        const seen = await waits;
        const rate = count.cycles / ((Date.now() - started) / 1000);
        target.runs.push(rate);
        say(
          `  round ${round + 1} ${target.name}: ${rate.toFixed(1)} cycles/s (${count.cycles} cycles, ${count.requests} requests, ${count.errors} errors)`,
        );
        say(`    the API's sessions on ${target.name} (sampled): ${seen}`);
      }
    }
    const [plain, citus] = targets as [Target, Target];
    const plainRate = median(plain.runs);
    const citusRate = median(citus.runs);
    say(`  ${plain.name}: ${plainRate.toFixed(1)} cycles/s (median)`);
    say(`  ${citus.name}: ${citusRate.toFixed(1)} cycles/s (median)`);
    say(`  Citus / single: ${(citusRate / plainRate).toFixed(2)}`);
    await plain.api?.stop();

    if (TENANTS > 0 && !interrupted) {
      await manyTenants(citus, citusOwnerUrl, keycloakUrl);
    }
  } finally {
    for (const cleanup of cleanups.reverse())
      await cleanup().catch((error: unknown) => note(`cleanup: ${String(error)}`));
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
    await infrastructure.stop();
  }
}

/** `--tenants` tenants on the cluster, load spread over them, who served what. */
async function manyTenants(citus: Target, ownerUrl: string, keycloakUrl: string): Promise<void> {
  const slugs = Array.from(
    { length: TENANTS },
    (_, index) => `load-${String(index + 1).padStart(2, '0')}`,
  );
  const provisionStarted = Date.now();
  for (const slug of slugs)
    await provisionTenant({ url: ownerUrl }, { slug, name: `Load ${slug}` });
  note(
    `${TENANTS} tenants provisioned in ${((Date.now() - provisionStarted) / 1000).toFixed(0)} s`,
  );
  const keycloak = await KeycloakAdmin.connect();
  for (const slug of slugs) await keycloak.createUser(`${slug}-admin`, slug, 'admin');
  // Citus counts each tenant's queries once tracking is on for new sessions (set on the
  // coordinator, which propagates it: a worker refuses ALTER DATABASE).
  const database = new URL(ownerUrl).pathname.slice(1);
  const tracking = await withPostgresClient(ownerUrl, (client) =>
    client.query(`ALTER DATABASE ${database} SET citus.stat_tenants_track = 'all'`),
  ).then(
    () => true,
    (error: unknown) => {
      note(`citus_stat_tenants not switched on: ${String(error)}`);
      return false;
    },
  );
  // A fresh API: its connections start with tracking on.
  await citus.api?.stop();
  citus.api = await startApi(ownerUrl, citus.apiUrl, keycloakUrl);
  const baseUrl = `${citus.api.baseUrl}/api/v1`;

  const placement = new Map<string, string>();
  await withPostgresClient(ownerUrl, async (client) => {
    const { rows } = await client.query<{ schema: string; node: string }>(
      `SELECT s.schema_name::text AS schema, min(sh.nodename || ':' || sh.nodeport) AS node
         FROM citus_schemas s JOIN citus_shards sh ON sh.colocation_id = s.colocation_id
        GROUP BY s.schema_name`,
    );
    for (const row of rows) placement.set(row.schema, row.node);
  });
  const tenants: {
    slug: string;
    schema: string;
    token: string;
    siteId: string;
    typeId: string;
    count: CycleCount;
  }[] = [];
  for (const slug of slugs) {
    const token = await passwordToken(
      `${slug}-admin`,
      'demo',
      'dispatch-cli',
      'dispatch',
      keycloakUrl,
    );
    const { siteId, typeId } = await setUp(new ApiClient(baseUrl, token), CLIENTS_PER_TENANT * 2);
    tenants.push({
      slug,
      schema: `tenant_${slug.replace(/-/g, '_')}`,
      token,
      siteId,
      typeId,
      count: { cycles: 0, requests: 0, errors: 0 },
    });
  }
  if (tracking)
    await withPostgresClient(ownerUrl, (client) =>
      client.query('SELECT citus_stat_tenants_reset()'),
    );

  const clients = TENANTS * CLIENTS_PER_TENANT;
  say(
    `\nMany tenants on Citus: ${TENANTS} tenants, ${CLIENTS_PER_TENANT} clients each (${clients} clients), ${TENANT_SECONDS} s`,
  );
  const started = Date.now();
  const deadline = started + TENANT_SECONDS * 1000;
  const posters = tenants.map((tenant) =>
    jsonPoster(baseUrl, tenant.token, { sockets: CLIENTS_PER_TENANT }),
  );
  await Promise.all(
    tenants.flatMap((tenant, index) =>
      Array.from({ length: CLIENTS_PER_TENANT }, () =>
        runCycles(
          (posters[index] as JsonPoster).post,
          tenant.siteId,
          tenant.typeId,
          deadline,
          tenant.count,
        ),
      ),
    ),
  );
  const elapsed = (Date.now() - started) / 1000;
  for (const entry of posters) entry.close();

  const queries = new Map<string, number>();
  if (tracking) {
    await withPostgresClient(ownerUrl, async (client) => {
      const { rows } = await client.query<{ tenant_attribute: string; queries: string }>(
        `SELECT tenant_attribute,
                sum(query_count_in_this_period + query_count_in_last_period) AS queries
           FROM citus_stat_tenants(true) GROUP BY tenant_attribute`,
      );
      for (const row of rows) queries.set(row.tenant_attribute, Number(row.queries));
    });
  }
  const total = tenants.reduce((sum, tenant) => sum + tenant.count.cycles, 0);
  say(`  ${(total / elapsed).toFixed(1)} cycles/s in all (${total} cycles)`);
  say('  tenant    worker            cycles  requests  errors  Citus queries');
  for (const tenant of tenants)
    say(
      `  ${tenant.slug.padEnd(9)} ${(placement.get(tenant.schema) ?? '?').padEnd(17)} ${String(tenant.count.cycles).padStart(6)}  ${String(tenant.count.requests).padStart(8)}  ${String(tenant.count.errors).padStart(6)}  ${String(queries.get(tenant.schema) ?? '-').padStart(13)}`,
    );
  const workers = [...new Set(tenants.map((tenant) => placement.get(tenant.schema) ?? '?'))].sort();
  for (const worker of workers) {
    const here = tenants.filter((tenant) => placement.get(tenant.schema) === worker);
    const requests = here.reduce((sum, tenant) => sum + tenant.count.requests, 0);
    const cycles = here.reduce((sum, tenant) => sum + tenant.count.cycles, 0);
    const counted = here.reduce((sum, tenant) => sum + (queries.get(tenant.schema) ?? 0), 0);
    say(
      `  worker ${worker}: ${here.length} tenants, ${cycles} cycles, ${requests} requests (${(requests / elapsed).toFixed(1)}/s)${queries.size > 0 ? `, ${counted} queries (citus_stat_tenants)` : ''}`,
    );
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
