/**
 * The change feed's cursor: a position `(xid, id)` in the order of changes, opaque to clients
 * (base64url of `c1:<xid>:<id>`). It says where a walk stands, nothing else: a forged cursor only
 * moves its holder's own walk.
 */
export interface ChangePosition {
  /** The 64-bit id of the transaction of the last change passed. */
  xid: bigint;
  /** The work order of that change (ties within one transaction are ordered by id). */
  id: string;
}

/** Above every order id: `(xid, AFTER_EVERY_ID)` is past every change of transaction `xid`. */
export const AFTER_EVERY_ID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

const MAX_XID = 2n ** 63n - 1n;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FORMAT = /^c1:(\d{1,19}):(.{36})$/;

export function encodeChangeCursor(position: ChangePosition): string {
  return Buffer.from(`c1:${position.xid}:${position.id}`, 'utf8').toString('base64url');
}

/** The position a cursor names, or null if this API did not hand it out. */
export function decodeChangeCursor(cursor: string): ChangePosition | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return null;
  const match = FORMAT.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || !UUID.test(match[2])) return null;
  const xid = BigInt(match[1]);
  return xid <= MAX_XID ? { xid, id: match[2] } : null;
}

/** The later of two positions (PostgreSQL orders uuids byte by byte, as their lower-case text). */
export function laterPosition(a: ChangePosition, b: ChangePosition): ChangePosition {
  if (a.xid !== b.xid) return a.xid > b.xid ? a : b;
  return a.id >= b.id ? a : b;
}
