import {
  type ApiClient,
  apiDatabaseUrl,
  createDemoDatabase,
  freePort,
  queryDatabase,
  type TestDatabase,
  tokenFor,
  withServer,
} from '@dispatch/testing';
import { spawn } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the test drives the repo's own server tooling
import {
  type RunningDebianPostgres,
  startDebianPostgres,
} from '../../../tools/postgres/debian-postgres';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the manifest's shape, as the tools write it
import type { BackupManifest } from '../../../tools/db/backup-common';
import { seedDemoTenant } from '../src/demo/seed-demo';
import { AuditChain } from '../src/modules/audit/audit-chain.service';
import { DISPATCH_STEPS, Scenario } from './support/scenario';
import { makeTestCertificates, type TestCertificates } from './support/test-certificates';
import { startTestApp, type TestApp } from './support/test-app';

const ROOT = path.resolve(__dirname, '../../..');
const TENANTS = ['acme', 'globex'] as const;

interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `npm run <script> -- <args>` from the repository's root, as an operator runs it. */
function npmRun(script: string, args: string[], env: Record<string, string>): Promise<ToolRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

/** Rows per table of every schema of the database's own, counted here (not by the tools under test). */
async function countAll(url: string): Promise<Record<string, Record<string, number>>> {
  const tables = await queryDatabase<{ schema: string; table: string }>(
    url,
    `SELECT n.nspname AS schema, c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`,
  );
  const counts: Record<string, Record<string, number>> = {};
  await withServer(url, async (client) => {
    for (const { schema, table } of tables) {
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM "${schema}"."${table}"`,
      );
      (counts[schema] ??= {})[table] = Number(rows[0].n);
    }
  });
  return counts;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `npm run backup` under write load on a TLS-only PostgreSQL 15, then `npm run restore` into a
 * second, empty one: the restored product starts, holds exactly what the backup counted, and its
 * audit chains are intact.
 */
describe('backup and restore (npm run backup / npm run restore)', () => {
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  let dir: string;
  let certs: TestCertificates;
  let source: RunningDebianPostgres | undefined;
  let target: RunningDebianPostgres | undefined;
  let sourceApp: TestApp | undefined;
  let targetApp: TestApp | undefined;
  let backupDir: string;
  let backupPath: string;
  let manifest: BackupManifest;
  let rolePasswordsFile: string;
  /** A work order made before the backup started: it must be there after the restore. */
  let earlyOrderId: string;

  const ownerUrl = (port: number, database: string) =>
    `postgres://postgres:${password}@localhost:${port}/${database}?sslmode=verify-full&sslrootcert=${encodeURIComponent(certs.caFile)}`;
  const database = (url: string, name: string): TestDatabase => ({
    url,
    apiUrl: apiDatabaseUrl(url),
    name,
    drop: async () => undefined,
  });
  const startServer = async (name: string) =>
    startDebianPostgres({
      dataDir: path.join(dir, name),
      port: await freePort(),
      superuserPassword: password,
      tls: { certFile: certs.certFile, keyFile: certs.keyFile, caFile: certs.caFile },
      tlsOnly: true,
    });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dispatch-backup-test-'));
    // As root the servers run as `postgres`, which must reach their data directories.
    chmodSync(dir, 0o755);
    certs = makeTestCertificates(path.join(dir, 'certs'));
    backupDir = path.join(dir, 'backups');
    rolePasswordsFile = path.join(dir, 'role-passwords.json');
    // The API's login keeps the password the test harness gives it; Keycloak's gets one of its own.
    writeFileSync(
      rolePasswordsFile,
      JSON.stringify({ dispatch_app: 'dispatch_app', keycloak: 'keycloak-secret' }),
      { mode: 0o600 },
    );

    source = await startServer('source-data');
    const url = await createDemoDatabase(ownerUrl(source.port, 'postgres'), 'dispatch');
    for (const tenant of TENANTS) await seedDemoTenant({ url }, tenant);
    // Keycloak's data lives on the same server in production: a stand-in database owned by its login.
    await withServer(ownerUrl(source.port, 'postgres'), async (client) => {
      await client.query(`CREATE ROLE keycloak LOGIN PASSWORD 'keycloak-secret'`);
      await client.query('CREATE DATABASE keycloak OWNER keycloak');
    });
    await withServer(ownerUrl(source.port, 'keycloak'), async (client) => {
      await client.query('SET ROLE keycloak');
      await client.query(
        `CREATE TABLE user_entity (id serial PRIMARY KEY, username text NOT NULL);
         INSERT INTO user_entity (username) SELECT 'user-' || g FROM generate_series(1, 250) g`,
      );
    });
    sourceApp = await startTestApp({ database: database(url, 'dispatch') });
  }, 180_000);

  afterAll(async () => {
    await targetApp?.close().catch(() => undefined);
    await sourceApp?.close().catch(() => undefined);
    await target?.stop();
    await source?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('backs up both databases consistently while work orders are created and dispatched', async () => {
    // Older backups: with BACKUP_KEEP=2 the oldest goes, the newest old one and the new one stay.
    for (const old of ['dispatch-20200101T000000Z', 'dispatch-20200102T000000Z']) {
      mkdirSync(path.join(backupDir, old), { recursive: true });
      writeFileSync(path.join(backupDir, old, 'manifest.json'), '{}');
    }

    const stats = { cycles: 0, orders: 0 };
    let stopped = false;
    const workers: Promise<void>[] = [];
    for (const tenant of TENANTS) {
      const admin = sourceApp!.api.as(await tokenFor(tenant, 'admin'));
      const dispatcher = sourceApp!.api.as(await tokenFor(tenant, 'dispatcher'));
      const world = await Scenario.create(admin);
      for (let index = 0; index < 3; index += 1) {
        await world.unit();
        await world.driver();
      }
      for (let index = 0; index < 3; index += 1)
        workers.push(cycle(world, dispatcher, () => stopped, stats));
    }
    const workerFailure = Promise.all(workers).then(() => undefined);
    // Awaited below; marked handled so a worker failing while the backup runs is not reported twice.
    workerFailure.catch(() => undefined);

    // Writes are flowing before the backup starts …
    while (stats.cycles < 6) {
      await Promise.race([sleep(50), workerFailure]);
    }
    const cyclesBefore = stats.cycles;
    const run = await npmRun('backup', ['--databases', 'dispatch,keycloak'], {
      DATABASE_URL: ownerUrl(source!.port, 'dispatch'),
      BACKUP_DIR: backupDir,
      BACKUP_KEEP: '2',
    });
    // … and keep flowing while it runs.
    const cyclesDuring = stats.cycles - cyclesBefore;
    stopped = true;
    await workerFailure;
    if (run.code !== 0) throw new Error(`backup failed (${run.code}): ${run.stderr}${run.stdout}`);
    process.stdout.write(
      `[backup-restore] npm run backup took ${run.ms} ms; ${cyclesDuring} dispatch cycles completed meanwhile\n${run.stdout}`,
    );
    expect(cyclesDuring).toBeGreaterThan(0);

    const backups = readdirSync(backupDir).sort();
    expect(backups).toHaveLength(2);
    expect(backups[0]).toBe('dispatch-20200102T000000Z');
    expect(backups[1]).toMatch(/^dispatch-\d{8}T\d{6}Z$/);
    backupPath = path.join(backupDir, backups[1]);
    expect(run.stdout).toContain(`Backup written to ${backupPath}`);
    expect(run.stdout).toMatch(/tenant acme \(tenant_acme\): [\d,]+ rows/);
    expect(run.stdout).toMatch(/tenant globex \(tenant_globex\): [\d,]+ rows/);

    // Owner-only files.
    expect(statSync(backupPath).mode & 0o777).toBe(0o700);
    for (const file of readdirSync(backupPath))
      expect(statSync(path.join(backupPath, file)).mode & 0o777).toBe(0o600);

    manifest = JSON.parse(readFileSync(path.join(backupPath, 'manifest.json'), 'utf8'));
    expect(manifest.server.major).toBe(15);
    expect(manifest.databases.map((entry) => entry.name)).toEqual(['dispatch', 'keycloak']);
    const [product, keycloak] = manifest.databases;
    expect(product.tenants).toEqual({ acme: 'tenant_acme', globex: 'tenant_globex' });
    expect(Object.keys(product.rowCounts)).toEqual(
      expect.arrayContaining(['platform', 'tenant_acme', 'tenant_globex']),
    );
    expect(product.rowCounts.platform.organizations).toBe(2);
    expect(product.rowCounts.tenant_acme.work_orders).toBeGreaterThan(0);
    expect(keycloak.rowCounts.public.user_entity).toBe(250);
    expect(manifest.roles.map((role) => role.name)).toEqual(
      expect.arrayContaining(['dispatch_api', 'dispatch_app', 'keycloak', 'postgres']),
    );
    expect(manifest.roles.find((role) => role.name === 'dispatch_app')).toMatchObject({
      login: true,
      memberOf: ['dispatch_api'],
    });
    // The live database moved on after the snapshot; the counts describe the snapshot.
    const live = await countAll(sourceApp!.database.url);
    expect(live.tenant_acme.work_orders + live.tenant_globex.work_orders).toBeGreaterThan(
      product.rowCounts.tenant_acme.work_orders + product.rowCounts.tenant_globex.work_orders,
    );
    const early = await queryDatabase<{ id: string }>(
      sourceApp!.database.url,
      `SELECT id::text AS id FROM tenant_acme.work_orders ORDER BY created_at LIMIT 1`,
    );
    earlyOrderId = early[0].id;
  }, 240_000);

  it('refuses a pg_dump older than the server, before writing anything', async () => {
    const fake = path.join(dir, 'old-pg_dump');
    writeFileSync(fake, '#!/bin/sh\necho "pg_dump (PostgreSQL) 14.0"\n', { mode: 0o755 });
    const before = readdirSync(backupDir).sort();
    const run = await npmRun('backup', [], {
      DATABASE_URL: ownerUrl(source!.port, 'dispatch'),
      BACKUP_DIR: backupDir,
      PG_DUMP: fake,
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(
      'pg_dump 14 cannot dump a PostgreSQL 15 server: install postgresql-client-15 or set PG_DUMP',
    );
    expect(readdirSync(backupDir).sort()).toEqual(before);
  }, 60_000);

  it('restores into an empty TLS-only server: same counts, roles and logins, intact audit chains', async () => {
    target = await startServer('target-data');
    const run = await npmRun('restore', [backupPath, '--role-passwords', rolePasswordsFile], {
      DATABASE_URL: ownerUrl(target.port, 'dispatch'),
    });
    process.stdout.write(`[backup-restore] ${run.stdout}${run.stderr}`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('checksums match');
    expect(run.stdout).toMatch(/role dispatch_api: created \(NOLOGIN\)/);
    expect(run.stdout).toMatch(/role dispatch_app: created \(LOGIN, password from/);

    // Counted here, independently of the tool, before the API adds anything.
    for (const entry of manifest.databases)
      expect(await countAll(ownerUrl(target.port, entry.name))).toEqual(entry.rowCounts);

    const restored = ownerUrl(target.port, 'dispatch');
    targetApp = await startTestApp({ database: database(restored, 'dispatch') });
    const ready = await targetApp.root.get('/health/ready');
    expect(ready.status).toBe(200);

    for (const tenant of TENANTS) {
      const viewer = targetApp.api.as(await tokenFor(tenant, 'viewer'));
      const verification = await viewer.get('/audit/verify');
      expect(verification.status).toBe(200);
      expect(verification.body).toMatchObject({ intact: true });
    }
    // Events the source had not sealed yet join the chain on the restored server; it still holds.
    await targetApp.app.get(AuditChain).sealAll();
    for (const tenant of TENANTS) {
      const viewer = targetApp.api.as(await tokenFor(tenant, 'viewer'));
      const verification = await viewer.get('/audit/verify');
      expect(verification.body).toMatchObject({ intact: true, pendingEvents: 0 });
      // Every event of the backup, and any the restored engine wrote since (a queued order it dispatched).
      expect(verification.body.sealedEvents).toBeGreaterThanOrEqual(
        manifest.databases[0].rowCounts[`tenant_${tenant}`].audit_events,
      );
    }

    // Keycloak's login got its password from the file and owns its restored database.
    const keycloakUrl = new URL(ownerUrl(target.port, 'keycloak'));
    keycloakUrl.username = 'keycloak';
    keycloakUrl.password = 'keycloak-secret';
    expect(
      await queryDatabase<{ owner: string; n: number }>(
        keycloakUrl.toString(),
        `SELECT pg_get_userbyid(datdba) AS owner, (SELECT count(*)::int FROM user_entity) AS n
           FROM pg_database WHERE datname = current_database()`,
      ),
    ).toEqual([{ owner: 'keycloak', n: 250 }]);
  }, 180_000);

  it('works on the restored server: old orders are there, new ones are dispatched', async () => {
    const admin = targetApp!.api.as(await tokenFor('acme', 'admin'));
    const dispatcher = targetApp!.api.as(await tokenFor('acme', 'dispatcher'));
    expect((await admin.get(`/work-orders/${earlyOrderId}`)).status).toBe(200);
    const world = await Scenario.create(admin);
    await world.unit();
    await world.driver();
    const order = await world.order('urgent');
    expect(order.status).toBe('dispatched');
    for (const step of DISPATCH_STEPS) {
      const moved = await dispatcher.post(`/dispatches/${order.dispatch!.id}/transitions`, {
        to: step,
      });
      expect(moved.status).toBeLessThan(300);
    }
    expect((await admin.get(`/work-orders/${order.id}`)).body.status).toBe('completed');
    await targetApp!.app.get(AuditChain).sealAll();
    expect((await admin.get('/audit/verify')).body).toMatchObject({
      intact: true,
      pendingEvents: 0,
    });
  }, 60_000);

  it('refuses to restore into a target that already holds the product, changing nothing', async () => {
    // Nothing else writes meanwhile.
    await targetApp?.close();
    targetApp = undefined;
    const before = await countAll(ownerUrl(target!.port, 'dispatch'));
    const run = await npmRun('restore', [backupPath, '--role-passwords', rolePasswordsFile], {
      DATABASE_URL: ownerUrl(target!.port, 'dispatch'),
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(
      /refusing to restore into a target that is not empty: database dispatch already holds schema platform, schema tenant_acme, schema tenant_globex/,
    );
    expect(run.stderr).toContain('Nothing was changed');
    expect(await countAll(ownerUrl(target!.port, 'dispatch'))).toEqual(before);
  }, 60_000);

  it('refuses a damaged dump by its checksum, before touching the target', async () => {
    const damaged = path.join(dir, 'damaged');
    cpSync(backupPath, damaged, { recursive: true });
    const dump = path.join(damaged, 'dispatch.dump');
    const bytes = readFileSync(dump);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = bytes[middle] ^ 0xff;
    writeFileSync(dump, bytes);
    const run = await npmRun('restore', [damaged], {
      DATABASE_URL: ownerUrl(target!.port, 'dispatch_damaged'),
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/the backup is damaged, checksum mismatch: dispatch\.dump: sha256/);
    expect(run.stderr).toContain('Nothing was restored');
    const databases = await queryDatabase<{ datname: string }>(
      ownerUrl(target!.port, 'postgres'),
      `SELECT datname FROM pg_database WHERE datname = 'dispatch_damaged'`,
    );
    expect(databases).toEqual([]);
    expect(existsSync(path.join(backupPath, 'dispatch.dump'))).toBe(true);
  }, 60_000);
});

/** One worker's loop: a work order, its dispatch walked to completion, again until stopped. */
async function cycle(
  world: Scenario,
  dispatcher: ApiClient,
  stopped: () => boolean,
  stats: { cycles: number; orders: number },
): Promise<void> {
  while (!stopped()) {
    const order = await world.order('urgent');
    stats.orders += 1;
    let dispatch = order.dispatch;
    // Queued behind another worker's order: the engine dispatches it once a unit is free.
    while (!dispatch && !stopped()) {
      await sleep(50);
      dispatch = (await dispatcher.get(`/work-orders/${order.id}`)).body.dispatch;
    }
    if (!dispatch) return;
    for (const step of DISPATCH_STEPS) {
      const moved = await dispatcher.post(`/dispatches/${dispatch.id}/transitions`, { to: step });
      if (moved.status >= 300)
        throw new Error(
          `transition to ${step} failed: ${moved.status} ${JSON.stringify(moved.body)}`,
        );
    }
    stats.cycles += 1;
  }
}
