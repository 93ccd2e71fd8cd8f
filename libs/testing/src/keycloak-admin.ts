import { testEnvironment } from './test-environment';

/**
 * Keycloak's admin REST API as the bootstrap admin of the master realm, for tests that need
 * real tokens of unusual shapes (a short-lived client, a user of an unprovisioned tenant).
 */
export class KeycloakAdmin {
  private constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  static async connect(
    user = process.env.KEYCLOAK_ADMIN_USER ?? 'admin',
    password = process.env.KEYCLOAK_ADMIN_PASSWORD ?? 'admin',
  ): Promise<KeycloakAdmin> {
    const { keycloakUrl } = testEnvironment();
    const response = await fetch(`${keycloakUrl}/realms/master/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: 'admin-cli',
        username: user,
        password,
      }),
    });
    const body = (await response.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(`Keycloak admin login failed: ${response.status}`);
    return new KeycloakAdmin(keycloakUrl, body.access_token);
  }

  /** The master realm admin's own access token (a real token from another issuer). */
  get masterToken(): string {
    return this.token;
  }

  async request(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await fetch(`${this.baseUrl}/admin/realms/dispatch${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (response.status >= 400 && response.status !== 409) {
      throw new Error(
        `Keycloak admin ${method} ${path} failed: ${response.status} ${await response.text()}`,
      );
    }
    return response;
  }

  /** A public client with direct grants whose access tokens live `lifespanSeconds` and name the API as audience. */
  async createShortLivedClient(clientId: string, lifespanSeconds: number): Promise<void> {
    await this.request('POST', '/clients', {
      clientId,
      publicClient: true,
      directAccessGrantsEnabled: true,
      standardFlowEnabled: false,
      attributes: { 'access.token.lifespan': String(lifespanSeconds) },
      protocolMappers: [
        {
          name: 'api-audience',
          protocol: 'openid-connect',
          protocolMapper: 'oidc-audience-mapper',
          config: {
            'included.client.audience': 'dispatch-api',
            'access.token.claim': 'true',
            'id.token.claim': 'false',
          },
        },
        {
          name: 'tenant',
          protocol: 'openid-connect',
          protocolMapper: 'oidc-usermodel-attribute-mapper',
          config: {
            'user.attribute': 'tenant',
            'claim.name': 'tenant',
            'jsonType.label': 'String',
            'access.token.claim': 'true',
          },
        },
      ],
    });
  }

  /** A user with a password, a realm role and a tenant attribute. */
  async createUser(
    username: string,
    tenant: string,
    role: string,
    password = 'demo',
  ): Promise<void> {
    await this.request('POST', '/users', {
      username,
      enabled: true,
      emailVerified: true,
      email: `${username}@${tenant}.example`,
      firstName: username,
      lastName: 'Test',
      attributes: { tenant: [tenant] },
      credentials: [{ type: 'password', value: password, temporary: false }],
    });
    const [user] = (await (
      await this.request('GET', `/users?exact=true&username=${encodeURIComponent(username)}`)
    ).json()) as { id: string }[];
    const roleRepresentation = await (await this.request('GET', `/roles/${role}`)).json();
    await this.request('POST', `/users/${user.id}/role-mappings/realm`, [roleRepresentation]);
  }
}
