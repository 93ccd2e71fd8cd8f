import { type HttpResult, queryDatabase, tokenFor } from '@dispatch/testing';
import { Client } from 'pg';
import { Fixtures } from './support/fixtures';
import { EventStream } from './support/sse';
import { startTestApp, type TestApp } from './support/test-app';

const MAX_IN_FLIGHT = 4;
const BURST = 40;

describe('admission control: a bounded number of requests in flight', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ config: { MAX_IN_FLIGHT_REQUESTS: String(MAX_IN_FLIGHT) } });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('refuses a burst beyond the bound at once with 503 and Retry-After, and every admitted request succeeds', async () => {
    const admin = app.api.as(await tokenFor('acme', 'admin'));
    const dispatcherToken = await tokenFor('acme', 'dispatcher');
    const dispatcher = app.api.as(dispatcherToken);
    const fixtures = new Fixtures(admin);
    const site = await fixtures.site();
    const type = await fixtures.equipmentType();

    // Holding the work-order table makes the admitted requests wait in the database, so the
    // instance is full for as long as the test says.
    const blocker = new Client({ connectionString: app.database.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE tenant_acme.work_orders IN ACCESS EXCLUSIVE MODE');
    const burst = Array.from({ length: BURST }, (_, index) => {
      const sentAt = Date.now();
      return dispatcher
        .post('/work-orders', {
          title: `Burst ${index}`,
          siteId: site.id,
          equipmentTypeId: type.id,
          priority: 'standard',
        })
        .then((result): HttpResult & { ms: number } => ({ ...result, ms: Date.now() - sentAt }));
    });
    let refused: (HttpResult & { ms: number })[] = [];
    try {
      // The refusals come back while the admitted requests are still held.
      const settled = await Promise.race([
        Promise.all(burst),
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 3_000)),
      ]);
      expect(settled).toBeUndefined();
      const answered = await Promise.all(
        burst.map((request) =>
          Promise.race([
            request,
            new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 10)),
          ]),
        ),
      );
      refused = answered.filter((result): result is HttpResult & { ms: number } => !!result);
      expect(refused).toHaveLength(BURST - MAX_IN_FLIGHT);
      // Health probes and the live stream are not counted: they still get through.
      expect((await app.root.get('/health/live')).status).toBe(200);
      const stream = await EventStream.open(`${app.api.baseUrl}/events`, dispatcherToken);
      expect(stream.status).toBe(200);
      stream.close();
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    for (const refusal of refused) {
      expect(refusal.status).toBe(503);
      expect(refusal.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(refusal.headers.get('retry-after')).toBe('1');
      expect(refusal.body).toMatchObject({
        type: 'urn:dispatch:problem:overloaded',
        status: 503,
        detail: expect.stringContaining('at capacity'),
      });
      expect(refusal.ms).toBeLessThan(2_000);
    }
    const results = await Promise.all(burst);
    const admitted = results.filter((result) => result.status !== 503);
    expect(admitted.map((result) => result.status)).toEqual(Array(MAX_IN_FLIGHT).fill(201));

    // Refused requests wrote nothing; the bound is free again once the admitted ones are done.
    const orders = await queryDatabase<{ count: string }>(
      app.database.url,
      `SELECT count(*)::text AS count FROM tenant_acme.work_orders`,
    );
    expect(orders[0].count).toBe(String(MAX_IN_FLIGHT));
    const again = await Promise.all(
      Array.from({ length: MAX_IN_FLIGHT }, () => dispatcher.get('/work-orders?limit=1')),
    );
    expect(again.map((result) => result.status)).toEqual(Array(MAX_IN_FLIGHT).fill(200));
  });
});

describe('a busy connection pool: requests wait for a connection, for a bounded time', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({
      config: {
        DATABASE_POOL_SIZE: '2',
        DATABASE_POOL_WAIT_SECONDS: '1',
        MAX_IN_FLIGHT_REQUESTS: '0',
      },
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers 503 database-busy (not unreachable) past the wait, and serves a request that waited less', async () => {
    const admin = app.api.as(await tokenFor('acme', 'admin'));
    const dispatcher = app.api.as(await tokenFor('acme', 'dispatcher'));
    const fixtures = new Fixtures(admin);
    const site = await fixtures.site();
    const type = await fixtures.equipmentType();

    const blocker = new Client({ connectionString: app.database.url });
    await blocker.connect();
    let held: Promise<HttpResult>[] = [];
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE tenant_acme.work_orders IN ACCESS EXCLUSIVE MODE');
      // Two writes hold both connections, waiting in the database.
      held = Array.from({ length: 2 }, (_, index) =>
        dispatcher.post('/work-orders', {
          title: `Held ${index}`,
          siteId: site.id,
          equipmentTypeId: type.id,
          priority: 'standard',
        }),
      );
      for (;;) {
        const [waiting] = await queryDatabase<{ count: number }>(
          app.database.url,
          `SELECT count(*)::int AS count FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = 'dispatch-api' AND wait_event_type = 'Lock'`,
        );
        if (waiting.count === 2) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }

      const sentAt = Date.now();
      const refused = await dispatcher.get('/work-orders?limit=1');
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.body).toMatchObject({
        type: 'urn:dispatch:problem:database-busy',
        detail: expect.stringContaining('stayed busy for 1 s'),
      });
      expect(Date.now() - sentAt).toBeGreaterThanOrEqual(900);

      // One that gets a connection within the wait is served.
      const patient = dispatcher.get('/work-orders?limit=1');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await blocker.query('ROLLBACK');
      expect((await patient).status).toBe(200);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    }
    expect((await Promise.all(held)).map((result) => result.status)).toEqual([201, 201]);
  });
});
