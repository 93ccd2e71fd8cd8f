import Keycloak from 'keycloak-js';
import { config } from '../config';

export type Role = 'admin' | 'dispatcher' | 'driver' | 'viewer';

export interface Session {
  username: string;
  tenant: string;
  roles: Role[];
  /** A token valid for at least 30 more seconds, refreshed silently when needed. */
  token(): Promise<string>;
  logout(): Promise<void>;
}

const keycloak = new Keycloak({
  url: config.keycloakUrl,
  realm: config.realm,
  clientId: config.clientId,
});

/** Signs the user in through Keycloak (Authorization Code + PKCE) before the console renders. */
export async function signIn(): Promise<Session> {
  await keycloak.init({ onLoad: 'login-required', pkceMethod: 'S256', checkLoginIframe: false });
  const claims = keycloak.tokenParsed as {
    preferred_username?: string;
    tenant?: string;
    realm_access?: { roles?: string[] };
  };
  const known: Role[] = ['admin', 'dispatcher', 'driver', 'viewer'];
  return {
    username: claims.preferred_username ?? '',
    tenant: claims.tenant ?? '',
    roles: known.filter((role) => claims.realm_access?.roles?.includes(role)),
    token: async () => {
      await keycloak.updateToken(30);
      return keycloak.token as string;
    },
    logout: () => keycloak.logout({ redirectUri: window.location.origin }),
  };
}
