/**
 * Generates a migration from the difference between the entities and the checked-in migrations.
 *
 *   npm run db:generate-migration -- tenant AddDispatchNotes
 *   npm run db:generate-migration -- platform AddOrganizationPlan
 *
 * Uses a throwaway database on DATABASE_URL's server (default: the local PostgreSQL), applies the
 * existing migrations of the set to it, then lets TypeORM's own generator write the difference.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

const [set, name] = process.argv.slice(2);
if ((set !== 'tenant' && set !== 'platform') || !name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
  console.error('usage: generate-migration.ts <tenant|platform> <PascalCaseName>');
  process.exit(2);
}

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const scratch = `dispatch_migration_scratch_${process.pid}`;
const root = path.resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${scratch}`);
  const scratchUrl = new URL(serverUrl);
  scratchUrl.pathname = `/${scratch}`;
  try {
    const scratchClient = new Client({ connectionString: scratchUrl.toString() });
    await scratchClient.connect();
    await scratchClient.query('CREATE SCHEMA platform; CREATE SCHEMA tenant_migration_scratch;');
    await scratchClient.end();
    const env = {
      ...process.env,
      MIGRATION_SET: set,
      MIGRATION_DATABASE_URL: scratchUrl.toString(),
      TS_NODE_PROJECT: path.join(root, 'tsconfig.base.json'),
      TS_NODE_TRANSPILE_ONLY: 'true',
    };
    const cli = path.join(root, 'node_modules', 'typeorm', 'cli-ts-node-commonjs.js');
    const dataSource = path.join(root, 'tools', 'db', 'generate-migration.datasource.ts');
    execFileSync('node', [cli, 'migration:run', '-d', dataSource], {
      env,
      stdio: 'inherit',
      cwd: root,
    });
    const target = path.join(root, 'libs', 'domain', 'src', 'migrations', set, name);
    execFileSync('node', [cli, 'migration:generate', '--pretty', '-d', dataSource, target], {
      env,
      stdio: 'inherit',
      cwd: root,
    });
    // TypeORM qualifies some statements (DROP INDEX) with the scratch schema; tenant migrations must
    // stay schema-free so that one set applies to every tenant schema.
    const folder = path.dirname(target);
    for (const file of readdirSync(folder).filter((entry) => entry.endsWith(`-${name}.ts`))) {
      const full = path.join(folder, file);
      writeFileSync(full, readFileSync(full, 'utf8').replaceAll('"tenant_migration_scratch".', ''));
    }
    console.log(
      `Add the new class to libs/domain/src/migrations/${set}/index.ts, then review the SQL.`,
    );
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
