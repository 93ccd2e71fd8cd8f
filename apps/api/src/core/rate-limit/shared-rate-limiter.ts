/** What a limit is counted against: the caller (client and subject), or the whole tenant. */
export type LimitScope = 'client' | 'tenant';

export interface LimitKey {
  scope: LimitScope;
  key: string;
}

/**
 * The shared counters (PostgreSQL): adds `hits` to a key's count in the current fixed window,
 * starting a new window when the last one has ended, and answers the shared total of the window
 * (every instance's hits) and the milliseconds before it ends.
 */
export interface SharedCounterStore {
  add(
    scope: LimitScope,
    key: string,
    hits: number,
  ): Promise<{ total: number; msBeforeReset: number }>;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** The limit that is closest to being reached (or was passed), for the RateLimit-* headers. */
  scope: LimitScope;
  limit: number;
  remaining: number;
  /** Whole seconds until that limit's window ends (at least 1). */
  resetSeconds: number;
}

interface Counter {
  readonly scope: LimitScope;
  readonly key: string;
  readonly limit: number;
  /** The shared total of the window as the store last answered it (it includes this instance's reports). */
  shared: number;
  /** Hits reported to the store whose answer has not come back yet. */
  sending: number;
  /** Hits admitted here since the last report. */
  unsent: number;
  /** Epoch milliseconds at which the window ends (the store's, once it has answered). */
  resetAt: number;
}

/**
 * Fixed-window rate limits shared by every API instance, without a database round trip on the
 * request path: each request is decided against the shared total as last reconciled plus what
 * this instance admitted since, and `reconcile()` (every RATE_LIMIT_SYNC_MILLISECONDS) reports each
 * key's new hits to the store in one statement per key and takes the shared total back.
 *
 * Precision: a key may pass its limit by what the other instances admitted for it that this one
 * has not seen yet — their hits of the last one to two reconciliation intervals (not yet reported
 * by them, or reported after this instance last read the total; a key past half its limit is read
 * every interval, new hits or not). One instance alone is exact.
 * When the store fails, each instance goes on counting alone: the limits then hold per instance.
 */
export class SharedRateLimiter {
  private readonly counters = new Map<string, Counter>();
  private reconciling: Promise<void> | undefined;
  /** False while the store fails: the limits then hold per instance. */
  private storeHealthy = true;

  constructor(
    private readonly store: SharedCounterStore,
    private readonly limits: Readonly<Record<LimitScope, number>>,
    private readonly windowMs: number,
    private readonly onStoreHealthChange: (healthy: boolean, error?: unknown) => void = () =>
      undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request against every key, or none of them when any limit is reached. */
  take(keys: readonly LimitKey[]): RateLimitDecision {
    const now = this.now();
    const counters = keys.map((key) => this.counterOf(key, now));
    const exhausted = counters
      .filter((counter) => this.used(counter) >= counter.limit)
      .sort((a, b) => b.resetAt - a.resetAt)[0];
    if (exhausted) return this.decision(exhausted, false, now);
    for (const counter of counters) counter.unsent += 1;
    const tightest = counters.sort((a, b) => a.limit - this.used(a) - (b.limit - this.used(b)))[0];
    return this.decision(tightest, true, now);
  }

  /**
   * Reports the hits admitted since the last call and takes the shared totals back. One runs at a
   * time; a call while one is running waits for it. Never rejects.
   */
  reconcile(): Promise<void> {
    this.reconciling ??= this.reconcileOnce().finally(() => (this.reconciling = undefined));
    return this.reconciling;
  }

  private async reconcileOnce(): Promise<void> {
    const now = this.now();
    // Keys with new hits report them; keys past half their limit read the shared total even
    // without, so an instance learns within one interval that the others used a key up.
    const due = [...this.counters.values()].filter(
      (counter) =>
        counter.unsent > 0 || (counter.resetAt > now && this.used(counter) * 2 >= counter.limit),
    );
    const failures: unknown[] = [];
    await Promise.all(
      due.map(async (counter) => {
        const hits = counter.unsent;
        counter.unsent = 0;
        counter.sending = hits;
        try {
          const answer = await this.store.add(counter.scope, counter.key, hits);
          counter.shared = answer.total;
          counter.resetAt = this.now() + answer.msBeforeReset;
        } catch (error) {
          // Counted here all the same: the limit holds for this instance alone meanwhile.
          counter.shared += hits;
          failures.push(error);
        } finally {
          counter.sending = 0;
        }
      }),
    );
    if (due.length > 0 && (failures.length === 0) !== this.storeHealthy) {
      this.storeHealthy = failures.length === 0;
      this.onStoreHealthChange(this.storeHealthy, failures[0]);
    }
    this.forgetIdle();
  }

  /** Counters whose window has ended and that have nothing to report are dropped. */
  private forgetIdle(): void {
    const now = this.now();
    for (const [id, counter] of this.counters) {
      if (counter.resetAt <= now && counter.unsent === 0 && counter.sending === 0) {
        this.counters.delete(id);
      }
    }
  }

  private counterOf({ scope, key }: LimitKey, now: number): Counter {
    const id = `${scope}:${key}`;
    let counter = this.counters.get(id);
    if (!counter) {
      counter = {
        scope,
        key,
        limit: this.limits[scope],
        shared: 0,
        sending: 0,
        unsent: 0,
        resetAt: now + this.windowMs,
      };
      this.counters.set(id, counter);
    } else if (counter.resetAt <= now) {
      // The window has ended: what was admitted in it and not yet reported no longer counts.
      counter.shared = 0;
      counter.unsent = 0;
      counter.resetAt = now + this.windowMs;
    }
    return counter;
  }

  private used(counter: Counter): number {
    return counter.shared + counter.sending + counter.unsent;
  }

  private decision(counter: Counter, allowed: boolean, now: number): RateLimitDecision {
    return {
      allowed,
      scope: counter.scope,
      limit: counter.limit,
      remaining: Math.max(counter.limit - this.used(counter), 0),
      resetSeconds: Math.max(Math.ceil((counter.resetAt - now) / 1000), 1),
    };
  }
}
