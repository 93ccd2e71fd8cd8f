import { Injectable } from '@nestjs/common';
import { ConflictError, DomainError, NotFoundError, Role } from '@dispatch/domain';
import { AppConfig } from '../../core/config/app-config';

export interface KeycloakUser {
  id: string;
  username: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  enabled: boolean;
  attributes?: Record<string, string[]>;
  createdTimestamp?: number;
}

/**
 * The few calls of Keycloak's admin REST API the user administration needs, made with the API's own
 * service account (client credentials of `dispatch-api`). Written on fetch: the official
 * `@keycloak/keycloak-admin-client` is ESM-only and cannot be loaded by this CommonJS API (or its
 * Jest tests) without a second module system.
 */
@Injectable()
export class KeycloakAdminClient {
  private token: { value: string; until: number } | undefined;

  constructor(private readonly config: AppConfig) {}

  private get realmAdminUrl(): string {
    return `${this.config.KEYCLOAK_URL}/admin/realms/${this.config.KEYCLOAK_REALM}`;
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.until > Date.now()) return this.token.value;
    if (!this.config.KEYCLOAK_CLIENT_SECRET) {
      throw new DomainError(
        'FORBIDDEN',
        'User administration is not configured: set KEYCLOAK_CLIENT_SECRET',
      );
    }
    const response = await fetch(
      `${this.config.KEYCLOAK_URL}/realms/${this.config.KEYCLOAK_REALM}/protocol/openid-connect/token`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: this.config.KEYCLOAK_CLIENT_ID,
          client_secret: this.config.KEYCLOAK_CLIENT_SECRET,
        }),
      },
    );
    if (!response.ok)
      throw new Error(`Keycloak refused the API's service account: ${response.status}`);
    const body = (await response.json()) as { access_token: string; expires_in: number };
    this.token = { value: body.access_token, until: Date.now() + (body.expires_in - 30) * 1000 };
    return body.access_token;
  }

  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await fetch(`${this.realmAdminUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await this.accessToken()}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 409)
      throw new ConflictError('A user with this username or email exists', {
        fields: [{ field: 'username', message: 'is already taken' }],
      });
    if (response.status === 404) throw new NotFoundError('User', path.split('/')[2] ?? '');
    if (!response.ok)
      throw new Error(
        `Keycloak admin ${method} ${path} failed: ${response.status} ${await response.text()}`,
      );
    return response;
  }

  async usersOfTenant(tenant: string): Promise<KeycloakUser[]> {
    const response = await this.call(
      'GET',
      `/users?q=${encodeURIComponent(`tenant:${tenant}`)}&briefRepresentation=false&max=500`,
    );
    return ((await response.json()) as KeycloakUser[]).filter(
      (user) => user.attributes?.tenant?.[0] === tenant,
    );
  }

  async user(id: string): Promise<KeycloakUser> {
    return (await (
      await this.call('GET', `/users/${encodeURIComponent(id)}`)
    ).json()) as KeycloakUser;
  }

  async realmRoles(id: string): Promise<Role[]> {
    const roles = (await (
      await this.call('GET', `/users/${encodeURIComponent(id)}/role-mappings/realm`)
    ).json()) as { name: string }[];
    return roles
      .map((role) => role.name)
      .filter((name): name is Role => (Object.values(Role) as string[]).includes(name));
  }

  async create(
    user: Omit<KeycloakUser, 'id' | 'enabled'> & { password: string; temporaryPassword: boolean },
  ): Promise<string> {
    const response = await this.call('POST', '/users', {
      username: user.username,
      email: user.email,
      firstName: user.firstName,
      lastName: user.lastName,
      enabled: true,
      emailVerified: true,
      attributes: user.attributes,
      credentials: [{ type: 'password', value: user.password, temporary: user.temporaryPassword }],
    });
    const location = response.headers.get('location') ?? '';
    return location.slice(location.lastIndexOf('/') + 1);
  }

  async setRole(id: string, role: Role): Promise<void> {
    const current = (await (
      await this.call('GET', `/users/${encodeURIComponent(id)}/role-mappings/realm`)
    ).json()) as { id: string; name: string }[];
    const stale = current.filter(
      (mapping) =>
        (Object.values(Role) as string[]).includes(mapping.name) && mapping.name !== role,
    );
    if (stale.length > 0)
      await this.call('DELETE', `/users/${encodeURIComponent(id)}/role-mappings/realm`, stale);
    if (current.some((mapping) => mapping.name === role)) return;
    // The roles this user could still be given (readable with the service account's user rights).
    const available = (await (
      await this.call('GET', `/users/${encodeURIComponent(id)}/role-mappings/realm/available`)
    ).json()) as { id: string; name: string }[];
    const wanted = available.find((candidate) => candidate.name === role);
    if (!wanted) throw new Error(`Realm role ${role} is not available to assign`);
    await this.call('POST', `/users/${encodeURIComponent(id)}/role-mappings/realm`, [wanted]);
  }

  /** Keycloak replaces the user with what is PUT: send the whole representation back, changed. */
  async setEnabled(id: string, enabled: boolean): Promise<void> {
    const user = await this.user(id);
    await this.call('PUT', `/users/${encodeURIComponent(id)}`, { ...user, enabled });
  }

  async resetPassword(id: string, password: string, temporary: boolean): Promise<void> {
    await this.call('PUT', `/users/${encodeURIComponent(id)}/reset-password`, {
      type: 'password',
      value: password,
      temporary,
    });
  }
}
