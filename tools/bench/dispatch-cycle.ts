/**
 * Dispatch benchmark:
 * `npx tsx tools/bench/dispatch-cycle.ts [--seconds 20] [--workers 16] [--sql-only | --http-only]`
 *
 * 1. Full dispatch cycles per second over HTTP: create a work order that is dispatched at once,
 *    then move its dispatch through acknowledged, en route, on site and completed (which frees the
 *    pair) — five requests, five transactions.
 * 2. The minimal-SQL limit: the same five-step cycle as raw SQL on a minimal schema
 *    (tools/bench/limit, minimal-limit.ts), in a throw-away database on the same PostgreSQL server.
 * 3. The product's statements and transactions as raw SQL through pgbench on the same server.
 *    Printed with the ratios product statements / limit and HTTP / product statements.
 * 4. p50/p99 latency of work-order creation at 50 and 500 concurrent connections.
 * 5. The API's peak resident memory over the run.
 *
 * `--sql-only` skips 1, 4 and 5 (the API still runs, to set up the tenant's data); `--http-only`
 * stops after 1.
 *
 * Starts its own embedded PostgreSQL (or uses the server TEST_DATABASE_URL names) and in-memory
 * Keycloak (as the tests do) and the built API (`npx nx run api:build` first) as a separate
 * process. Needs `pgbench` (on PATH or under /usr/lib/postgresql/<version>/bin).
 */
import autocannon from 'autocannon';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestInfrastructure } from '../../libs/testing/src/infrastructure';
import { publishTestEnvironment } from '../../libs/testing/src/test-environment';
import { createTestDatabase } from '../../libs/testing/src/database';
import { passwordToken } from '../../libs/testing/src/tokens';
import { ApiClient, createdId } from '../../libs/testing/src/http';
import { freePort } from '../net/ports';
import { ApiProcess } from '../../libs/testing/src/api-process';
import { findPgbench, measureMinimalLimit } from './minimal-limit';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const SECONDS = option('seconds', 20);
const ONLY_HTTP = process.argv.includes('--http-only');
const SQL_ONLY = process.argv.includes('--sql-only');
const WORKERS = option('workers', 16);
const POOL = option('pool', 20);
const STEPS = ['acknowledged', 'en_route', 'on_site', 'completed'];

function peakRss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

async function httpCycles(
  api: ApiClient,
  siteId: string,
  typeId: string,
): Promise<{ cycles: number; perSecond: number; errors: number }> {
  let cycles = 0;
  let errors = 0;
  const deadline = Date.now() + SECONDS * 1000;
  const worker = async () => {
    while (Date.now() < deadline) {
      const order = await api.post('/work-orders', {
        title: 'Bench',
        siteId,
        equipmentTypeId: typeId,
        priority: 'standard',
      });
      const dispatchId = order.body?.dispatch?.id as string | undefined;
      if (order.status !== 201 || !dispatchId) {
        errors += 1;
        continue;
      }
      let ok = true;
      for (const to of STEPS) {
        const step = await api.post(`/dispatches/${dispatchId}/transitions`, { to });
        if (step.status !== 200) {
          ok = false;
          errors += 1;
          break;
        }
      }
      if (ok) cycles += 1;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: WORKERS }, worker));
  return { cycles, perSecond: cycles / ((Date.now() - started) / 1000), errors };
}

