/**
 * Citus 13.2.2 built from the vendored source (`../shared/vendor/citus-13.2.2.tar.gz`, or
 * `CITUS_SOURCE_TARBALL`) against Debian's PostgreSQL 15 and installed into it
 * (`/usr/lib/postgresql/15/lib`, `/usr/share/postgresql/15/extension`).
 *
 * - Skips everything when that version is already installed: `citus.control` (SQL version
 *   13.2-1, the one 13.2.2 ships) and `citus.so` carrying the release string "Citus 13.2.2".
 * - Installs the Debian packages the build needs with apt-get when they are missing and we are
 *   root; otherwise fails naming them.
 * - Extracts a fresh copy into `<repo>/.cache/citus/` (git-ignored), applies the one source fix
 *   PostgreSQL 15.20 needs there (never to the tarball), then `./configure && make -j2 &&
 *   make install`; the whole output goes to `.cache/citus/build.log`.
 * - A lock directory (`.cache/citus/build.lock`) keeps concurrent callers (jest workers, two
 *   terminals) from building at once; whoever waited finds the finished install and returns.
 *
 * Installing the files does not affect a server that does not preload `citus`.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

export const CITUS_VERSION = '13.2.2';
/** The extension's SQL version (`default_version` in citus.control) that 13.2.2 installs. */
export const CITUS_SQL_VERSION = '13.2-1';
export const POSTGRES_MAJOR = 15;

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
const CACHE_DIR = path.join(REPO_ROOT, '.cache', 'citus');
const LOCK_DIR = path.join(CACHE_DIR, 'build.lock');
const BUILD_LOG = path.join(CACHE_DIR, 'build.log');
const PG_CONFIG = `/usr/lib/postgresql/${POSTGRES_MAJOR}/bin/pg_config`;

/** The Debian packages the build needs (../shared/vendor/README.md). */
const BUILD_PACKAGES = [
  `postgresql-${POSTGRES_MAJOR}`,
  `postgresql-server-dev-${POSTGRES_MAJOR}`,
  'build-essential',
  'libcurl4-openssl-dev',
  'liblz4-dev',
  'libzstd-dev',
  'libkrb5-dev',
  'libssl-dev',
  'libicu-dev',
];

/**
 * 13.2.2 defines its own `static inline have_createdb_privilege()` for PostgreSQL < 16, which
 * 15.20 now declares and exports in commands/dbcommands.h ("static declaration … follows
 * non-static declaration"): the definition is replaced by that header.
 */
const COMPAT_HEADER = path.join('src', 'include', 'pg_version_compat.h');
const COMPAT_DEFINITION = `static inline bool
have_createdb_privilege(void)
{
	bool result = false;
	HeapTuple utup;

	/* Superusers can always do everything */
	if (superuser())
	{
		return true;
	}

	utup = SearchSysCache1(AUTHOID, ObjectIdGetDatum(GetUserId()));
	if (HeapTupleIsValid(utup))
	{
		result = ((Form_pg_authid) GETSTRUCT(utup))->rolcreatedb;
		ReleaseSysCache(utup);
	}
	return result;
}
`;
const COMPAT_REPLACEMENT = `/* have_createdb_privilege(): PostgreSQL 15.20 exports it (tools/citus/build.ts) */
#include "commands/dbcommands.h"
`;

export function citusSourceTarball(): string {
  return (
    process.env.CITUS_SOURCE_TARBALL ??
    path.join(REPO_ROOT, '..', 'shared', 'vendor', `citus-${CITUS_VERSION}.tar.gz`)
  );
}

interface PostgresDirs {
  pkglibdir: string;
  sharedir: string;
}

