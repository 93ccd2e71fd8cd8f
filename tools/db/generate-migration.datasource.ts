/**
 * Data source for `npm run db:generate-migration` only: it points TypeORM's migration generator at a
 * scratch database whose search_path is one schema, so generated SQL carries no schema name and the
 * same migration applies to every tenant schema.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import {
  PLATFORM_ENTITIES,
  PLATFORM_MIGRATIONS,
  PLATFORM_SCHEMA,
  SnakeCaseNamingStrategy,
  TENANT_ENTITIES,
  TENANT_MIGRATIONS,
} from '../../libs/domain/src';

const target = process.env.MIGRATION_SET === 'platform' ? 'platform' : 'tenant';
const schema = target === 'platform' ? PLATFORM_SCHEMA : 'tenant_migration_scratch';
const url = process.env.MIGRATION_DATABASE_URL;
if (!url) throw new Error('Set MIGRATION_DATABASE_URL to a scratch database');

export default new DataSource({
  type: 'postgres',
  url,
  uuidExtension: 'pgcrypto',
  entities: target === 'platform' ? PLATFORM_ENTITIES : TENANT_ENTITIES,
  migrations: target === 'platform' ? PLATFORM_MIGRATIONS : TENANT_MIGRATIONS,
  namingStrategy: new SnakeCaseNamingStrategy(),
  migrationsTableName: 'migrations',
  schema: target === 'platform' ? PLATFORM_SCHEMA : undefined,
  extra: { options: `-c search_path=${schema}` },
});
