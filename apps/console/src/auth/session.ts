import Keycloak from 'keycloak-js';
import { config } from '../config';
import { displayNameOf, type TokenClaims } from './claims';

export type Role = 'admin' | 'dispatcher' | 'driver' | 'viewer';

export interface Session {
  username: string;
  /** The person's name from the token (`name`, or given and family name), else the login name. */
  displayName: string;
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

/**
 * Signs the user in through Keycloak (Authorization Code + PKCE) before the console renders. Keycloak
 * sends the browser back to the address it was opened at (keycloak-js uses the current URL as the
 * redirect URI and strips its own callback fragment), so a deep link such as /work-orders/<id>
 * survives the login; the router reads the address only after this.
 */
export async function signIn(): Promise<Session> {
  await keycloak.init({ onLoad: 'login-required', pkceMethod: 'S256', checkLoginIframe: false });
  const claims = keycloak.tokenParsed as TokenClaims;
  const known: Role[] = ['admin', 'dispatcher', 'driver', 'viewer'];
  return {
    username: claims.preferred_username ?? '',
    displayName: displayNameOf(claims),
    tenant: claims.tenant ?? '',
    roles: known.filter((role) => claims.realm_access?.roles?.includes(role)),
    token: async () => {
      await keycloak.updateToken(30);
      return keycloak.token as string;
    },
    logout: () => keycloak.logout({ redirectUri: window.location.origin }),
  };
}
