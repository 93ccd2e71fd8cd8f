import { routeTemplateOf, UNMATCHED_ROUTE } from '../http-metrics';

describe('route label', () => {
  it('is the template of the route that took the request, never its URL', () => {
    expect(routeTemplateOf({ baseUrl: '', route: { path: '/api/v1/work-orders/:id' } })).toBe(
      '/api/v1/work-orders/:id',
    );
    expect(routeTemplateOf({ baseUrl: '/api', route: { path: '/v1/sites' } })).toBe(
      '/api/v1/sites',
    );
  });

  it('is "unmatched" when no route took it (404, refusals before routing, preflights)', () => {
    expect(routeTemplateOf({ baseUrl: '' })).toBe(UNMATCHED_ROUTE);
    expect(routeTemplateOf({ baseUrl: '', route: { path: /regex/ } })).toBe(UNMATCHED_ROUTE);
    // Module middleware that Nest mounts as a wildcard route, which no handler followed.
    expect(routeTemplateOf({ baseUrl: '', route: { path: '/api/v1/{*path}' } })).toBe(
      UNMATCHED_ROUTE,
    );
  });
});
