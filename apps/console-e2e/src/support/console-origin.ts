// Jest's global setup runs outside its module registry (no moduleNameMapper), so it reaches the
// testing library by path.
// eslint-disable-next-line @nx/enforce-module-boundaries -- see above
import { KeycloakAdmin } from '../../../../libs/testing/src/keycloak-admin';

/** The console's browser client in the dev realm. */
const CONSOLE_CLIENT = 'dispatch-console';

interface ConsoleClient {
  id: string;
  redirectUris?: string[];
  webOrigins?: string[];
  attributes?: Record<string, string>;
}

/** What the client must list for a console served from `origin`: its redirects and its origin. */
function withOrigin(client: ConsoleClient, origin: string): ConsoleClient {
  const redirect = `${origin}/*`;
  const logout = (client.attributes?.['post.logout.redirect.uris'] ?? '')
    .split('##')
    .filter(Boolean);
  return {
    ...client,
    redirectUris: [...new Set([...(client.redirectUris ?? []), redirect])],
    webOrigins: [...new Set([...(client.webOrigins ?? []), origin])],
    attributes: {
      ...client.attributes,
      'post.logout.redirect.uris': [...new Set([...logout, redirect])].join('##'),
    },
  };
}

function withoutOrigin(client: ConsoleClient, origin: string): ConsoleClient {
  const redirect = `${origin}/*`;
  const logout = (client.attributes?.['post.logout.redirect.uris'] ?? '')
    .split('##')
    .filter((uri) => uri && uri !== redirect);
  return {
    ...client,
    redirectUris: (client.redirectUris ?? []).filter((uri) => uri !== redirect),
    webOrigins: (client.webOrigins ?? []).filter((uri) => uri !== origin),
    attributes: { ...client.attributes, 'post.logout.redirect.uris': logout.join('##') },
  };
}

function lists(client: ConsoleClient, origin: string): boolean {
  return (
    (client.redirectUris ?? []).includes(`${origin}/*`) &&
    (client.webOrigins ?? []).includes(origin)
  );
}

async function readClient(admin: KeycloakAdmin): Promise<ConsoleClient> {
  const response = await admin.request('GET', `/clients?clientId=${CONSOLE_CLIENT}`);
  const [client] = (await response.json()) as ConsoleClient[];
  if (!client) throw new Error(`The dispatch realm has no client ${CONSOLE_CLIENT}`);
  return client;
}

/**
 * Lets the console served from `origin` (a port chosen for this run) sign in through the test
 * Keycloak: its redirect URI and web origin are added to the console's client through the admin
 * API, so the realm file keeps allowing only the developer's http://localhost:4200. Keycloak
 * replaces a client's lists as a whole, and another run may share this Keycloak: the addition is
 * read back, and made again if a concurrent update dropped it. Says whether it added anything
 * (nothing when the realm already allows the origin).
 */
export async function allowConsoleOrigin(origin: string): Promise<boolean> {
  const admin = await KeycloakAdmin.connect();
  for (let attempt = 1; ; attempt += 1) {
    const client = await readClient(admin);
    if (lists(client, origin)) return attempt > 1;
    if (attempt > 5)
      throw new Error(`Keycloak's ${CONSOLE_CLIENT} client would not keep the origin ${origin}`);
    await admin.request('PUT', `/clients/${client.id}`, withOrigin(client, origin));
  }
}

/** Takes back what allowConsoleOrigin added (a shared dev Keycloak keeps no stale origins). */
export async function forgetConsoleOrigin(origin: string): Promise<void> {
  const admin = await KeycloakAdmin.connect();
  const client = await readClient(admin);
  if (lists(client, origin))
    await admin.request('PUT', `/clients/${client.id}`, withoutOrigin(client, origin));
}
