import { Injectable } from '@nestjs/common';
import { ConflictError, DomainError, NotFoundError, Role } from '@dispatch/domain';
import { AppConfig, keycloakBackchannelUrl } from '../config/app-config';

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

export type UserChanges = Partial<
  Pick<KeycloakUser, 'enabled' | 'email' | 'firstName' | 'lastName'>
>;

/** A confidential client for one machine (an ERP) of one tenant: client credentials only. */
export interface ServiceClientSpec {
  clientId: string;
  name: string;
  description?: string | null;
  /** Written into every access token as the `tenant` claim (a hard-coded claim of the client). */
  tenant: string;
  /** The only realm role the client's tokens carry. */
  role: Role;
  secret: string;
}

/** What a refusal of Keycloak's admin API means for the caller, per kind of resource. */
interface Refusals {
  notFound(path: string): Error;
  conflict(path: string): Error;
}

/** Users asked of Keycloak's admin API at a time. */
const USERS_PAGE = 500;

const USER_REFUSALS: Refusals = {
  notFound: (path) => new NotFoundError('User', path.split('/')[2] ?? ''),
  conflict: () =>
    new ConflictError('A user with this username or email exists', {
      fields: [{ field: 'username', message: 'is already taken' }],
    }),
};

const CLIENT_REFUSALS: Refusals = {
  notFound: (path) => new NotFoundError('Keycloak client', path.split('/')[2] ?? ''),
  conflict: () =>
    new ConflictError('A Keycloak client with this client id exists', {
      fields: [{ field: 'clientId', message: 'is already taken' }],
    }),
};

/**
 * The few calls of Keycloak's admin REST API the API needs (users of a tenant, and the tenant's
 * machine clients), made with the API's own service account (client credentials of
 * `dispatch-api`, which holds the `realm-management` roles `manage-users`, `manage-clients` and
 * their view/query companions). Written on fetch: the official `@keycloak/keycloak-admin-client`
 * is ESM-only and cannot be loaded by this CommonJS API (or its Jest tests) without a second
 * module system.
 */
@Injectable()
export class KeycloakAdminClient {
  private token: { value: string; until: number } | undefined;

  constructor(private readonly config: AppConfig) {}

