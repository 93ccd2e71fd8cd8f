import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Organization } from '@dispatch/domain';
import { DataSource } from 'typeorm';
import { systemActor } from '../../core/auth/actor';
import { AppConfig } from '../../core/config/app-config';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import { DispatchEngine } from './dispatch-engine.service';

/**
 * Scheduled work becomes dispatchable when its lead time comes, not when capacity frees up, so
 * every instance sweeps the tenants periodically and serves queues that hold such work. Sweeps of
 * several instances are harmless: serving a queue takes the tenant's queue lock.
 */
@Injectable()
export class ScheduleSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ScheduleSweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly db: TenantDatabase,
    private readonly engine: DispatchEngine,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.SCHEDULE_SWEEP_SECONDS === 0) return;
    // Once at start: serve every queue, so work queued by other means (demo data, a bulk import)
    // does not wait for the next change to be dispatched.
    this.running = this.sweep({ everyQueue: true })
      .then(() => undefined)
      .catch((error: unknown) => this.logger.error({ err: error }, 'Start-up queue sweep failed'))
      .finally(() => (this.running = undefined));
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.error({ err: error }, 'Schedule sweep failed'))
        .finally(() => (this.running = undefined));
    }, this.config.SCHEDULE_SWEEP_SECONDS * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /**
   * Serves the queue of every tenant that holds due work (scheduled work whose lead time has come,
   * or, at start-up, anything queued by other means). Returns how many orders were dispatched.
   */
  async sweep(options: { everyQueue?: boolean } = {}): Promise<number> {
    let served = 0;
    for (const { slug } of await this.dataSource
      .getRepository(Organization)
      .find({ select: { slug: true } })) {
      const actor = systemActor(slug);
      served += await this.db.transaction(actor, async (manager) => {
        const [due] = (await manager.query(
          `SELECT 1 FROM work_orders wo
            WHERE wo.status = 'queued' AND ${options.everyQueue ? 'TRUE' : 'wo.window_start IS NOT NULL'} AND ${this.engine.dueSql()}
            LIMIT 1`,
        )) as unknown[];
        return due ? this.engine.serveNow(manager, actor) : 0;
      });
    }
    return served;
  }
}
