import { freePort, portAccepts } from '@dispatch/testing';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Client, type ClientConfig } from 'pg';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the test drives the repo's own server tooling
import {
  findPostgresBinDir,
  type RunningDebianPostgres,
  startDebianPostgres,
} from '../../../tools/postgres/debian-postgres';
import { makeTestCertificates, type TestCertificates } from './support/test-certificates';

const CHILD = path.join(__dirname, 'support', 'debian-postgres-child.ts');

/** The TLS version of the session, or undefined without TLS; rejects when the server refuses. */
async function sessionTls(config: ClientConfig): Promise<string | undefined> {
  const client = new Client({ connectionTimeoutMillis: 10_000, ...config });
  await client.connect();
  try {
    const { rows } = await client.query<{ ssl: boolean; version: string | null }>(
      'SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
    );
    return rows[0].ssl ? (rows[0].version ?? undefined) : undefined;
  } finally {
    await client.end();
  }
}

async function query<T extends Record<string, unknown>>(
  config: ClientConfig,
  sql: string,
): Promise<T[]> {
  const client = new Client(config);
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The real user id a process runs as, from /proc. */
function uidOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('Uid:'));
  return Number(line?.split(/\s+/)[1]);
}

/**
 * The production topology's PostgreSQL: Debian's server binaries, listening on 127.0.0.1 only,
 * TLS-only with scram-sha-256, never as root, never outliving its starter.
 */
