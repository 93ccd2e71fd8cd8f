import { jestProject } from '../../jest.preset';

/**
 * Citus: the build from ../shared/vendor (cached) and a coordinator with two workers, showing
 * schema-based sharding, transactions through the coordinator and a schema moved between workers.
 */
export default jestProject(__dirname, {
  displayName: 'citus',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  // The first run builds Citus (about 4 minutes on two cores).
  testTimeout: 900_000,
});
