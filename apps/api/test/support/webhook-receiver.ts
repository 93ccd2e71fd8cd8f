import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedMessage {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  /** The parsed body: `{ type, timestamp, data }`. */
  message: { type: string; timestamp: string; data: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads arbitrary JSON
  headers: Record<string, string>;
  receivedAt: number;
  /** 1 for the first time this message id arrived, 2 for its first retry … */
  attempt: number;
  answeredWith: number | 'held';
}

/**
 * A real HTTP receiver for webhook tests: records every request, and answers as the test says
 * (a status per attempt, or holding the connection open to play a receiver that never answers).
 */
export class WebhookReceiver {
  readonly received: ReceivedMessage[] = [];
  private readonly attempts = new Map<string, number>();
  private readonly held: http.ServerResponse[] = [];
  /** Decides the answer to one request; default 204. */
  answer: (message: Omit<ReceivedMessage, 'answeredWith'>) => number | 'hold' = () => 204;

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<WebhookReceiver> {
    const server = http.createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => receiver.handle(request, response, Buffer.concat(chunks).toString()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/hooks`;
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse, body: string): void {
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
    );
    const id = headers['webhook-id'] ?? '';
    const attempt = (this.attempts.get(id) ?? 0) + 1;
    this.attempts.set(id, attempt);
    const entry = {
      id,
      timestamp: headers['webhook-timestamp'] ?? '',
      signature: headers['webhook-signature'] ?? '',
      body,
      message: JSON.parse(body) as ReceivedMessage['message'],
      headers,
      receivedAt: Date.now(),
      attempt,
    };
    const answer = this.answer(entry);
    this.received.push({ ...entry, answeredWith: answer === 'hold' ? 'held' : answer });
    if (answer === 'hold') {
      this.held.push(response);
      return;
    }
    response.statusCode = answer;
    response.end(answer >= 400 ? 'receiver says no' : '');
  }

  /** Messages answered 2xx, first arrival of each id only. */
  accepted(): ReceivedMessage[] {
    const seen = new Set<string>();
    return this.received.filter((entry) => {
      const ok = typeof entry.answeredWith === 'number' && entry.answeredWith < 300;
      if (!ok || seen.has(entry.id)) return false;
      seen.add(entry.id);
      return true;
    });
  }

  async waitFor(
    predicate: (received: ReceivedMessage[]) => boolean,
    timeoutMs = 10_000,
    what = 'webhook messages',
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      if (Date.now() > deadline)
        throw new Error(
          `Timed out waiting for ${what}; received ${this.received.length}: ${this.received.map((entry) => `${entry.message.type}#${entry.id}→${entry.answeredWith}`).join(', ')}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async close(): Promise<void> {
    for (const response of this.held) response.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
