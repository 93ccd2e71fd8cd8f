/**
 * `npm run test:citus [-- [--all] <jest test path patterns>]`: the API integration suite against a
 * Citus cluster (without `--all`, less the suites ABOVE_STORAGE lists). Builds Citus when it is not installed yet (tools/citus/build.ts), starts a coordinator
 * and two workers on free ports in a temporary directory, runs
 * `jest -c apps/api/jest.integration.config.ts` with TEST_DATABASE_URL on the coordinator and
 * TEST_CITUS_CLUSTER naming the nodes (each test database is then made on all three nodes and its
 * tenant schemas distributed over the workers: libs/testing/src/database.ts), stops the cluster,
 * then (without patterns) runs the cluster's own tests (tools/citus/test: schema-based sharding,
 * a tenant moved under load) and prints per suite and, as its last line, `N passed, N failed`
 * over both. Exits non-zero on any failure.
 *
 * TEST_KEYCLOAK_URL, when set, is handed on (a running Keycloak saves starting one).
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type KeycloakInstance, startKeycloak } from '../keycloak/keycloak';
import { freePort } from '../net/ports';
import { ensureCitusInstalled, REPO_ROOT } from './build';
import { type CitusCluster, type CitusNodes, startCitusCluster } from './cluster';

const say = (line: string) => process.stdout.write(`[test:citus] ${line}\n`);

/** Each test's time budget on the cluster (apps/api/jest.integration.config.ts gives 60 s). */
const CITUS_TEST_TIMEOUT_MS = 300_000;

/**
 * Suites left out, and why: they never touch the cluster. Each starts a PostgreSQL server of its
 * own (to stop it under the API, to back it up with Debian's pg_dump and restore it, or to test
 * that server launcher itself), so on Citus they would only repeat the plain PostgreSQL run.
 */
const EXCLUDED: Readonly<Record<string, string>> = {
  'database-outage.spec.ts':
    'stops and restarts a PostgreSQL server of its own under the API (never the cluster)',
  'backup-restore.spec.ts':
    "backs up and restores a Debian PostgreSQL server of its own with pg_dump (never the cluster; pg_dump of a Citus coordinator holds no worker's rows)",
  'debian-postgres.spec.ts': 'tests the Debian PostgreSQL launcher on a server of its own',
  'embedded-postgres-reach.spec.ts':
    'tests the embedded PostgreSQL launcher on a server of its own',
  'keycloak-production.spec.ts':
    'runs Keycloak in production mode on a PostgreSQL server of its own; no API database involved',
};

/**
 * Suites left out unless `--all` is given, and why: what they test is decided before any query,
 * so the cluster changes nothing in it, and together they take a third of the run (two shared
 * cores). The last `--all` run is quoted in the README.
 */
const ABOVE_STORAGE: Readonly<Record<string, string>> = {
  'role-matrix.spec.ts':
    'who may call which route: the guard decides before any query; the handlers it reaches run in the other suites',
  'bad-input.spec.ts':
    'validation refuses garbage before any query; the valid body it sends per route is a write the other suites make',
  'token-attacks.spec.ts': 'token verification, before any query',
  'token-issuer.spec.ts': 'which issuer a token may name, before any query',
  'keycloak-outage.spec.ts': 'Keycloak stopped under the API; the database is not involved',
};

interface AssertionResult {
  status: 'passed' | 'failed' | 'pending' | 'skipped' | 'todo' | 'disabled';
}

interface SuiteResult {
  name: string;
  status: 'passed' | 'failed';
  message: string;
  assertionResults: AssertionResult[];
}

interface JestResults {
  numPassedTests: number;
  numFailedTests: number;
  numRuntimeErrorTestSuites: number;
  testResults: SuiteResult[];
}

function runJest(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['jest', ...args], { cwd: REPO_ROOT, stdio: 'inherit', env });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function report(results: JestResults): { passed: number; failed: number } {
  for (const suite of [...results.testResults].sort((a, b) => a.name.localeCompare(b.name))) {
    const count = (status: AssertionResult['status']) =>
      suite.assertionResults.filter((assertion) => assertion.status === status).length;
    const name = path.relative(REPO_ROOT, suite.name);
    const ran = suite.assertionResults.length > 0;
    say(
      `${suite.status === 'passed' ? 'ok  ' : 'FAIL'} ${name}: ${count('passed')} passed, ${count('failed')} failed${
        ran ? '' : ` (did not run: ${suite.message.split('\n')[0] ?? ''})`
      }`,
    );
  }
  // A suite that failed before its tests ran counts as one failure.
  return {
    passed: results.numPassedTests,
    failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
  };
}

