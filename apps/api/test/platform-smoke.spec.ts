import { tokenFor } from '@dispatch/testing';
import { startTestApp, type TestApp } from './support/test-app';

describe('platform smoke', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('answers liveness and readiness without a token', async () => {
    expect((await testApp.root.get('/health/live')).status).toBe(200);
    const ready = await testApp.root.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info).toMatchObject({
      database: { status: 'up' },
      keycloak: { status: 'up' },
    });
  });

  it('serves the OpenAPI document publicly', async () => {
    const document = await testApp.root.get('/api/docs/openapi.json');
    expect(document.status).toBe(200);
    expect(document.body.paths['/api/v1/equipment']).toBeDefined();
  });

  it('lets a dispatcher with a real Keycloak token list equipment of its tenant', async () => {
    const response = await testApp.api.as(await tokenFor('acme', 'dispatcher')).get('/equipment');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ items: [], total: 0, limit: 50, offset: 0 });
  });
});
