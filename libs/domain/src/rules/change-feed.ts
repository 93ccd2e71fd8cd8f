/**
 * The work orders' change feed (the ERP's incremental sync), as SQL that every writer and the
 * reader share.
 *
 * Each work order row carries `change_xid`: the 64-bit id of the transaction that last changed
 * what the API shows of it (as `pg_current_xact_id()` gives it, stored as bigint). A reader walks
 * the rows in `(change_xid, id)` order and takes only rows whose `change_xid` is below the xmin of
 * its own snapshot (`CHANGE_HORIZON_SQL`): every transaction with a smaller id has ended, and every
 * transaction that could still commit has an id at or above it, so no change can ever land behind
 * a position the reader has passed, however long its writer kept the transaction open.
 * `updated_at` cannot give that promise: it is the transaction's start time, so a transaction that
 * started before a reader's page and committed after it would land behind the reader's cursor.
 *
 * The rule for writers: a statement that sets `updated_at` of a work order also sets
 * `change_xid = CURRENT_CHANGE_XID_SQL`; an insert gets it by default. No trigger does it (see
 * DESIGN "Domain events"); `change-feed.spec.ts` checks the engine's statements.
 */

/** The current transaction's id (assigned now if it has none yet), as bigint. */
export const CURRENT_CHANGE_XID_SQL = 'current_change_xid()';

/**
 * The lowest transaction id still running when the statement's snapshot was taken (as bigint):
 * every change below it is committed (or rolled back) for good.
 */
export const CHANGE_HORIZON_SQL = '(pg_snapshot_xmin(pg_current_snapshot())::text)::bigint';

/** The partial unique index that refuses a second open order with the same externalRef. */
export const WORK_ORDER_OPEN_EXTERNAL_REF_INDEX = 'work_orders_external_ref_open_unique';
