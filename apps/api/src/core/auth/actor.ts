import { type ActorKind, type EventActor, Role } from '@dispatch/domain';

/** Who is calling: taken from the verified access token, never from the request body or headers. */
export interface Actor {
  /** A person signed in, an ERP's machine client (a service account), or the engine itself. */
  kind: ActorKind;
  /** Keycloak subject (`sub`). */
  subject: string;
  /** Human-readable name for audit trails (`preferred_username`). */
  name: string;
  roles: Role[];
  /** The role an audit event records: the most powerful one the caller holds (none for the engine). */
  primaryRole: Role | null;
  /** Tenant slug from the token's `tenant` claim. */
  tenant: string;
  /** Correlates logs, audit events and the caller's `X-Request-Id`. */
  requestId: string;
}

/** Claims of a Keycloak access token that the API reads. */
export interface AccessTokenClaims {
  sub?: string;
  preferred_username?: string;
  /** The client the token was issued to (for a machine: its API client's Keycloak client id). */
  azp?: string;
  client_id?: string;
  tenant?: unknown;
  realm_access?: { roles?: string[] };
}

const ROLE_PRECEDENCE: readonly Role[] = [Role.Admin, Role.Dispatcher, Role.Driver, Role.Viewer];

export function rolesOf(claims: AccessTokenClaims): Role[] {
  const granted = new Set(claims.realm_access?.roles ?? []);
  return ROLE_PRECEDENCE.filter((role) => granted.has(role));
}

/** Keycloak names the user behind a client's service account `service-account-<client id>`. */
const SERVICE_ACCOUNT_PREFIX = 'service-account-';

export function actorKindOf(claims: AccessTokenClaims): ActorKind {
  return claims.preferred_username?.startsWith(SERVICE_ACCOUNT_PREFIX) ? 'machine' : 'person';
}

/** The service account user Keycloak makes for a client (user names are lower case). */
export function serviceAccountNameOf(clientId: string): string {
  return `${SERVICE_ACCOUNT_PREFIX}${clientId.toLowerCase()}`;
}

/** The subject under which the engine's own decisions are recorded. */
export const ENGINE_SUBJECT = 'auto';

/** The engine acting on its own (serving the queue on a schedule), on behalf of no one. */
export function systemActor(tenant: string, requestId = ''): Actor {
  return {
    kind: 'engine',
    subject: ENGINE_SUBJECT,
    name: 'Dispatch engine',
    roles: [],
    primaryRole: null,
    tenant,
    requestId,
  };
}

export function hasRole(actor: Pick<Actor, 'roles'>, ...roles: Role[]): boolean {
  return roles.some((role) => actor.roles.includes(role));
}

/** True when the caller acts only as a driver (no dispatcher, admin or viewer role beside it). */
export function isDriverOnly(actor: Pick<Actor, 'roles'>): boolean {
  return hasRole(actor, Role.Driver) && !hasRole(actor, Role.Admin, Role.Dispatcher, Role.Viewer);
}

export function primaryRoleOf(roles: Role[]): Role | undefined {
  return ROLE_PRECEDENCE.find((role) => roles.includes(role));
}

/** The engine deciding in the course of someone's request: recorded as the engine, with the request id. */
export function engineActor(trigger: Pick<Actor, 'tenant' | 'requestId'>): Actor {
  return systemActor(trigger.tenant, trigger.requestId);
}

/** The actor as an event records it. */
export function eventActor(actor: Actor): EventActor {
  return { kind: actor.kind, subject: actor.subject, name: actor.name, role: actor.primaryRole };
}
