import { Client, type ClientConfig } from 'pg';
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
  /**
   * How long a query waits for a free connection when all `poolSize` are busy (default 5 s, as
   * long as connecting may take). Past it pg-pool fails the query with "timeout exceeded when
   * trying to connect": the database is busy, not unreachable.
   */
  poolWaitMillis?: number;
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
      // pg-pool has one timeout for waiting for a free connection and for connecting; the client
      // class gives connecting its own.
      connectionTimeoutMillis: options.poolWaitMillis ?? CONNECT_TIMEOUT_MILLISECONDS,
      Client: PromptlyConnectingClient,
    },
  };
}

/** A server that does not answer within this fails the request (503) instead of holding it. */
const CONNECT_TIMEOUT_MILLISECONDS = 5_000;

/** A pg client that gives up connecting after CONNECT_TIMEOUT_MILLISECONDS, whatever the pool waits. */
class PromptlyConnectingClient extends Client {
  constructor(config: ClientConfig) {
    super({ ...config, connectionTimeoutMillis: CONNECT_TIMEOUT_MILLISECONDS });
  }
}

/**
 * What a migration connection must know of the server: on Citus, its sessions turn
 * `citus.enable_schema_based_sharding` off, so that the schemas and tables migrations create are
 * plain coordinator-local ones (the platform schema stays so; a tenant schema is distributed once
 * fully migrated, see provisioning.ts), and TypeORM does not install `pgcrypto` (it would land in
 * the first schema migrated, and Citus refuses to distribute a schema holding an extension;
 * `gen_random_uuid()` is built into PostgreSQL 13+). On plain PostgreSQL nothing changes.
 */
export interface MigrationTarget {
  citus: boolean;
}

function migrationSessionOptions(schema: string, target: MigrationTarget | undefined): string {
  return target?.citus
    ? `-c search_path=${schema} -c citus.enable_schema_based_sharding=off`
    : `-c search_path=${schema}`;
}

/** A short-lived data source that migrates the shared platform schema. */
export function platformMigrationDataSource(
  options: DatabaseConnectionOptions,
  target?: MigrationTarget,
): DataSource {
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
    extra: { options: migrationSessionOptions(PLATFORM_SCHEMA, target) },
    ...(target?.citus ? { installExtensions: false } : {}),
  });
}

/** A short-lived data source whose every connection works inside one tenant schema. */
export function tenantMigrationDataSource(
  options: DatabaseConnectionOptions,
  schema: string,
  target?: MigrationTarget,
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
    extra: { options: migrationSessionOptions(schema, target) },
    ...(target?.citus ? { installExtensions: false } : {}),
  });
}
