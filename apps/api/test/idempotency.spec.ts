import { createTestDatabase, type TestDatabase, tokenFor, type ApiClient } from '@dispatch/testing';
import { randomUUID } from 'node:crypto';
import { Scenario } from './support/scenario';
import { startTestApp, type TestApp } from './support/test-app';

/** `Idempotency-Key` on writes: at most once per tenant and key, the first answer replayed. */
describe('Idempotency-Key', () => {
  let database: TestDatabase;
  let app: TestApp;
  let dispatcher: ApiClient;
  let world: Scenario;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp({ database });
    dispatcher = app.api.as(await tokenFor('acme', 'dispatcher'));
    world = await Scenario.create(app.api.as(await tokenFor('acme', 'admin')));
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  function orderBody(title: string) {
    return { title, siteId: world.siteId, equipmentTypeId: world.typeId, priority: 'standard' };
  }

  function post(api: ApiClient, path: string, body: unknown, key: string) {
    return api.request('POST', path, body, { 'Idempotency-Key': key });
  }

  async function ordersTitled(api: ApiClient, title: string): Promise<number> {
    return (await api.get(`/work-orders?q=${encodeURIComponent(title)}`)).body.total;
  }

  it('answers a retry with the first answer, marked as a replay, and creates one order', async () => {
    const key = randomUUID();
    const title = `Retry ${key}`;
    const first = await post(dispatcher, '/work-orders', orderBody(title), key);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await post(dispatcher, '/work-orders', orderBody(title), key);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await ordersTitled(dispatcher, title)).toBe(1);
    // Quoted as an RFC 8941 string, the key is the same key.
    const quoted = await post(dispatcher, '/work-orders', orderBody(title), `"${key}"`);
    expect(quoted.body.id).toBe(first.body.id);
  });

  it('creates exactly one order from 20 concurrent retries with one key', async () => {
    const key = randomUUID();
    const title = `Burst ${key}`;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => post(dispatcher, '/work-orders', orderBody(title), key)),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    const created = answers.filter((answer) => answer.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((answer) => answer.body.id)).size).toBe(1);
    for (const busy of answers.filter((answer) => answer.status === 409)) {
      expect(busy.headers.get('retry-after')).toBe('1');
      expect(busy.headers.get('content-type')).toContain('application/problem+json');
      expect(busy.body.type).toBe('urn:dispatch:problem:request-in-progress');
    }
    const settled = await post(dispatcher, '/work-orders', orderBody(title), key);
    expect(settled.body.id).toBe(created[0].body.id);
    expect(await ordersTitled(dispatcher, title)).toBe(1);
  });

  it('refuses the same key for another request with 422, and a malformed key with 400', async () => {
    const key = randomUUID();
    expect((await post(dispatcher, '/work-orders', orderBody(`A ${key}`), key)).status).toBe(201);
    const other = await post(dispatcher, '/work-orders', orderBody(`B ${key}`), key);
    expect(other.status).toBe(422);
    expect(other.body.type).toBe('urn:dispatch:problem:idempotency-key-reused');
    expect(await ordersTitled(dispatcher, `B ${key}`)).toBe(0);
    // The same key on another path is another request too.
    expect((await post(dispatcher, '/dispatches', { workOrderId: key }, key)).status).toBe(422);
    for (const bad of ['x'.repeat(256), 'with space', 'ümlaut']) {
      const answer = await post(dispatcher, '/work-orders', orderBody(`C ${key}`), bad);
      expect({ bad, status: answer.status }).toEqual({ bad, status: 400 });
    }
    expect(await ordersTitled(dispatcher, `C ${key}`)).toBe(0);
  });

  it('frees the key of a request that failed without writing, so it can be retried', async () => {
    const key = randomUUID();
    const invalid = await post(
      dispatcher,
      '/work-orders',
      { ...orderBody(''), priority: 'x' },
      key,
    );
    expect(invalid.status).toBe(400);
    const missingSite = await post(
      dispatcher,
      '/work-orders',
      { ...orderBody(`Missing ${key}`), siteId: randomUUID() },
      key,
    );
    expect(missingSite.status).toBe(404);
    const fixed = await post(dispatcher, '/work-orders', orderBody(`Fixed ${key}`), key);
    expect(fixed.status).toBe(201);
  });

  it('keeps keys per tenant, and per caller within a tenant', async () => {
    const key = randomUUID();
    const acme = await post(
      dispatcher,
      '/sites',
      { name: `S ${key}`, address: 'a', latitude: 1, longitude: 1 },
      key,
    );
    expect(acme.status).toBe(403); // dispatchers may not create sites: nothing claimed
    const admin = app.api.as(await tokenFor('acme', 'admin'));
    const site = { name: `S ${key}`, address: 'a', latitude: 1, longitude: 1 };
    expect((await post(admin, '/sites', site, key)).status).toBe(201);
    const globex = app.api.as(await tokenFor('globex', 'admin'));
    const elsewhere = await post(globex, '/sites', site, key);
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.headers.get('idempotent-replayed')).toBeNull();
  });

  it('covers PATCH too', async () => {
    const admin = app.api.as(await tokenFor('acme', 'admin'));
    const unit = await world.unit();
    const key = randomUUID();
    const patch = (status: string) =>
      admin.request('PATCH', `/equipment/${unit.id}`, { status }, { 'Idempotency-Key': key });
    expect((await patch('maintenance')).status).toBe(200);
    const replay = await patch('maintenance');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await patch('available')).status).toBe(422);
  });

  it('replays the first answer after an API restart', async () => {
    const key = randomUUID();
    const title = `Restart ${key}`;
    const first = await post(dispatcher, '/work-orders', orderBody(title), key);
    await app.close();
    app = await startTestApp({ database });
    dispatcher = app.api.as(await tokenFor('acme', 'dispatcher'));
    const again = await post(dispatcher, '/work-orders', orderBody(title), key);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(await ordersTitled(dispatcher, title)).toBe(1);
  });
});
