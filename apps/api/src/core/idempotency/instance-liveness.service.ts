import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Client, type ClientConfig } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';

/**
 * Advisory locks `(namespace, key)` of instances: 1 to 3 are the queue's and the audit chain's
 * transaction locks (`(n, hashtext(schema))`).
 */
export const INSTANCE_LOCK_NAMESPACE = 4;
/** A lost lock connection is reopened this soon, and again this often while that fails. */
const RECONNECT_FIRST_MILLISECONDS = 100;
const RECONNECT_MILLISECONDS = 1_000;
/**
 * How long a (re)connected instance waits for its id's lock before it draws a new id: after a
 * reconnect, the session that held it may still be ending.
 */
const LOCK_WAIT_MILLISECONDS = 1_000;
/** Ids tried before giving up on one connection (another session holds the lock of each). */
const LOCK_ATTEMPTS = 5;
/** SQLSTATE lock_not_available: lock_timeout ran out. */
const LOCK_NOT_AVAILABLE = '55P03';

/** An instance's lock key: the first 32 bits of its id, as the signed int4 PostgreSQL takes. */
export function instanceLockKey(instanceId: string): number {
  return Number.parseInt(instanceId.slice(0, 8), 16) | 0;
}

/**
 * SQL that is true while the instance whose id `column` holds is alive: a session of this database
 * holds its lock. The key is derived as in instanceLockKey; pg_locks shows an int4 key as an oid.
 * pg_locks reads the whole lock table: keep this where it is rarely evaluated.
 */
export function instanceAliveSql(column: string): string {
  return `EXISTS (SELECT FROM pg_locks l
             WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted
               AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND l.classid = ${INSTANCE_LOCK_NAMESPACE}
               AND l.objid = ('x' || left(${column}::text, 8))::bit(32)::int::oid)`;
}

/**
 * This API instance's liveness as PostgreSQL sees it: the instance has a random id and holds,
 * on one connection of its own, a session-level advisory lock derived from it. When the process
 * dies, PostgreSQL ends the session and the lock is gone with it, so other instances can tell a
 * claim of a dead instance (take it over) from one of a live instance (still working).
 *
 * While the lock is not held (the connection dropped and is being reopened), `liveId` is
 * undefined and claims name no instance: they wait out their lease, as before instances were
 * recorded. A claim whose instance merely lost its connection may look dead to others for that
 * moment; taking it over is safe, because work commits only while its attempt still holds the
 * claim (TenantDatabase), so the original attempt is rolled back rather than done twice.
 */
@Injectable()
export class InstanceLiveness implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InstanceLiveness.name);
  private id = randomUUID();
  /** The connection that holds the lock, while it holds it. */
  private holder: Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** This instance's id while its lock is held, for claims to name; undefined otherwise. */
  get liveId(): string | undefined {
    return this.holder ? this.id : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.connect().catch((error: unknown) => {
      this.logger.warn(`Instance liveness lock not taken yet: ${String(error)}`);
      this.reconnect(RECONNECT_MILLISECONDS);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const holder = this.holder;
    this.holder = undefined;
    await holder?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.config.DATABASE_URL,
      application_name: 'dispatch-instance',
      keepAlive: true,
      connectionTimeoutMillis: 5_000,
      ...(this.dataSource.options.type === 'postgres' && this.dataSource.options.ssl
        ? { ssl: this.dataSource.options.ssl as ClientConfig['ssl'] }
        : {}),
    });
    client.on('error', (error) => this.lost(client, error.message));
    client.on('end', () => this.lost(client, 'connection closed'));
    try {
      await client.connect();
      await this.lock(client);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.holder = client;
    this.logger.log(`Instance ${this.id} holds its liveness lock`);
  }

  /**
   * Takes the lock of this instance's id, waiting a moment for the session that held it to end
   * (after a reconnect), or of a fresh id when another session keeps it: an old session of this
   * instance PostgreSQL has not noticed gone (a network cut), or, once in four billion, the same
   * key drawn by another instance. Claims under the old id then count as alive while that session
   * lasts, and at most for their lease.
   */
  private async lock(client: Client): Promise<void> {
    await client.query(`SET lock_timeout = ${LOCK_WAIT_MILLISECONDS}`);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await client.query(`SELECT pg_advisory_lock($1, $2)`, [
          INSTANCE_LOCK_NAMESPACE,
          instanceLockKey(this.id),
        ]);
        return;
      } catch (error) {
        const taken = (error as { code?: unknown }).code === LOCK_NOT_AVAILABLE;
        if (!taken || attempt >= LOCK_ATTEMPTS) throw error;
        this.id = randomUUID();
      }
    }
  }

  private lost(client: Client, reason: string): void {
    if (this.holder !== client) return;
    this.holder = undefined;
    this.logger.warn(
      `Instance liveness lock lost (${reason}); claims wait out their lease until it is back`,
    );
    this.reconnect(RECONNECT_FIRST_MILLISECONDS);
  }

  private reconnect(delay: number): void {
    if (this.closed) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      this.connect().catch((error: unknown) => {
        this.logger.warn(`Instance liveness lock not taken again yet: ${String(error)}`);
        this.reconnect(RECONNECT_MILLISECONDS);
      });
    }, delay);
    this.retry.unref();
  }
}
