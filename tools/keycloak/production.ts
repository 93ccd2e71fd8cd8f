/**
 * Keycloak in production mode, for the production topology: nginx terminates TLS at the public URL
 * (e.g. https://localhost:8443) and proxies `/auth/` to this Keycloak's own HTTPS port.
 *
 * - Runs from its own copy of the distribution (`.cache/keycloak/keycloak-<version>-production/`, made
 *   once from the development copy): `kc.sh build` rewrites `lib/quarkus`, which must not happen under
 *   the development Keycloak. The build runs only when its options change (marker file), under a lock.
 * - `kc.sh start --optimized`: PostgreSQL, served under `/auth`, HTTPS only, hostname fixed to
 *   `<publicUrl>/auth` (every token's `iss` is `<publicUrl>/auth/realms/dispatch`, whatever host a
 *   request used), X-Forwarded-* headers accepted, health and metrics on the management port.
 * - No secret on the command line or in the environment: the database password and the bootstrap
 *   admin's password are written into `<secretsWorkDir>/keycloak.conf` (0600, `--config-file`), the
 *   `dispatch-api` client secret into the realm file Keycloak imports from `<secretsWorkDir>`. The
 *   process gets a short allow-listed environment (no inherited `KC_*`, no caller's secrets).
 * - The realm (`realm/production/dispatch-realm.json`) is imported only when it does not exist yet. On
 *   later starts the `dispatch-api` secret and the console's redirect URIs are checked against the
 *   options and, only if they differ, brought in line through the admin REST API.
 * - `demo: true` adds the demo users and the `dispatch-cli` password-grant client
 *   (`realm/demo/dispatch-demo.json`) through the admin REST API's partial import (existing ones are
 *   skipped).
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  httpsFormPost,
  httpsRequest,
  parseJsonAnswer,
  type HttpsAnswer,
} from '../net/https-client';
import { writeSecretFile } from '../secrets/secrets';
import {
  KEYCLOAK_CACHE_DIR,
  KEYCLOAK_MIN_JAVA_MAJOR,
  KEYCLOAK_VERSION,
  REALM_NAME,
  ensureKeycloakDistribution,
  findJavaHome,
  isExtracted,
} from './keycloak';
import {
  acquireLock,
  assertPortFree,
  runToCompletion,
  spawnKeycloak,
  waitForKeycloak,
} from './process-group';

export interface ProductionKeycloakOptions {
  /** Keycloak's own HTTPS port: nginx proxies https://<public>/auth/ to https://127.0.0.1:<httpsPort>/auth/. */
  httpsPort: number;
  /** Management interface (HTTPS, same certificate): health at `/auth/health/ready`, metrics at `/auth/metrics`. */
  managementPort: number;
  /** Origin nginx serves, e.g. `https://localhost:8443`: Keycloak's hostname is `<publicUrl>/auth`. */
  publicUrl: string;
  /**
   * PEM files issued by the project's CA (names localhost, keycloak, 127.0.0.1). `caFile` is the CA the
   * readiness checks and admin calls trust; default `ca.crt` beside `certFile` (the tools/certs layout).
   */
  tls: { certFile: string; keyFile: string; caFile?: string };
  /** PostgreSQL; `jdbcUrl` may carry `?sslmode=verify-full&sslrootcert=<ca.crt>` (passed through as is). */
  database: { jdbcUrl: string; username: string; passwordFile: string };
  /** Bootstrap admin (`admin`) of the master realm; Keycloak creates it on its first start only. */
  adminPasswordFile: string;
  /** Secret of the confidential `dispatch-api` client. */
  apiClientSecretFile: string;
  /** A folder this module writes secret-bearing files into (made 0700; files 0600). */
  secretsWorkDir: string;
  /** Also import the demo users and the `dispatch-cli` password-grant client. */
  demo: boolean;
  /** Keycloak's stdout/stderr; default `.cache/keycloak/keycloak-production-<httpsPort>.log` (truncated). */
  logFile?: string;
  /** For the build (first start ~1–2 min), the start and the readiness checks; default 300 000 ms. */
  timeoutMs?: number;
  /**
   * Address both listeners bind to; default `127.0.0.1` (natively only nginx on this machine needs to
   * reach it). In a container: `0.0.0.0`.
   */
  host?: string;
}

