import {
  type ApiClient,
  clientCredentials,
  jwtPayload,
  KeycloakAdmin,
  tokenFor,
} from '@dispatch/testing';
import {
  MACHINE_CLIENT_CHECK_MILLISECONDS,
  MachineClients,
} from '../src/core/auth/machine-clients.service';
import { Fixtures } from './support/fixtures';
import {
  createMachineClient,
  type CreatedMachineClient,
  deleteAllMachineClients,
  machineToken,
} from './support/machine-clients';
import { startTestApp, type TestApp } from './support/test-app';

const PROBLEM = 'application/problem+json';

/**
 * Machine clients per tenant (ERP systems), end to end: created by an admin through the API, real
 * Keycloak confidential clients getting real tokens with the client-credentials grant, used against
 * the real API on real PostgreSQL, rotated and deleted.
 */
describe('API clients (machine clients per tenant)', () => {
  let testApp: TestApp;
  let acmeAdmin: ApiClient;
  let globexAdmin: ApiClient;
  let acmeFixtures: Fixtures;
  let keycloak: KeycloakAdmin;

  beforeAll(async () => {
    testApp = await startTestApp();
    acmeAdmin = testApp.api.as(await tokenFor('acme', 'admin'));
    globexAdmin = testApp.api.as(await tokenFor('globex', 'admin'));
    acmeFixtures = new Fixtures(acmeAdmin);
    keycloak = await KeycloakAdmin.connect();
  });

  afterAll(async () => {
    if (testApp) {
      // The Keycloak clients outlive this test's database: remove them.
      await deleteAllMachineClients(acmeAdmin);
      await deleteAllMachineClients(globexAdmin);
      await testApp.close();
    }
  });

  it('creates a dispatcher client whose client-credentials token acts in acme as a dispatcher, named in the audit', async () => {
    const created = await acmeAdmin.post('/api-clients', {
      name: 'SAP production',
      role: 'dispatcher',
      description: 'Creates work orders from maintenance notifications',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      clientId: expect.stringMatching(/^acme-sap-production-[0-9a-f]{8}$/),
      clientSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      name: 'SAP production',
      description: 'Creates work orders from maintenance notifications',
      role: 'dispatcher',
      createdAt: expect.any(String),
      createdBy: { subject: jwtPayload(await tokenFor('acme', 'admin')).sub, name: 'acme-admin' },
      secretRotatedAt: null,
    });
    const client = created.body as CreatedMachineClient;

    // In Keycloak: a confidential client for the client-credentials grant only.
    const [representation] = (await (
      await keycloak.request('GET', `/clients?clientId=${encodeURIComponent(client.clientId)}`)
    ).json()) as Record<string, unknown>[];
    expect(representation).toMatchObject({
      clientId: client.clientId,
      publicClient: false,
      serviceAccountsEnabled: true,
      standardFlowEnabled: false,
      implicitFlowEnabled: false,
      directAccessGrantsEnabled: false,
    });

    const token = await machineToken(client);
    const claims = jwtPayload(token);
    expect(claims).toMatchObject({
      tenant: 'acme',
      azp: client.clientId,
      preferred_username: `service-account-${client.clientId}`,
      realm_access: { roles: ['dispatcher'] },
    });
    expect([claims.aud].flat()).toContain('dispatch-api');

    const machine = testApp.api.as(token);
    const site = await acmeFixtures.site();
    const type = await acmeFixtures.equipmentType();
    const order = await machine.post('/work-orders', {
      title: 'Pump inspection from SAP',
      siteId: site.id,
      equipmentTypeId: type.id,
      priority: 'urgent',
    });
    expect({ status: order.status, body: order.body }).toMatchObject({ status: 201 });
    expect((await machine.get(`/work-orders/${order.body.id}`)).status).toBe(200);

    const timeline = await acmeAdmin.get(`/work-orders/${order.body.id}/timeline`);
    expect(timeline.status).toBe(200);
    const createdEvent = (timeline.body as Record<string, unknown>[]).find(
      (event) => event.action === 'work_order.created',
    );
    expect(createdEvent).toMatchObject({
      actorKind: 'machine',
      actorName: 'SAP production',
      actorSubject: claims.sub,
      actorRole: 'dispatcher',
      event: { actor: { kind: 'machine', name: 'SAP production', role: 'dispatcher' } },
    });

    // The creation itself is audited, without the secret.
    const audit = await acmeAdmin.get('/audit?action=api_client.created');
    const entry = (audit.body.items as Record<string, unknown>[]).find(
      (item) => item.entityId === client.id,
    );
    expect(entry).toMatchObject({
      actorName: 'acme-admin',
      actorKind: 'person',
      event: {
        payload: {
          apiClient: {
            id: client.id,
            clientId: client.clientId,
            name: 'SAP production',
            role: 'dispatcher',
          },
        },
      },
    });
    expect(JSON.stringify(audit.body)).not.toContain(client.clientSecret);
  });

  it('keeps a machine client inside its organization: another tenant’s records do not exist for it', async () => {
    const client = await createMachineClient(acmeAdmin, 'dispatcher');
    const machine = testApp.api.as(await machineToken(client));
    const globex = new Fixtures(globexAdmin);
    const globexSite = await globex.site();
    const globexType = await globex.equipmentType();
    const globexOrder = await globex.workOrder(globexSite.id, globexType.id);

    expect((await machine.get(`/sites/${globexSite.id}`)).status).toBe(404);
    expect((await machine.get(`/work-orders/${globexOrder.id}`)).status).toBe(404);
    expect(
      (await machine.patch(`/work-orders/${globexOrder.id}`, { notes: 'hijacked' })).status,
    ).toBe(404);
    expect((await machine.post(`/work-orders/${globexOrder.id}/cancel`)).status).toBe(404);
    const sites = await machine.get('/sites?limit=200');
    expect(sites.status).toBe(200);
    expect(sites.body.items.some((site: { id: string }) => site.id === globexSite.id)).toBe(false);
    // Its own admin's routes are out of its reach too.
    expect((await machine.get('/api-clients')).status).toBe(403);
    expect((await machine.get('/users')).status).toBe(403);
  });

  it('lets a viewer client read but refuses its writes with 403', async () => {
    const client = await createMachineClient(acmeAdmin, 'viewer');
    const token = await machineToken(client);
    expect(jwtPayload(token)).toMatchObject({ realm_access: { roles: ['viewer'] } });
    const machine = testApp.api.as(token);
    const site = await acmeFixtures.site();
    const type = await acmeFixtures.equipmentType();
    expect((await machine.get('/work-orders')).status).toBe(200);
    expect((await machine.get('/queue')).status).toBe(200);
    const write = await machine.post('/work-orders', {
      title: 'Not allowed',
      siteId: site.id,
      equipmentTypeId: type.id,
      priority: 'low',
    });
    expect(write.status).toBe(403);
    expect(write.headers.get('content-type')).toContain(PROBLEM);
    expect(
      (await machine.post('/sites', { name: 'x', address: 'y', latitude: 1, longitude: 1 })).status,
    ).toBe(403);
  });

  it('refuses a machine token whose roles differ from its registered role (granted in Keycloak behind the API’s back)', async () => {
    const client = await createMachineClient(acmeAdmin, 'dispatcher');
    const [representation] = (await (
      await keycloak.request('GET', `/clients?clientId=${encodeURIComponent(client.clientId)}`)
    ).json()) as { id: string }[];
    const account = (await (
      await keycloak.request('GET', `/clients/${representation.id}/service-account-user`)
    ).json()) as { id: string };
    const admin = await (await keycloak.request('GET', '/roles/admin')).json();
    await keycloak.request('POST', `/users/${account.id}/role-mappings/realm`, [admin]);

    const token = await machineToken(client);
    expect(jwtPayload(token)).toMatchObject({
      realm_access: { roles: expect.arrayContaining(['admin', 'dispatcher']) },
    });
    for (const path of ['/api-clients', '/users', '/work-orders']) {
      const response = await testApp.api.as(token).get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 403 });
      expect(response.headers.get('content-type')).toContain(PROBLEM);
    }
  });

  it('lets only admins manage API clients', async () => {
    const target = await createMachineClient(acmeAdmin, 'viewer');
    for (const role of ['dispatcher', 'viewer', 'driver'] as const) {
      const person = testApp.api.as(await tokenFor('acme', role));
      for (const [method, path, body] of [
        ['GET', '/api-clients', undefined],
        ['POST', '/api-clients', { name: `By ${role}`, role: 'viewer' }],
        ['POST', `/api-clients/${target.id}/rotate-secret`, undefined],
        ['DELETE', `/api-clients/${target.id}`, undefined],
      ] as const) {
        const response = await person.request(method, path, body);
        expect({ role, method, path, status: response.status }).toEqual({
          role,
          method,
          path,
          status: 403,
        });
        expect(response.headers.get('content-type')).toContain(PROBLEM);
      }
    }
    expect((await testApp.api.get('/api-clients')).status).toBe(401);
    // Nothing happened to the target.
    expect((await clientCredentials(target.clientId, target.clientSecret)).status).toBe(200);
  });

  it('lists only the organization’s own clients and never a secret', async () => {
    const acmeClient = await createMachineClient(acmeAdmin, 'viewer');
    const globexClient = await createMachineClient(globexAdmin, 'dispatcher');
    expect(globexClient.clientId).toMatch(/^globex-/);

    const list = await acmeAdmin.get('/api-clients');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: expect.any(Number), limit: 50, offset: 0 });
    const clientIds = (list.body.items as { clientId: string }[]).map((item) => item.clientId);
    expect(clientIds).toContain(acmeClient.clientId);
    expect(clientIds.every((clientId) => clientId.startsWith('acme-'))).toBe(true);
    expect(clientIds).not.toContain(globexClient.clientId);
    for (const item of list.body.items as Record<string, unknown>[]) {
      expect(item).not.toHaveProperty('clientSecret');
      expect(item).not.toHaveProperty('secret');
    }
    expect(JSON.stringify(list.body)).not.toContain(acmeClient.clientSecret);

    // Another organization's client does not exist here.
    expect((await acmeAdmin.delete(`/api-clients/${globexClient.id}`)).status).toBe(404);
    expect((await acmeAdmin.post(`/api-clients/${globexClient.id}/rotate-secret`)).status).toBe(
      404,
    );
    expect((await clientCredentials(globexClient.clientId, globexClient.clientSecret)).status).toBe(
      200,
    );
  });

  it('rotates the secret: the old one stops getting tokens, the new one works', async () => {
    const client = await createMachineClient(acmeAdmin, 'dispatcher');
    expect((await clientCredentials(client.clientId, client.clientSecret)).status).toBe(200);

    const rotated = await acmeAdmin.post(`/api-clients/${client.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({
      id: client.id,
      clientId: client.clientId,
      clientSecret: expect.any(String),
      secretRotatedAt: expect.any(String),
    });
    expect(rotated.body.clientSecret).not.toBe(client.clientSecret);

    const old = await clientCredentials(client.clientId, client.clientSecret);
    expect(old.status).toBe(401);
    const fresh = await machineToken({
      clientId: client.clientId,
      clientSecret: rotated.body.clientSecret,
    });
    expect((await testApp.api.as(fresh).get('/work-orders')).status).toBe(200);

    const listed = (await acmeAdmin.get('/api-clients?limit=200')).body.items.find(
      (item: { id: string }) => item.id === client.id,
    );
    expect(listed).toMatchObject({ secretRotatedAt: rotated.body.secretRotatedAt });
    expect(listed).not.toHaveProperty('clientSecret');
    const audit = await acmeAdmin.get('/audit?action=api_client.secret_rotated');
    expect(audit.body.items[0]).toMatchObject({
      entityId: client.id,
      event: { payload: { apiClient: { clientId: client.clientId } } },
    });
    expect(JSON.stringify(audit.body)).not.toContain(rotated.body.clientSecret);
  });

  it('deletes a client: Keycloak refuses new tokens and the API refuses issued ones (401) at once', async () => {
    const client = await createMachineClient(acmeAdmin, 'dispatcher');
    const issued = testApp.api.as(await machineToken(client));
    expect((await issued.get('/work-orders')).status).toBe(200);

    expect((await acmeAdmin.delete(`/api-clients/${client.id}`)).status).toBe(204);

    const refused = await clientCredentials(client.clientId, client.clientSecret);
    expect(refused.status).toBe(401);
    const answer = await issued.get('/work-orders');
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toContain(PROBLEM);
    expect(answer.body.detail).toMatch(/deleted/);
    // 401 before any 403: a route its role never allowed answers the same.
    expect((await issued.get('/api-clients')).status).toBe(401);

    const list = await acmeAdmin.get('/api-clients?limit=200');
    expect(list.body.items.some((item: { id: string }) => item.id === client.id)).toBe(false);
    const audit = await acmeAdmin.get('/audit?action=api_client.deleted');
    expect(audit.body.items[0]).toMatchObject({
      entityId: client.id,
      actorName: 'acme-admin',
      event: {
        payload: { apiClient: { id: client.id, clientId: client.clientId, role: 'dispatcher' } },
      },
    });
    expect((await acmeAdmin.delete(`/api-clients/${client.id}`)).status).toBe(404);
  });

  it('refuses a deleted client’s issued token on every instance within the check interval', async () => {
    const other = await startTestApp({ database: testApp.database });
    try {
      const client = await createMachineClient(acmeAdmin, 'viewer');
      const token = await machineToken(client);
      // The other instance has read (and cached) the client as registered.
      expect((await other.api.as(token).get('/sites')).status).toBe(200);

      expect((await acmeAdmin.delete(`/api-clients/${client.id}`)).status).toBe(204);
      const deletedAt = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - deletedAt < MACHINE_CLIENT_CHECK_MILLISECONDS + 3_000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        status = (await other.api.as(token).get('/sites')).status;
      }
      const elapsed = Date.now() - deletedAt;
      expect(status).toBe(401);
      expect(elapsed).toBeLessThanOrEqual(MACHINE_CLIENT_CHECK_MILLISECONDS + 1_000);
    } finally {
      await other.close();
    }
  });

  it('reads the registry for machine tokens only, at most once per client and interval', async () => {
    const machines = testApp.app.get(MachineClients);
    const dispatcher = testApp.api.as(await tokenFor('acme', 'dispatcher'));
    const before = machines.reads;
    for (let i = 0; i < 20; i += 1) expect((await dispatcher.get('/sites')).status).toBe(200);
    expect(machines.reads).toBe(before);

    const client = await createMachineClient(acmeAdmin, 'viewer');
    const machine = testApp.api.as(await machineToken(client));
    const started = Date.now();
    const first = machines.reads;
    const answers = await Promise.all(Array.from({ length: 20 }, () => machine.get('/sites')));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    const intervals = Math.ceil((Date.now() - started) / MACHINE_CLIENT_CHECK_MILLISECONDS);
    expect(machines.reads - first).toBeGreaterThanOrEqual(1);
    expect(machines.reads - first).toBeLessThanOrEqual(intervals);
  });

  it('answers bad input with 400 problem+json naming the field, and unknown ids with 404', async () => {
    for (const [body, field] of [
      [{ name: 'ERP', role: 'admin' }, 'role'],
      [{ name: 'ERP', role: 'driver' }, 'role'],
      [{ name: 'ERP' }, 'role'],
      [{ name: '', role: 'viewer' }, 'name'],
      [{ name: '   ', role: 'viewer' }, 'name'],
      [{ name: 'x'.repeat(101), role: 'viewer' }, 'name'],
      [{ role: 'viewer' }, 'name'],
      [{ name: 'ERP', role: 'viewer', clientSecret: 'mine' }, 'clientSecret'],
      [{ name: 'ERP', role: 'viewer', tenant: 'globex' }, 'tenant'],
    ] as const) {
      const response = await acmeAdmin.post('/api-clients', body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.headers.get('content-type')).toContain(PROBLEM);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    }
    const unknown = '00000000-0000-4000-8000-000000000000';
    const missing = await acmeAdmin.delete(`/api-clients/${unknown}`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain(PROBLEM);
    expect((await acmeAdmin.post(`/api-clients/${unknown}/rotate-secret`)).status).toBe(404);
    expect((await acmeAdmin.delete('/api-clients/not-a-uuid')).status).toBe(400);

    const taken = await createMachineClient(acmeAdmin, 'viewer');
    const duplicate = await acmeAdmin.post('/api-clients', {
      name: taken.name.toUpperCase(),
      role: 'dispatcher',
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.errors).toEqual([{ field: 'name', message: 'is already taken' }]);
  });
});
