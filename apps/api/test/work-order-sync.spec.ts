import { type ApiClient, tokenFor, workTimeBound } from '@dispatch/testing';
import { CHANGE_HORIZON_SQL } from '@dispatch/domain';
import { Client } from 'pg';
import { DISPATCH_STEPS, Scenario } from './support/scenario';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Incremental sync: `GET /work-orders?updatedSince=…&sort=updatedAt` paged by cursor misses nothing
 * that commits during the walk, not even a change whose transaction started before the walker's
 * page and committed after it (its updatedAt is behind what the walker has already seen).
 */
interface FeedPage {
  items: { id: string; updatedAt: string; notes: string | null; title: string }[];
  nextCursor: string;
  hasMore: boolean;
  limit: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An ERP's sync loop: small pages, resuming from the last cursor. */
class Walker {
  cursor: string | undefined;
  /** Every (id, updatedAt) delivered, in order. */
  readonly delivered: string[] = [];
  readonly latest = new Map<string, FeedPage['items'][number]>();
  maxUpdatedAt = '';

  constructor(
    private readonly api: ApiClient,
    private readonly start: string,
    private readonly limit = 3,
  ) {}

  private busy: Promise<unknown> = Promise.resolve();

  /** One page at a time: each continues from the cursor of the one before. */
  page(): Promise<FeedPage> {
    const next = this.busy.then(() => this.fetchPage());
    this.busy = next.catch(() => undefined);
    return next;
  }

  private async fetchPage(): Promise<FeedPage> {
    const position = this.cursor
      ? `cursor=${this.cursor}`
      : `updatedSince=${encodeURIComponent(this.start)}`;
    const response = await this.api.get<FeedPage>(
      `/work-orders?sort=updatedAt&limit=${this.limit}&${position}`,
    );
    if (response.status !== 200)
      throw new Error(`feed page: ${response.status} ${JSON.stringify(response.body)}`);
    for (const item of response.body.items) {
      this.delivered.push(`${item.id}@${item.updatedAt}`);
      this.latest.set(item.id, item);
      if (item.updatedAt > this.maxUpdatedAt) this.maxUpdatedAt = item.updatedAt;
    }
    this.cursor = response.body.nextCursor;
    return response.body;
  }

  /** Pages until caught up with what is committed for good (hasMore false). */
  async catchUp(): Promise<void> {
    while ((await this.page()).hasMore) {
      // next page at once
    }
  }

  /** Where the walker stands: the `(change_xid, id)` its cursor names. */
  position(): string {
    return this.cursor ? Buffer.from(this.cursor, 'base64url').toString() : '(no cursor yet)';
  }

  /**
   * Catches up again and again until `done` holds (changes appear once older transactions end).
   * On a timeout, `explain` says why (what is missing, and what the database holds of it).
   */
  async until(
    done: () => boolean,
    what: string,
    timeoutMs = 30_000,
    explain: () => Promise<string> = async () => '',
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.catchUp();
      if (done()) return;
      if (Date.now() > deadline)
        throw new Error(
          `the walker never saw ${what} (cursor at ${this.position()})\n${await explain()}`,
        );
      await sleep(100);
    }
  }
}

