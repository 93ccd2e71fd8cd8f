/**
 * What `npm run backup` and `npm run restore` share: the owner's connection, libpq settings for
 * pg_dump / pg_restore (the password only in the child's environment), finding a pg_dump or
 * pg_restore new enough for the server, counting rows, and the manifest's shape.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

export const MANIFEST_FORMAT = 'dispatch-backup/1';
/** The shared schema that lists the tenants (libs/domain's PLATFORM_SCHEMA). */
export const PLATFORM_SCHEMA = 'platform';

/** Rows per table, per schema, of one database, as one snapshot saw them. */
export type RowCounts = Record<string, Record<string, number>>;

export interface RoleRecord {
  name: string;
  login: boolean;
  superuser: boolean;
  createdb: boolean;
  createrole: boolean;
  inherit: boolean;
  /** Roles of this list it is a member of (`GRANT <group> TO <name>`). */
  memberOf: string[];
}

export interface DatabaseRecord {
  name: string;
  /** The dump's file name, in the backup's directory. */
  file: string;
  bytes: number;
  sha256: string;
  /** The exported snapshot both the dump and the counts were read in. */
  snapshot: string;
  owner: string;
  encoding: string;
  collate: string;
  ctype: string;
  /** Tenant slug → schema, when the database is the product's (has the platform schema). */
  tenants?: Record<string, string>;
  rowCounts: RowCounts;
  totalRows: number;
}

export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  createdAt: string;
  durationMs: number;
  server: { version: string; versionNum: number; major: number };
  pgDump: { version: string; major: number };
  /** The database DATABASE_URL named; a restore puts it under the target URL's database name. */
  primaryDatabase: string;
  /** Roles the dumps refer to (owners, grantees) and their members: the API's logins among them. */
  roles: RoleRecord[];
  databases: DatabaseRecord[];
}

/** The owner's URL from DATABASE_URL_FILE or DATABASE_URL. */
export function ownerUrlFromEnvironment(): string {
  const file = process.env.DATABASE_URL_FILE;
  const url = file ? readFileSync(file, 'utf8').trim() : process.env.DATABASE_URL?.trim();
  if (!url)
    throw new Error(
      "Set DATABASE_URL (or DATABASE_URL_FILE) to the database owner's postgres:// URL",
    );
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('DATABASE_URL must be a postgres:// URL');
  return url;
}

export function databaseOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  return name;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** URL parameters libpq understands that matter here, and their environment variables. */
const LIBPQ_PARAMETERS: Record<string, string> = {
  sslmode: 'PGSSLMODE',
  sslrootcert: 'PGSSLROOTCERT',
  sslcert: 'PGSSLCERT',
  sslkey: 'PGSSLKEY',
  sslcrl: 'PGSSLCRL',
  host: 'PGHOST',
  application_name: 'PGAPPNAME',
  connect_timeout: 'PGCONNECT_TIMEOUT',
};

/**
 * The environment a libpq tool connects with: the URL's host, port, user, database and TLS
 * settings, and the password, which never appears on a command line. Inherited PG* variables are
 * dropped, so nothing but the URL decides where the tool connects.
 */
export function libpqEnvironment(url: string, database = databaseOf(url)): NodeJS.ProcessEnv {
  const parsed = new URL(url);
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('PG')),
  );
  if (parsed.hostname) env.PGHOST = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (parsed.port) env.PGPORT = parsed.port;
  if (parsed.username) env.PGUSER = decodeURIComponent(parsed.username);
  if (parsed.password) env.PGPASSWORD = decodeURIComponent(parsed.password);
  env.PGDATABASE = database;
  for (const [name, value] of parsed.searchParams) {
    const variable = LIBPQ_PARAMETERS[name];
    if (variable) env[variable] = value;
  }
  return env;
}

/** Opens a connection as the URL says (TLS settings included: node-postgres reads sslmode and sslrootcert). */
export async function connect(url: string, applicationName: string): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: applicationName });
  await client.connect();
  return client;
}

export interface ServerVersion {
  version: string;
  versionNum: number;
  major: number;
}

export async function serverVersion(client: Client): Promise<ServerVersion> {
  const { rows } = await client.query<{ version: string; num: string }>(
    `SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS num`,
  );
  const versionNum = Number(rows[0].num);
  return { version: rows[0].version, versionNum, major: Math.floor(versionNum / 10_000) };
}

export interface ClientTool {
  path: string;
  version: string;
  major: number;
}