export interface ProductionKeycloak {
  /** `https://localhost:<httpsPort>/auth` */
  internalUrl: string;
  /** `https://localhost:<managementPort>/auth/health/ready` (also `/health/live`, `/health`, `/metrics` there). */
  healthUrl: string;
  /** `<publicUrl>/auth/realms/dispatch`: the `iss` of every token. */
  issuer: string;
  /** Process id of `kc.sh`, which is also the id of its process group (the JVM is its child). */
  pid: number;
  logFile: string;
  /** SIGTERM to the process group, SIGKILL after 20 s; resolves once every process is gone. */
  stop(): Promise<void>;
}

export const RELATIVE_PATH = '/auth';
export const PRODUCTION_REALM_FILE = path.join(
  __dirname,
  'realm',
  'production',
  `${REALM_NAME}-realm.json`,
);
export const DEMO_IMPORT_FILE = path.join(__dirname, 'realm', 'demo', `${REALM_NAME}-demo.json`);
export const BOOTSTRAP_ADMIN_USERNAME = 'admin';
const PUBLIC_URL_PLACEHOLDER = '${DISPATCH_PUBLIC_URL}';
const API_SECRET_PLACEHOLDER = '${DISPATCH_API_CLIENT_SECRET}';

/** Build-time options (`kc.sh build`); everything else is given at `start --optimized`. */
const BUILD_OPTIONS = [
  '--db=postgres',
  '--health-enabled=true',
  '--metrics-enabled=true',
  `--http-relative-path=${RELATIVE_PATH}`,
];
const BUILD_MARKER = '.dispatch-production-build';
/** Environment variables Keycloak may inherit; everything else (KC_*, the caller's secrets) stays out. */
const INHERITED_ENV = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];

