import { jestProject } from '../../jest.preset';

/** The console end to end: real Chromium, real Keycloak login page, real API, PostgreSQL and Vite. */
export default jestProject(__dirname, {
  displayName: 'console-e2e',
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/src/support/global-teardown.ts',
  testTimeout: 120_000,
});
