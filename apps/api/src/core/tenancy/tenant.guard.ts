import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, TENANT_SLUG_PATTERN } from '@dispatch/domain';
import { actorKindOf, primaryRoleOf, rolesOf } from '../auth/actor';
import type { AuthenticatedRequest } from '../auth/current-actor.decorator';
import type { MachineClientRequest } from '../auth/machine-client.guard';
import { ROUTE_ACCESS, type RouteAccess } from '../auth/route-access';
import { TenantRegistry } from './tenant-registry.service';

/**
 * Turns the verified token into the request's Actor. The tenant comes only from the token's
 * `tenant` claim; a token without one, or naming an organization that is not provisioned, is
 * refused rather than served from some default schema.
 */
@Injectable()
export class TenantGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly registry: TenantRegistry,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (access === 'public') return true;
    const request = context
      .switchToHttp()
      .getRequest<AuthenticatedRequest & MachineClientRequest & { id?: string }>();
    const claims = request.user;
    if (!claims?.sub) throw new DomainError('FORBIDDEN', 'The access token names no subject');
    const tenant = claims.tenant;
    if (typeof tenant !== 'string' || !TENANT_SLUG_PATTERN.test(tenant)) {
      throw new DomainError('TENANT_UNKNOWN', 'The access token carries no valid tenant claim');
    }
    if (!(await this.registry.schemaOf(tenant))) {
      throw new DomainError('TENANT_UNKNOWN', `Organization "${tenant}" is not provisioned`);
    }
    const roles = rolesOf(claims);
    const primaryRole = primaryRoleOf(roles);
    if (!primaryRole)
      throw new DomainError('FORBIDDEN', 'The access token carries no Dispatch role');
    request.actor = {
      kind: actorKindOf(claims),
      subject: claims.sub,
      // A machine is named by its API client (MachineClientGuard checked it against the registry).
      name: request.machineClient?.name ?? claims.preferred_username ?? claims.sub,
      roles,
      primaryRole,
      tenant,
      requestId: String(request.id ?? ''),
    };
    return true;
  }
}
