import 'reflect-metadata';
import { migrateAll } from '@dispatch/domain';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './core/config/app-config';

async function main(): Promise<void> {
  const startedAt = performance.now();
  const config = loadConfig();
  if (config.MIGRATE_ON_START)
    await migrateAll({ url: config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL });
  const app = await createApp(config);
  await app.listen(config.PORT, '0.0.0.0');
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(2);
  console.log(
    `Dispatch API listening on ${config.TLS_CERT_FILE ? 'https' : 'http'}://localhost:${config.PORT}/api/v1 (docs /api/docs), ready in ${seconds}s`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