  private get realmAdminUrl(): string {
    return `${keycloakBackchannelUrl(this.config)}/admin/realms/${this.config.KEYCLOAK_REALM}`;
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.until > Date.now()) return this.token.value;
    if (!this.config.KEYCLOAK_CLIENT_SECRET) {
      throw new DomainError(
        'FORBIDDEN',
        'User and API client administration is not configured: set KEYCLOAK_CLIENT_SECRET',
      );
    }
    const response = await fetch(
      `${keycloakBackchannelUrl(this.config)}/realms/${this.config.KEYCLOAK_REALM}/protocol/openid-connect/token`,
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

  private async call(
    method: string,
    path: string,
    body?: unknown,
    refusals: Refusals = USER_REFUSALS,
  ): Promise<Response> {
    const response = await fetch(`${this.realmAdminUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await this.accessToken()}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 409) throw refusals.conflict(path);
    if (response.status === 404) throw refusals.notFound(path);
    if (response.status === 403)
      throw new Error(
        `Keycloak admin ${method} ${path} refused (403): the service account ${this.config.KEYCLOAK_CLIENT_ID} lacks a realm-management role (manage-users, view-users, query-users, manage-clients, view-clients, query-clients)`,
      );
    if (!response.ok)
      throw new Error(
        `Keycloak admin ${method} ${path} failed: ${response.status} ${await response.text()}`,
      );
    return response;
  }

  /**
   * Every user of `tenant`, read `pageSize` at a time from Keycloak (an organization has no
   * ceiling of users).
   */
  async usersOfTenant(tenant: string, pageSize = USERS_PAGE): Promise<KeycloakUser[]> {
    const users: KeycloakUser[] = [];
    for (let first = 0; ; first += pageSize) {
      const response = await this.call(
        'GET',
        `/users?q=${encodeURIComponent(`tenant:${tenant}`)}&briefRepresentation=false&first=${first}&max=${pageSize}`,
      );
      const page = (await response.json()) as KeycloakUser[];
      users.push(...page.filter((user) => user.attributes?.tenant?.[0] === tenant));
      if (page.length < pageSize) return users;
    }
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
    return idFromLocation(response);
  }

  /**
   * Gives the user `role` in place of any other Dispatch role; with `only`, in place of every
   * other realm role too (the realm's default roles included).
   */
  async setRole(id: string, role: Role, options: { only?: boolean } = {}): Promise<void> {
    const current = (await (
      await this.call('GET', `/users/${encodeURIComponent(id)}/role-mappings/realm`)
    ).json()) as { id: string; name: string }[];
    const stale = current.filter(
      (mapping) =>
        (options.only || (Object.values(Role) as string[]).includes(mapping.name)) &&
        mapping.name !== role,
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

  /**
   * Changes whether a user may sign in, their name or their email. Keycloak replaces the user with
   * what is PUT: the whole representation goes back, changed.
   */
  async updateUser(id: string, changes: UserChanges): Promise<void> {
    const user = await this.user(id);
    await this.call(
      'PUT',
      `/users/${encodeURIComponent(id)}`,
      { ...user, ...changes },
      {
        ...USER_REFUSALS,
        conflict: () =>
          new ConflictError('Another user has this email', {
            fields: [{ field: 'email', message: 'is already taken' }],
          }),
      },
    );
  }

  async resetPassword(id: string, password: string, temporary: boolean): Promise<void> {
    await this.call('PUT', `/users/${encodeURIComponent(id)}/reset-password`, {
      type: 'password',
      value: password,
      temporary,
    });
  }

  /**
   * Creates a confidential client that can only get tokens with the client-credentials grant, whose
   * tokens name the API as audience, carry the tenant as a hard-coded claim of the client (set
   * here, out of reach of the client and its service account) and exactly one realm role: its
   * service account holds that role and no other (not even the realm's default roles). Answers
   * Keycloak's internal id of the client. Undone as a whole when a later step fails.
   *
   * (Limiting the client's role scope instead, `fullScopeAllowed: false`, would need the
   * realm-wide `manage-realm` right; the API checks a machine token's roles against its registry
   * in any case.)
   */
  async createServiceClient(spec: ServiceClientSpec): Promise<string> {
    const response = await this.call(
      'POST',
      '/clients',
      {
        clientId: spec.clientId,
        name: spec.name,
        description: spec.description ?? undefined,
        enabled: true,
        protocol: 'openid-connect',
        publicClient: false,
        bearerOnly: false,
        clientAuthenticatorType: 'client-secret',
        secret: spec.secret,
        serviceAccountsEnabled: true,
        standardFlowEnabled: false,
        implicitFlowEnabled: false,
        directAccessGrantsEnabled: false,
        frontchannelLogout: false,
        redirectUris: [],
        webOrigins: [],
        attributes: {
          'oauth2.device.authorization.grant.enabled': 'false',
          'oidc.ciba.grant.enabled': 'false',
        },
        protocolMappers: [
          {
            name: 'audience-dispatch-api',
            protocol: 'openid-connect',
            protocolMapper: 'oidc-audience-mapper',
            consentRequired: false,
            config: {
              'included.client.audience': this.config.KEYCLOAK_CLIENT_ID,
              'access.token.claim': 'true',
              'id.token.claim': 'false',
              'introspection.token.claim': 'true',
              'lightweight.claim': 'false',
            },
          },
          {
            name: 'tenant',
            protocol: 'openid-connect',
            protocolMapper: 'oidc-hardcoded-claim-mapper',
            consentRequired: false,
            config: {
              'claim.name': 'tenant',
              'claim.value': spec.tenant,
              'jsonType.label': 'String',
              'access.token.claim': 'true',
              'id.token.claim': 'false',
              'userinfo.token.claim': 'false',
              'introspection.token.claim': 'true',
              'lightweight.claim': 'false',
            },
          },
        ],
      },
      CLIENT_REFUSALS,
    );
    const id = idFromLocation(response);
    try {
      const client = `/clients/${encodeURIComponent(id)}`;
      const account = (await (
        await this.call('GET', `${client}/service-account-user`, undefined, CLIENT_REFUSALS)
      ).json()) as { id: string };
      await this.setRole(account.id, spec.role, { only: true });
      return id;
    } catch (error) {
      await this.deleteClient(id).catch(() => undefined);
      throw error;
    }
  }

  /** Deletes a client (and its service account): new tokens are refused at once. False when it was gone already. */
  async deleteClient(id: string): Promise<boolean> {
    try {
      await this.call('DELETE', `/clients/${encodeURIComponent(id)}`, undefined, CLIENT_REFUSALS);
      return true;
    } catch (error) {
      if (error instanceof NotFoundError) return false;
      throw error;
    }
  }

  /** A new secret for the client; the old one stops working at once. */
  async regenerateClientSecret(id: string): Promise<string> {
    const response = await this.call(
      'POST',
      `/clients/${encodeURIComponent(id)}/client-secret`,
      undefined,
      CLIENT_REFUSALS,
    );
    const credential = (await response.json()) as { value?: string };
    if (!credential.value) throw new Error('Keycloak answered no client secret');
    return credential.value;
  }
}

/** Keycloak answers a create with the new resource's URL in `Location`. */
function idFromLocation(response: Response): string {
  const location = response.headers.get('location') ?? '';
  return location.slice(location.lastIndexOf('/') + 1);
}
