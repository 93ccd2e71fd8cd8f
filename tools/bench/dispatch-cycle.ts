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
 * 4. p50/p99 latency of work-order creation at 100 and 1000 concurrent connections
 *    (`--latency-connections 100,1000`), refusals by admission control (503) counted apart.
 * 5. The API's peak resident memory over the run.
 *
 * `--sql-only` skips 1, 4 and 5 (the API still runs, to set up the tenant's data); `--http-only`
 * stops after 1. `--idempotency-keys` sends every write of 1 with a fresh Idempotency-Key;
 * `--peer` also drives the API and the seeds' Flask peer (tools/bench/peer-flask; needs Debian's
 * python3-flask python3-psycopg2 python3-jwt gunicorn and psql) with one load generator
 * (tools/bench/cycles.mjs) and prints the ratio. `--webhooks` subscribes a local receiver to the cycle's events during 1 and prints the delivery
 * latency (event → receiver) and how long the deliveries took to drain after the run.
 *
 * Starts its own embedded PostgreSQL (or uses the server TEST_DATABASE_URL names) and in-memory
 * Keycloak (as the tests do) and the built API (`npx nx run api:build` first) as a separate
 * process. Needs `pgbench` (on PATH or under /usr/lib/postgresql/<version>/bin).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestInfrastructure } from '../../libs/testing/src/infrastructure';
import { publishTestEnvironment } from '../../libs/testing/src/test-environment';
import { createTestDatabase } from '../../libs/testing/src/database';
import { passwordToken } from '../../libs/testing/src/tokens';
import { ApiClient, createdId } from '../../libs/testing/src/http';
import { freePort } from '../net/ports';
import { ApiProcess } from '../../libs/testing/src/api-process';
import { findPgbench, prepareMinimalLimit } from './minimal-limit';
import { productCycleScript } from './product-statements';
import { jsonPoster, type JsonPoster } from './json-poster';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const SECONDS = option('seconds', 20);
const ONLY_HTTP = process.argv.includes('--http-only');
const SQL_ONLY = process.argv.includes('--sql-only');
/** An ERP's webhook endpoint (on this machine) subscribes to the cycle's events during 1. */
const WEBHOOKS = process.argv.includes('--webhooks');
/** Every write carries a fresh Idempotency-Key, as a careful ERP client sends them (its cost). */
const IDEMPOTENCY_KEYS = process.argv.includes('--idempotency-keys');
const WORKERS = option('workers', 16);
/** Also run the seeds' Flask peer (tools/bench/peer-flask) and the API through the same load generator. */
const PEER = process.argv.includes('--peer');
const LATENCY_CONNECTIONS = (
  process.argv[process.argv.indexOf('--latency-connections') + 1] ?? ''
).includes(',')
  ? process.argv[process.argv.indexOf('--latency-connections') + 1].split(',').map(Number)
  : [100, 1000];
const POOL = option('pool', 20);
const ROUNDS = option('rounds', 3);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
const STEPS = ['acknowledged', 'en_route', 'on_site', 'completed'];

function peakRss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

const CYCLE_EVENTS = [
  'work_order.created',
  'dispatch.assigned',
  'dispatch.acknowledged',
  'dispatch.en_route',
  'dispatch.on_site',
  'dispatch.completed',
  'work_order.completed',
];

