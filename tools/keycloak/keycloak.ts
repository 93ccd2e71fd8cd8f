/**
 * Local Keycloak for development and tests, without Docker.
 *
 * - Fetches the official Keycloak distribution from Maven Central with `mvn dependency:get`
 *   (a no-op when it is already in the local Maven repository) and extracts it once into
 *   `<repo>/.cache/keycloak/keycloak-<version>/`.
 * - Picks a JDK that is new enough (Keycloak 26.x needs Java 21+).
 * - Starts `kc.sh start-dev --import-realm` with `realm/dispatch-realm.json`, in its own process group,
 *   and waits until the `dispatch` realm answers.
 *
 * Used by `tools/keycloak/run.ts` (npm run keycloak) and by integration tests (`database: 'dev-mem'`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  acquireLock,
  assertPortFree,
  runToCompletion,
  spawnKeycloak,
  waitForKeycloak,
  type RunResult,
} from './process-group';

/** Newest Keycloak release that runs here (verified with Temurin 25). */
export const KEYCLOAK_VERSION = '26.7.3';
/** Keycloak 26.x refuses to run on anything older than Java 21. */
export const KEYCLOAK_MIN_JAVA_MAJOR = 21;
export const REALM_NAME = 'dispatch';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const REALM_FILE = path.join(__dirname, 'realm', `${REALM_NAME}-realm.json`);
/** Where the distribution is extracted and logs go (`.cache/` is git-ignored). */
export const KEYCLOAK_CACHE_DIR =
  process.env.KEYCLOAK_CACHE_DIR ?? path.join(REPO_ROOT, '.cache', 'keycloak');
/** Default H2 database folder of the `dev-file` mode (`.data/` is git-ignored). */
export const DEFAULT_DATA_DIR = path.join(REPO_ROOT, '.data', 'keycloak');

/** Secret of the confidential `dispatch-api` client in the development realm. */
export const DEV_API_CLIENT_SECRET = 'dispatch-api-dev-secret';

export type KeycloakDatabase = 'dev-file' | 'dev-mem';

export interface StartKeycloakOptions {
  /** HTTP port; default 8080. */
  port?: number;
  /** `dev-file`: H2 files in `dataDir`, survives restarts. `dev-mem`: fresh in-memory realm each start. */
  database: KeycloakDatabase;
  /** H2 folder for `dev-file`; default `<repo>/.data/keycloak`. Ignored for `dev-mem`. */
  dataDir?: string;
  /** stdout/stderr of Keycloak; default `<repo>/.cache/keycloak/keycloak-<port>.log` (truncated each start). */
  logFile?: string;
  /** Bootstrap admin of the master realm (only created with a fresh database); default `admin`. */
  adminUser?: string;
  /** Default `admin`. */
  adminPassword?: string;
  /** How long to wait for the realm to answer; default 180 000 ms. */
  timeoutMs?: number;
  /**
   * Extra `kc.sh start-dev` arguments, e.g. `--hostname=http://keycloak.local:8080` (which replaces the
   * default `--hostname=http://localhost:<port>`, as does `KC_HOSTNAME` in `env`).
   */
  extraArgs?: string[];
  /** Extra environment variables for Keycloak (e.g. `JAVA_OPTS_KC_HEAP`). */
  env?: Record<string, string>;
}

export interface KeycloakInstance {
  /**
   * `http://localhost:<port>`. The token issuer is `<baseUrl>/realms/dispatch` whichever host a token is
   * requested through (127.0.0.1 as well), unless the caller set another hostname.
   */
  baseUrl: string;
  /** Process id of `kc.sh`, which is also the id of its process group. */
  pid: number;
  logFile: string;
  /** SIGTERM to the whole process group, SIGKILL after 20 s; resolves once every process is gone. */
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Java

interface JdkInfo {
  home: string;
  version: string;
  major: number;
}

function parseJavaMajor(version: string): number {
  // "1.8.0_412" -> 8, "17.0.15" -> 17, "25" -> 25, "21-ea" -> 21
  const parts = version.split(/[.\-+_]/);
  const first = Number.parseInt(parts[0] ?? '', 10);
  if (first === 1 && parts.length > 1) return Number.parseInt(parts[1] ?? '', 10);
  return first;
}

function inspectJdk(home: string): JdkInfo | undefined {
  try {
    if (!fs.existsSync(path.join(home, 'bin', 'java'))) return undefined;
    const release = fs.readFileSync(path.join(home, 'release'), 'utf8');
    const match = /^JAVA_VERSION="?([^"\r\n]+)"?/m.exec(release);
    if (!match?.[1]) return undefined;
    const major = parseJavaMajor(match[1]);
    if (!Number.isFinite(major)) return undefined;
    return { home, version: match[1], major };
  } catch {
    return undefined;
  }
}

