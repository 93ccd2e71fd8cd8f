import { Injectable } from '@nestjs/common';
import type { MatchMode } from '@dispatch/domain';
import { Histogram } from 'prom-client';
import { MetricsRegistry } from './metrics-registry';

/** What one look for a unit and a driver decided: a dispatch, or the order (still) waits in the queue. */
export type DecisionOutcome = 'dispatched' | 'queued';

/** A single statement normally; the recheck may wait for the decide lock. */
const BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * `dispatch_decision_duration_seconds`: the engine's matching decisions, by `mode` — `fast` (a new
 * order's first look, skipping rows others hold), `recheck` (its last look under the decide lock,
 * lock wait included, before it is left queued), `serve` (a queued order's look when capacity
 * frees) — and `outcome`. A fast look that finds nothing counts as `queued` although the recheck
 * follows; a decision that fails with an error is not recorded.
 */
@Injectable()
export class DecisionMetrics {
  private readonly duration: Histogram<'mode' | 'outcome'>;

  constructor(metrics: MetricsRegistry) {
    this.duration = new Histogram({
      name: 'dispatch_decision_duration_seconds',
      help: 'Time the dispatch engine took to decide whether a work order is dispatched or waits in the queue',
      labelNames: ['mode', 'outcome'],
      buckets: BUCKETS_SECONDS,
      registers: [metrics.registry],
    });
  }

  /** Runs one decision (null: nothing was free) and records how long it took and what it decided. */
  async time<T>(mode: MatchMode, decide: () => Promise<T | null>): Promise<T | null> {
    const end = this.duration.startTimer({ mode });
    const decision = await decide();
    const outcome: DecisionOutcome = decision ? 'dispatched' : 'queued';
    end({ outcome });
    return decision;
  }
}
