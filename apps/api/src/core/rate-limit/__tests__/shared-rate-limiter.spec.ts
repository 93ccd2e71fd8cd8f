import {
  type LimitKey,
  type LimitScope,
  type SharedCounterStore,
  SharedRateLimiter,
} from '../shared-rate-limiter';

/** The store's semantics in memory: fixed windows per key, started by the first hit after the last ended. */
class MemoryStore implements SharedCounterStore {
  readonly rows = new Map<string, { total: number; endsAt: number }>();
  failing = false;
  calls = 0;

  constructor(
    private readonly windowMs: number,
    private readonly clock: () => number,
  ) {}

  async add(scope: LimitScope, key: string, hits: number) {
    this.calls += 1;
    if (this.failing) throw new Error('connection refused');
    const now = this.clock();
    const id = `${scope}:${key}`;
    let row = this.rows.get(id);
    if (!row || row.endsAt <= now) row = { total: 0, endsAt: now + this.windowMs };
    row.total += hits;
    this.rows.set(id, row);
    return { total: row.total, msBeforeReset: row.endsAt - now };
  }
}

const CLIENT: LimitKey = { scope: 'client', key: 'acme:dispatch-cli:u1' };
const OTHER_CLIENT: LimitKey = { scope: 'client', key: 'acme:dispatch-cli:u2' };
const TENANT: LimitKey = { scope: 'tenant', key: 'acme' };

describe('shared rate limiter', () => {
  let now: number;
  const clock = () => now;
  let store: MemoryStore;
  const instance = (limits = { client: 5, tenant: 8 }, onHealth = jest.fn()) =>
    new SharedRateLimiter(store, limits, 10_000, onHealth, clock);

  beforeEach(() => {
    now = 1_000_000;
    store = new MemoryStore(10_000, clock);
  });

  it('admits up to the limit, then refuses with the seconds until the window ends', () => {
    const limiter = instance();
    const answers = Array.from({ length: 6 }, () => limiter.take([CLIENT, TENANT]));
    expect(answers.map((answer) => answer.allowed)).toEqual([true, true, true, true, true, false]);
    expect(answers[0]).toMatchObject({ scope: 'client', limit: 5, remaining: 4, resetSeconds: 10 });
    now += 3_500;
    expect(limiter.take([CLIENT, TENANT])).toMatchObject({
      allowed: false,
      scope: 'client',
      remaining: 0,
      resetSeconds: 7,
    });
    now += 6_500;
    expect(limiter.take([CLIENT, TENANT]).allowed).toBe(true);
  });

  it('counts a refused request against no key', async () => {
    const limiter = instance({ client: 5, tenant: 6 });
    for (let index = 0; index < 5; index += 1) limiter.take([CLIENT, TENANT]);
    expect(limiter.take([CLIENT, TENANT])).toMatchObject({ allowed: false, scope: 'client' });
    // The tenant still has one request: another caller of the tenant gets it.
    expect(limiter.take([OTHER_CLIENT, TENANT])).toMatchObject({ allowed: true, remaining: 0 });
    expect(limiter.take([OTHER_CLIENT, TENANT])).toMatchObject({ allowed: false, scope: 'tenant' });
    await limiter.reconcile();
    expect(store.rows.get('tenant:acme')?.total).toBe(6);
    expect(store.rows.get('client:acme:dispatch-cli:u1')?.total).toBe(5);
  });

  it('holds the limit across instances once they have reconciled', async () => {
    const first = instance();
    const second = instance();
    for (let index = 0; index < 3; index += 1) expect(first.take([CLIENT]).allowed).toBe(true);
    await first.reconcile();
    // The second instance learns the shared total with its own first report.
    expect(second.take([CLIENT]).allowed).toBe(true);
    await second.reconcile();
    expect(second.take([CLIENT])).toMatchObject({ allowed: true, remaining: 0 });
    expect(second.take([CLIENT]).allowed).toBe(false);
    await second.reconcile();
    // The first had admitted nothing since, but its key is past half the limit: it reads the
    // shared total all the same, and refuses.
    await first.reconcile();
    expect(first.take([CLIENT]).allowed).toBe(false);
    expect(store.rows.get('client:acme:dispatch-cli:u1')?.total).toBe(5);
  });

  it('reads a key that is not near its limit only when it has hits to report', async () => {
    const first = instance();
    const second = instance();
    first.take([CLIENT]);
    await first.reconcile();
    const calls = store.calls;
    for (let index = 0; index < 4; index += 1) second.take([CLIENT]);
    await second.reconcile();
    // 1 of 5 seen here: no read; it may admit what the other used up until it reports again.
    await first.reconcile();
    expect(store.calls).toBe(calls + 1);
    expect(first.take([CLIENT]).allowed).toBe(true);
    await first.reconcile();
    expect(first.take([CLIENT]).allowed).toBe(false);
  });

  it('reports nothing when nothing was admitted, and forgets counters whose window ended', async () => {
    const limiter = instance();
    await limiter.reconcile();
    expect(store.calls).toBe(0);
    limiter.take([CLIENT, TENANT]);
    await limiter.reconcile();
    await limiter.reconcile();
    expect(store.calls).toBe(2);
    now += 10_000;
    await limiter.reconcile();
    // A new window starts afresh for the caller.
    expect(limiter.take([CLIENT, TENANT])).toMatchObject({ allowed: true, remaining: 4 });
  });

  it('limits per instance while the store fails, and says so once each way', async () => {
    const onHealth = jest.fn();
    const limiter = instance({ client: 5, tenant: 8 }, onHealth);
    store.failing = true;
    for (let index = 0; index < 3; index += 1) limiter.take([CLIENT]);
    await limiter.reconcile();
    for (let index = 0; index < 2; index += 1) expect(limiter.take([CLIENT]).allowed).toBe(true);
    await limiter.reconcile();
    expect(limiter.take([CLIENT]).allowed).toBe(false);
    expect(onHealth).toHaveBeenCalledTimes(1);
    expect(onHealth).toHaveBeenLastCalledWith(false, expect.any(Error));
    store.failing = false;
    now += 10_000;
    limiter.take([CLIENT]);
    await limiter.reconcile();
    expect(onHealth).toHaveBeenCalledTimes(2);
    expect(onHealth).toHaveBeenLastCalledWith(true, undefined);
  });

  it('runs one reconciliation at a time and keeps what is admitted meanwhile', async () => {
    let release: () => void = () => undefined;
    const slow: SharedCounterStore = {
      add: async (scope, key, hits) => {
        await new Promise<void>((resolve) => (release = resolve));
        return store.add(scope, key, hits);
      },
    };
    const limiter = new SharedRateLimiter(slow, { client: 5, tenant: 8 }, 10_000, () => {}, clock);
    limiter.take([CLIENT]);
    const running = limiter.reconcile();
    expect(limiter.reconcile()).toBe(running);
    // Admitted while the report is on its way: counted, and reported next time.
    expect(limiter.take([CLIENT])).toMatchObject({ allowed: true, remaining: 3 });
    release();
    await running;
    expect(limiter.take([CLIENT])).toMatchObject({ allowed: true, remaining: 2 });
    const next = limiter.reconcile();
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await next;
    expect(store.rows.get('client:acme:dispatch-cli:u1')?.total).toBe(3);
  });
});
