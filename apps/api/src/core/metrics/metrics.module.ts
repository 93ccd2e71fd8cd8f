import { Global, Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { BacklogMetrics } from './backlog-metrics';
import { DecisionMetrics } from './decision-metrics';
import { HttpMetrics } from './http-metrics';
import { METRICS_PATH } from './metrics-path';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics-registry';
import { PoolMetrics } from './pool-metrics';

/**
 * Prometheus metrics of this instance at `GET /metrics`. The HTTP histogram's middleware is
 * installed by `createApp` (ahead of admission control); the engine times its decisions with
 * DecisionMetrics; pool and backlog gauges are read when scraped.
 */
@Global()
@Module({
  imports: [
    PrometheusModule.register({
      path: METRICS_PATH,
      controller: MetricsController,
      // Collected once per process into the instance's own registry (see MetricsRegistry).
      defaultMetrics: { enabled: false },
    }),
    RateLimitModule,
  ],
  providers: [MetricsRegistry, HttpMetrics, DecisionMetrics, BacklogMetrics, PoolMetrics],
  exports: [MetricsRegistry, HttpMetrics, DecisionMetrics],
})
export class MetricsModule {}