describe('incremental sync of work orders (sort=updatedAt, keyset cursor)', () => {
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

  /**
   * What the database holds of orders the walker has not seen in their final state: their
   * `change_xid` against the feed's horizon, and the transactions that hold the horizon back.
   */
  async function feedDiagnosis(ids: string[]): Promise<string> {
    const client = new Client({ connectionString: testApp.database.url });
    await client.connect();
    try {
      // Statements of their own: on Citus one that reads a tenant table runs on its worker.
      const horizon = await client.query(`SELECT ${CHANGE_HORIZON_SQL}::text AS horizon`);
      const rows = await client.query(
        `SELECT id, change_xid::text, updated_at, status
           FROM tenant_acme.work_orders WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      const holders = await client.query(
        `SELECT pid, datname, backend_xid::text, state, now() - xact_start AS open_for, left(query, 120) AS query
           FROM pg_stat_activity WHERE backend_xid IS NOT NULL ORDER BY xact_start`,
      );
      return [
        `the feed's horizon: ${horizon.rows[0].horizon}`,
        `missing: ${JSON.stringify(rows.rows)}`,
        `transactions holding an id: ${JSON.stringify(holders.rows)}`,
      ].join('\n');
    } finally {
      await client.end();
    }
  }

  /** Every order's final state, as the default listing shows it. */
  async function finalStates(): Promise<string[]> {
    const states: string[] = [];
    for (let offset = 0; ; offset += 200) {
      const page = await dispatcher.get(`/work-orders?limit=200&offset=${offset}`);
      for (const order of page.body.items as { id: string; updatedAt: string }[])
        states.push(`${order.id}@${order.updatedAt}`);
      if (page.body.items.length < 200) return states;
    }
  }

  it('misses nothing that commits during the walk, including a transaction held open across its pages', async () => {
    const busy = await Scenario.create(admin);
    for (let index = 0; index < 3; index += 1) {
      await busy.unit();
      await busy.driver();
    }
    // Orders of a type without units stay queued: nobody but this test touches them.
    const quiet = await Scenario.create(admin);
    const held = await quiet.order('low', { title: 'Held' });
    const walker = new Walker(dispatcher, new Date(Date.now() - 60_000).toISOString());
    await walker.catchUp();

    // Other clients create, edit, dispatch, complete and cancel orders while the walker pages.
    let writing = true;
    const failures: string[] = [];
    const check = (what: string, response: { status: number; body: unknown }) => {
      if (response.status >= 300)
        failures.push(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
      return response;
    };
    const writers = [
      (async () => {
        for (let index = 0; writing || index < 15; index += 1) {
          const order = check(
            'create',
            await dispatcher.post('/work-orders', {
              title: `Busy ${index}`,
              siteId: busy.siteId,
              equipmentTypeId: busy.typeId,
              priority: ['low', 'standard', 'urgent'][index % 3],
            }),
          ).body as { id: string; status: string; dispatch?: { id: string } };
          if (order.dispatch) {
            for (const to of DISPATCH_STEPS)
              check(
                to,
                await dispatcher.post(`/dispatches/${order.dispatch.id}/transitions`, { to }),
              );
          } else if (index % 2 === 0) {
            check(
              'edit',
              await dispatcher.patch(`/work-orders/${order.id}`, { notes: `edited ${index}` }),
            );
          } else {
            check('cancel', await dispatcher.post(`/work-orders/${order.id}/cancel`));
          }
        }
      })(),
      (async () => {
        for (let index = 0; writing || index < 15; index += 1) {
          check(
            'put',
            await dispatcher.request('PUT', `/work-orders/by-external-ref/SYNC-${index % 4}`, {
              title: `Upserted ${index}`,
              siteId: quiet.siteId,
              equipmentTypeId: quiet.typeId,
              priority: 'standard',
            }),
          );
        }
      })(),
      (async () => {
        while (writing) {
          await walker.page();
          await sleep(20);
        }
      })(),
    ];

    // A client's transaction changes the held order and stays open across the walker's pages.
    // It started a moment before it wrote: its updated_at (the start) is behind changes that
    // commit meanwhile, which the walker sees first.
    const client = new Client({ connectionString: testApp.database.apiUrl });
    await client.connect();
    try {
      await client.query(`SET search_path TO tenant_acme`);
      await client.query('BEGIN');
      const [{ started }] = (await client.query<{ started: Date }>(`SELECT now() AS started`)).rows;
      // Long enough for other clients' transactions to start and write meanwhile (a write takes
      // several times as long on a Citus cluster).
      await sleep(workTimeBound(500));
      await client.query(
        `UPDATE work_orders SET notes = 'changed in a long transaction', updated_at = now(), change_xid = current_change_xid()
          WHERE id = $1`,
        [held.id],
      );
      // An order created after that write commits at once, but its transaction is younger.
      const younger = check(
        'younger',
        await dispatcher.post('/work-orders', {
          title: 'Younger',
          siteId: quiet.siteId,
          equipmentTypeId: quiet.typeId,
          priority: 'low',
        }),
      ).body as { id: string };
      // Wait until the walker has passed: caught up, beyond the held change's updatedAt.
      await walker.until(
        () => walker.maxUpdatedAt > started.toISOString(),
        'a change newer than the held transaction',
      );
      await sleep(300);
      await walker.catchUp();
      const passedAt = walker.maxUpdatedAt;
      expect(passedAt > started.toISOString()).toBe(true);
      // Neither the held change nor anything that committed after it was written is out yet.
      expect(walker.latest.get(held.id)?.notes).toBeNull();
      expect(walker.latest.has(younger.id)).toBe(false);

      await client.query('COMMIT');

      // An updatedAt cursor would miss the held change: it is behind what the walker has seen.
      const naive = await dispatcher.get(
        `/work-orders?sort=updatedAt&limit=200&updatedSince=${encodeURIComponent(passedAt)}`,
      );
      expect(naive.body.items.map((item: { id: string }) => item.id)).not.toContain(held.id);
      // The walker, from its last cursor, gets both.
      await walker.until(
        () =>
          walker.latest.get(held.id)?.notes === 'changed in a long transaction' &&
          walker.latest.has(younger.id),
        'the held change and the younger order',
      );
      expect((walker.latest.get(held.id)?.updatedAt ?? '') < passedAt).toBe(true);
    } finally {
      await client.end();
      writing = false;
      await Promise.all(writers);
    }
    expect(failures).toEqual([]);

    // At the end the walker has every order's final state, and no state twice.
    const final = await finalStates();
    expect(final.length).toBeGreaterThan(15);
    const missing = () => final.filter((state) => !walker.delivered.includes(state));
    await walker.until(
      () => missing().length === 0,
      'every final state',
      30_000,
      () => feedDiagnosis(missing().map((state) => state.split('@')[0])),
    );
    expect(missing()).toEqual([]);
    expect(walker.delivered.length).toBe(new Set(walker.delivered).size);
  });

  it('misses no change that commits while the walker pages as fast as it can, each the last change of its order', async () => {
    // Each edit is its order's last change, so a change that lands behind the walker's cursor
    // is lost for good: no later change of the order brings its final state. (On Citus a
    // transaction's commit on the tenant's worker completes after its id has left the
    // coordinator's snapshot: the feed's horizon must not pass it before then.)
    const quiet = await Scenario.create(admin);
    const orders: string[] = [];
    for (let batch = 0; batch < 16; batch += 1)
      orders.push(
        ...(await Promise.all(
          Array.from({ length: 6 }, async () => (await quiet.order('low')).id),
        )),
      );
    const walker = new Walker(dispatcher, new Date(Date.now() - 60_000).toISOString(), 200);
    await walker.catchUp();

    let editing = true;
    const paging = (async () => {
      while (editing) await walker.page();
    })();
    const failures: string[] = [];
    const writers = Array.from({ length: 4 }, async (_, writer) => {
      for (let index = writer; index < orders.length; index += 4) {
        const response = await dispatcher.patch(`/work-orders/${orders[index]}`, {
          notes: `last change ${index}`,
        });
        if (response.status !== 200) failures.push(`${index}: ${response.status}`);
      }
    });
    try {
      await Promise.all(writers);
    } finally {
      editing = false;
      await paging;
    }
    expect(failures).toEqual([]);
    const unseen = () =>
      orders.filter((id, index) => walker.latest.get(id)?.notes !== `last change ${index}`);
    await walker.until(
      () => unseen().length === 0,
      'every last change',
      workTimeBound(10_000),
      () => feedDiagnosis(unseen()),
    );
  });

  it('starts a walk at updatedSince, hands out a cursor even when nothing changed yet, and resumes from it', async () => {
    const world = await Scenario.create(admin);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const empty = await dispatcher.get(
      `/work-orders?sort=updatedAt&updatedSince=${encodeURIComponent(future)}`,
    );
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ items: [], hasMore: false, limit: 50 });
    expect(empty.body.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);

    const since = new Date().toISOString();
    await sleep(5);
    const first = await world.order('low', { title: 'After since' });
    const fresh = new Walker(dispatcher, since, 50);
    await fresh.until(() => fresh.latest.has(first.id), 'the new order');
    expect([...fresh.latest.keys()]).toEqual([first.id]);

    // From the empty page's cursor on: everything after it, the new order included.
    const resumed = new Walker(dispatcher, since, 50);
    resumed.cursor = empty.body.nextCursor;
    await resumed.until(() => resumed.latest.has(first.id), 'the new order');

    // Changed again: it comes again, later, with its new state.
    await dispatcher.patch(`/work-orders/${first.id}`, { title: 'Renamed' });
    await fresh.until(() => fresh.latest.get(first.id)?.title === 'Renamed', 'the rename');
    expect(fresh.delivered.filter((state) => state.startsWith(first.id))).toHaveLength(2);

    // Any role that reads work orders may sync; a driver sees only its own orders.
    for (const role of ['admin', 'viewer'] as const) {
      const response = await testApp.api
        .as(await tokenFor('acme', role))
        .get('/work-orders?sort=updatedAt&limit=1');
      expect({ role, status: response.status }).toEqual({ role, status: 200 });
    }
    const driver = await testApp.api
      .as(await tokenFor('acme', 'driver'))
      .get('/work-orders?sort=updatedAt&limit=200');
    expect(driver.status).toBe(200);
    expect(driver.body.items.map((item: { id: string }) => item.id)).not.toContain(first.id);
  });

  it("brings an order into a driver's feed when it is reassigned to that driver", async () => {
    const world = await Scenario.create(admin);
    await world.unit();
    await world.driver();
    const order = await world.order('urgent');
    expect(order.status).toBe('dispatched');
    const driverApi = testApp.api.as(await tokenFor('acme', 'driver'));
    const walker = new Walker(driverApi, new Date(Date.now() - 60_000).toISOString(), 50);
    await walker.catchUp();
    expect(walker.latest.has(order.id)).toBe(false);

    const own = await world.driver({ username: 'acme-driver' });
    const moved = await dispatcher.post(`/dispatches/${order.dispatch?.id}/reassign`, {
      driverId: own.id,
    });
    expect(moved.status).toBe(200);
    await walker.until(() => walker.latest.has(order.id), 'the order reassigned to the driver');
  });

  it('refuses a garbage cursor and paging that does not fit the feed with 400', async () => {
    const forged = (text: string) => Buffer.from(text).toString('base64url');
    for (const [query, field] of [
      ['sort=updatedAt&cursor=abc', 'cursor'],
      ['sort=updatedAt&cursor=abc%24%25', 'cursor'],
      [`sort=updatedAt&cursor=${forged('c1:12:not-a-uuid-at-all-not-a-uuid-at-al')}`, 'cursor'],
      [
        `sort=updatedAt&cursor=${forged('c1:99999999999999999999:0190f3c2-6b7e-7d4a-9c1e-2f1e8c0b7a11')}`,
        'cursor',
      ],
      [`sort=updatedAt&cursor=${'a'.repeat(300)}`, 'cursor'],
      ['cursor=YWJj', 'cursor'],
      ['sort=updatedAt&offset=10', 'offset'],
      ['sort=updatedAt&updatedSince=2026-01-01T00:00:00', 'updatedSince'],
      ['sort=updatedAt&updatedSince=yesterday', 'updatedSince'],
      ['sort=name', 'sort'],
    ] as const) {
      const response = await dispatcher.get(`/work-orders?${query}`);
      expect({
        query,
        status: response.status,
        fields: response.body.errors?.map((e: { field: string }) => e.field),
      }).toEqual({
        query,
        status: 400,
        fields: expect.arrayContaining([field]),
      });
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    // An unencoded `+` offset arrives as a space: taken as the `+` it was.
    const plus = await dispatcher.get(
      '/work-orders?sort=updatedAt&updatedSince=2026-01-01T00:00:00+01:00',
    );
    expect(plus.status).toBe(200);
    // The default listing keeps its shape.
    const listing = await dispatcher.get('/work-orders?limit=2&offset=0');
    expect(Object.keys(listing.body).sort()).toEqual(['items', 'limit', 'offset', 'total']);
  });
});
