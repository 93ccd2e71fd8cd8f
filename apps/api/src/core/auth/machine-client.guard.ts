import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, TENANT_SLUG_PATTERN } from '@dispatch/domain';
import { type AccessTokenClaims, actorKindOf, rolesOf, serviceAccountNameOf } from './actor';
import { MachineClients, type RegisteredMachine } from './machine-clients.service';
import { ROUTE_ACCESS, type RouteAccess } from './route-access';

export interface MachineClientRequest {
  user?: AccessTokenClaims;
  /** Set for a machine token whose client the tenant's registry lists (read by TenantGuard). */
  machineClient?: RegisteredMachine;
}

/**
 * A machine token (an API client's service account) is honoured only while the tenant's registry
 * lists its client: Keycloak refuses new tokens of a deleted client at once, and this refuses the
 * tokens it had already issued (401) within seconds on every instance. Its realm roles must be
 * exactly the role the client was registered with. Runs right after the token is verified, so a
 * deleted client gets 401 on every route, before any 403. A person's token costs one string
 * comparison here and no I/O.
 */
@Injectable()
export class MachineClientGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly machines: MachineClients,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<MachineClientRequest>();
    const claims = request.user;
    if (!claims || actorKindOf(claims) !== 'machine') return true;
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (access === 'public') return true;
    return this.check(request, claims);
  }

  private async check(request: MachineClientRequest, claims: AccessTokenClaims): Promise<boolean> {
    const tenant = claims.tenant;
    // No valid tenant: TenantGuard refuses the token (403), as it does a person's.
    if (typeof tenant !== 'string' || !TENANT_SLUG_PATTERN.test(tenant)) return true;
    const clientId = claims.azp ?? claims.client_id;
    const machine =
      clientId && claims.preferred_username === serviceAccountNameOf(clientId)
        ? await this.machines.find(tenant, clientId)
        : null;
    if (!machine)
      throw new UnauthorizedException(
        'The API client of this token was deleted or is not registered with the organization',
      );
    const roles = rolesOf(claims);
    if (roles.length !== 1 || roles[0] !== machine.role)
      throw new DomainError(
        'FORBIDDEN',
        `The token's roles do not match the API client's registered role (${machine.role})`,
      );
    request.machineClient = machine;
    return true;
  }
}
