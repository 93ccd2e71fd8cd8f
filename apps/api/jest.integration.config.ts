import { jestProject } from '../../jest.preset';

/** Integration tests over real HTTP against real PostgreSQL and real Keycloak tokens. */
export default jestProject(__dirname, {
  displayName: 'api-integration',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
});
