import { type ApiClient, queryDatabase, tokenFor, withServer } from '@dispatch/testing';
import { DispatchStatus, type EventName, isEventName, parsePayload } from '@dispatch/domain';
import { systemActor } from '../src/core/auth/actor';
import { TenantDatabase } from '../src/core/tenancy/tenant-database.service';
import { DispatchEngine } from '../src/modules/dispatch-engine/dispatch-engine.service';
import { DISPATCH_STEPS, Scenario } from './support/scenario';
import { entityIdOf, EventStream } from './support/sse';
import { startTestApp, type TestApp } from './support/test-app';

interface OutboxRow extends Record<string, unknown> {
  id: string;
  action: string;
  actor_kind: string;
  payload: unknown;
  request_id: string | null;
}

/**
 * The outbox of domain events: every change appends its typed events in its own transaction, so
 * they commit exactly once with it and never without it, and the live stream of another instance
 * delivers each of them once.
 */
describe('domain events from the outbox', () => {
  let first: TestApp;
  let second: TestApp;
  let admin: ApiClient;
  let dispatcher: ApiClient;
  let stream: EventStream;

  beforeAll(async () => {
    first = await startTestApp();
    second = await startTestApp({ database: first.database });
    admin = first.api.as(await tokenFor('acme', 'admin'));
    dispatcher = first.api.as(await tokenFor('acme', 'dispatcher'));
    stream = await EventStream.open(
      `${second.api.baseUrl}/events`,
      await tokenFor('acme', 'dispatcher'),
    );
  });

  afterAll(async () => {
    stream?.close();
    await second?.close();
    await first?.close();
  });

  const sql = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
    queryDatabase<T>(first.database.url, text, params, { searchPath: 'tenant_acme' });

  /** The events a request committed, in outbox order. */
  async function eventsOf(result: { headers: Headers }): Promise<OutboxRow[]> {
    const requestId = result.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    return sql<OutboxRow>(
      `SELECT id::text, action, actor_kind, payload, request_id FROM audit_events WHERE request_id = $1 ORDER BY id`,
      [requestId],
    );
  }

  async function expectEvents(
    result: { status: number; headers: Headers },
    expected: EventName[],
  ): Promise<OutboxRow[]> {
    expect(result.status).toBeLessThan(300);
    const rows = await eventsOf(result);
    expect(rows.map((row) => row.action)).toEqual(expected);
    for (const row of rows) {
      expect(isEventName(row.action)).toBe(true);
      // Every payload is what the catalogue (and so the OpenAPI document) says it is.
      expect(() => parsePayload(row.action as EventName, row.payload)).not.toThrow();
    }
    return rows;
  }

  it('emits each change’s typed events exactly once, in order, and streams each once to another instance', async () => {
    const world = await Scenario.create(admin);
    const unit = await world.unit();
    const spare = await world.unit();
    const driver = await world.driver();
    const seen: OutboxRow[] = [];

    const create = await dispatcher.post('/work-orders', {
      title: 'Outbox order',
      siteId: world.siteId,
      equipmentTypeId: world.typeId,
      priority: 'urgent',
    });
    seen.push(...(await expectEvents(create, ['work_order.created', 'dispatch.assigned'])));
    const dispatchId = create.body.dispatch.id as string;
    expect(seen[1]).toMatchObject({
      actor_kind: 'engine',
      payload: {
        mode: 'automatic',
        workOrder: { id: create.body.id, externalRef: null },
        driver: { id: driver.id },
      },
    });

    // To whichever unit the engine did not choose (both are equally near and unused).
    const chosen = create.body.dispatch.equipmentId as string;
    const other = chosen === unit.id ? spare.id : unit.id;
    const reassign = await dispatcher.post(`/dispatches/${dispatchId}/reassign`, {
      equipmentId: other,
    });
    seen.push(...(await expectEvents(reassign, ['dispatch.reassigned'])));
    expect(seen[seen.length - 1].payload).toMatchObject({
      from: { unit: { id: chosen } },
      to: { unit: { id: other } },
    });

    const queuedOrder = await dispatcher.post('/work-orders', {
      title: 'Waits for a driver',
      siteId: world.siteId,
      equipmentTypeId: world.typeId,
      priority: 'standard',
    });
    seen.push(...(await expectEvents(queuedOrder, ['work_order.created', 'work_order.queued'])));

    for (const step of DISPATCH_STEPS.slice(0, 3)) {
      const moved = await dispatcher.post(`/dispatches/${dispatchId}/transitions`, { to: step });
      seen.push(...(await expectEvents(moved, [`dispatch.${step}`])));
    }
    // Completing frees the driver: the queued order is served in the same transaction.
    const completed = await dispatcher.post(`/dispatches/${dispatchId}/transitions`, {
      to: 'completed',
    });
    seen.push(
      ...(await expectEvents(completed, [
        'dispatch.completed',
        'work_order.completed',
        'dispatch.assigned',
      ])),
    );

    // Into maintenance: whichever unit the served order did not take.
    const [{ equipment_id: busy }] = await sql<{ equipment_id: string }>(
      `SELECT equipment_id FROM dispatches WHERE work_order_id = $1`,
      [queuedOrder.body.id],
    );
    const idle = busy === unit.id ? spare.id : unit.id;
    const maintenance = await dispatcher.patch(`/equipment/${idle}`, { status: 'maintenance' });
    seen.push(...(await expectEvents(maintenance, ['equipment.maintenance_started'])));
    const renewed = await admin.patch(`/drivers/${driver.id}`, {
      qualifications: [{ qualificationId: world.qualificationId, expiresAt: '2100-06-30' }],
    });
    seen.push(...(await expectEvents(renewed, ['driver.qualification_renewed'])));

    // The other instance's stream carries each of them once, in outbox order.
    const last = seen[seen.length - 1].id;
    await stream.waitFor((event) => event.id === last, 2_000);
    const streamed = stream.events.filter((event) => seen.some((row) => row.id === event.id));
    expect(streamed.map((event) => event.id)).toEqual(seen.map((row) => row.id));
    expect(streamed.map((event) => event.event)).toEqual(seen.map((row) => row.action));
    expect(entityIdOf(streamed[0])).toBe(create.body.id);
  });

  it('writes neither the change nor its events when the transaction fails after the write', async () => {
    const world = await Scenario.create(admin);
    const unit = await world.unit();
    await world.driver();
    const before = await sql<{ count: number }>(`SELECT count(*)::int AS count FROM audit_events`);
    // The database refuses the outbox insert, the transaction's last statement: everything the
    // request wrote before it must roll back with it.
    await withServer(first.database.url, (client) =>
      client.query(`REVOKE INSERT ON tenant_acme.audit_events FROM dispatch_api`),
    );
    try {
      const refused = await dispatcher.post('/work-orders', {
        title: 'Never written',
        siteId: world.siteId,
        equipmentTypeId: world.typeId,
        priority: 'emergency',
      });
      expect(refused.status).toBeGreaterThanOrEqual(500);
      expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    } finally {
      await withServer(first.database.url, (client) =>
        client.query(`GRANT INSERT ON tenant_acme.audit_events TO dispatch_api`),
      );
    }
    expect(await sql(`SELECT id FROM work_orders WHERE title = 'Never written'`)).toEqual([]);
    expect(await sql(`SELECT status FROM equipment WHERE id = $1`, [unit.id])).toEqual([
      { status: 'available' },
    ]);
    expect(await sql(`SELECT count(*)::int AS count FROM audit_events`)).toEqual(before);
    // The same request now goes through, with its events.
    const accepted = await dispatcher.post('/work-orders', {
      title: 'Written now',
      siteId: world.siteId,
      equipmentTypeId: world.typeId,
      priority: 'emergency',
    });
    await expectEvents(accepted, ['work_order.created', 'dispatch.assigned']);
    expect(
      stream.events.some((event) => JSON.stringify(event.data).includes('Never written')),
    ).toBe(false);
  });

  it('rolls a completion back with its events when the work fails after the engine wrote', async () => {
    const world = await Scenario.create(admin);
    await world.unit();
    await world.driver();
    const order = await world.order('urgent');
    const dispatchId = order.dispatch!.id;
    for (const step of DISPATCH_STEPS.slice(0, 3))
      await dispatcher.post(`/dispatches/${dispatchId}/transitions`, { to: step });
    const db = first.app.get(TenantDatabase);
    const engine = first.app.get(DispatchEngine);
    const actor = systemActor('acme', 'forced-failure');
    await expect(
      db.transaction(
        actor,
        async (manager) => {
          await engine.transition(manager, actor, dispatchId, DispatchStatus.Completed);
          throw new Error('forced failure after the write');
        },
        { servesQueue: true },
      ),
    ).rejects.toThrow('forced failure');
    expect(await sql(`SELECT status FROM dispatches WHERE id = $1`, [dispatchId])).toEqual([
      { status: 'on_site' },
    ]);
    expect(await sql(`SELECT id FROM audit_events WHERE request_id = 'forced-failure'`)).toEqual(
      [],
    );
    expect(
      await sql(`SELECT ended_at FROM assignment_periods WHERE dispatch_id = $1`, [dispatchId]),
    ).toEqual([{ ended_at: null }]);
  });
});
