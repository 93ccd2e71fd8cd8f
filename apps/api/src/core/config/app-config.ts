import { readFileSync } from 'node:fs';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  validateSync,
} from 'class-validator';

const toBoolean = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? ['1', 'true', 'yes', 'on'].includes(value.toLowerCase()) : value;

/** Every setting of the API. README's configuration table lists the same names. */
export class AppConfig {
  @Transform(({ value }) => (value === undefined ? 3000 : Number(value)))
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL: string;

  /**
   * The schema owner's connection, for migrations at start (MIGRATE_ON_START). The API itself
   * connects with DATABASE_URL as a member of `dispatch_api`, which may not change the audit trail.
   * Defaults to DATABASE_URL (then that login must own the schemas).
   */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'MIGRATION_DATABASE_URL must be a postgres:// URL' })
  MIGRATION_DATABASE_URL?: string;

  @Transform(({ value }) => (value === undefined ? 10 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /**
   * Seconds a request waits for a free database connection while all DATABASE_POOL_SIZE are busy,
   * before it is answered 503 "database busy". Connecting to a server that does not answer gives
   * up after 5 s regardless. Admission control (MAX_IN_FLIGHT_REQUESTS) keeps this wait short;
   * this bounds it when many requests are admitted (and on slower topologies such as Citus).
   */
  @Transform(({ value }) => (value === undefined ? 30 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(600)
  DATABASE_POOL_WAIT_SECONDS = 30;

  /** Path of a CA certificate; when set, the API talks to PostgreSQL over verified TLS. */
  @IsOptional()
  @IsString()
  DATABASE_CA_FILE?: string;

  /** Keycloak's public base URL: every accepted token's issuer is `<KEYCLOAK_URL>/realms/<realm>`. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  KEYCLOAK_URL = 'http://localhost:8080';

  /**
   * Where this instance reaches Keycloak itself (signing keys, user administration, health), when
   * that differs from the public URL: behind a reverse proxy, `https://keycloak:8443/auth` say.
   */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  KEYCLOAK_INTERNAL_URL?: string;

  @IsString()
  KEYCLOAK_REALM = 'dispatch';

  /** The audience every accepted access token must name. */
  @IsString()
  KEYCLOAK_CLIENT_ID = 'dispatch-api';

  @IsOptional()
  @IsString()
  KEYCLOAK_CLIENT_SECRET?: string;

  @Transform(toBoolean)
  @IsBoolean()
  MIGRATE_ON_START = true;

  /** Minutes a queued work order waits before it is served as if one priority higher (up to urgent). */
  @Transform(({ value }) => (value === undefined ? 30 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(1440)
  QUEUE_AGING_MINUTES = 30;

  /** Work with a time window is dispatched automatically from this many minutes before it starts. */
  @Transform(({ value }) => (value === undefined ? 60 : Number(value)))
  @IsInt()
  @Min(0)
  @Max(10080)
  DISPATCH_LEAD_MINUTES = 60;

  /** Seconds between sweeps that dispatch scheduled work whose lead time has come. 0 turns sweeps off. */
  @Transform(({ value }) => (value === undefined ? 30 : Number(value)))
  @IsInt()
  @Min(0)
  @Max(3600)
  SCHEDULE_SWEEP_SECONDS = 30;

  /** Milliseconds between sweeps that seal new audit events into each tenant's hash chain. 0: never. */
  @Transform(({ value }) => (value === undefined ? 1000 : Number(value)))
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  AUDIT_SEAL_MILLISECONDS = 1000;

  /** Milliseconds between reads of each tenant's outbox when no wake-up came (bounds a lost wake-up's delay). */
  @Transform(({ value }) => (value === undefined ? 500 : Number(value)))
  @IsInt()
  @Min(20)
  @Max(60_000)
  OUTBOX_POLL_MILLISECONDS = 500;

  /** Wake-ups to other instances are sent at most once per tenant per this many milliseconds. */
  @Transform(({ value }) => (value === undefined ? 10 : Number(value)))
  @IsInt()
  @Min(0)
  @Max(1000)
  OUTBOX_WAKE_COALESCE_MILLISECONDS = 10;

  /** Whether this instance sends webhook deliveries (every instance may; they share the work). */
  @Transform(toBoolean)
  @IsBoolean()
  WEBHOOK_DELIVERY = true;

  /**
   * Webhook targets on private, loopback or link-local addresses, and plain http, are refused
   * unless this is on (development and tests; an operator may allow an internal receiver).
   */
  @Transform(toBoolean)
  @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE_TARGETS = false;

  /** Milliseconds a receiver has to answer one delivery attempt. */
  @Transform(({ value }) => (value === undefined ? 10_000 : Number(value)))
  @IsInt()
  @Min(100)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MILLISECONDS = 10_000;

  /**
   * Seconds to wait before each retry of a failed delivery (comma-separated, growing); after the
   * last one the delivery is marked failed. The default spans about 27 hours.
   */
  @Matches(/^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*\s*$/, {
    message: 'WEBHOOK_RETRY_SCHEDULE_SECONDS must be a comma-separated list of seconds',
  })
  WEBHOOK_RETRY_SCHEDULE_SECONDS = '5,300,1800,7200,18000,36000,36000';

  /** An endpoint that has failed every delivery for this many seconds is disabled. */
  @Transform(({ value }) => (value === undefined ? 86_400 : Number(value)))
  @IsInt()
  @Min(1)
  WEBHOOK_DISABLE_AFTER_SECONDS = 86_400;

  /** Hours an Idempotency-Key and its first answer are kept. */
  @Transform(({ value }) => (value === undefined ? 24 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(720)
  IDEMPOTENCY_KEY_HOURS = 24;

  /** Rate limits per client and per tenant (429 with Retry-After), shared by every instance. */
  @Transform(toBoolean)
  @IsBoolean()
  RATE_LIMIT_ENABLED = true;

  /** Length of a rate-limit window: the limits below count requests per window (fixed windows). */
  @Transform(({ value }) => (value === undefined ? 10 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(3600)
  RATE_LIMIT_WINDOW_SECONDS = 10;

  /**
   * Requests one caller (the token's client and subject, within its tenant) may make per window.
   * The default, 1000/s on average, leaves the benchmark (one token, a few hundred requests/s) alone.
   */
  @Transform(({ value }) => (value === undefined ? 10_000 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  RATE_LIMIT_CLIENT_REQUESTS = 10_000;

  /** Requests all callers of one tenant together may make per window (default 2000/s on average). */
  @Transform(({ value }) => (value === undefined ? 20_000 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  RATE_LIMIT_TENANT_REQUESTS = 20_000;

  /**
   * Milliseconds between reconciliations of this instance's counts with the shared counters in
   * PostgreSQL: a limit may be passed by what other instances admitted within about this long.
   */
  @Transform(({ value }) => (value === undefined ? 100 : Number(value)))
  @IsInt()
  @Min(10)
  @Max(10_000)
  RATE_LIMIT_SYNC_MILLISECONDS = 100;

  /**
   * Requests this instance works on at once; beyond that a request is refused at once with 503 and
   * Retry-After instead of queuing behind the others (health checks and live streams are not
   * counted). 0 admits everything. About three per database connection: more would only wait
   * for one (measured: at 1000 clients, p99 0.8 s with 32, 1.5 s with 64, similar throughput).
   */
  @Transform(({ value }) => (value === undefined ? 32 : Number(value)))
  @IsInt()
  @Min(0)
  @Max(100_000)
  MAX_IN_FLIGHT_REQUESTS = 32;

  /** Retry-After (seconds) of a 503 for a full instance or an unreachable database. */
  @Transform(({ value }) => (value === undefined ? 1 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(3600)
  UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** With both set, the API serves HTTPS with this PEM certificate (chain) and key. */
  @IsOptional()
  @IsString()
  TLS_CERT_FILE?: string;

  @IsOptional()
  @IsString()
  TLS_KEY_FILE?: string;

  /** Comma-separated origins allowed to call the API from a browser. */
  @IsString()
  CORS_ORIGINS = 'http://localhost:4200';
}

export class ConfigError extends Error {}

/**
 * Reads the configuration from the environment. `NAME_FILE` (a Docker secret, for instance) stands
 * in for `NAME`. Fails with one message listing every missing or bad setting.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(new AppConfig()).concat([
    'DATABASE_URL',
    'MIGRATION_DATABASE_URL',
    'DATABASE_CA_FILE',
    'KEYCLOAK_CLIENT_SECRET',
    'KEYCLOAK_INTERNAL_URL',
    'TLS_CERT_FILE',
    'TLS_KEY_FILE',
  ])) {
    const fromFile = env[`${key}_FILE`];
    const value = fromFile ? readFileSync(fromFile, 'utf8').trim() : env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true });
  if (errors.length > 0) {
    const problems = errors.flatMap((error) =>
      Object.values(error.constraints ?? {}).map((message) => `  - ${error.property}: ${message}`),
    );
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  if (Boolean(config.TLS_CERT_FILE) !== Boolean(config.TLS_KEY_FILE))
    throw new ConfigError('Invalid configuration:\n  - TLS_CERT_FILE and TLS_KEY_FILE go together');
  return config;
}

/** The base URL this instance calls Keycloak at (the public one unless told otherwise). */
export function keycloakBackchannelUrl(config: AppConfig): string {
  return config.KEYCLOAK_INTERNAL_URL ?? config.KEYCLOAK_URL;
}
