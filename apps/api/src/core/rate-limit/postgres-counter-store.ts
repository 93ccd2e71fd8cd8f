import { PLATFORM_SCHEMA } from '@dispatch/domain';
import type { Pool } from 'pg';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import type { LimitScope, SharedCounterStore } from './shared-rate-limiter';

/** The platform table the migration RateLimits1795249300000 creates (the library's own layout). */
export const RATE_LIMIT_TABLE = 'rate_limits';

/**
 * The shared counters as rate-limiter-flexible's RateLimiterPostgres keeps them: one row per key
 * (`client:<tenant>:<azp>:<sub>`, `tenant:<slug>`), an atomic upsert that adds hits and starts a new
 * window once the last has expired, and a sweep (every 5 minutes) of rows expired an hour ago.
 */
export class PostgresCounterStore implements SharedCounterStore {
  private readonly limiters: Record<LimitScope, RateLimiterPostgres>;

  constructor(pool: Pool, windowSeconds: number) {
    const limiter = (scope: LimitScope) =>
      new RateLimiterPostgres({
        storeClient: pool,
        storeType: 'pool',
        schemaName: PLATFORM_SCHEMA,
        tableName: RATE_LIMIT_TABLE,
        // The migration created it; the API's role may not create tables.
        tableCreated: true,
        keyPrefix: scope,
        // Never consulted: the instance decides against the shared total (SharedRateLimiter).
        points: 1,
        duration: windowSeconds,
        // The sweep deletes from the whole table: one limiter runs it.
        clearExpiredByTimeout: scope === 'tenant',
      });
    this.limiters = { client: limiter('client'), tenant: limiter('tenant') };
  }

  async add(
    scope: LimitScope,
    key: string,
    hits: number,
  ): Promise<{ total: number; msBeforeReset: number }> {
    if (hits === 0) {
      // A read of the shared total (a key near its limit that had no new hits here).
      const current = await this.limiters[scope].get(key);
      return current
        ? { total: current.consumedPoints, msBeforeReset: current.msBeforeNext }
        : { total: 0, msBeforeReset: 0 };
    }
    // `penalty` adds points without refusing: the decision is the instance's, on the total.
    const answer = await this.limiters[scope].penalty(key, hits);
    return { total: answer.consumedPoints, msBeforeReset: answer.msBeforeNext };
  }
}
