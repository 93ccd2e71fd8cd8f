/**
 * Reports and audit benchmark over a year of history:
 *
 *   npx tsx tools/bench/reports.ts [--regenerate] [--dispatches 1050000] [--runs 5] [--no-build]
 *
 * 1. Builds the API (`npx nx run api:build`; a failed build falls back to the existing dist).
 * 2. Starts embedded PostgreSQL on a persistent data directory, `.data/bench-history` (database
 *    `dispatch_bench`), and generates the history of tenant `bench` there once
 *    (tools/bench/generate-history.ts, about 4 minutes for 1.05 M dispatches); later runs reuse it,
 *    `--regenerate` makes a new one.
 * 3. Starts an in-memory Keycloak, creates the user `bench-admin` (role admin, tenant `bench`) and
 *    the built API (sweeps and audit sealing off, so the API changes nothing while it is measured).
 * 4. Times every request over HTTP: one warm-up, then the median (and min, max) of --runs runs, the
 *    whole body read. It prints what it measures and asserts nothing about speed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { ensureApiLogin } from '@dispatch/domain';
import { API_MAIN, ApiProcess } from '../../libs/testing/src/api-process';
import { KeycloakAdmin } from '../../libs/testing/src/keycloak-admin';
import { publishTestEnvironment } from '../../libs/testing/src/test-environment';
import { jwtPayload, passwordToken } from '../../libs/testing/src/tokens';
import { startKeycloak } from '../keycloak/keycloak';
import { freePort } from '../net/ports';
import { serverUrl, startEmbeddedPostgres } from '../postgres/embedded-postgres';
import { generateHistory, tenantHasData } from './generate-history';

const TENANT = 'bench';
const DATABASE = 'dispatch_bench';
const USER = 'bench-admin';
const TIME_ZONE = 'Europe/Berlin';
const DATA_DIR = path.resolve(__dirname, '..', '..', '.data', 'bench-history');

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const RUNS = option('runs', 5);
const DISPATCHES = option('dispatches', 1_050_000);
const REGENERATE = process.argv.includes('--regenerate');
const BUILD = !process.argv.includes('--no-build');

const log = (line: string) => console.error(`[bench] ${line}`);

interface Sample {
  status: number;
  ms: number;
  bytes: number;
  body: string;
}

interface Measurement {
  group: string;
  name: string;
  status: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  bytes: number;
  rows: string;
}

class Session {
  private token = '';

  constructor(private readonly baseUrl: string) {}

  private async bearer(): Promise<string> {
    if (!this.token || jwtPayload(this.token).exp * 1000 - Date.now() < 120_000)
      this.token = await passwordToken(USER);
    return this.token;
  }

  async get(pathAndQuery: string): Promise<Sample> {
    const authorization = `Bearer ${await this.bearer()}`;
    const began = performance.now();
    const response = await fetch(`${this.baseUrl}/api/v1${pathAndQuery}`, {
      headers: { authorization },
    });
    const body = Buffer.from(await response.arrayBuffer());
    const ms = performance.now() - began;
    return { status: response.status, ms, bytes: body.length, body: body.toString('utf8') };
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Rows in a JSON answer (`rows` or `items`) or data lines of a CSV answer. */
function rowsOf(sample: Sample): string {
  if (sample.status !== 200) return '';
  try {
    const parsed = JSON.parse(sample.body) as { rows?: unknown[]; items?: unknown[] };
    const list = parsed.rows ?? parsed.items;
    return Array.isArray(list) ? String(list.length) : '';
  } catch {
    // CSV: quoted fields may hold newlines (the audit's JSON does not), so count record starts roughly.
    return String(
      Math.max(0, sample.body.split('\n').filter((line) => line.length > 0).length - 1),
    );
  }
}

async function measure(
  session: Session,
  results: Measurement[],
  group: string,
  name: string,
  pathAndQuery: string,
): Promise<Sample> {
  const warmUp = await session.get(pathAndQuery);
  const samples: Sample[] = [];
  for (let run = 0; run < RUNS; run += 1) samples.push(await session.get(pathAndQuery));
  const statuses = [...new Set([warmUp, ...samples].map((sample) => sample.status))].join('/');
  const times = samples.map((sample) => sample.ms);
  const measurement: Measurement = {
    group,
    name,
    status: statuses,
    medianMs: median(times),
    minMs: Math.min(...times),
    maxMs: Math.max(...times),
    bytes: samples[samples.length - 1].bytes,
    rows: rowsOf(samples[samples.length - 1]),
  };
  results.push(measurement);
  log(
    `${group} ${name}: ${measurement.status} median ${measurement.medianMs.toFixed(0)} ms (${measurement.bytes} bytes)`,
  );
  return samples[samples.length - 1];
}

