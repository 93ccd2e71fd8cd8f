/**
 * The one place the console talks HTTP: every generated call goes through here, which adds the
 * API's base URL and the signed-in user's bearer token, and turns problem+json answers into
 * `ApiProblem` errors the UI can show.
 */
export interface ApiClientSettings {
  baseUrl: string;
  /** A fresh access token (the console refreshes it silently before it expires). */
  token: () => Promise<string | undefined>;
}

let settings: ApiClientSettings = { baseUrl: '', token: async () => undefined };

export function configureApiClient(next: ApiClientSettings): void {
  settings = next;
}

export function apiBaseUrl(): string {
  return settings.baseUrl;
}

export function apiToken(): Promise<string | undefined> {
  return settings.token();
}

export interface ProblemField {
  field: string;
  message: string;
}

/** An RFC 9457 problem answered by the API. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly errors: ProblemField[] = [],
    readonly body: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
    this.name = 'ApiProblem';
  }
}

/** The problem an unsuccessful answer carries; a body that is not problem+json still gives its status. */
export function problemOf(response: Response, text: string): ApiProblem {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // not JSON (a proxy's error page, say): the status line is all there is
  }
  const problem = body as { title?: string; detail?: string; errors?: ProblemField[] };
  return new ApiProblem(
    response.status,
    problem.title ?? response.statusText,
    problem.detail,
    problem.errors,
    body,
  );
}

export async function dispatchFetch<T>(url: string, options: RequestInit = {}): Promise<T> {
  const token = await settings.token();
  const headers = new Headers(options.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  const response = await fetch(`${settings.baseUrl}${url}`, { ...options, headers });
  const text = await response.text();
  if (!response.ok) throw problemOf(response, text);
  return (text ? JSON.parse(text) : undefined) as T;
}
