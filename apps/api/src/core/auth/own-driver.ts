import type { Actor } from './actor';

/**
 * SQL (for a query builder) matching the driver records of the calling user: bound to its Keycloak
 * subject, or not yet bound and carrying its username (bound on first use of `GET /drivers/me`).
 */
export function ownDriverFilter(actor: Pick<Actor, 'subject' | 'name'>): {
  sql: string;
  params: Record<string, string>;
} {
  return {
    sql: '(SELECT own.id FROM drivers own WHERE own.keycloak_subject = :ownSubject OR (own.keycloak_subject IS NULL AND own.username = :ownUsername))',
    params: { ownSubject: actor.subject, ownUsername: actor.name },
  };
}
