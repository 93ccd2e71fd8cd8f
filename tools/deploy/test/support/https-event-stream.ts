/**
 * A live-events client over HTTPS that trusts only our CA and behaves like a browser's
 * EventSource: when the stream ends (its API instance went away, say) it reconnects through the
 * same URL with Last-Event-ID, so nothing sent in between is missed.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import https from 'node:https';

export interface StreamEvent {
  id?: string;
  event?: string;
  data: Record<string, unknown>;
}

export class HttpsEventStream {
  readonly events: StreamEvent[] = [];
  /** Every connection made, with the status it was answered with. */
  readonly connections: number[] = [];
  private lastEventId: string | undefined;
  private closed = false;
  private request: ReturnType<typeof https.request> | undefined;

  constructor(
    private readonly url: string,
    private readonly ca: Buffer,
    private readonly token: () => Promise<string>,
  ) {}

  open(): this {
    void this.connect();
    return this;
  }

  close(): void {
    this.closed = true;
    this.request?.destroy();
  }

  async waitFor(
    predicate: (event: StreamEvent) => boolean,
    timeoutMs = 15_000,
  ): Promise<StreamEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(
          `No matching event within ${timeoutMs} ms (connections: ${this.connections.join(', ')}; ${this.events.length} events)`,
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const token = await this.token();
    const parser = createParser({
      onEvent: (message: EventSourceMessage) => {
        if (message.id) this.lastEventId = message.id;
        this.events.push({
          id: message.id,
          event: message.event,
          data: JSON.parse(message.data) as Record<string, unknown>,
        });
      },
    });
    let retried = false;
    const again = () => {
      if (retried || this.closed) return;
      retried = true;
      setTimeout(() => void this.connect(), 300);
    };
    this.request = https.request(
      this.url,
      {
        ca: this.ca,
        headers: {
          accept: 'text/event-stream',
          authorization: `Bearer ${token}`,
          ...(this.lastEventId ? { 'last-event-id': this.lastEventId } : {}),
        },
      },
      (response) => {
        this.connections.push(response.statusCode ?? 0);
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => parser.feed(chunk));
        response.on('end', again);
        response.on('error', again);
      },
    );
    this.request.on('error', again);
    this.request.end();
  }
}
