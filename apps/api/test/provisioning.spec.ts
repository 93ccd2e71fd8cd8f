import { migrateAll, provisionTenant } from '@dispatch/domain';
import { DataSource } from 'typeorm';
import { KeycloakAdmin, passwordToken, queryDatabase, tokenFor } from '@dispatch/testing';
import { startTestApp, type TestApp } from './support/test-app';

describe('provisioning and migrating tenants', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('creates a working, isolated schema for a new tenant; provisioning concurrently and twice is harmless', async () => {
    const url = testApp.database.url;
    const results = await Promise.all([
      provisionTenant({ url }, { slug: 'initech', name: 'Initech' }),
      provisionTenant({ url }, { slug: 'initech', name: 'Initech' }),
    ]);
    expect(results.filter((result) => result.created)).toHaveLength(1);
    const tables = await queryDatabase<{ table_name: string }>(
      url,
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'tenant_initech' ORDER BY table_name`,
    );
    expect(tables.map((row) => row.table_name)).toEqual(
      expect.arrayContaining([
        'audit_events',
        'dispatches',
        'drivers',
        'equipment',
        'sites',
        'work_orders',
        'migrations',
      ]),
    );
    // Same unique codes in two tenants: the schemas are independent.
    await queryDatabase(
      url,
      `INSERT INTO tenant_initech.qualifications (code, name) VALUES ('CDL-A', 'Initech licence')`,
    );
    await queryDatabase(
      url,
      `INSERT INTO tenant_acme.qualifications (code, name) VALUES ('CDL-A', 'Acme licence')`,
    );
    const [{ count }] = await queryDatabase<{ count: string }>(
      url,
      `SELECT count(*) FROM tenant_globex.qualifications`,
    );
    expect(Number(count)).toBe(0);
  });

  it('migrates every tenant; running it again applies nothing and keeps the data', async () => {
    const url = testApp.database.url;
    const first = await migrateAll({ url });
    const second = await migrateAll({ url });
    expect(second.platform).toEqual([]);
    expect(Object.values(second.tenants).every((applied) => applied.length === 0)).toBe(true);
    expect(Object.keys(second.tenants).sort()).toEqual(Object.keys(first.tenants).sort());
    const [{ count }] = await queryDatabase<{ count: string }>(
      url,
      `SELECT count(*) FROM tenant_acme.qualifications WHERE code = 'CDL-A'`,
    );
    expect(Number(count)).toBe(1);
  });

  it('refuses a tenant name that could escape its schema', async () => {
    for (const slug of [
      'acme; DROP SCHEMA platform',
      'Acme',
      'a',
      '-acme',
      'acme--x',
      'x'.repeat(41),
    ]) {
      await expect(
        provisionTenant({ url: testApp.database.url }, { slug, name: 'bad' }),
      ).rejects.toThrow(/valid tenant slug/);
    }
  });

  it('refuses a real token of a tenant that is not provisioned (403), and serves it once provisioned', async () => {
    const admin = await KeycloakAdmin.connect();
    await admin.createUser('umbrella-admin', 'umbrella', 'admin');
    const token = await passwordToken('umbrella-admin');
    const before = await testApp.api.as(token).get('/equipment');
    expect(before.status).toBe(403);
    expect(before.body.type).toBe('urn:dispatch:problem:tenant-unknown');
    await provisionTenant({ url: testApp.database.url }, { slug: 'umbrella', name: 'Umbrella' });
    const after = await testApp.api.as(token).get('/equipment');
    expect(after.status).toBe(200);
    expect(after.body.total).toBe(0);
  });

  it('never falls through to a tenant schema when a query runs without a tenant, even on a connection a tenant request used', async () => {
    const viewer = testApp.api.as(await tokenFor('acme', 'viewer'));
    const responses = await Promise.all(Array.from({ length: 20 }, () => viewer.get('/equipment')));
    expect(responses.every((response) => response.status === 200)).toBe(true);
    const pool = testApp.app.get(DataSource);
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, () => pool.query('SELECT count(*) FROM equipment')),
    );
    expect(attempts.map((attempt) => attempt.status)).toEqual(Array(20).fill('rejected'));
    expect(String((attempts[0] as PromiseRejectedResult).reason)).toMatch(
      /relation "equipment" does not exist/,
    );
  });
});
