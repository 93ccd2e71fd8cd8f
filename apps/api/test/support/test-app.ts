import type { INestApplication } from '@nestjs/common';
import {
  ApiClient,
  createTestDatabase,
  DEV_API_CLIENT_SECRET,
  testEnvironment,
  type TestDatabase,
} from '@dispatch/testing';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/core/config/app-config';

export interface TestApp {
  app: INestApplication;
  /** Base URL of the API under `/api/v1`. */
  api: ApiClient;
  /** Base URL of the server root (health, docs). */
  root: ApiClient;
  database: TestDatabase;
  close(): Promise<void>;
}

/** Boots the real API on a fresh database (or a given one), listening on a free port, as main.ts would. */
export async function startTestApp(
  options: {
    database?: TestDatabase;
    /** Settings over the defaults below, by their environment names. */
    config?: Record<string, string>;
  } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const { keycloakUrl } = testEnvironment();
  const config = loadConfig({
    DATABASE_URL: database.apiUrl,
    MIGRATION_DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '10',
    KEYCLOAK_URL: keycloakUrl,
    KEYCLOAK_CLIENT_SECRET: DEV_API_CLIENT_SECRET,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Test receivers listen on 127.0.0.1 over plain http.
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    ...options.config,
  });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const root = new ApiClient(`http://127.0.0.1:${port}`);
  return {
    app,
    api: new ApiClient(`${root.baseUrl}/api/v1`),
    root,
    database,
    close: async () => {
      await app.close();
      // A database handed in belongs to the caller (several instances may share it).
      if (!options.database) await database.drop();
    },
  };
}
