import { type ApiClient, tokenFor } from '@dispatch/testing';
import { Fixtures } from './support/fixtures';
import { rowCounts } from './support/snapshot';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Every write route, fed garbage: missing fields, wrong types, unknown fields, huge strings,
 * invalid ids and enum values. Each answer is a 400 problem+json naming the field, and nothing is
 * written (every table of the tenant, audit trail included, keeps its row count).
 */
interface WriteRoute {
  name: string;
  method: 'POST' | 'PUT' | 'PATCH';
  path: (ids: Ids) => string;
  valid: (ids: Ids) => Record<string, unknown>;
  required: string[];
  uuids?: string[];
  enums?: string[];
}

interface Ids {
  site: string;
  qualification: string;
  type: string;
  equipment: string;
  driver: string;
  workOrder: string;
}

const ROUTES: WriteRoute[] = [
  {
    name: 'create site',
    method: 'POST',
    path: () => '/sites',
    valid: () => ({ name: 'New site', address: '1 Road', latitude: 10, longitude: 20 }),
    required: ['name', 'address', 'latitude', 'longitude'],
  },
  {
    name: 'edit site',
    method: 'PATCH',
    path: (ids) => `/sites/${ids.site}`,
    valid: () => ({ name: 'Renamed site', latitude: 11 }),
    required: [],
  },
  {
    name: 'create qualification',
    method: 'POST',
    path: () => '/qualifications',
    valid: () => ({ code: 'NEW-Q', name: 'New' }),
    required: ['code', 'name'],
  },
  {
    name: 'edit qualification',
    method: 'PATCH',
    path: (ids) => `/qualifications/${ids.qualification}`,
    valid: () => ({ name: 'Renamed' }),
    required: [],
  },
  {
    name: 'create equipment type',
    method: 'POST',
    path: () => '/equipment-types',
    valid: (ids) => ({
      code: 'new-type',
      name: 'New type',
      requiredQualificationIds: [ids.qualification],
    }),
    required: ['code', 'name'],
    uuids: ['requiredQualificationIds'],
  },
  {
    name: 'edit equipment type',
    method: 'PATCH',
    path: (ids) => `/equipment-types/${ids.type}`,
    valid: (ids) => ({ requiredQualificationIds: [ids.qualification] }),
    required: [],
    uuids: ['requiredQualificationIds'],
  },
  {
    name: 'create equipment',
    method: 'POST',
    path: () => '/equipment',
    valid: (ids) => ({
      code: 'NEW-EQ',
      name: 'New unit',
      equipmentTypeId: ids.type,
      latitude: 1,
      longitude: 2,
    }),
    required: ['code', 'name', 'equipmentTypeId'],
    uuids: ['equipmentTypeId'],
  },
  {
    name: 'edit equipment',
    method: 'PATCH',
    path: (ids) => `/equipment/${ids.equipment}`,
    valid: () => ({ status: 'maintenance', name: 'Renamed' }),
    required: [],
    enums: ['status'],
  },
  {
    name: 'create driver',
    method: 'POST',
    path: () => '/drivers',
    valid: (ids) => ({
      name: 'New driver',
      email: 'new@acme.example',
      dutyStatus: 'on_duty',
      qualifications: [{ qualificationId: ids.qualification, expiresAt: '2030-01-31' }],
    }),
    required: ['name', 'qualifications'],
    enums: ['dutyStatus'],
  },
  {
    name: 'edit driver',
    method: 'PATCH',
    path: (ids) => `/drivers/${ids.driver}`,
    valid: () => ({ dutyStatus: 'off_duty', phone: '+1 555' }),
    required: [],
    enums: ['dutyStatus'],
  },
  {
    name: 'create work order',
    method: 'POST',
    path: () => '/work-orders',
    valid: (ids) => ({
      title: 'New work',
      siteId: ids.site,
      equipmentTypeId: ids.type,
      priority: 'urgent',
      requiredQualificationIds: [ids.qualification],
      window: { start: '2026-12-01T08:00:00+01:00', end: '2026-12-01T12:00:00+01:00' },
      notes: 'Gate 3',
      externalRef: 'ERP-1',
    }),
    required: ['title', 'siteId', 'equipmentTypeId', 'priority'],
    uuids: ['siteId', 'equipmentTypeId', 'requiredQualificationIds'],
    enums: ['priority'],
  },
  {
    name: 'upsert work order by externalRef',
    method: 'PUT',
    path: () => '/work-orders/by-external-ref/ERP-PUT-1',
    valid: (ids) => ({
      title: 'Upserted work',
      siteId: ids.site,
      equipmentTypeId: ids.type,
      priority: 'standard',
      requiredQualificationIds: [ids.qualification],
      window: { start: '2026-12-01T08:00:00+01:00', end: '2026-12-01T12:00:00+01:00' },
      notes: 'Gate 4',
    }),
    required: ['title', 'siteId', 'equipmentTypeId', 'priority'],
    uuids: ['siteId', 'equipmentTypeId', 'requiredQualificationIds'],
    enums: ['priority'],
  },
  {
    name: 'edit work order',
    method: 'PATCH',
    path: (ids) => `/work-orders/${ids.workOrder}`,
    valid: () => ({ title: 'Edited', priority: 'low' }),
    required: [],
    enums: ['priority'],
  },
];