async function main(): Promise<number> {
  const all = process.argv.includes('--all');
  const patterns = process.argv.slice(2).filter((argument) => argument !== '--all');
  const excluded = all ? EXCLUDED : { ...EXCLUDED, ...ABOVE_STORAGE };
  await ensureCitusInstalled(say);
  // The servers run as `postgres` when we are root: it must be able to reach the data.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dispatch-test-citus-'));
  chmodSync(dir, 0o755);
  let cluster: CitusCluster | undefined;
  let keycloak: KeycloakInstance | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (cluster) {
        say('stopping the cluster');
        await cluster.stop();
      }
    })();
    return stopping;
  };
  const cleanUp = async () => {
    await stop();
    await keycloak?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  // Ctrl-C reaches jest as well; the cluster must not outlive us.
  const interrupted = () => void cleanUp().then(() => process.exit(130));
  process.on('SIGINT', interrupted);
  process.on('SIGTERM', interrupted);
  try {
    // One Keycloak for both jest runs below (each would otherwise start its own), started while
    // the cluster starts; whichever started is stopped in the end, also when the other failed.
    const [clusterStart, keycloakStart] = await Promise.allSettled([
      startCitusCluster({ dataDir: path.join(dir, 'cluster'), log: say }),
      process.env.TEST_KEYCLOAK_URL
        ? Promise.resolve(undefined)
        : freePort().then((port) => startKeycloak({ port, database: 'dev-mem' })),
    ]);
    if (clusterStart.status === 'fulfilled') cluster = clusterStart.value;
    if (keycloakStart.status === 'fulfilled') keycloak = keycloakStart.value;
    if (clusterStart.status === 'rejected') throw clusterStart.reason;
    if (keycloakStart.status === 'rejected') throw keycloakStart.reason;
    const started = clusterStart.value;
    const keycloakUrl = process.env.TEST_KEYCLOAK_URL ?? keycloak?.baseUrl;
    if (keycloak) say(`Keycloak on ${keycloak.baseUrl}`);
    const nodesFile = path.join(dir, 'nodes.json');
    const nodes: CitusNodes = {
      coordinatorUrl: started.coordinatorUrl,
      workerUrls: started.workerUrls,
    };
    writeFileSync(nodesFile, JSON.stringify(nodes), { mode: 0o600 });
    const serverUrl = new URL(started.coordinatorUrl);
    serverUrl.pathname = '/postgres';

    for (const [suite, reason] of Object.entries(excluded)) say(`left out ${suite}: ${reason}`);
    const outputFile = path.join(dir, 'jest-results.json');
    const code = await runJest(
      [
        // Patterns first: jest reads every word after an array option as one more value of it.
        ...patterns,
        '-c',
        'apps/api/jest.integration.config.ts',
        '--ci',
        // Three PostgreSQL servers share the machine's cores and every statement crosses two of
        // them: a test may take several times as long as on one server (the concurrency suite's
        // rounds take up to 100 s on two busy cores). The assertions are the same.
        `--testTimeout=${CITUS_TEST_TIMEOUT_MS}`,
        '--json',
        `--outputFile=${outputFile}`,
        `--testPathIgnorePatterns=/(${Object.keys(excluded)
          .map((suite) => suite.replace(/\./g, '\\.'))
          .join('|')})$`,
      ],
      {
        ...process.env,
        TEST_DATABASE_URL: serverUrl.toString(),
        TEST_CITUS_CLUSTER: nodesFile,
        TEST_KEYCLOAK_URL: keycloakUrl,
        FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR,
      },
    );
    const api = readResults(outputFile, code);
    await stop();
    // The cluster's own tests (schema-based sharding, a tenant moved under load) start clusters
    // of their own; a run limited by patterns is about the API suite only.
    const own =
      patterns.length > 0
        ? { passed: 0, failed: 0 }
        : readResults(
            path.join(dir, 'citus-results.json'),
            await runJest(
              [
                '-c',
                'tools/citus/jest.config.ts',
                '--ci',
                '--json',
                `--outputFile=${path.join(dir, 'citus-results.json')}`,
              ],
              {
                ...process.env,
                TEST_KEYCLOAK_URL: keycloakUrl,
                FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR,
              },
            ),
          );
    const passed = api.passed + own.passed;
    const failed = api.failed + own.failed;
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
    return failed > 0 || passed === 0 ? 1 : 0;
  } finally {
    await cleanUp();
  }
}

/** A jest run's counts from its JSON results; a run that failed without a failed test counts one. */
function readResults(outputFile: string, code: number): { passed: number; failed: number } {
  if (!existsSync(outputFile)) {
    say(`jest wrote no results (exit code ${code})`);
    return { passed: 0, failed: 1 };
  }
  const { passed, failed } = report(JSON.parse(readFileSync(outputFile, 'utf8')) as JestResults);
  return { passed, failed: failed > 0 || code === 0 ? failed : failed + 1 };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `[test:citus] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.stdout.write('0 passed, 1 failed\n');
    process.exit(1);
  },
);
