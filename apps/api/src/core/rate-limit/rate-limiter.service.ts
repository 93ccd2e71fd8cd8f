import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { TENANT_SLUG_PATTERN } from '@dispatch/domain';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Pool } from 'pg';
import { AppConfig } from '../config/app-config';
import type { PoolStatistics } from '../metrics/database-pools';
import { PostgresCounterStore } from './postgres-counter-store';
import { type LimitKey, type RateLimitDecision, SharedRateLimiter } from './shared-rate-limiter';

/** Claims of a verified access token that name the caller. */
export interface CallerClaims {
  sub?: string;
  /** The client the token was issued to (the console, the CLI, an ERP's API client). */
  azp?: string;
  tenant?: unknown;
}

/** Keys longer than the store's column (255) are hashed; real ones are far shorter. */
function bounded(key: string): string {
  return key.length <= 200 ? key : createHash('sha256').update(key).digest('hex');
}

/** The keys a caller's request counts against: its client and subject, and its tenant. */
export function limitKeysOf(claims: CallerClaims): LimitKey[] {
  const tenant =
    typeof claims.tenant === 'string' && TENANT_SLUG_PATTERN.test(claims.tenant)
      ? claims.tenant
      : undefined;
  const keys: LimitKey[] = [
    { scope: 'client', key: bounded(`${tenant ?? '-'}:${claims.azp ?? '-'}:${claims.sub ?? '-'}`) },
  ];
  if (tenant) keys.push({ scope: 'tenant', key: tenant });
  return keys;
}

/**
 * This instance's side of the shared rate limits: decides each request in memory and reconciles
 * with the counters in PostgreSQL every RATE_LIMIT_SYNC_MILLISECONDS over a pool of its own (two
 * connections), so the limits never take a connection the requests need, and a database that does
 * not answer leaves the instance counting alone rather than failing requests.
 */
@Injectable()
export class RateLimiter implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RateLimiter.name);
  private pool: Pool | undefined;
  private limiter: SharedRateLimiter | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.RATE_LIMIT_ENABLED;
  }

  get windowSeconds(): number {
    return this.config.RATE_LIMIT_WINDOW_SECONDS;
  }

  /** The counters' pool's connections (for metrics), while limits are on. */
  get counterConnections(): PoolStatistics | undefined {
    return this.pool;
  }

  onModuleInit(): void {
    if (!this.enabled) return;
    const config = this.config;
    this.pool = new Pool({
      connectionString: config.DATABASE_URL,
      max: 2,
      application_name: 'dispatch-rate-limits',
      connectionTimeoutMillis: 2_000,
      query_timeout: 2_000,
      // A counter lost in a database crash does no harm: commits need not wait for the WAL flush.
      options: '-c synchronous_commit=off',
      ...(config.DATABASE_CA_FILE
        ? { ssl: { ca: readFileSync(config.DATABASE_CA_FILE, 'utf8'), rejectUnauthorized: true } }
        : {}),
    });
    // An idle connection that breaks must not crash the process; the next reconciliation reconnects.
    this.pool.on('error', (error) => this.logger.warn(`Rate-limit connection lost: ${error}`));
    const limits = {
      client: config.RATE_LIMIT_CLIENT_REQUESTS,
      tenant: config.RATE_LIMIT_TENANT_REQUESTS,
    };
    this.limiter = new SharedRateLimiter(
      new PostgresCounterStore(this.pool, config.RATE_LIMIT_WINDOW_SECONDS),
      limits,
      config.RATE_LIMIT_WINDOW_SECONDS * 1000,
      (healthy, error) =>
        healthy
          ? this.logger.log('Shared rate-limit counters reachable again')
          : this.logger.warn(
              `Shared rate-limit counters unreachable, limiting per instance: ${String(error)}`,
            ),
    );
    this.timer = setInterval(
      () => void this.limiter?.reconcile(),
      config.RATE_LIMIT_SYNC_MILLISECONDS,
    );
    this.timer.unref();
  }

  /** Counts the request against the caller's keys, or refuses it (counting nothing). */
  take(claims: CallerClaims): RateLimitDecision | undefined {
    return this.limiter?.take(limitKeysOf(claims));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    // What this instance admitted last still counts for the others.
    await this.limiter?.reconcile();
    await this.pool?.end().catch(() => undefined);
    this.pool = undefined;
  }
}
