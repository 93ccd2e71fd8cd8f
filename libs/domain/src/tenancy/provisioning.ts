import { DataSource } from 'typeorm';
import { Organization } from '../entities';
import {
  type DatabaseConnectionOptions,
  type MigrationTarget,
  platformMigrationDataSource,
  tenantMigrationDataSource,
} from './data-sources';
import { assertTenantSlug, PLATFORM_SCHEMA, tenantSchemaName } from './tenant-schema';

/** Serializes schema changes across processes: two API instances starting at once migrate one after the other. */
const MIGRATION_LOCK_KEY = 7_340_021;

/** Whether the database runs Citus (the extension is installed in it). */
export async function runsCitus(query: (sql: string) => Promise<unknown[]>): Promise<boolean> {
  return (await query(`SELECT 1 FROM pg_extension WHERE extname = 'citus'`)).length > 0;
}

/**
 * Runs `work` holding the migration lock, telling it whether the server runs Citus (asked once,
 * on the lock's connection: `citus` in pg_extension).
 */
async function withMigrationLock<T>(
  options: DatabaseConnectionOptions,
  work: (target: MigrationTarget) => Promise<T>,
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
    return await work({ citus: await runsCitus((sql) => runner.query(sql)) });
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

async function migratePlatformUnlocked(
  options: DatabaseConnectionOptions,
  target: MigrationTarget,
): Promise<string[]> {
  return runMigrations(platformMigrationDataSource(options, target), PLATFORM_SCHEMA);
}

/**
 * On Citus, makes a migrated tenant schema a distributed schema: its tables move together to one
 * worker (chosen by Citus) and the coordinator routes every statement on them there. Migrations
 * always run first on a coordinator-local schema (their history creates and drops triggers and
 * backfills with joins, which distributed tables refuse); once distributed, later migrations'
 * DDL propagates to the worker. A schema already distributed is left as it is; one whose
 * distribution failed stays local and is distributed by the next run.
 */
async function distributeTenantSchema(
  options: DatabaseConnectionOptions,
  target: MigrationTarget,
  schema: string,
): Promise<void> {
  if (!target.citus) return;
  const dataSource = tenantMigrationDataSource(options, schema, target);
  await dataSource.initialize();
  try {
    const distributed = (await dataSource.query(
      'SELECT 1 FROM pg_dist_schema WHERE schemaid = to_regnamespace($1)',
      [schema],
    )) as unknown[];
    if (distributed.length > 0) return;
    await dataSource.transaction(async (manager) => {
      await manager.query('SELECT citus_schema_distribute(to_regnamespace($1))', [schema]);
      // The rows were copied to the worker; the coordinator's copies are invisible from now on.
      await manager.query(
        `SELECT truncate_local_data_after_distributing_table(c.oid)
           FROM pg_class c
          WHERE c.relnamespace = to_regnamespace($1) AND c.relkind = 'r'`,
        [schema],
      );
    });
  } finally {
    await dataSource.destroy();
  }
}

async function migrateTenantUnlocked(
  options: DatabaseConnectionOptions,
  target: MigrationTarget,
  slug: string,
): Promise<string[]> {
  const schema = tenantSchemaName(slug);
  const applied = await runMigrations(tenantMigrationDataSource(options, schema, target), schema);
  await distributeTenantSchema(options, target, schema);
  return applied;
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
  return withMigrationLock(options, async (target) => {
    const platform = await migratePlatformUnlocked(options, target);
    const tenants: Record<string, string[]> = {};
    for (const organization of await listOrganizations(options)) {
      tenants[organization.slug] = await migrateTenantUnlocked(options, target, organization.slug);
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
  return withMigrationLock(options, async (target) => {
    await migratePlatformUnlocked(options, target);
    const appliedMigrations = await migrateTenantUnlocked(options, target, input.slug);
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

/** Where a tenant's tables live. */
export interface TenantPlacement {
  slug: string;
  schema: string;
  /**
   * `local`: the server itself (plain PostgreSQL, or a schema Citus has not distributed);
   * `distributed`: a Citus distributed schema on `node`.
   */
  kind: 'local' | 'distributed';
  /** `host:port` of the Citus worker holding the schema's tables (distributed only). */
  node?: string;
  /** Citus colocation group of the schema (distributed only). */
  colocationId?: number;
  tables: number;
}

/** Where each registered tenant's schema lives: on Citus, the worker each schema landed on. */
export async function tenantPlacements(
  options: DatabaseConnectionOptions,
): Promise<TenantPlacement[]> {
  const organizations = await listOrganizations(options);
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    poolSize: 1,
    ssl: options.ssl,
  });
  await dataSource.initialize();
  try {
    const placed = new Map<string, { node: string; colocationId: number; tables: number }>();
    if (await runsCitus((sql) => dataSource.query(sql))) {
      const rows = (await dataSource.query(
        `SELECT s.schema_name::text AS schema, s.colocation_id,
                string_agg(DISTINCT sh.nodename || ':' || sh.nodeport, ', ') AS node,
                count(sh.shard_name) AS tables
           FROM citus_schemas s
           LEFT JOIN citus_shards sh ON sh.colocation_id = s.colocation_id
          GROUP BY s.schema_name, s.colocation_id`,
      )) as { schema: string; colocation_id: number; node: string | null; tables: string }[];
      for (const row of rows)
        placed.set(row.schema, {
          node: row.node ?? '',
          colocationId: Number(row.colocation_id),
          tables: Number(row.tables),
        });
    }
    const placements: TenantPlacement[] = [];
    for (const organization of organizations) {
      const schema = organization.schemaName;
      const distributed = placed.get(schema);
      if (distributed) {
        placements.push({ slug: organization.slug, schema, kind: 'distributed', ...distributed });
        continue;
      }
      const counted = (await dataSource.query(
        `SELECT count(*) AS n FROM pg_class WHERE relnamespace = to_regnamespace($1) AND relkind = 'r'`,
        [schema],
      )) as { n: string }[];
      placements.push({
        slug: organization.slug,
        schema,
        kind: 'local',
        tables: Number(counted[0]?.n ?? 0),
      });
    }
    return placements;
  } finally {
    await dataSource.destroy();
  }
}
