/**
 * A PostgreSQL server from Debian's binaries (`/usr/lib/postgresql/<N>/bin`, package
 * `postgresql-<N>`), for the production-like topology: only Debian's client tools can back up a
 * server of theirs here (the npm embedded server is 18, and ships no pg_dump).
 *
 * - The data directory is created and initialised when empty, and kept between starts.
 * - It listens on 127.0.0.1 only, plus a unix socket in `<dataDir>/socket` (or, when that path is
 *   too long for a socket, a fresh directory under the system's temporary directory), never in
 *   /var/run/postgresql, so it cannot clash with the machine's own server.
 * - pg_hba.conf and the server settings are written at every start from the options: with
 *   `tlsOnly`, TCP takes only `hostssl … scram-sha-256` from 127.0.0.1/32 and ::1/128 and plain
 *   TCP finds no entry at all; the socket takes only the `postgres` superuser by `peer`
 *   authentication (and only the `postgres` OS user can open it: mode 0700), which keeps local
 *   maintenance (`setpriv --reuid=postgres … pg_dump -h <socket dir>`) possible without any
 *   plain TCP.
 * - As root, every server program runs as the `postgres` OS user (PostgreSQL refuses root), which
 *   must be able to traverse to the data directory: when it cannot, the data is kept in a stable
 *   folder it can reach instead (reachable-paths.ts; the log says where). All server programs
 *   carry a parent-death signal, so a server never outlives the process that started it (fast
 *   shutdown when that process dies, even by SIGKILL).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import {
  accessSync,
  chmodSync,
  chownSync,
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { portIsFree } from '../net/ports';
import {
  type PostgresAccount,
  postgresAccount,
  preparePostgresDataDir,
  reachableDataDir,
  reachableScratchDir,
} from './reachable-paths';

export interface DebianPostgresOptions {
  /** Created and initialised (initdb) when empty; kept between starts (persistent). */
  dataDir: string;
  port: number;
  /** For the `postgres` superuser, stored as scram-sha-256 (set again at every start). */
  superuserPassword: string;
  /** Server certificate and key (PEM) and the CA certificate that clients may present. */
  tls?: { certFile: string; keyFile: string; caFile: string };
  /**
   * pg_hba.conf holds only `hostssl … scram-sha-256` for 127.0.0.1/32 and ::1/128 (nothing for
   * plain `host`) and `local all postgres peer`. Needs `tls`.
   */
  tlsOnly?: boolean;
  /**
   * Further server settings, written (quoted) after ours into the generated settings file, so
   * they win (e.g. `{ shared_preload_libraries: 'citus', wal_level: 'logical' }`).
   */
  settings?: Record<string, string>;
  /**
   * The PostgreSQL major version a new data directory is initialised with (default: the newest
   * installed); an existing one keeps its own and must match it when given.
   */
  major?: number;
  log?: (line: string) => void;
}

export interface RunningDebianPostgres {
  port: number;
  /** Fast shutdown (sessions are terminated); resolves once the server has exited. */
  stop(): Promise<void>;
  /** The postmaster's process id. */
  pid: number;
}

const DEBIAN_POSTGRES_ROOT = '/usr/lib/postgresql';
const SETPRIV = '/usr/bin/setpriv';
const SUPERUSER = 'postgres';
/** Written at every start, included from postgresql.conf. */
const SETTINGS_FILE = 'dispatch-server.conf';
/** pg_ident map that lets a non-root server's own OS account in as the superuser. */
const PEER_MAP = 'server_account';
/** sun_path holds 108 bytes with its terminating zero. */
const MAX_SOCKET_PATH = 107;

/** The newest `/usr/lib/postgresql/<N>/bin` that holds a server (`postgres`), N ≥ minMajor. */
export function findPostgresBinDir(minMajor = 0): string {
  const majors = existsSync(DEBIAN_POSTGRES_ROOT)
    ? readdirSync(DEBIAN_POSTGRES_ROOT)
        .filter((entry) => /^\d+$/.test(entry))
        .map(Number)
        .filter((major) => existsSync(path.join(binDirOf(major), 'postgres')))
        .sort((a, b) => b - a)
    : [];
  const newest = majors[0];
  if (newest === undefined || newest < minMajor)
    throw new Error(
      `No PostgreSQL ${minMajor > 0 ? `${minMajor} or newer ` : ''}server binaries in ${DEBIAN_POSTGRES_ROOT}/<N>/bin` +
        `${majors.length > 0 ? ` (found ${majors.join(', ')})` : ''}: install them with \`apt-get install postgresql-${Math.max(minMajor, 15)}\``,
    );
  return binDirOf(newest);
}

