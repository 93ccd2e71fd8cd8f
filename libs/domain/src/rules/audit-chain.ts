import { createHash } from 'node:crypto';

/** The hash the first seal of a tenant's chain links to. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an audit event the chain vouches for, as read back from the database. */
export interface ChainedEvent {
  id: string;
  occurredAt: string;
  actorSubject: string;
  actorName: string;
  actorRole: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  /** Present on events of the event spine (written with a typed payload). */
  actorKind?: string | null;
  payload?: unknown;
}

/** JSON with object keys sorted at every depth: the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Seal n covers its position, its event and seal n-1: changing any event or seal breaks every later link. */
export function sealHash(previousHash: string, seq: number | bigint, event: ChainedEvent): string {
  return createHash('sha256')
    .update(`${previousHash}\n${seq}\n${canonicalJson(event)}`)
    .digest('hex');
}
