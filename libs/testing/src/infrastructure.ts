/**
 * Starts what integration and end-to-end suites need, once per run: a PostgreSQL server (embedded,
 * unless TEST_DATABASE_URL names one) with a template database holding the demo tenants' empty
 * schemas, and a Keycloak with the repo's realm (its own, in memory, unless TEST_KEYCLOAK_URL names
 * a running one).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the test harness drives the repo's own dev tooling
import { isKeycloakReady, startKeycloak } from '../../../tools/keycloak/keycloak';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the test harness drives the repo's own dev tooling
import { freePort, startEmbeddedPostgres } from '../../../tools/postgres/embedded-postgres';
import { createDemoDatabase, testCitusCluster, withServer } from './database';
import { publishTestEnvironment, type TestEnvironment } from './test-environment';
import { publishDemoTokens } from './tokens';

export interface TestInfrastructure {
  environment: TestEnvironment;
  stop(): Promise<void>;
}

async function templateDatabase(serverUrl: string): Promise<string> {
  const name = `dispatch_test_template_${process.pid}`;
  await createDemoDatabase(serverUrl, name);
  return name;
}

/** On a Citus cluster no template is copied (see createTestDatabase): none is made. */
const NO_TEMPLATE = '';

export async function startTestInfrastructure(
  log: (line: string) => void = () => undefined,
): Promise<TestInfrastructure> {
  const stops: (() => Promise<void>)[] = [];
  try {
    let serverUrl = process.env.TEST_DATABASE_URL;
    if (!serverUrl) {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dispatch-test-pg-'));
      const postgres = await startEmbeddedPostgres({
        dataDir,
        port: await freePort(),
        persistent: false,
      });
      stops.push(async () => {
        await postgres.stop();
        rmSync(dataDir, { recursive: true, force: true });
      });
      serverUrl = postgres.url;
      log(`embedded PostgreSQL on port ${postgres.port}`);
    }
    const keycloakPromise = (async () => {
      const given = process.env.TEST_KEYCLOAK_URL;
      if (given) {
        if (!(await isKeycloakReady(given)))
          throw new Error(`TEST_KEYCLOAK_URL ${given} does not serve the dispatch realm`);
        return given;
      }
      const keycloak = await startKeycloak({ port: await freePort(), database: 'dev-mem' });
      stops.push(() => keycloak.stop());
      log(`Keycloak on ${keycloak.baseUrl}`);
      return keycloak.baseUrl;
    })();
    const template = testCitusCluster() ? NO_TEMPLATE : await templateDatabase(serverUrl);
    const keycloakUrl = await keycloakPromise;
    const environment: TestEnvironment = {
      databaseServerUrl: serverUrl,
      templateDatabase: template,
      keycloakUrl,
    };
    const finalServerUrl = serverUrl;
    stops.unshift(async () => {
      if (template === NO_TEMPLATE) return;
      await withServer(finalServerUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`),
      ).catch(() => undefined);
    });
    return {
      environment,
      stop: async () => {
        for (const stop of stops)
          await stop().catch((error: unknown) => log(`cleanup failed: ${String(error)}`));
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }
}

declare global {
  var dispatchSharedInfrastructure:
    { infrastructure: TestInfrastructure; users: number } | undefined;
}

/**
 * One PostgreSQL and one Keycloak for every suite of a jest run: the global setups of several jest
 * projects run in one process, and their workers read the environment they publish, so they must
 * agree on one infrastructure. The first caller starts it; the last release stops it.
 */
export async function acquireTestInfrastructure(
  log: (line: string) => void = () => undefined,
): Promise<TestInfrastructure> {
  const shared = globalThis.dispatchSharedInfrastructure;
  if (shared) {
    shared.users += 1;
    return shared.infrastructure;
  }
  const infrastructure = await startTestInfrastructure(log);
  globalThis.dispatchSharedInfrastructure = { infrastructure, users: 1 };
  publishTestEnvironment(infrastructure.environment);
  await publishDemoTokens();
  return infrastructure;
}

export async function releaseTestInfrastructure(): Promise<void> {
  const shared = globalThis.dispatchSharedInfrastructure;
  if (!shared) return;
  shared.users -= 1;
  if (shared.users > 0) return;
  globalThis.dispatchSharedInfrastructure = undefined;
  await shared.infrastructure.stop();
}
