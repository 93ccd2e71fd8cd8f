import { testEnvironment } from './test-environment';

export const DEMO_TENANTS = ['acme', 'globex'] as const;
export const DEMO_ROLES = ['admin', 'dispatcher', 'driver', 'viewer'] as const;
export type DemoTenant = (typeof DEMO_TENANTS)[number];
export type DemoRole = (typeof DEMO_ROLES)[number];
export const DEMO_PASSWORD = 'demo';

interface CachedToken {
  token: string;
  expiresAt: number;
}

const TOKENS_KEY = 'DISPATCH_TEST_TOKENS';

/**
 * Keycloak's brute-force protection treats several logins of one user within a split second as an
 * attack and locks the user for a few seconds, even with the right password. Test runs therefore
 * log every demo user in once, one after the other, in the global setup, and share the tokens
 * with all workers through the environment.
 */
function seededCache(): Map<string, CachedToken> {
  const seeded = process.env[TOKENS_KEY];
  if (!seeded) return new Map();
  return new Map(
    Object.entries(JSON.parse(seeded) as Record<string, string>).map(([user, token]) => [
      user,
      { token, expiresAt: jwtPayload(token).exp * 1000 },
    ]),
  );
}

const cache = seededCache();

/** Logs every demo user in, one at a time, and publishes the tokens to the test workers. */
export async function publishDemoTokens(): Promise<void> {
  const tokens: Record<string, string> = {};
  for (const tenant of DEMO_TENANTS) {
    for (const role of DEMO_ROLES)
      tokens[`${tenant}-${role}`] = await passwordToken(`${tenant}-${role}`);
  }
  process.env[TOKENS_KEY] = JSON.stringify(tokens);
}

/** A real access token from Keycloak (password grant through the dev/test client `dispatch-cli`). */
export async function passwordToken(
  username: string,
  password = DEMO_PASSWORD,
  clientId = 'dispatch-cli',
  realm = 'dispatch',
  keycloakUrl = testEnvironment().keycloakUrl,
): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await requestPasswordToken(username, password, clientId, realm, keycloakUrl);
    } catch (error) {
      // A concurrent login elsewhere may have tripped the brute-force lock: it lifts after a few seconds.
      if (attempt >= 3 || !String(error).includes('Invalid user credentials')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 6_000));
    }
  }
}

async function requestPasswordToken(
  username: string,
  password: string,
  clientId: string,
  realm: string,
  keycloakUrl: string,
): Promise<string> {
  const response = await fetch(`${keycloakUrl}/realms/${realm}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: clientId,
      username,
      password,
      scope: 'openid',
    }),
  });
  const body = (await response.json()) as { access_token?: string; error_description?: string };
  if (!response.ok || !body.access_token) {
    throw new Error(
      `Keycloak refused a token for ${username}: ${response.status} ${body.error_description ?? ''}`,
    );
  }
  return body.access_token;
}

/**
 * How long a token handed out stays good at least: suites take theirs in beforeAll and use them
 * throughout, which on a Citus cluster can be several minutes (the realm's tokens live 15).
 */
const MIN_TOKEN_VALIDITY_MS = 10 * 60_000;

/** Token of a demo user `<tenant>-<role>`, reused while it has MIN_TOKEN_VALIDITY_MS left. */
export async function tokenFor(tenant: DemoTenant, role: DemoRole): Promise<string> {
  const username = `${tenant}-${role}`;
  const cached = cache.get(username);
  if (cached && cached.expiresAt - Date.now() > MIN_TOKEN_VALIDITY_MS) return cached.token;
  const token = await passwordToken(username);
  cache.set(username, { token, expiresAt: jwtPayload(token).exp * 1000 });
  return token;
}

export function jwtPayload(token: string): { exp: number; sub: string; [claim: string]: unknown } {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

export interface TokenAnswer {
  status: number;
  token?: string;
  error?: string;
}

/** Asks the real Keycloak for a token with the client-credentials grant, as an ERP would. */
export async function clientCredentials(clientId: string, secret: string): Promise<TokenAnswer> {
  const response = await fetch(
    `${testEnvironment().keycloakUrl}/realms/dispatch/protocol/openid-connect/token`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secret,
      }),
    },
  );
  const body = (await response.json()) as { access_token?: string; error?: string };
  return { status: response.status, token: body.access_token, error: body.error };
}
