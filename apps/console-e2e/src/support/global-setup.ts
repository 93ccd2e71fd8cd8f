// Jest's global setup runs outside its module registry (no moduleNameMapper), so it reaches the
// testing library by path.
/* eslint-disable @nx/enforce-module-boundaries -- see above */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ApiProcess } from '../../../../libs/testing/src/api-process';
import { createTestDatabase, type TestDatabase } from '../../../../libs/testing/src/database';
import {
  acquireTestInfrastructure,
  releaseTestInfrastructure,
  type TestInfrastructure,
} from '../../../../libs/testing/src/infrastructure';
import { DEV_API_CLIENT_SECRET } from '../../../../tools/keycloak/keycloak';
import { freePort } from '../../../../tools/net/ports';
/* eslint-enable @nx/enforce-module-boundaries */
import { allowConsoleOrigin } from './console-origin';
import globalTeardown from './global-teardown';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ROOT = path.resolve(__dirname, '../../../..');
/** Vite's own output, for when the console misbehaves (tmp/ is git-ignored). */
const VITE_LOG = path.join(ROOT, 'tmp/console-e2e-vite.log');

declare global {
  var dispatchConsoleE2e:
    | {
        infrastructure: TestInfrastructure;
        database: TestDatabase;
        api: ApiProcess;
        vite: ChildProcess;
        /** Where the console is served, e.g. http://localhost:41234. */
        consoleUrl: string;
        /** Whether the global setup added the console's origin to Keycloak's client. */
        originAdded: boolean;
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

/**
 * The console's Vite dev server on a port nobody uses, so the suite runs beside a developer's
 * `npm start` (Vite on :4200). Between choosing the port and Vite binding it another program may
 * take it: Vite then exits (strictPort) and another port is tried.
 */
async function startConsole(env: NodeJS.ProcessEnv): Promise<{ vite: ChildProcess; url: string }> {
  mkdirSync(path.dirname(VITE_LOG), { recursive: true });
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const url = `http://localhost:${port}`;
    const log = createWriteStream(VITE_LOG);
    const vite = spawn(
      path.join(ROOT, 'node_modules/.bin/vite'),
      [
        '--config',
        path.join(ROOT, 'apps/console-e2e/vite.config.ts'),
        '--port',
        String(port),
        '--strictPort',
        '--clearScreen',
        'false',
      ],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    vite.stdout.pipe(log);
    vite.stderr.pipe(log);
    try {
      await waitFor(url, vite, 'Vite');
      return { vite, url };
    } catch (error) {
      if (vite.exitCode === null && vite.pid) process.kill(-vite.pid, 'SIGTERM');
      if (attempt >= 3) throw new Error(`${String(error)}; its output is in ${VITE_LOG}`);
    }
  }
}

export default async function globalSetup(): Promise<void> {
  ensureChromium();
  const infrastructure = await acquireTestInfrastructure((line) =>
    process.stderr.write(`[console-e2e] ${line}\n`),
  );
  const { keycloakUrl } = infrastructure.environment;
  let database: TestDatabase | undefined;
  try {
    database = await createTestDatabase();
    const apiPort = await freePort();
    const { vite, url: consoleUrl } = await startConsole({
      ...process.env,
      VITE_API_URL: `http://localhost:${apiPort}`,
      VITE_KEYCLOAK_URL: keycloakUrl,
    });
    const api = new ApiProcess({
      DATABASE_URL: database.apiUrl,
      MIGRATION_DATABASE_URL: database.url,
      KEYCLOAK_URL: keycloakUrl,
      KEYCLOAK_CLIENT_SECRET: DEV_API_CLIENT_SECRET,
      PORT: String(apiPort),
      // The console calls the API from its own origin, which changes with every run.
      CORS_ORIGINS: consoleUrl,
      LOG_LEVEL: 'warn',
      // The integrations suite's webhook receivers listen on 127.0.0.1 over plain http, and one
      // fails on purpose: retried every second, its endpoint is disabled after 3 s of failing.
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOK_RETRY_SCHEDULE_SECONDS: '1,1,1,1,1,1,1,1,1,1',
      WEBHOOK_DISABLE_AFTER_SECONDS: '3',
    });
    const running = { infrastructure, database, api, vite, consoleUrl, originAdded: false };
    globalThis.dispatchConsoleE2e = running;
    await api.start();
    running.originAdded = await allowConsoleOrigin(consoleUrl);
    process.env.E2E_CONSOLE_URL = consoleUrl;
    process.env.E2E_API_URL = api.baseUrl;
    process.env.E2E_DATABASE_URL = database.url;
  } catch (error) {
    // Jest runs no global teardown after a failed setup: what started is stopped here (Vite runs
    // detached, and would outlive the run).
    if (globalThis.dispatchConsoleE2e) await globalTeardown();
    else {
      await database?.drop().catch(() => undefined);
      await releaseTestInfrastructure();
    }
    throw error;
  }
}
