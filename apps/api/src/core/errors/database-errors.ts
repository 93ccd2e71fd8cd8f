import type { QueryFailedError } from 'typeorm';
import { problemType, type ProblemDetails } from './problem';

interface PgError {
  code?: string;
  detail?: string;
  constraint?: string;
  table?: string;
  column?: string;
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
        constraint: pg.constraint,
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
        constraint: pg.constraint,
      };
    case '23502':
      return {
        type: problemType('validation'),
        title: 'Invalid request',
        status: 400,
        detail: 'A required value is missing',
        ...(pg.column
          ? { errors: [{ field: camelCase(pg.column), message: 'must not be null' }] }
          : {}),
      };
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
        constraint: pg.constraint,
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
