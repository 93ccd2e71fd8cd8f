import type { Config } from 'jest';

/** Every jest suite of the workspace, run together by `npm test`. */
const config: Config = {
  // Two cores: more workers only contend with PostgreSQL and Keycloak for CPU.
  maxWorkers: 2,
  // Integration tests boot the API and talk to PostgreSQL and Keycloak; unit tests stay far below this.
  testTimeout: 60_000,
  projects: [
    '<rootDir>/libs/domain/jest.config.ts',
    '<rootDir>/apps/api/jest.config.ts',
    '<rootDir>/apps/api/jest.integration.config.ts',
    '<rootDir>/apps/console-e2e/jest.config.ts',
    '<rootDir>/tools/deploy/jest.config.ts',
  ],
};

export default config;