function toolVersion(file: string): ClientTool | undefined {
  try {
    const version = execFileSync(file, ['--version'], { encoding: 'utf8' }).trim();
    const match = /\(PostgreSQL\)\s+(\d+)/.exec(version);
    return match ? { path: file, version, major: Number(match[1]) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * pg_dump or pg_restore: the one named by its environment variable (PG_DUMP / PG_RESTORE), else
 * the newest among the PATH's and Debian's `/usr/lib/postgresql/<N>/bin`. Its major version must
 * be at least `minMajor` (the server's, or the dump's); `purpose` completes "pg_dump 15 cannot …"
 * in the error when it is not.
 */
export function findClientTool(
  name: 'pg_dump' | 'pg_restore',
  minMajor: number,
  purpose: string,
): ClientTool {
  const variable = name === 'pg_dump' ? 'PG_DUMP' : 'PG_RESTORE';
  const given = process.env[variable];
  const candidates: string[] = [];
  if (given) candidates.push(given);
  else {
    const debian = '/usr/lib/postgresql';
    if (existsSync(debian))
      for (const entry of readdirSync(debian))
        if (/^\d+$/.test(entry)) candidates.push(path.join(debian, entry, 'bin', name));
    for (const dir of (process.env.PATH ?? '').split(path.delimiter))
      if (dir) candidates.push(path.join(dir, name));
  }
  const found = candidates
    .filter((file) => existsSync(file))
    .map(toolVersion)
    .filter((tool): tool is ClientTool => tool !== undefined)
    .sort((a, b) => b.major - a.major);
  const best = found[0];
  if (!best)
    throw new Error(
      given
        ? `${variable}=${given} is not a working ${name}`
        : `No ${name} found on PATH or in /usr/lib/postgresql/<N>/bin: install postgresql-client-${minMajor} or set ${variable}`,
    );
  if (best.major < minMajor)
    throw new Error(
      `${name} ${best.major} cannot ${purpose}: install postgresql-client-${minMajor} or set ${variable}`,
    );
  return best;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Schemas of the database's own (not PostgreSQL's). */
export const USER_SCHEMA_CONDITION = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`;

/** Counts the rows of every table of every schema of the database, in the client's transaction. */
export async function countRows(client: Client): Promise<RowCounts> {
  const { rows: tables } = await client.query<{ schema: string; table: string }>(
    `SELECT n.nspname AS schema, c.relname AS table
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND ${USER_SCHEMA_CONDITION}
      ORDER BY 1, 2`,
  );
  const counts: RowCounts = {};
  for (let start = 0; start < tables.length; start += 200) {
    const chunk = tables.slice(start, start + 200);
    const sql = chunk
      .map(
        ({ schema, table }, index) =>
          `SELECT ${index} AS i, count(*)::bigint AS n FROM ${quoteIdentifier(schema)}.${quoteIdentifier(table)}`,
      )
      .join(' UNION ALL ');
    const { rows } = await client.query<{ i: number; n: string }>(sql);
    for (const row of rows) {
      const { schema, table } = chunk[row.i];
      (counts[schema] ??= {})[table] = Number(row.n);
    }
  }
  return counts;
}

export function totalOf(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

/** Rows of every schema together. */
export function totalRowsOf(counts: RowCounts): number {
  return Object.values(counts).reduce((sum, tables) => sum + totalOf(tables), 0);
}

/** Names a schema for the output: `tenant acme (tenant_acme)` for a tenant's, else `schema platform`. */
export function schemaLabeller(
  tenants: Record<string, string> | undefined,
): (schema: string) => string {
  const slugs = new Map(Object.entries(tenants ?? {}).map(([slug, schema]) => [schema, slug]));
  return (schema) => {
    const slug = slugs.get(schema);
    return slug ? `tenant ${slug} (${schema})` : `schema ${schema}`;
  };
}

export function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/** `work_orders 1,204, audit_events 9,311, …`: the biggest tables first. */
export function describeCounts(counts: Record<string, number>, top = 4): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .filter(([, count]) => count > 0)
    .map(([table, count]) => `${table} ${count.toLocaleString('en-US')}`)
    .join(', ');
}

/** Runs a program to completion with its output collected; rejects with the output on failure. */
export function runTool(
  program: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const result = {
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      };
      if (code === 0) resolve(result);
      else
        reject(
          new Error(
            `${path.basename(program)} failed (${signal ?? `exit code ${code}`}): ${result.stderr.trim() || result.stdout.trim()}`,
          ),
        );
    });
  });
}
