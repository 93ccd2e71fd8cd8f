import { useQueryClient } from '@tanstack/react-query';
import { createParser } from 'eventsource-parser';
import { useEffect, useState } from 'react';
import { apiBaseUrl, apiToken } from '@dispatch/api-client';
import { parseDomainEvent } from './apply-event';
import { createLiveSync } from './live-sync';

export { followsLiveUpdates } from './apply-event';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

/**
 * Keeps the console's queries fresh from the API's live stream (server-sent events, read over
 * fetch so the bearer token can be sent). Each typed domain event updates what it changed (see
 * apply-event.ts); a dropped connection reconnects with Last-Event-ID and catches up, without
 * reloading the page; no polling.
 */
export function useLiveUpdates(): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');

  useEffect(() => {
    let stopped = false;
    let lastEventId: string | undefined;
    let controller: AbortController | undefined;
    let attempts = 0;
    const sync = createLiveSync(queryClient);

    const connect = async () => {
      while (!stopped) {
        controller = new AbortController();
        attempts += 1;
        const reconnecting = attempts > 1;
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
                // Anything may have changed while the stream was down: every live query, once.
                if (reconnecting) sync.refreshAll();
                return;
              }
              const event = parseDomainEvent(message.data);
              if (event) sync.apply(event);
              else sync.refreshAll();
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
      sync.dispose();
      controller?.abort();
    };
  }, [queryClient]);

  return state;
}
