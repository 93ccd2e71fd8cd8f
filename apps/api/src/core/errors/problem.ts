import type { DomainErrorCode, FieldProblem } from '@dispatch/domain';

/** RFC 9457 problem details, as every error of the API is answered. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  /** Field-level problems of a request that failed validation. */
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(slug: string): string {
  return `urn:dispatch:problem:${slug}`;
}

/** Each domain error code answers exactly one HTTP status; the compiler keeps this exhaustive. */
export const DOMAIN_ERROR_STATUS: Record<
  DomainErrorCode,
  { status: number; title: string; slug: string }
> = {
  VALIDATION: { status: 400, title: 'Invalid request', slug: 'validation' },
  NOT_FOUND: { status: 404, title: 'Not found', slug: 'not-found' },
  CONFLICT: { status: 409, title: 'Conflict', slug: 'conflict' },
  ILLEGAL_TRANSITION: {
    status: 409,
    title: 'Illegal status transition',
    slug: 'illegal-transition',
  },
  FORBIDDEN: { status: 403, title: 'Forbidden', slug: 'forbidden' },
  TENANT_UNKNOWN: { status: 403, title: 'Organization not provisioned', slug: 'tenant-unknown' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    title: 'Idempotency-Key reused',
    slug: 'idempotency-key-reused',
  },
  REQUEST_IN_PROGRESS: { status: 409, title: 'Request in progress', slug: 'request-in-progress' },
  LAST_ADMIN: { status: 409, title: 'Last admin', slug: 'last-admin' },
};
