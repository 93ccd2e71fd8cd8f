import {
  CanActivate,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
} from '@nestjs/common';
import { SSE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { ROUTE_ACCESS, type RouteAccess } from '../auth/route-access';
import { type CallerClaims, RateLimiter } from './rate-limiter.service';

/** Headers a browser may read across origins (the console is served from its own origin). */
export const RATE_LIMIT_HEADERS = [
  'Retry-After',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
];

/**
 * Counts every authenticated request against its caller and its tenant, right after the token is
 * verified (so a refused role counts too), and answers 429 problem+json with Retry-After once a
 * limit is reached, before any handler runs: a refused request writes nothing. Public routes
 * (health, docs) and the live stream's connection are not counted.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.limiter.enabled || context.getType() !== 'http') return true;
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (access === 'public' || this.reflector.get<boolean>(SSE_METADATA, context.getHandler())) {
      return true;
    }
    const http = context.switchToHttp();
    const claims = http.getRequest<{ user?: CallerClaims }>().user;
    // Unauthenticated requests never get here (AuthGuard answered 401).
    if (!claims?.sub) return true;
    const decision = this.limiter.take(claims);
    if (!decision) return true;
    const response = http.getResponse<Response>();
    response.setHeader('RateLimit-Limit', decision.limit);
    response.setHeader('RateLimit-Remaining', decision.remaining);
    response.setHeader('RateLimit-Reset', decision.resetSeconds);
    if (decision.allowed) return true;
    response.setHeader('Retry-After', decision.resetSeconds);
    const whose = decision.scope === 'client' ? 'this client' : 'the organization';
    throw new HttpException(
      `Rate limit of ${whose} reached (${decision.limit} requests per ${this.limiter.windowSeconds} s); retry after ${decision.resetSeconds} s`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