/** A local webhook endpoint that records each event's delay after its time (its transaction). */
async function startReceiver(): Promise<{
  url: string;
  latencies: number[];
  drain(expected: number, timeoutMs: number): Promise<number>;
  close(): Promise<void>;
}> {
  const latencies: number[] = [];
  const seen = new Set<string>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const id = String(request.headers['webhook-id']);
      if (!seen.has(id)) {
        seen.add(id);
        const message = JSON.parse(Buffer.concat(chunks).toString()) as { timestamp: string };
        latencies.push(Date.now() - Date.parse(message.timestamp));
      }
      response.statusCode = 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    latencies,
    async drain(expected, timeoutMs) {
      const started = Date.now();
      while (latencies.length < expected && Date.now() - started < timeoutMs) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return Date.now() - started;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function httpCycles(
  write: JsonPoster['post'],
  siteId: string,
  typeId: string,
): Promise<{ cycles: number; perSecond: number; errors: number }> {
  let cycles = 0;
  let errors = 0;
  const deadline = Date.now() + SECONDS * 1000;
  const worker = async () => {
    while (Date.now() < deadline) {
      const order = await write('/work-orders', {
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
        const step = await write(`/dispatches/${dispatchId}/transitions`, { to });
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

function rawSqlCycles(
  pgbench: string,
  databaseUrl: string,
  siteId: string,
  typeId: string,
): { perSecond: number; output: string } {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'dispatch-bench-'));
  const script = path.join(directory, 'cycle.sql');
  writeFileSync(
    script,
    productCycleScript({ agingSeconds: 30 * 60, leadMinutes: 60 }, siteId, typeId),
  );
  const result = spawnSync(
    pgbench,
    [
      '-n',
      // BENCH_STATEMENT_LATENCY=1: pgbench's latency per statement, to see where a cycle's time goes.
      ...(process.env.BENCH_STATEMENT_LATENCY ? ['-r'] : []),
      '-c',
      String(WORKERS),
      '-j',
      '2',
      '-T',
      String(SECONDS),
      '-f',
      script,
      databaseUrl,
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, PGOPTIONS: '-c search_path=tenant_acme' },
    },
  );
  rmSync(directory, { recursive: true, force: true });
  const output = `${result.stdout}${result.stderr}`;
  if (process.env.BENCH_STATEMENT_LATENCY) console.log(output);
  const tps = Number(/tps = ([\d.]+)/.exec(output)?.[1] ?? NaN);
  // pgbench counts one "transaction" per script run: one full cycle.
  return { perSecond: tps, output };
}

/** p-th percentile (0–1) of sorted milliseconds, or NaN when there are none. */
function percentile(sorted: number[], p: number): number {
  return sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/**
 * Work-order creation from `connections` concurrent clients for 10 s, each sending its next order
 * as soon as the last is answered — or, refused with 503, after the answer's Retry-After, as the
 * API asks every client to (README, "Overload and outages"). Latency of the admitted (2xx) answers
 * and of the refusals (503, admission control) counted apart, and anything else.
 */
async function creationLatency(
  baseUrl: string,
  token: string,
  siteId: string,
  typeId: string,
  connections: number,
) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(`${baseUrl}/api/v1/work-orders`);
  const payload = JSON.stringify({
    title: 'Latency',
    siteId,
    equipmentTypeId: typeId,
    priority: 'low',
  });
  const admitted: number[] = [];
  const refused: number[] = [];
  const other = new Map<string, number>();
  const send = () =>
    new Promise<{ status: number; retryAfter: number }>((resolve) => {
      const request = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: 'POST',
          path: target.pathname,
          timeout: 30_000,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (response) => {
          response.resume();
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              retryAfter: Number(response.headers['retry-after'] ?? 1),
            }),
          );
        },
      );
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', () => resolve({ status: 0, retryAfter: 1 }));
      request.end(payload);
    });
  const deadline = Date.now() + 10_000;
  const client = async () => {
    while (Date.now() < deadline) {
      const sentAt = performance.now();
      const { status, retryAfter } = await send();
      const ms = performance.now() - sentAt;
      if (status >= 200 && status < 300) admitted.push(ms);
      else if (status === 503) {
        refused.push(ms);
        await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
      } else other.set(String(status || 'error'), (other.get(String(status || 'error')) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: connections }, client));
  agent.destroy();
  admitted.sort((a, b) => a - b);
  refused.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms);
  return {
    admitted: admitted.length,
    p50: round(percentile(admitted, 0.5)),
    p99: round(percentile(admitted, 0.99)),
    createdPerSecond: admitted.length / 10,
    refused: refused.length,
    refusedP99: round(percentile(refused, 0.99)),
    other: Object.fromEntries(other),
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
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    },
    [
      ...(process.env.BENCH_CPU_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`]
        : []),
      // BENCH_NODE_ARGS="--trace-gc …": more flags for the API's node (its output: BENCH_API_LOG).
      ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    ],
  );
  let siteId = '';
  let typeId = '';
  let keptScript = '';
  try {
    const spawnedAt = performance.now();
    await api.start();
    const coldStartMs = performance.now() - spawnedAt;
    const admin = new ApiClient(`${api.baseUrl}/api/v1`, await passwordToken('acme-admin'));
    const dispatcherToken = await passwordToken('acme-dispatcher');
    const dispatcher = admin.as(dispatcherToken);
    siteId = await createdId(
      admin.post('/sites', {
        name: 'Bench site',
        address: '1 Bench Road',
        latitude: 39.7,
        longitude: -104.9,
      }),
    );
    typeId = await createdId(admin.post('/equipment-types', { code: 'bench', name: 'Bench type' }));
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
    let cyclesRss = 0;
    if (!SQL_ONLY) {
      const receiver = WEBHOOKS ? await startReceiver() : undefined;
      if (receiver) {
        await createdId(admin.post('/webhooks', { url: receiver.url, events: CYCLE_EVENTS }));
      }
      const result = await httpCycles(
        jsonPoster(`${api.baseUrl}/api/v1`, dispatcherToken, {
          sockets: WORKERS,
          headers: (): Record<string, string> =>
            IDEMPOTENCY_KEYS ? { 'idempotency-key': randomUUID() } : {},
        }).post,
        siteId,
        typeId,
      );
      http = result.perSecond;
      cyclesRss = peakRss(api.pid);
      console.log(
        `  HTTP API:       ${result.perSecond.toFixed(1)} cycles/s (${result.cycles} cycles, ${result.errors} errors; ${(result.perSecond * 5).toFixed(0)} requests/s)`,
      );
      if (receiver) {
        const expected = result.cycles * CYCLE_EVENTS.length;
        const drained = await receiver.drain(expected, 120_000);
        const latencies = [...receiver.latencies].sort((a, b) => a - b);
        const at = (p: number) =>
          latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
        console.log(
          `  webhooks:       ${receiver.latencies.length} of ≥${expected} events received, event → receiver p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms; all in ${(drained / 1000).toFixed(1)} s after the run`,
        );
        await receiver.close();
      }
    }
    if (PEER) {
      // One load generator (tools/bench/cycles.mjs, a separate process) for both, back to back.
      const through = (script: string, args: string[], env: NodeJS.ProcessEnv = process.env) => {
        const run = spawnSync(script, args, { encoding: 'utf8', env });
        const output = `${run.stdout}${run.stderr}`;
        return { rate: Number(/cycles_per_s ([\d.]+)/.exec(output)?.[1] ?? NaN), output };
      };
      const product = through(process.execPath, [
        path.join(__dirname, 'cycles.mjs'),
        ...['--base', `${api.baseUrl}/api/v1`, '--token', dispatcherToken],
        ...['--c', String(WORKERS), '--s', String(SECONDS), '--profile', 'dispatch'],
        ...['--body', JSON.stringify({ siteId, equipmentTypeId: typeId })],
        ...['--steps', STEPS.join(',')],
      ]);
      const server = new URL(infrastructure.environment.databaseServerUrl);
      const peer = through(
        'bash',
        [path.join(__dirname, 'peer-flask/run.sh'), String(WORKERS), String(SECONDS)],
        {
          ...process.env,
          PROFILE: 'flask5',
          PEER_PORT: String(await freePort()),
          PGHOST: server.hostname,
          PGPORT: server.port || '5432',
          PGUSER: decodeURIComponent(server.username),
          PGPASSWORD: decodeURIComponent(server.password),
        },
      );
      console.log(
        `\nThe same five-step cycle through one load generator (cycles.mjs), ${WORKERS} workers`,
      );
      console.log(`  API: ${product.rate.toFixed(1)} cycles/s`);
      console.log(
        `  the seeds' Flask peer (Flask + gunicorn + psycopg2): ${peer.rate.toFixed(1)} cycles/s`,
      );
      console.log(`  API / Flask peer: ${ratio(product.rate, peer.rate)}`);
      if (Number.isNaN(peer.rate)) console.log(peer.output.slice(-2000));
    }
    if (!ONLY_HTTP) {
      // The statements alone: the API (its audit sealer, its sweeps) stops before they are measured.
      await api.stop();
      // Same server, same run: the minimal-SQL limit in a throw-away database of its own and the
      // product's statements in the benchmark's database, alternating for ROUNDS rounds (a shared
      // 2-core machine drifts within a minute); each figure is the median of its rounds.
      console.log(`\nThe same cycle as SQL through pgbench, ${ROUNDS} rounds alternating`);
      const limitRuns: number[] = [];
      const productRuns: number[] = [];
      const minimal = await prepareMinimalLimit(
        infrastructure.environment.databaseServerUrl,
        pgbench,
      );
      try {
        for (let round = 0; round < ROUNDS; round += 1) {
          limitRuns.push(minimal.run(WORKERS, SECONDS));
          const raw = rawSqlCycles(pgbench, database.url, siteId, typeId);
          if (Number.isNaN(raw.perSecond)) console.log(raw.output);
          productRuns.push(raw.perSecond);
        }
      } finally {
        await minimal.drop();
      }
      const limit = median(limitRuns);
      const product = median(productRuns);
      const rounds = (runs: number[]) => runs.map((run) => run.toFixed(0)).join(', ');
      console.log(
        `  minimal-SQL limit: ${limit.toFixed(1)} cycles/s (rounds: ${rounds(limitRuns)})`,
      );
      console.log(
        `  product statements (pgbench): ${product.toFixed(1)} cycles/s (rounds: ${rounds(productRuns)})`,
      );
      console.log(
        `  product statements / limit: ${ratio(product, limit)} (per round: ${productRuns.map((run, index) => ratio(run, limitRuns[index])).join(', ')})`,
      );
      if (http !== undefined) {
        console.log(`  HTTP / product statements: ${ratio(http, product)}`);
        console.log(`  HTTP / limit: ${ratio(http, limit)}`);
      }
    }
    if (!SQL_ONLY) {
      // After the SQL rounds (which ran without it), on a fresh API process.
      if (!ONLY_HTTP) await api.start();
      console.log(
        '\nWork-order creation latency (10s each; orders queue once units run out; 503 = refused by admission control)',
      );
      for (const connections of LATENCY_CONNECTIONS) {
        const latency = await creationLatency(
          api.baseUrl,
          dispatcherToken,
          siteId,
          typeId,
          connections,
        );
        console.log(
          `  ${String(connections).padStart(4)} connections: created ${latency.admitted} (${latency.createdPerSecond.toFixed(0)}/s) p50 ${latency.p50} ms, p99 ${latency.p99} ms; refused 503 ${latency.refused} (p99 ${latency.refusedP99} ms); other ${JSON.stringify(latency.other)}`,
        );
      }
      const readyIn = /ready in ([\d.]+)s/.exec(api.output)?.[1];
      console.log(
        `\nAPI cold start: first answer ${coldStartMs.toFixed(0)} ms after spawn (it reports ready in ${readyIn ?? '?'} s)`,
      );
      console.log(
        `\nAPI peak RSS: ${Math.max(cyclesRss, peakRss(api.pid)).toFixed(0)} MB (the HTTP cycles' process and the latency runs')`,
      );
    }
  } finally {
    await api.stop();
    if (process.env.BENCH_API_LOG) writeFileSync(process.env.BENCH_API_LOG, api.output);
    // BENCH_KEEP=<file>: keep the database and write the product's pgbench script there, to
    // measure changes to the statements with pgbench alone (TEST_DATABASE_URL servers only).
    keptScript = productCycleScript({ agingSeconds: 30 * 60, leadMinutes: 60 }, siteId, typeId);
    if (process.env.BENCH_KEEP && process.env.TEST_DATABASE_URL) {
      writeFileSync(process.env.BENCH_KEEP, keptScript);
      console.log(`kept ${database.url}; script in ${process.env.BENCH_KEEP}`);
    } else await database.drop();
    await infrastructure.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
