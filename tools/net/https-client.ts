/**
 * HTTPS requests that trust exactly the CA they are given (Node's fetch cannot be handed a CA
 * without an extra package), one connection per request: readiness checks and admin calls of the
 * production topology and of Keycloak in production mode, and their tests.
 */
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

export interface HttpsAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpsRequestOptions {
  /** PEM of the only CA to trust; omitted: Node's default trust store (which lacks ours). */
  ca?: string | Buffer;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** For the whole request (socket inactivity); default 10 000 ms. */
  timeoutMs?: number;
  /** Ask for gzip (the answer's body is then the compressed bytes, latin1-decoded). */
  acceptGzip?: boolean;
}

export function httpsRequest(url: string, options: HttpsRequestOptions = {}): Promise<HttpsAnswer> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      {
        method: options.method ?? 'GET',
        headers: {
          ...(options.acceptGzip ? { 'accept-encoding': 'gzip' } : {}),
          ...options.headers,
        },
        ca: options.ca,
        agent: false,
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString(options.acceptGzip ? 'latin1' : 'utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () =>
      request.destroy(new Error(`timeout after ${timeoutMs} ms: ${url}`)),
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** A POST of an HTML form (`application/x-www-form-urlencoded`), e.g. to an OAuth token endpoint. */
export function httpsFormPost(
  url: string,
  form: Record<string, string>,
  options: Omit<HttpsRequestOptions, 'method' | 'body'> = {},
): Promise<HttpsAnswer> {
  return httpsRequest(url, {
    ...options,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    body: new URLSearchParams(form).toString(),
  });
}

/** The answer's body as JSON; throws naming `what`, the status and the start of the body if it is not. */
export function parseJsonAnswer<T>(answer: HttpsAnswer, what: string): T {
  try {
    return JSON.parse(answer.body) as T;
  } catch {
    throw new Error(`${what}: HTTP ${answer.status}, not JSON: ${answer.body.slice(0, 300)}`);
  }
}

/** Polls until `url` answers 2xx or 3xx, or throws with the last error (or when `isAlive` says no). */
export async function waitForHttps(
  url: string,
  options: {
    ca?: string | Buffer;
    timeoutMs?: number;
    isAlive?: () => boolean;
    name?: string;
  } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (options.isAlive && !options.isAlive())
      throw new Error(`${options.name ?? url} exited while starting (${last})`);
    try {
      const answer = await httpsRequest(url, { ca: options.ca, timeoutMs: 5_000 });
      if (answer.status >= 200 && answer.status < 400) return;
      last = `HTTP ${answer.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`${options.name ?? url} did not become ready: ${last}`);
}
