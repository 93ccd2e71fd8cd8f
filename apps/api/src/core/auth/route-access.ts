import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Role } from '@dispatch/domain';
import { Public } from 'nest-keycloak-connect';

/** Metadata every route must carry: the roles that may call it, or `public`. */
export const ROUTE_ACCESS = 'dispatch:route-access';
export type RouteAccess = readonly Role[] | 'public';

/** Only callers holding at least one of these realm roles may call the route. */
export function AllowRoles(...roles: Role[]) {
  if (roles.length === 0) throw new Error('AllowRoles needs at least one role');
  return applyDecorators(
    SetMetadata(ROUTE_ACCESS, roles),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No valid access token' }),
    ApiForbiddenResponse({ description: `Requires one of the roles: ${roles.join(', ')}` }),
  );
}

/** Anyone may call the route, without a token. */
export function PublicRoute() {
  return applyDecorators(SetMetadata(ROUTE_ACCESS, 'public'), Public());
}
