import { type ApiClient, DEMO_ROLES, type DemoRole, tokenFor } from '@dispatch/testing';
import { Fixtures } from './support/fixtures';
import {
  createMachineClient,
  deleteAllMachineClients,
  machineToken,
} from './support/machine-clients';
import { declaredRoutes } from './support/routes';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * DESIGN.md's "who may do what", route by route: anonymous callers get 401, roles that may not act
 * get 403, roles that may act get a 2xx. A route added to the API without a row here fails the
 * coverage test below, and one that declares no access rule fails the deny-by-default test.
 */
interface Context {
  fixtures: Fixtures;
  userId: string;
  dispatchId: string;
  siteId: string;
  typeId: string;
  equipmentId: string;
  driverId: string;
  ownDriverId: string;
  qualificationId: string;
  workOrderId: string;
  admin: ApiClient;
  apiClientId: string;
  webhookId: string;
  deliveryId: string;
}

interface RouteCase {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  route: string;
  allowed: readonly DemoRole[];
  path: (context: Context, role: DemoRole) => Promise<string> | string;
  body?: (context: Context, role: DemoRole) => unknown | Promise<unknown>;
}

const ALL = DEMO_ROLES;
const STAFF = ['admin', 'dispatcher', 'viewer'] as const;
const ADMIN = ['admin'] as const;
const OPERATORS = ['admin', 'dispatcher'] as const;

/** A subscription (to a receiver that is never there) and one test delivery of it. */
async function webhookWithDelivery(
  admin: ApiClient,
): Promise<{ webhookId: string; deliveryId: string }> {
  const webhook = await admin.post('/webhooks', {
    url: 'http://127.0.0.1:9/matrix',
    events: ['tenant.seeded'],
  });
  const test = await admin.post(`/webhooks/${webhook.body.id}/test`);
  return { webhookId: webhook.body.id, deliveryId: test.body.deliveryId };
}

const NEW_WEBHOOK = () => ({ url: 'http://127.0.0.1:9/matrix', events: ['site.created'] });

