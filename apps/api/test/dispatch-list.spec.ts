import { type ApiClient, tokenFor } from '@dispatch/testing';
import { DISPATCH_STEPS, Scenario } from './support/scenario';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Listing dispatches for a stretch of time, as the console's unit timeline does for today: those
 * still open, and those completed or cancelled since a given moment, but none that ended before.
 */
describe('GET /dispatches?activeSince', () => {
  let testApp: TestApp;
  let dispatcher: ApiClient;
  let world: Scenario;
  let unitId: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    const admin = testApp.api.as(await tokenFor('acme', 'admin'));
    dispatcher = testApp.api.as(await tokenFor('acme', 'dispatcher'));
    world = await Scenario.create(admin);
    await world.driver();
    unitId = (await world.unit()).id;
  });

  afterAll(async () => {
    await testApp?.close();
  });

  /** A new order of the scenario, dispatched at once to its one unit. */
  async function dispatched(): Promise<string> {
    const order = await world.order('urgent');
    expect(order.status).toBe('dispatched');
    return order.dispatch!.id;
  }

  /** Takes a dispatch through every step; returns when it was completed. */
  async function complete(dispatchId: string): Promise<string> {
    let completedAt = '';
    for (const step of DISPATCH_STEPS) {
      const moved = await dispatcher.post(`/dispatches/${dispatchId}/transitions`, { to: step });
      expect({ step, status: moved.status }).toEqual({ step, status: 200 });
      completedAt = moved.body.completedAt;
    }
    return completedAt;
  }

  it('lists the open dispatches and those ended since, not those ended before', async () => {
    const before = await dispatched();
    const endedBefore = await complete(before);
    const since = new Date(Date.parse(endedBefore) + 1).toISOString();
    const after = await dispatched();
    await complete(after);
    const open = await dispatched();

    const listed = await dispatcher.get(
      `/dispatches?equipmentId=${unitId}&activeSince=${encodeURIComponent(since)}`,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((item: { id: string }) => item.id).sort()).toEqual(
      [after, open].sort(),
    );
    expect(listed.body.total).toBe(2);

    // Without the filter, the unit's whole history.
    const all = await dispatcher.get(`/dispatches?equipmentId=${unitId}`);
    expect(all.body.total).toBe(3);
  });

  it('takes a moment with an offset (an unencoded + too) and refuses one without', async () => {
    const encoded = await dispatcher.get(
      `/dispatches?activeSince=${encodeURIComponent('2026-12-02T00:00:00+01:00')}`,
    );
    expect(encoded.status).toBe(200);
    const unencoded = await dispatcher.get('/dispatches?activeSince=2026-12-02T00:00:00+01:00');
    expect(unencoded.status).toBe(200);
    const local = await dispatcher.get('/dispatches?activeSince=2026-12-02T00:00:00');
    expect(local.status).toBe(400);
    expect(local.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'activeSince' })]),
    );
  });
});