/** The cycle's transactions as plain SQL: the statements the API runs, without HTTP, auth or ORM. */
function pgbenchScript(siteId: string, typeId: string): string {
  const audit = (action: string, entity: string, id: string) =>
    `INSERT INTO audit_events (actor_subject, actor_name, actor_role, action, entity_type, entity_id, after, request_id) VALUES ('bench', 'bench', 'dispatcher', '${action}', '${entity}', ${id}, '{}'::jsonb, 'bench');`;
  const step = (status: string, column: string) => `BEGIN;
SELECT id, status FROM dispatches WHERE id = :dispatch_id FOR UPDATE;
UPDATE dispatches SET status = '${status}', ${column} = now(), updated_at = now() WHERE id = :dispatch_id;
${audit(`dispatch.${status}`, 'dispatch', ':dispatch_id')}
COMMIT;`;
  return `BEGIN;
INSERT INTO work_orders (title, site_id, equipment_type_id, priority, status, created_by) VALUES ('Bench', '${siteId}', '${typeId}', 'standard', 'queued', 'bench') RETURNING quote_literal(id) AS order_id \\gset
${audit('work_order.created', 'work_order', ':order_id')}
SAVEPOINT fast_match;
SELECT wo.id FROM work_orders wo JOIN sites s ON s.id = wo.site_id WHERE wo.id = :order_id AND wo.status = 'queued' FOR UPDATE OF wo;
SELECT qualification_id FROM equipment_type_required_qualifications WHERE equipment_type_id = '${typeId}' UNION SELECT qualification_id FROM work_order_required_qualifications WHERE work_order_id = :order_id;
SELECT quote_literal(e.id) AS unit_id FROM equipment e WHERE e.equipment_type_id = '${typeId}' AND e.status = 'available' ORDER BY (SELECT count(*) FROM dispatches x WHERE x.equipment_id = e.id AND x.assigned_at >= date_trunc('day', now())), e.code LIMIT 1 FOR UPDATE OF e SKIP LOCKED \\gset
SELECT quote_literal(d.id) AS driver_id FROM drivers d WHERE d.duty_status = 'on_duty' AND d.active_dispatch_id IS NULL ORDER BY (SELECT count(*) FROM dispatches x WHERE x.driver_id = d.id AND x.assigned_at >= date_trunc('day', now())), d.name LIMIT 1 FOR UPDATE OF d SKIP LOCKED \\gset
INSERT INTO dispatches (work_order_id, equipment_id, driver_id, status, dispatched_by, assigned_at) VALUES (:order_id, :unit_id, :driver_id, 'assigned', 'auto', now()) RETURNING quote_literal(id) AS dispatch_id \\gset
UPDATE equipment SET status = 'dispatched', updated_at = now() WHERE id = :unit_id;
UPDATE drivers SET active_dispatch_id = :dispatch_id, updated_at = now() WHERE id = :driver_id;
UPDATE work_orders SET status = 'dispatched', updated_at = now() WHERE id = :order_id;
${audit('dispatch.assigned', 'dispatch', ':dispatch_id')}
RELEASE SAVEPOINT fast_match;
COMMIT;
${step('acknowledged', 'acknowledged_at')}
${step('en_route', 'en_route_at')}
${step('on_site', 'on_site_at')}
BEGIN;
SELECT pg_advisory_xact_lock(1, hashtext(current_schema()));
SELECT id FROM dispatches WHERE id = :dispatch_id FOR UPDATE;
UPDATE dispatches SET status = 'completed', completed_at = now(), updated_at = now() WHERE id = :dispatch_id;
UPDATE equipment SET status = 'available', updated_at = now() WHERE id = :unit_id AND status = 'dispatched';
UPDATE drivers SET active_dispatch_id = NULL, updated_at = now() WHERE id = :driver_id;
UPDATE work_orders SET status = 'completed', completed_at = now(), updated_at = now() WHERE id = :order_id;
${audit('dispatch.completed', 'dispatch', ':dispatch_id')}
${audit('work_order.completed', 'work_order', ':order_id')}
SELECT equipment_type_id, count(*) FROM equipment WHERE status = 'available' GROUP BY equipment_type_id;
SELECT count(*) FROM drivers WHERE duty_status = 'on_duty' AND active_dispatch_id IS NULL;
SELECT wo.id FROM work_orders wo WHERE wo.status = 'queued' AND wo.equipment_type_id = '${typeId}';
COMMIT;
`;
}

function rawSqlCycles(
  pgbench: string,
  databaseUrl: string,
  siteId: string,
  typeId: string,
): { perSecond: number; output: string } {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'dispatch-bench-'));
  const script = path.join(directory, 'cycle.sql');
  writeFileSync(script, pgbenchScript(siteId, typeId));
  const result = spawnSync(
    pgbench,
    ['-n', '-c', String(WORKERS), '-j', '2', '-T', String(SECONDS), '-f', script, databaseUrl],
    {
      encoding: 'utf8',
      env: { ...process.env, PGOPTIONS: '-c search_path=tenant_acme' },
    },
  );
  const output = `${result.stdout}${result.stderr}`;
  const tps = Number(/tps = ([\d.]+)/.exec(output)?.[1] ?? NaN);
  // pgbench counts one "transaction" per script run: one full cycle.
  return { perSecond: tps, output };
}

