import { type ApiClient, type HttpResult, tokenFor } from '@dispatch/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Scrape } from './support/prometheus-text';
import { Scenario, type WorkOrderResult } from './support/scenario';
import { startTestApp, type TestApp } from './support/test-app';

const MAX_IN_FLIGHT = 2;
const POOL_SIZE = 10;
const ORDER_BY_ID = '/api/v1/work-orders/:id';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** The backlog gauges are read at most every 5 s (BacklogMetrics). */
const BACKLOG_READ_MILLISECONDS = 5_000;

/** Asks again until `done` holds (or `timeout` passes), and returns the last answer. */
async function eventually<T>(
  ask: () => Promise<T>,
  done: (answer: T) => boolean,
  timeout = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeout;
  let answer = await ask();
  while (!done(answer) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    answer = await ask();
  }
  return answer;
}

describe('GET /metrics: Prometheus metrics of an instance', () => {
  let testApp: TestApp;
  let admin: ApiClient;
  let dispatcher: ApiClient;
  let before: Scrape;
  let dispatched: WorkOrderResult;
  let queued: WorkOrderResult;

  async function scrape(): Promise<Scrape & { status: number; contentType: string | null }> {
    const response = await fetch(`${testApp.root.baseUrl}/metrics`);
    return Object.assign(new Scrape(await response.text()), {
      status: response.status,
      contentType: response.headers.get('content-type'),
    });
  }

  /** How many more requests the histogram counted since the first scrape. */
  function counted(after: Scrape, labels: Record<string, string>): number {
    const name = 'http_request_duration_seconds_count';
    return after.sum(name, labels) - before.sum(name, labels);
  }

  beforeAll(async () => {
    testApp = await startTestApp({
      config: {
        MAX_IN_FLIGHT_REQUESTS: String(MAX_IN_FLIGHT),
        DATABASE_POOL_SIZE: String(POOL_SIZE),
        // Nothing leaves the outbox: its backlog and the deliveries stay to be counted.
        WEBHOOK_DELIVERY: 'false',
      },
    });
    admin = testApp.api.as(await tokenFor('acme', 'admin'));
    dispatcher = testApp.api.as(await tokenFor('acme', 'dispatcher'));
    before = await scrape();

    const hook = await admin.post('/webhooks', {
      url: 'http://127.0.0.1:9/never-called',
      events: ['work_order.created', 'work_order.queued', 'dispatch.assigned'],
    });
    expect(hook.status).toBe(201);
    expect((await admin.post(`/webhooks/${hook.body.id}/test`)).status).toBe(202);

    // One unit and one driver: the first order takes them, the second waits in the queue.
    const world = await Scenario.create(admin);
    await world.unit();
    await world.driver();
    dispatched = await world.order('urgent');
    queued = await world.order('low');
    expect(dispatched.status).toBe('dispatched');
    expect(queued.status).toBe('queued');

    expect((await dispatcher.get(`/work-orders/${dispatched.id}`)).status).toBe(200);
    expect((await dispatcher.get(`/work-orders/${queued.id}`)).status).toBe(200);
    expect((await dispatcher.get(`/work-orders/${randomUUID()}`)).status).toBe(404);
    expect((await dispatcher.get(`/no-such-thing/${randomUUID()}`)).status).toBe(404);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('answers at the root in Prometheus text, without a token, with the process metrics', async () => {
    const metrics = await scrape();
    expect(metrics.status).toBe(200);
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(metrics.value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    // Not part of the API: not under its prefix, not in its OpenAPI document.
    expect((await testApp.api.get('/metrics')).status).toBe(404);
    const document = await testApp.root.get('/api/docs/openapi.json');
    expect(Object.keys(document.body.paths).filter((path) => path.includes('metrics'))).toEqual([]);
  });

  it('times requests by method, route template and status, unknown paths as "unmatched"', async () => {
    const after = await scrape();
    expect(counted(after, { method: 'GET', route: ORDER_BY_ID, status_code: '200' })).toBe(2);
    expect(counted(after, { method: 'GET', route: ORDER_BY_ID, status_code: '404' })).toBe(1);
    expect(
      counted(after, { method: 'GET', route: 'unmatched', status_code: '404' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      counted(after, { method: 'POST', route: '/api/v1/work-orders', status_code: '201' }),
    ).toBe(2);
    // Bounded labels: templates only, never an id from a URL.
    const routes = after.labelValues('http_request_duration_seconds_count', 'route');
    expect(routes).toContain(ORDER_BY_ID);
    for (const route of routes) expect(route).not.toMatch(UUID);
    expect(after.text).not.toContain(dispatched.id);
    // The scrapes themselves are not counted.
    expect(routes.filter((route) => route.includes('metrics'))).toEqual([]);
    // A histogram: every request falls in the +Inf bucket, and the buckets only grow.
    const labels = { method: 'GET', route: ORDER_BY_ID, status_code: '200' };
    const buckets = after.matching('http_request_duration_seconds_bucket', labels);
    expect(buckets.map((bucket) => bucket.labels.le)).toEqual([
      ...['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10'],
      '+Inf',
    ]);
    const counts = buckets.map((bucket) => bucket.value);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(after.value('http_request_duration_seconds_count', labels));
  });

  it('times the engine’s decisions by mode and outcome: dispatched, and left in the queue', async () => {
    const after = await scrape();
    const decisions = 'dispatch_decision_duration_seconds_count';
    expect(after.value(decisions, { mode: 'fast', outcome: 'dispatched' })).toBeGreaterThanOrEqual(
      1,
    );
    // The queued order: nothing free on its fast look, nor on its recheck under the decide lock.
    expect(after.value(decisions, { mode: 'fast', outcome: 'queued' })).toBeGreaterThanOrEqual(1);
    expect(after.value(decisions, { mode: 'recheck', outcome: 'queued' })).toBeGreaterThanOrEqual(
      1,
    );
    expect(
      after.value('dispatch_decision_duration_seconds_sum', {
        mode: 'fast',
        outcome: 'dispatched',
      }),
    ).toBeGreaterThan(0);
  });

  it('counts the queue across tenants by priority, read at scrape time', async () => {
    // The first scrape read the backlog before the orders existed: the reading is a few s old.
    const after = await eventually(
      scrape,
      (metrics) => (metrics.value('dispatch_queue_depth', { priority: 'low' }) ?? 0) >= 1,
    );
    expect(after.value('dispatch_queue_depth', { priority: 'low' })).toBeGreaterThanOrEqual(1);
    expect(after.labelValues('dispatch_queue_depth', 'priority').sort()).toEqual([
      'emergency',
      'low',
      'standard',
      'urgent',
    ]);
    // Undelivered: the outbox's events since the subscription, and the test delivery.
    expect(after.value('dispatch_outbox_backlog')).toBeGreaterThanOrEqual(3);
    expect(after.value('dispatch_webhook_backlog', { state: 'pending' })).toBeGreaterThanOrEqual(1);
    expect(after.value('dispatch_webhook_backlog', { state: 'retrying' })).toBe(0);
  });

  it('reports each connection pool with sane numbers', async () => {
    const after = await scrape();
    const pools = after.labelValues('dispatch_db_pool_connections', 'pool');
    expect(pools).toEqual(expect.arrayContaining(['application', 'metrics']));
    expect(after.value('dispatch_db_pool_max_connections', { pool: 'application' })).toBe(
      POOL_SIZE,
    );
    expect(after.value('dispatch_db_pool_max_connections', { pool: 'metrics' })).toBe(1);
    for (const pool of pools) {
      const max = after.value('dispatch_db_pool_max_connections', { pool }) ?? 0;
      const open = after.value('dispatch_db_pool_connections', { pool }) ?? -1;
      const idle = after.value('dispatch_db_pool_idle_connections', { pool }) ?? -1;
      expect(open).toBeGreaterThanOrEqual(0);
      expect(open).toBeLessThanOrEqual(max);
      expect(idle).toBeGreaterThanOrEqual(0);
      expect(idle).toBeLessThanOrEqual(open);
      expect(after.value('dispatch_db_pool_waiting_clients', { pool })).toBe(0);
    }
    expect(after.value('dispatch_db_pool_connections', { pool: 'application' })).toBeGreaterThan(0);
  });

  it('answers while the instance is full, counts its refusals, and keeps the last backlog if the database does not answer', async () => {
    const [{ value: lowQueued }] = (await scrape()).matching('dispatch_queue_depth', {
      priority: 'low',
    });
    const world = await Scenario.create(admin);
    // Orders held by a lock fill the instance; the scrape's own read waits for the same lock.
    const blocker = new Client({ connectionString: testApp.database.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE tenant_acme.work_orders IN ACCESS EXCLUSIVE MODE');
    let held: Promise<HttpResult>[] = [];
    try {
      held = Array.from({ length: MAX_IN_FLIGHT }, () =>
        world.api.post('/work-orders', {
          title: 'Held',
          siteId: world.siteId,
          equipmentTypeId: world.typeId,
          priority: 'standard',
        }),
      );
      // Sites are not locked: an admitted probe answers at once, and the next one tries again.
      const refused = await eventually(
        () => dispatcher.get('/sites?limit=1'),
        (answer) => answer.status === 503,
      );
      expect(refused.status).toBe(503);
      await new Promise((resolve) => setTimeout(resolve, BACKLOG_READ_MILLISECONDS));
      const full = await scrape();
      expect(full.status).toBe(200);
      expect(full.value('dispatch_queue_depth', { priority: 'low' })).toBe(lowQueued);
      expect(counted(full, { method: 'GET', route: 'unmatched', status_code: '503' })).toBe(1);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    expect((await Promise.all(held)).map((answer) => answer.status)).toEqual(
      Array(MAX_IN_FLIGHT).fill(201),
    );
  });
});
