import { passwordToken, testEnvironment } from '@dispatch/testing';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The API reaches Keycloak through a proxy the test controls (KEYCLOAK_INTERNAL_URL) and still
 * expects the issuer Keycloak names, its public URL (KEYCLOAK_URL; the issuer does not follow the
 * address a token is requested through). Closing the proxy takes Keycloak off the API's network.
 */
describe('Keycloak unreachable', () => {
  let proxy: TcpProxy;
  let app: TestApp;
  const { keycloakUrl } = testEnvironment();
  const login = (username: string, through = keycloakUrl) =>
    passwordToken(username, undefined, undefined, undefined, through);

  beforeAll(async () => {
    proxy = await startTcpProxy(Number(new URL(keycloakUrl).port));
    app = await startTestApp({ config: { KEYCLOAK_INTERNAL_URL: proxy.url } });
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
  });

  it('keeps verifying tokens with the realm keys it holds; only new logins fail', async () => {
    const dispatcherToken = await login('acme-dispatcher');
    const viewerToken = await login('acme-viewer');
    // No token has been shown to the API yet: the keys it holds are the ones it fetched at start.
    for (let waited = 0; ; waited += 100) {
      const ready = await app.root.get('/health/ready');
      if (ready.body?.info?.keycloak?.signingKeysKnown === true) break;
      if (waited > 10_000) throw new Error('the API did not fetch the realm keys at start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const dispatcher = app.api.as(dispatcherToken);

    await proxy.close();
    await expect(login('acme-admin', proxy.url)).rejects.toThrow();

    // Verified with the keys fetched at start, then remembered.
    expect((await dispatcher.get('/qualifications')).status).toBe(200);
    expect((await dispatcher.get('/work-orders?limit=5')).status).toBe(200);
    const created = await dispatcher.post('/qualifications', {
      code: 'KC-DOWN',
      name: 'Made while Keycloak was down',
    });
    expect(created.status).toBe(403); // a dispatcher may not: authorization still applies
    const viewer = app.api.as(viewerToken);
    expect((await viewer.get('/work-orders?limit=5')).status).toBe(200);
    expect((await viewer.post('/work-orders', {})).status).toBe(403);

    // A forged signature is still refused: nothing is taken on trust while Keycloak is away.
    const [header, payload, signature] = dispatcherToken.split('.');
    const forged = `${header}.${payload}.${signature.slice(0, -4)}AAAA`;
    expect((await app.api.as(forged).get('/work-orders')).status).toBe(401);

    // Ready: the instance can still do its work, and says Keycloak is unreachable.
    const ready = await app.root.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.keycloak).toMatchObject({
      status: 'up',
      reachable: false,
      signingKeysKnown: true,
    });
  });
});
