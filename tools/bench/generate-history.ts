/**
 * A year of realistic history in one tenant, for the reports and audit benchmarks:
 *
 *   npx nx run domain:build      # once: the generator uses the built @dispatch/domain
 *   npx tsx tools/bench/generate-history.ts [--database-url postgres://…] [--tenant bench]
 *       [--dispatches 1050000] [--seed 1] [--force] [--simulate-only]
 *
 * Provisions the tenant (`provisionTenant`, schema `tenant_<slug>`), simulates a year ending now
 * event by event (see history/simulate.ts: arrivals with a daily and weekly rhythm, the engine's
 * matching and queue rules, each unit and driver on one dispatch at a time, maintenance, steps,
 * cancellations, a few re-assignments) and writes it with set-based SQL in one transaction
 * (history/load.ts), with triggers off: it writes the reporting history the triggers would have
 * kept. Then VACUUM ANALYZE and checks in SQL (history/verify.ts).
 *
 * Refuses a tenant that already has data (exit 0, "skipped") unless --force, which drops and
 * re-creates the tenant's schema. The audit events are not sealed into the hash chain: run the API
 * on this database with AUDIT_SEAL_MILLISECONDS=0 (as tools/bench/reports.ts does), or the sealer
 * will spend a long time chaining millions of events.
 */
import { provisionTenant, TENANT_MIGRATIONS, tenantSchemaName } from '@dispatch/domain';
import { Client } from 'pg';
import { loadHistory } from './history/load';
import { buildTenantModel, DAY_MS } from './history/model';
import { Random } from './history/random';
import { simulate } from './history/simulate';
import { type Check, tableCounts, verifyHistory } from './history/verify';

export interface GenerateOptions {
  databaseUrl: string;
  tenant?: string;
  /** Dispatches to produce (about: a few orders are cancelled before dispatch). */
  dispatches?: number;
  seed?: number;
  force?: boolean;
  /** End of the history (default: now). */
  end?: Date;
  log?: (line: string) => void;
}

export interface GenerateResult {
  skipped: boolean;
  reason?: string;
  seconds: number;
  counts: Record<string, number>;
  checks: Check[];
  simulation: Record<string, number | string>;
}

/** Share of orders that end up dispatched (the rest are cancelled while queued or still queued). */
const DISPATCHED_SHARE = 0.998;

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: 'dispatch-bench-history' });
  await client.connect();
  return client;
}

/** Whether the tenant's schema exists and holds any data (sites or work orders). */
export async function tenantHasData(databaseUrl: string, tenant: string): Promise<number | null> {
  const schema = tenantSchemaName(tenant);
  const client = await connect(databaseUrl);
  try {
    const { rows } = await client.query<{ exists: boolean }>(
      `SELECT to_regclass($1) IS NOT NULL AS exists`,
      [`"${schema}".work_orders`],
    );
    if (!rows[0].exists) return null;
    const counts = await client.query<{ orders: string; sites: string }>(
      `SELECT (SELECT count(*) FROM "${schema}".work_orders) AS orders, (SELECT count(*) FROM "${schema}".sites) AS sites`,
    );
    const { orders, sites } = counts.rows[0];
    return Number(orders) + Number(sites) > 0 ? Number(orders) : null;
  } finally {
    await client.end();
  }
}

