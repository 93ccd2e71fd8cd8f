/**
 * `npm start`: the whole product on embedded defaults.
 *
 * - PostgreSQL: DATABASE_URL if given, else an embedded server (real PostgreSQL binaries from npm)
 *   with its data in .data/postgres.
 * - Keycloak: KEYCLOAK_URL if given, else a running one on :8080, else the repo's Keycloak started
 *   natively with the realm in tools/keycloak/realm (data in .data/keycloak).
 * - Migrates, provisions the demo tenants acme and globex, seeds demo data (once), starts the API
 *   on :3000 and the console on :4200, and prints the URLs and demo logins. Ctrl-C stops
 *   everything it started.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import {
  DEV_API_CLIENT_SECRET,
  isKeycloakReady,
  startKeycloak,
  type KeycloakInstance,
} from '../keycloak/keycloak';
import { type RunningPostgres, startEmbeddedPostgres } from '../postgres/embedded-postgres';

const ROOT = path.resolve(__dirname, '..', '..');
const API_PORT = Number(process.env.PORT ?? 3000);
const CONSOLE_PORT = 4200;
const KEYCLOAK_PORT = Number(process.env.KEYCLOAK_PORT ?? 8080);
const EMBEDDED_POSTGRES_PORT = Number(process.env.EMBEDDED_POSTGRES_PORT ?? 54329);
const DEMO_TENANTS: [string, string][] = [
  ['acme', 'Acme Construction'],
  ['globex', 'Globex Utilities'],
];

const stops: (() => Promise<void>)[] = [];
const say = (line: string) => process.stdout.write(`[dispatch] ${line}\n`);

async function ensureDatabase(serverUrl: string, database: string): Promise<string> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${database}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function database(): Promise<string> {
  if (process.env.DATABASE_URL) {
    say('using DATABASE_URL');
    return process.env.DATABASE_URL;
  }
  const postgres: RunningPostgres = await startEmbeddedPostgres({
    dataDir: path.join(ROOT, '.data', 'postgres'),
    port: EMBEDDED_POSTGRES_PORT,
    persistent: true,
  });
  stops.push(() => postgres.stop());
  // Elsewhere than .data/postgres when the postgres user cannot reach the checkout (as root).
  const dataDir = path.relative(ROOT, postgres.dataDir).startsWith('..')
    ? postgres.dataDir
    : path.relative(ROOT, postgres.dataDir);
  say(`embedded PostgreSQL on 127.0.0.1:${postgres.port} (data in ${dataDir})`);
  return ensureDatabase(postgres.url, 'dispatch');
}

async function keycloak(): Promise<string> {
  const given = process.env.KEYCLOAK_URL;
  if (given) {
    if (!(await isKeycloakReady(given)))
      throw new Error(`KEYCLOAK_URL ${given} does not serve the dispatch realm`);
    say(`using Keycloak at ${given}`);
    return given;
  }
  const local = `http://localhost:${KEYCLOAK_PORT}`;
  if (await isKeycloakReady(local)) {
    say(`using the Keycloak already running at ${local}`);
    return local;
  }
  say(
    `starting Keycloak on :${KEYCLOAK_PORT} (first start fetches it from Maven Central and takes a minute)`,
  );
  const instance: KeycloakInstance = await startKeycloak({
    port: KEYCLOAK_PORT,
    database: 'dev-file',
  });
  stops.push(() => instance.stop());
  return instance.baseUrl;
}

function build(): void {
  say('building the API');
  execFileSync('npx', ['nx', 'run', 'api:build', '--output-style=stream-without-prefixes'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false' },
  });
}

function cli(databaseUrl: string, ...args: string[]): void {
  execFileSync('node', [path.join(ROOT, 'apps/api/dist/cli.js'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
}

async function waitUntilReady(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the API exited with code ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the API did not become ready at ${url}`);
}

async function api(databaseUrl: string, ownerUrl: string, keycloakUrl: string): Promise<void> {
  const started = Date.now();
  const child = spawn('node', [path.join(ROOT, 'apps/api/dist/main.js')], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      MIGRATION_DATABASE_URL: ownerUrl,
      KEYCLOAK_URL: keycloakUrl,
      // The development realm's secret of the API's service account (user administration).
      KEYCLOAK_CLIENT_SECRET: process.env.KEYCLOAK_CLIENT_SECRET ?? DEV_API_CLIENT_SECRET,
      PORT: String(API_PORT),
      // Development: webhook receivers may be plain http on this machine (an ERP example, say).
      WEBHOOK_ALLOW_PRIVATE_TARGETS: process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? 'true',
    },
  });
  stops.unshift(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  );
  await waitUntilReady(`http://localhost:${API_PORT}/health/ready`, child);
  say(`API ready ${((Date.now() - started) / 1000).toFixed(1)}s after spawn`);
}

/** The React console on :4200 (Vite dev server), pointed at this API and Keycloak. */
async function consoleServer(keycloakUrl: string): Promise<void> {
  process.env.VITE_API_URL = `http://localhost:${API_PORT}`;
  process.env.VITE_KEYCLOAK_URL = keycloakUrl;
  const { createServer } = await import('vite');
  const server = await createServer({
    configFile: path.join(ROOT, 'apps/console/vite.config.ts'),
    logLevel: 'warn',
  });
  await server.listen();
  stops.unshift(() => server.close());
}

function banner(keycloakUrl: string): void {
  const lines = [
    '',
    'Dispatch is running.',
    '',
    `  Console        http://localhost:${CONSOLE_PORT}   (sign in with a demo login below)`,
    `  API            http://localhost:${API_PORT}/api/v1`,
    `  API docs       http://localhost:${API_PORT}/api/docs`,
    `  Health         http://localhost:${API_PORT}/health/ready`,
    `  Keycloak       ${keycloakUrl}  (realm "dispatch"; admin console: admin / admin)`,
    '',
    '  Demo logins (password "demo"):',
    ...DEMO_TENANTS.map(
      ([slug]) =>
        `    ${slug.padEnd(8)} ${['admin', 'dispatcher', 'driver', 'viewer'].map((role) => `${slug}-${role}`).join('  ')}`,
    ),
    '',
    '  Try it:',
    `    TOKEN=$(curl -s -d grant_type=password -d client_id=dispatch-cli -d username=acme-dispatcher -d password=demo \\`,
    `      ${keycloakUrl}/realms/dispatch/protocol/openid-connect/token | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')`,
    `    curl -s -H "Authorization: Bearer $TOKEN" http://localhost:${API_PORT}/api/v1/equipment`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function shutdown(code: number): Promise<never> {
  for (const stop of stops) await stop().catch(() => undefined);
  process.exit(code);
}

async function main(): Promise<void> {
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
  build();
  const [databaseUrl, keycloakUrl] = await Promise.all([database(), keycloak()]);
  cli(databaseUrl, 'migrate');
  for (const [slug, name] of DEMO_TENANTS) {
    cli(databaseUrl, 'provision', slug, name);
    cli(databaseUrl, 'seed-demo', slug);
  }
  // The API runs as a member of dispatch_api (it may not change the audit trail); migrations as the
  // owner. Imported here: @dispatch/domain is built by build() above.
  const { ensureApiLogin } = await import('@dispatch/domain');
  await api(await ensureApiLogin(databaseUrl), databaseUrl, keycloakUrl);
  await consoleServer(keycloakUrl);
  banner(keycloakUrl);
}

main().catch(async (error: unknown) => {
  process.stderr.write(
    `[dispatch] failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  await shutdown(1);
});
