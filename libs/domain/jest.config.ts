import { jestProject } from '../../jest.preset';

export default jestProject(__dirname, {
  displayName: 'domain',
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.spec.ts'],
});
