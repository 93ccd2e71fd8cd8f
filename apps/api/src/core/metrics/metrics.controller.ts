import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { PublicRoute } from '../auth/route-access';
import { MetricsRegistry } from './metrics-registry';

/**
 * `GET /metrics` in Prometheus text format, without a token: reachable inside the deployment only
 * (the proxy answers 404 for it from outside). Not part of the API: left out of its OpenAPI
 * document, its prefix, rate limits, admission control and request logs. @willsoto/nestjs-prometheus
 * mounts it at METRICS_PATH (PrometheusModule.register in MetricsModule); it serves this
 * instance's registry rather than prom-client's global one (see MetricsRegistry).
 */
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get()
  @PublicRoute()
  async index(@Res() response: Response): Promise<void> {
    const text = await this.metrics.metrics();
    // Sent as bytes: Express rewrites the Content-Type of a string body (charset first).
    response.setHeader('Content-Type', this.metrics.contentType);
    response.send(Buffer.from(text));
  }
}
