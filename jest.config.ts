import type { Config } from 'jest';

/** Every jest suite of the workspace, run together by `npm test`. */
const config: Config = {
  projects: [
    '<rootDir>/libs/domain/jest.config.ts',
    '<rootDir>/apps/api/jest.config.ts',
    '<rootDir>/apps/api/jest.integration.config.ts',
  ],
};

export default config;
