import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Histogram } from 'prom-client';
import { METRICS_PATH } from './metrics-path';
import { MetricsRegistry } from './metrics-registry';

export const UNMATCHED_ROUTE = 'unmatched';

/** 5 ms … 10 s: a cached read takes a few ms; past 10 s a client has long given up. */
const BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type HttpLabel = 'method' | 'route' | 'status_code';

/** What Express leaves on a request about the last route it entered. */
interface RoutedRequest {
  baseUrl: string;
  route?: { path?: unknown };
}

/**
 * The route template Express matched (`/api/v1/work-orders/:id`), never the raw URL, so the label
 * stays bounded; `unmatched` when no handler took the request: a 404 for an unknown path, a 503
 * refusal of admission control (answered before routing), a CORS preflight, the docs' assets.
 * Nest mounts module middleware (the request logger) as Express routes on a wildcard
 * (`/api/v1/{*path}`), which a request no handler took has still entered: a wildcard template is
 * such a mount (no controller route has one).
 */
export function routeTemplateOf(request: RoutedRequest): string {
  const path = request.route?.path;
  if (typeof path !== 'string' || path.includes('*')) return UNMATCHED_ROUTE;
  return `${request.baseUrl}${path}`;
}

/** `http_request_duration_seconds`: how long each request took, by method, route and status. */
@Injectable()
export class HttpMetrics {
  private readonly duration: Histogram<HttpLabel>;

  constructor(metrics: MetricsRegistry) {
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from receiving a request to the end of its response, by route template',
      labelNames: ['method', 'route', 'status_code'],
      buckets: BUCKETS_SECONDS,
      registers: [metrics.registry],
    });
  }

  /**
   * Express middleware, first of all (so admission control's refusals are timed too). The scrape
   * itself and the live stream (a GET that lasts hours) are not request latencies: not timed. A
   * request whose client went away before the answer ended is not recorded.
   */
  middleware(options: { streamPath: string }) {
    const unmeasured = (request: Request) =>
      request.path === METRICS_PATH ||
      (request.method === 'GET' && request.path === options.streamPath);
    return (request: Request, response: Response, next: NextFunction): void => {
      if (!unmeasured(request)) {
        const end = this.duration.startTimer();
        response.once('finish', () =>
          end({
            method: request.method,
            route: routeTemplateOf(request),
            status_code: String(response.statusCode),
          }),
        );
      }
      next();
    };
  }
}
