import { jwtPayload, passwordToken, testEnvironment } from '@dispatch/testing';
import { startTestApp, type TestApp } from './support/test-app';

/** The Keycloak of this run through its other loopback name (localhost ⇄ 127.0.0.1). */
function throughOtherLoopbackName(keycloakUrl: string): string {
  const url = new URL(keycloakUrl);
  url.hostname = url.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1';
  return url.toString().replace(/\/$/, '');
}

/**
 * Keycloak without a fixed hostname names the host of the token request as the issuer, and the API
 * (which expects one issuer) refused a token fetched through 127.0.0.1 as "wrong ISS". startKeycloak
 * fixes the hostname; a Keycloak given through TEST_KEYCLOAK_URL must have it fixed too.
 */
describe('the token issuer does not depend on the host a token is requested through', () => {
  let testApp: TestApp;
  const { keycloakUrl } = testEnvironment();
  const otherName = throughOtherLoopbackName(keycloakUrl);

  beforeAll(async () => {
    testApp = await startTestApp();
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it(`accepts a token requested through ${otherName}`, async () => {
    const token = await passwordToken('acme-viewer', 'demo', 'dispatch-cli', 'dispatch', otherName);
    const issuer = jwtPayload(token).iss;
    if (issuer !== `${keycloakUrl}/realms/dispatch` && process.env.TEST_KEYCLOAK_URL)
      throw new Error(
        `The Keycloak at TEST_KEYCLOAK_URL (${keycloakUrl}) takes its issuer from the request (${String(issuer)}): ` +
          `start it with --hostname=${keycloakUrl} (tools/keycloak/run.ts does)`,
      );
    expect(issuer).toBe(`${keycloakUrl}/realms/dispatch`);
    expect((await testApp.api.as(token).get('/equipment')).status).toBe(200);
  });
});
