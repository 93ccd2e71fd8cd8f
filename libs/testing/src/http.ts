/* eslint-disable @typescript-eslint/no-explicit-any -- tests read arbitrary JSON bodies; each test asserts the fields it needs */
/** A thin HTTP client over fetch for tests that talk to a real listening API. */
export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A request on a connection of its own, closed after the answer. A kept-alive connection may sit
 * idle past the API's keep-alive timeout (5 s) while the test's event loop is blocked (Jest
 * compiling the next browser suite on a busy machine): the API closes it, and fetch, whose idle
 * timers could not run, sends the next request on it and fails with "other side closed". The
 * browser suites ask for this (`freshConnections`); the API suites and benchmarks keep
 * connections alive as real clients do, since opening one per request changes what they measure
 * (a client that sends its next request the moment an answer arrives can find the instance still
 * counting the last one, which the admission-control test catches).
 */
export const NO_REUSE = { connection: 'close' } as const;

export interface ApiClientOptions {
  /** Each request on a new connection (see NO_REUSE). */
  freshConnections?: boolean;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
    private readonly options: ApiClientOptions = {},
  ) {}

  as(token: string | undefined): ApiClient {
    return new ApiClient(this.baseUrl, token, this.options);
  }

  get<T = any>(path: string): Promise<HttpResult<T>> {
    return this.request('GET', path);
  }

  post<T = any>(path: string, body?: unknown): Promise<HttpResult<T>> {
    return this.request('POST', path, body);
  }

  patch<T = any>(path: string, body?: unknown): Promise<HttpResult<T>> {
    return this.request('PATCH', path, body);
  }

  delete<T = any>(path: string): Promise<HttpResult<T>> {
    return this.request('DELETE', path);
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpResult<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.options.freshConnections ? NO_REUSE : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: leave the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }
}

/** The id of what a POST created; anything but a 201 fails the test's setup loudly. */
export async function createdId(response: Promise<HttpResult<{ id: string }>>): Promise<string> {
  const result = await response;
  if (result.status !== 201)
    throw new Error(`setup failed: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body.id;
}
