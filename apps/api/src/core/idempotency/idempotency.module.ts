import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyJanitor } from './idempotency-janitor.service';
import { IdempotencyKeys } from './idempotency.service';
import { InstanceLiveness } from './instance-liveness.service';

@Global()
@Module({
  providers: [
    InstanceLiveness,
    IdempotencyKeys,
    IdempotencyJanitor,
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
  exports: [IdempotencyKeys],
})
export class IdempotencyModule {}