function printTable(results: Measurement[]): void {
  const header = ['what', 'HTTP', 'median ms', 'min ms', 'max ms', 'bytes', 'rows'];
  const lines = results.map((result) => [
    `${result.group}: ${result.name}`,
    result.status,
    result.medianMs.toFixed(1),
    result.minMs.toFixed(1),
    result.maxMs.toFixed(1),
    String(result.bytes),
    result.rows,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column].length)),
  );
  const format = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
      )
      .join('  ');
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const line of lines) console.log(format(line));
}

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

interface Fixture {
  from: string;
  to: string;
  firstOrder: string;
  lastOrder: string;
  siteId: string;
  siteName: string;
  typeId: string;
  typeCode: string;
  driverSubject: string;
  driverName: string;
  workOrderId: string;
  workOrderNumber: number;
  middleDay: string;
  minAuditId: string;
  maxAuditId: string;
  counts: Record<string, string>;
}

/** What the requests ask for, read from the generated data. */
async function fixture(url: string): Promise<Fixture> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`SET search_path = tenant_${TENANT}`);
    const [range] = (
      await client.query(
        `SELECT to_char(min(created_at) AT TIME ZONE $1, 'YYYY-MM-DD') AS first_day,
                to_char(max(created_at) AT TIME ZONE $1, 'YYYY-MM-DD') AS last_day,
                min(created_at)::text AS first_order, max(created_at)::text AS last_order,
                max(number) AS max_number
           FROM work_orders`,
        [TIME_ZONE],
      )
    ).rows;
    const [site] = (
      await client.query(
        `SELECT s.id, s.name FROM work_orders o JOIN sites s ON s.id = o.site_id GROUP BY s.id, s.name ORDER BY count(*) DESC LIMIT 1`,
      )
    ).rows;
    const [type] = (
      await client.query(`SELECT id, code FROM equipment_types WHERE code = 'excavator'`)
    ).rows;
    const [driver] = (
      await client.query(
        `SELECT d.keycloak_subject, d.username FROM dispatches x JOIN drivers d ON d.id = x.driver_id
          GROUP BY d.id ORDER BY count(*) DESC LIMIT 1`,
      )
    ).rows;
    const [order] = (
      await client.query(`SELECT id, number FROM work_orders WHERE number = $1`, [
        Math.floor(Number(range.max_number) / 2),
      ])
    ).rows;
    const [audit] = (
      await client.query(`SELECT min(id)::text AS min, max(id)::text AS max FROM audit_events`)
    ).rows;
    const [counts] = (
      await client.query(
        `SELECT (SELECT count(*) FROM work_orders) AS work_orders, (SELECT count(*) FROM dispatches) AS dispatches,
                (SELECT count(*) FROM assignment_periods) AS assignment_periods,
                (SELECT count(*) FROM audit_events) AS audit_events`,
      )
    ).rows;
    const to = range.last_day as string;
    return {
      from: addDays(to, -364),
      to,
      firstOrder: range.first_order,
      lastOrder: range.last_order,
      siteId: site.id,
      siteName: site.name,
      typeId: type.id,
      typeCode: type.code,
      driverSubject: driver.keycloak_subject,
      driverName: driver.username,
      workOrderId: order.id,
      workOrderNumber: order.number,
      middleDay: addDays(to, -182),
      minAuditId: audit.min,
      maxAuditId: audit.max,
      counts,
    };
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const began = Date.now();
  if (BUILD) {
    try {
      execFileSync('npx', ['nx', 'run', 'api:build'], {
        stdio: 'ignore',
        env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      });
    } catch {
      if (!existsSync(API_MAIN))
        throw new Error('npx nx run api:build failed and there is no built API');
      log('npx nx run api:build failed: measuring the API built before');
    }
  }

  const postgres = await startEmbeddedPostgres({
    dataDir: DATA_DIR,
    port: await freePort(),
    persistent: true,
  });
  log(`embedded PostgreSQL on port ${postgres.port} (data in ${postgres.dataDir})`);
  const stops: (() => Promise<void>)[] = [() => postgres.stop()];
  try {
    // Keycloak starts while the database is prepared (and the history generated, if need be).
    const keycloakStarting = freePort().then((port) =>
      startKeycloak({ port, database: 'dev-mem' }),
    );
    stops.unshift(async () => (await keycloakStarting.catch(() => undefined))?.stop());

    const admin = new Client({ connectionString: postgres.url });
    await admin.connect();
    const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
    // This server is the benchmark's own: room for the WAL of a bulk load without forced checkpoints.
    await admin.query(`ALTER SYSTEM SET max_wal_size = '8GB'`);
    await admin.query(`SELECT pg_reload_conf()`);
    await admin.end();
    const databaseUrl = serverUrl(postgres.port, DATABASE);

    const existing = await tenantHasData(databaseUrl, TENANT);
    if (REGENERATE || existing === null) {
      log(`generating the history of tenant ${TENANT} (${DISPATCHES} dispatches)…`);
      const result = await generateHistory({
        databaseUrl,
        tenant: TENANT,
        dispatches: DISPATCHES,
        force: true,
        log,
      });
      log(`generated in ${result.seconds.toFixed(1)} s: ${JSON.stringify(result.counts)}`);
      const failed = result.checks.filter((check) => !check.ok);
      for (const check of failed) log(`CHECK FAILED: ${check.name}: ${check.value}`);
      if (failed.length === 0) log(`all ${result.checks.length} checks of the history passed`);
    } else log(`reusing the history of tenant ${TENANT} (${existing} work orders)`);

    const keycloak = await keycloakStarting;
    log(`Keycloak on ${keycloak.baseUrl}`);
    publishTestEnvironment({
      databaseServerUrl: postgres.url,
      templateDatabase: '',
      keycloakUrl: keycloak.baseUrl,
    });
    await (await KeycloakAdmin.connect()).createUser(USER, TENANT, 'admin');

    const api = new ApiProcess({
      DATABASE_URL: await ensureApiLogin(databaseUrl),
      MIGRATION_DATABASE_URL: databaseUrl,
      KEYCLOAK_URL: keycloak.baseUrl,
      PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      SCHEDULE_SWEEP_SECONDS: '0',
      AUDIT_SEAL_MILLISECONDS: '0',
    });
    await api.start(120_000);
    stops.unshift(() => api.stop());
    const session = new Session(api.baseUrl);
    const data = await fixture(databaseUrl);

    console.log(
      `\nTenant ${TENANT}: ${data.counts.work_orders} work orders, ${data.counts.dispatches} dispatches, ` +
        `${data.counts.assignment_periods} assignment periods, ${data.counts.audit_events} audit events ` +
        `(orders ${data.firstOrder} … ${data.lastOrder})`,
    );
    console.log(
      `Year ${data.from} … ${data.to} (${TIME_ZONE}); site "${data.siteName}"; type ${data.typeCode}; ` +
        `driver ${data.driverName}; ${RUNS} runs after 1 warm-up each\n`,
    );

    const results: Measurement[] = [];
    const year = `from=${data.from}&to=${data.to}&tz=${encodeURIComponent(TIME_ZONE)}`;
    const month = `from=${addDays(data.to, -29)}&to=${data.to}&tz=${encodeURIComponent(TIME_ZONE)}`;
    const variants: [string, string][] = [
      ['year', year],
      ['30 days', month],
      ['year, site', `${year}&siteId=${data.siteId}`],
      ['year, type', `${year}&equipmentTypeId=${data.typeId}`],
    ];
    for (const report of ['utilization', 'completion', 'queue', 'drivers']) {
      for (const [label, query] of variants) {
        await measure(
          session,
          results,
          `report ${report}`,
          `${label} JSON`,
          `/reports/${report}?${query}`,
        );
        await measure(
          session,
          results,
          `report ${report}`,
          `${label} CSV`,
          `/reports/${report}?${query}&format=csv`,
        );
      }
    }

    await measure(session, results, 'audit', 'first page (limit 50)', '/audit?limit=50');
    // Follow the cursor 200 pages deep, as a reader paging back would.
    let cursor: string | null = null;
    const pageTimes: number[] = [];
    for (let page = 0; page < 200; page += 1) {
      const sample = await session.get(`/audit?limit=50${cursor ? `&cursor=${cursor}` : ''}`);
      pageTimes.push(sample.ms);
      cursor =
        sample.status === 200
          ? (JSON.parse(sample.body) as { nextCursor: string | null }).nextCursor
          : null;
      if (!cursor) break;
    }
    results.push({
      group: 'audit',
      name: `paging 200 pages by nextCursor (per page)`,
      status: '200',
      medianMs: median(pageTimes),
      minMs: Math.min(...pageTimes),
      maxMs: Math.max(...pageTimes),
      bytes: 0,
      rows: String(pageTimes.length * 50),
    });
    if (cursor)
      await measure(
        session,
        results,
        'audit',
        'page 201 (cursor)',
        `/audit?limit=50&cursor=${cursor}`,
      );
    const middleId = String((BigInt(data.minAuditId) + BigInt(data.maxAuditId)) / 2n);
    await measure(
      session,
      results,
      'audit',
      'page at the middle id (cursor)',
      `/audit?limit=50&cursor=${middleId}`,
    );
    await measure(
      session,
      results,
      'audit',
      'actor = a driver',
      `/audit?limit=50&actor=${data.driverSubject}`,
    );
    await measure(
      session,
      results,
      'audit',
      'action = dispatch.completed',
      '/audit?limit=50&action=dispatch.completed',
    );
    await measure(
      session,
      results,
      'audit',
      'action = dispatch.reassigned (rare)',
      '/audit?limit=50&action=dispatch.reassigned',
    );
    await measure(
      session,
      results,
      'audit',
      'action = dispatch.status_changed (none)',
      '/audit?limit=50&action=dispatch.status_changed',
    );
    await measure(
      session,
      results,
      'audit',
      'entity = one work order',
      `/audit?limit=50&entityType=work_order&entityId=${data.workOrderId}`,
    );
    const day = `from=${data.middleDay}T00:00:00Z&to=${addDays(data.middleDay, 1)}T00:00:00Z`;
    await measure(
      session,
      results,
      'audit',
      `one day (${data.middleDay})`,
      `/audit?limit=50&${day}`,
    );
    await measure(
      session,
      results,
      'audit',
      `one day, 200 pages by cursor: last page`,
      await deepCursorInDay(session, day),
    );
    const week = `from=${data.middleDay}T00:00:00Z&to=${addDays(data.middleDay, 7)}T00:00:00Z`;
    await measure(
      session,
      results,
      'audit export',
      `one week CSV (${data.middleDay} + 7 d)`,
      `/audit/export?${week}`,
    );

    console.log('');
    printTable(results);
    const statuses = new Map<string, number>();
    for (const result of results)
      statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
    const reports = results.filter((result) => result.group.startsWith('report'));
    const slowest = [...results].sort((a, b) => b.medianMs - a.medianMs)[0];
    console.log(
      `\nSummary: ${results.length} measurements (HTTP ${[...statuses].map(([status, count]) => `${status}×${count}`).join(', ')}); ` +
        `reports median of medians ${median(reports.map((result) => result.medianMs)).toFixed(0)} ms; ` +
        `slowest ${slowest.group}: ${slowest.name} ${slowest.medianMs.toFixed(0)} ms; ` +
        `whole run ${((Date.now() - began) / 1000).toFixed(0)} s`,
    );
  } finally {
    for (const stop of stops)
      await stop().catch((error: unknown) => log(`cleanup failed: ${String(error)}`));
  }
}

/** The query string of the 200th page of one day, followed by cursor. */
async function deepCursorInDay(session: Session, day: string): Promise<string> {
  let cursor: string | null = null;
  for (let page = 0; page < 200; page += 1) {
    const sample = await session.get(`/audit?limit=50&${day}${cursor ? `&cursor=${cursor}` : ''}`);
    if (sample.status !== 200) break;
    const next = (JSON.parse(sample.body) as { nextCursor: string | null }).nextCursor;
    if (!next) break;
    cursor = next;
  }
  return `/audit?limit=50&${day}${cursor ? `&cursor=${cursor}` : ''}`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
