import { type HttpResult, queryDatabase, tokenFor, invariantViolations } from '@dispatch/testing';
import { Fixtures } from './support/fixtures';
import { startOwnPostgres, type OwnPostgres } from './support/own-postgres';
import { entityIdOf, EventStream } from './support/sse';
import { startTestApp, type TestApp } from './support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CLIENTS = 4;
const RETRY_AFTER_SECONDS = 2;

interface Answer {
  at: number;
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  body: { id?: string; type?: string } | undefined;
}

function answerOf(result: HttpResult): Answer {
  return {
    at: Date.now(),
    status: result.status,
    contentType: result.headers.get('content-type'),
    retryAfter: result.headers.get('retry-after'),
    body: result.body as Answer['body'],
  };
}

/** Resolves once `check` passes, polling every 100 ms for up to `timeoutMs`. */
async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

describe('PostgreSQL stopped and started again under load', () => {
  let postgres: OwnPostgres;
  let app: TestApp;
  let stream: EventStream | undefined;

  beforeAll(async () => {
    postgres = await startOwnPostgres();
    app = await startTestApp({
      database: postgres.database,
      config: {
        UNAVAILABLE_RETRY_AFTER_SECONDS: String(RETRY_AFTER_SECONDS),
        // An unexpected 500 prints its error (with the request id the answer carries).
        LOG_LEVEL: 'error',
      },
    });
  });

  afterAll(async () => {
    // An open live stream would keep the server from closing.
    stream?.close();
    await app?.close();
    await postgres?.destroy();
  });

  it('answers 503 with Retry-After (never 500) while it is away, writes nothing partial, and recovers by itself, live stream included', async () => {
    const admin = app.api.as(await tokenFor('acme', 'admin'));
    const dispatcherToken = await tokenFor('acme', 'dispatcher');
    const dispatcher = app.api.as(dispatcherToken);
    const fixtures = new Fixtures(admin);
    const site = await fixtures.site();
    const type = await fixtures.equipmentType();
    for (let index = 0; index < 3; index += 1) {
      await fixtures.equipment(type.id);
      await fixtures.driver({ dutyStatus: 'on_duty' });
    }
    stream = await EventStream.open(`${app.api.baseUrl}/events`, dispatcherToken);

    const answers: Answer[] = [];
    /** Each write carries an Idempotency-Key, and a refused one is sent again with it, as an ERP would. */
    const keys = new Map<string, string | undefined>();
    const post = (key: string) =>
      dispatcher.request(
        'POST',
        '/work-orders',
        {
          title: `Outage load ${key}`,
          siteId: site.id,
          equipmentTypeId: type.id,
          priority: 'standard',
        },
        { 'Idempotency-Key': key },
      );
    let stopLoad = false;
    const client = async (index: number) => {
      let pending: string | undefined;
      for (let round = 0; !stopLoad; round += 1) {
        let result: HttpResult;
        if ((round + index) % 3 === 0) result = await dispatcher.get('/work-orders?limit=5');
        else {
          const key = pending ?? `outage-${index}-${round}`;
          keys.set(key, undefined);
          result = await post(key);
          // Refused, or its first attempt's key not yet freed after the outage: send it again.
          pending = result.status === 503 || result.status === 409 ? key : undefined;
          if (result.status === 201) keys.set(key, (result.body as { id: string }).id);
        }
        answers.push(answerOf(result));
        await sleep(20);
      }
    };
    const load = Promise.all(Array.from({ length: CLIENTS }, (_, index) => client(index)));
    try {
      await sleep(1_500);
      const stoppedAt = Date.now();
      await postgres.stop();
      await sleep(1_000);
      const readyDuringOutage = await app.root.get('/health/ready');
      expect(readyDuringOutage.status).toBe(503);
      await sleep(2_000);
      const startedAt = Date.now();
      await postgres.start();

      // Every client gets its work done again within seconds of the restart.
      await eventually(
        async () =>
          answers.filter((answer) => answer.at > startedAt && answer.status === 201).length >=
          CLIENTS,
        15_000,
      );
      const firstSuccess = answers.find((answer) => answer.at > startedAt && answer.status < 300);
      expect((firstSuccess?.at ?? Infinity) - startedAt).toBeLessThan(10_000);
      await eventually(async () => (await app.root.get('/health/ready')).status === 200, 10_000);

      stopLoad = true;
      await load;

      // During the outage: answered, not suffered.
      const during = answers.filter((answer) => answer.at > stoppedAt && answer.at < startedAt);
      expect(during.length).toBeGreaterThan(CLIENTS);
      const refused = answers.filter((answer) => answer.status === 503);
      expect(refused.length).toBeGreaterThan(0);
      for (const answer of refused) {
        expect(answer.contentType).toMatch(/^application\/problem\+json/);
        expect(answer.retryAfter).toBe(String(RETRY_AFTER_SECONDS));
        expect(answer.body?.type).toBe('urn:dispatch:problem:database-unavailable');
      }
      expect(answers.filter((answer) => answer.status >= 500 && answer.status !== 503)).toEqual([]);
      // 409: a retry that met its key still held by the attempt the outage cut (Retry-After 1).
      const inProgress = answers.filter((answer) => answer.status === 409);
      for (const answer of inProgress) {
        expect(answer.body?.type).toBe('urn:dispatch:problem:request-in-progress');
        expect(answer.retryAfter).toBe('1');
      }
      expect(answers.filter((answer) => ![200, 201, 409, 503].includes(answer.status))).toEqual([]);
    } finally {
      stopLoad = true;
      await load;
    }

    // Nothing lost, nothing doubled, nothing partial: every write refused during the outage, sent
    // again with its key, now has its one order; the database holds exactly the orders answered,
    // each with its creation event; the engine's promises hold.
    for (const [key, id] of keys) {
      if (id) continue;
      let retried = await post(key);
      for (let wait = 0; retried.status === 409 && wait < 10; wait += 1) {
        await sleep(1_000);
        retried = await post(key);
      }
      expect(retried.status).toBe(201);
      keys.set(key, (retried.body as { id: string }).id);
    }
    const orders = await queryDatabase<{ id: string; events: string }>(
      postgres.database.url,
      `SELECT wo.id, (SELECT count(*) FROM audit_events e
                       WHERE e.entity_id = wo.id AND e.action = 'work_order.created')::text AS events
         FROM work_orders wo`,
      [],
      { searchPath: 'tenant_acme' },
    );
    expect(orders.map((order) => order.id).sort()).toEqual([...new Set(keys.values())].sort());
    expect(orders.filter((order) => order.events !== '1')).toEqual([]);
    expect(await invariantViolations(postgres.database.url)).toEqual({});

    // The live stream opened before the outage carries what happens after it.
    const after = await fixtures.workOrder(site.id, type.id, { title: 'After the outage' });
    await (stream as EventStream).waitFor(
      (event) => event.event === 'work_order.created' && entityIdOf(event) === after.id,
      15_000,
    );
  }, 90_000);
});