function binDirOf(major: number): string {
  return path.join(DEBIAN_POSTGRES_ROOT, String(major), 'bin');
}

function chown(file: string, user: PostgresAccount | undefined): void {
  if (user) chownSync(file, user.uid, user.gid);
}

/**
 * Runs a server program as the server's OS user with a parent-death signal: it never outlives us.
 * `setpriv` (util-linux, always present on Debian) sets the signal after changing the user, so the
 * kernel keeps it.
 */
function spawnServerProgram(
  program: string,
  args: string[],
  user: PostgresAccount | undefined,
  cwd: string,
  deathSignal: 'SIGINT' | 'SIGKILL',
): ChildProcess {
  if (!existsSync(SETPRIV))
    throw new Error(`${SETPRIV} is missing: install util-linux (apt-get install util-linux)`);
  const credentials = user ? [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups'] : [];
  return spawn(SETPRIV, [...credentials, `--pdeathsig=${deathSignal}`, '--', program, ...args], {
    cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      // Nothing else of ours: the server's tools must not pick up a caller's PG* settings.
    },
  });
}

/** Runs a server program to completion; rejects with its output when it fails. */
function runServerProgram(
  program: string,
  args: string[],
  user: PostgresAccount | undefined,
  cwd: string,
  input?: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawnServerProgram(program, args, user, cwd, 'SIGKILL');
    const output: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const text = Buffer.concat(output).toString('utf8');
      if (code === 0) resolve(text);
      else
        reject(
          new Error(
            `${path.basename(program)} failed (${signal ?? `exit code ${code}`}): ${text.trim()}`,
          ),
        );
    });
    child.stdin?.end(input ?? '');
  });
}

/**
 * The SCRAM-SHA-256 secret PostgreSQL stores for a password (RFC 5802/7677, as libpq's
 * PQencryptPasswordConn makes it), so the password itself never reaches the server or its log.
 */
