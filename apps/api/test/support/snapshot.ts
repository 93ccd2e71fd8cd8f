import { queryDatabase } from '@dispatch/testing';

const TENANT_TABLES = [
  'sites',
  'qualifications',
  'equipment_types',
  'equipment_type_required_qualifications',
  'equipment',
  'drivers',
  'driver_qualifications',
  'work_orders',
  'work_order_required_qualifications',
  'dispatches',
  'audit_events',
];

/** Every row of every table of a tenant schema, read directly from PostgreSQL, to prove nothing changed. */
export async function tenantSnapshot(
  databaseUrl: string,
  tenant: string,
): Promise<Record<string, unknown[]>> {
  const snapshot: Record<string, unknown[]> = {};
  for (const table of TENANT_TABLES) {
    snapshot[table] = await queryDatabase(
      databaseUrl,
      `SELECT to_jsonb(t) AS row FROM tenant_${tenant}.${table} t ORDER BY to_jsonb(t)::text`,
    );
  }
  return snapshot;
}

export async function rowCounts(
  databaseUrl: string,
  tenant: string,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TENANT_TABLES) {
    const [{ count }] = await queryDatabase<{ count: string }>(
      databaseUrl,
      `SELECT count(*) FROM tenant_${tenant}.${table}`,
    );
    counts[table] = Number(count);
  }
  return counts;
}