function wrongTypeFor(value: unknown): unknown {
  if (typeof value === 'string') return 12345;
  if (typeof value === 'number') return 'not a number';
  if (Array.isArray(value)) return 'not an array';
  if (typeof value === 'object' && value !== null) return 'not an object';
  return { unexpected: true };
}

describe('bad input on every write route', () => {
  let testApp: TestApp;
  let admin: ApiClient;
  let ids: Ids;

  beforeAll(async () => {
    testApp = await startTestApp();
    admin = testApp.api.as(await tokenFor('acme', 'admin'));
    const fixtures = new Fixtures(admin);
    const qualification = await fixtures.qualification();
    const type = await fixtures.equipmentType();
    const site = await fixtures.site();
    ids = {
      qualification: qualification.id,
      type: type.id,
      site: site.id,
      equipment: (await fixtures.equipment(type.id)).id,
      driver: (await fixtures.driver()).id,
      workOrder: (await fixtures.scheduledWorkOrder(site.id, type.id)).id,
    };
  });

  afterAll(async () => {
    await testApp?.close();
  });

  async function expectRefused(route: WriteRoute, body: unknown, field: string): Promise<void> {
    const before = await rowCounts(testApp.database.url, 'acme');
    const response = await admin.request(route.method, route.path(ids), body);
    const fields = ((response.body?.errors ?? []) as { field: string }[]).map(
      (error) => error.field,
    );
    expect({
      route: route.name,
      field,
      status: response.status,
      type: response.headers.get('content-type'),
    }).toEqual({
      route: route.name,
      field,
      status: 400,
      type: expect.stringContaining('application/problem+json'),
    });
    expect({
      route: route.name,
      named: fields.some(
        (named) =>
          named === field || named.startsWith(`${field}.`) || named.startsWith(`${field}[`),
      ),
    }).toEqual({
      route: route.name,
      named: true,
    });
    expect(await rowCounts(testApp.database.url, 'acme')).toEqual(before);
  }

  describe.each(ROUTES)('$name', (route) => {
    it('accepts the valid body (so the refusals below are about the garbage alone)', async () => {
      const valid = route.valid(ids);
      if (route.method === 'POST') {
        // Make the baseline unique so it does not collide with later runs of the same values.
        for (const key of ['code', 'name', 'externalRef'])
          if (typeof valid[key] === 'string') valid[key] = `${valid[key]}-${Date.now()}`;
      }
      const response = await admin.request(route.method, route.path(ids), valid);
      expect({ status: response.status < 300, body: response.body }).toMatchObject({
        status: true,
      });
    });

    it('refuses each missing required field', async () => {
      for (const field of route.required) {
        const body = { ...route.valid(ids) };
        delete body[field];
        await expectRefused(route, body, field);
      }
    });

    it('refuses a wrong type in each field', async () => {
      const valid = route.valid(ids);
      for (const field of Object.keys(valid))
        await expectRefused(route, { ...valid, [field]: wrongTypeFor(valid[field]) }, field);
    });

    it('refuses unknown fields', async () => {
      await expectRefused(route, { ...route.valid(ids), isAdmin: true }, 'isAdmin');
      await expectRefused(route, { ...route.valid(ids), tenant: 'globex' }, 'tenant');
    });

    it('refuses huge strings', async () => {
      const valid = route.valid(ids);
      const textFields = Object.keys(valid).filter(
        (field) =>
          typeof valid[field] === 'string' &&
          !(route.enums ?? []).includes(field) &&
          !(route.uuids ?? []).includes(field),
      );
      for (const field of textFields)
        await expectRefused(route, { ...valid, [field]: 'x'.repeat(20_000) }, field);
    });

    it('refuses invalid ids and enum values', async () => {
      const valid = route.valid(ids);
      for (const field of route.uuids ?? []) {
        await expectRefused(
          route,
          { ...valid, [field]: Array.isArray(valid[field]) ? ['not-a-uuid'] : 'not-a-uuid' },
          field,
        );
      }
      for (const field of route.enums ?? [])
        await expectRefused(route, { ...valid, [field]: 'definitely-not-valid' }, field);
    });
  });

  it('refuses nested garbage: a driver qualification without expiry, a reversed or offset-less time window', async () => {
    const driverRoute = ROUTES.find((route) => route.name === 'create driver') as WriteRoute;
    await expectRefused(
      driverRoute,
      { name: 'x', qualifications: [{ qualificationId: ids.qualification }] },
      'qualifications',
    );
    await expectRefused(
      driverRoute,
      {
        name: 'x',
        qualifications: [{ qualificationId: ids.qualification, expiresAt: '2030-02-30' }],
      },
      'qualifications',
    );
    const orderRoute = ROUTES.find((route) => route.name === 'create work order') as WriteRoute;
    const base = orderRoute.valid(ids);
    await expectRefused(
      orderRoute,
      { ...base, window: { start: '2026-12-01T12:00:00Z', end: '2026-12-01T08:00:00Z' } },
      'window',
    );
    await expectRefused(
      orderRoute,
      { ...base, window: { start: '2026-12-01T08:00:00', end: '2026-12-01T12:00:00' } },
      'window',
    );
    await expectRefused(
      ROUTES[0],
      { name: 'x', address: 'y', latitude: 91, longitude: 0 },
      'latitude',
    );
    await expectRefused(
      ROUTES[0],
      { name: '   ', address: 'y', latitude: 1, longitude: 0 },
      'name',
    );
  });

  it('refuses explicit null for a required field on edit', async () => {
    await expectRefused(ROUTES[1], { name: null }, 'name');
  });

  it('refuses invalid path ids with 400 naming the id', async () => {
    for (const [method, path] of [
      ['GET', '/sites/not-a-uuid'],
      ['PATCH', '/equipment/123'],
      ['DELETE', '/drivers/%27%20OR%201=1--'],
      ['POST', '/work-orders/abc/cancel'],
    ] as const) {
      const response = await admin.request(method, path, method === 'PATCH' ? {} : undefined);
      expect({ path, status: response.status, errors: response.body.errors }).toEqual({
        path,
        status: 400,
        errors: [expect.objectContaining({ field: 'id' })],
      });
    }
  });

  it('refuses malformed JSON, a non-object body and an oversized body', async () => {
    const malformed = await admin.request('POST', '/sites', '{"name": "x",', {});
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toContain('application/problem+json');
    const array = await admin.request('POST', '/sites', '[1,2,3]');
    expect(array.status).toBe(400);
    const huge = await admin.request(
      'POST',
      '/sites',
      JSON.stringify({ name: 'x'.repeat(400_000) }),
    );
    expect(huge.status).toBe(413);
  });

  it('refuses bad query parameters on lists', async () => {
    for (const path of [
      '/equipment?limit=0',
      '/equipment?limit=100000',
      '/equipment?status=flying',
      '/work-orders?priority=meh',
      '/drivers?qualificationId=nope',
      '/audit?cursor=abc',
      '/sites?unknown=1',
    ]) {
      const response = await admin.get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
    }
  });
});
