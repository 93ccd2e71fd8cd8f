/**
 * The deployment's topology, brought up natively on one machine from the same configuration files
 * as docker-compose.yml (`npm run start:production`, and the production-topology tests):
 *
 *   nginx (TLS, the console's build, /api → two API instances, /auth → Keycloak)
 *   two API instances (HTTPS, stateless)   Keycloak in production mode (HTTPS, data in PostgreSQL)
 *   PostgreSQL accepting TLS connections only (Debian's server, or DATABASE_URL)
 *
 * Certificates come from our CA (tools/certs), secrets from 0600 files (tools/secrets); no service
 * receives a secret in its environment or command line, only paths to files.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { withPostgresClient } from '../db/postgres-client';
import { ensureCertificates, type Certificates } from '../certs/certificates';
import { startProductionKeycloak, type ProductionKeycloak } from '../keycloak/production';
import { startDebianPostgres, type RunningDebianPostgres } from '../postgres/debian-postgres';
import { ensureSecrets, postgresUrl, writeSecretFile, type Secrets } from '../secrets/secrets';
import { waitForHttps } from '../net/https-client';
import { startManagedProcess, tail, type ManagedProcess } from './managed-process';
import { writeNativeNginxConfig } from './nginx-config';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface ProductionPorts {
  https: number;
  http: number;
  postgres: number;
  keycloak: number;
  keycloakManagement: number;
  api: [number, number];
}

export const DEFAULT_PORTS: ProductionPorts = {
  https: 8443,
  http: 8081,
  postgres: 54330,
  keycloak: 8444,
  keycloakManagement: 9444,
  api: [3001, 3002],
};

export const DEMO_TENANTS: [string, string][] = [
  ['acme', 'Acme Construction'],
  ['globex', 'Globex Utilities'],
];

export interface ProductionOptions {
  ports: ProductionPorts;
  /** Where the topology keeps its data and logs (PostgreSQL, nginx's prefix, the console build). */
  dataDir: string;
  certsDir: string;
  secretsDir: string;
  /** The owner's URL of an existing PostgreSQL (with its TLS settings); none: our own TLS-only server. */
  databaseUrl?: string;
  /** Demo tenants, their data, and the demo users and password-grant client in Keycloak. */
  demo: boolean;
  log: (line: string) => void;
}

export interface ApiInstance {
  port: number;
  process: ManagedProcess;
}

export interface ProductionTopology {
  publicUrl: string;
  caFile: string;
  certificates: Certificates;
  postgres?: RunningDebianPostgres;
  /** The owner's database URL (with credentials: for the caller's tools, never for a service's environment). */
  ownerUrl: string;
  keycloak: ProductionKeycloak;
  apis: ApiInstance[];
  nginx: ManagedProcess;
  /** Starts API instance `index` again (after a crash test, say). */
  restartApi(index: number): Promise<void>;
  stop(): Promise<void>;
}

const API_LOGIN = 'dispatch_app';
const KEYCLOAK_LOGIN = 'keycloak';

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The databases and logins the topology needs, made or brought in line with the secret files. */
async function prepareDatabases(adminUrl: string, secrets: Secrets): Promise<void> {
  await withPostgresClient(adminUrl, async (client) => {
    for (const database of ['dispatch', 'keycloak']) {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
        database,
      ]);
      if (rowCount === 0) await client.query(`CREATE DATABASE ${database}`);
    }
    const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [
      KEYCLOAK_LOGIN,
    ]);
    const password = quoteLiteral(secrets['keycloak-db-password']);
    await client.query(
      rowCount === 0
        ? `CREATE ROLE ${KEYCLOAK_LOGIN} LOGIN PASSWORD ${password}`
        : `ALTER ROLE ${KEYCLOAK_LOGIN} LOGIN PASSWORD ${password}`,
    );
    await client.query(`ALTER DATABASE keycloak OWNER TO ${KEYCLOAK_LOGIN}`);
  });
}

