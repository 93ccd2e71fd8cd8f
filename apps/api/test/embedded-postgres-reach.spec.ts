/* eslint-disable @nx/enforce-module-boundaries -- tests the repo's own dev tooling, which the harness runs on */
import { chmodSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import {
  freePort,
  type RunningPostgres,
  startEmbeddedPostgres,
} from '../../../tools/postgres/embedded-postgres';
import {
  embeddedInstallDir,
  postgresUserCanReach,
  reachableBinaries,
} from '../../../tools/postgres/reachable-paths';
/* eslint-enable @nx/enforce-module-boundaries */

const asRoot = process.getuid?.() === 0;

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which cannot enter a 0700 directory of root's:
 * a checkout there (/root/…, mktemp -d) failed with `spawn …/initdb EACCES`. The private directory
 * below stands for such a checkout: it holds the binaries (a link to node_modules' copy, reachable
 * only through it) and the preferred data directory.
 */
(asRoot ? describe : describe.skip)(
  `embedded PostgreSQL from a directory the postgres user cannot enter${asRoot ? '' : ' (skipped: only as root does PostgreSQL run as another user)'}`,
  () => {
    let privateDir: string;
    let installDir: string;
    const servers: RunningPostgres[] = [];

    beforeAll(() => {
      privateDir = mkdtempSync(path.join(os.tmpdir(), 'dispatch-private-checkout-'));
      chmodSync(privateDir, 0o700);
      installDir = path.join(privateDir, 'native');
      symlinkSync(embeddedInstallDir(), installDir);
    });

    afterAll(async () => {
      for (const server of servers) {
        await server.stop().catch(() => undefined);
        rmSync(server.dataDir, { recursive: true, force: true });
      }
      rmSync(privateDir, { recursive: true, force: true });
    });

    it('is out of the postgres user’s reach (the premise)', () => {
      expect(postgresUserCanReach(privateDir)).toBe(false);
      const binaries = reachableBinaries(installDir);
      expect(binaries.startsWith(privateDir)).toBe(false);
      expect(postgresUserCanReach(path.join(binaries, 'bin', 'initdb'))).toBe(true);
    });

    it('keeps a persistent server’s data in a stable folder it can reach, across restarts', async () => {
      const preferred = path.join(privateDir, '.data', 'postgres');
      const options = { dataDir: preferred, installDir, persistent: true } as const;
      const first = await startEmbeddedPostgres({ ...options, port: await freePort() });
      servers.push(first);
      expect(first.dataDir.startsWith(privateDir)).toBe(false);
      expect(existsSync(path.join(first.dataDir, 'PG_VERSION'))).toBe(true);
      await query(first.url, 'CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)');
      await first.stop();

      // A later start (the next `npm start`) finds the same folder and the data in it.
      const second = await startEmbeddedPostgres({ ...options, port: await freePort() });
      servers.push(second);
      expect(second.dataDir).toBe(first.dataDir);
      expect(await query(second.url, 'SELECT id FROM kept')).toEqual([{ id: 42 }]);
    });

    it('gives a throwaway server a fresh folder it can reach and removes it on stop', async () => {
      const server = await startEmbeddedPostgres({
        dataDir: path.join(privateDir, 'throwaway'),
        installDir,
        persistent: false,
        port: await freePort(),
      });
      servers.push(server);
      expect(server.dataDir.startsWith(privateDir)).toBe(false);
      expect(await query(server.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
      await server.stop();
      expect(existsSync(server.dataDir)).toBe(false);
    });
  },
);
