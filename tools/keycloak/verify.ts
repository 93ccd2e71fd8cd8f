/**
 * Smoke test of the dispatch realm against a real Keycloak.
 *
 *   npx tsx tools/keycloak/verify.ts [--port 8180]      starts a fresh dev-mem Keycloak, checks, stops it
 *   npx tsx tools/keycloak/verify.ts --url http://localhost:8080   checks an already running one
 *
 * Checks the tokens of demo users (issuer, audience, realm roles, tenant claim), that the issuer does not
 * follow the host a token is requested through (127.0.0.1 for localhost and back), and the
 * client-credentials token of dispatch-api. Prints 'N passed, N failed' and exits non-zero on any failure.
 */
import {
  REALM_NAME,
  decodeJwtPayload,
  fetchClientCredentialsToken,
  fetchPasswordToken,
  startKeycloak,
  type KeycloakInstance,
} from './keycloak';

let passed = 0;
let failed = 0;

function check(name: string, ok: boolean, detail = ''): void {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${!ok && detail ? ` — ${detail}` : ''}`);
}

async function checkUser(baseUrl: string, tenant: string, role: string): Promise<void> {
  const username = `${tenant}-${role}`;
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwtPayload(await fetchPasswordToken(baseUrl, username, 'demo'));
  } catch (error) {
    check(`${username}: password grant`, false, (error as Error).message);
    return;
  }
  const aud = ([] as unknown[]).concat(claims.aud ?? []);
  const roles = (claims.realm_access as { roles?: string[] } | undefined)?.roles ?? [];
  check(`${username}: iss`, claims.iss === `${baseUrl}/realms/${REALM_NAME}`, String(claims.iss));
  check(
    `${username}: aud contains dispatch-api`,
    aud.includes('dispatch-api'),
    JSON.stringify(claims.aud),
  );
  check(`${username}: realm role ${role}`, roles.includes(role), JSON.stringify(roles));
  check(`${username}: tenant = ${tenant}`, claims.tenant === tenant, JSON.stringify(claims.tenant));
  check(`${username}: azp dispatch-cli`, claims.azp === 'dispatch-cli', String(claims.azp));
}

const OTHER_LOOPBACK_NAME: Record<string, string> = {
  localhost: '127.0.0.1',
  '127.0.0.1': 'localhost',
};

/** The same Keycloak through its other loopback name: localhost ⇄ 127.0.0.1 (undefined for other hosts). */
function otherLoopbackUrl(baseUrl: string): string | undefined {
  const url = new URL(baseUrl);
  const other = OTHER_LOOPBACK_NAME[url.hostname];
  if (!other) return undefined;
  url.hostname = other;
  return url.toString().replace(/\/$/, '');
}

async function checkIssuerIsFixed(baseUrl: string): Promise<void> {
  const through = otherLoopbackUrl(baseUrl);
  if (!through) return;
  const name = `token requested through ${through}: iss is ${baseUrl}/realms/${REALM_NAME}`;
  try {
    const claims = decodeJwtPayload(await fetchPasswordToken(through, 'acme-viewer', 'demo'));
    check(name, claims.iss === `${baseUrl}/realms/${REALM_NAME}`, `iss ${String(claims.iss)}`);
  } catch (error) {
    check(name, false, (error as Error).message);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const urlIndex = args.indexOf('--url');
  const portIndex = args.indexOf('--port');
  let instance: KeycloakInstance | undefined;
  let baseUrl: string;
  if (urlIndex >= 0 && args[urlIndex + 1]) {
    baseUrl = (args[urlIndex + 1] as string).replace(/\/$/, '');
  } else {
    const port = portIndex >= 0 ? Number(args[portIndex + 1]) : 8180;
    const started = Date.now();
    instance = await startKeycloak({ port, database: 'dev-mem' });
    baseUrl = instance.baseUrl;
    console.log(
      `Keycloak (dev-mem) ready on ${baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  try {
    for (const tenant of ['acme', 'globex']) {
      for (const role of ['admin', 'dispatcher', 'driver', 'viewer'])
        await checkUser(baseUrl, tenant, role);
    }
    await checkIssuerIsFixed(baseUrl);
    try {
      await fetchPasswordToken(baseUrl, 'acme-dispatcher', 'wrong-password');
      check('wrong password is rejected', false, 'got a token');
    } catch {
      check('wrong password is rejected', true);
    }
    try {
      const claims = decodeJwtPayload(await fetchClientCredentialsToken(baseUrl));
      const management = (
        claims.resource_access as Record<string, { roles?: string[] }> | undefined
      )?.['realm-management']?.roles;
      check(
        'dispatch-api client credentials: azp',
        claims.azp === 'dispatch-api',
        String(claims.azp),
      );
      check(
        'dispatch-api service account: realm-management roles',
        [
          'manage-users',
          'view-users',
          'query-users',
          'query-groups',
          'manage-clients',
          'view-clients',
          'query-clients',
        ].every((r) => management?.includes(r)),
        JSON.stringify(management),
      );
    } catch (error) {
      check('dispatch-api client credentials', false, (error as Error).message);
    }
  } finally {
    await instance?.stop();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
