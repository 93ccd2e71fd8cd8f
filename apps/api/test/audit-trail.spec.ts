import { type ApiClient, queryDatabase, tokenFor, withServer } from '@dispatch/testing';
import { AuditChain } from '../src/modules/audit/audit-chain.service';
import { DISPATCH_STEPS, Scenario } from './support/scenario';
import { startTestApp, type TestApp } from './support/test-app';

/** The audit trail is append-only in PostgreSQL itself, and each tenant's events form a verifiable hash chain. */
describe('audit trail: append-only and tamper-evident', () => {
  let testApp: TestApp;
  let admin: ApiClient;
  let viewer: ApiClient;

  beforeAll(async () => {
    testApp = await startTestApp();
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
    // New events join the chain on the next sweep; the chain still verifies.
    await admin.post('/qualifications', { code: 'LATE-1', name: 'Late' });
    expect((await viewer.get('/audit/verify')).body.pendingEvents).toBeGreaterThanOrEqual(1);
    await testApp.app.get(AuditChain).sealAll();
    expect((await viewer.get('/audit/verify')).body).toMatchObject({
      intact: true,
      pendingEvents: 0,
    });
  });

  it('refuses updates, deletes and truncation of audit events and seals in the database itself', async () => {
    for (const statement of [
      `UPDATE tenant_acme.audit_events SET action = 'forged' WHERE id = (SELECT min(id) FROM tenant_acme.audit_events)`,
      `DELETE FROM tenant_acme.audit_events WHERE id = (SELECT max(id) FROM tenant_acme.audit_events)`,
      `TRUNCATE tenant_acme.audit_events CASCADE`,
      `UPDATE tenant_acme.audit_seals SET hash = repeat('0', 64) WHERE seq = 1`,
      `DELETE FROM tenant_acme.audit_seals WHERE seq = 1`,
    ]) {
      await expect(sql(statement)).rejects.toThrow(/append-only/);
    }
  });

  it('finds the first changed event when someone tampers with a row behind the triggers’ back', async () => {
    const [target] = await sql(
      `SELECT e.id::text AS id FROM tenant_acme.audit_events e JOIN tenant_acme.audit_seals s ON s.event_id = e.id ORDER BY s.seq OFFSET 4 LIMIT 1`,
    );
    await withServer(testApp.database.url, async (client) => {
      // A superuser can switch triggers off for a session: exactly what the chain is there to catch.
      await client.query(`SET session_replication_role = replica`);
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
