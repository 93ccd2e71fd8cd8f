/**
 * `npm run restore -- <backup directory or its manifest.json> [--role-passwords <file>]`:
 * restores a backup made by `npm run backup` into an EMPTY server or database, then proves it.
 *
 * 1. Checks every dump against the manifest's size and sha256 (a damaged backup is refused before
 *    anything is touched).
 * 2. Connects with DATABASE_URL or DATABASE_URL_FILE (the new server's owner, a superuser for a
 *    faithful restore): the URL's database receives the backup's primary (product) database, the
 *    others keep their names. It refuses, changing nothing, when a target database already holds
 *    schemas or tables of its own (the product's `platform` and `tenant_*` schemas among them),
 *    when the server is older than the backup's, or when pg_restore is older than the pg_dump
 *    that wrote the dumps (PG_RESTORE names another one).
 * 3. Creates the roles the dumps refer to that the server lacks: the API's group role
 *    `dispatch_api` (NOLOGIN) and the logins that were its members (the API's login), with their
 *    memberships. A per-database dump carries no passwords: a login gets the password the
 *    `--role-passwords` file (or RESTORE_ROLE_PASSWORDS_FILE) gives it — JSON
 *    `{"<role>": "<password>"}`, stored as a SCRAM secret — and otherwise none (it cannot log in
 *    until `ALTER ROLE … PASSWORD` gives it one). Roles that exist are left as they are.
 * 4. Creates the databases, runs `pg_restore --single-transaction --exit-on-error` into each, then
 *    ANALYZE, and counts every table of every schema: any count that differs from the manifest
 *    (which was taken in the dump's own snapshot) makes the restore fail (exit code 1).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Client } from 'pg';
import { scramSha256Secret } from '../postgres/debian-postgres';
import {
  type BackupManifest,
  connect,
  countRows,
  databaseOf,
  type DatabaseRecord,
  findClientTool,
  formatBytes,
  libpqEnvironment,
  MANIFEST_FORMAT,
  ownerUrlFromEnvironment,
  quoteIdentifier,
  type RowCounts,
  runTool,
  schemaLabeller,
  serverVersion,
  sha256OfFile,
  totalOf,
  totalRowsOf,
  USER_SCHEMA_CONDITION,
  withDatabase,
} from './backup-common';

const USAGE =
  'usage: npm run restore -- <backup directory or manifest.json> [--role-passwords <file>]';

interface Arguments {
  backup: string;
  rolePasswordsFile?: string;
}

function parseArguments(args: string[]): Arguments {
  let backup: string | undefined;
  let rolePasswordsFile = process.env.RESTORE_ROLE_PASSWORDS_FILE || undefined;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    const inline = /^--role-passwords=(.*)$/.exec(arg);
    if (inline || arg === '--role-passwords') {
      rolePasswordsFile = inline ? inline[1] : args[(index += 1)];
      if (!rolePasswordsFile) throw new Error(USAGE);
    } else if (!arg.startsWith('--') && backup === undefined) backup = arg;
    else throw new Error(USAGE);
  }
  if (!backup) throw new Error(USAGE);
  return { backup, ...(rolePasswordsFile ? { rolePasswordsFile } : {}) };
}

function readManifest(backup: string): { manifest: BackupManifest; dir: string } {
  const file =
    existsSync(backup) && statSync(backup).isDirectory()
      ? path.join(backup, 'manifest.json')
      : backup;
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as BackupManifest;
  if (manifest.format !== MANIFEST_FORMAT)
    throw new Error(`${file} is not a manifest of npm run backup (${MANIFEST_FORMAT})`);
  return { manifest, dir: path.dirname(file) };
}

function readRolePasswords(file: string | undefined): Record<string, string> {
  if (!file) return {};
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Object.values(parsed).some((value) => typeof value !== 'string')
  )
    throw new Error(`${file} must hold a JSON object of role names and passwords`);
  return parsed as Record<string, string>;
}

async function verifyChecksums(manifest: BackupManifest, dir: string): Promise<void> {
  const problems: string[] = [];
  for (const database of manifest.databases) {
    const file = path.join(dir, database.file);
    if (!existsSync(file)) {
      problems.push(`${database.file} is missing`);
      continue;
    }
    const bytes = statSync(file).size;
    const sha256 = await sha256OfFile(file);
    if (bytes !== database.bytes || sha256 !== database.sha256)
      problems.push(
        `${database.file}: sha256 ${sha256} (${bytes} bytes) where the manifest says ${database.sha256} (${database.bytes} bytes)`,
      );
  }
  if (problems.length > 0)
    throw new Error(
      `the backup is damaged, checksum mismatch: ${problems.join('; ')}. Nothing was restored`,
    );
}

/** A connection to the server's maintenance database (the target databases may not exist yet). */
async function connectMaintenance(ownerUrl: string): Promise<Client> {
  let lastError: unknown;
  for (const database of ['postgres', 'template1']) {
    try {
      return await connect(withDatabase(ownerUrl, database), 'dispatch-restore');
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** What a target database already holds of its own: schemas (besides public) and public's relations. */
async function contentsOf(ownerUrl: string, database: string): Promise<string[]> {
  const client = await connect(withDatabase(ownerUrl, database), 'dispatch-restore');
  try {
    const { rows } = await client.query<{ item: string }>(
      `SELECT 'schema ' || n.nspname AS item FROM pg_namespace n
        WHERE ${USER_SCHEMA_CONDITION} AND n.nspname <> 'public'
       UNION ALL
       SELECT 'relation public.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
       ORDER BY 1`,
    );
    return rows.map((row) => row.item);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function compareCounts(expected: RowCounts, actual: RowCounts, database: string): string[] {
  const mismatches: string[] = [];
  for (const [schema, tables] of Object.entries(expected))
    for (const [table, count] of Object.entries(tables)) {
      const restored = actual[schema]?.[table];
      if (restored !== count)
        mismatches.push(
          `${database}: ${schema}.${table} has ${restored ?? 'no table'} rows where the backup counted ${count}`,
        );
    }
  for (const [schema, tables] of Object.entries(actual))
    for (const table of Object.keys(tables))
      if (expected[schema]?.[table] === undefined)
        mismatches.push(`${database}: ${schema}.${table} is not in the backup`);
  return mismatches;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

interface Target {
  record: DatabaseRecord;
  name: string;
}

async function createRoles(
  admin: Client,
  manifest: BackupManifest,
  passwords: Record<string, string>,
  superuser: boolean,
): Promise<void> {
  const names = manifest.roles.map((role) => role.name);
  const { rows } = await admin.query<{ rolname: string }>(
    'SELECT rolname FROM pg_roles WHERE rolname = ANY($1)',
    [names],
  );
  const existing = new Set(rows.map((row) => row.rolname));
  for (const role of manifest.roles) {
    if (existing.has(role.name)) {
      say(`  role ${role.name}: exists on the target, left as it is`);
      continue;
    }
    const password = passwords[role.name];
    const attributes = [
      role.login ? 'LOGIN' : 'NOLOGIN',
      role.createdb ? 'CREATEDB' : '',
      role.createrole && superuser ? 'CREATEROLE' : '',
      role.inherit ? 'INHERIT' : 'NOINHERIT',
      role.login && password !== undefined
        ? `PASSWORD '${scramSha256Secret(password).replace(/'/g, "''")}'`
        : '',
    ].filter(Boolean);
    await admin.query(`CREATE ROLE ${quoteIdentifier(role.name)} ${attributes.join(' ')}`);
    const note = !role.login
      ? 'NOLOGIN'
      : password !== undefined
        ? 'LOGIN, password from the role-passwords file'
        : 'LOGIN, NO PASSWORD (a per-database dump has none): set one with ALTER ROLE … PASSWORD before it connects';
    say(
      `  role ${role.name}: created (${note}${role.superuser ? '; it was a superuser, restored as an ordinary role' : ''})`,
    );
  }
  const { rows: memberships } = await admin.query<{ member: string; role: string }>(
    `SELECT m.rolname AS member, g.rolname AS role FROM pg_auth_members a
       JOIN pg_roles m ON m.oid = a.member JOIN pg_roles g ON g.oid = a.roleid`,
  );
  const held = new Set(memberships.map((row) => `${row.member} ${row.role}`));
  for (const role of manifest.roles)
    for (const group of role.memberOf)
      if (!held.has(`${role.name} ${group}`)) {
        await admin.query(`GRANT ${quoteIdentifier(group)} TO ${quoteIdentifier(role.name)}`);
        say(`  role ${role.name}: member of ${group}`);
      }
}

async function createDatabase(admin: Client, target: Target, superuser: boolean): Promise<void> {
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [target.name]);
  if (exists.rowCount) return;
  const base = `CREATE DATABASE ${quoteIdentifier(target.name)}${superuser ? ` OWNER ${quoteIdentifier(target.record.owner)}` : ''} TEMPLATE template0 ENCODING '${target.record.encoding}'`;
  try {
    await admin.query(
      `${base} LC_COLLATE '${target.record.collate.replace(/'/g, "''")}' LC_CTYPE '${target.record.ctype.replace(/'/g, "''")}'`,
    );
  } catch (error) {
    // The source's locale may not exist here: the server's default serves (indexes are rebuilt).
    await admin.query(base);
    say(
      `  database ${target.name}: created with the server's default locale (${target.record.collate} is not available: ${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const args = parseArguments(process.argv.slice(2));
  const { manifest, dir } = readManifest(args.backup);
  const passwords = readRolePasswords(args.rolePasswordsFile);

  await verifyChecksums(manifest, dir);
  say(
    `Backup ${dir} of ${manifest.createdAt}: ${manifest.databases.length} dump(s), checksums match`,
  );

  const ownerUrl = ownerUrlFromEnvironment();
  const targetPrimary = databaseOf(ownerUrl);
  const targets: Target[] = manifest.databases.map((record) => ({
    record,
    name: record.name === manifest.primaryDatabase ? targetPrimary : record.name,
  }));
  if (new Set(targets.map((target) => target.name)).size !== targets.length)
    throw new Error(
      `the target database ${targetPrimary} is also the name of another database of the backup`,
    );

  const admin = await connectMaintenance(ownerUrl);
  try {
    const server = await serverVersion(admin);
    if (server.major < manifest.server.major)
      throw new Error(
        `the backup is of PostgreSQL ${manifest.server.major}; it restores into ${manifest.server.major} or newer, and the target is ${server.version}`,
      );
    const pgRestore = findClientTool(
      'pg_restore',
      manifest.pgDump.major,
      `restore a dump made by pg_dump ${manifest.pgDump.major}`,
    );
    const {
      rows: [{ superuser }],
    } = await admin.query<{ superuser: boolean }>(
      'SELECT rolsuper AS superuser FROM pg_roles WHERE rolname = current_user',
    );

    // Refuse a target that holds anything, before changing anything.
    const { rows: present } = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname = ANY($1)',
      [targets.map((target) => target.name)],
    );
    const refusals: string[] = [];
    for (const { datname } of present) {
      const contents = await contentsOf(ownerUrl, datname);
      if (contents.length > 0)
        refusals.push(
          `database ${datname} already holds ${contents.slice(0, 6).join(', ')}${contents.length > 6 ? ', …' : ''}`,
        );
    }
    if (refusals.length > 0)
      throw new Error(
        `refusing to restore into a target that is not empty: ${refusals.join('; ')}. Nothing was changed`,
      );

    say(`Roles (on ${server.version}):`);
    await createRoles(admin, manifest, passwords, superuser);
    if (!superuser)
      say('  not a superuser: objects will be owned by the restoring role (pg_restore --no-owner)');

    const mismatches: string[] = [];
    for (const target of targets) {
      await createDatabase(admin, target, superuser);
      const file = path.join(dir, target.record.file);
      const restoreStarted = Date.now();
      await runTool(
        pgRestore.path,
        [
          '--exit-on-error',
          '--single-transaction',
          '--no-password',
          ...(superuser ? [] : ['--no-owner']),
          `--dbname=${target.name}`,
          file,
        ],
        libpqEnvironment(ownerUrl, target.name),
      );
      const client = await connect(withDatabase(ownerUrl, target.name), 'dispatch-restore');
      let counts: RowCounts;
      try {
        await client.query('ANALYZE');
        counts = await countRows(client);
      } finally {
        await client.end().catch(() => undefined);
      }
      const problems = compareCounts(target.record.rowCounts, counts, target.name);
      mismatches.push(...problems);
      const total = totalRowsOf(counts);
      say(
        `Restored ${target.record.name} into ${target.name}: ${formatBytes(target.record.bytes)} dump, ${total.toLocaleString('en-US')} rows in ${((Date.now() - restoreStarted) / 1000).toFixed(1)} s — ${problems.length === 0 ? 'every table’s row count equals the backup’s' : `${problems.length} count(s) differ`}`,
      );
      const label = schemaLabeller(target.record.tenants);
      for (const [schema, tables] of Object.entries(counts))
        say(`    ${label(schema)}: ${totalOf(tables).toLocaleString('en-US')} rows`);
    }
    if (mismatches.length > 0)
      throw new Error(`the restored data does not match the backup:\n  ${mismatches.join('\n  ')}`);
    say(`Restore complete in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await admin.end().catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `restore failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