function runCli(secretsRunDir: string, args: string[], log: (line: string) => void): void {
  const output = execFileSync(
    process.execPath,
    [path.join(REPO_ROOT, 'apps/api/dist/cli.js'), ...args],
    {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL_FILE: path.join(secretsRunDir, 'migration-database-url'),
      },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  for (const line of output.trim().split('\n')) if (line) log(line);
}

/** The console built for serving behind nginx: API and Keycloak on its own origin. */
function buildConsole(outDir: string, log: (line: string) => void): void {
  log('building the console for nginx');
  execFileSync(
    'npx',
    [
      'vite',
      'build',
      '--config',
      'apps/console/vite.config.ts',
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, VITE_API_URL: '', VITE_KEYCLOAK_URL: '/auth' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

function baseEnvironment(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...(process.env.HOME ? { HOME: process.env.HOME } : {}),
    ...(process.env.TZ ? { TZ: process.env.TZ } : {}),
  };
}

export async function startProductionTopology(
  options: ProductionOptions,
): Promise<ProductionTopology> {
  const { ports, log } = options;
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const publicUrl =
      ports.https === 443 ? 'https://localhost' : `https://localhost:${ports.https}`;
    const certificates = ensureCertificates({ dir: options.certsDir });
    const caFile = certificates.caFile;
    const ca = fs.readFileSync(caFile);
    const secrets = ensureSecrets(options.secretsDir);
    fs.mkdirSync(options.dataDir, { recursive: true });
    const logDir = path.join(options.dataDir, 'logs');
    fs.mkdirSync(logDir, { recursive: true });
    // Files that combine secrets (connection URLs, Keycloak's configuration): 0700 / 0600.
    const secretsRunDir = path.join(options.dataDir, 'run-secrets');
    fs.mkdirSync(secretsRunDir, { recursive: true, mode: 0o700 });
    fs.chmodSync(secretsRunDir, 0o700);

    // PostgreSQL: TLS only.
    let postgres: RunningDebianPostgres | undefined;
    let ownerUrl: string;
    let databaseHost = 'localhost';
    let databasePort = ports.postgres;
    if (options.databaseUrl) {
      ownerUrl = options.databaseUrl;
      const url = new URL(ownerUrl);
      databaseHost = url.hostname;
      databasePort = Number(url.port || 5432);
      log(`using DATABASE_URL (${databaseHost}:${databasePort})`);
    } else {
      postgres = await startDebianPostgres({
        dataDir: path.join(options.dataDir, 'postgres'),
        port: ports.postgres,
        superuserPassword: secrets['postgres-password'],
        tls: {
          certFile: certificates.services.postgres.certFile,
          keyFile: certificates.services.postgres.keyFile,
          caFile,
        },
        tlsOnly: true,
      });
      const running = postgres;
      stops.push(() => running.stop());
      ownerUrl = postgresUrl({
        user: 'postgres',
        password: secrets['postgres-password'],
        host: 'localhost',
        port: ports.postgres,
        database: 'dispatch',
        caFile,
      });
      log(`PostgreSQL on localhost:${ports.postgres}, TLS only`);
    }
    const adminUrl = new URL(ownerUrl);
    adminUrl.pathname = '/postgres';
    await prepareDatabases(adminUrl.toString(), secrets);

    writeSecretFile(path.join(secretsRunDir, 'migration-database-url'), ownerUrl);
    runCli(secretsRunDir, ['migrate'], log);
    if (options.demo) {
      for (const [slug, name] of DEMO_TENANTS) {
        runCli(secretsRunDir, ['provision', slug, name], log);
        runCli(secretsRunDir, ['seed-demo', slug], log);
      }
    }
    const { ensureApiLogin } = await import('@dispatch/domain');
    const apiUrl = new URL(
      await ensureApiLogin(ownerUrl, { user: API_LOGIN, password: secrets['api-db-password'] }),
    );
    // ensureApiLogin keeps an existing login's password: bring it in line with the secret file.
    await withPostgresClient(ownerUrl, (client) =>
      client.query(`ALTER ROLE ${API_LOGIN} PASSWORD ${quoteLiteral(secrets['api-db-password'])}`),
    );
    writeSecretFile(path.join(secretsRunDir, 'database-url'), apiUrl.toString());

    // Keycloak, production mode, behind /auth.
    const jdbc = new URL(ownerUrl);
    const keycloak = await startProductionKeycloak({
      httpsPort: ports.keycloak,
      managementPort: ports.keycloakManagement,
      publicUrl,
      tls: {
        certFile: certificates.services.keycloak.certFile,
        keyFile: certificates.services.keycloak.keyFile,
      },
      database: {
        jdbcUrl: `jdbc:postgresql://${jdbc.hostname}:${jdbc.port || 5432}/keycloak?sslmode=verify-full&sslrootcert=${caFile}`,
        username: KEYCLOAK_LOGIN,
        passwordFile: secrets.file('keycloak-db-password'),
      },
      adminPasswordFile: secrets.file('keycloak-admin-password'),
      apiClientSecretFile: secrets.file('keycloak-api-client-secret'),
      secretsWorkDir: path.join(secretsRunDir, 'keycloak'),
      demo: options.demo,
      logFile: path.join(logDir, 'keycloak.log'),
    });
    stops.push(() => keycloak.stop());
    log(`Keycloak (production mode) on https://localhost:${ports.keycloak}/auth`);

    // nginx (upstreams by IPv4 address: the instances listen there, and "localhost" may also mean ::1): its prefix holds the console build, so its workers (not root) can read it.
    const nginxPrefix = path.join(options.dataDir, 'nginx');
    const consoleRoot = path.join(nginxPrefix, 'html');
    buildConsole(consoleRoot, log);
    const runningAsRoot = process.getuid?.() === 0;
    const nginxConf = writeNativeNginxConfig(
      nginxPrefix,
      {
        httpPort: ports.http,
        httpsPort: ports.https,
        publicHttpsPort: ports.https,
        api: [`127.0.0.1:${ports.api[0]}`, `127.0.0.1:${ports.api[1]}`],
        keycloak: `127.0.0.1:${ports.keycloak}`,
        tlsCertFile: certificates.services.nginx.certFile,
        tlsKeyFile: certificates.services.nginx.keyFile,
        caFile,
        consoleRoot,
        accessLog: path.join(nginxPrefix, 'logs', 'access.log'),
      },
      runningAsRoot ? { user: 'root' } : {},
    );
    execFileSync('nginx', ['-t', '-q', '-p', nginxPrefix, '-c', nginxConf], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const nginx = await startManagedProcess({
      name: 'nginx',
      command: 'nginx',
      args: ['-p', nginxPrefix, '-c', nginxConf, '-g', 'daemon off;'],
      cwd: nginxPrefix,
      env: baseEnvironment(),
      logFile: path.join(logDir, 'nginx.log'),
    });
    stops.push(() => nginx.stop());

    // Two API instances: HTTPS, secrets as files, the CA as the only extra trust.
    const apiEnvironment = (port: number): Record<string, string> => ({
      ...baseEnvironment(),
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL_FILE: path.join(secretsRunDir, 'database-url'),
      MIGRATION_DATABASE_URL_FILE: path.join(secretsRunDir, 'migration-database-url'),
      MIGRATE_ON_START: 'false',
      KEYCLOAK_URL: `${publicUrl}/auth`,
      KEYCLOAK_INTERNAL_URL: keycloak.internalUrl,
      KEYCLOAK_CLIENT_SECRET_FILE: secrets.file('keycloak-api-client-secret'),
      TLS_CERT_FILE: certificates.services.api.certFile,
      TLS_KEY_FILE: certificates.services.api.keyFile,
      NODE_EXTRA_CA_CERTS: caFile,
      CORS_ORIGINS: publicUrl,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    });
    const startApi = async (index: number): Promise<ApiInstance> => {
      const port = ports.api[index] as number;
      const instance = await startManagedProcess({
        name: `api-${index + 1}`,
        command: process.execPath,
        args: [path.join(REPO_ROOT, 'apps/api/dist/main.js')],
        cwd: REPO_ROOT,
        env: apiEnvironment(port),
        logFile: path.join(logDir, `api-${index + 1}.log`),
      });
      await waitForHttps(`https://localhost:${port}/health/ready`, {
        ca,
        timeoutMs: 90_000,
        isAlive: instance.alive,
        name: `API instance ${index + 1} (log: ${instance.logFile})`,
      }).catch((error: unknown) => {
        instance.kill('SIGKILL');
        throw new Error(`${String(error)}\n${tail(instance.logFile)}`);
      });
      return { port, process: instance };
    };
    const apis = await Promise.all([startApi(0), startApi(1)]);
    stops.push(() => Promise.all(apis.map((api) => api.process.stop())).then(() => undefined));
    log(`API instances on https://localhost:${ports.api[0]} and :${ports.api[1]}`);

    await waitForHttps(`${publicUrl}/`, {
      ca,
      timeoutMs: 30_000,
      isAlive: nginx.alive,
      name: `nginx (log: ${nginx.logFile})`,
    });
    log(`nginx on ${publicUrl} (http://localhost:${ports.http} redirects)`);

    return {
      publicUrl,
      caFile,
      certificates,
      postgres,
      ownerUrl,
      keycloak,
      apis,
      nginx,
      async restartApi(index) {
        const current = apis[index];
        if (!current) throw new Error(`No API instance ${index}`);
        await current.process.stop();
        apis[index] = await startApi(index);
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
