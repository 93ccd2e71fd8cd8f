import { randomUUID } from 'node:crypto';
import { type ApiClient, queryDatabase, tokenFor, invariantViolations } from '@dispatch/testing';
import { Scenario } from './support/scenario';
import { rowCounts } from './support/snapshot';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The ERP's keys over HTTP: a work order's externalRef is unique among open orders, PUT by it
 * creates or updates in one call (also when many race), and sites and types may be named by their
 * own externalRef.
 */
describe('externalRef: upsert by the ERP key, sites and types by theirs', () => {
  let testApp: TestApp;
  let admin: ApiClient;
  let dispatcher: ApiClient;

  beforeAll(async () => {
    testApp = await startTestApp();
    admin = testApp.api.as(await tokenFor('acme', 'admin'));
    dispatcher = testApp.api.as(await tokenFor('acme', 'dispatcher'));
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const ref = (prefix = 'SAP') => `${prefix}-${randomUUID().slice(0, 8)}`;
  const put = (externalRef: string, body: Record<string, unknown>) =>
    dispatcher.request(
      'PUT',
      `/work-orders/by-external-ref/${encodeURIComponent(externalRef)}`,
      body,
    );

  /** The fields a problem names, each once. */
  const fieldsOf = (problem: { errors?: { field: string }[] }) => [
    ...new Set((problem.errors ?? []).map((error) => error.field)),
  ];

  async function openOrdersWith(externalRef: string): Promise<{ id: string; status: string }[]> {
    return queryDatabase(
      testApp.database.url,
      `SELECT id, status FROM tenant_acme.work_orders WHERE external_ref = $1 AND status IN ('queued', 'dispatched')`,
      [externalRef],
    );
  }

  it('PUT creates (201 with Location) and then updates (200) the same order', async () => {
    const world = await Scenario.create(admin); // no unit: the order stays queued
    const key = ref();
    const body = {
      title: 'Lift HVAC units',
      siteId: world.siteId,
      equipmentTypeId: world.typeId,
      priority: 'standard',
    };
    const created = await put(key, { ...body, notes: 'Gate 3' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/work-orders/${created.body.id}`);
    expect(created.body).toMatchObject({ externalRef: key, status: 'queued', notes: 'Gate 3' });

    const window = { start: '2031-03-01T08:00:00Z', end: '2031-03-01T12:00:00Z' };
    const updated = await put(key, {
      ...body,
      title: 'Lift HVAC units (2)',
      priority: 'urgent',
      window,
    });
    expect(updated.status).toBe(200);
    expect(updated.headers.get('location')).toBeNull();
    expect(updated.body).toMatchObject({
      id: created.body.id,
      title: 'Lift HVAC units (2)',
      priority: 'urgent',
      window: { start: '2031-03-01T08:00:00.000Z', end: '2031-03-01T12:00:00.000Z' },
      // PUT carries the whole order: notes left out are cleared
      notes: null,
    });

    // The same state again changes nothing (a retried PUT is harmless).
    const again = await put(key, {
      ...body,
      title: 'Lift HVAC units (2)',
      priority: 'urgent',
      window,
    });
    expect(again.status).toBe(200);
    expect(again.body.updatedAt).toBe(updated.body.updatedAt);
    expect(await openOrdersWith(key)).toEqual([{ id: created.body.id, status: 'queued' }]);

    const timeline = await dispatcher.get(`/work-orders/${created.body.id}/timeline`);
    expect(timeline.body.map((event: { action: string }) => event.action)).toEqual([
      'work_order.created',
      'work_order.queued',
      'work_order.updated',
    ]);
  });

  it('PUT refuses to change a dispatched order (409 naming its status) but accepts the same state', async () => {
    const world = await Scenario.create(admin);
    await world.unit();
    await world.driver();
    const key = ref();
    const body = {
      title: 'Crane job',
      siteId: world.siteId,
      equipmentTypeId: world.typeId,
      priority: 'urgent',
    };
    const created = await put(key, body);
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('dispatched'); // through the same create path as POST

    const retried = await put(key, body);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: created.body.id, status: 'dispatched' });

    const changed = await put(key, { ...body, title: 'Crane job, bigger' });
    expect(changed.status).toBe(409);
    expect(changed.headers.get('content-type')).toContain('application/problem+json');
    expect(changed.body).toMatchObject({ status: 409, currentStatus: 'dispatched' });
    expect(changed.body.detail).toContain('dispatched');
  });

  it('frees the key when the order is cancelled: the same ref then creates a new order', async () => {
    const world = await Scenario.create(admin);
    const key = ref();
    const body = {
      title: 'First',
      siteId: world.siteId,
      equipmentTypeId: world.typeId,
      priority: 'low',
    };
    const first = await put(key, body);
    expect(first.status).toBe(201);
    expect((await dispatcher.post(`/work-orders/${first.body.id}/cancel`)).status).toBe(200);

    const second = await put(key, { ...body, title: 'Second' });
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(first.body.id);
    const third = await dispatcher.post('/work-orders', {
      ...body,
      title: 'Third',
      externalRef: key,
    });
    expect(third.status).toBe(409);

    const listed = await dispatcher.get(`/work-orders?externalRef=${encodeURIComponent(key)}`);
    expect(listed.status).toBe(200);
    expect(
      listed.body.items.map((order: { id: string; status: string }) => [order.id, order.status]),
    ).toEqual([
      [second.body.id, 'queued'],
      [first.body.id, 'cancelled'],
    ]);
  });

  it('answers a duplicate POST with 409 problem+json naming the existing open order', async () => {
    const world = await Scenario.create(admin);
    await world.unit();
    await world.driver();
    const key = ref('PO');
    const body = {
      title: 'Generator',
      siteId: world.siteId,
      equipmentTypeId: world.typeId,
      priority: 'standard',
      externalRef: key,
    };
    const first = await dispatcher.post('/work-orders', body);
    expect(first.status).toBe(201);
    const before = await rowCounts(testApp.database.url, 'acme');
    const duplicate = await dispatcher.post('/work-orders', body);
    expect(duplicate.status).toBe(409);
    expect(duplicate.headers.get('content-type')).toContain('application/problem+json');
    expect(duplicate.body).toMatchObject({
      status: 409,
      existingId: first.body.id,
      existingNumber: first.body.number,
      existingStatus: 'dispatched',
      existingLocation: `/api/v1/work-orders/${first.body.id}`,
      errors: [expect.objectContaining({ field: 'externalRef' })],
    });
    expect(await rowCounts(testApp.database.url, 'acme')).toEqual(before);
    // The link leads to the order.
    expect(
      (await dispatcher.get(duplicate.body.existingLocation.replace('/api/v1', ''))).body.id,
    ).toBe(first.body.id);
  });

  it('20 concurrent PUTs of one new ref end with exactly one open order and no 5xx', async () => {
    // Free resources (the creates race on the engine's fast path) and none (they race to queue).
    const free = await Scenario.create(admin);
    await free.unit();
    await free.driver();
    const busy = await Scenario.create(admin);
    for (const [world, varyTitles] of [
      [free, false],
      [busy, true],
    ] as const) {
      const key = ref('RACE');
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          put(key, {
            title: varyTitles ? `Race ${index}` : 'Race',
            siteId: world.siteId,
            equipmentTypeId: world.typeId,
            priority: 'standard',
          }),
        ),
      );
      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((status) => status >= 500)).toEqual([]);
      expect(statuses.filter((status) => status === 201)).toHaveLength(1);
      expect(statuses.filter((status) => status === 200)).toHaveLength(19);
      const open = await openOrdersWith(key);
      expect(open).toHaveLength(1);
      expect(new Set(responses.map((response) => response.body.id))).toEqual(new Set([open[0].id]));
      const final = await dispatcher.get(`/work-orders/${open[0].id}`);
      expect(responses.map((response) => response.body.title)).toContain(final.body.title);
    }
    expect(await invariantViolations(testApp.database.url)).toEqual({});
  });

  it('names sites and equipment types by their own externalRef', async () => {
    const siteRef = ref('SITE');
    const typeRef = ref('TYPE');
    const site = await admin.post('/sites', {
      name: `Depot ${siteRef}`,
      address: '1 Harbour Road',
      latitude: 10,
      longitude: 20,
      externalRef: siteRef,
    });
    expect(site.status).toBe(201);
    expect(site.body.externalRef).toBe(siteRef);
    const type = await admin.post('/equipment-types', {
      code: `t-${typeRef}`,
      name: 'Excavator',
      externalRef: typeRef,
    });
    expect(type.status).toBe(201);
    expect(type.body.externalRef).toBe(typeRef);

    // Filterable, unique per tenant, settable on update (null clears it).
    const sites = await admin.get(`/sites?externalRef=${siteRef}`);
    expect(sites.body.items.map((item: { id: string }) => item.id)).toEqual([site.body.id]);
    const types = await admin.get(`/equipment-types?externalRef=${typeRef}`);
    expect(types.body.items.map((item: { id: string }) => item.id)).toEqual([type.body.id]);
    const taken = await admin.post('/sites', {
      name: `Other ${siteRef}`,
      address: '2 Harbour Road',
      latitude: 10,
      longitude: 20,
      externalRef: siteRef,
    });
    expect(taken.status).toBe(409);
    expect(taken.body.errors).toEqual([expect.objectContaining({ field: 'externalRef' })]);
    const otherType = await admin.post('/equipment-types', { code: `u-${typeRef}`, name: 'Other' });
    const retagged = await admin.patch(`/equipment-types/${otherType.body.id}`, {
      externalRef: `${typeRef}-B`,
    });
    expect(retagged.body.externalRef).toBe(`${typeRef}-B`);
    const cleared = await admin.patch(`/equipment-types/${otherType.body.id}`, {
      externalRef: null,
    });
    expect(cleared.body.externalRef).toBeNull();
    const resited = await admin.patch(`/sites/${site.body.id}`, { externalRef: `${siteRef}-Z` });
    expect(resited.status).toBe(200);
    expect(resited.body.externalRef).toBe(`${siteRef}-Z`);
    expect((await admin.patch(`/sites/${site.body.id}`, { externalRef: siteRef })).status).toBe(
      200,
    );

    // A work order names them by the ERP's keys, on POST and on PUT.
    const posted = await dispatcher.post('/work-orders', {
      title: 'By keys',
      siteExternalRef: siteRef,
      equipmentTypeExternalRef: typeRef,
      priority: 'low',
    });
    expect(posted.status).toBe(201);
    expect(posted.body).toMatchObject({ siteId: site.body.id, equipmentTypeId: type.body.id });
    const key = ref();
    const putBody = {
      title: 'By keys',
      siteExternalRef: siteRef,
      equipmentTypeExternalRef: typeRef,
      priority: 'low',
    };
    const created = await put(key, putBody);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ siteId: site.body.id, equipmentTypeId: type.body.id });
    // The same order named by ids is the same state: nothing to change.
    const byIds = await put(key, {
      title: 'By keys',
      siteId: site.body.id,
      equipmentTypeId: type.body.id,
      priority: 'low',
    });
    expect(byIds.status).toBe(200);
    expect(byIds.body.updatedAt).toBe(created.body.updatedAt);
    // PATCH may name them too.
    const otherSite = await admin.post('/sites', {
      name: `Yard ${siteRef}`,
      address: '3 Harbour Road',
      latitude: 11,
      longitude: 21,
      externalRef: `${siteRef}-Y`,
    });
    const patched = await dispatcher.patch(`/work-orders/${created.body.id}`, {
      siteExternalRef: `${siteRef}-Y`,
    });
    expect(patched.status).toBe(200);
    expect(patched.body.siteId).toBe(otherSite.body.id);
    const siteCleared = await dispatcher.patch(`/work-orders/${created.body.id}`, { siteId: null });
    expect({ status: siteCleared.status, fields: fieldsOf(siteCleared.body) }).toEqual({
      status: 400,
      fields: ['siteId'],
    });
  });

  it('answers 404 naming the field for an unknown site or type ref, 400 for both or neither', async () => {
    const world = await Scenario.create(admin);
    const before = await rowCounts(testApp.database.url, 'acme');
    const base = { title: 'Nowhere', priority: 'low' };
    for (const [body, field] of [
      [
        { ...base, siteExternalRef: 'NO-SUCH-SITE', equipmentTypeId: world.typeId },
        'siteExternalRef',
      ],
      [
        { ...base, siteId: world.siteId, equipmentTypeExternalRef: 'NO-SUCH-TYPE' },
        'equipmentTypeExternalRef',
      ],
    ] as const) {
      for (const response of [
        await dispatcher.post('/work-orders', body),
        await put(ref(), body),
      ]) {
        expect({ status: response.status, fields: fieldsOf(response.body) }).toEqual({
          status: 404,
          fields: [field],
        });
        expect(response.body.detail).toContain('NO-SUCH');
      }
    }
    for (const [body, field] of [
      [
        { ...base, siteId: world.siteId, siteExternalRef: 'X', equipmentTypeId: world.typeId },
        'siteExternalRef',
      ],
      [{ ...base, equipmentTypeId: world.typeId }, 'siteId'],
      [{ ...base, siteId: world.siteId }, 'equipmentTypeId'],
    ] as const) {
      for (const response of [
        await dispatcher.post('/work-orders', body),
        await put(ref(), body),
      ]) {
        expect({ status: response.status, fields: fieldsOf(response.body) }).toEqual({
          status: 400,
          fields: [field],
        });
      }
    }
    expect(await rowCounts(testApp.database.url, 'acme')).toEqual(before);
  });

  it('refuses garbage refs with 400 and writes nothing; takes any printable key, percent-encoded', async () => {
    const world = await Scenario.create(admin);
    const body = {
      title: 'Garbage',
      siteId: world.siteId,
      equipmentTypeId: world.typeId,
      priority: 'low',
    };
    const before = await rowCounts(testApp.database.url, 'acme');
    for (const path of ['x'.repeat(101), '%20%20', 'A%0AB', 'A%00B']) {
      const response = await dispatcher.request(
        'PUT',
        `/work-orders/by-external-ref/${path}`,
        body,
      );
      expect({ path, status: response.status, fields: fieldsOf(response.body) }).toEqual({
        path,
        status: 400,
        fields: ['externalRef'],
      });
    }
    for (const externalRef of ['', '   ', 'x'.repeat(101), 'tab\there', 42]) {
      const response = await dispatcher.post('/work-orders', { ...body, externalRef });
      expect({ externalRef, status: response.status, fields: fieldsOf(response.body) }).toEqual({
        externalRef,
        status: 400,
        fields: ['externalRef'],
      });
    }
    for (const [path, siteBody] of [
      ['/sites', { name: `S ${ref()}`, address: 'a', latitude: 1, longitude: 2, externalRef: '' }],
      ['/equipment-types', { code: ref('c'), name: 'n', externalRef: 'y'.repeat(101) }],
    ] as const) {
      const response = await admin.post(path, siteBody);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
    }
    for (const query of [
      '/work-orders?externalRef=',
      `/work-orders?externalRef=${'z'.repeat(101)}`,
      '/sites?externalRef=',
    ]) {
      expect({ query, status: (await dispatcher.get(query)).status }).toEqual({
        query,
        status: 400,
      });
    }
    // A PUT body names the key in the path only.
    const keyInBody = await put(ref(), { ...body, externalRef: 'other' });
    expect(keyInBody.status).toBe(400);
    expect(await rowCounts(testApp.database.url, 'acme')).toEqual(before);

    const key = `SAP/2026 Auftrag Ü-${randomUUID().slice(0, 4)}`;
    const created = await put(key, body);
    expect(created.status).toBe(201);
    expect(created.body.externalRef).toBe(key);
    expect((await put(key, body)).status).toBe(200);
    // Surrounding whitespace is not part of a key, in the path as in a body.
    expect((await put(` ${key} `, body)).body.id).toBe(created.body.id);
  });
});