function compareVersions(a: string, b: string): number {
  const pa = a
    .split(/[^0-9]+/)
    .filter(Boolean)
    .map(Number);
  const pb = b
    .split(/[^0-9]+/)
    .filter(Boolean)
    .map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function jdkSearchDirs(): string[] {
  return [
    '/usr/lib/jvm',
    '/usr/local/lib/jvm',
    '/opt/java',
    path.join(os.homedir(), '.sdkman', 'candidates', 'java'),
    path.join(os.homedir(), '.jdks'),
  ];
}

/**
 * A JAVA_HOME with Java >= minMajor: `KEYCLOAK_JAVA_HOME`, then `JAVA_HOME` when new enough, else the
 * newest JDK found under /usr/lib/jvm (and a few other usual folders). Throws naming what it found.
 */
export function findJavaHome(minMajor: number): string {
  const seen: string[] = [];
  for (const variable of ['KEYCLOAK_JAVA_HOME', 'JAVA_HOME'] as const) {
    const home = process.env[variable];
    if (!home) continue;
    const info = inspectJdk(home);
    if (info && info.major >= minMajor) return info.home;
    seen.push(
      `${variable}=${home} (${info ? `Java ${info.version}` : 'no JDK with a release file'})`,
    );
    if (variable === 'KEYCLOAK_JAVA_HOME') {
      throw new Error(
        `KEYCLOAK_JAVA_HOME=${home} is not a JDK with Java >= ${minMajor} (${info ? `found Java ${info.version}` : 'no bin/java or release file'}).`,
      );
    }
  }

  const candidates: JdkInfo[] = [];
  const realSeen = new Set<string>();
  for (const dir of jdkSearchDirs()) {
    let entries: string[];
    try {
      entries = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const entry of entries.sort()) {
      const home = path.join(dir, entry);
      let real: string;
      try {
        real = fs.realpathSync(home);
      } catch {
        continue;
      }
      if (realSeen.has(real)) continue;
      realSeen.add(real);
      const info = inspectJdk(home);
      if (!info) continue;
      seen.push(`${home} (Java ${info.version})`);
      if (info.major >= minMajor) candidates.push(info);
    }
  }
  candidates.sort((a, b) => compareVersions(b.version, a.version));
  const best = candidates[0];
  if (best) return best.home;
  throw new Error(
    `No JDK with Java >= ${minMajor} found (Keycloak ${KEYCLOAK_VERSION} needs it). ` +
      `Found: ${seen.length ? seen.join(', ') : 'nothing'}. Searched ${jdkSearchDirs().join(', ')}. ` +
      `Install one (e.g. apt-get install openjdk-21-jdk-headless) or set KEYCLOAK_JAVA_HOME.`,
  );
}

// ---------------------------------------------------------------------------------------------
// Distribution

function mavenRepository(): string {
  return process.env.MAVEN_REPO ?? path.join(os.homedir(), '.m2', 'repository');
}

export function keycloakArtifactPath(version: string = KEYCLOAK_VERSION): string {
  return path.join(
    mavenRepository(),
    'org',
    'keycloak',
    'keycloak-quarkus-dist',
    version,
    `keycloak-quarkus-dist-${version}.tar.gz`,
  );
}

export function keycloakHomeDir(version: string = KEYCLOAK_VERSION): string {
  return path.join(KEYCLOAK_CACHE_DIR, `keycloak-${version}`);
}

/** Whether `home` holds an extracted distribution (its launcher and Quarkus runner). */
export function isExtracted(home: string): boolean {
  return (
    fs.existsSync(path.join(home, 'bin', 'kc.sh')) &&
    fs.existsSync(path.join(home, 'lib', 'quarkus-run.jar'))
  );
}

function removeStaleExtractions(): void {
  const hour = 60 * 60 * 1000;
  for (const entry of fs.readdirSync(KEYCLOAK_CACHE_DIR)) {
    if (!entry.startsWith('.extract-')) continue;
    const dir = path.join(KEYCLOAK_CACHE_DIR, entry);
    try {
      if (Date.now() - fs.statSync(dir).mtimeMs > hour)
        fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // another process is cleaning up too
    }
  }
}

/**
 * Returns the Keycloak home folder, downloading the distribution with Maven (only when it is not yet in the
 * local Maven repository) and extracting it (only when not yet extracted; atomically via a temp folder).
 */
export async function ensureKeycloakDistribution(): Promise<string> {
  const version = KEYCLOAK_VERSION;
  const home = keycloakHomeDir(version);
  if (isExtracted(home)) return home;

  const artifact = keycloakArtifactPath(version);
  if (!fs.existsSync(artifact)) {
    const args = [
      '-q',
      '-B',
      'dependency:get',
      `-Dartifact=org.keycloak:keycloak-quarkus-dist:${version}:tar.gz`,
      '-Dtransitive=false',
    ];
    if (process.env.MAVEN_REPO) args.push(`-Dmaven.repo.local=${process.env.MAVEN_REPO}`);
    let result: RunResult;
    try {
      result = await runToCompletion('mvn', args);
    } catch (error) {
      throw new Error(
        `Could not run Maven (mvn) to fetch Keycloak ${version}: ${(error as Error).message}`,
      );
    }
    if (result.code !== 0 || !fs.existsSync(artifact)) {
      throw new Error(
        `mvn ${args.join(' ')} failed (exit ${result.code}); expected ${artifact}.\n${result.output.slice(-4000)}`,
      );
    }
  }

  fs.mkdirSync(KEYCLOAK_CACHE_DIR, { recursive: true });
  removeStaleExtractions();
  const temp = fs.mkdtempSync(path.join(KEYCLOAK_CACHE_DIR, `.extract-${version}-`));
  try {
    const result = await runToCompletion('tar', ['-xzf', artifact, '-C', temp]);
    const extracted = path.join(temp, `keycloak-${version}`);
    if (result.code !== 0 || !isExtracted(extracted)) {
      throw new Error(
        `Extracting ${artifact} failed (exit ${result.code}).\n${result.output.slice(-4000)}`,
      );
    }
    try {
      fs.renameSync(extracted, home);
    } catch (error) {
      // Another process finished first: keep its copy.
      if (!isExtracted(home)) throw error;
    }
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
  return home;
}

// ---------------------------------------------------------------------------------------------
// Server

/** Tests start Keycloak on random ports: drop default-named logs older than a day. */
function removeOldLogs(): void {
  const day = 24 * 60 * 60 * 1000;
  for (const entry of fs.readdirSync(KEYCLOAK_CACHE_DIR)) {
    if (!/^keycloak-\d+\.log$/.test(entry)) continue;
    const file = path.join(KEYCLOAK_CACHE_DIR, entry);
    try {
      if (Date.now() - fs.statSync(file).mtimeMs > day) fs.rmSync(file, { force: true });
    } catch {
      // removed concurrently
    }
  }
}

/** Copies the realm file into `<home>/data/import/` (where `--import-realm` reads it), atomically. */
function installRealmFile(home: string): void {
  const importDir = path.join(home, 'data', 'import');
  fs.mkdirSync(importDir, { recursive: true });
  const target = path.join(importDir, path.basename(REALM_FILE));
  const content = fs.readFileSync(REALM_FILE);
  if (fs.existsSync(target) && fs.readFileSync(target).equals(content)) return;
  const temp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(temp, content);
  fs.renameSync(temp, target);
}

/** True when the dispatch realm's OpenID configuration answers 200. */
export async function isKeycloakReady(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(
      `${baseUrl}/realms/${REALM_NAME}/.well-known/openid-configuration`,
      {
        signal: AbortSignal.timeout(3000),
      },
    );
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Marker written once a start-dev with our build-time options (`--db=dev-file`) succeeded in this home. */
const DEV_BUILD_MARKER = '.dispatch-dev-build';
const DEV_BUILD_KEY = 'db=dev-file';

function isDevBuildDone(home: string): boolean {
  try {
    return fs.readFileSync(path.join(home, DEV_BUILD_MARKER), 'utf8').trim() === DEV_BUILD_KEY;
  } catch {
    return false;
  }
}

/** Whether the caller chose Keycloak's hostname itself (`--hostname[=]…` or `KC_HOSTNAME`). */
function setsHostname(extraArgs: string[], env: NodeJS.ProcessEnv): boolean {
  return (
    Boolean(env.KC_HOSTNAME) ||
    extraArgs.some((arg) => arg === '--hostname' || arg.startsWith('--hostname='))
  );
}

/**
 * Starts Keycloak (`kc.sh start-dev --import-realm`) detached in its own process group and waits until the
 * dispatch realm answers. The realm is imported only when it does not exist yet (dev-file keeps it).
 */
export async function startKeycloak(options: StartKeycloakOptions): Promise<KeycloakInstance> {
  const port = options.port ?? 8080;
  const database = options.database;
  if (database !== 'dev-file' && database !== 'dev-mem')
    throw new Error(`Unknown database ${String(database)}`);
  const baseUrl = `http://localhost:${port}`;
  const timeoutMs = options.timeoutMs ?? 180_000;
  const logFile = path.resolve(
    options.logFile ?? path.join(KEYCLOAK_CACHE_DIR, `keycloak-${port}.log`),
  );

  const home = await ensureKeycloakDistribution();
  removeOldLogs();
  const javaHome = findJavaHome(KEYCLOAK_MIN_JAVA_MAJOR);
  await assertPortFree(
    port,
    '0.0.0.0',
    `Port ${port} is already in use: stop whatever listens there (another Keycloak?) or pick --port.`,
  );
  installRealmFile(home);

  // Both modes run with `--db=dev-file` and differ only in the (runtime) JDBC URL. `db` is a *build-time*
  // option: alternating `--db=dev-file` / `--db=dev-mem` re-runs the ~20 s Quarkus augmentation on every switch
  // and rewrites <home>/lib/quarkus under a Keycloak that may still be running from the same home.
  const args = ['start-dev', '--import-realm', `--http-port=${port}`, '--db=dev-file'];
  if (database === 'dev-file') {
    const dataDir = path.resolve(options.dataDir ?? DEFAULT_DATA_DIR);
    if (/[;\s]/.test(dataDir))
      throw new Error(`dataDir must not contain ';' or spaces (JDBC URL): ${dataDir}`);
    fs.mkdirSync(dataDir, { recursive: true });
    // The URL Keycloak builds for dev-file, but under dataDir instead of <keycloak home>/data/h2.
    args.push(
      `--db-url=jdbc:h2:file:${dataDir}/keycloakdb;NON_KEYWORDS=VALUE;DB_CLOSE_ON_EXIT=FALSE`,
    );
  } else {
    // What --db=dev-mem would use; DB_CLOSE_DELAY=-1 keeps it while the JVM lives even if the pool goes idle.
    args.push(
      '--db-url=jdbc:h2:mem:keycloakdb;NON_KEYWORDS=VALUE;DB_CLOSE_ON_EXIT=FALSE;DB_CLOSE_DELAY=-1',
    );
  }
  // Brute-force protection is on in the realm; by default Keycloak 26 then rejects *concurrent* logins of one user
  // (even with the right password) as user_temporarily_disabled, which breaks parallel tests. Failures still count.
  args.push(
    '--spi-brute-force-protector--default-brute-force-detector--allow-concurrent-requests=true',
  );
  // Without a fixed hostname Keycloak takes the host of each request for its own: a token fetched from
  // http://127.0.0.1:<port> names the issuer http://127.0.0.1:<port>/realms/dispatch, and an API expecting
  // <baseUrl>/realms/dispatch refuses it. (hostname-strict, off in start-dev, is ignored once a hostname is set.)
  const extraArgs = options.extraArgs ?? [];
  if (!setsHostname(extraArgs, { ...process.env, ...options.env }))
    args.push(`--hostname=${baseUrl}`);
  args.push(...extraArgs);

  // The first start of a fresh distribution runs the Quarkus build: let only one process do that at a time.
  let releaseLock: (() => void) | undefined;
  if (!isDevBuildDone(home)) {
    releaseLock = await acquireLock(`${home}.first-start.lock`, timeoutMs + 60_000);
    if (isDevBuildDone(home)) {
      releaseLock();
      releaseLock = undefined;
    }
  }
  try {
    const instance = await spawnAndWait(home, javaHome, args, options, baseUrl, logFile, timeoutMs);
    if (releaseLock) fs.writeFileSync(path.join(home, DEV_BUILD_MARKER), `${DEV_BUILD_KEY}\n`);
    return instance;
  } finally {
    releaseLock?.();
  }
}

async function spawnAndWait(
  home: string,
  javaHome: string,
  args: string[],
  options: StartKeycloakOptions,
  baseUrl: string,
  logFile: string,
  timeoutMs: number,
): Promise<KeycloakInstance> {
  const keycloak = await spawnKeycloak(home, args, {
    javaHome,
    logFile,
    env: {
      ...process.env,
      ...options.env,
      JAVA_HOME: javaHome,
      KC_BOOTSTRAP_ADMIN_USERNAME: options.adminUser ?? 'admin',
      KC_BOOTSTRAP_ADMIN_PASSWORD: options.adminPassword ?? 'admin',
    },
  });
  try {
    await waitForKeycloak(keycloak, {
      isReady: () => isKeycloakReady(baseUrl),
      started: Date.now(),
      timeoutMs,
      waitingFor: `serve ${baseUrl}/realms/${REALM_NAME}`,
      logFile,
    });
  } catch (error) {
    await keycloak.stop().catch(() => undefined);
    throw error;
  }
  return { baseUrl, pid: keycloak.pid, logFile, stop: keycloak.stop };
}

// ---------------------------------------------------------------------------------------------
// Tokens

interface TokenResponse {
  access_token?: string;
  error?: string;
  error_description?: string;
}

async function requestToken(baseUrl: string, form: Record<string, string>): Promise<string> {
  const response = await fetch(`${baseUrl}/realms/${REALM_NAME}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let body: TokenResponse = {};
  try {
    body = JSON.parse(text) as TokenResponse;
  } catch {
    // not JSON
  }
  if (!response.ok || !body.access_token) {
    throw new Error(
      `Token request (${form.grant_type}, client ${form.client_id}) failed: HTTP ${response.status} ` +
        `${body.error ?? ''} ${body.error_description ?? text.slice(0, 300)}`.trim(),
    );
  }
  return body.access_token;
}

/** A real access token from the password grant (the `dispatch-cli` client allows it; dev/test realm only). */
export function fetchPasswordToken(
  baseUrl: string,
  username: string,
  password: string,
  clientId = 'dispatch-cli',
): Promise<string> {
  return requestToken(baseUrl, {
    grant_type: 'password',
    client_id: clientId,
    username,
    password,
    scope: 'openid',
  });
}

/** A service-account access token from the client-credentials grant (default: `dispatch-api`). */
export function fetchClientCredentialsToken(
  baseUrl: string,
  clientId = 'dispatch-api',
  clientSecret = DEV_API_CLIENT_SECRET,
): Promise<string> {
  return requestToken(baseUrl, {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
  });
}

/** Payload of a JWT, without verifying it (for tests and diagnostics only). */
export function decodeJwtPayload(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('Not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}
