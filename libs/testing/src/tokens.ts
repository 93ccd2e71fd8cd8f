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

const cache = new Map<string, CachedToken>();

/** A real access token from Keycloak (password grant through the dev/test client `dispatch-cli`). */
export async function passwordToken(
  username: string,
  password = DEMO_PASSWORD,
  clientId = 'dispatch-cli',
  realm = 'dispatch',
): Promise<string> {
  const response = await fetch(
    `${testEnvironment().keycloakUrl}/realms/${realm}/protocol/openid-connect/token`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: clientId,
        username,
        password,
        scope: 'openid',
      }),
    },
  );
  const body = (await response.json()) as { access_token?: string; error_description?: string };
  if (!response.ok || !body.access_token) {
    throw new Error(
      `Keycloak refused a token for ${username}: ${response.status} ${body.error_description ?? ''}`,
    );
  }
  return body.access_token;
}

/** Token of a demo user `<tenant>-<role>`, reused while it has more than a minute left. */
export async function tokenFor(tenant: DemoTenant, role: DemoRole): Promise<string> {
  const username = `${tenant}-${role}`;
  const cached = cache.get(username);
  if (cached && cached.expiresAt - Date.now() > 60_000) return cached.token;
  const token = await passwordToken(username);
  cache.set(username, { token, expiresAt: jwtPayload(token).exp * 1000 });
  return token;
}

export function jwtPayload(token: string): { exp: number; sub: string; [claim: string]: unknown } {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}
