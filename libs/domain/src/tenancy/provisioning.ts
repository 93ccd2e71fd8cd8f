import { DataSource } from 'typeorm';
import { Organization } from '../entities';
import {
  type DatabaseConnectionOptions,
  platformMigrationDataSource,
  tenantMigrationDataSource,
} from './data-sources';
import { assertTenantSlug, PLATFORM_SCHEMA, tenantSchemaName } from './tenant-schema';

/** Serializes schema changes across processes: two API instances starting at once migrate one after the other. */
const MIGRATION_LOCK_KEY = 7_340_021;

async function withMigrationLock<T>(
  options: DatabaseConnectionOptions,
  work: () => Promise<T>,
): Promise<T> {
  const lock = new DataSource({
    type: 'postgres',
    url: options.url,
    poolSize: 1,
    ssl: options.ssl,
  });
  await lock.initialize();
  const runner = lock.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await work();
  } finally {
    await runner
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
      .catch(() => undefined);
    await runner.release();
    await lock.destroy();
  }
}

async function runMigrations(dataSource: DataSource, schema: string): Promise<string[]> {
  await dataSource.initialize();
  try {
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const applied = await dataSource.runMigrations({ transaction: 'all' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}

async function migratePlatformUnlocked(options: DatabaseConnectionOptions): Promise<string[]> {
  return runMigrations(platformMigrationDataSource(options), PLATFORM_SCHEMA);
}

async function migrateTenantUnlocked(
  options: DatabaseConnectionOptions,
  slug: string,
): Promise<string[]> {
  const schema = tenantSchemaName(slug);
  return runMigrations(tenantMigrationDataSource(options, schema), schema);
}

async function listOrganizations(options: DatabaseConnectionOptions): Promise<Organization[]> {
  const dataSource = platformMigrationDataSource(options);
  await dataSource.initialize();
  try {
    return await dataSource.getRepository(Organization).find({ order: { slug: 'ASC' } });
  } finally {
    await dataSource.destroy();
  }
}

export interface MigrationReport {
  platform: string[];
  tenants: Record<string, string[]>;
}

/** Brings the platform schema and every registered tenant schema up to the latest migration. Idempotent. */
export async function migrateAll(options: DatabaseConnectionOptions): Promise<MigrationReport> {
  return withMigrationLock(options, async () => {
    const platform = await migratePlatformUnlocked(options);
    const tenants: Record<string, string[]> = {};
    for (const organization of await listOrganizations(options)) {
      tenants[organization.slug] = await migrateTenantUnlocked(options, organization.slug);
    }
    return { platform, tenants };
  });
}

export interface ProvisionTenantInput {
  slug: string;
  name: string;
}

export interface ProvisionedTenant {
  organization: Organization;
  created: boolean;
  appliedMigrations: string[];
}

/**
 * Registers a tenant and creates and migrates its schema. Provisioning an existing tenant only
 * brings its schema up to date, so the call is safe to repeat.
 */
export async function provisionTenant(
  options: DatabaseConnectionOptions,
  input: ProvisionTenantInput,
): Promise<ProvisionedTenant> {
  assertTenantSlug(input.slug);
  const schemaName = tenantSchemaName(input.slug);
  return withMigrationLock(options, async () => {
    await migratePlatformUnlocked(options);
    const appliedMigrations = await migrateTenantUnlocked(options, input.slug);
    const dataSource = platformMigrationDataSource(options);
    await dataSource.initialize();
    try {
      const organizations = dataSource.getRepository(Organization);
      const existing = await organizations.findOneBy({ slug: input.slug });
      if (existing) return { organization: existing, created: false, appliedMigrations };
      const organization = await organizations.save(
        organizations.create({ slug: input.slug, name: input.name, schemaName }),
      );
      return { organization, created: true, appliedMigrations };
    } finally {
      await dataSource.destroy();
    }
  });
}
