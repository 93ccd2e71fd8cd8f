/**
 * HTTPS requests that trust exactly the CA they are given (Node's fetch cannot be handed a CA
 * without an extra package): readiness checks of the production topology and its tests.
 */
import https from 'node:https';

export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface HttpsRequestOptions {
  /** PEM of the only CA to trust; omitted: Node's default trust store (which lacks ours). */
  ca?: string | Buffer;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  /** Ask for gzip (the answer's body is then the compressed bytes, latin1-decoded). */
  acceptGzip?: boolean;
}

export function httpsRequest(url: string, options: HttpsRequestOptions = {}): Promise<HttpsAnswer> {
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
        timeout: options.timeoutMs ?? 10_000,
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
      request.destroy(new Error(`timeout after ${options.timeoutMs ?? 10_000} ms: ${url}`)),
    );
    request.on('error', reject);
    if (options.body !== undefined) request.write(options.body);
    request.end();
  });
}

/** Polls until `url` answers `expectedStatus` (default any 2xx/3xx), or throws with the last error. */
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
