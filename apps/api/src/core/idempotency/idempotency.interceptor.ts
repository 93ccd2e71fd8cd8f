import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  Logger,
  type NestInterceptor,
} from '@nestjs/common';
import { DomainError } from '@dispatch/domain';
import type { Request, Response } from 'express';
import { catchError, from, mergeMap, Observable, of } from 'rxjs';
import type { Actor } from '../auth/actor';
import { RequestValidationException } from '../errors/validation';
import { withIdempotencyClaim, type IdempotencyClaim } from './idempotency-context';
import {
  IDEMPOTENCY_LEASE_SECONDS,
  IdempotencyKeys,
  requestFingerprint,
} from './idempotency.service';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Marks an answer replayed from a key's first use. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';
const KEYED_METHODS = new Set(['POST', 'PATCH', 'PUT']);
/** Printable ASCII, at most 255 characters; a Structured Field string's quotes are dropped. */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

function keyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const raw = (Array.isArray(header) ? header.join(',') : header).trim();
  const key = /^"(.*)"$/.exec(raw)?.[1] ?? raw;
  if (!KEY_PATTERN.test(key)) {
    throw new RequestValidationException([
      {
        field: 'Idempotency-Key',
        message: 'must be 1 to 255 printable ASCII characters (a UUID is a good choice)',
      },
    ]);
  }
  return key;
}

/**
 * `Idempotency-Key` on POST, PATCH and PUT (IETF draft "The Idempotency-Key HTTP Header
 * Field"): the request runs at most once per tenant and key. A retry with the same key and request
 * gets the first answer again (status, body, Location) with `Idempotent-Replayed: true`; the same
 * key with another request 422; a retry while the first is still running 409 with Retry-After.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);

  constructor(private readonly keys: IdempotencyKeys) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const response = context.switchToHttp().getResponse<Response>();
    if (!KEYED_METHODS.has(request.method)) return next.handle();
    const key = keyOf(request.headers[IDEMPOTENCY_KEY_HEADER]);
    const actor = request.actor;
    if (!key || !actor) return next.handle();
    const fingerprint = requestFingerprint({
      method: request.method,
      path: request.originalUrl.split('?')[0] ?? '',
      subject: actor.subject,
      body: request.body as unknown,
    });
    return from(this.keys.begin(actor, key, fingerprint)).pipe(
      mergeMap((decision) => {
        switch (decision.kind) {
          case 'mismatch':
            throw new DomainError(
              'IDEMPOTENCY_KEY_REUSED',
              'This Idempotency-Key was used for a different request; use a new key for a new request',
            );
          case 'in_progress':
            throw new DomainError(
              'REQUEST_IN_PROGRESS',
              'A request with this Idempotency-Key is still being processed; retry shortly',
              { retryAfterSeconds: 1, leaseSeconds: IDEMPOTENCY_LEASE_SECONDS },
            );
          case 'replay':
            // Without a recorded answer (the first attempt died after committing), the route's status.
            if (decision.status !== null) response.status(decision.status);
            response.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
            if (decision.location) response.setHeader('Location', decision.location);
            return of(decision.body);
          case 'run':
            return this.run(actor, key, decision.claim, response, next);
        }
      }),
    );
  }

  private run(
    actor: Actor,
    key: string,
    claimId: string,
    response: Response,
    next: CallHandler,
  ): Observable<unknown> {
    const claim: IdempotencyClaim = { key, claim: claimId, committed: false };
    const handled = new Observable<unknown>((subscriber) =>
      withIdempotencyClaim(claim, () => next.handle().subscribe(subscriber)),
    );
    return handled.pipe(
      // Nest set the route's status before interceptors run; a handler may have changed it (an
      // upsert's 201 or 200) and set a Location.
      mergeMap(async (body) => {
        const location = response.getHeader('Location');
        await this.keys.complete(actor, key, claimId, {
          status: response.statusCode,
          location: typeof location === 'string' ? location : null,
          body,
        });
        return body;
      }),
      catchError(async (error: unknown) => {
        // Nothing committed: the key is free again, so the client may simply retry.
        if (!claim.committed) await this.release(actor, key, claimId);
        throw error;
      }),
    );
  }

  /**
   * Frees the key of work that did not commit. When that fails too (the database went away
   * mid-request), it is tried again every second until it works or the claim's lease has run out
   * anyway, so a client retrying after an outage is not told "in progress" for the whole lease.
   * Only this claim, and only if its work did not commit after all, is released.
   */
  private async release(actor: Actor, key: string, claimId: string, attempt = 1): Promise<void> {
    try {
      await this.keys.release(actor, key, claimId);
    } catch (error) {
      if (attempt === 1) this.logger.warn(`Idempotency-Key not released yet: ${String(error)}`);
      if (attempt >= IDEMPOTENCY_LEASE_SECONDS) return;
      setTimeout(() => void this.release(actor, key, claimId, attempt + 1), 1_000).unref();
    }
  }
}