const CASES: RouteCase[] = [
  { method: 'GET', route: '/api/v1/sites', allowed: ALL, path: () => '/sites' },
  { method: 'GET', route: '/api/v1/sites/:id', allowed: ALL, path: (c) => `/sites/${c.siteId}` },
  {
    method: 'POST',
    route: '/api/v1/sites',
    allowed: ADMIN,
    path: () => '/sites',
    body: () => ({ name: `Site ${Math.random()}`, address: 'x', latitude: 1, longitude: 2 }),
  },
  {
    method: 'PATCH',
    route: '/api/v1/sites/:id',
    allowed: ADMIN,
    path: (c) => `/sites/${c.siteId}`,
    body: () => ({ address: '2 Other Street' }),
  },
  {
    method: 'DELETE',
    route: '/api/v1/sites/:id',
    allowed: ADMIN,
    path: async (c) => `/sites/${(await c.fixtures.site()).id}`,
  },

  { method: 'GET', route: '/api/v1/qualifications', allowed: STAFF, path: () => '/qualifications' },
  {
    method: 'GET',
    route: '/api/v1/qualifications/:id',
    allowed: STAFF,
    path: (c) => `/qualifications/${c.qualificationId}`,
  },
  {
    method: 'POST',
    route: '/api/v1/qualifications',
    allowed: ADMIN,
    path: () => '/qualifications',
    body: () => ({ code: `Q${Date.now()}${Math.floor(Math.random() * 1e6)}`, name: 'Q' }),
  },
  {
    method: 'PATCH',
    route: '/api/v1/qualifications/:id',
    allowed: ADMIN,
    path: (c) => `/qualifications/${c.qualificationId}`,
    body: () => ({ name: 'Renamed' }),
  },
  {
    method: 'DELETE',
    route: '/api/v1/qualifications/:id',
    allowed: ADMIN,
    path: async (c) => `/qualifications/${(await c.fixtures.qualification()).id}`,
  },

  {
    method: 'GET',
    route: '/api/v1/equipment-types',
    allowed: STAFF,
    path: () => '/equipment-types',
  },
  {
    method: 'GET',
    route: '/api/v1/equipment-types/:id',
    allowed: STAFF,
    path: (c) => `/equipment-types/${c.typeId}`,
  },
  {
    method: 'POST',
    route: '/api/v1/equipment-types',
    allowed: ADMIN,
    path: () => '/equipment-types',
    body: () => ({ code: `T${Date.now()}${Math.floor(Math.random() * 1e6)}`, name: 'T' }),
  },
  {
    method: 'PATCH',
    route: '/api/v1/equipment-types/:id',
    allowed: ADMIN,
    path: (c) => `/equipment-types/${c.typeId}`,
    body: () => ({ name: 'Renamed type' }),
  },
  {
    method: 'DELETE',
    route: '/api/v1/equipment-types/:id',
    allowed: ADMIN,
    path: async (c) => `/equipment-types/${(await c.fixtures.equipmentType()).id}`,
  },

  { method: 'GET', route: '/api/v1/equipment', allowed: STAFF, path: () => '/equipment' },
  {
    method: 'GET',
    route: '/api/v1/equipment/:id',
    allowed: STAFF,
    path: (c) => `/equipment/${c.equipmentId}`,
  },
  {
    method: 'POST',
    route: '/api/v1/equipment',
    allowed: ADMIN,
    path: () => '/equipment',
    body: (c) => ({
      code: `E${Date.now()}${Math.floor(Math.random() * 1e6)}`,
      name: 'E',
      equipmentTypeId: c.typeId,
    }),
  },
  {
    method: 'PATCH',
    route: '/api/v1/equipment/:id',
    allowed: OPERATORS,
    path: (c) => `/equipment/${c.equipmentId}`,
    body: () => ({ status: Math.random() < 0.5 ? 'maintenance' : 'available' }),
  },

  { method: 'GET', route: '/api/v1/drivers', allowed: STAFF, path: () => '/drivers' },
  { method: 'GET', route: '/api/v1/drivers/me', allowed: ['driver'], path: () => '/drivers/me' },
  {
    method: 'PATCH',
    route: '/api/v1/drivers/me',
    allowed: ['driver'],
    path: () => '/drivers/me',
    body: () => ({ dutyStatus: 'on_duty' }),
  },
  {
    method: 'GET',
    route: '/api/v1/drivers/:id',
    allowed: STAFF,
    path: (c) => `/drivers/${c.driverId}`,
  },
  {
    method: 'POST',
    route: '/api/v1/drivers',
    allowed: ADMIN,
    path: () => '/drivers',
    body: () => ({ name: 'New driver', qualifications: [] }),
  },
  {
    method: 'PATCH',
    route: '/api/v1/drivers/:id',
    allowed: ['admin', 'dispatcher', 'driver'],
    // Drivers may set their own duty only, so each role acts on the demo driver's own record.
    path: (c) => `/drivers/${c.ownDriverId}`,
    body: () => ({ dutyStatus: 'on_duty' }),
  },
  {
    method: 'DELETE',
    route: '/api/v1/drivers/:id',
    allowed: ADMIN,
    path: async (c) => `/drivers/${(await c.fixtures.driver()).id}`,
  },

  { method: 'GET', route: '/api/v1/work-orders', allowed: ALL, path: () => '/work-orders' },
  {
    method: 'GET',
    route: '/api/v1/work-orders/:id',
    allowed: STAFF,
    // A driver may read only work orders it is dispatched on: this one is not, so 404 stands in for 2xx (checked separately).
    path: (c) => `/work-orders/${c.workOrderId}`,
  },
  {
    method: 'POST',
    route: '/api/v1/work-orders',
    allowed: OPERATORS,
    path: () => '/work-orders',
    body: (c) => ({
      title: 'Matrix',
      siteId: c.siteId,
      equipmentTypeId: c.typeId,
      priority: 'low',
    }),
  },
  {
    method: 'PATCH',
    route: '/api/v1/work-orders/:id',
    allowed: OPERATORS,
    path: (c) => `/work-orders/${c.workOrderId}`,
    body: () => ({ notes: 'Updated' }),
  },
  {
    method: 'PUT',
    route: '/api/v1/work-orders/by-external-ref/:externalRef',
    allowed: OPERATORS,
    path: () => `/work-orders/by-external-ref/MATRIX-${Math.random().toString(36).slice(2, 10)}`,
    body: (c) => ({
      title: 'Matrix upsert',
      siteId: c.siteId,
      equipmentTypeId: c.typeId,
      priority: 'low',
    }),
  },
  {
    method: 'POST',
    route: '/api/v1/work-orders/:id/cancel',
    allowed: OPERATORS,
    path: async (c) => `/work-orders/${(await c.fixtures.workOrder(c.siteId, c.typeId)).id}/cancel`,
  },
  {
    method: 'GET',
    route: '/api/v1/work-orders/:id/timeline',
    allowed: STAFF,
    path: (c) => `/work-orders/${c.workOrderId}/timeline`,
  },

  { method: 'GET', route: '/api/v1/audit', allowed: ['admin', 'viewer'], path: () => '/audit' },
  {
    method: 'GET',
    route: '/api/v1/audit/verify',
    allowed: ['admin', 'viewer'],
    path: () => '/audit/verify',
  },

  {
    method: 'GET',
    route: '/api/v1/audit/export',
    allowed: ['admin', 'viewer'],
    path: () => '/audit/export?action=site.created',
  },

  { method: 'GET', route: '/api/v1/queue', allowed: STAFF, path: () => '/queue' },

  ...(['utilization', 'completion', 'queue', 'drivers'] as const).map((report) => ({
    method: 'GET' as const,
    route: `/api/v1/reports/${report}`,
    allowed: STAFF,
    path: () => `/reports/${report}?from=2026-01-01&to=2026-01-31&tz=Europe/Berlin`,
  })),

  { method: 'GET', route: '/api/v1/users', allowed: ADMIN, path: () => '/users' },
  {
    method: 'POST',
    route: '/api/v1/users',
    allowed: ADMIN,
    path: () => '/users',
    body: () => {
      const tag = Math.random().toString(36).slice(2, 10);
      return {
        username: `acme-m${tag}`,
        email: `m${tag}@acme.example`,
        firstName: 'Matrix',
        lastName: 'User',
        role: 'viewer',
        password: 'matrix-pass-1',
      };
    },
  },
  {
    method: 'PATCH',
    route: '/api/v1/users/:id',
    allowed: ADMIN,
    path: (c) => `/users/${c.userId}`,
    body: () => ({ enabled: true }),
  },
  {
    method: 'POST',
    route: '/api/v1/users/:id/reset-password',
    allowed: ADMIN,
    path: (c) => `/users/${c.userId}/reset-password`,
    body: () => ({ password: 'matrix-pass-2' }),
  },
  { method: 'GET', route: '/api/v1/api-clients', allowed: ADMIN, path: () => '/api-clients' },
  {
    method: 'POST',
    route: '/api/v1/api-clients',
    allowed: ADMIN,
    path: () => '/api-clients',
    body: () => ({ name: `Matrix ERP ${Math.random().toString(36).slice(2, 10)}`, role: 'viewer' }),
  },
  {
    method: 'POST',
    route: '/api/v1/api-clients/:id/rotate-secret',
    allowed: ADMIN,
    path: (c) => `/api-clients/${c.apiClientId}/rotate-secret`,
  },
  {
    method: 'DELETE',
    route: '/api/v1/api-clients/:id',
    allowed: ADMIN,
    path: async (c) => `/api-clients/${(await createMachineClient(c.admin, 'viewer')).id}`,
  },
  { method: 'GET', route: '/api/v1/webhooks', allowed: ADMIN, path: () => '/webhooks' },
  {
    method: 'POST',
    route: '/api/v1/webhooks',
    allowed: ADMIN,
    path: () => '/webhooks',
    body: NEW_WEBHOOK,
  },
  {
    method: 'GET',
    route: '/api/v1/webhooks/:id',
    allowed: ADMIN,
    path: (c) => `/webhooks/${c.webhookId}`,
  },
  {
    method: 'PATCH',
    route: '/api/v1/webhooks/:id',
    allowed: ADMIN,
    path: (c) => `/webhooks/${c.webhookId}`,
    body: () => ({ description: 'Matrix' }),
  },
  {
    method: 'DELETE',
    route: '/api/v1/webhooks/:id',
    allowed: ADMIN,
    path: async (c) => `/webhooks/${(await c.admin.post('/webhooks', NEW_WEBHOOK())).body.id}`,
  },
  {
    method: 'POST',
    route: '/api/v1/webhooks/:id/rotate-secret',
    allowed: ADMIN,
    path: (c) => `/webhooks/${c.webhookId}/rotate-secret`,
  },
  {
    method: 'POST',
    route: '/api/v1/webhooks/:id/test',
    allowed: ADMIN,
    path: (c) => `/webhooks/${c.webhookId}/test`,
  },
  {
    method: 'GET',
    route: '/api/v1/webhooks/:id/deliveries',
    allowed: ADMIN,
    path: (c) => `/webhooks/${c.webhookId}/deliveries`,
  },
  {
    method: 'GET',
    route: '/api/v1/webhooks/:id/deliveries/:deliveryId',
    allowed: ADMIN,
    path: (c) => `/webhooks/${c.webhookId}/deliveries/${c.deliveryId}`,
  },
  {
    method: 'POST',
    route: '/api/v1/webhooks/:id/deliveries/:deliveryId/redeliver',
    allowed: ADMIN,
    path: (c) => `/webhooks/${c.webhookId}/deliveries/${c.deliveryId}/redeliver`,
  },
  {
    method: 'GET',
    route: '/api/v1/dispatches',
    allowed: ALL,
    path: () => '/dispatches?status=open',
  },
  {
    method: 'GET',
    route: '/api/v1/dispatches/candidates',
    allowed: OPERATORS,
    path: (c) => `/dispatches/candidates?workOrderId=${c.workOrderId}`,
  },
  {
    method: 'GET',
    route: '/api/v1/dispatches/:id',
    allowed: STAFF,
    // Not the demo driver's dispatch: a driver gets 404 (checked separately).
    path: (c) => `/dispatches/${c.dispatchId}`,
  },
  {
    method: 'POST',
    route: '/api/v1/dispatches',
    allowed: OPERATORS,
    path: () => '/dispatches',
    body: async (c) => {
      const type = await c.fixtures.equipmentType();
      const unit = await c.fixtures.equipment(type.id);
      const driver = await c.fixtures.driver({ dutyStatus: 'on_duty' });
      const order = await c.fixtures.scheduledWorkOrder(c.siteId, type.id);
      return { workOrderId: order.id, equipmentId: unit.id, driverId: driver.id };
    },
  },
  {
    method: 'POST',
    route: '/api/v1/dispatches/:id/transitions',
    allowed: ['admin', 'dispatcher', 'driver'],
    // Drivers move their own dispatches only: the driver acts on one of the demo driver's.
    path: async (c, role) =>
      `/dispatches/${(await c.fixtures.manualDispatch(role === 'driver' ? c.ownDriverId : undefined)).id}/transitions`,
    body: () => ({ to: 'acknowledged' }),
  },
  {
    method: 'POST',
    route: '/api/v1/dispatches/:id/reassign',
    allowed: OPERATORS,
    path: async (c) => `/dispatches/${(await c.fixtures.manualDispatch()).id}/reassign`,
    body: async (c) => ({ driverId: (await c.fixtures.driver({ dutyStatus: 'on_duty' })).id }),
  },
];

