// Jest's global setup runs outside its module registry (no moduleNameMapper), so it reaches the
// testing library by path.
/* eslint-disable @nx/enforce-module-boundaries -- see above */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ApiProcess } from '../../../../libs/testing/src/api-process';
import { createTestDatabase, type TestDatabase } from '../../../../libs/testing/src/database';
import {
  acquireTestInfrastructure,
  type TestInfrastructure,
} from '../../../../libs/testing/src/infrastructure';
import { DEV_API_CLIENT_SECRET } from '../../../../tools/keycloak/keycloak';
import { freePort, portIsFree } from '../../../../tools/net/ports';
/* eslint-enable @nx/enforce-module-boundaries */

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CONSOLE_URL = 'http://localhost:4200';

declare global {
  var dispatchConsoleE2e:
    | {
        infrastructure: TestInfrastructure;
        database: TestDatabase;
        api: ApiProcess;
        vite: ChildProcess;
      }
    | undefined;
}

/** Debian's Chromium (never a browser download): installed on first use where we may. */
function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0)
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)`,
    );
  process.stderr.write('[console-e2e] installing chromium from Debian\n');
  execFileSync('apt-get', ['update'], { stdio: 'ignore' });
  execFileSync('apt-get', ['install', '-y', 'chromium'], {
    stdio: 'ignore',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

async function waitFor(url: string, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} did not answer at ${url}`);
}

export default async function globalSetup(): Promise<void> {
  ensureChromium();
  if (!(await portIsFree(4200)))
    throw new Error(
      'Port 4200 is taken (is `npm start` running?): the console end-to-end tests need it',
    );
  const infrastructure = await acquireTestInfrastructure((line) =>
    process.stderr.write(`[console-e2e] ${line}\n`),
  );
  const database = await createTestDatabase();
  const api = new ApiProcess({
    DATABASE_URL: database.apiUrl,
    MIGRATION_DATABASE_URL: database.url,
    KEYCLOAK_URL: infrastructure.environment.keycloakUrl,
    KEYCLOAK_CLIENT_SECRET: DEV_API_CLIENT_SECRET,
    PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
    // The integrations suite's webhook receivers listen on 127.0.0.1 over plain http, and one
    // fails on purpose: retried every second, its endpoint is disabled after 3 s of failing.
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    WEBHOOK_RETRY_SCHEDULE_SECONDS: '1,1,1,1,1,1,1,1,1,1',
    WEBHOOK_DISABLE_AFTER_SECONDS: '3',
  });
  await api.start();
  const root = path.resolve(__dirname, '../../../..');
  const vite = spawn(
    path.join(root, 'node_modules/.bin/vite'),
    ['--config', path.join(root, 'apps/console/vite.config.ts'), '--logLevel', 'warn'],
    {
      cwd: root,
      env: {
        ...process.env,
        VITE_API_URL: api.baseUrl.replace('127.0.0.1', 'localhost'),
        VITE_KEYCLOAK_URL: infrastructure.environment.keycloakUrl,
      },
      stdio: 'ignore',
      detached: true,
    },
  );
  await waitFor(CONSOLE_URL, vite, 'Vite');
  process.env.E2E_API_URL = api.baseUrl;
  process.env.E2E_DATABASE_URL = database.url;
  globalThis.dispatchConsoleE2e = { infrastructure, database, api, vite };
}
