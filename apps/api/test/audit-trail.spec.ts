import { type ApiClient, queryDatabase, tokenFor, withServer } from '@dispatch/testing';
import { AuditChain } from '../src/modules/audit/audit-chain.service';
import { DISPATCH_STEPS, Scenario } from './support/scenario';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The audit trail is append-only for the API in PostgreSQL itself (privileges of its role, no
 * trigger), and each tenant's events form a hash chain that catches even a superuser's tampering.
 */
describe('audit trail: append-only and tamper-evident', () => {
  let testApp: TestApp;
  let admin: ApiClient;
  let viewer: ApiClient;

  beforeAll(async () => {
    // This suite seals when it says so (sealAll): a sweep on the timer between a write and the
    // read of pendingEvents would seal the event the test is about to count.
    testApp = await startTestApp({ config: { AUDIT_SEAL_MILLISECONDS: '0' } });
    admin = testApp.api.as(await tokenFor('acme', 'admin'));
    viewer = testApp.api.as(await tokenFor('acme', 'viewer'));
    const world = await Scenario.create(admin);
    await world.unit();
    await world.driver();
    const order = await world.order('urgent');
    const dispatcher = testApp.api.as(await tokenFor('acme', 'dispatcher'));
    for (const step of DISPATCH_STEPS)
      await dispatcher.post(`/dispatches/${order.dispatch!.id}/transitions`, { to: step });
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const sql = (text: string) => queryDatabase(testApp.database.url, text);
  /** As the API's own database login. */
  const apiSql = (text: string) => queryDatabase(testApp.database.apiUrl, text);

  it('seals every committed event into an intact chain, per tenant', async () => {
    await testApp.app.get(AuditChain).sealAll();
    const acme = await viewer.get('/audit/verify');
    expect(acme.status).toBe(200);
    expect(acme.body).toMatchObject({ intact: true, pendingEvents: 0 });
    const [{ count }] = await queryDatabase<{ count: string }>(
      testApp.database.url,
      `SELECT count(*) FROM tenant_acme.audit_events`,
    );
    expect(acme.body.sealedEvents).toBe(Number(count));
    expect(Number(count)).toBeGreaterThanOrEqual(12);
    const globex = await testApp.api.as(await tokenFor('globex', 'admin')).get('/audit/verify');
    expect(globex.body).toEqual({ intact: true, sealedEvents: 0, pendingEvents: 0 });
    // New events wait outside the chain until the next seal; the chain still verifies.
    await admin.post('/qualifications', { code: 'LATE-1', name: 'Late' });
    expect((await viewer.get('/audit/verify')).body.pendingEvents).toBeGreaterThanOrEqual(1);
    await testApp.app.get(AuditChain).sealAll();
    expect((await viewer.get('/audit/verify')).body).toMatchObject({
      intact: true,
      pendingEvents: 0,
    });
  });

  it('refuses the API’s own connection any update, delete or truncation of audit events and seals', async () => {
    const [{ count: before }] = await sql(
      `SELECT count(*)::int AS count FROM tenant_acme.audit_events`,
    );
    for (const statement of [
      `UPDATE tenant_acme.audit_events SET action = 'forged' WHERE id = (SELECT min(id) FROM tenant_acme.audit_events)`,
      `DELETE FROM tenant_acme.audit_events WHERE id = (SELECT max(id) FROM tenant_acme.audit_events)`,
      `TRUNCATE tenant_acme.audit_events CASCADE`,
      `UPDATE tenant_acme.audit_seals SET hash = repeat('0', 64) WHERE seq = 1`,
      `DELETE FROM tenant_acme.audit_seals WHERE seq = 1`,
    ]) {
      await expect(apiSql(statement)).rejects.toThrow(/permission denied/);
    }
    // It reads and appends, as the API must.
    expect(
      (await apiSql(`SELECT count(*)::int AS count FROM tenant_acme.audit_events`))[0].count,
    ).toBe(before);
    await apiSql(
      `INSERT INTO tenant_acme.audit_events (actor_kind, actor_subject, actor_name, action, entity_type, payload)
       VALUES ('person', 'test', 'Test', 'qualification.deleted', 'qualification', '{}')`,
    );
    const [{ count: after }] = await sql(
      `SELECT count(*)::int AS count FROM tenant_acme.audit_events`,
    );
    expect(after).toBe(Number(before) + 1);
  });

  it('keeps business triggers out of tenant schemas (the engine writes its own history)', async () => {
    const triggers = await sql(
      `SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname LIKE 'tenant_%' AND NOT t.tgisinternal`,
    );
    expect(triggers).toEqual([]);
  });

  it('finds the first changed event when a superuser tampers with a sealed row', async () => {
    const [target] = await sql(
      `SELECT e.id::text AS id FROM tenant_acme.audit_events e JOIN tenant_acme.audit_seals s ON s.event_id = e.id ORDER BY s.seq OFFSET 4 LIMIT 1`,
    );
    await withServer(testApp.database.url, async (client) => {
      // The owner (a superuser here) may change anything: exactly what the chain is there to catch.
      await client.query(
        `UPDATE tenant_acme.audit_events SET after = '{"forged": true}' WHERE id = $1`,
        [target.id],
      );
    });
    const verification = await admin.get('/audit/verify');
    expect(verification.body).toMatchObject({
      intact: false,
      sealedEvents: 4,
      firstBroken: { eventId: target.id, seq: '5' },
    });
  });
});
