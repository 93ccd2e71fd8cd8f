import { type Query, useQueryClient } from '@tanstack/react-query';
import { createParser } from 'eventsource-parser';
import { useEffect, useState } from 'react';
import { apiBaseUrl, apiToken } from '@dispatch/api-client';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

/** Whether a query is refetched when the stream announces a change (all but `meta.live: false`). */
export function followsLiveUpdates(query: Query): boolean {
  return query.meta?.live !== false;
}

/**
 * Keeps every query of the console fresh from the API's live stream (server-sent events, read over
 * fetch so the bearer token can be sent). A dropped connection reconnects with Last-Event-ID and
 * catches up, without reloading the page; no polling.
 */
export function useLiveUpdates(): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');

  useEffect(() => {
    let stopped = false;
    let lastEventId: string | undefined;
    let controller: AbortController | undefined;
    let refresh: ReturnType<typeof setTimeout> | undefined;
    // Changes often come in bursts (a dispatch touches an order, a unit and a driver): refetch once.
    // Queries marked `meta: { live: false }` (reports, the audit explorer) refresh on request only.
    const invalidate = () => {
      clearTimeout(refresh);
      refresh = setTimeout(
        () => void queryClient.invalidateQueries({ predicate: followsLiveUpdates }),
        50,
      );
    };

    const connect = async () => {
      while (!stopped) {
        controller = new AbortController();
        try {
          const token = await apiToken();
          const response = await fetch(`${apiBaseUrl()}/api/v1/events`, {
            headers: {
              accept: 'text/event-stream',
              ...(token ? { authorization: `Bearer ${token}` } : {}),
              ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
            },
            signal: controller.signal,
          });
          if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
          const parser = createParser({
            onEvent: (message) => {
              if (message.id) lastEventId = message.id;
              if (message.event === 'ready') {
                setState('live');
                // Anything may have changed while the stream was down.
                invalidate();
              } else {
                invalidate();
              }
            },
          });
          const reader = response.body.getReader();
          const decoder = new TextDecoder();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            parser.feed(decoder.decode(value, { stream: true }));
          }
        } catch {
          // dropped or refused: retry below
        }
        if (stopped) return;
        setState('reconnecting');
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    };
    void connect();
    return () => {
      stopped = true;
      clearTimeout(refresh);
      controller?.abort();
    };
  }, [queryClient]);

  return state;
}
