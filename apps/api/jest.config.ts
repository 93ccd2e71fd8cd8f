import { jestProject } from '../../jest.preset';

/** Unit tests: pure rules and pieces, next to the code. */
export default jestProject(__dirname, {
  displayName: 'api-unit',
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.spec.ts'],
});
