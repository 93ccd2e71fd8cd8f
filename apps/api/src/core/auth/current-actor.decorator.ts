import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Actor } from './actor';

export interface AuthenticatedRequest extends Request {
  actor?: Actor;
}

/** The authenticated caller of a non-public route (set by TenantGuard). */
export const CurrentActor = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Actor => {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!request.actor)
      throw new Error('CurrentActor used on a route without an authenticated tenant caller');
    return request.actor;
  },
);
