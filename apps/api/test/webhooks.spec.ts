import {
  ApiClient,
  ApiProcess,
  createTestDatabase,
  freePort,
  queryDatabase,
  testEnvironment,
  type TestDatabase,
  tokenFor,
} from '@dispatch/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import { DISPATCH_STEPS, Scenario } from './support/scenario';
import { startTestApp, type TestApp } from './support/test-app';
import { type ReceivedMessage, WebhookReceiver } from './support/webhook-receiver';

const ORDER_EVENTS = [
  'work_order.created',
  'dispatch.assigned',
  'dispatch.acknowledged',
  'dispatch.en_route',
  'dispatch.on_site',
  'dispatch.completed',
  'work_order.completed',
];

function forOrder(received: ReceivedMessage[], orderId: string): ReceivedMessage[] {
  return received.filter((entry) => entry.message.data.payload?.workOrder?.id === orderId);
}

/** Asks again until the answer satisfies `done` (or 10 s pass), and returns the last answer. */
async function eventually<T>(ask: () => Promise<T>, done: (answer: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  let answer = await ask();
  while (!done(answer) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    answer = await ask();
  }
  return answer;
}

/** Standard Webhooks signed deliveries from the outbox, to a real HTTP receiver. */
describe('webhooks', () => {
  let database: TestDatabase;
  let app: TestApp;
  let admin: ApiClient;
  const receivers: WebhookReceiver[] = [];

  async function receiver(): Promise<WebhookReceiver> {
    const started = await WebhookReceiver.start();
    receivers.push(started);
    return started;
  }

  async function subscribe(
    api: ApiClient,
    url: string,
    events: string[] = ORDER_EVENTS,
  ): Promise<{ id: string; secret: string }> {
    const created = await api.post('/webhooks', { url, events, description: 'ERP' });
    expect(created.status).toBe(201);
    return created.body;
  }

  async function runThrough(api: ApiClient, dispatchId: string) {
    for (const to of DISPATCH_STEPS) {
      const step = await api.post(`/dispatches/${dispatchId}/transitions`, { to });
      expect(step.status).toBe(200);
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp({
      database,
      config: {
        WEBHOOK_RETRY_SCHEDULE_SECONDS: '0.2,0.2,0.2,0.2',
        WEBHOOK_TIMEOUT_MILLISECONDS: '2000',
      },
    });
    admin = app.api.as(await tokenFor('acme', 'admin'));
  });

  afterAll(async () => {
    for (const open of receivers) await open.close();
    await app?.close();
    await database?.drop();
  });

  it('delivers signed events in order per work order, with the order’s number and externalRef', async () => {
    const hooks = await receiver();
    const { id: webhookId, secret } = await subscribe(admin, hooks.url);
    expect(secret).toMatch(/^whsec_/);
    const world = await Scenario.create(admin);
    await world.unit();
    await world.driver();
    const dispatcher = app.api.as(await tokenFor('acme', 'dispatcher'));
    const { body: order } = await dispatcher.post('/work-orders', {
      title: 'Lift',
      siteId: world.siteId,
      equipmentTypeId: world.typeId,
      priority: 'urgent',
      externalRef: `SAP-${webhookId.slice(0, 8)}`,
    });
    expect(order.status).toBe('dispatched');
    await runThrough(dispatcher, order.dispatch.id);

    await hooks.waitFor(
      (received) => forOrder(received, order.id).length >= ORDER_EVENTS.length,
      10_000,
      'the order’s seven events',
    );
    const messages = forOrder(hooks.received, order.id);
    expect(messages.map((entry) => entry.message.type)).toEqual(ORDER_EVENTS);
    const positions = messages.map((entry) => Number(entry.message.data.id));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    const verifier = new Webhook(secret);
    for (const entry of messages) {
      expect(entry.id).toBe(`evt_${entry.message.data.id}`);
      expect(verifier.verify(entry.body, entry.headers)).toEqual(entry.message);
      expect(entry.message.data.payload.workOrder).toMatchObject({
        id: order.id,
        number: Number(String(order.number).replace(/\D/g, '')),
        externalRef: `SAP-${webhookId.slice(0, 8)}`,
      });
    }
    // A body changed on the way fails verification; so does a wrong secret.
    const [first] = messages;
    expect(() =>
      verifier.verify(
        first.body.replace('"externalRef":"SAP-', '"externalRef":"SAQ-'),
        first.headers,
      ),
    ).toThrow();
    expect(() =>
      new Webhook(`whsec_${Buffer.from('not the secret at all!!').toString('base64')}`).verify(
        first.body,
        first.headers,
      ),
    ).toThrow();

    // The receiver has answered; the outcome is recorded a moment later.
    const deliveries = await eventually(
      () => admin.get(`/webhooks/${webhookId}/deliveries?status=delivered`),
      (page) => page.body.items.length >= ORDER_EVENTS.length,
    );
    expect(deliveries.body.items[0]).toMatchObject({
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 204,
    });
    // Other tenants see none of it.
    const globex = app.api.as(await tokenFor('globex', 'admin'));
    expect((await globex.get(`/webhooks/${webhookId}`)).status).toBe(404);
    expect((await globex.get('/webhooks')).body.items).toEqual([]);
  });

  it('retries a receiver answering 500 twice and delivers on the third attempt, logging each', async () => {
    const hooks = await receiver();
    hooks.answer = (entry) => (entry.attempt <= 2 ? 500 : 200);
    const { id: webhookId } = await subscribe(admin, hooks.url, ['site.created']);
    const site = await admin.post('/sites', {
      name: `Retry ${Date.now()}`,
      address: 'Somewhere 1',
      latitude: 1,
      longitude: 1,
    });
    expect(site.status).toBe(201);
    await hooks.waitFor(
      (received) => received.some((entry) => entry.attempt === 3),
      10_000,
      'the third attempt',
    );
    const attempts = hooks.received.filter(
      (entry) => entry.message.data.entity?.id === site.body.id,
    );
    expect(attempts.map((entry) => entry.answeredWith)).toEqual([500, 500, 200]);
    expect(new Set(attempts.map((entry) => entry.id)).size).toBe(1);

    const list = await eventually(
      () => admin.get(`/webhooks/${webhookId}/deliveries`),
      (page) => page.body.items[0]?.status === 'delivered',
    );
    const [delivery] = list.body.items;
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200 });
    const detail = await admin.get(`/webhooks/${webhookId}/deliveries/${delivery.id}`);
    expect(
      detail.body.attemptLog.map((attempt: { statusCode: number }) => attempt.statusCode),
    ).toEqual([500, 500, 200]);
    expect(detail.body.attemptLog[0].responseExcerpt).toBe('receiver says no');
    expect((await admin.get(`/webhooks/${webhookId}`)).body.failingSince).toBeNull();
  });

  it('sends a test message, redelivers by hand, and rotates the secret with a grace period', async () => {
    const hooks = await receiver();
    const { id: webhookId, secret } = await subscribe(admin, hooks.url, ['site.created']);
    const test = await admin.post(`/webhooks/${webhookId}/test`);
    expect(test.status).toBe(202);
    await hooks.waitFor((received) =>
      received.some((entry) => entry.message.type === 'webhook.test'),
    );
    const [message] = hooks.received;
    expect(new Webhook(secret).verify(message.body, message.headers)).toMatchObject({
      type: 'webhook.test',
    });

    const rotated = await admin.post(`/webhooks/${webhookId}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(secret);
    const again = await admin.post(
      `/webhooks/${webhookId}/deliveries/${test.body.deliveryId}/redeliver`,
    );
    expect(again.status).toBe(202);
    await hooks.waitFor(
      (received) => received.filter((entry) => entry.id === message.id).length === 2,
    );
    const redelivered = hooks.received.filter((entry) => entry.id === message.id)[1];
    // Signed with both secrets while the old one is still honoured.
    expect(redelivered.signature.split(' ')).toHaveLength(2);
    expect(
      new Webhook(rotated.body.secret).verify(redelivered.body, redelivered.headers),
    ).toBeTruthy();
    expect(new Webhook(secret).verify(redelivered.body, redelivered.headers)).toBeTruthy();
  });

  it('keeps delivering to one tenant while another tenant’s receiver never answers', async () => {
    const dead = await receiver();
    dead.answer = () => 'hold';
    const healthy = await receiver();
    const acmeAdmin = admin;
    const globexAdmin = app.api.as(await tokenFor('globex', 'admin'));
    await subscribe(acmeAdmin, dead.url, ['qualification.created']);
    await subscribe(globexAdmin, healthy.url, ['qualification.created']);
    const tag = Date.now();
    for (let index = 0; index < 20; index += 1) {
      await acmeAdmin.post('/qualifications', { code: `DEAD-${tag}-${index}`, name: 'Dead' });
    }
    await dead.waitFor((received) => received.length >= 10, 10_000, 'the dead receiver’s requests');
    for (let index = 0; index < 20; index += 1) {
      const created = await globexAdmin.post('/qualifications', {
        code: `OK-${tag}-${index}`,
        name: 'Ok',
      });
      expect(created.status).toBe(201);
      await healthy.waitFor(
        (received) => received.some((entry) => entry.message.data.entity?.id === created.body.id),
        1_500,
        'a globex delivery while acme’s receiver hangs',
      );
    }
    // Commit → receiver, measured from the event's time (its transaction's start).
    const latencies = healthy.received
      .map((entry) => entry.receivedAt - Date.parse(entry.message.timestamp))
      .sort((a, b) => a - b);
    const percentile = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
    process.stdout.write(
      `webhook delivery latency (event → receiver), ${latencies.length} deliveries: p50 ${percentile(0.5)} ms, p95 ${percentile(0.95)} ms, max ${latencies[latencies.length - 1]} ms\n`,
    );
    expect(percentile(0.5)).toBeLessThan(1_000);
  });

  it('waits for an event still committing under a lower outbox id, and then sends it too', async () => {
    const hooks = await receiver();
    await subscribe(admin, hooks.url, ['site.created']);
    // A transaction takes an outbox id and holds it while a later one commits.
    const slow = new Client({ connectionString: database.apiUrl });
    await slow.connect();
    try {
      const lateSite = randomUUID();
      await slow.query(`BEGIN; SET LOCAL search_path = tenant_acme`);
      await slow.query(
        `INSERT INTO audit_events (actor_kind, actor_subject, actor_name, actor_role, action, entity_type, entity_id, payload)
         VALUES ('person', 'test', 'test', 'admin', 'site.created', 'site', $1, $2)`,
        [lateSite, JSON.stringify({ site: { id: lateSite, name: 'Late' } })],
      );
      const quick = await admin.post('/sites', {
        name: `Quick ${lateSite}`,
        address: 'Here 1',
        latitude: 3,
        longitude: 3,
      });
      expect(quick.status).toBe(201);
      // Nothing after the hole goes out while it may still fill …
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(hooks.received).toEqual([]);
      await slow.query('COMMIT');
      // … and once it has, both are sent: the late event is not skipped.
      await hooks.waitFor((received) => received.length >= 2, 10_000, 'both site events');
      expect(hooks.received.map((entry) => entry.message.data.entity.id).sort()).toEqual(
        [lateSite, quick.body.id].sort(),
      );
    } finally {
      await slow.end();
    }
  });

  it('refuses bad subscriptions and non-admins', async () => {
    for (const body of [
      { url: 'not a url', events: ['site.created'] },
      { url: 'ftp://example.com/x', events: ['site.created'] },
      { url: 'https://example.com/x', events: [] },
      { url: 'https://example.com/x', events: ['no.such_event'] },
      { url: 'https://example.com/x', events: ['site.created'], secret: 'mine' },
    ]) {
      const response = await admin.post('/webhooks', body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    for (const role of ['dispatcher', 'viewer', 'driver'] as const) {
      const api = app.api.as(await tokenFor('acme', role));
      expect((await api.get('/webhooks')).status).toBe(403);
      expect(
        (await api.post('/webhooks', { url: 'https://example.com', events: ['site.created'] }))
          .status,
      ).toBe(403);
    }
  });

  it('disables an endpoint that keeps failing, tells the admins, and resumes in order once re-enabled', async () => {
    // An instance of its own, on a database of its own: no other instance's worker (with other
    // retry settings) may take these deliveries.
    const failing = await startTestApp({
      config: {
        WEBHOOK_RETRY_SCHEDULE_SECONDS: '0.3,0.3,0.3,0.3,0.3,0.3,0.3,0.3',
        WEBHOOK_DISABLE_AFTER_SECONDS: '1',
      },
    });
    try {
      const globexAdmin = failing.api.as(await tokenFor('globex', 'admin'));
      const hooks = await receiver();
      hooks.answer = () => 503;
      const { id: webhookId } = await subscribe(globexAdmin, hooks.url, [
        'site.created',
        'site.updated',
      ]);
      const site = await globexAdmin.post('/sites', {
        name: `Down ${Date.now()}`,
        address: 'Nowhere 1',
        latitude: 2,
        longitude: 2,
      });
      const deadline = Date.now() + 15_000;
      let webhook = (await globexAdmin.get(`/webhooks/${webhookId}`)).body;
      while (webhook.enabled && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        webhook = (await globexAdmin.get(`/webhooks/${webhookId}`)).body;
      }
      expect(webhook).toMatchObject({
        enabled: false,
        disabledBy: 'failures',
        pendingDeliveries: 1,
      });
      expect(webhook.disabledReason).toContain('failed for 1 s (last: HTTP 503)');
      const audit = await globexAdmin.get('/audit?action=webhook.disabled');
      expect(audit.body.items.map((event: { entityId: string }) => event.entityId)).toContain(
        webhookId,
      );

      // Nothing is sent while disabled; re-enabled, the waiting delivery goes first, then what
      // happened meanwhile, then what comes next.
      await globexAdmin.patch(`/sites/${site.body.id}`, { address: 'Nowhere 2' });
      hooks.answer = () => 200;
      const before = hooks.received.length;
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(hooks.received.length).toBe(before);
      expect((await globexAdmin.patch(`/webhooks/${webhookId}`, { enabled: true })).status).toBe(
        200,
      );
      await globexAdmin.patch(`/sites/${site.body.id}`, { address: 'Nowhere 3' });
      await hooks.waitFor(
        (received) => received.filter((entry) => entry.answeredWith === 200).length >= 3,
      );
      expect(
        hooks.accepted().map((entry) => [entry.message.type, entry.message.data.payload.changed]),
      ).toEqual([
        ['site.created', undefined],
        ['site.updated', ['address']],
        ['site.updated', ['address']],
      ]);
      const positions = hooks.accepted().map((entry) => Number(entry.message.data.id));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect((await globexAdmin.get(`/webhooks/${webhookId}`)).body).toMatchObject({
        enabled: true,
        failingSince: null,
        disabledBy: null,
        disabledReason: null,
      });
    } finally {
      await failing.close();
    }
  });

  it('loses nothing when the delivering instance is killed mid-delivery (a duplicate at most, never a gap)', async () => {
    const hooks = await receiver();
    const crashDatabase = await createTestDatabase();
    const environment = {
      DATABASE_URL: crashDatabase.apiUrl,
      MIGRATION_DATABASE_URL: crashDatabase.url,
      KEYCLOAK_URL: testEnvironment().keycloakUrl,
      LOG_LEVEL: 'silent',
      SCHEDULE_SWEEP_SECONDS: '0',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOK_TIMEOUT_MILLISECONDS: '1000',
      WEBHOOK_RETRY_SCHEDULE_SECONDS: '0.2,0.2,0.2',
    };
    const first = new ApiProcess({ ...environment, PORT: String(await freePort()) });
    let second: ApiProcess | undefined;
    try {
      await first.start();
      const api = new ApiClient(`${first.baseUrl}/api/v1`, await tokenFor('acme', 'admin'));
      await subscribe(api, hooks.url);
      const world = await Scenario.create(api);
      for (let index = 0; index < 3; index += 1) {
        await world.unit();
        await world.driver();
      }
      // The receiver holds the fifth message it sees: the instance is killed while it waits.
      let held: string | undefined;
      hooks.answer = (entry) => {
        if (held === undefined && hooks.received.length === 4) {
          held = entry.id;
          return 'hold';
        }
        return 204;
      };
      const orders = [];
      for (let index = 0; index < 3; index += 1) {
        const order = await world.order('urgent');
        expect(order.status).toBe('dispatched');
        orders.push(order);
      }
      await hooks.waitFor(() => held !== undefined, 10_000, 'a held delivery');
      // More work commits while the instance dies: it is delivered by the next one.
      for (const order of orders) {
        await api.post(`/dispatches/${order.dispatch?.id}/transitions`, { to: 'acknowledged' });
      }
      await first.kill();
      second = new ApiProcess({
        ...environment,
        PORT: String(await freePort()),
        MIGRATE_ON_START: 'false',
      });
      await second.start();

      const expected = await queryDatabase<{ id: string }>(
        crashDatabase.url,
        `SELECT id::text FROM tenant_acme.audit_events WHERE action = ANY($1) ORDER BY id`,
        [ORDER_EVENTS],
      );
      await hooks.waitFor(
        () =>
          expected.every(({ id }) => hooks.accepted().some((entry) => entry.id === `evt_${id}`)),
        20_000,
        'every committed event',
      );
      for (const order of orders) {
        const firstArrivals = forOrder(hooks.accepted(), order.id).map((entry) =>
          Number(entry.message.data.id),
        );
        expect(firstArrivals).toEqual([...firstArrivals].sort((a, b) => a - b));
        expect(firstArrivals).toHaveLength(3); // created, assigned, acknowledged
      }
      expect(hooks.received.filter((entry) => entry.id === held).length).toBeGreaterThanOrEqual(2);
    } finally {
      await first.kill();
      await second?.stop();
      await crashDatabase.drop();
    }
  });
});