async function creationLatency(
  baseUrl: string,
  token: string,
  siteId: string,
  typeId: string,
  connections: number,
) {
  const result = await autocannon({
    url: `${baseUrl}/api/v1/work-orders`,
    method: 'POST',
    connections,
    duration: 10,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Latency', siteId, equipmentTypeId: typeId, priority: 'low' }),
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    requestsPerSecond: result.requests.average,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** A ratio of two rates, or n/a when either is missing. */
function ratio(numerator: number, denominator: number): string {
  const value = numerator / denominator;
  return Number.isFinite(value) ? value.toFixed(2) : 'n/a';
}

async function main(): Promise<void> {
  if (SQL_ONLY && ONLY_HTTP) throw new Error('--sql-only and --http-only exclude each other');
  // Before the build and the HTTP run: a missing pgbench should fail at once, not after them.
  const pgbench = ONLY_HTTP ? 'pgbench' : findPgbench();
  execFileSync('npx', ['nx', 'run', 'api:build'], {
    stdio: 'ignore',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
  const infrastructure = await startTestInfrastructure((line) => console.error(`[bench] ${line}`));
  publishTestEnvironment(infrastructure.environment);
  const database = await createTestDatabase();
  const api = new ApiProcess(
    {
      DATABASE_URL: database.apiUrl,
      MIGRATION_DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: String(POOL),
      KEYCLOAK_URL: infrastructure.environment.keycloakUrl,
      PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      SCHEDULE_SWEEP_SECONDS: '0',
    },
    process.env.BENCH_CPU_PROFILE
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`]
      : [],
  );
  try {
    await api.start();
    const admin = new ApiClient(`${api.baseUrl}/api/v1`, await passwordToken('acme-admin'));
    const dispatcherToken = await passwordToken('acme-dispatcher');
    const dispatcher = admin.as(dispatcherToken);
    const siteId = await createdId(
      admin.post('/sites', {
        name: 'Bench site',
        address: '1 Bench Road',
        latitude: 39.7,
        longitude: -104.9,
      }),
    );
    const typeId = await createdId(
      admin.post('/equipment-types', { code: 'bench', name: 'Bench type' }),
    );
    for (let index = 0; index < WORKERS * 2; index += 1) {
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
    await dispatcher.post('/work-orders', {
      title: 'Warm-up',
      siteId,
      equipmentTypeId: typeId,
      priority: 'standard',
    });

    console.log(
      `\nFull dispatch cycles (create → dispatched → 4 steps → completed), ${WORKERS} concurrent workers, ${SECONDS}s each`,
    );
    let http: number | undefined;
    if (!SQL_ONLY) {
      const result = await httpCycles(dispatcher, siteId, typeId);
      http = result.perSecond;
      console.log(
        `  HTTP API:       ${result.perSecond.toFixed(1)} cycles/s (${result.cycles} cycles, ${result.errors} errors; ${(result.perSecond * 5).toFixed(0)} requests/s)`,
      );
    }
    if (ONLY_HTTP) return;
    // Same server, same run: the minimal-SQL limit in a throw-away database of its own, then the
    // product's statements in the benchmark's database. A failure of one still lets the other run.
    let limit = NaN;
    try {
      limit = await measureMinimalLimit({
        serverUrl: infrastructure.environment.databaseServerUrl,
        workers: WORKERS,
        seconds: SECONDS,
        pgbench,
      });
    } catch (error) {
      console.log(error instanceof Error ? error.message : String(error));
    }
    console.log(`  minimal-SQL limit: ${limit.toFixed(1)} cycles/s`);
    const raw = rawSqlCycles(pgbench, database.url, siteId, typeId);
    if (Number.isNaN(raw.perSecond)) console.log(raw.output);
    console.log(`  product statements (pgbench): ${raw.perSecond.toFixed(1)} cycles/s`);
    console.log(`  product statements / limit: ${ratio(raw.perSecond, limit)}`);
    if (http !== undefined) {
      console.log(`  HTTP / product statements: ${ratio(http, raw.perSecond)}`);
      console.log(`  HTTP / limit: ${ratio(http, limit)}`);
    }
    if (SQL_ONLY) return;

    console.log('\nWork-order creation latency (10s each; orders queue once units run out)');
    for (const connections of [50, 500]) {
      const latency = await creationLatency(
        api.baseUrl,
        dispatcherToken,
        siteId,
        typeId,
        connections,
      );
      console.log(
        `  ${String(connections).padStart(3)} connections: p50 ${latency.p50} ms, p99 ${latency.p99} ms, ${latency.requestsPerSecond.toFixed(0)} req/s, non-2xx ${latency.non2xx}, errors ${latency.errors}`,
      );
    }
    console.log(`\nAPI peak RSS: ${peakRss(api.pid).toFixed(0)} MB`);
  } finally {
    await api.stop();
    await database.drop();
    await infrastructure.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
