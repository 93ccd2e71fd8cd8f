/**
 * A PostgreSQL server that another process stops and starts (for outage tests; a process of its
 * own, which goes away with the test driving it): `npx tsx tools/postgres/controlled-server.ts`
 * starts a persistent embedded server in a fresh directory, prints `{"url": …}` as its first line,
 * then obeys one command per line on stdin — `stop`, `start` — answering `stopped` / `started`.
 * Closing stdin (the parent exiting) stops the server and deletes its data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, startEmbeddedPostgres } from './embedded-postgres';

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dispatch-controlled-pg-'));
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: true });
  const shutdown = async () => {
    await server.stop().catch(() => undefined);
    // server.dataDir is elsewhere when the postgres user cannot reach the temporary folder.
    for (const dir of new Set([dataDir, server.dataDir]))
      rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  const lines = createInterface({ input: process.stdin });
  let work = Promise.resolve();
  lines.on('line', (line) => {
    const command = line.trim();
    work = work.then(async () => {
      if (command === 'stop') {
        await server.stop();
        process.stdout.write('stopped\n');
      } else if (command === 'start') {
        await server.start();
        process.stdout.write('started\n');
      }
    });
  });
  lines.on('close', () => void work.then(shutdown));
  process.on('SIGTERM', () => void shutdown());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
