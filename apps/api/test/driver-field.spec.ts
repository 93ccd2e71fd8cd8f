import {
  type ApiClient,
  invariantViolations,
  queryDatabase,
  tokenFor,
  type HttpResult,
} from '@dispatch/testing';
import { daysAhead, hourFrom, Scenario } from './support/scenario';
import { startTestApp, type TestApp } from './support/test-app';

const STEPS_BEFORE_COMPLETION = ['acknowledged', 'en_route', 'on_site'] as const;

/**
 * What a driver does from the field, over HTTP with the demo driver's real token: completing a
 * job with a note (stored on the dispatch, in the `dispatch.completed` event and on the order's
 * timeline), going on and off duty themself, and calling a site's contact.
 */
describe('a driver in the field', () => {
  let testApp: TestApp;
  let admin: ApiClient;
  let dispatcher: ApiClient;
  let driver: ApiClient;
  let world: Scenario;
  /** The demo driver's own profile (login acme-driver), qualified for `world`'s type. */
  let own: { id: string; name: string };

  beforeAll(async () => {
    testApp = await startTestApp();
    admin = testApp.api.as(await tokenFor('acme', 'admin'));
    dispatcher = testApp.api.as(await tokenFor('acme', 'dispatcher'));
    driver = testApp.api.as(await tokenFor('acme', 'driver'));
    world = await Scenario.create(admin);
    own = await world.driver({ name: 'Field Driver', username: 'acme-driver' });
    await world.unit();
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const sql = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
    queryDatabase<T>(testApp.database.url, text, params);

  /** A new order of the scenario, dispatched at once to the demo driver (the only one qualified). */
  async function ownJob(): Promise<{ orderId: string; dispatchId: string; number: string }> {
    const order = await world.order('urgent');
    expect({ status: order.status, driverId: order.dispatch?.driverId }).toEqual({
      status: 'dispatched',
      driverId: own.id,
    });
    return { orderId: order.id, dispatchId: order.dispatch!.id, number: order.number };
  }

  /** Takes the driver's own dispatch to on site. */
  async function onSite(dispatchId: string): Promise<void> {
    for (const step of STEPS_BEFORE_COMPLETION) {
      const moved = await driver.post(`/dispatches/${dispatchId}/transitions`, { to: step });
      expect({ step, status: moved.status }).toEqual({ step, status: 200 });
    }
  }

  function complete(dispatchId: string, body: Record<string, unknown> = {}): Promise<HttpResult> {
    return driver.post(`/dispatches/${dispatchId}/transitions`, { to: 'completed', ...body });
  }

  function expectBadRequest(response: HttpResult, field: string): void {
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field })]),
    );
  }

  describe('completion note', () => {
    it('stores the note on the dispatch, puts it in the dispatch.completed event and shows it on the timeline', async () => {
      const job = await ownJob();
      await onSite(job.dispatchId);
      const note = 'Gate was locked; key left with the site office.\nCustomer signed the sheet.';
      const completed = await complete(job.dispatchId, { note: `  ${note}  ` });
      expect(completed.status).toBe(200);
      expect(completed.body).toMatchObject({
        status: 'completed',
        completionNote: note,
        workOrderNumber: job.number,
        workOrderTitle: 'Work urgent',
        siteName: expect.stringMatching(/^Site /),
      });

      // Read back by the driver, by the dispatcher, and in the lists.
      expect((await driver.get(`/dispatches/${job.dispatchId}`)).body.completionNote).toBe(note);
      const listed = await dispatcher.get(`/dispatches?workOrderId=${job.orderId}`);
      expect(listed.body.items).toEqual([
        expect.objectContaining({
          id: job.dispatchId,
          completionNote: note,
          workOrderNumber: job.number,
        }),
      ]);

      const [event] = await sql<{ payload: { note: string | null }; after: unknown }>(
        `SELECT payload, after FROM tenant_acme.audit_events
          WHERE action = 'dispatch.completed' AND entity_id = $1`,
        [job.dispatchId],
      );
      expect(event.payload.note).toBe(note);
      expect(event.after).toEqual({ status: 'completed', completionNote: note });

      const timeline = await dispatcher.get(`/work-orders/${job.orderId}/timeline`);
      expect(timeline.status).toBe(200);
      const completion = (
        timeline.body as { action: string; event: { payload: { note?: string | null } } | null }[]
      ).find((entry) => entry.action === 'dispatch.completed');
      expect(completion?.event?.payload.note).toBe(note);
    });

    it('completes without a note, or with a blank one, as no note', async () => {
      for (const body of [{}, { note: '   ' }, { note: null }]) {
        const job = await ownJob();
        await onSite(job.dispatchId);
        const completed = await complete(job.dispatchId, body);
        expect({ body, status: completed.status, note: completed.body.completionNote }).toEqual({
          body,
          status: 200,
          note: null,
        });
        const [event] = await sql<{ payload: { note: string | null } }>(
          `SELECT payload FROM tenant_acme.audit_events WHERE action = 'dispatch.completed' AND entity_id = $1`,
          [job.dispatchId],
        );
        expect(event.payload.note).toBeNull();
      }
    });

    it('refuses a note on any step but completion (400), and moves nothing', async () => {
      const job = await ownJob();
      const refused = await driver.post(`/dispatches/${job.dispatchId}/transitions`, {
        to: 'acknowledged',
        note: 'On my way',
      });
      expectBadRequest(refused, 'note');
      const cancel = await dispatcher.post(`/dispatches/${job.dispatchId}/transitions`, {
        to: 'cancelled',
        note: 'Not needed',
      });
      expectBadRequest(cancel, 'note');
      expect((await driver.get(`/dispatches/${job.dispatchId}`)).body.status).toBe('assigned');
      await onSite(job.dispatchId);
      expect((await complete(job.dispatchId)).status).toBe(200);
    });

    it('refuses a note over 2000 characters (400) and takes one of exactly 2000', async () => {
      const job = await ownJob();
      await onSite(job.dispatchId);
      expectBadRequest(await complete(job.dispatchId, { note: 'x'.repeat(2001) }), 'note');
      expectBadRequest(await complete(job.dispatchId, { note: 42 }), 'note');
      expect((await driver.get(`/dispatches/${job.dispatchId}`)).body).toMatchObject({
        status: 'on_site',
        completionNote: null,
      });
      const longest = 'ü'.repeat(2000);
      const completed = await complete(job.dispatchId, { note: longest });
      expect(completed.status).toBe(200);
      expect(completed.body.completionNote).toBe(longest);
    });

    it('lets a dispatcher complete with a note too', async () => {
      const job = await ownJob();
      for (const step of STEPS_BEFORE_COMPLETION)
        expect(
          (await dispatcher.post(`/dispatches/${job.dispatchId}/transitions`, { to: step })).status,
        ).toBe(200);
      const completed = await dispatcher.post(`/dispatches/${job.dispatchId}/transitions`, {
        to: 'completed',
        note: 'Closed by the office: driver phoned it in',
      });
      expect(completed.status).toBe(200);
      expect(completed.body.completionNote).toBe('Closed by the office: driver phoned it in');
    });

    it('has the database refuse a note on a dispatch that is not completed', async () => {
      const job = await ownJob();
      await expect(
        sql(`UPDATE tenant_acme.dispatches SET completion_note = 'sneaked in' WHERE id = $1`, [
          job.dispatchId,
        ]),
      ).rejects.toThrow(/dispatches_completion_note_when_completed/);
      await onSite(job.dispatchId);
      expect((await complete(job.dispatchId)).status).toBe(200);
    });
  });

  describe('own duty', () => {
    async function lastDutyEvent(): Promise<{
      actor_role: string;
      actor_subject: string;
      payload: { driver: { id: string }; from: string; to: string };
    }> {
      const [event] = await sql<{
        actor_role: string;
        actor_subject: string;
        payload: { driver: { id: string }; from: string; to: string };
      }>(
        `SELECT actor_role, actor_subject, payload FROM tenant_acme.audit_events
          WHERE action = 'driver.duty_changed' AND entity_id = $1 ORDER BY id DESC LIMIT 1`,
        [own.id],
      );
      return event;
    }

    it('goes off duty and back on, each change the same event as an admin’s', async () => {
      const off = await driver.patch('/drivers/me', { dutyStatus: 'off_duty' });
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({ id: own.id, name: 'Field Driver', dutyStatus: 'off_duty' });
      expect((await driver.get('/drivers/me')).body.dutyStatus).toBe('off_duty');
      expect(await lastDutyEvent()).toMatchObject({
        actor_role: 'driver',
        payload: { driver: { id: own.id }, from: 'on_duty', to: 'off_duty' },
      });
      // Off duty, the driver gets no work: a new order waits in the queue.
      const waiting = await world.order('standard');
      expect(waiting.status).toBe('queued');
      // Back on duty, the queue is served in the same request.
      const on = await driver.patch('/drivers/me', { dutyStatus: 'on_duty' });
      expect(on.status).toBe(200);
      expect(on.body.dutyStatus).toBe('on_duty');
      expect(await lastDutyEvent()).toMatchObject({
        actor_role: 'driver',
        payload: { from: 'off_duty', to: 'on_duty' },
      });
      const served = await admin.get(`/work-orders/${waiting.id}`);
      expect(served.body).toMatchObject({ status: 'dispatched', dispatch: { driverId: own.id } });
      await onSite(served.body.dispatch.id);
      expect((await complete(served.body.dispatch.id)).status).toBe(200);
    });

    it('refuses off duty while the driver is on an open job (409, saying why), and keeps them on duty', async () => {
      const job = await ownJob();
      const refused = await driver.patch('/drivers/me', { dutyStatus: 'off_duty' });
      expect(refused.status).toBe(409);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body).toMatchObject({
        status: 409,
        detail: expect.stringMatching(/open job.*before going off duty/),
        dispatchId: job.dispatchId,
      });
      expect((await driver.get('/drivers/me')).body.dutyStatus).toBe('on_duty');
      await onSite(job.dispatchId);
      expect((await complete(job.dispatchId)).status).toBe(200);
      // The job done, off duty is fine.
      expect((await driver.patch('/drivers/me', { dutyStatus: 'off_duty' })).status).toBe(200);
      expect((await driver.patch('/drivers/me', { dutyStatus: 'on_duty' })).status).toBe(200);
    });

    it('changes only the caller’s own duty, and nothing else of the profile', async () => {
      const other = await world.driver({ name: 'Someone Else' });
      // Another driver's record: refused, whichever way it is addressed.
      const foreign = await driver.patch(`/drivers/${other.id}`, { dutyStatus: 'off_duty' });
      expect(foreign.status).toBe(403);
      expect((await admin.get(`/drivers/${other.id}`)).body.dutyStatus).toBe('on_duty');
      // Only the duty: no name, phone or qualifications through /drivers/me.
      expectBadRequest(
        await driver.patch('/drivers/me', { dutyStatus: 'on_duty', name: 'Renamed' }),
        'name',
      );
      expectBadRequest(await driver.patch('/drivers/me', {}), 'dutyStatus');
      expectBadRequest(await driver.patch('/drivers/me', { dutyStatus: 'asleep' }), 'dutyStatus');
      expect((await driver.get('/drivers/me')).body.name).toBe('Field Driver');
      // /drivers/me is a driver's own: other roles have no driver profile to change.
      expect((await dispatcher.patch('/drivers/me', { dutyStatus: 'off_duty' })).status).toBe(403);
      expect((await admin.patch('/drivers/me', { dutyStatus: 'off_duty' })).status).toBe(403);
      await admin.delete(`/drivers/${other.id}`);
    });

    it('never leaves an off-duty driver on an open dispatch when going off duty races a booking', async () => {
      const outcomes: string[] = [];
      for (let round = 0; round < 16; round += 1) {
        // Even rounds race the engine's automatic dispatch, odd ones a dispatcher's hand dispatch.
        const byHand = round % 2 === 1;
        const order = byHand
          ? (await world.order('standard', { window: hourFrom(daysAhead(3)) })).id
          : undefined;
        const unit = byHand ? (await world.unit()).id : undefined;
        // Sent together, or going off duty a moment later, so either may reach the driver first.
        const stagger = [0, 0, 10, 25][Math.floor(round / 2) % 4];
        const [duty, booking] = await Promise.all([
          new Promise((resolve) => setTimeout(resolve, stagger)).then(() =>
            driver.patch('/drivers/me', { dutyStatus: 'off_duty' }),
          ),
          byHand
            ? dispatcher.post('/dispatches', {
                workOrderId: order,
                equipmentId: unit,
                driverId: own.id,
              })
            : dispatcher.post('/work-orders', {
                title: `Race ${round}`,
                siteId: world.siteId,
                equipmentTypeId: world.typeId,
                priority: 'emergency',
              }),
        ]);
        const booked = byHand ? booking.status === 201 : booking.body.status === 'dispatched';
        const orderId: string = byHand ? (order as string) : booking.body.id;
        outcomes.push(`${byHand ? 'hand' : 'auto'}:${booked ? 'booked' : 'off duty'}`);
        // Exactly one wins: booked (and going off duty refused), or off duty (and nothing booked).
        expect({
          round,
          duty: duty.status,
          booking: byHand ? booking.status : booking.body.status,
        }).toEqual({
          round,
          duty: booked ? 409 : 200,
          booking: byHand ? (booked ? 201 : 409) : booked ? 'dispatched' : 'queued',
        });
        expect(await invariantViolations(testApp.database.url)).toEqual({});
        // Out of the way of the next round: the order cancelled (freeing the driver), back on duty.
        expect((await dispatcher.post(`/work-orders/${orderId}/cancel`)).status).toBe(200);
        expect((await driver.patch('/drivers/me', { dutyStatus: 'on_duty' })).status).toBe(200);
      }
      process.stdout.write(`[driver-field] duty vs booking: ${outcomes.join(', ')}\n`);
      expect(await invariantViolations(testApp.database.url)).toEqual({});
    });
  });

  describe('site contact', () => {
    it('keeps a contact name and phone on a site, readable by the driver', async () => {
      const created = await admin.post('/sites', {
        name: `Contact Yard ${Date.now()}`,
        address: '9 Quarry Lane',
        latitude: 39.76,
        longitude: -104.98,
        contactName: '  Sam Rivera ',
        contactPhone: '+1 (303) 555-0142',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        contactName: 'Sam Rivera',
        contactPhone: '+1 (303) 555-0142',
      });
      const id: string = created.body.id;
      expect((await driver.get(`/sites/${id}`)).body).toMatchObject({
        contactName: 'Sam Rivera',
        contactPhone: '+1 (303) 555-0142',
      });

      const changed = await admin.patch(`/sites/${id}`, { contactPhone: '0800 123 456' });
      expect(changed.body).toMatchObject({
        contactName: 'Sam Rivera',
        contactPhone: '0800 123 456',
      });
      const cleared = await admin.patch(`/sites/${id}`, { contactName: null, contactPhone: '' });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({ contactName: null, contactPhone: null });
      expect((await admin.get(`/sites/${id}`)).body).toMatchObject({
        contactName: null,
        contactPhone: null,
      });

      // A site without a contact says so.
      const plain = await admin.get(`/sites/${world.siteId}`);
      expect(plain.body).toMatchObject({ contactName: null, contactPhone: null });
    });

    it('refuses what is not a phone number, and a name too long (400)', async () => {
      for (const contactPhone of [
        'call the office',
        '12',
        '+1 303 555 0142 ext. 7',
        '5'.repeat(41),
      ])
        expectBadRequest(
          await admin.post('/sites', {
            name: `Bad phone ${Date.now()}-${contactPhone.length}`,
            address: '1 Road',
            latitude: 39.7,
            longitude: -105,
            contactPhone,
          }),
          'contactPhone',
        );
      expectBadRequest(
        await admin.patch(`/sites/${world.siteId}`, { contactName: 'x'.repeat(201) }),
        'contactName',
      );
      // Drivers read sites; they do not edit them.
      expect(
        (await driver.patch(`/sites/${world.siteId}`, { contactPhone: '+1 303 555 0100' })).status,
      ).toBe(403);
    });
  });
});
