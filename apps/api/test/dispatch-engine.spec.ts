import { type ApiClient, queryDatabase, tokenFor } from '@dispatch/testing';
import { daysAhead, DISPATCH_STEPS, hourFrom, Scenario } from './support/scenario';
import { startTestApp, type TestApp } from './support/test-app';

describe('dispatch engine over HTTP', () => {
  let testApp: TestApp;
  let admin: ApiClient;
  let dispatcher: ApiClient;

  beforeAll(async () => {
    testApp = await startTestApp();
    admin = testApp.api.as(await tokenFor('acme', 'admin'));
    dispatcher = testApp.api.as(await tokenFor('acme', 'dispatcher'));
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const sql = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
    queryDatabase<T>(testApp.database.url, text, params);

  describe('matching', () => {
    it('dispatches a new order at once: the unit nearest the site, a driver holding every qualification', async () => {
      const world = await Scenario.create(admin, { latitude: 39.74, longitude: -104.99 });
      await world.unit({ latitude: 40.5, longitude: -105.5 }, `FAR-${Date.now()}`);
      const near = await world.unit({ latitude: 39.75, longitude: -104.98 });
      await world.unit(undefined); // no known location: considered last
      const driver = await world.driver();
      const order = await world.order('urgent');
      expect(order.status).toBe('dispatched');
      expect(order.dispatch).toMatchObject({
        equipmentId: near.id,
        driverId: driver.id,
        status: 'assigned',
      });
      const unit = await admin.get(`/equipment/${near.id}`);
      expect(unit.body.status).toBe('dispatched');
      const [event] = await sql<{
        actor_kind: string;
        payload: {
          mode: string;
          distanceKm: number;
          unit: { id: string; code: string };
          driver: { id: string; name: string };
          workOrder: { id: string; number: number };
        };
      }>(
        `SELECT actor_kind, payload FROM tenant_acme.audit_events WHERE action = 'dispatch.assigned' AND entity_id = $1`,
        [order.dispatch?.id],
      );
      expect(event.actor_kind).toBe('engine');
      expect(event.payload).toMatchObject({
        mode: 'automatic',
        unit: { id: near.id, code: near.code },
        driver: { id: driver.id },
        workOrder: { id: order.id, number: expect.any(Number) },
      });
      expect(event.payload.distanceKm).toBeLessThan(2);
    });

    it('prefers, among equally near units, the one least used today', async () => {
      const spot = { latitude: 39.8, longitude: -105 };
      // Units at the site itself: completing a job (which moves the unit to the site) keeps them equally near.
      const world = await Scenario.create(admin, spot);
      const first = await world.unit(spot, `A-${Date.now()}`);
      const second = await world.unit(spot, `B-${Date.now()}`);
      await world.driver();
      const one = await world.order();
      expect(one.dispatch?.equipmentId).toBe(first.id);
      await complete(one.dispatch!.id);
      // `first` is back and as near, but has been used today: `second` is chosen.
      await world.driver();
      const two = await world.order();
      expect(two.dispatch?.equipmentId).toBe(second.id);
    });

    it('keeps scarce skills free: of two qualified drivers, the one with fewer other qualifications goes', async () => {
      const world = await Scenario.create(admin);
      const rare = await world.qualification();
      await world.unit();
      const versatile = await world.driver({
        name: 'A versatile',
        extra: [{ qualificationId: rare, expiresAt: '2099-01-01' }],
      });
      const plain = await world.driver({ name: 'B plain' });
      const order = await world.order();
      expect(order.dispatch?.driverId).toBe(plain.id);
      expect(order.dispatch?.driverId).not.toBe(versatile.id);
    });

    it('requires every qualification of the type and of the order, valid through the end of the window', async () => {
      const world = await Scenario.create(admin);
      const hazmat = await world.qualification();
      await world.unit();
      const expiresSoon = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
      await world.driver({ name: 'Without hazmat' });
      const start = new Date(Date.now() + 20 * 60_000);
      const end = new Date(Date.now() + 10 * 86_400_000);
      await world.driver({
        name: 'Hazmat expiring',
        extra: [{ qualificationId: hazmat, expiresAt: expiresSoon }],
      });
      const order = await world.order('standard', {
        requiredQualificationIds: [hazmat],
        window: { start: start.toISOString(), end: end.toISOString() },
      });
      expect(order.status).toBe('queued');
      expect(order.blockedBy).toEqual([
        expect.objectContaining({
          code: 'no_free_driver_with_qualification',
          qualificationId: hazmat,
          reason: 'expires_before_due',
        }),
      ]);
      // Renewing the certificate frees the order in the same request.
      const holder = (await admin.get(`/drivers?qualificationId=${hazmat}`)).body.items[0];
      const renewed = await admin.patch(`/drivers/${holder.id}`, {
        qualifications: [
          { qualificationId: world.qualificationId, expiresAt: '2099-12-31' },
          { qualificationId: hazmat, expiresAt: '2099-12-31' },
        ],
      });
      expect(renewed.status).toBe(200);
      const after = await admin.get(`/work-orders/${order.id}`);
      expect(after.body).toMatchObject({ status: 'dispatched', dispatch: { driverId: holder.id } });
    });

    it('ignores off-duty drivers, busy drivers and units in maintenance', async () => {
      const world = await Scenario.create(admin);
      const unit = await world.unit();
      await admin.patch(`/equipment/${unit.id}`, { status: 'maintenance' });
      await world.driver({ onDuty: false });
      const order = await world.order();
      expect(order.status).toBe('queued');
      expect(order.blockedBy?.map((blocker) => blocker.code).sort()).toEqual([
        'no_free_driver_with_qualification',
        'no_free_unit',
      ]);
      const back = await dispatcher.patch(`/equipment/${unit.id}`, { status: 'available' });
      // The unit went straight back out: the queue was served in the same transaction.
      expect(back.body.status).toBe('available');
      expect((await admin.get(`/work-orders/${order.id}`)).body.status).toBe('queued');
      const onDuty = await world.driver();
      expect((await admin.get(`/work-orders/${order.id}`)).body).toMatchObject({
        status: 'dispatched',
        dispatch: { driverId: onDuty.id, equipmentId: unit.id },
      });
    });
  });

  describe('the queue', () => {
    it('serves queued orders by priority, oldest first, with aging', async () => {
      const world = await Scenario.create(admin);
      await world.driver();
      const low = await world.order('low');
      const standardOld = await world.order('standard');
      const urgent = await world.order('urgent');
      const standardNew = await world.order('standard');
      const emergency = await world.order('emergency');
      const agedLow = await world.order('low');
      // agedLow has waited 61 minutes: two aging periods (30 min) lift it to urgent, ahead of the newer urgent.
      await sql(
        `UPDATE tenant_acme.work_orders SET created_at = now() - interval '61 minutes' WHERE id = $1`,
        [agedLow.id],
      );
      const queue = await dispatcher.get('/queue?limit=200');
      const mine = queue.body.items.filter((item: { workOrder: { id: string } }) =>
        [low, standardOld, urgent, standardNew, emergency, agedLow].some(
          (order) => order.id === item.workOrder.id,
        ),
      );
      expect(mine.map((item: { workOrder: { id: string } }) => item.workOrder.id)).toEqual([
        emergency.id,
        agedLow.id,
        urgent.id,
        standardOld.id,
        standardNew.id,
        low.id,
      ]);
      expect(mine[1]).toMatchObject({
        effectivePriority: 'urgent',
        blockedBy: [expect.objectContaining({ code: 'no_unit_of_type' })],
      });
      expect(mine[1].waitingSeconds).toBeGreaterThanOrEqual(61 * 60);

      // One unit arrives: it takes the head of the queue; each completion hands the freed pair to the next order.
      const unit = await world.unit();
      const served: string[] = [];
      for (let index = 0; index < 6; index += 1) {
        const [open] = await sql<{ id: string; work_order_id: string }>(
          `SELECT id, work_order_id FROM tenant_acme.dispatches WHERE equipment_id = $1 AND status = 'assigned'`,
          [unit.id],
        );
        served.push(open.work_order_id);
        await complete(open.id);
      }
      expect(served).toEqual([
        emergency.id,
        agedLow.id,
        urgent.id,
        standardOld.id,
        standardNew.id,
        low.id,
      ]);
    });

    it('explains scheduled work and dispatches it when its lead time comes', async () => {
      const world = await Scenario.create(admin);
      await world.unit();
      await world.driver();
      const start = daysAhead(2);
      const order = await world.order('standard', {
        window: hourFrom(start),
      });
      expect(order.status).toBe('queued');
      expect(order.blockedBy?.[0]).toMatchObject({ code: 'scheduled' });
      await sql(
        `UPDATE tenant_acme.work_orders SET window_start = now() + interval '10 minutes' WHERE id = $1`,
        [order.id],
      );
      const { ScheduleSweeper } =
        await import('../src/modules/dispatch-engine/schedule-sweeper.service');
      expect(await testApp.app.get(ScheduleSweeper).sweep()).toBeGreaterThanOrEqual(1);
      expect((await admin.get(`/work-orders/${order.id}`)).body.status).toBe('dispatched');
    });

    it('removes a cancelled queued order from the queue', async () => {
      const world = await Scenario.create(admin);
      const order = await world.order('urgent');
      expect((await dispatcher.post(`/work-orders/${order.id}/cancel`)).body.status).toBe(
        'cancelled',
      );
      const queue = await dispatcher.get('/queue?limit=200');
      expect(
        queue.body.items.some(
          (item: { workOrder: { id: string } }) => item.workOrder.id === order.id,
        ),
      ).toBe(false);
      await world.unit();
      await world.driver();
      expect((await admin.get(`/work-orders/${order.id}`)).body.status).toBe('cancelled');
    });
  });

  describe('lifecycle', () => {
    it('takes a driver through every step of their own dispatch, timestamping each, and frees the pair', async () => {
      const world = await Scenario.create(admin);
      const unit = await world.unit();
      const driverToken = await tokenFor('acme', 'driver');
      const own = await world.driver({ username: 'acme-driver' });
      const order = await world.order();
      const driverApi = testApp.api.as(driverToken);
      const dispatchId = order.dispatch!.id;
      expect(
        (await driverApi.get('/dispatches?status=open')).body.items.map(
          (item: { id: string }) => item.id,
        ),
      ).toEqual([dispatchId]);
      expect(
        (await driverApi.post(`/dispatches/${dispatchId}/transitions`, { to: 'cancelled' })).status,
      ).toBe(403);
      expect(
        (await driverApi.post(`/dispatches/${dispatchId}/transitions`, { to: 'on_site' })).body,
      ).toMatchObject({ status: 409, currentStatus: 'assigned' });
      for (const step of DISPATCH_STEPS) {
        const moved = await driverApi.post(`/dispatches/${dispatchId}/transitions`, { to: step });
        expect({ step, status: moved.status, now: moved.body.status }).toEqual({
          step,
          status: 200,
          now: step,
        });
      }
      const done = (await admin.get(`/dispatches/${dispatchId}`)).body;
      for (const column of ['assignedAt', 'acknowledgedAt', 'enRouteAt', 'onSiteAt', 'completedAt'])
        expect(done[column]).toEqual(expect.any(String));
      expect(done.cancelledAt).toBeNull();
      expect(
        (await driverApi.post(`/dispatches/${dispatchId}/transitions`, { to: 'acknowledged' }))
          .body,
      ).toMatchObject({ status: 409, currentStatus: 'completed' });
      expect((await admin.get(`/equipment/${unit.id}`)).body.status).toBe('available');
      expect((await admin.get(`/work-orders/${order.id}`)).body.status).toBe('completed');
      const [driverRow] = await sql<{ active_dispatch_id: string | null }>(
        `SELECT active_dispatch_id FROM tenant_acme.drivers WHERE id = $1`,
        [own.id],
      );
      expect(driverRow.active_dispatch_id).toBeNull();
    });

    it('hides other drivers’ dispatches from a driver', async () => {
      const world = await Scenario.create(admin);
      await world.unit();
      await world.driver({ name: 'Someone else' });
      const order = await world.order();
      const driverApi = testApp.api.as(await tokenFor('acme', 'driver'));
      expect((await driverApi.get(`/dispatches/${order.dispatch!.id}`)).status).toBe(404);
      expect(
        (
          await driverApi.post(`/dispatches/${order.dispatch!.id}/transitions`, {
            to: 'acknowledged',
          })
        ).status,
      ).toBe(404);
      expect((await driverApi.get(`/work-orders/${order.id}`)).status).toBe(404);
    });

    it('refuses maintenance for a dispatched unit and off duty for a dispatched driver (409)', async () => {
      const world = await Scenario.create(admin);
      const unit = await world.unit();
      const driver = await world.driver();
      const order = await world.order();
      expect(order.status).toBe('dispatched');
      expect(
        (await dispatcher.patch(`/equipment/${unit.id}`, { status: 'maintenance' })).status,
      ).toBe(409);
      expect((await admin.patch(`/equipment/${unit.id}`, { status: 'retired' })).status).toBe(409);
      expect(
        (await dispatcher.patch(`/drivers/${driver.id}`, { dutyStatus: 'off_duty' })).status,
      ).toBe(409);
    });

    it('tells an order’s whole story in its timeline', async () => {
      const world = await Scenario.create(admin);
      await world.unit();
      await world.driver();
      const order = await world.order();
      await complete(order.dispatch!.id);
      const timeline = await dispatcher.get(`/work-orders/${order.id}/timeline`);
      expect(timeline.body.map((event: { action: string }) => event.action)).toEqual([
        'work_order.created',
        'dispatch.assigned',
        'dispatch.acknowledged',
        'dispatch.en_route',
        'dispatch.on_site',
        'dispatch.completed',
        'work_order.completed',
      ]);
      expect(timeline.body[1].actorSubject).toBe('auto');
    });
  });

  describe('dispatching by hand and re-assigning', () => {
    it('lists the units and drivers to choose from, each with what stops it', async () => {
      const world = await Scenario.create(admin);
      const free = await world.unit();
      const busyUnit = await world.unit();
      await admin.patch(`/equipment/${busyUnit.id}`, { status: 'maintenance' });
      const qualified = await world.driver({ name: 'Qualified' });
      const start = daysAhead(3);
      const order = await world.order('standard', {
        window: hourFrom(start),
      });
      const candidates = await dispatcher.get(`/dispatches/candidates?workOrderId=${order.id}`);
      expect(candidates.status).toBe(200);
      const unit = (id: string) =>
        candidates.body.units.find((entry: { id: string }) => entry.id === id);
      expect(unit(free.id).conflicts).toEqual([]);
      expect(unit(busyUnit.id).conflicts).toEqual([
        expect.objectContaining({ code: 'unit_maintenance' }),
      ]);
      expect(candidates.body.units[0].id).toBe(free.id);
      const qualifiedEntry = candidates.body.drivers.find(
        (entry: { id: string }) => entry.id === qualified.id,
      );
      expect(qualifiedEntry.conflicts).toEqual([]);
      const stranger = candidates.body.drivers.find((entry: { conflicts: { code: string }[] }) =>
        entry.conflicts.some((conflict) => conflict.code === 'missing_qualification'),
      );
      expect(stranger).toBeDefined();
      const dispatched = await dispatcher.post('/dispatches', {
        workOrderId: order.id,
        equipmentId: free.id,
        driverId: qualified.id,
      });
      expect(dispatched.status).toBe(201);
    });

    it('answers 409 listing exactly what conflicts', async () => {
      const world = await Scenario.create(admin);
      const other = await Scenario.create(admin);
      const wrongType = await other.unit();
      const maintenance = await world.unit();
      await admin.patch(`/equipment/${maintenance.id}`, { status: 'maintenance' });
      const offDuty = await world.driver({ onDuty: false });
      const unqualified = (
        await admin.post('/drivers', {
          name: 'No papers',
          dutyStatus: 'on_duty',
          qualifications: [],
        })
      ).body;
      const start = daysAhead(3);
      const order = await world.order('standard', {
        window: hourFrom(start),
      });
      const first = await dispatcher.post('/dispatches', {
        workOrderId: order.id,
        equipmentId: wrongType.id,
        driverId: offDuty.id,
      });
      expect(first.status).toBe(409);
      expect(
        first.body.conflicts.map((conflict: { code: string }) => conflict.code).sort(),
      ).toEqual(['driver_off_duty', 'wrong_equipment_type']);
      const second = await dispatcher.post('/dispatches', {
        workOrderId: order.id,
        equipmentId: maintenance.id,
        driverId: unqualified.id,
      });
      expect(
        second.body.conflicts.map((conflict: { code: string }) => conflict.code).sort(),
      ).toEqual(['missing_qualification', 'unit_maintenance']);
      expect((await admin.get(`/work-orders/${order.id}`)).body.status).toBe('queued');
    });

    it('dispatches scheduled work early by hand, then re-assigns the driver and frees the old one', async () => {
      const world = await Scenario.create(admin);
      const unit = await world.unit();
      const first = await world.driver({ name: 'First' });
      const start = daysAhead(3);
      const order = await world.order('standard', {
        window: hourFrom(start),
      });
      const dispatch = await dispatcher.post('/dispatches', {
        workOrderId: order.id,
        equipmentId: unit.id,
        driverId: first.id,
      });
      expect(dispatch.status).toBe(201);
      expect(dispatch.body.dispatchedBy).not.toBe('auto');
      const again = await dispatcher.post('/dispatches', {
        workOrderId: order.id,
        equipmentId: unit.id,
        driverId: first.id,
      });
      expect(again.status).toBe(409);
      const second = await world.driver({ name: 'Second' });
      const busy = await dispatcher.post(`/dispatches/${dispatch.body.id}/reassign`, {
        driverId: first.id,
      });
      expect(busy.status).toBe(200);
      const swapped = await dispatcher.post(`/dispatches/${dispatch.body.id}/reassign`, {
        driverId: second.id,
      });
      expect(swapped.body).toMatchObject({
        driverId: second.id,
        equipmentId: unit.id,
        status: 'assigned',
      });
      const [firstRow] = await sql<{ active_dispatch_id: string | null }>(
        `SELECT active_dispatch_id FROM tenant_acme.drivers WHERE id = $1`,
        [first.id],
      );
      expect(firstRow.active_dispatch_id).toBeNull();
      const taken = await world.order('standard', {
        window: hourFrom(start),
      });
      const conflict = await dispatcher.post(`/dispatches/${dispatch.body.id}/reassign`, {
        driverId: (await world.driver({ onDuty: false })).id,
      });
      expect(conflict.body.conflicts).toEqual([
        expect.objectContaining({ field: 'driverId', code: 'driver_off_duty' }),
      ]);
      expect(taken.status).toBe('queued');
    });
  });

  async function complete(dispatchId: string): Promise<void> {
    for (const step of DISPATCH_STEPS) {
      const response = await dispatcher.post(`/dispatches/${dispatchId}/transitions`, { to: step });
      if (response.status !== 200)
        throw new Error(`step ${step} failed: ${response.status} ${JSON.stringify(response.body)}`);
    }
  }
});
