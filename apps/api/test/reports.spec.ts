import { RECORD_PAST_DISPATCH_SQL } from '@dispatch/domain';
import { type ApiClient, queryDatabase, tokenFor, withServer } from '@dispatch/testing';
import { parse } from 'csv-parse/sync';
import { Scenario } from './support/scenario';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Every report against a history built row by row with known timestamps, around the night
 * Europe/Berlin moved to summer time (2025-03-30, 01:00 UTC): the three Berlin days 29–31 March
 * last 71 hours, from 2025-03-28T23:00Z to 2025-03-31T22:00Z. Work crosses both edges of the range.
 */
const RANGE = 'from=2025-03-29&to=2025-03-31&tz=Europe/Berlin';

/** Linear-interpolated percentile, as PostgreSQL's percentile_cont computes it. */
function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = fraction * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

/** What a CSV cell holds for a JSON value. */
function cell(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

interface History {
  siteA: string;
  siteB: string;
  typeOne: string;
  typeTwo: string;
  units: Record<'u1' | 'u2' | 'u3', { id: string; code: string }>;
  drivers: Record<'alpha' | 'bravo' | 'charlie', string>;
  orders: Record<string, { id: string; number: number }>;
}

/** Inserts the constructed history straight into acme's tables; the triggers derive the periods. */
async function buildHistory(databaseUrl: string, admin: ApiClient): Promise<History> {
  const one = await Scenario.create(admin);
  const two = await Scenario.create(admin, { latitude: 40.1, longitude: -105.2 });
  const u1 = await one.unit(undefined, 'R-U1');
  const u2 = await one.unit(undefined, 'R-U2');
  const u3 = await two.unit(undefined, 'R-U3');
  // Off duty: the engine must not dispatch the history's queued work on its own.
  const alpha = await one.driver({ name: 'Driver Alpha', onDuty: false });
  const bravo = await one.driver({ name: 'Driver Bravo', onDuty: false });
  const charlie = await two.driver({ name: 'Driver Charlie', onDuty: false });
  const orders: History['orders'] = {};
  await withServer(databaseUrl, async (client) => {
    await client.query(`SET search_path = tenant_acme`);
    await client.query(
      `UPDATE equipment SET created_at = '2025-01-01T00:00Z' WHERE id = ANY($1::uuid[])`,
      [[u1.id, u2.id]],
    );
    await client.query(`UPDATE equipment SET created_at = '2025-03-30T22:00Z' WHERE id = $1`, [
      u3.id,
    ]);
    await client.query(
      `INSERT INTO equipment_status_periods (equipment_id, status, started_at, ended_at) VALUES
         ($1, 'maintenance', '2025-03-29T10:00Z', '2025-03-29T15:00Z'),
         ($2, 'maintenance', '2025-03-25T08:00Z', '2025-03-29T05:00Z'),
         ($3, 'retired', '2025-03-31T10:00Z', NULL)`,
      [u1.id, u2.id, u3.id],
    );
    const order = async (
      key: string,
      fields: {
        site: string;
        type: string;
        priority: string;
        status: string;
        created: string;
        window?: [string, string];
        completed?: string;
        cancelled?: string;
      },
    ) => {
      const [row] = (
        await client.query<{ id: string; number: number }>(
          `INSERT INTO work_orders (title, site_id, equipment_type_id, priority, status, created_by,
                                    created_at, window_start, window_end, completed_at, cancelled_at)
           VALUES ($1, $2, $3, $4, $5, 'history', $6, $7, $8, $9, $10) RETURNING id, number`,
          [
            `History ${key}`,
            fields.site,
            fields.type,
            fields.priority,
            fields.status,
            fields.created,
            fields.window?.[0] ?? null,
            fields.window?.[1] ?? null,
            fields.completed ?? null,
            fields.cancelled ?? null,
          ],
        )
      ).rows;
      orders[key] = row;
      return row.id;
    };
    const dispatch = async (
      workOrderId: string,
      unit: string,
      driver: string,
      times: { assigned: string; onSite?: string; completed?: string; cancelled?: string },
    ) =>
      // With the history the engine would have written for it.
      client.query(RECORD_PAST_DISPATCH_SQL, [
        workOrderId,
        unit,
        driver,
        times.completed ? 'completed' : 'cancelled',
        times.assigned,
        null,
        null,
        times.onSite ?? null,
        times.completed ?? null,
        times.cancelled ?? null,
      ]);
    const [siteA, siteB, typeOne, typeTwo] = [one.siteId, two.siteId, one.typeId, two.typeId];
    // W1: before the range, completed inside it (04:00 Berlin on the 29th).
    await dispatch(
      await order('W1', {
        site: siteA,
        type: typeOne,
        priority: 'standard',
        status: 'completed',
        created: '2025-03-28T19:00Z',
        completed: '2025-03-29T03:00Z',
      }),
      u1.id,
      alpha.id,
      {
        assigned: '2025-03-28T20:00Z',
        onSite: '2025-03-28T21:00Z',
        completed: '2025-03-29T03:00Z',
      },
    );
    // W2: urgent, windowed, on site in time.
    await dispatch(
      await order('W2', {
        site: siteB,
        type: typeOne,
        priority: 'urgent',
        status: 'completed',
        created: '2025-03-30T09:30Z',
        window: ['2025-03-30T10:00Z', '2025-03-30T12:00Z'],
        completed: '2025-03-30T16:00Z',
      }),
      u1.id,
      alpha.id,
      {
        assigned: '2025-03-30T10:00Z',
        onSite: '2025-03-30T11:00Z',
        completed: '2025-03-30T16:00Z',
      },
    );
    // W3: windowed, late on site, completed after the range.
    await dispatch(
      await order('W3', {
        site: siteA,
        type: typeOne,
        priority: 'standard',
        status: 'completed',
        created: '2025-03-31T19:00Z',
        window: ['2025-03-31T20:00Z', '2025-03-31T21:00Z'],
        completed: '2025-04-01T02:00Z',
      }),
      u1.id,
      bravo.id,
      {
        assigned: '2025-03-31T20:00Z',
        onSite: '2025-03-31T21:30Z',
        completed: '2025-04-01T02:00Z',
      },
    );
    // W4: created 23:30 UTC on the 29th, which is 00:30 on the 30th in Berlin.
    await dispatch(
      await order('W4', {
        site: siteA,
        type: typeOne,
        priority: 'standard',
        status: 'completed',
        created: '2025-03-29T23:30Z',
        completed: '2025-03-30T08:00Z',
      }),
      u2.id,
      bravo.id,
      {
        assigned: '2025-03-30T00:00Z',
        onSite: '2025-03-30T01:00Z',
        completed: '2025-03-30T08:00Z',
      },
    );
    // W5: created 23:00 UTC on the 30th (01:00 on the 31st in summer time), cancelled en route.
    await dispatch(
      await order('W5', {
        site: siteB,
        type: typeTwo,
        priority: 'standard',
        status: 'cancelled',
        created: '2025-03-30T23:00Z',
        cancelled: '2025-03-31T04:00Z',
      }),
      u3.id,
      charlie.id,
      { assigned: '2025-03-31T00:00Z', cancelled: '2025-03-31T04:00Z' },
    );
    // W6: cancelled while queued. W7: still waiting. W8: scheduled far ahead.
    await order('W6', {
      site: siteA,
      type: typeOne,
      priority: 'emergency',
      status: 'cancelled',
      created: '2025-03-29T12:00Z',
      cancelled: '2025-03-29T13:00Z',
    });
    await order('W7', {
      site: siteA,
      type: typeOne,
      priority: 'low',
      status: 'queued',
      created: '2025-03-31T10:00Z',
    });
    await order('W8', {
      site: siteA,
      type: typeOne,
      priority: 'standard',
      status: 'queued',
      created: '2025-03-31T12:00Z',
      window: ['2099-01-01T08:00Z', '2099-01-01T10:00Z'],
    });
  });
  return {
    siteA: one.siteId,
    siteB: two.siteId,
    typeOne: one.typeId,
    typeTwo: two.typeId,
    units: { u1, u2, u3 },
    drivers: { alpha: alpha.id, bravo: bravo.id, charlie: charlie.id },
    orders,
  };
}

describe('reports on a constructed history', () => {
  let testApp: TestApp;
  let viewer: ApiClient;
  let dispatcher: ApiClient;
  let history: History;

  beforeAll(async () => {
    testApp = await startTestApp();
    const admin = testApp.api.as(await tokenFor('acme', 'admin'));
    viewer = testApp.api.as(await tokenFor('acme', 'viewer'));
    dispatcher = testApp.api.as(await tokenFor('acme', 'dispatcher'));
    history = await buildHistory(testApp.database.url, admin);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('utilization: each unit’s and type’s dispatched, maintenance and idle hours, clipped to the range', async () => {
    const { status, body } = await viewer.get(`/reports/utilization?${RANGE}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      from: '2025-03-29',
      to: '2025-03-31',
      timeZone: 'Europe/Berlin',
      rangeStart: '2025-03-28T23:00:00.000Z',
      rangeEnd: '2025-03-31T22:00:00.000Z',
    });
    const pick = (row: Record<string, unknown>) => [
      row.level,
      row.equipmentCode,
      row.units,
      row.dispatches,
      row.inServiceHours,
      row.dispatchedHours,
      row.maintenanceHours,
      row.idleHours,
      row.dispatchedShare,
      row.maintenanceShare,
      row.idleShare,
    ];
    const rowsOfTypeWith = (unitCode: string) => {
      const typeCode = body.rows.find(
        (row: { equipmentCode: string }) => row.equipmentCode === unitCode,
      ).equipmentTypeCode;
      return body.rows.filter(
        (row: { equipmentTypeCode: string }) => row.equipmentTypeCode === typeCode,
      );
    };
    // U1: 4 h of W1 (from 23:00), 6 h of W2, 2 h of W3 (to 22:00); 5 h maintenance; 71 h in the range.
    // U2: 8 h of W4; the 6 h of a maintenance that began days before the range.
    // U3: exists from 22:00 on the 30th, retired at 10:00 on the 31st: 12 h, 4 h of them on W5.
    expect(body.rows).toHaveLength(5);
    expect(rowsOfTypeWith('R-U1').map(pick)).toEqual([
      ['type', null, 2, 3, 142, 20, 11, 111, 0.1408, 0.0775, 0.7817],
      ['unit', 'R-U1', 1, 2, 71, 12, 5, 54, 0.169, 0.0704, 0.7606],
      ['unit', 'R-U2', 1, 1, 71, 8, 6, 57, 0.1127, 0.0845, 0.8028],
    ]);
    expect(rowsOfTypeWith('R-U3').map(pick)).toEqual([
      ['type', null, 1, 1, 12, 4, 0, 8, 0.3333, 0, 0.6667],
      ['unit', 'R-U3', 1, 1, 12, 4, 0, 8, 0.3333, 0, 0.6667],
    ]);
    expect(pick(body.total)).toEqual([
      'total',
      null,
      3,
      4,
      154,
      24,
      11,
      119,
      0.1558,
      0.0714,
      0.7727,
    ]);
  });

  it('utilization by site counts work there as dispatched and work elsewhere apart', async () => {
    const { body } = await viewer.get(`/reports/utilization?${RANGE}&siteId=${history.siteA}`);
    const units = body.rows.filter((row: { level: string }) => row.level === 'unit');
    expect(
      units.map((row: Record<string, unknown>) => [
        row.equipmentCode,
        row.dispatches,
        row.dispatchedHours,
        row.otherSitesHours,
        row.maintenanceHours,
        row.idleHours,
      ]),
    ).toEqual([
      ['R-U1', 1, 6, 6, 5, 54],
      ['R-U2', 1, 8, 0, 6, 57],
    ]);
    const byType = await viewer.get(
      `/reports/utilization?${RANGE}&equipmentTypeId=${history.typeTwo}`,
    );
    expect(
      byType.body.rows.map((row: { equipmentCode: string | null }) => row.equipmentCode),
    ).toEqual([null, 'R-U3']);
    expect(byType.body.total).toMatchObject({ units: 1, dispatchedHours: 4, idleHours: 8 });
  });

  it('completion: per Berlin day, counts by event day and lead times of the day’s new orders', async () => {
    const { status, body } = await dispatcher.get(`/reports/completion?${RANGE}`);
    expect(status).toBe(200);
    expect(body.rows).toEqual([
      {
        day: '2025-03-29',
        created: 1,
        dispatched: 0,
        completed: 1,
        cancelled: 1,
        toDispatchMedianMinutes: null,
        toDispatchP90Minutes: null,
        toOnSiteMedianMinutes: null,
        toOnSiteP90Minutes: null,
        toCompletionMedianMinutes: null,
        toCompletionP90Minutes: null,
        windowsClosed: 0,
        onTime: 0,
        onTimeRate: null,
      },
      {
        day: '2025-03-30',
        created: 2,
        dispatched: 2,
        completed: 2,
        cancelled: 0,
        toDispatchMedianMinutes: 30,
        toDispatchP90Minutes: 30,
        toOnSiteMedianMinutes: 90,
        toOnSiteP90Minutes: 90,
        toCompletionMedianMinutes: 450,
        toCompletionP90Minutes: percentile([390, 510], 0.9),
        windowsClosed: 1,
        onTime: 1,
        onTimeRate: 1,
      },
      {
        day: '2025-03-31',
        created: 4,
        dispatched: 2,
        completed: 0,
        cancelled: 1,
        toDispatchMedianMinutes: 60,
        toDispatchP90Minutes: 60,
        toOnSiteMedianMinutes: 150,
        toOnSiteP90Minutes: 150,
        toCompletionMedianMinutes: 420,
        toCompletionP90Minutes: 420,
        windowsClosed: 1,
        onTime: 0,
        onTimeRate: 0,
      },
    ]);
    expect(body.total).toEqual({
      day: 'total',
      created: 7,
      dispatched: 4,
      completed: 3,
      cancelled: 2,
      toDispatchMedianMinutes: percentile([30, 30, 60, 60], 0.5),
      toDispatchP90Minutes: percentile([30, 30, 60, 60], 0.9),
      toOnSiteMedianMinutes: 90,
      toOnSiteP90Minutes: percentile([90, 90, 150], 0.9),
      toCompletionMedianMinutes: 420,
      toCompletionP90Minutes: percentile([390, 420, 510], 0.9),
      windowsClosed: 2,
      onTime: 1,
      onTimeRate: 0.5,
    });
  });

  it('completion days follow the caller’s time zone', async () => {
    const { body } = await viewer.get(`/reports/completion?from=2025-03-29&to=2025-03-31&tz=UTC`);
    // W4 (23:30 UTC) belongs to the 29th in UTC; W5 (23:00 UTC) to the 30th.
    expect(
      body.rows.map((row: { day: string; created: number }) => [row.day, row.created]),
    ).toEqual([
      ['2025-03-29', 2],
      ['2025-03-30', 2],
      ['2025-03-31', 3],
    ]);
    expect(body.rangeStart).toBe('2025-03-29T00:00:00.000Z');
  });

  it('queue: waiting times by priority over the range, and the queue as it is now', async () => {
    const before = Date.now();
    const { status, body } = await viewer.get(`/reports/queue?${RANGE}`);
    expect(status).toBe(200);
    const row = (priority: string) =>
      body.rows.find((candidate: { priority: string }) => candidate.priority === priority);
    expect(body.rows.map((candidate: { priority: string }) => candidate.priority)).toEqual([
      'emergency',
      'urgent',
      'standard',
      'low',
    ]);
    expect(row('emergency')).toMatchObject({
      waitingNow: 0,
      dispatched: 0,
      waitMedianMinutes: null,
    });
    // W2 was due at creation (its lead began earlier): 30 min. W4 30, W3 60 (due when its lead began), W5 60.
    expect(row('urgent')).toMatchObject({
      dispatched: 1,
      waitMedianMinutes: 30,
      waitP90Minutes: 30,
      waitP99Minutes: 30,
    });
    expect(row('standard')).toMatchObject({
      waitingNow: 0,
      scheduledNow: 1,
      dispatched: 3,
      waitMedianMinutes: 60,
      waitP90Minutes: 60,
      waitP99Minutes: 60,
    });
    const waitingSince = Date.parse('2025-03-31T10:00Z');
    expect(row('low')).toMatchObject({
      waitingNow: 1,
      dispatched: 0,
      longestWaitingWorkOrderNumber: `WO-${String(history.orders.W7.number).padStart(6, '0')}`,
    });
    expect(row('low').longestWaitMinutes).toBeGreaterThanOrEqual(
      Math.floor((before - waitingSince) / 60_000) - 1,
    );
    expect(row('low').longestWaitMinutes).toBeLessThanOrEqual(
      (Date.now() - waitingSince) / 60_000 + 1,
    );
    expect(body.total).toMatchObject({
      priority: 'total',
      waitingNow: 1,
      scheduledNow: 1,
      dispatched: 4,
      waitMedianMinutes: percentile([30, 30, 60, 60], 0.5),
      waitP90Minutes: percentile([30, 30, 60, 60], 0.9),
      waitP99Minutes: percentile([30, 30, 60, 60], 0.99),
      longestWaitingWorkOrderNumber: `WO-${String(history.orders.W7.number).padStart(6, '0')}`,
    });
  });

  it('drivers: assignments begun, completed and hours on dispatch inside the range', async () => {
    const { status, body } = await viewer.get(`/reports/drivers?${RANGE}`);
    expect(status).toBe(200);
    expect(body.rows).toEqual([
      {
        level: 'driver',
        driverId: history.drivers.alpha,
        driverName: 'Driver Alpha',
        dispatches: 1,
        completed: 2,
        hoursOnDispatch: 10,
      },
      {
        level: 'driver',
        driverId: history.drivers.bravo,
        driverName: 'Driver Bravo',
        dispatches: 2,
        completed: 1,
        hoursOnDispatch: 10,
      },
      {
        level: 'driver',
        driverId: history.drivers.charlie,
        driverName: 'Driver Charlie',
        dispatches: 1,
        completed: 0,
        hoursOnDispatch: 4,
      },
    ]);
    expect(body.total).toEqual({
      level: 'total',
      driverId: null,
      driverName: null,
      dispatches: 4,
      completed: 3,
      hoursOnDispatch: 24,
    });
    const atSiteB = await viewer.get(`/reports/drivers?${RANGE}&siteId=${history.siteB}`);
    expect(
      atSiteB.body.rows.map((row: { driverName: string; hoursOnDispatch: number }) => [
        row.driverName,
        row.hoursOnDispatch,
      ]),
    ).toEqual([
      ['Driver Alpha', 6],
      ['Driver Charlie', 4],
    ]);
  });

  it('streams every report as CSV that parses back to the JSON rows and total', async () => {
    for (const name of ['utilization', 'completion', 'queue', 'drivers']) {
      const json = await viewer.get(`/reports/${name}?${RANGE}&siteId=${history.siteA}`);
      const csv = await viewer.request(
        'GET',
        `/reports/${name}?${RANGE}&siteId=${history.siteA}`,
        undefined,
        {
          accept: 'text/csv',
        },
      );
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csv.headers.get('content-disposition')).toBe(
        `attachment; filename="${name}-2025-03-29-to-2025-03-31.csv"`,
      );
      const records = parse(csv.body as string, { columns: true }) as Record<string, string>[];
      const expected = [...json.body.rows, json.body.total].map((row: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(row).map(([key, value]) => [key, cell(value)])),
      );
      if (name === 'queue') {
        // "longest wait now" moves with the clock between the two requests.
        for (const record of [...records, ...expected]) delete record.longestWaitMinutes;
      }
      expect(records).toEqual(expected);
    }
    const byFormat = await viewer.request('GET', `/reports/drivers?${RANGE}&format=csv`);
    expect((byFormat.body as string).split('\n')[0]).toBe(
      'level,driverId,driverName,dispatches,completed,hoursOnDispatch',
    );
  });

  it('refuses bad ranges, time zones and filters with a 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['from=2025-03-31&to=2025-03-29', 'to'],
      ['from=2025-02-30&to=2025-03-29', 'from'],
      ['from=2023-01-01&to=2025-03-29', 'to'],
      ['from=2025-03-01&to=2025-03-29&tz=Mars/Olympus_Mons', 'tz'],
      ['from=2025-03-01&to=2025-03-29&tz=', 'tz'],
      ['from=2025-03-01T00:00:00Z&to=2025-03-29', 'from'],
      ['to=2025-03-29', 'from'],
      ['from=2025-03-01&to=2025-03-29&siteId=not-a-uuid', 'siteId'],
      ['from=2025-03-01&to=2025-03-29&format=xlsx', 'format'],
      ['from=2025-03-01&to=2025-03-29&limit=5', 'limit'],
    ];
    for (const [query, field] of cases) {
      for (const name of ['utilization', 'completion', 'queue', 'drivers']) {
        const { status, body } = await viewer.get(`/reports/${name}?${query}`);
        expect({ query, name, status }).toEqual({ query, name, status: 400 });
        expect(body.errors.map((error: { field: string }) => error.field)).toContain(field);
      }
    }
  });

  it('keeps each tenant’s reports to its own history', async () => {
    const globex = testApp.api.as(await tokenFor('globex', 'viewer'));
    const utilization = await globex.get(`/reports/utilization?${RANGE}`);
    expect(utilization.body).toMatchObject({ rows: [], total: { units: 0, dispatchedHours: 0 } });
    const completion = await globex.get(`/reports/completion?${RANGE}`);
    expect(completion.body.total).toMatchObject({ created: 0, dispatched: 0, completed: 0 });
    const queue = await globex.get(`/reports/queue?${RANGE}`);
    expect(queue.body.total).toMatchObject({ waitingNow: 0, scheduledNow: 0, dispatched: 0 });
    const drivers = await globex.get(`/reports/drivers?${RANGE}`);
    expect(drivers.body).toMatchObject({ rows: [], total: { dispatches: 0, hoursOnDispatch: 0 } });
    // acme's ids as filters find nothing either.
    const filtered = await globex.get(`/reports/drivers?${RANGE}&siteId=${history.siteA}`);
    expect(filtered.body.rows).toEqual([]);
    const csv = await globex.request('GET', `/reports/drivers?${RANGE}&format=csv`);
    expect(csv.body).not.toContain('Driver Alpha');
  });

  it('lets admins, dispatchers and viewers read reports, and refuses drivers and anonymous callers', async () => {
    const driver = testApp.api.as(await tokenFor('acme', 'driver'));
    const anonymous = testApp.api;
    for (const name of ['utilization', 'completion', 'queue', 'drivers']) {
      expect((await driver.get(`/reports/${name}?${RANGE}`)).status).toBe(403);
      expect((await driver.get(`/reports/${name}?${RANGE}&format=csv`)).status).toBe(403);
      expect((await anonymous.get(`/reports/${name}?${RANGE}`)).status).toBe(401);
      expect((await dispatcher.get(`/reports/${name}?${RANGE}`)).status).toBe(200);
    }
  });
});

describe('reporting history kept by the database', () => {
  let testApp: TestApp;
  let admin: ApiClient;

  beforeAll(async () => {
    testApp = await startTestApp();
    admin = testApp.api.as(await tokenFor('acme', 'admin'));
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const sql = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
    queryDatabase<T>(testApp.database.url, text, params, { searchPath: 'tenant_acme' });

  it('splits an assignment when a dispatch is re-assigned and closes it when the work ends', async () => {
    const world = await Scenario.create(admin);
    const first = await world.unit();
    await world.driver();
    const order = await world.order('urgent');
    const second = await world.unit();
    const dispatchId = order.dispatch!.id;
    expect(order.dispatch!.equipmentId).toBe(first.id);
    expect(
      (await admin.post(`/dispatches/${dispatchId}/reassign`, { equipmentId: second.id })).status,
    ).toBe(200);
    for (const step of ['acknowledged', 'en_route', 'on_site', 'completed'])
      await admin.post(`/dispatches/${dispatchId}/transitions`, { to: step });
    const periods = await sql<{
      equipment_id: string;
      started_at: Date;
      ended_at: Date;
      end_reason: string;
      site_id: string;
    }>(`SELECT * FROM assignment_periods WHERE dispatch_id = $1 ORDER BY started_at, id`, [
      dispatchId,
    ]);
    expect(
      periods.map((period) => [period.equipment_id, period.end_reason, period.site_id]),
    ).toEqual([
      [first.id, 'reassigned', world.siteId],
      [second.id, 'completed', world.siteId],
    ]);
    expect(periods[0].ended_at).toEqual(periods[1].started_at);
    const [row] = await sql<{
      completed_at: Date;
      assigned_at: Date;
      on_site_at: Date;
      dispatched_at: Date;
      order_on_site: Date;
    }>(
      `SELECT d.completed_at, d.assigned_at, d.on_site_at, o.dispatched_at, o.on_site_at AS order_on_site
         FROM dispatches d JOIN work_orders o ON o.id = d.work_order_id WHERE d.id = $1`,
      [dispatchId],
    );
    expect(periods[1].ended_at).toEqual(row.completed_at);
    expect(row.dispatched_at).toEqual(row.assigned_at);
    expect(row.order_on_site).toEqual(row.on_site_at);
    expect(row.on_site_at).not.toBeNull();
  });

  it('counts work still under way up to now, and nothing of the rest of today', async () => {
    const world = await Scenario.create(admin);
    const unit = await world.unit();
    const driver = await world.driver({ onDuty: false });
    const [{ id: orderId }] = await sql<{ id: string }>(
      `INSERT INTO work_orders (title, site_id, equipment_type_id, priority, status, created_by, created_at)
       VALUES ('Under way', $1, $2, 'standard', 'dispatched', 'history', now() - interval '3 hours')
       RETURNING id`,
      [world.siteId, world.typeId],
    );
    await sql(
      `UPDATE equipment SET status = 'dispatched', created_at = now() - interval '2 days' WHERE id = $1`,
      [unit.id],
    );
    await sql(RECORD_PAST_DISPATCH_SQL, [
      orderId,
      unit.id,
      driver.id,
      'en_route',
      new Date(Date.now() - 2 * 3_600_000),
      null,
      null,
      null,
      null,
      null,
    ]);
    const now = new Date();
    const today = now.toISOString().slice(0, 10);
    const sinceMidnight = (now.getTime() - Date.parse(`${today}T00:00:00Z`)) / 3_600_000;
    const { body } = await admin.get(
      `/reports/utilization?from=${today}&to=${today}&tz=UTC&equipmentTypeId=${world.typeId}`,
    );
    const row = body.rows.find(
      (candidate: { equipmentId: string }) => candidate.equipmentId === unit.id,
    );
    expect(row.inServiceHours).toBeCloseTo(sinceMidnight, 1);
    expect(row.dispatchedHours).toBeCloseTo(Math.min(2, sinceMidnight), 1);
    expect(row.idleHours).toBeCloseTo(sinceMidnight - Math.min(2, sinceMidnight), 1);
    const drivers = await admin.get(`/reports/drivers?from=${today}&to=${today}&tz=UTC`);
    const mine = drivers.body.rows.find(
      (candidate: { driverId: string }) => candidate.driverId === driver.id,
    );
    expect(mine.hoursOnDispatch).toBeCloseTo(Math.min(2, sinceMidnight), 1);
    expect(mine.completed).toBe(0);
  });

  it('records maintenance as a period from the moment a unit goes in until it comes back', async () => {
    const world = await Scenario.create(admin);
    const unit = await world.unit();
    await admin.patch(`/equipment/${unit.id}`, { status: 'maintenance' });
    const open = await sql(
      `SELECT status, ended_at FROM equipment_status_periods WHERE equipment_id = $1`,
      [unit.id],
    );
    expect(open).toEqual([{ status: 'maintenance', ended_at: null }]);
    await admin.patch(`/equipment/${unit.id}`, { status: 'available' });
    await admin.patch(`/equipment/${unit.id}`, { status: 'retired' });
    const closed = await sql<{ status: string; ended_at: Date | null }>(
      `SELECT status, ended_at FROM equipment_status_periods WHERE equipment_id = $1 ORDER BY started_at, id`,
      [unit.id],
    );
    expect(closed.map((period) => [period.status, period.ended_at === null])).toEqual([
      ['maintenance', false],
      ['retired', true],
    ]);
  });
});
