import http from 'node:http';
import https from 'node:https';
import { guardedLookup, type TargetPolicy } from './webhook-targets';

/** What one delivery attempt came to. */
export interface AttemptOutcome {
  /** The receiver's HTTP status, when it answered at all. */
  statusCode: number | null;
  /** Why the attempt failed without an answer (timeout, refused, DNS …). */
  error: string | null;
  durationMs: number;
  /** The start of the receiver's answer, for the delivery log. */
  responseExcerpt: string | null;
  ok: boolean;
}

const EXCERPT_BYTES = 1024;
const USER_AGENT = 'Dispatch-Webhooks/1';

/**
 * POSTs one signed message. Node's own http client (not fetch) so the socket's DNS lookup can be
 * guarded; redirects are not followed (a receiver moves by changing its subscription).
 */
export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; policy: TargetPolicy },
): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<AttemptOutcome, 'durationMs' | 'ok'>) => {
      if (settled) return;
      settled = true;
      const ok =
        outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
      resolve({ ...outcome, durationMs: elapsed(), ok });
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      finish({ statusCode: null, error: 'invalid URL', responseExcerpt: null });
      return;
    }
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': USER_AGENT,
        },
        lookup: guardedLookup(options.policy),
        timeout: options.timeoutMs,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < EXCERPT_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', () =>
          finish({
            statusCode: response.statusCode ?? null,
            error: null,
            responseExcerpt:
              Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8') || null,
          }),
        );
        response.on('error', (error) =>
          finish({
            statusCode: response.statusCode ?? null,
            error: error.message,
            responseExcerpt: null,
          }),
        );
      },
    );
    // The whole attempt, not only socket idleness, is bounded by the timeout.
    const deadline = setTimeout(() => {
      request.destroy(new Error(`no answer within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    request.on('timeout', () =>
      request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)),
    );
    request.on('error', (error) =>
      finish({ statusCode: null, error: error.message, responseExcerpt: null }),
    );
    request.on('close', () => clearTimeout(deadline));
    request.end(body);
  });
}
