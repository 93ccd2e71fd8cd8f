import type { QueryFailedError } from 'typeorm';
import { problemType, type ProblemDetails } from './problem';

export interface PgError {
  code?: string;
  message?: string;
  detail?: string;
  constraint?: string;
  table?: string;
  column?: string;
}

/**
 * The constraint a refused write broke. On Citus, a worker's error reaches the coordinator's
 * client without its fields (no `constraint`, `table`, `column`) and its message names the
 * shard's constraint: the logical name plus `_<shard id>` (`work_orders_external_ref_open_unique_102042`).
 * So the field is taken when there is one, and otherwise the name in the message, less the
 * shard suffix.
 */
export function violatedConstraint(pg: PgError): string | undefined {
  if (pg.constraint) return pg.constraint;
  const named = /constraint "([^"]+)"/.exec(pg.message ?? '')?.[1];
  return named?.replace(/_\d+$/, '');
}

/** The column of a not-null violation (the field, or on Citus the message). */
function nullColumn(pg: PgError): string | undefined {
  return pg.column ?? /^null value in column "([^"]+)"/.exec(pg.message ?? '')?.[1];
}

function camelCase(column: string): string {
  return column.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

/**
 * The database is the last line of defence: when it refuses a write the code did not foresee
 * (two concurrent requests racing for the same unique code, say), the caller gets a clear 409 or
 * 400 rather than a 500.
 */
export function problemFromDatabaseError(error: QueryFailedError): ProblemDetails | undefined {
  const pg = error.driverError as PgError;
  switch (pg.code) {
    case '23505': {
      const columns = /^Key \(([^)]+)\)=/.exec(pg.detail ?? '')?.[1];
      const fields = columns
        ?.split(', ')
        .map((column) => ({ field: camelCase(column), message: 'is already taken' }));
      return {
        type: problemType('conflict'),
        title: 'Conflict',
        status: 409,
        detail: columns
          ? `A record with this ${columns.split(', ').map(camelCase).join(', ')} already exists`
          : 'Duplicate record',
        constraint: violatedConstraint(pg),
        ...(fields ? { errors: fields } : {}),
      };
    }
    case '23503':
      return {
        type: problemType('conflict'),
        title: 'Conflict',
        status: 409,
        detail:
          'The record is referenced by, or refers to, another record that prevents this change',
        constraint: violatedConstraint(pg),
      };
    case '23502': {
      const column = nullColumn(pg);
      return {
        type: problemType('validation'),
        title: 'Invalid request',
        status: 400,
        detail: 'A required value is missing',
        ...(column ? { errors: [{ field: camelCase(column), message: 'must not be null' }] } : {}),
      };
    }
    case '23514':
    case '22P02':
    case '22001':
    case '22003':
    case '22007':
    case '22008':
    case '22023': // e.g. a time zone the database does not know
      return {
        type: problemType('validation'),
        title: 'Invalid request',
        status: 400,
        detail: 'A value is out of range or malformed',
        constraint: violatedConstraint(pg),
      };
    case '40001':
    case '40P01':
      return {
        type: problemType('retry'),
        title: 'Concurrent update',
        status: 409,
        detail: 'The request collided with a concurrent change; retry it',
      };
    default:
      return undefined;
  }
}

/** SQLSTATEs of a server that is gone, going or full: the request may succeed when retried. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '58030']);
/** Socket errors of a server that cannot be reached. */
const UNREACHABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  // A write on a socket the server has just closed, before the client noticed.
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
]);
/** pg-pool's answer when no connection became free in time (DATABASE_POOL_WAIT_SECONDS). */
const POOL_WAIT_EXCEEDED = /timeout exceeded when trying to connect/;
/** What node-postgres says when its connection died or never came (it sets no code then). */
const UNREACHABLE_MESSAGES = [
  /^Connection terminated/,
  /^timeout expired$/,
  POOL_WAIT_EXCEEDED,
  /Client has encountered a connection error and is not queryable/,
  /Client was closed and is not queryable/,
  /Connection is not established/,
];

/**
 * Whether an error means PostgreSQL cannot be reached or is shutting down (rather than refusing
 * this request): a connection exception (SQLSTATE class 08), a terminated session, too many
 * connections, a refused or broken socket. TypeORM wraps the driver's error (`driverError`) and
 * pg-pool may wrap it again (`cause`): the whole chain is looked at.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 4; depth += 1) {
    if (typeof current !== 'object') return false;
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || UNREACHABLE_ERRNOS.has(code))
        return true;
    }
    if (
      typeof message === 'string' &&
      UNREACHABLE_MESSAGES.some((pattern) => pattern.test(message))
    )
      return true;
    const next = current as { driverError?: unknown; cause?: unknown; errors?: unknown[] };
    // An AggregateError (a refused connection to each of localhost's addresses) holds the errnos.
    current = next.driverError ?? next.cause ?? next.errors?.[0];
  }
  return false;
}

/**
 * Whether the query never got a connection because every one stayed busy for the pool's whole
 * wait: the database answers, the instance has more work than connections.
 */
export function isDatabaseBusy(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 4; depth += 1) {
    if (typeof current !== 'object') return false;
    const { message } = current as { message?: unknown };
    if (typeof message === 'string' && POOL_WAIT_EXCEEDED.test(message)) return true;
    const next = current as { driverError?: unknown; cause?: unknown };
    current = next.driverError ?? next.cause;
  }
  return false;
}

/**
 * The error chain behind a 503, innermost last, as `code: message` per link (TypeORM's wrapper,
 * the driver's error, pg-pool's cause): which one it was, for whoever reads the debug log — a
 * server's SQLSTATE (53300 too many connections …) or the pool's own "timeout exceeded when
 * trying to connect" (every connection busy for longer than the wait allowed).
 */
export function describeDatabaseError(error: unknown): string {
  const links: string[] = [];
  for (let current = error, depth = 0; current && depth < 4; depth += 1) {
    if (typeof current !== 'object') {
      links.push(String(current));
      break;
    }
    const { code, message } = current as { code?: unknown; message?: unknown };
    links.push(
      `${typeof code === 'string' ? code : '-'}: ${typeof message === 'string' ? message : '-'}`,
    );
    const next = current as { driverError?: unknown; cause?: unknown; errors?: unknown[] };
    const following = next.driverError ?? next.cause ?? next.errors?.[0];
    if (following === current) break;
    current = following;
  }
  return links.join(' ← ');
}

export function databaseBusyProblem(
  retryAfterSeconds: number,
  waitSeconds: number,
): ProblemDetails {
  return {
    type: problemType('database-busy'),
    title: 'Service unavailable',
    status: 503,
    detail: `Every database connection of this instance stayed busy for ${waitSeconds} s; retry after ${retryAfterSeconds} s (with the same Idempotency-Key, a write is then done exactly once).`,
    retryAfterSeconds,
  };
}

export function databaseUnavailableProblem(retryAfterSeconds: number): ProblemDetails {
  return {
    type: problemType('database-unavailable'),
    title: 'Service unavailable',
    status: 503,
    detail: `The database cannot be reached at the moment; retry after ${retryAfterSeconds} s (with the same Idempotency-Key, a write is then done exactly once).`,
    retryAfterSeconds,
  };
}
