import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Organization } from '@dispatch/domain';
import { DataSource } from 'typeorm';
import { IdempotencyKeys } from './idempotency.service';

const PURGE_MILLISECONDS = 3_600_000;

/** Drops expired Idempotency-Keys of every tenant once an hour (any instance; harmless twice). */
@Injectable()
export class IdempotencyJanitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyJanitor.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keys: IdempotencyKeys,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.purge().catch((error: unknown) =>
        this.logger.warn(`Idempotency-Key purge failed: ${String(error)}`),
      );
    }, PURGE_MILLISECONDS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async purge(): Promise<void> {
    for (const { slug } of await this.dataSource
      .getRepository(Organization)
      .find({ select: { slug: true } })) {
      await this.keys.purgeExpired({ tenant: slug });
    }
  }
}
