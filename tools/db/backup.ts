/**
 * `npm run backup [-- --databases dispatch,keycloak]`: a consistent backup of the product's
 * database (and of others on the same server, such as Keycloak's).
 *
 * For each database it opens a REPEATABLE READ transaction, exports its snapshot, counts the rows
 * of every table of every schema (platform and tenants) in that snapshot, and runs
 * `pg_dump -Fc --snapshot=<id>` on the same snapshot: the dump and the counts are one instant,
 * which `npm run restore` checks after restoring.
 *
 * Writes `<BACKUP_DIR>/dispatch-<UTC timestamp>/` (directory 0700, files 0600) with one
 * `<database>.dump` per database and `manifest.json` (time, server version, databases, row
 * counts per schema and table, sha256 and size of each dump, the roles the dumps refer to), then
 * keeps the newest BACKUP_KEEP backups (default 14).
 *
 * Connection: DATABASE_URL or DATABASE_URL_FILE, the owner's URL (TLS settings such as
 * `?sslmode=verify-full&sslrootcert=…` are passed on to pg_dump; the password only through the
 * child's environment). Other databases are reached with the same credentials.
 * pg_dump: PG_DUMP, else the newest on PATH or in /usr/lib/postgresql/<N>/bin, never older than
 * the server.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { Client } from 'pg';
import {
  type BackupManifest,
  connect,
  countRows,
  databaseOf,
  type DatabaseRecord,
  describeCounts,
  findClientTool,
  formatBytes,
  libpqEnvironment,
  MANIFEST_FORMAT,
  PLATFORM_SCHEMA,
  type RoleRecord,
  runTool,
  schemaLabeller,
  serverVersion,
  sha256OfFile,
  totalOf,
  totalRowsOf,
  USER_SCHEMA_CONDITION,
  withDatabase,
  ownerUrlFromEnvironment,
  type ClientTool,
} from './backup-common';

const ROOT = path.resolve(__dirname, '..', '..');
const BACKUP_NAME = /^dispatch-\d{8}T\d{6}Z(-\d+)?$/;

function usage(): never {
  throw new Error('usage: npm run backup [-- --databases <name>[,<name>…]]');
}

function parseArguments(args: string[]): { databases?: string[] } {
  const result: { databases?: string[] } = {};
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    const inline = /^--databases=(.*)$/.exec(arg);
    if (inline || arg === '--databases') {
      const value = inline ? inline[1] : args[(index += 1)];
      if (!value) usage();
      result.databases = value
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean);
      if (result.databases.length === 0) usage();
    } else usage();
  }
  return result;
}

function keepCount(): number {
  const raw = process.env.BACKUP_KEEP ?? '14';
  const keep = Number(raw);
  if (!Number.isInteger(keep) || keep < 1)
    throw new Error(`BACKUP_KEEP must be a whole number of at least 1 (got "${raw}")`);
  return keep;
}

/** 2026-12-02T14:39:08.558Z → 20261202T143908Z */
function stampOf(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** The roles the database's objects refer to (owners, grantees) and the members of those. */
async function referencedRoles(client: Client): Promise<RoleRecord[]> {
  const { rows } = await client.query<RoleRecord>(`
    WITH user_ns AS (
      SELECT n.oid, n.nspowner, n.nspacl FROM pg_namespace n WHERE ${USER_SCHEMA_CONDITION}
    ),
    owners AS (
      SELECT nspowner AS role FROM user_ns
      UNION SELECT c.relowner FROM pg_class c WHERE c.relnamespace IN (SELECT oid FROM user_ns)
      UNION SELECT p.proowner FROM pg_proc p WHERE p.pronamespace IN (SELECT oid FROM user_ns)
      UNION SELECT t.typowner FROM pg_type t WHERE t.typnamespace IN (SELECT oid FROM user_ns)
      UNION SELECT d.datdba FROM pg_database d WHERE d.datname = current_database()
      UNION SELECT a.defaclrole FROM pg_default_acl a
      UNION SELECT e.extowner FROM pg_extension e
    ),
    grants AS (
      SELECT (aclexplode(nspacl)).grantee AS role FROM user_ns WHERE nspacl IS NOT NULL
      UNION SELECT (aclexplode(c.relacl)).grantee FROM pg_class c
             WHERE c.relacl IS NOT NULL AND c.relnamespace IN (SELECT oid FROM user_ns)
      UNION SELECT (aclexplode(p.proacl)).grantee FROM pg_proc p
             WHERE p.proacl IS NOT NULL AND p.pronamespace IN (SELECT oid FROM user_ns)
      UNION SELECT (aclexplode(a.defaclacl)).grantee FROM pg_default_acl a
      UNION SELECT (aclexplode(d.datacl)).grantee FROM pg_database d
             WHERE d.datname = current_database() AND d.datacl IS NOT NULL
    ),
    referenced AS (SELECT role FROM owners UNION SELECT role FROM grants WHERE role <> 0),
    wanted AS (
      SELECT role FROM referenced
      UNION SELECT m.member FROM pg_auth_members m WHERE m.roleid IN (SELECT role FROM referenced)
    )
    SELECT r.rolname AS name, r.rolcanlogin AS login, r.rolsuper AS superuser,
           r.rolcreatedb AS createdb, r.rolcreaterole AS createrole, r.rolinherit AS inherit,
           ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                  WHERE m.member = r.oid AND m.roleid IN (SELECT role FROM wanted) ORDER BY 1) AS "memberOf"
      FROM pg_roles r
     WHERE r.oid IN (SELECT role FROM wanted) AND r.rolname NOT LIKE 'pg\\_%'
     ORDER BY r.rolname`);
  return rows;
}

async function tenantsOf(client: Client): Promise<Record<string, string> | undefined> {
  const { rows } = await client.query<{ present: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AS present`,
    [`${PLATFORM_SCHEMA}.organizations`],
  );
  if (!rows[0].present) return undefined;
  const organizations = await client.query<{ slug: string; schema_name: string }>(
    `SELECT slug, schema_name FROM ${PLATFORM_SCHEMA}.organizations ORDER BY slug`,
  );
  return Object.fromEntries(organizations.rows.map((row) => [row.slug, row.schema_name]));
}

/** What the manifest records of a database besides its dump, and the roles its objects refer to. */
type DatabaseFacts = Pick<
  DatabaseRecord,
  'owner' | 'encoding' | 'collate' | 'ctype' | 'tenants' | 'rowCounts'
> & { roles: RoleRecord[] };

async function readFacts(client: Client): Promise<DatabaseFacts> {
  const {
    rows: [database],
  } = await client.query<{ owner: string; encoding: string; collate: string; ctype: string }>(
    `SELECT pg_get_userbyid(d.datdba) AS owner, pg_encoding_to_char(d.encoding) AS encoding,
            d.datcollate AS collate, d.datctype AS ctype
       FROM pg_database d WHERE d.datname = current_database()`,
  );
  const tenants = await tenantsOf(client);
  const rowCounts = await countRows(client);
  const roles = await referencedRoles(client);
  return { ...database, ...(tenants ? { tenants } : {}), rowCounts, roles };
}

/** Dumps one database and counts its rows, both in one exported snapshot. */
async function backUpDatabase(
  ownerUrl: string,
  database: string,
  pgDump: ClientTool,
  file: string,
): Promise<{ record: Omit<DatabaseRecord, 'bytes' | 'sha256'>; roles: RoleRecord[] }> {
  const client = await connect(withDatabase(ownerUrl, database), 'dispatch-backup');
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    // The transaction waits idle while pg_dump works: no server-side timeout may end it.
    await client.query(
      `SET LOCAL idle_in_transaction_session_timeout = 0; SET LOCAL statement_timeout = 0`,
    );
    const {
      rows: [{ snapshot }],
    } = await client.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot');
    const [dumped, facts] = await Promise.allSettled([
      runTool(
        pgDump.path,
        ['--format=custom', `--snapshot=${snapshot}`, '--no-password', `--file=${file}`],
        libpqEnvironment(ownerUrl, database),
      ),
      readFacts(client),
    ]);
    if (dumped.status === 'rejected') throw dumped.reason;
    if (facts.status === 'rejected') throw facts.reason;
    await client.query('COMMIT');
    const { roles, rowCounts, ...rest } = facts.value;
    const totalRows = totalRowsOf(rowCounts);
    return {
      record: {
        name: database,
        file: path.basename(file),
        snapshot,
        ...rest,
        rowCounts,
        totalRows,
      },
      roles,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

function mergeRoles(lists: RoleRecord[][]): RoleRecord[] {
  const byName = new Map<string, RoleRecord>();
  for (const role of lists.flat()) {
    const known = byName.get(role.name);
    byName.set(
      role.name,
      known
        ? { ...known, memberOf: [...new Set([...known.memberOf, ...role.memberOf])].sort() }
        : role,
    );
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Keeps the newest `keep` backups; never deletes `current`. Returns the names deleted. */
function applyRetention(dir: string, keep: number, current: string): string[] {
  const backups = readdirSync(dir)
    .filter((name) => BACKUP_NAME.test(name) && statSync(path.join(dir, name)).isDirectory())
    .sort()
    .reverse();
  const deleted: string[] = [];
  for (const name of backups.slice(keep)) {
    if (name === current) continue;
    rmSync(path.join(dir, name), { recursive: true, force: true });
    deleted.push(name);
  }
  return deleted;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const started = new Date();
  const args = parseArguments(process.argv.slice(2));
  // Whatever is written here (pg_dump's files too) is for the owner's eyes only.
  process.umask(0o077);
  const ownerUrl = ownerUrlFromEnvironment();
  const primaryDatabase = databaseOf(ownerUrl);
  const databases = args.databases ?? [primaryDatabase];
  if (new Set(databases).size !== databases.length) throw new Error('a database is named twice');
  const keep = keepCount();
  const backupRoot = path.resolve(process.env.BACKUP_DIR ?? path.join(ROOT, 'backups'));

  const probe = await connect(withDatabase(ownerUrl, databases[0]), 'dispatch-backup');
  const server = await serverVersion(probe).finally(() => probe.end());
  const pgDump = findClientTool(
    'pg_dump',
    server.major,
    `dump a PostgreSQL ${server.major} server`,
  );

  mkdirSync(backupRoot, { recursive: true, mode: 0o700 });
  const stamp = stampOf(started);
  let name = `dispatch-${stamp}`;
  for (let suffix = 2; existsSync(path.join(backupRoot, name)); suffix += 1)
    name = `dispatch-${stamp}-${suffix}`;
  const partial = path.join(backupRoot, `.${name}.partial-${process.pid}`);
  const final = path.join(backupRoot, name);
  mkdirSync(partial, { mode: 0o700 });
  try {
    const records: DatabaseRecord[] = [];
    const roleLists: RoleRecord[][] = [];
    for (const database of databases) {
      const file = path.join(partial, `${database}.dump`);
      const { record, roles } = await backUpDatabase(ownerUrl, database, pgDump, file);
      chmodSync(file, 0o600);
      records.push({
        ...record,
        bytes: statSync(file).size,
        sha256: await sha256OfFile(file),
      });
      roleLists.push(roles);
    }
    const manifest: BackupManifest = {
      format: MANIFEST_FORMAT,
      createdAt: started.toISOString(),
      durationMs: Date.now() - started.getTime(),
      server,
      pgDump: { version: pgDump.version, major: pgDump.major },
      primaryDatabase: databases.includes(primaryDatabase) ? primaryDatabase : databases[0],
      roles: mergeRoles(roleLists),
      databases: records,
    };
    writeFileSync(path.join(partial, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, {
      mode: 0o600,
    });
    renameSync(partial, final);
    chmodSync(final, 0o700);

    const bytes = records.reduce((sum, record) => sum + record.bytes, 0);
    say(
      `Backup written to ${final} (${formatBytes(bytes)} in ${((Date.now() - started.getTime()) / 1000).toFixed(1)} s; PostgreSQL ${server.version}, ${pgDump.version})`,
    );
    for (const record of records) {
      say(
        `  ${record.name}: ${formatBytes(record.bytes)}, ${record.totalRows.toLocaleString('en-US')} rows, sha256 ${record.sha256.slice(0, 16)}…`,
      );
      const label = schemaLabeller(record.tenants);
      for (const [schema, tables] of Object.entries(record.rowCounts)) {
        say(
          `    ${label(schema)}: ${totalOf(tables).toLocaleString('en-US')} rows${totalOf(tables) > 0 ? ` — ${describeCounts(tables)}` : ''}`,
        );
      }
    }
    const deleted = applyRetention(backupRoot, keep, name);
    say(
      `Keeping the newest ${keep} backups in ${backupRoot}${deleted.length > 0 ? `; deleted ${deleted.join(', ')}` : ''}`,
    );
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `backup failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
