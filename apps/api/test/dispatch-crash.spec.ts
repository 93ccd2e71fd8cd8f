import {
  ApiClient,
  ApiProcess,
  createTestDatabase,
  freePort,
  queryDatabase,
  testEnvironment,
  type TestDatabase,
  tokenFor,
  invariantViolations,
} from '@dispatch/testing';
import { DISPATCH_STEPS, Scenario } from './support/scenario';

/** SIGKILL the API in the middle of a burst: every acknowledged write survives, nothing is half-assigned, the queue still drains. */
describe('crash in the middle of a burst', () => {
  let database: TestDatabase;
  let api: ApiProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    api = new ApiProcess({
      DATABASE_URL: database.url,
      KEYCLOAK_URL: testEnvironment().keycloakUrl,
      PORT: String(await freePort()),
      LOG_LEVEL: 'silent',
      SCHEDULE_SWEEP_SECONDS: '0',
    });
    await api.start();
  });

  afterAll(async () => {
    await api?.stop();
    await database?.drop();
  });

  it('loses no acknowledged write and leaves nothing half-done', async () => {
    const dispatcher = new ApiClient(`${api.baseUrl}/api/v1`, await tokenFor('acme', 'dispatcher'));
    const admin = dispatcher.as(await tokenFor('acme', 'admin'));
    const world = await Scenario.create(admin);
    for (let index = 0; index < 3; index += 1) await world.unit();
    for (let index = 0; index < 3; index += 1) await world.driver();

    const acknowledged: { kind: string; id: string; status?: string }[] = [];
    let completedResponses = 0;
    let killed = false;
    const worker = async (index: number) => {
      for (let request = 0; request < 40 && !killed; request += 1) {
        try {
          const created = await dispatcher.post('/work-orders', {
            title: `Crash ${index}.${request}`,
            siteId: world.siteId,
            equipmentTypeId: world.typeId,
            priority: ['low', 'standard', 'urgent', 'emergency'][request % 4],
          });
          completedResponses += 1;
          if (created.status === 201)
            acknowledged.push({ kind: 'work_order', id: created.body.id });
          if (created.body?.dispatch) {
            const step = await dispatcher.post(
              `/dispatches/${created.body.dispatch.id}/transitions`,
              { to: 'acknowledged' },
            );
            if (step.status === 200)
              acknowledged.push({
                kind: 'dispatch',
                id: created.body.dispatch.id,
                status: 'acknowledged',
              });
          }
        } catch {
          // the connection died with the process: not acknowledged
        }
      }
    };
    const burst = Promise.all(Array.from({ length: 16 }, (_, index) => worker(index)));
    while (completedResponses < 40) await new Promise((resolve) => setTimeout(resolve, 5));
    killed = true;
    await api.kill();
    await burst;
    expect(acknowledged.length).toBeGreaterThanOrEqual(40);

    await api.start();
    for (const write of acknowledged) {
      if (write.kind === 'work_order') {
        const order = await dispatcher.get(`/work-orders/${write.id}`);
        expect({ id: write.id, status: order.status }).toEqual({ id: write.id, status: 200 });
      } else {
        const dispatch = await dispatcher.get(`/dispatches/${write.id}`);
        expect(dispatch.body.acknowledgedAt).toEqual(expect.any(String));
      }
    }
    expect(await invariantViolations(database.url)).toEqual({});

    // The queue survived the crash and still drains: completing the open dispatches serves it.
    const [{ queued }] = await queryDatabase<{ queued: string }>(
      database.url,
      `SELECT count(*) AS queued FROM tenant_acme.work_orders WHERE status = 'queued'`,
    );
    expect(Number(queued)).toBeGreaterThan(0);
    const open = await queryDatabase<{ id: string; status: string }>(
      database.url,
      `SELECT id, status FROM tenant_acme.dispatches WHERE status IN ('assigned','acknowledged')`,
    );
    for (const dispatch of open) {
      for (const step of DISPATCH_STEPS.slice(dispatch.status === 'assigned' ? 0 : 1)) {
        expect(
          (await dispatcher.post(`/dispatches/${dispatch.id}/transitions`, { to: step })).status,
        ).toBe(200);
      }
    }
    const [{ after }] = await queryDatabase<{ after: string }>(
      database.url,
      `SELECT count(*) AS after FROM tenant_acme.work_orders WHERE status = 'queued'`,
    );
    expect(Number(after)).toBe(Number(queued) - open.length);
    expect(await invariantViolations(database.url)).toEqual({});
  });
});
