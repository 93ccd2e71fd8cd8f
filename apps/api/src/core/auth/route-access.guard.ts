import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  Logger,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ROUTE_ACCESS, type RouteAccess } from './route-access';

/**
 * Deny by default: nest-keycloak-connect's RoleGuard lets a route without `@Roles` through, so a
 * route that declares neither roles nor `public` is refused here (and a test fails on it).
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
    return true;
  }
}