/** Where PostgreSQL 15 loads extensions from (its pg_config, else Debian's fixed layout). */
function postgresDirs(): PostgresDirs {
  if (existsSync(PG_CONFIG)) {
    const result = spawnSync(PG_CONFIG, ['--pkglibdir', '--sharedir'], { encoding: 'utf8' });
    const [pkglibdir, sharedir] = result.stdout.trim().split('\n');
    if (result.status === 0 && pkglibdir && sharedir) return { pkglibdir, sharedir };
  }
  return {
    pkglibdir: `/usr/lib/postgresql/${POSTGRES_MAJOR}/lib`,
    sharedir: `/usr/share/postgresql/${POSTGRES_MAJOR}`,
  };
}

/** Whether Citus 13.2.2 is installed in PostgreSQL 15 (control file and shared library). */
export function citusInstalled(): boolean {
  const { pkglibdir, sharedir } = postgresDirs();
  const control = path.join(sharedir, 'extension', 'citus.control');
  const library = path.join(pkglibdir, 'citus.so');
  if (!existsSync(control) || !existsSync(library)) return false;
  const defaultVersion = /^\s*default_version\s*=\s*'([^']*)'/m.exec(readFileSync(control, 'utf8'));
  if (defaultVersion?.[1] !== CITUS_SQL_VERSION) return false;
  // citus_version() reports "Citus 13.2.2 on …": the string is in the library.
  return readFileSync(library).includes(Buffer.from(`Citus ${CITUS_VERSION} `));
}

function packageInstalled(name: string): boolean {
  const result = spawnSync('dpkg-query', ['-W', '-f=${db:Status-Status}', name], {
    encoding: 'utf8',
  });
  return result.status === 0 && result.stdout.trim() === 'installed';
}

