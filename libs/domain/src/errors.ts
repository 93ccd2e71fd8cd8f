/**
 * Errors the domain raises. The API maps each code to one HTTP status in one place;
 * this library never speaks HTTP.
 */
export type DomainErrorCode =
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'ILLEGAL_TRANSITION'
  | 'TENANT_UNKNOWN'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'REQUEST_IN_PROGRESS'
  | 'LAST_ADMIN';

export interface FieldProblem {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: { fields?: FieldProblem[]; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class NotFoundError extends DomainError {
  constructor(entity: string, id: string, field?: string) {
    super('NOT_FOUND', `${entity} ${id} does not exist`, {
      entity,
      id,
      ...(field ? { fields: [{ field, message: `${entity} ${id} does not exist` }] } : {}),
    });
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('CONFLICT', message, details);
  }
}

/** A change that would leave the organization without an enabled admin (no one could administer it). */
export class LastAdminError extends DomainError {
  constructor(username: string, change: 'disable' | 'demote') {
    super(
      'LAST_ADMIN',
      `${username} is the organization's last enabled admin: make another user admin before you ${change} ${username}`,
      { username },
    );
  }
}
