// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiProblem, configureApiClient, downloadCsv, queryString } from '@dispatch/api-client';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  Reflect.deleteProperty(URL, 'createObjectURL');
  Reflect.deleteProperty(URL, 'revokeObjectURL');
});

function stubBrowser() {
  const saved: { href: string; download: string }[] = [];
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
    this: HTMLAnchorElement,
  ) {
    saved.push({ href: this.href, download: this.download });
  });
  // jsdom has no object URLs: these stand in for the browser's, and are removed after each test.
  Object.assign(URL, { createObjectURL: () => 'blob:csv-1', revokeObjectURL: () => undefined });
  return saved;
}

describe('downloadCsv', () => {
  it('sends the token in a header, never in the URL, and saves the file under its name', async () => {
    configureApiClient({ baseUrl: 'https://api.example', token: async () => 'secret-token' });
    const fetch = vi.fn(async () => new Response('day,created\n2026-11-21,1\n', { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    const saved = stubBrowser();

    await downloadCsv(
      '/api/v1/reports/completion',
      { from: '2026-11-01', to: '2026-11-30', siteId: '', tz: undefined, format: 'csv' },
      'completion-2026-11-01-to-2026-11-30.csv',
    );

    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(
      'https://api.example/api/v1/reports/completion?from=2026-11-01&to=2026-11-30&format=csv',
    );
    expect(url).not.toContain('secret-token');
    expect(new Headers(init.headers).get('authorization')).toBe('Bearer secret-token');
    expect(saved).toEqual([
      { href: 'blob:csv-1', download: 'completion-2026-11-01-to-2026-11-30.csv' },
    ]);
  });

  it('prefers the file name the API gives in Content-Disposition', async () => {
    configureApiClient({ baseUrl: '', token: async () => 'token' });
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response('id\n', {
            status: 200,
            headers: { 'content-disposition': 'attachment; filename="audit-2026-11-21.csv"' },
          }),
      ),
    );
    const saved = stubBrowser();
    await downloadCsv('/api/v1/audit/export', {}, 'fallback.csv');
    expect(saved).toEqual([{ href: 'blob:csv-1', download: 'audit-2026-11-21.csv' }]);
  });

  it('turns a problem answer into an ApiProblem and saves nothing', async () => {
    configureApiClient({ baseUrl: '', token: async () => undefined });
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(
            JSON.stringify({
              title: 'Bad Request',
              detail: 'A report covers at most 731 days',
              errors: [{ field: 'to', message: 'at most 731 days after from' }],
            }),
            { status: 400, headers: { 'content-type': 'application/problem+json' } },
          ),
      ),
    );
    const saved = stubBrowser();
    const error = await downloadCsv('/api/v1/reports/queue', {}, 'queue.csv').catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ApiProblem);
    expect(error).toMatchObject({
      status: 400,
      detail: 'A report covers at most 731 days',
      errors: [{ field: 'to', message: 'at most 731 days after from' }],
    });
    expect(saved).toEqual([]);
  });

  it('builds a query of the parameters that have a value', () => {
    expect(queryString({})).toBe('');
    expect(queryString({ a: 'x y', b: 0, c: null, d: '', e: false })).toBe('?a=x+y&b=0&e=false');
  });
});