export async function generateHistory(options: GenerateOptions): Promise<GenerateResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const tenant = options.tenant ?? 'bench';
  const schema = tenantSchemaName(tenant);
  const started = Date.now();
  if (!TENANT_MIGRATIONS.some((migration) => migration.name.startsWith('ReportingHistory')))
    throw new Error(
      'The built @dispatch/domain predates the reporting history: npx nx run domain:build',
    );

  const existing = await tenantHasData(options.databaseUrl, tenant);
  if (existing !== null && !options.force) {
    return {
      skipped: true,
      reason: `tenant ${tenant} already has data (${existing} work orders); --force drops and regenerates it`,
      seconds: 0,
      counts: {},
      checks: [],
      simulation: {},
    };
  }
  if (options.force) {
    const client = await connect(options.databaseUrl);
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
  }
  await provisionTenant({ url: options.databaseUrl }, { slug: tenant, name: 'Bench Logistics' });
  log(`tenant ${tenant} provisioned (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  const end = options.end?.getTime() ?? Date.now();
  const start = end - 365 * DAY_MS;
  const random = new Random(options.seed ?? 1);
  const model = buildTenantModel(random, { start, end, slug: tenant });
  const orders = Math.ceil((options.dispatches ?? 1_050_000) / DISPATCHED_SHARE);
  const simulated = Date.now();
  const history = simulate(random, model, { start, end, orders });
  log(
    `simulated ${orders} orders, ${history.stats.dispatches} dispatches in ${((Date.now() - simulated) / 1000).toFixed(1)} s`,
  );

  const client = await connect(options.databaseUrl);
  try {
    try {
      await client.query(`SET session_replication_role = replica`);
    } catch (error) {
      throw new Error(
        `The generator loads with triggers off (SET session_replication_role = replica), which needs a superuser or the SET privilege on that parameter: ${String(error)}`,
      );
    }
    await client.query(`SET temp_buffers = '1GB'`);
    await client.query(`SET work_mem = '1GB'`);
    await client.query(`SET maintenance_work_mem = '1GB'`);
    await client.query(`SET synchronous_commit = off`);
    await client.query(`SET jit = off`);
    await client.query(`SELECT set_config('search_path', $1, false)`, [`"${schema}"`]);
    await client.query('BEGIN');
    const loaded = await loadHistory(client, model, history, log);
    const committing = Date.now();
    await client.query('COMMIT');
    log(`  commit: ${((Date.now() - committing) / 1000).toFixed(1)} s`);
    await client.query(`SET session_replication_role = origin`);
    const vacuuming = Date.now();
    // Hint bits, visibility map and statistics now, rather than autovacuum during a benchmark.
    for (const table of [
      'work_orders',
      'work_order_required_qualifications',
      'dispatches',
      'assignment_periods',
      'equipment_status_periods',
      'audit_events',
      'equipment',
      'drivers',
      'driver_qualifications',
      'sites',
      'equipment_types',
      'qualifications',
    ])
      await client.query(`VACUUM (ANALYZE) ${table}`);
    log(`  vacuum analyze: ${((Date.now() - vacuuming) / 1000).toFixed(1)} s`);
    const seconds = (Date.now() - started) / 1000;
    const verifying = Date.now();
    const checks = await verifyHistory(client);
    log(`  checks: ${((Date.now() - verifying) / 1000).toFixed(1)} s`);
    const counts = await tableCounts(client);
    counts.audit_events_generated = loaded.auditEvents;
    return { skipped: false, seconds, counts, checks, simulation: history.stats };
  } finally {
    await client.end();
  }
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const databaseUrl = argument('database-url') ?? process.env.DATABASE_URL;
  const tenant = argument('tenant') ?? 'bench';
  const dispatches = Number(argument('dispatches') ?? 1_050_000);
  const seed = Number(argument('seed') ?? 1);
  if (process.argv.includes('--simulate-only')) {
    const end = Date.now();
    const start = end - 365 * DAY_MS;
    const random = new Random(seed);
    const model = buildTenantModel(random, { start, end, slug: tenant });
    const began = Date.now();
    const history = simulate(random, model, {
      start,
      end,
      orders: Math.ceil(dispatches / DISPATCHED_SHARE),
    });
    console.log(history.stats);
    console.log(`simulated in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    return;
  }
  if (!databaseUrl) throw new Error('Pass --database-url or set DATABASE_URL');
  const result = await generateHistory({
    databaseUrl,
    tenant,
    dispatches,
    seed,
    force: process.argv.includes('--force'),
  });
  if (result.skipped) {
    console.log(`skipped: ${result.reason}`);
    return;
  }
  console.log('\nsimulation:', result.simulation);
  console.log('\nrows:');
  for (const [table, count] of Object.entries(result.counts))
    console.log(`  ${table.padEnd(36)} ${String(count).padStart(10)}`);
  console.log('\nchecks:');
  for (const check of result.checks)
    console.log(`  ${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.value}`);
  console.log(`\ngenerated in ${result.seconds.toFixed(1)} s`);
  if (result.checks.some((check) => !check.ok)) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