export function scramSha256Secret(password: string): string {
  const iterations = 4096;
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const storedKey = createHash('sha256')
    .update(createHmac('sha256', salted).update('Client Key').digest())
    .digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

function quoteSetting(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The OS account the server runs as: `postgres` as root, else ourselves. */
function serverOsName(user: PostgresAccount | undefined): string {
  return user ? SUPERUSER : os.userInfo().username;
}

/** pg_hba.conf; `osName` is the account the server runs as (peer maps it to the superuser). */
function hbaLines(tlsOnly: boolean, osName: string): string[] {
  const tcp = tlsOnly ? 'hostssl' : 'host';
  return [
    '# Written by tools/postgres/debian-postgres.ts at every start; edits here are overwritten.',
    "# The socket (mode 0700, only the server's OS account can open it): the superuser, by peer.",
    osName === SUPERUSER
      ? `local all ${SUPERUSER} peer`
      : `local all ${SUPERUSER} peer map=${PEER_MAP}`,
    tlsOnly
      ? '# TCP: TLS only (no line for plain host: such a connection finds no entry and is refused).'
      : '# TCP: with or without TLS.',
    `${tcp} all all 127.0.0.1/32 scram-sha-256`,
    `${tcp} all all ::1/128 scram-sha-256`,
  ];
}

function settingsLines(options: DebianPostgresOptions, socketDir: string): string[] {
  const lines = [
    '# Written by tools/postgres/debian-postgres.ts at every start; edits here are overwritten.',
    `listen_addresses = '127.0.0.1'`,
    `port = ${options.port}`,
    `unix_socket_directories = ${quoteSetting(socketDir)}`,
    'unix_socket_permissions = 0700',
    `password_encryption = 'scram-sha-256'`,
    'max_connections = 300',
    'logging_collector = off',
    `log_destination = 'stderr'`,
  ];
  if (options.tls) {
    lines.push(
      'ssl = on',
      `ssl_cert_file = 'server.crt'`,
      `ssl_key_file = 'server.key'`,
      `ssl_ca_file = 'root.crt'`,
      `ssl_min_protocol_version = 'TLSv1.2'`,
    );
  } else {
    lines.push('ssl = off');
  }
  const extra = Object.entries(options.settings ?? {});
  if (extra.length > 0) lines.push('# From the caller (DebianPostgresOptions.settings).');
  for (const [name, value] of extra) {
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) throw new Error(`Not a setting name: ${name}`);
    lines.push(`${name} = ${quoteSetting(value)}`);
  }
  return lines;
}

/** The unix socket's directory: in the data directory when the path fits a socket address. */
function socketDirectory(
  dataDir: string,
  port: number,
  user: PostgresAccount | undefined,
): { dir: string; temporary: boolean } {
  const inData = path.join(dataDir, 'socket');
  if (path.join(inData, `.s.PGSQL.${port}`).length <= MAX_SOCKET_PATH) {
    mkdirSync(inData, { recursive: true, mode: 0o700 });
    chown(inData, user);
    return { dir: inData, temporary: false };
  }
  return { dir: reachableScratchDir('dispatch-pg-socket-'), temporary: true };
}

function installTlsFiles(
  dataDir: string,
  tls: NonNullable<DebianPostgresOptions['tls']>,
  user: PostgresAccount | undefined,
): void {
  for (const [source, name] of [
    [tls.certFile, 'server.crt'],
    [tls.keyFile, 'server.key'],
    [tls.caFile, 'root.crt'],
  ] as const) {
    accessSync(source, constants.R_OK);
    const target = path.join(dataDir, name);
    rmSync(target, { force: true });
    copyFileSync(source, target);
    chown(target, user);
    // PostgreSQL refuses a key that others may read.
    chmodSync(target, 0o600);
  }
}

async function initialise(
  binDir: string,
  dataDir: string,
  user: PostgresAccount | undefined,
  log: (line: string) => void,
): Promise<void> {
  preparePostgresDataDir(dataDir);
  chmodSync(dataDir, 0o700);
  // No password yet: until the start sets one, scram-sha-256 refuses every TCP login as postgres.
  const output = await runServerProgram(
    path.join(binDir, 'initdb'),
    [
      '-D',
      dataDir,
      '-U',
      SUPERUSER,
      '--auth-local=peer',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
    ],
    user,
    dataDir,
  );
  for (const line of output.split('\n')) if (line.trim()) log(`initdb: ${line}`);
}

function includeSettingsFile(dataDir: string): void {
  const conf = path.join(dataDir, 'postgresql.conf');
  const text = readFileSync(conf, 'utf8');
  const include = `include_if_exists = '${SETTINGS_FILE}'`;
  if (!text.includes(include))
    writeFileSync(
      conf,
      `${text.replace(/\n?$/, '\n')}\n# Dispatch's server settings\n${include}\n`,
    );
}

function writeOwnedFile(
  file: string,
  lines: string[],
  user: PostgresAccount | undefined,
  mode: number,
): void {
  writeFileSync(file, `${lines.join('\n')}\n`, { mode });
  chown(file, user);
  chmodSync(file, mode);
}

/** Polls with pg_isready (no login needed) until the server answers, or fails when it exits. */
async function waitUntilAccepting(
  binDir: string,
  port: number,
  child: ChildProcess,
  recentLog: string[],
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `PostgreSQL exited while starting (${child.signalCode ?? `exit code ${child.exitCode}`}):\n${recentLog.join('\n')}`,
      );
    const ready = await new Promise<boolean>((resolve) => {
      const probe = spawn(
        path.join(binDir, 'pg_isready'),
        ['-q', '-h', '127.0.0.1', '-p', String(port), '-t', '2'],
        { stdio: 'ignore', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
      );
      probe.once('error', () => resolve(false));
      probe.once('exit', (code) => resolve(code === 0));
    });
    if (ready) return;
    if (Date.now() > deadline)
      throw new Error(
        `PostgreSQL did not accept connections on port ${port} within ${timeoutMs} ms:\n${recentLog.join('\n')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startDebianPostgres(
  options: DebianPostgresOptions,
): Promise<RunningDebianPostgres> {
  const log = options.log ?? (() => undefined);
  if (options.tlsOnly && !options.tls)
    throw new Error('tlsOnly needs tls (a server certificate, its key and a CA)');
  if (!(await portIsFree(options.port))) throw new Error(`Port ${options.port} is taken`);
  const user = postgresAccount();
  // As root the server runs as `postgres`, which must reach the data: elsewhere when it cannot.
  const dataDir = reachableDataDir(options.dataDir);
  if (dataDir !== path.resolve(options.dataDir))
    log(`the postgres user cannot reach ${options.dataDir}: the data is kept in ${dataDir}`);

  const versionFile = path.join(dataDir, 'PG_VERSION');
  let binDir: string;
  if (existsSync(versionFile)) {
    const major = Number(readFileSync(versionFile, 'utf8').trim());
    if (options.major !== undefined && options.major !== major)
      throw new Error(
        `${dataDir} holds a PostgreSQL ${major} cluster, not ${options.major}: remove it or use another data directory`,
      );
    binDir = binDirOf(major);
    if (!existsSync(path.join(binDir, 'postgres')))
      throw new Error(
        `${dataDir} holds a PostgreSQL ${major} cluster, whose server is not installed: apt-get install postgresql-${major}`,
      );
  } else {
    if (existsSync(dataDir) && readdirSync(dataDir).length > 0)
      throw new Error(`${dataDir} is neither empty nor a PostgreSQL data directory`);
    binDir = options.major === undefined ? findPostgresBinDir() : binDirOf(options.major);
    if (!existsSync(path.join(binDir, 'postgres')))
      throw new Error(
        `No PostgreSQL ${options.major} server in ${binDir}: apt-get install postgresql-${options.major}`,
      );
    await initialise(binDir, dataDir, user, log);
  }

  includeSettingsFile(dataDir);
  if (options.tls) installTlsFiles(dataDir, options.tls, user);
  const socket = socketDirectory(dataDir, options.port, user);
  writeOwnedFile(
    path.join(dataDir, SETTINGS_FILE),
    settingsLines(options, socket.dir),
    user,
    0o600,
  );
  const osName = serverOsName(user);
  writeOwnedFile(
    path.join(dataDir, 'pg_hba.conf'),
    hbaLines(options.tlsOnly ?? false, osName),
    user,
    0o600,
  );
  writeOwnedFile(
    path.join(dataDir, 'pg_ident.conf'),
    [
      '# Written by tools/postgres/debian-postgres.ts at every start; edits here are overwritten.',
      `${PEER_MAP} ${osName} ${SUPERUSER}`,
    ],
    user,
    0o600,
  );

  // SIGINT on our death: the postmaster's fast shutdown.
  const child = spawnServerProgram(
    path.join(binDir, 'postgres'),
    ['-D', dataDir],
    user,
    dataDir,
    'SIGINT',
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('PostgreSQL could not be started');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', (error) => log(`postgres: ${error.message}`));
  const recentLog: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      recentLog.push(line);
      if (recentLog.length > 40) recentLog.shift();
      log(line);
    });
  }
  // Belt and braces to the parent-death signal: a normal exit of ours stops it too.
  const stopOnExit = () => {
    if (child.exitCode === null) child.kill('SIGINT');
  };
  process.on('exit', stopOnExit);

  const stop = async (): Promise<void> => {
    process.off('exit', stopOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGQUIT'), 60_000);
      await exited;
      clearTimeout(timer);
    }
    if (socket.temporary) rmSync(socket.dir, { recursive: true, force: true });
  };

  try {
    await waitUntilAccepting(binDir, options.port, child, recentLog);
    // The superuser's password, as a SCRAM secret, through the peer-authenticated socket.
    await runServerProgram(
      path.join(binDir, 'psql'),
      [
        '-X',
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
        '-h',
        socket.dir,
        '-p',
        String(options.port),
        '-U',
        SUPERUSER,
        '-d',
        'postgres',
        '-f',
        '-',
      ],
      user,
      dataDir,
      `ALTER ROLE ${SUPERUSER} PASSWORD ${quoteSetting(scramSha256Secret(options.superuserPassword))};\n`,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { port: options.port, pid, stop };
}