/** Roles an API client (a machine) may hold: its token must be answered like a person's of that role. */
const MACHINE_ROLES = ['dispatcher', 'viewer'] as const;

const PUBLIC_ROUTES = ['GET /health/live', 'GET /health/ready', 'GET /metrics'];
/** Streams never end, so their role rules are checked in live-events.spec.ts. */
const STREAMING_ROUTES = ['GET /api/v1/events'];

describe('role matrix over HTTP with real Keycloak tokens', () => {
  let testApp: TestApp;
  let context: Context;
  const clients = {} as Record<DemoRole, ApiClient>;
  const machines = {} as Record<(typeof MACHINE_ROLES)[number], ApiClient>;

  beforeAll(async () => {
    testApp = await startTestApp();
    for (const role of DEMO_ROLES) clients[role] = testApp.api.as(await tokenFor('acme', role));
    const fixtures = new Fixtures(clients.admin);
    const qualification = await fixtures.qualification();
    const type = await fixtures.equipmentType([qualification.id]);
    const site = await fixtures.site();
    const ownDriver = await fixtures.driver({ username: 'acme-driver', dutyStatus: 'on_duty' });
    context = {
      fixtures,
      dispatchId: (await fixtures.manualDispatch()).id,
      userId: (
        await clients.admin.post('/users', {
          username: `acme-matrix-${Date.now()}`,
          email: `matrix-${Date.now()}@acme.example`,
          firstName: 'Matrix',
          lastName: 'Target',
          role: 'viewer',
          password: 'matrix-pass-0',
        })
      ).body.id as string,
      siteId: site.id,
      typeId: type.id,
      equipmentId: (await fixtures.equipment(type.id)).id,
      driverId: (await fixtures.driver()).id,
      ownDriverId: ownDriver.id,
      qualificationId: qualification.id,
      workOrderId: (await fixtures.workOrder(site.id, type.id)).id,
      admin: clients.admin,
      apiClientId: (await createMachineClient(clients.admin, 'viewer')).id,
      ...(await webhookWithDelivery(clients.admin)),
    };
    for (const role of MACHINE_ROLES)
      machines[role] = testApp.api.as(
        await machineToken(await createMachineClient(clients.admin, role)),
      );
  });

  afterAll(async () => {
    if (clients.admin) await deleteAllMachineClients(clients.admin);
    await testApp?.close();
  });

  it('declares an access rule on every route (deny by default)', () => {
    const undeclared = declaredRoutes(testApp.app).filter((route) => route.access === undefined);
    expect(undeclared).toEqual([]);
  });

  it('covers every route of the API in this matrix', () => {
    const declared = declaredRoutes(testApp.app)
      .map((route) => `${route.method} ${route.path}`)
      .sort();
    const covered = CASES.map((entry) => `${entry.method} ${entry.route}`)
      .concat(PUBLIC_ROUTES, STREAMING_ROUTES)
      .sort();
    expect(declared).toEqual(covered);
  });

  describe.each(CASES)('$method $route', (entry) => {
    it('refuses an anonymous caller with 401 problem+json', async () => {
      const response = await testApp.api.request(
        entry.method,
        await entry.path(context, 'admin'),
        await entry.body?.(context, 'admin'),
      );
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    });

    it.each(DEMO_ROLES)('answers %s as the role matrix says', async (role) => {
      const response = await clients[role].request(
        entry.method,
        await entry.path(context, role),
        await entry.body?.(context, role),
      );
      expectAnswer(entry, role, response);
    });

    it.each(MACHINE_ROLES)(
      'answers an API client of role %s as a person of that role',
      async (role) => {
        const response = await machines[role].request(
          entry.method,
          await entry.path(context, role),
          await entry.body?.(context, role),
        );
        expectAnswer(entry, role, response);
      },
    );
  });

  function expectAnswer(
    entry: RouteCase,
    role: DemoRole,
    response: { status: number; body: unknown; headers: Headers },
  ): void {
    if (entry.allowed.includes(role)) {
      const outcome =
        response.status >= 200 && response.status < 300
          ? 'success'
          : `${response.status} ${JSON.stringify(response.body)}`;
      expect(outcome).toBe('success');
    } else if (
      entry.method === 'GET' &&
      ['/api/v1/work-orders/:id', '/api/v1/dispatches/:id'].includes(entry.route) &&
      role === 'driver'
    ) {
      expect(response.status).toBe(404);
    } else {
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  }

  it('lets a driver change only its own duty status', async () => {
    const other = await clients.driver.patch(`/drivers/${context.driverId}`, {
      dutyStatus: 'on_duty',
    });
    expect(other.status).toBe(403);
    const ownName = await clients.driver.patch(`/drivers/${context.ownDriverId}`, {
      name: 'Renamed by myself',
    });
    expect(ownName.status).toBe(403);
  });

  it('lets a dispatcher move equipment into maintenance but not retire or rename it', async () => {
    expect(
      (await clients.dispatcher.patch(`/equipment/${context.equipmentId}`, { status: 'retired' }))
        .status,
    ).toBe(403);
    expect(
      (await clients.dispatcher.patch(`/equipment/${context.equipmentId}`, { name: 'Renamed' }))
        .status,
    ).toBe(403);
    expect(
      (
        await clients.dispatcher.patch(`/equipment/${context.equipmentId}`, {
          status: 'maintenance',
        })
      ).body.status,
    ).toBe('maintenance');
  });
});
