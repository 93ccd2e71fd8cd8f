import { jestProject } from '../../jest.preset';

/**
 * The deployment: its configuration files (compose against the Compose Specification, nginx -t,
 * certificates, secrets) and the production topology brought up natively through TLS.
 */
export default jestProject(__dirname, {
  displayName: 'deployment',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  testTimeout: 600_000,
});
