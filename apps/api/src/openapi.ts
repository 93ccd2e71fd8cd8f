/**
 * Prints the API's OpenAPI document (stable key order) without a database or Keycloak:
 *   node apps/api/dist/openapi.js > libs/api-client/openapi.json
 * `npm run api-client:generate` runs this and regenerates the typed client from it.
 */
import 'reflect-metadata';
import { buildOpenApiDocument, createApp } from './app.factory';
import { loadConfig } from './core/config/app-config';

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sorted((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

async function main(): Promise<void> {
  const config = loadConfig({
    DATABASE_URL: 'postgres://openapi-export@localhost/none',
    LOG_LEVEL: 'silent',
  });
  const app = await createApp(config, { logs: false, connectDatabase: false });
  const document = buildOpenApiDocument(app);
  process.stdout.write(`${JSON.stringify(sorted(document), null, 2)}\n`);
  await app.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
