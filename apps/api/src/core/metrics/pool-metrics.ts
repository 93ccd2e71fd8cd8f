import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { RateLimiter } from '../rate-limit/rate-limiter.service';
import { TenantDatabase } from '../tenancy/tenant-database.service';
import { BacklogMetrics } from './backlog-metrics';
import { applicationPoolOf, type PoolStatistics } from './database-pools';
import { MetricsRegistry } from './metrics-registry';

/** node-postgres' default when a pool is given no `max`. */
const PG_DEFAULT_MAX = 10;

/**
 * `dispatch_db_pool_*{pool}`: the instance's PostgreSQL connection pools, read at scrape time —
 * `application` (typeorm's, every request's transaction), `bookkeeping` (idempotency keys, webhook
 * state), `rate_limits` (shared counters), `metrics` (the backlog reads). A pool appears once it
 * is opened (the last three open on first use).
 */
@Injectable()
export class PoolMetrics {
  constructor(
    metrics: MetricsRegistry,
    @InjectDataSource() dataSource: DataSource,
    db: TenantDatabase,
    rateLimiter: RateLimiter,
    backlog: BacklogMetrics,
  ) {
    const pools = (): [string, PoolStatistics | undefined][] => [
      ['application', applicationPoolOf(dataSource)],
      ['bookkeeping', db.bookkeepingConnections],
      ['rate_limits', rateLimiter.counterConnections],
      ['metrics', backlog.connections],
    ];
    const gauge = (name: string, help: string, read: (pool: PoolStatistics) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['pool'],
        registers: [metrics.registry],
        collect() {
          this.reset();
          for (const [label, pool] of pools()) if (pool) this.set({ pool: label }, read(pool));
        },
      });
    gauge(
      'dispatch_db_pool_max_connections',
      'Connections the pool may open',
      (pool) => pool.options.max ?? PG_DEFAULT_MAX,
    );
    gauge(
      'dispatch_db_pool_connections',
      'Connections open (idle or in use)',
      (pool) => pool.totalCount,
    );
    gauge(
      'dispatch_db_pool_idle_connections',
      'Open connections not in use',
      (pool) => pool.idleCount,
    );
    gauge(
      'dispatch_db_pool_waiting_clients',
      'Callers waiting for a connection because every one allowed is in use',
      (pool) => pool.waitingCount,
    );
  }
}
