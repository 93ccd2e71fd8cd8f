import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';

let processRegistry: Registry | undefined;

/** Node's process metrics (CPU, memory, event loop, GC): collected once per process. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * The metrics of one app instance, served with the process's. Each instance has a registry of its
 * own rather than prom-client's global one (which @willsoto/nestjs-prometheus's providers use):
 * several instances may run in one process (the integration tests start two or three on one
 * database), and each must report its own pools and requests — on the global registry a second
 * instance would fail to register the same names.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition, collecting the scrape-time gauges. */
  metrics(): Promise<string> {
    return Registry.merge([processMetrics(), this.registry]).metrics();
  }
}
