import { type ApiClient, queryDatabase, tokenFor } from '@dispatch/testing';
import { parse } from 'csv-parse/sync';
import { DISPATCH_STEPS, Scenario } from './support/scenario';
import { startTestApp, type TestApp } from './support/test-app';

interface AuditItem {
  id: string;
  occurredAt: string;
  actorSubject: string;
  actorName: string;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}

/** Follows nextCursor to the end, checking that pages run newest first and never overlap. */
async function allPages(api: ApiClient, filter: string, limit = 7): Promise<AuditItem[]> {
  const items: AuditItem[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: { items: AuditItem[]; nextCursor: string | null } } =
      await api.get(`/audit?${filter}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  const newestFirst = (a: AuditItem, b: AuditItem) =>
    b.occurredAt.localeCompare(a.occurredAt) || Number(BigInt(b.id) - BigInt(a.id));
  expect(items).toEqual([...items].sort(newestFirst));
  expect(new Set(items.map((item) => item.id)).size).toBe(items.length);
  return items;
}

/** The audit explorer: filters, keyset paging, CSV export, isolation, and exports cut short. */
describe('audit explorer', () => {
  let testApp: TestApp;
  let admin: ApiClient;
  let viewer: ApiClient;
  let orderId: string;
  let dispatchId: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    admin = testApp.api.as(await tokenFor('acme', 'admin'));
    viewer = testApp.api.as(await tokenFor('acme', 'viewer'));
    const world = await Scenario.create(admin);
    await world.unit();
    await world.driver();
    const order = await world.order('urgent');
    orderId = order.id;
    dispatchId = order.dispatch!.id;
    const dispatcher = testApp.api.as(await tokenFor('acme', 'dispatcher'));
    for (const step of DISPATCH_STEPS)
      await dispatcher.post(`/dispatches/${dispatchId}/transitions`, { to: step });
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const sql = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
    queryDatabase<T>(testApp.database.url, text, params, { searchPath: 'tenant_acme' });

  it('filters by entity, actor, action and time, and pages through every match exactly once', async () => {
    const everything = await allPages(viewer, 'entityType=dispatch', 3);
    const expected = await sql<{ id: string }>(
      `SELECT id::text FROM audit_events WHERE entity_type = 'dispatch'
        ORDER BY occurred_at DESC, audit_events.id DESC`,
    );
    expect(everything.map((item) => item.id)).toEqual(expected.map((row) => row.id));

    const ofDispatch = await allPages(viewer, `entityType=dispatch&entityId=${dispatchId}`, 2);
    expect(ofDispatch.every((item) => item.entityId === dispatchId)).toBe(true);
    expect(ofDispatch.length).toBeGreaterThanOrEqual(DISPATCH_STEPS.length + 1);

    const byEngine = await allPages(viewer, 'actor=auto');
    expect(byEngine.length).toBeGreaterThan(0);
    expect(byEngine.every((item) => item.actorSubject === 'auto')).toBe(true);

    // A person by their login name, as by their subject: the same events.
    const [person] = await sql<{ subject: string; name: string }>(
      `SELECT actor_subject AS subject, actor_name AS name FROM audit_events
        WHERE actor_subject <> 'auto' AND actor_kind = 'person' LIMIT 1`,
    );
    const bySubject = await allPages(viewer, `actor=${person.subject}`);
    const byName = await allPages(viewer, `actor=${encodeURIComponent(person.name)}`);
    expect(byName.length).toBeGreaterThan(0);
    expect(byName.map((item) => item.id)).toEqual(bySubject.map((item) => item.id));
    expect(byName.every((item) => item.actorName === person.name)).toBe(true);

    const created = await allPages(viewer, 'action=work_order.created');
    expect(created.map((item) => item.entityId)).toContain(orderId);
    expect(created.every((item) => item.action === 'work_order.created')).toBe(true);

    // A time window that holds exactly the events of one second-by-second slice of the history.
    const [middle] = await sql<{ from: string; to: string; count: string }>(
      `SELECT min(occurred_at) AS from, max(occurred_at) AS to, count(*)::text AS count
         FROM (SELECT occurred_at FROM audit_events ORDER BY id OFFSET 2 LIMIT 4) slice`,
    );
    const from = new Date(middle.from).toISOString();
    const to = new Date(new Date(middle.to).getTime() + 1).toISOString();
    const [inWindow] = await sql<{ count: string }>(
      `SELECT count(*)::text AS count FROM audit_events WHERE occurred_at >= $1 AND occurred_at < $2`,
      [from, to],
    );
    const windowed = await allPages(viewer, `from=${from}&to=${to}`, 2);
    expect(windowed).toHaveLength(Number(inWindow.count));
    expect(windowed.every((item) => item.occurredAt >= from && item.occurredAt < to)).toBe(true);
  });

  it('exports every matching event as CSV, oldest first, that parses back to the paged JSON', async () => {
    const filter = `entityType=dispatch&entityId=${dispatchId}`;
    const csv = await viewer.get(`/audit/export?${filter}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-/);
    const records = parse(csv.body as string, { columns: true }) as Record<string, string>[];
    const paged = (await allPages(viewer, filter)).reverse(); // oldest first, as exported
    expect(records.map((record) => record.id)).toEqual(paged.map((item) => item.id));
    records.forEach((record, index) => {
      const item = paged[index];
      expect(record.occurredAt).toBe(item.occurredAt);
      expect(record.action).toBe(item.action);
      expect(record.actorSubject).toBe(item.actorSubject);
      expect(record.before ? JSON.parse(record.before) : null).toEqual(item.before);
      expect(record.after ? JSON.parse(record.after) : null).toEqual(item.after);
    });
    const empty = await viewer.get(`/audit/export?action=no.such.action`);
    expect(empty.body).toBe(
      'id,occurredAt,actorSubject,actorName,actorRole,action,entityType,entityId,before,after,requestId\n',
    );
  });

  it('keeps each tenant’s audit trail and export to itself', async () => {
    const globex = testApp.api.as(await tokenFor('globex', 'admin'));
    expect((await globex.get(`/audit?entityId=${orderId}`)).body.items).toEqual([]);
    const page = await globex.get('/audit?limit=200');
    expect(JSON.stringify(page.body)).not.toContain(orderId);
    const csv = await globex.get('/audit/export');
    expect(csv.status).toBe(200);
    expect(csv.body).not.toContain(orderId);
    expect(csv.body).not.toContain(dispatchId);
  });

  it('refuses the export to dispatchers and drivers, and bad filters with a 400', async () => {
    for (const role of ['dispatcher', 'driver'] as const) {
      const api = testApp.api.as(await tokenFor('acme', role));
      expect((await api.get('/audit/export')).status).toBe(403);
    }
    for (const [query, field] of [
      ['from=yesterday', 'from'],
      ['entityId=42', 'entityId'],
      ['limit=10', 'limit'],
      ['cursor=5', 'cursor'],
    ]) {
      const { status, body } = await viewer.get(`/audit/export?${query}`);
      expect({ query, status }).toEqual({ query, status: 400 });
      expect(body.errors.map((error: { field: string }) => error.field)).toContain(field);
    }
  });

  it('returns the database connection when a client abandons a large export half way', async () => {
    await sql(
      `INSERT INTO audit_events (actor_subject, actor_name, action, entity_type, after)
       SELECT 'bulk', 'Bulk loader', 'bulk.loaded', 'bulk', jsonb_build_object('n', n, 'pad', repeat('x', 200))
         FROM generate_series(1, 30000) AS n`,
    );
    const url = `${testApp.api.baseUrl}/audit/export`;
    // More abandoned exports than the pool (10) has connections: a leak would starve the API.
    for (let attempt = 0; attempt < 12; attempt++) {
      const controller = new AbortController();
      const response = await fetch(url, {
        headers: { authorization: `Bearer ${await tokenFor('acme', 'viewer')}` },
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toMatch(/^id,occurredAt/);
      controller.abort();
    }
    const deadline = Date.now() + 5000;
    let busy: { count: string }[] = [];
    do {
      busy = await queryDatabase<{ count: string }>(
        testApp.database.url,
        `SELECT count(*)::text AS count FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'dispatch-api'
            AND state <> 'idle'`,
      );
      if (busy[0].count === '0') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } while (Date.now() < deadline);
    expect(busy[0].count).toBe('0');
    const after = await viewer.get('/audit?action=bulk.loaded&limit=1');
    expect(after.status).toBe(200);
    const full = await viewer.get('/audit/export?action=bulk.loaded');
    expect((full.body as string).trimEnd().split('\n')).toHaveLength(30_001);
  });
});