describe('Debian PostgreSQL server (tools/postgres/debian-postgres.ts)', () => {
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  let dir: string;
  let certs: TestCertificates;
  let port: number;
  let server: RunningDebianPostgres | undefined;
  const dataDir = () => path.join(dir, 'data');
  const base = (): ClientConfig => ({
    host: 'localhost',
    port,
    user: 'postgres',
    password,
    database: 'postgres',
  });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dispatch-debian-pg-'));
    // As root the server runs as `postgres`, which must reach the data directory.
    chmodSync(dir, 0o755);
    certs = makeTestCertificates(path.join(dir, 'certs'));
    port = await freePort();
    server = await startDebianPostgres({
      dataDir: dataDir(),
      port,
      superuserPassword: password,
      tls: { certFile: certs.certFile, keyFile: certs.keyFile, caFile: certs.caFile },
      tlsOnly: true,
    });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds the newest Debian server binaries, and says what to install when none fit', () => {
    expect(findPostgresBinDir(15)).toMatch(/^\/usr\/lib\/postgresql\/\d+\/bin$/);
    expect(() => findPostgresBinDir(99)).toThrow(/apt-get install postgresql-99/);
  });

  it('refuses a plain (non-TLS) connection: pg_hba.conf has no entry for it', async () => {
    await expect(sessionTls({ ...base(), host: '127.0.0.1', ssl: false })).rejects.toThrow(
      /no pg_hba\.conf entry for host "127\.0\.0\.1", user "postgres", database "postgres", no encryption/,
    );
  });

  it('accepts a verified TLS connection to localhost, as an object and as a URL', async () => {
    const ca = readFileSync(certs.caFile, 'utf8');
    expect(await sessionTls({ ...base(), ssl: { ca, rejectUnauthorized: true } })).toMatch(
      /^TLSv1\.[23]$/,
    );
    expect(
      await sessionTls({
        connectionString: `postgres://postgres:${encodeURIComponent(password)}@localhost:${port}/postgres?sslmode=verify-full&sslrootcert=${encodeURIComponent(certs.caFile)}`,
      }),
    ).toMatch(/^TLSv1\.[23]$/);
    // The certificate names 127.0.0.1 too.
    expect(
      await sessionTls({ ...base(), host: '127.0.0.1', ssl: { ca, rejectUnauthorized: true } }),
    ).toMatch(/^TLSv1\.[23]$/);
  });

  it('is refused by a client that does not trust its CA', async () => {
    await expect(
      sessionTls({
        ...base(),
        ssl: { ca: readFileSync(certs.otherCaFile, 'utf8'), rejectUnauthorized: true },
      }),
    ).rejects.toThrow(/unable to verify the first certificate|self[- ]signed certificate/);
    // Nor does the system's trust store know the throwaway CA.
    await expect(sessionTls({ ...base(), ssl: { rejectUnauthorized: true } })).rejects.toThrow(
      /unable to verify the first certificate|self[- ]signed certificate/,
    );
  });

  it('refuses a wrong password', async () => {
    await expect(
      sessionTls({
        ...base(),
        password: 'not-the-password',
        ssl: { ca: readFileSync(certs.caFile, 'utf8'), rejectUnauthorized: true },
      }),
    ).rejects.toThrow(/password authentication failed for user "postgres"/);
  });

  it('listens on 127.0.0.1 with TLS ≥ 1.2 and scram, runs as postgres, key 0600, socket of its own', async () => {
    const settings = await query<{ name: string; setting: string }>(
      { ...base(), ssl: { ca: readFileSync(certs.caFile, 'utf8') } },
      `SELECT name, setting FROM pg_settings
        WHERE name IN ('listen_addresses', 'ssl', 'ssl_min_protocol_version', 'password_encryption',
                       'unix_socket_directories', 'port')`,
    );
    const setting = Object.fromEntries(settings.map((row) => [row.name, row.setting]));
    expect(setting).toMatchObject({
      listen_addresses: '127.0.0.1',
      ssl: 'on',
      ssl_min_protocol_version: 'TLSv1.2',
      password_encryption: 'scram-sha-256',
      port: String(port),
    });
    expect(setting.unix_socket_directories).not.toMatch(/\/var\/run\/postgresql|\/run\/postgresql/);
    expect(existsSync(path.join(setting.unix_socket_directories, `.s.PGSQL.${port}`))).toBe(true);
    const key = statSync(path.join(dataDir(), 'server.key'));
    expect(key.mode & 0o777).toBe(0o600);
    if (process.getuid?.() === 0) {
      expect(uidOf(server!.pid)).not.toBe(0);
      expect(key.uid).toBe(uidOf(server!.pid));
    }
    const hba = readFileSync(path.join(dataDir(), 'pg_hba.conf'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() && !line.startsWith('#'));
    expect(hba).toEqual([
      'local all postgres peer',
      'hostssl all all 127.0.0.1/32 scram-sha-256',
      'hostssl all all ::1/128 scram-sha-256',
    ]);
  });

  it('keeps its data across a restart, and writes pg_hba.conf from the options of each start', async () => {
    const tls = { ca: readFileSync(certs.caFile, 'utf8'), rejectUnauthorized: true };
    await query(
      { ...base(), ssl: tls },
      `CREATE TABLE kept (note text); INSERT INTO kept VALUES ('still here')`,
    );
    const pid = server!.pid;
    await server!.stop();
    server = undefined;
    // stop() returns once the server is gone: no postmaster.pid, nothing listening.
    expect(existsSync(path.join(dataDir(), 'postmaster.pid'))).toBe(false);
    expect(await portAccepts(port)).toBe(false);
    expect(existsSync(`/proc/${pid}`)).toBe(false);

    server = await startDebianPostgres({
      dataDir: dataDir(),
      port,
      superuserPassword: password,
      tls: { certFile: certs.certFile, keyFile: certs.keyFile, caFile: certs.caFile },
      tlsOnly: false,
    });
    expect(
      await query<{ note: string }>(
        { ...base(), host: '127.0.0.1', ssl: false },
        'SELECT note FROM kept',
      ),
    ).toEqual([{ note: 'still here' }]);
    expect(await sessionTls({ ...base(), ssl: tls })).toMatch(/^TLSv1\.[23]$/);
  }, 60_000);

  it('does not outlive the process that started it (killed with SIGKILL)', async () => {
    const childPort = await freePort();
    const childData = path.join(dir, 'orphan-data');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        CHILD,
        JSON.stringify({ dataDir: childData, port: childPort, superuserPassword: 'x' }),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the child exited (${code})`)));
    });
    const { pid } = JSON.parse(line) as { pid: number };
    expect(await portAccepts(childPort)).toBe(true);
    expect(existsSync(path.join(childData, 'postmaster.pid'))).toBe(true);

    child.kill('SIGKILL');
    // The parent-death signal asks for a fast shutdown: the postmaster removes its pid file and exits.
    await waitFor(
      'the orphaned server to shut down',
      async () =>
        !existsSync(path.join(childData, 'postmaster.pid')) && !(await portAccepts(childPort)),
    );
    await waitFor('the postmaster to exit', () => {
      try {
        return readFileSync(`/proc/${pid}/status`, 'utf8').includes('State:\tZ');
      } catch {
        return true;
      }
    });
  }, 60_000);
});
