import { createTestDatabase, type TestDatabase, tokenFor } from '@dispatch/testing';
import { DISPATCH_STEPS, Scenario } from './support/scenario';
import { entityIdOf, EventStream } from './support/sse';
import { startTestApp, type TestApp } from './support/test-app';

/** Live updates across two API instances sharing one database, read from the outbox of domain events. */
describe('live event stream', () => {
  let database: TestDatabase;
  let first: TestApp;
  let second: TestApp;
  const streams: EventStream[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    first = await startTestApp({ database });
    second = await startTestApp({ database });
  });

  afterAll(async () => {
    for (const stream of streams) stream.close();
    await first?.close();
    await second?.close();
    await database?.drop();
  });

  async function open(
    app: TestApp,
    token: string | undefined,
    lastEventId?: string,
  ): Promise<EventStream> {
    const stream = await EventStream.open(`${app.api.baseUrl}/events`, token, lastEventId);
    streams.push(stream);
    return stream;
  }

  it('refuses anonymous subscribers and serves every role', async () => {
    expect((await open(first, undefined)).status).toBe(401);
    for (const role of ['admin', 'dispatcher', 'driver', 'viewer'] as const) {
      const stream = await open(first, await tokenFor('acme', role));
      expect({ role, status: stream.status, first: stream.events[0]?.event }).toEqual({
        role,
        status: 200,
        first: 'ready',
      });
    }
  });

  it('delivers a change made through one instance to a subscriber of the other within a second', async () => {
    const board = await open(second, await tokenFor('acme', 'dispatcher'));
    const world = await Scenario.create(first.api.as(await tokenFor('acme', 'admin')));
    await world.unit();
    await world.driver();
    const started = Date.now();
    const order = await world.order('urgent');
    const created = await board.waitFor(
      (event) => event.event === 'work_order.created' && entityIdOf(event) === order.id,
      1_000,
    );
    const assigned = await board.waitFor(
      (event) => event.event === 'dispatch.assigned' && entityIdOf(event) === order.dispatch?.id,
      1_000,
    );
    expect(created.receivedAt - started).toBeLessThan(1_000);
    expect(Number(assigned.id)).toBeGreaterThan(Number(created.id));
    expect(assigned.data).toMatchObject({
      type: 'dispatch.assigned',
      actor: { kind: 'engine' },
      payload: { workOrder: { id: order.id }, mode: 'automatic' },
    });
  });

  it('scopes the stream to the tenant, and a driver’s stream to its own dispatches', async () => {
    const globex = await open(first, await tokenFor('globex', 'viewer'));
    const driver = await open(second, await tokenFor('acme', 'driver'));
    const admin = first.api.as(await tokenFor('acme', 'admin'));
    const world = await Scenario.create(admin);
    await world.unit();
    await world.unit();
    await world.driver({ username: 'acme-driver' });
    const mine = await world.order('standard');
    await world.driver({ name: 'Another driver' });
    const theirs = await world.order('standard');
    const dispatcher = second.api.as(await tokenFor('acme', 'dispatcher'));
    for (const step of DISPATCH_STEPS)
      await dispatcher.post(`/dispatches/${mine.dispatch!.id}/transitions`, { to: step });
    await driver.waitFor(
      (event) => event.event === 'dispatch.completed' && entityIdOf(event) === mine.dispatch?.id,
      2_000,
    );
    const seen = new Set(driver.events.map((event) => entityIdOf(event)));
    expect(seen.has(mine.dispatch!.id)).toBe(true);
    expect(seen.has(mine.id)).toBe(true);
    expect(seen.has(theirs.dispatch!.id)).toBe(false);
    expect(seen.has(theirs.id)).toBe(false);
    expect(driver.events.some((event) => event.event?.startsWith('qualification.'))).toBe(false);
    expect(globex.events.map((event) => event.event)).toEqual(['ready']);
  });

  it('lets a reconnecting client catch up from its last event id without a reload', async () => {
    const token = await tokenFor('acme', 'viewer');
    const before = await open(first, token);
    const world = await Scenario.create(first.api.as(await tokenFor('acme', 'admin')));
    const lastSeen = (await before.waitFor((event) => event.event === 'equipment_type.created'))
      .id as string;
    before.close();
    const missed = await world.order('low');
    const later = await open(second, token, lastSeen);
    const replayed = await later.waitFor(
      (event) => event.event === 'work_order.created' && entityIdOf(event) === missed.id,
      2_000,
    );
    expect(Number(replayed.id)).toBeGreaterThan(Number(lastSeen));
    const changes = later.events.filter((event) => event.event !== 'ready');
    expect(changes.every((event) => Number(event.id) > Number(lastSeen))).toBe(true);
    const ids = changes.map((event) => Number(event.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('brings a step committed through one instance to the other’s stream quickly (prints p50/p95)', async () => {
    const board = await open(second, await tokenFor('acme', 'dispatcher'));
    const world = await Scenario.create(first.api.as(await tokenFor('acme', 'admin')));
    const dispatcher = first.api.as(await tokenFor('acme', 'dispatcher'));
    for (let index = 0; index < 4; index += 1) {
      await world.unit();
      await world.driver();
    }
    const latencies: number[] = [];
    for (let round = 0; round < 8; round += 1) {
      const order = await world.order('standard');
      for (const step of DISPATCH_STEPS) {
        const sent = Date.now();
        const moved = await dispatcher.post(`/dispatches/${order.dispatch!.id}/transitions`, {
          to: step,
        });
        expect(moved.status).toBe(200);
        // From the moment the step was sent (the commit is inside that round trip).
        const received = await board.waitFor(
          (event) => event.event === `dispatch.${step}` && entityIdOf(event) === order.dispatch?.id,
          2_000,
        );
        latencies.push(received.receivedAt - sent);
      }
    }
    latencies.sort((a, b) => a - b);
    const at = (share: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(share * latencies.length))];
    process.stderr.write(
      `[live-events] step sent → other instance's stream: p50 ${at(0.5)} ms, p95 ${at(0.95)} ms over ${latencies.length} steps\n`,
    );
    expect(at(0.95)).toBeLessThan(1_000);
  });
});
