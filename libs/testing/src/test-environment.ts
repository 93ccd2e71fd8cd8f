/**
 * What the global setup of an integration suite started, handed to test files through environment
 * variables (jest workers inherit the environment of the process that ran the global setup).
 */
export interface TestEnvironment {
  /** URL of the PostgreSQL server's maintenance database. */
  databaseServerUrl: string;
  /** Database with the platform schema and the tenants `acme` and `globex`, copied for each test file. */
  templateDatabase: string;
  keycloakUrl: string;
}

const KEY = 'DISPATCH_TEST_ENVIRONMENT';

export function publishTestEnvironment(environment: TestEnvironment): void {
  process.env[KEY] = JSON.stringify(environment);
}

export function testEnvironment(): TestEnvironment {
  const raw = process.env[KEY];
  if (!raw)
    throw new Error(
      `${KEY} is not set: run integration tests through their jest config (global setup)`,
    );
  return JSON.parse(raw) as TestEnvironment;
}
