import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface ReceivedEvent {
  id?: string;
  event?: string;
  data: Record<string, unknown>;
  receivedAt: number;
}

/** The id of the entity a domain event is about (undefined for `ready`). */
export function entityIdOf(event: ReceivedEvent): string | undefined {
  return (event.data.entity as { id?: string } | undefined)?.id;
}

/** A server-sent-events client over fetch (so it can send the bearer token), as the console will use. */
export class EventStream {
  readonly events: ReceivedEvent[] = [];
  status = 0;
  private readonly abort = new AbortController();
  private waiters: (() => void)[] = [];

  private constructor() {}

  static async open(
    url: string,
    token: string | undefined,
    lastEventId?: string,
  ): Promise<EventStream> {
    const stream = new EventStream();
    const response = await fetch(url, {
      headers: {
        accept: 'text/event-stream',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
      },
      signal: stream.abort.signal,
    });
    stream.status = response.status;
    if (!response.ok || !response.body) return stream;
    const parser = createParser({
      onEvent: (message: EventSourceMessage) => {
        stream.events.push({
          id: message.id,
          event: message.event,
          data: JSON.parse(message.data) as Record<string, unknown>,
          receivedAt: Date.now(),
        });
        for (const wake of stream.waiters.splice(0)) wake();
      },
    });
    void (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
          parser.feed(decoder.decode(chunk, { stream: true }));
      } catch {
        // aborted by close()
      }
    })();
    await stream.waitFor((event) => event.event === 'ready', 5_000);
    return stream;
  }

  /** Resolves with the first received event matching, waiting up to `timeoutMs`. */
  async waitFor(
    match: (event: ReceivedEvent) => boolean,
    timeoutMs = 5_000,
  ): Promise<ReceivedEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no matching event within ${timeoutMs} ms; got ${this.events.map((event) => event.event).join(', ')}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  named(action: string): ReceivedEvent[] {
    return this.events.filter((event) => event.event === action);
  }

  close(): void {
    this.abort.abort();
  }
}
