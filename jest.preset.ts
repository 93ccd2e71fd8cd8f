import path from 'node:path';
import type { Config } from 'jest';

/** Shared by every jest project: SWC compiles TypeScript with decorator metadata, as tsc does for the build. */
export function jestProject(projectRoot: string, overrides: Config): Config {
  return {
    testEnvironment: 'node',
    rootDir: projectRoot,
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            transform: {
              legacyDecorator: true,
              decoratorMetadata: true,
              useDefineForClassFields: false,
            },
            target: 'es2022',
            keepClassNames: true,
          },
          module: { type: 'commonjs' },
          sourceMaps: 'inline',
        },
      ],
    },
    moduleFileExtensions: ['ts', 'js', 'json'],
    moduleNameMapper: {
      '^@dispatch/domain$': path.join(__dirname, 'libs/domain/src/index.ts'),
      '^@dispatch/testing$': path.join(__dirname, 'libs/testing/src/index.ts'),
    },
    ...overrides,
  };
}
