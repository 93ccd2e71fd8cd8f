import { apiDatabaseUrl, createDemoDatabase, type TestDatabase } from '@dispatch/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';

const CONTROLLED_SERVER = path.resolve(
  __dirname,
  '../../../../tools/postgres/controlled-server.ts',
);

export interface OwnPostgres {
  /** A database on the server with the demo tenants provisioned (owned by the test). */
  database: TestDatabase;
  /** Fast shutdown: sessions are terminated, new connections refused. */
  stop(): Promise<void>;
  /** The same server, data and port again. */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

function nextLine(lines: Interface, child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('controlled PostgreSQL did not answer')),
      timeoutMs,
    );
    const exited = () => reject(new Error('controlled PostgreSQL exited'));
    child.once('exit', exited);
    lines.once('line', (line) => {
      clearTimeout(timer);
      child.off('exit', exited);
      resolve(line);
    });
  });
}

/** A real PostgreSQL server of the test's own (embedded, in a child process) that it can stop and start. */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const child = spawn(process.execPath, ['--import', 'tsx', CONTROLLED_SERVER], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const { url: serverUrl } = JSON.parse(await nextLine(lines, child, 60_000)) as { url: string };
  const command = async (name: 'stop' | 'start') => {
    const answer = nextLine(lines, child, 60_000);
    child.stdin?.write(`${name}\n`);
    await answer;
  };
  const name = 'dispatch_outage';
  const url = await createDemoDatabase(serverUrl, name);
  return {
    database: { url, apiUrl: apiDatabaseUrl(url), name, drop: async () => undefined },
    stop: () => command('stop'),
    start: () => command('start'),
    destroy: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin?.end();
      await exited;
    },
  };
}
