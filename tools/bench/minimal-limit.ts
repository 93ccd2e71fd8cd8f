/**
 * The minimal-SQL limit of a dispatch cycle: cycles per second that a PostgreSQL server sustains for
 * the five-step cycle as raw SQL on a minimal schema (tools/bench/limit/schema.sql and cycle5.sql),
 * with no application in between. A yardstick to run beside the product's own statements on the
 * same server in the same run: absolute figures on shared machines vary from run to run, ratios
 * measured together do not.
 *
 * Creates a throw-away database on the server, loads the schema, runs
 * `pgbench -n -f cycle5.sql -c WORKERS -j 2 -T SECONDS` against it and drops it again.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

const LIMIT_DIRECTORY = path.join(__dirname, 'limit');
const SCHEMA = path.join(LIMIT_DIRECTORY, 'schema.sql');
const CYCLE = path.join(LIMIT_DIRECTORY, 'cycle5.sql');
/** Where Debian and Ubuntu install each PostgreSQL major version's programs. */
const DEBIAN_POSTGRESQL = '/usr/lib/postgresql';

function runs(program: string): boolean {
  return spawnSync(program, ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * A pgbench that runs: the one on PATH, else the newest /usr/lib/postgresql/<version>/bin/pgbench.
 * (Debian's /usr/bin/pgbench is a wrapper that exists without any pgbench behind it, hence the
 * `--version` check.)
 */
export function findPgbench(): string {
  if (runs('pgbench')) return 'pgbench';
  const versions = existsSync(DEBIAN_POSTGRESQL)
    ? readdirSync(DEBIAN_POSTGRESQL).sort((a, b) => Number(b) - Number(a) || b.localeCompare(a))
    : [];
  for (const version of versions) {
    const candidate = path.join(DEBIAN_POSTGRESQL, version, 'bin', 'pgbench');
    if (existsSync(candidate) && runs(candidate)) return candidate;
  }
  throw new Error(
    `pgbench not found on PATH nor under ${DEBIAN_POSTGRESQL}/*/bin. Install the package that ` +
      `ships it: apt-get install postgresql-client, or where the client package lacks it (Debian 12: ` +
      `postgresql-client-15 has no pgbench, postgresql-15 has) apt-get install postgresql.`,
  );
}

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface MinimalLimit {
  /** Runs the cycle for `seconds` with `workers` clients; cycles per second (one script run = one cycle). */
  run(workers: number, seconds: number): number;
  drop(): Promise<void>;
}

/**
 * Creates a throw-away database with the minimal schema on the given server (a URL on which the
 * user may create databases), ready to run the minimal-SQL cycle through pgbench as often as asked.
 */
export async function prepareMinimalLimit(
  serverUrl: string,
  pgbench = findPgbench(),
): Promise<MinimalLimit> {
  const name = `dispatch_limit_${process.pid}_${randomBytes(4).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE ${name}`);
  const url = databaseUrl(serverUrl, name);
  const drop = () => onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  try {
    await onServer(url, readFileSync(SCHEMA, 'utf8'));
  } catch (error) {
    await drop();
    throw error;
  }
  return {
    drop,
    run: (workers, seconds) => {
      const result = spawnSync(
        pgbench,
        ['-n', '-f', CYCLE, '-c', String(workers), '-j', '2', '-T', String(seconds), url],
        { encoding: 'utf8', env: { ...process.env, PGOPTIONS: '' } },
      );
      const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
      const tps = Number(/^tps = ([\d.]+)/m.exec(output)?.[1] ?? NaN);
      if (result.status !== 0 || Number.isNaN(tps))
        throw new Error(
          `minimal-SQL limit: pgbench failed (${result.error?.message ?? `exit status ${String(result.status)}`}):\n${output}`,
        );
      return tps;
    },
  };
}
