/**
 * `npm test`: builds, runs the static checks (types, lint, formatting) and every jest suite
 * (domain and API unit tests, API integration tests over real HTTP, PostgreSQL and Keycloak),
 * the console's Vitest suite and the console end-to-end suite in Chromium, then prints one summary
 * line `N passed, N failed` over all of them.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const env = {
  ...process.env,
  NX_NO_CLOUD: 'true',
  NX_DAEMON: 'false',
  FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR,
};

function run(title: string, command: string, args: string[]): boolean {
  process.stdout.write(`\n=== ${title}\n`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env });
  return result.status === 0;
}

interface JestResults {
  numPassedTests: number;
  numFailedTests: number;
  numRuntimeErrorTestSuites: number;
  numTotalTests: number;
}

function main(): void {
  const checks: [string, boolean][] = [];
  const built = run('build', 'npx', ['nx', 'run-many', '-t', 'build', '--output-style=stream']);
  checks.push(['build', built]);
  checks.push([
    'typecheck and lint',
    run('typecheck and lint', 'npx', [
      'nx',
      'run-many',
      '-t',
      'typecheck',
      'lint',
      '--output-style=stream',
    ]),
  ]);
  checks.push([
    'generated API client matches the API',
    built &&
      run('api client up to date', 'npx', ['tsx', 'tools/openapi/generate-client.ts', '--check']),
  ]);
  checks.push([
    'formatting',
    run('formatting (prettier --check)', 'npx', [
      'prettier',
      '--check',
      '.',
      '--log-level',
      'warn',
    ]),
  ]);

  let results: JestResults = {
    numPassedTests: 0,
    numFailedTests: 0,
    numRuntimeErrorTestSuites: 0,
    numTotalTests: 0,
  };
  let jestOk = false;
  if (built) {
    const outputDir = path.join(ROOT, 'tmp');
    mkdirSync(outputDir, { recursive: true });
    const outputFile = path.join(outputDir, 'jest-results.json');
    jestOk = run('jest: domain, API unit and API integration suites', 'npx', [
      'jest',
      '-c',
      'jest.config.ts',
      '--ci',
      '--json',
      `--outputFile=${outputFile}`,
    ]);
    try {
      results = JSON.parse(readFileSync(outputFile, 'utf8')) as JestResults;
    } catch {
      jestOk = false;
    }
  }
  // The console's component and logic tests run in Vitest (jsdom); their counts join the total.
  const vitestFile = path.join(ROOT, 'tmp', 'vitest-results.json');
  mkdirSync(path.dirname(vitestFile), { recursive: true });
  const vitestOk = run('vitest: console components and logic', 'npx', [
    'vitest',
    'run',
    '--config',
    'apps/console/vite.config.ts',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${vitestFile}`,
  ]);
  let vitest = { numPassedTests: 0, numFailedTests: 0 };
  try {
    vitest = JSON.parse(readFileSync(vitestFile, 'utf8')) as typeof vitest;
  } catch {
    checks.push(['vitest results', false]);
  }
  if (!vitestOk && vitest.numFailedTests === 0) checks.push(['vitest', false]);
  results.numPassedTests += vitest.numPassedTests;
  results.numFailedTests += vitest.numFailedTests;

  const failedChecks = checks.filter(([, ok]) => !ok);
  for (const [name] of failedChecks) process.stdout.write(`check failed: ${name}\n`);
  const failed =
    results.numFailedTests +
    results.numRuntimeErrorTestSuites +
    failedChecks.length +
    (built && !jestOk && results.numFailedTests === 0 && results.numRuntimeErrorTestSuites === 0
      ? 1
      : 0);
  process.stdout.write(`\n${results.numPassedTests} passed, ${failed} failed\n`);
  process.exit(failed === 0 && jestOk ? 0 : 1);
}

main();