export function productionHomeDir(): string {
  return path.join(KEYCLOAK_CACHE_DIR, `keycloak-${KEYCLOAK_VERSION}-production`);
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function keycloakEnv(javaHome: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { JAVA_HOME: javaHome };
  for (const name of INHERITED_ENV) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/**
 * A secret read from its file (surrounding whitespace trimmed, as tools/secrets writes and reads them).
 * Refuses what Keycloak's configuration file or realm import would not take literally: whitespace,
 * control characters, `\` (an escape in keycloak.conf) and `$` (expressions and placeholders).
 */
function readSecretFile(file: string, what: string): string {
  let value: string;
  try {
    value = fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new Error(`Cannot read ${what} from ${file}: ${(error as Error).message}`);
  }
  if (!value) throw new Error(`${what} file ${file} is empty`);
  assertPlainValue(value, `${what} in ${file}`);
  return value;
}

function assertPlainValue(value: string, what: string): void {
  if (!/^[\x21-\x7e]+$/.test(value) || /[\\$]/.test(value)) {
    throw new Error(
      `${what} must be printable ASCII without spaces, '\\' or '$' (keycloak.conf and the realm import ` +
        `would not take it literally); e.g. 24 random bytes as base64url, as tools/secrets makes them`,
    );
  }
}

function normalisePublicUrl(publicUrl: string): string {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new Error(`publicUrl is not a URL: ${publicUrl}`);
  }
  const origin = url.origin;
  if (url.protocol !== 'https:' || publicUrl.replace(/\/$/, '') !== origin) {
    throw new Error(
      `publicUrl must be an https origin without a path, e.g. https://localhost:8443 (got ${publicUrl})`,
    );
  }
  return origin;
}

// ---------------------------------------------------------------------------------------------
// Distribution and build

function buildKey(): string {
  return JSON.stringify({ version: KEYCLOAK_VERSION, options: BUILD_OPTIONS });
}

function isBuilt(home: string): boolean {
  try {
    return (
      isExtracted(home) && fs.readFileSync(path.join(home, BUILD_MARKER), 'utf8') === buildKey()
    );
  } catch {
    return false;
  }
}

/** Copies the development distribution (without its data/ and markers) to `home`, atomically. */
function copyDistribution(devHome: string, home: string): void {
  const temp = fs.mkdtempSync(path.join(KEYCLOAK_CACHE_DIR, '.production-copy-'));
  const target = path.join(temp, path.basename(home));
  try {
    const skipped = new Set([
      path.join(devHome, 'data'),
      path.join(devHome, '.dispatch-dev-build'),
    ]);
    fs.cpSync(devHome, target, { recursive: true, filter: (source) => !skipped.has(source) });
    if (fs.existsSync(home)) fs.rmSync(home, { recursive: true, force: true });
    fs.renameSync(target, home);
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

/**
 * The production copy of the distribution, built with BUILD_OPTIONS: made from the development copy
 * the first time, rebuilt only when the build options (or the version) change.
 */
export async function ensureProductionDistribution(
  javaHome: string,
  timeoutMs = 300_000,
): Promise<string> {
  const home = productionHomeDir();
  if (isBuilt(home)) return home;
  const devHome = await ensureKeycloakDistribution();
  const release = await acquireLock(`${home}.build.lock`, timeoutMs);
  try {
    if (isBuilt(home)) return home;
    if (!isExtracted(home)) copyDistribution(devHome, home);
    fs.rmSync(path.join(home, BUILD_MARKER), { force: true });
    const result = await runToCompletion(
      path.join(home, 'bin', 'kc.sh'),
      ['build', ...BUILD_OPTIONS],
      {
        cwd: home,
        env: keycloakEnv(javaHome),
        timeoutMs,
      },
    );
    if (result.code !== 0) {
      throw new Error(
        `kc.sh build ${BUILD_OPTIONS.join(' ')} failed (exit ${result.code}):\n${result.output.slice(-4000)}`,
      );
    }
    fs.writeFileSync(path.join(home, BUILD_MARKER), buildKey());
    return home;
  } finally {
    release();
  }
}

// ---------------------------------------------------------------------------------------------
// Generated files in secretsWorkDir

function prepareSecretsDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

/** keycloak.conf lines: `key=value`; values are checked by assertPlainValue (nothing to escape). */
function writeConfigFile(file: string, settings: Record<string, string>): void {
  const lines = [
    '# Generated by tools/keycloak/production.ts at every start: secret-bearing, keep it 0600.',
    ...Object.entries(settings).map(([key, value]) => `${key}=${value}`),
  ];
  writeSecretFile(file, `${lines.join('\n')}\n`);
}

/** The production realm with the public URL and the `dispatch-api` secret filled in. */
export function renderProductionRealm(publicUrl: string, apiClientSecret: string): string {
  const jsonString = (value: string) => JSON.stringify(value).slice(1, -1);
  const text = fs
    .readFileSync(PRODUCTION_REALM_FILE, 'utf8')
    .split(PUBLIC_URL_PLACEHOLDER)
    .join(jsonString(publicUrl))
    .split(API_SECRET_PLACEHOLDER)
    .join(jsonString(apiClientSecret));
  if (text.includes('${DISPATCH_'))
    throw new Error(`${PRODUCTION_REALM_FILE} has a placeholder this module does not fill`);
  JSON.parse(text); // still valid JSON
  return text;
}

/** `<dir>/keycloak-import/` holding only the rendered realm (Keycloak imports every file there). */
function writeRealmImport(dir: string, realm: string): string {
  const importDir = path.join(dir, 'keycloak-import');
  fs.mkdirSync(importDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(importDir, 0o700);
  for (const entry of fs.readdirSync(importDir))
    fs.rmSync(path.join(importDir, entry), { recursive: true, force: true });
  writeSecretFile(path.join(importDir, `${REALM_NAME}-realm.json`), realm);
  return importDir;
}

// ---------------------------------------------------------------------------------------------
// Admin REST API

interface TokenBody {
  access_token?: string;
  error?: string;
  error_description?: string;
}

/** A master-realm admin token for the bootstrap admin (client `admin-cli`). */
export async function fetchAdminToken(
  internalUrl: string,
  ca: string | Buffer,
  adminPassword: string,
): Promise<string> {
  const response = await httpsFormPost(
    `${internalUrl}/realms/master/protocol/openid-connect/token`,
    {
      grant_type: 'password',
      client_id: 'admin-cli',
      username: BOOTSTRAP_ADMIN_USERNAME,
      password: adminPassword,
    },
    { ca },
  );
  const body = parseJsonAnswer<TokenBody>(response, 'Admin token');
  if (response.status !== 200 || !body.access_token) {
    throw new Error(
      `The bootstrap admin '${BOOTSTRAP_ADMIN_USERNAME}' could not log in to the master realm ` +
        `(HTTP ${response.status} ${body.error ?? ''} ${body.error_description ?? ''}). It is created ` +
        `on Keycloak's first start only, with the password of that start's adminPasswordFile.`,
    );
  }
  return body.access_token;
}

async function adminCall<T>(
  internalUrl: string,
  ca: string | Buffer,
  token: string,
  method: string,
  resource: string,
  body?: unknown,
): Promise<T | undefined> {
  const response = await httpsRequest(`${internalUrl}/admin/realms/${REALM_NAME}${resource}`, {
    ca,
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    timeoutMs: 60_000,
  });
  if (response.status < 200 || response.status > 299) {
    throw new Error(
      `Admin API ${method} ${resource}: HTTP ${response.status} ${response.body.slice(0, 500)}`,
    );
  }
  return response.body ? (JSON.parse(response.body) as T) : undefined;
}

interface ClientRepresentation {
  id: string;
  clientId: string;
  rootUrl?: string;
  redirectUris?: string[];
  webOrigins?: string[];
  secret?: string;
  attributes?: Record<string, string>;
}

async function findClient(
  internalUrl: string,
  ca: string | Buffer,
  token: string,
  clientId: string,
): Promise<ClientRepresentation> {
  const clients = await adminCall<ClientRepresentation[]>(
    internalUrl,
    ca,
    token,
    'GET',
    `/clients?clientId=${encodeURIComponent(clientId)}`,
  );
  const client = clients?.find((c) => c.clientId === clientId);
  if (!client) throw new Error(`Client ${clientId} not found in realm ${REALM_NAME}`);
  return client;
}

export interface PartialImportResult {
  added: number;
  skipped: number;
  overwritten: number;
}

/** Adds the demo users and `dispatch-cli` (partial import, existing ones skipped): idempotent. */
export async function importDemoData(
  internalUrl: string,
  ca: string | Buffer,
  adminPassword: string,
): Promise<PartialImportResult> {
  const token = await fetchAdminToken(internalUrl, ca, adminPassword);
  const demo = JSON.parse(fs.readFileSync(DEMO_IMPORT_FILE, 'utf8')) as Record<string, unknown>;
  const result = await adminCall<PartialImportResult>(
    internalUrl,
    ca,
    token,
    'POST',
    '/partialImport',
    { ...demo, ifResourceExists: 'SKIP' },
  );
  if (!result) throw new Error('Partial import answered without a body');
  return { added: result.added, skipped: result.skipped, overwritten: result.overwritten };
}

/**
 * The realm is imported only once; later starts may come with another `dispatch-api` secret or public
 * URL. Both are checked without admin rights (a client-credentials grant; an authorization request to
 * the console client) and, only when they differ, set through the admin REST API.
 */
async function reconcileRealm(
  internalUrl: string,
  ca: string | Buffer,
  publicUrl: string,
  apiClientSecret: string,
  adminPassword: string,
): Promise<string[]> {
  const realmUrl = `${internalUrl}/realms/${REALM_NAME}`;
  const clientCredentials = (): Promise<HttpsAnswer> =>
    httpsFormPost(
      `${realmUrl}/protocol/openid-connect/token`,
      {
        grant_type: 'client_credentials',
        client_id: 'dispatch-api',
        client_secret: apiClientSecret,
      },
      { ca },
    );
  const grant = await clientCredentials();
  const authorize = await httpsRequest(
    `${realmUrl}/protocol/openid-connect/auth?${new URLSearchParams({
      client_id: 'dispatch-console',
      redirect_uri: `${publicUrl}/`,
      response_type: 'code',
      scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString()}`,
    { ca },
  );
  const secretOk = grant.status === 200;
  const redirectOk = authorize.status === 200;
  if (secretOk && redirectOk) return [];

  const changed: string[] = [];
  const token = await fetchAdminToken(internalUrl, ca, adminPassword);
  if (!secretOk) {
    const api = await findClient(internalUrl, ca, token, 'dispatch-api');
    await adminCall(internalUrl, ca, token, 'PUT', `/clients/${api.id}`, {
      ...api,
      secret: apiClientSecret,
    });
    const again = await clientCredentials();
    if (again.status !== 200) {
      throw new Error(
        `dispatch-api still gets no token with the secret from its file after setting it: ` +
          `HTTP ${again.status} ${again.body.slice(0, 300)}`,
      );
    }
    changed.push('dispatch-api secret');
  }
  if (!redirectOk) {
    const consoleClient = await findClient(internalUrl, ca, token, 'dispatch-console');
    await adminCall(internalUrl, ca, token, 'PUT', `/clients/${consoleClient.id}`, {
      ...consoleClient,
      rootUrl: publicUrl,
      redirectUris: [`${publicUrl}/*`],
      webOrigins: [publicUrl],
      attributes: { ...consoleClient.attributes, 'post.logout.redirect.uris': `${publicUrl}/*` },
    });
    changed.push('dispatch-console URLs');
  }
  return changed;
}

// ---------------------------------------------------------------------------------------------
// Start

async function isOk(url: string, ca: string | Buffer): Promise<boolean> {
  try {
    return (await httpsRequest(url, { ca, timeoutMs: 3000 })).status === 200;
  } catch {
    return false;
  }
}

/**
 * Builds (when needed) and starts Keycloak in production mode, waits until the management health
 * endpoint and the realm's OpenID configuration answer over HTTPS (trusting only `tls.caFile`), then
 * reconciles the realm with the options and, with `demo`, imports the demo data.
 */
export async function startProductionKeycloak(
  options: ProductionKeycloakOptions,
): Promise<ProductionKeycloak> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 300_000;
  const host = options.host ?? '127.0.0.1';
  const publicUrl = normalisePublicUrl(options.publicUrl);
  const issuer = `${publicUrl}${RELATIVE_PATH}/realms/${REALM_NAME}`;
  const internalUrl = `https://localhost:${options.httpsPort}${RELATIVE_PATH}`;
  const managementUrl = `https://localhost:${options.managementPort}${RELATIVE_PATH}`;
  const healthUrl = `${managementUrl}/health/ready`;
  const logFile = path.resolve(
    options.logFile ??
      path.join(KEYCLOAK_CACHE_DIR, `keycloak-production-${options.httpsPort}.log`),
  );
  const caFile = options.tls.caFile ?? path.join(path.dirname(options.tls.certFile), 'ca.crt');
  for (const file of [options.tls.certFile, options.tls.keyFile, caFile]) {
    if (!fs.existsSync(file)) throw new Error(`TLS file ${file} does not exist`);
  }
  const ca = fs.readFileSync(caFile);
  if (!/^jdbc:postgresql:\/\//.test(options.database.jdbcUrl))
    throw new Error(
      `database.jdbcUrl must start with jdbc:postgresql:// (got ${options.database.jdbcUrl})`,
    );
  assertPlainValue(options.database.jdbcUrl, 'database.jdbcUrl');
  assertPlainValue(options.database.username, 'database.username');

  const dbPassword = readSecretFile(options.database.passwordFile, 'The database password');
  const adminPassword = readSecretFile(options.adminPasswordFile, 'The bootstrap admin password');
  const apiClientSecret = readSecretFile(options.apiClientSecretFile, 'The dispatch-api secret');

  const javaHome = findJavaHome(KEYCLOAK_MIN_JAVA_MAJOR);
  await assertPortFree(
    options.httpsPort,
    host,
    `Keycloak HTTPS port ${host}:${options.httpsPort} is already in use`,
  );
  await assertPortFree(
    options.managementPort,
    host,
    `Keycloak management port ${host}:${options.managementPort} is already in use`,
  );
  const home = await ensureProductionDistribution(javaHome, timeoutMs);
  const buildMs = Date.now() - started;

  const secretsDir = path.resolve(options.secretsWorkDir);
  prepareSecretsDir(secretsDir);
  const configFile = path.join(secretsDir, 'keycloak.conf');
  writeConfigFile(configFile, {
    'db-url': options.database.jdbcUrl,
    'db-username': options.database.username,
    'db-password': dbPassword,
    'bootstrap-admin-username': BOOTSTRAP_ADMIN_USERNAME,
    'bootstrap-admin-password': adminPassword,
  });
  const importDir = writeRealmImport(secretsDir, renderProductionRealm(publicUrl, apiClientSecret));

  const args = [
    `--config-file=${configFile}`,
    'start',
    '--optimized',
    // What `--import-realm` does, but from our folder: that flag is hard-wired to <home>/data/import and
    // only sets this property. Keycloak imports each file there unless its realm exists (IGNORE_EXISTING).
    `-Dkeycloak.migration.dir=${importDir}`,
    `--hostname=${publicUrl}${RELATIVE_PATH}`,
    // Back-channel endpoints in the discovery document follow the request (the API may use an internal
    // address); the issuer and the browser-facing endpoints stay on the hostname.
    '--hostname-backchannel-dynamic=true',
    '--proxy-headers=xforwarded',
    '--http-enabled=false',
    `--http-host=${host}`,
    `--https-port=${options.httpsPort}`,
    `--https-certificate-file=${path.resolve(options.tls.certFile)}`,
    `--https-certificate-key-file=${path.resolve(options.tls.keyFile)}`,
    `--http-management-port=${options.managementPort}`,
    // One node: no cluster transport (the default `ispn` would open port 7800 and look for peers).
    '--cache=local',
    // As in keycloak.ts: brute-force protection counts failures but does not refuse parallel logins.
    '--spi-brute-force-protector--default-brute-force-detector--allow-concurrent-requests=true',
  ];

  const keycloak = await spawnKeycloak(home, args, {
    javaHome,
    env: keycloakEnv(javaHome),
    logFile,
  });

  const discoveryUrl = `${internalUrl}/realms/${REALM_NAME}/.well-known/openid-configuration`;
  try {
    await waitForKeycloak(keycloak, {
      isReady: async () => (await isOk(healthUrl, ca)) && (await isOk(discoveryUrl, ca)),
      started,
      timeoutMs,
      waitingFor: `answer ${healthUrl} and ${discoveryUrl}`,
      logFile,
    });
    const readyMs = Date.now() - started;
    const changed = await reconcileRealm(
      internalUrl,
      ca,
      publicUrl,
      apiClientSecret,
      adminPassword,
    );
    const demo = options.demo ? await importDemoData(internalUrl, ca, adminPassword) : undefined;
    // The log is open with O_APPEND: this line lands after Keycloak's, never over them.
    fs.appendFileSync(
      logFile,
      `# dispatch: build ${(buildMs / 1000).toFixed(1)} s, ready ${(readyMs / 1000).toFixed(1)} s` +
        (changed.length ? `, updated ${changed.join(', ')}` : '') +
        (demo ? `, demo import added ${demo.added} skipped ${demo.skipped}` : '') +
        '\n',
    );
  } catch (error) {
    await keycloak.stop().catch(() => undefined);
    throw error;
  }

  return { internalUrl, healthUrl, issuer, pid: keycloak.pid, logFile, stop: keycloak.stop };
}
