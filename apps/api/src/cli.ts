/**
 * Operator commands, compiled with the API:
 *   node apps/api/dist/cli.js migrate                    platform schema + every tenant schema
 *   node apps/api/dist/cli.js provision <slug> <name>    register a tenant, create and migrate its schema
 *   node apps/api/dist/cli.js seed-demo <slug>           demo data for a tenant (development only)
 *   node apps/api/dist/cli.js tenants-placement          where each tenant's schema lives (on
 *                                                        Citus: the worker holding its tables)
 * Reads DATABASE_URL (or DATABASE_URL_FILE).
 */
import 'reflect-metadata';
import { migrateAll, provisionTenant, tenantPlacements } from '@dispatch/domain';
import { readFileSync } from 'node:fs';
import { seedDemoTenant } from './demo/seed-demo';

function databaseUrl(): string {
  const file = process.env.DATABASE_URL_FILE;
  const url = file ? readFileSync(file, 'utf8').trim() : process.env.DATABASE_URL;
  if (!url) throw new Error('Set DATABASE_URL (or DATABASE_URL_FILE)');
  return url;
}

async function main(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  const url = databaseUrl();
  switch (command) {
    case 'migrate': {
      const report = await migrateAll({ url });
      console.log(JSON.stringify(report));
      return;
    }
    case 'provision': {
      const [slug, ...name] = rest;
      if (!slug) throw new Error('usage: provision <slug> <name>');
      const result = await provisionTenant({ url }, { slug, name: name.join(' ') || slug });
      console.log(
        `${result.created ? 'Provisioned' : 'Already provisioned'} ${slug} (schema ${result.organization.schemaName}); migrations applied: ${result.appliedMigrations.length}`,
      );
      return;
    }
    case 'seed-demo': {
      const [slug] = rest;
      if (!slug) throw new Error('usage: seed-demo <slug>');
      const summary = await seedDemoTenant({ url }, slug);
      console.log(`Seeded ${slug}: ${JSON.stringify(summary)}`);
      return;
    }
    case 'tenants-placement': {
      for (const placement of await tenantPlacements({ url })) {
        const where =
          placement.kind === 'distributed'
            ? `distributed schema on worker ${placement.node} (colocation ${placement.colocationId})`
            : 'local (this server)';
        console.log(`${placement.slug}\t${placement.schema}\t${where}\t${placement.tables} tables`);
      }
      return;
    }
    default:
      throw new Error(
        'usage: cli.js migrate | provision <slug> <name> | seed-demo <slug> | tenants-placement',
      );
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
