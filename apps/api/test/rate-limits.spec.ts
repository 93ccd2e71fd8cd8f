import {
  type ApiClient,
  createTestDatabase,
  type HttpResult,
  queryDatabase,
  type TestDatabase,
  tokenFor,
} from '@dispatch/testing';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Long enough that a test's requests all fall in one window on a busy machine (each test starts
 * on fresh instances and a fresh database, so no test waits for a window to end but the one about
 * Retry-After).
 */
const WINDOW_SECONDS = 10;
const CLIENT_LIMIT = 20;
const TENANT_LIMIT = 30;
/**
 * How far past a shared limit the instances may go: what the other instance admitted since this
 * one last reconciled (every 20 ms here; a few sequential requests). Counting per instance would
 * admit twice the limit.
 */
const SLACK = 6;
const LIMITS = {
  RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
  RATE_LIMIT_CLIENT_REQUESTS: String(CLIENT_LIMIT),
  RATE_LIMIT_TENANT_REQUESTS: String(TENANT_LIMIT),
  RATE_LIMIT_SYNC_MILLISECONDS: '20',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `next(i)` until the first 429 (or `max` requests); answers what passed and the refusal. */
async function untilRefused(
  next: (index: number) => Promise<HttpResult>,
  max: number,
): Promise<{ passed: number; refusal: HttpResult | undefined; statuses: number[] }> {
  const statuses: number[] = [];
  for (let index = 0; index < max; index += 1) {
    const result = await next(index);
    statuses.push(result.status);
    if (result.status === 429) return { passed: index, refusal: result, statuses };
    if (result.status !== 200)
      throw new Error(`unexpected ${result.status}: ${JSON.stringify(result.body)}`);
  }
  return { passed: max, refusal: undefined, statuses };
}

function expectTooManyRequests(refusal: HttpResult | undefined): number {
  expect(refusal?.status).toBe(429);
  expect(refusal?.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(refusal?.body).toMatchObject({
    type: 'urn:dispatch:problem:too-many-requests',
    status: 429,
    detail: expect.stringMatching(/retry after \d+ s/),
  });
  const retryAfter = refusal?.headers.get('retry-after') ?? '';
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(retryAfter)).toBeLessThanOrEqual(WINDOW_SECONDS);
  expect(refusal?.headers.get('ratelimit-remaining')).toBe('0');
  return Number(retryAfter);
}

describe('rate limits shared by two API instances', () => {
  let database: TestDatabase;
  let first: TestApp;
  let second: TestApp;
  /** The two instances, alternately. */
  const either = (index: number) => (index % 2 === 0 ? first : second);
  const as = (app: TestApp, token: string): ApiClient => app.api.as(token);

  // Fresh counters for every test: in-memory ones in new instances, shared ones in a new database.
  beforeEach(async () => {
    database = await createTestDatabase();
    [first, second] = await Promise.all([
      startTestApp({ database, config: LIMITS }),
      startTestApp({ database, config: LIMITS }),
    ]);
  });

  afterEach(async () => {
    await first?.close();
    await second?.close();
    await database?.drop();
  });

  it('refuses one token past the shared limit on both instances, lets another tenant through, and writes nothing', async () => {
    const admin = await tokenFor('acme', 'admin');
    const otherTenant = await tokenFor('globex', 'admin');
    const first200 = await as(first, admin).get('/qualifications');
    expect(first200.status).toBe(200);
    expect(first200.headers.get('ratelimit-limit')).toBe(String(CLIENT_LIMIT));
    expect(first200.headers.get('ratelimit-remaining')).toBe(String(CLIENT_LIMIT - 1));
    expect(Number(first200.headers.get('ratelimit-reset'))).toBeLessThanOrEqual(WINDOW_SECONDS);

    const run = await untilRefused(
      (index) => as(either(index + 1), admin).get('/qualifications'),
      2 * CLIENT_LIMIT,
    );
    const passed = run.passed + 1;
    // The shared total, not each instance's own: per instance, 2 × 20 would pass.
    expect(passed).toBeGreaterThanOrEqual(CLIENT_LIMIT);
    expect(passed).toBeLessThanOrEqual(CLIENT_LIMIT + SLACK);
    expectTooManyRequests(run.refusal);
    expect(run.refusal?.body.detail).toContain('this client');

    // Both instances now refuse the token, and a refused POST creates nothing.
    await sleep(100);
    for (const app of [first, second]) {
      const refused = await as(app, admin).post('/qualifications', {
        code: `LIMITED-${app === first ? 1 : 2}`,
        name: 'Refused while limited',
      });
      expectTooManyRequests(refused);
    }
    // Another tenant is not limited in the same moment, on either instance.
    for (const app of [first, second]) {
      expect((await as(app, otherTenant).get('/qualifications')).status).toBe(200);
    }
    const written = await queryDatabase<{ count: string }>(
      database.url,
      `SELECT count(*) FROM tenant_acme.qualifications WHERE code LIKE 'LIMITED-%'`,
    );
    expect(written[0].count).toBe('0');
  });

  it('lets the token through again after Retry-After seconds', async () => {
    const admin = await tokenFor('acme', 'admin');
    const run = await untilRefused(
      (index) => as(either(index), admin).get('/qualifications'),
      2 * CLIENT_LIMIT,
    );
    const retryAfter = expectTooManyRequests(run.refusal);
    await sleep(retryAfter * 1000 + 50);
    for (const app of [first, second]) {
      const again = await as(app, admin).post('/qualifications', {
        code: `AGAIN-${app === first ? 1 : 2}`,
        name: 'Allowed again',
      });
      expect(again.status).toBe(201);
    }
  });

  it('adds up the callers of one tenant against the tenant limit, apart from other tenants', async () => {
    const callers = [
      await tokenFor('acme', 'dispatcher'),
      await tokenFor('acme', 'viewer'),
      await tokenFor('acme', 'driver'),
    ];
    const otherTenant = await tokenFor('globex', 'viewer');
    const run = await untilRefused(
      (index) => as(either(index), callers[index % callers.length]).get('/sites'),
      2 * TENANT_LIMIT,
    );
    // Each caller stays under its own limit (about 10 of 20); together they reach the tenant's.
    expect(run.passed).toBeGreaterThanOrEqual(TENANT_LIMIT);
    expect(run.passed).toBeLessThanOrEqual(TENANT_LIMIT + SLACK);
    expectTooManyRequests(run.refusal);
    expect(run.refusal?.body.detail).toContain('the organization');
    expect(run.refusal?.headers.get('ratelimit-limit')).toBe(String(TENANT_LIMIT));
    for (const app of [first, second]) {
      expect((await as(app, otherTenant).get('/sites')).status).toBe(200);
    }
  });

  it('counts neither the health endpoints nor the live stream’s connection', async () => {
    const viewer = await tokenFor('acme', 'viewer');
    // With a token: a request without one is never counted anyway.
    for (let index = 0; index < CLIENT_LIMIT + SLACK + 5; index += 1) {
      expect((await either(index).root.as(viewer).get('/health/live')).status).toBe(200);
    }
    const streams: AbortController[] = [];
    try {
      for (let index = 0; index < CLIENT_LIMIT + SLACK + 5; index += 1) {
        const abort = new AbortController();
        streams.push(abort);
        const response = await fetch(`${either(index).api.baseUrl}/events`, {
          headers: { authorization: `Bearer ${viewer}`, accept: 'text/event-stream' },
          signal: abort.signal,
        });
        expect(response.status).toBe(200);
        expect(response.headers.get('ratelimit-limit')).toBeNull();
        abort.abort();
      }
    } finally {
      for (const abort of streams) abort.abort();
    }
    const counted = await as(first, viewer).get('/sites');
    expect(counted.status).toBe(200);
    expect(counted.headers.get('ratelimit-remaining')).toBe(String(CLIENT_LIMIT - 1));
  });
});

describe('rate limits while the shared counters cannot be reached', () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp({ database, config: LIMITS });
    // The API's role loses the counters' table: every reconciliation fails.
    await queryDatabase(database.url, `REVOKE ALL ON platform.rate_limits FROM dispatch_api`);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('goes on serving, and limits per instance', async () => {
    const admin = await tokenFor('acme', 'admin');
    const run = await untilRefused(async (index) => {
      // Let reconciliations run (and fail) between requests.
      if (index % 5 === 0) await sleep(30);
      return app.api.as(admin).get('/qualifications');
    }, 2 * CLIENT_LIMIT);
    // No 500: every request before the limit passed, and the limit held on this instance alone.
    expect(run.passed).toBe(CLIENT_LIMIT);
    expectTooManyRequests(run.refusal);
  });
});
