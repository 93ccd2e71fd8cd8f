import { DataSource } from 'typeorm';
import { PLATFORM_ENTITIES, TENANT_ENTITIES } from '../entities';
import { PLATFORM_MIGRATIONS } from '../migrations/platform';
import { TENANT_MIGRATIONS } from '../migrations/tenant';
import { SnakeCaseNamingStrategy } from '../naming-strategy';
import { PLATFORM_SCHEMA } from './tenant-schema';

export interface TlsSettings {
  ca?: string;
  rejectUnauthorized?: boolean;
}

export interface DatabaseConnectionOptions {
  url: string;
  /** Connections in the pool. */
  poolSize?: number;
  applicationName?: string;
  /** TLS settings passed to pg (`ssl`), when the server requires it. */
  ssl?: TlsSettings;
}

/**
 * Connections of the application pool start with a search_path holding only the platform
 * schema: a query that forgets its tenant finds no tenant tables and fails loudly instead of
 * reading someone else's data.
 */
export function applicationDataSourceOptions(options: DatabaseConnectionOptions) {
  return {
    type: 'postgres' as const,
    url: options.url,
    uuidExtension: 'pgcrypto' as const,
    entities: [...PLATFORM_ENTITIES, ...TENANT_ENTITIES],
    namingStrategy: new SnakeCaseNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName ?? 'dispatch-api',
    ...(options.ssl ? { ssl: options.ssl } : {}),
    extra: {
      options: `-c search_path=${PLATFORM_SCHEMA}`,
      // A server that does not answer fails the request (503) instead of holding it.
      connectionTimeoutMillis: 5_000,
    },
  };
}

/** A short-lived data source that migrates the shared platform schema. */
export function platformMigrationDataSource(options: DatabaseConnectionOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    uuidExtension: 'pgcrypto' as const,
    entities: PLATFORM_ENTITIES,
    namingStrategy: new SnakeCaseNamingStrategy(),
    migrations: PLATFORM_MIGRATIONS,
    migrationsTableName: 'migrations',
    schema: PLATFORM_SCHEMA,
    poolSize: 1,
    applicationName: 'dispatch-migrate',
    ...(options.ssl ? { ssl: options.ssl } : {}),
    extra: { options: `-c search_path=${PLATFORM_SCHEMA}` },
  });
}

/** A short-lived data source whose every connection works inside one tenant schema. */
export function tenantMigrationDataSource(
  options: DatabaseConnectionOptions,
  schema: string,
): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    uuidExtension: 'pgcrypto' as const,
    entities: TENANT_ENTITIES,
    namingStrategy: new SnakeCaseNamingStrategy(),
    migrations: TENANT_MIGRATIONS,
    migrationsTableName: 'migrations',
    schema,
    poolSize: 1,
    applicationName: 'dispatch-migrate',
    ...(options.ssl ? { ssl: options.ssl } : {}),
    extra: { options: `-c search_path=${schema}` },
  });
}
