import { type HttpResult, queryDatabase, tokenFor } from '@dispatch/testing';
import { Fixtures } from './support/fixtures';
import { invariantViolations } from './support/invariants';
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

  beforeAll(async () => {
    postgres = await startOwnPostgres();
    app = await startTestApp({
      database: postgres.database,
      config: { UNAVAILABLE_RETRY_AFTER_SECONDS: String(RETRY_AFTER_SECONDS) },
    });
  });

  afterAll(async () => {
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
    const stream = await EventStream.open(`${app.api.baseUrl}/events`, dispatcherToken);

    const answers: Answer[] = [];
    let stopLoad = false;
    const client = async (index: number) => {
      for (let round = 0; !stopLoad; round += 1) {
        const result =
          (round + index) % 3 === 0
            ? await dispatcher.get('/work-orders?limit=5')
            : await dispatcher.post('/work-orders', {
                title: `Outage load ${index}-${round}`,
                siteId: site.id,
                equipmentTypeId: type.id,
                priority: 'standard',
              });
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
      expect(answers.filter((answer) => ![200, 201, 503].includes(answer.status))).toEqual([]);
    } finally {
      stopLoad = true;
      await load;
    }

    // Nothing partial: every order answered 201 exists, each with its creation event; every order
    // in the database was answered (a refused one left nothing behind); the engine's promises hold.
    const createdIds = answers
      .filter((answer) => answer.status === 201)
      .map((answer) => answer.body?.id as string);
    const orders = await queryDatabase<{ id: string; events: string }>(
      postgres.database.url,
      `SELECT wo.id, (SELECT count(*) FROM audit_events e
                       WHERE e.entity_id = wo.id AND e.action = 'work_order.created')::text AS events
         FROM work_orders wo`,
      [],
      { searchPath: 'tenant_acme' },
    );
    expect(orders.map((order) => order.id).sort()).toEqual([...createdIds].sort());
    expect(orders.filter((order) => order.events !== '1')).toEqual([]);
    expect(await invariantViolations(postgres.database.url)).toEqual({});

    // The live stream opened before the outage carries what happens after it.
    const after = await fixtures.workOrder(site.id, type.id, { title: 'After the outage' });
    await stream.waitFor(
      (event) => event.event === 'work_order.created' && entityIdOf(event) === after.id,
      15_000,
    );
    stream.close();
  }, 90_000);
});
