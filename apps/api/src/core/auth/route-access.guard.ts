import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  Logger,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type AccessTokenClaims, rolesOf } from './actor';
import { ROUTE_ACCESS, type RouteAccess } from './route-access';

/**
 * Authorization after nest-keycloak-connect's AuthGuard has verified the token: the route must
 * declare its roles or `public` (deny by default — a route declaring neither is refused, and a
 * test fails on it), and the caller must hold one of the declared realm roles. Roles are read from
 * the token the AuthGuard already verified, rather than verifying it a second time.
 */
@Injectable()
export class RouteAccessGuard implements CanActivate {
  private readonly logger = new Logger(RouteAccessGuard.name);

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (access === undefined) {
      this.logger.error(
        `Route ${context.getClass().name}.${context.getHandler().name} declares no access rule`,
      );
      throw new ForbiddenException('This route declares no access rule');
    }
    if (access === 'public') return true;
    const claims = context.switchToHttp().getRequest<{ user?: AccessTokenClaims }>().user;
    const held = claims ? rolesOf(claims) : [];
    if (!access.some((role) => held.includes(role))) {
      throw new ForbiddenException(`Requires one of the roles: ${access.join(', ')}`);
    }
    return true;
  }
}