function ensureBuildPackages(log: (line: string) => void): void {
  const missing = BUILD_PACKAGES.filter((name) => !packageInstalled(name));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0)
    throw new Error(
      `Building Citus needs Debian packages that are missing: run  sudo apt-get install -y ${missing.join(' ')}`,
    );
  log(`installing ${missing.join(', ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-q'],
    ['install', '-y', '-q', '--no-install-recommends', ...missing],
  ]) {
    const result = spawnSync('apt-get', args, { encoding: 'utf8', env });
    if (result.status !== 0)
      throw new Error(
        `apt-get ${args.join(' ')} failed (${result.signal ?? `exit code ${result.status}`}):\n${lastLines(`${result.stdout}${result.stderr}`, 30)}`,
      );
  }
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

/** Applies the PostgreSQL 15.20 fix to the extracted source; throws when the text is not there. */
export function patchCitusSource(sourceDir: string): void {
  const header = path.join(sourceDir, COMPAT_HEADER);
  const text = readFileSync(header, 'utf8');
  const first = text.indexOf(COMPAT_DEFINITION);
  if (first < 0 || text.indexOf(COMPAT_DEFINITION, first + 1) >= 0)
    throw new Error(
      `${COMPAT_HEADER} does not hold exactly one copy of the have_createdb_privilege() definition this fix replaces: is the tarball Citus ${CITUS_VERSION}? (tools/citus/build.ts)`,
    );
  writeFileSync(header, text.replace(COMPAT_DEFINITION, COMPAT_REPLACEMENT));
}

/** Runs a build step with its output appended to build.log; rejects with the log's tail. */
function runStep(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const logStream = createWriteStream(BUILD_LOG, { flags: 'a' });
    logStream.write(`\n$ ${[command, ...args].join(' ')}\n`);
    const child = spawn(command, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PG_CONFIG, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
    });
    child.stdout.pipe(logStream, { end: false });
    child.stderr.pipe(logStream, { end: false });
    child.once('error', (error) => {
      logStream.end();
      reject(error);
    });
    child.once('close', (code, signal) => {
      logStream.end(() => {
        if (code === 0) {
          resolve();
          return;
        }
        reject(
          new Error(
            `${[command, ...args].join(' ')} failed (${signal ?? `exit code ${code}`}); the last lines of ${BUILD_LOG}:\n${lastLines(readFileSync(BUILD_LOG, 'utf8'), 40)}`,
          ),
        );
      });
    });
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes the build lock (a directory, created atomically, holding the owner's pid); a lock whose
 * owner died is taken over. Resolves with its release function.
 */
async function acquireBuildLock(log: (line: string) => void): Promise<() => void> {
  const owner = path.join(LOCK_DIR, 'pid');
  let waitingSaid = false;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(owner, String(process.pid));
      return () => rmSync(LOCK_DIR, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let pid: number | undefined;
    try {
      pid = Number(readFileSync(owner, 'utf8').trim()) || undefined;
    } catch {
      // the owner has made the directory and not yet written its pid, or has just released it
    }
    let age = 0;
    try {
      age = Date.now() - statSync(LOCK_DIR).mtimeMs;
    } catch {
      continue; // released meanwhile
    }
    const abandoned = pid === undefined ? age > 30_000 : !processAlive(pid);
    if (abandoned) {
      log(
        `taking over the build lock of ${pid === undefined ? 'a vanished process' : `pid ${pid}, which has exited`}`,
      );
      rmSync(LOCK_DIR, { recursive: true, force: true });
      continue;
    }
    if (!waitingSaid) {
      log(`another process (pid ${pid ?? '?'}) is building Citus: waiting for it`);
      waitingSaid = true;
    }
    await sleep(1000);
  }
}

async function build(log: (line: string) => void): Promise<void> {
  const tarball = citusSourceTarball();
  try {
    accessSync(tarball, constants.R_OK);
  } catch {
    throw new Error(
      `The Citus ${CITUS_VERSION} source is not readable at ${tarball} (set CITUS_SOURCE_TARBALL to use another copy)`,
    );
  }
  ensureBuildPackages(log);
  const { pkglibdir, sharedir } = postgresDirs();
  for (const dir of [pkglibdir, path.join(sharedir, 'extension')]) {
    try {
      accessSync(dir, constants.W_OK);
    } catch {
      throw new Error(
        `Installing Citus writes to ${dir}, which we may not write: run this as root (or build by hand as the vendor README says)`,
      );
    }
  }

  const sourceDir = path.join(CACHE_DIR, `citus-${CITUS_VERSION}`);
  rmSync(sourceDir, { recursive: true, force: true });
  mkdirSync(sourceDir, { recursive: true });
  writeFileSync(BUILD_LOG, `Citus ${CITUS_VERSION} from ${tarball}, ${new Date().toISOString()}\n`);
  log(`extracting ${tarball} into ${path.relative(REPO_ROOT, sourceDir)}`);
  await runStep('tar', ['-xzf', tarball, '-C', sourceDir, '--strip-components=1'], CACHE_DIR);
  patchCitusSource(sourceDir);
  log(
    `building Citus ${CITUS_VERSION} for PostgreSQL ${POSTGRES_MAJOR} (about 4 minutes on 2 cores; output in ${path.relative(REPO_ROOT, BUILD_LOG)})`,
  );
  const started = Date.now();
  await runStep('./configure', [`PG_CONFIG=${PG_CONFIG}`], sourceDir);
  await runStep('make', ['-j2'], sourceDir);
  await runStep('make', ['install'], sourceDir);
  if (!citusInstalled())
    throw new Error(
      `make install finished but Citus ${CITUS_VERSION} is not found in ${pkglibdir} / ${sharedir}/extension`,
    );
  log(
    `Citus ${CITUS_VERSION} built and installed in ${Math.round((Date.now() - started) / 1000)} s`,
  );
}

/**
 * Makes sure Citus 13.2.2 is installed in Debian's PostgreSQL 15, building it when it is not.
 * Instant when it is.
 */
export async function ensureCitusInstalled(
  log: (line: string) => void = () => undefined,
): Promise<void> {
  if (citusInstalled()) return;
  mkdirSync(CACHE_DIR, { recursive: true });
  const release = await acquireBuildLock(log);
  try {
    // Someone else may have finished the build while we waited.
    if (citusInstalled()) return;
    await build(log);
  } finally {
    release();
  }
}
