import { hashKey, partialMatchKey, type QueryClient, type QueryKey } from '@tanstack/react-query';
import type { DomainEvent } from '@dispatch/api-client';
import { applyDomainEvent, EVERY_LIVE_QUERY, followsLiveUpdates } from './apply-event';

/** How long invalidations gather before the queries they name are fetched again. */
export const BURST_MILLISECONDS = 50;

export interface LiveSync {
  /** Applies one event: patches the cache at once; what must be fetched again joins the burst. */
  apply(event: DomainEvent): void;
  /** Anything may have changed (the stream was down, or an event was not understood). */
  refreshAll(): void;
  /** Drops what is pending (the stream is closing). */
  dispose(): void;
}

/**
 * Keeps a QueryClient in step with the live stream. Changes come in bursts (completing a job brings
 * the dispatch's step, the order's completion and maybe the next assignment): the query families
 * they name are gathered for a moment and invalidated together, so each query is fetched at most
 * once per burst. Queries marked `meta: { live: false }` are never refreshed by it.
 */
export function createLiveSync(client: QueryClient, burstMs = BURST_MILLISECONDS): LiveSync {
  const pending = new Map<string, QueryKey>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    timer = undefined;
    const prefixes = [...pending.values()];
    pending.clear();
    if (prefixes.length === 0) return;
    void client.invalidateQueries({
      predicate: (query) =>
        followsLiveUpdates(query) &&
        prefixes.some((prefix) => partialMatchKey(query.queryKey, prefix)),
    });
  };

  const gather = (prefixes: readonly QueryKey[]) => {
    for (const prefix of prefixes) pending.set(hashKey(prefix), prefix);
    if (pending.size > 0) timer ??= setTimeout(flush, burstMs);
  };

  return {
    apply: (event) => gather(applyDomainEvent(client, event)),
    refreshAll: () => gather([EVERY_LIVE_QUERY]),
    dispose: () => {
      clearTimeout(timer);
      timer = undefined;
      pending.clear();
    },
  };
}
