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

/** 2^32: a transaction id in `pg_locks` is the low 32 bits of the 64-bit id. */
const XID_SPAN = 4294967296;

/**
 * The feed's horizon (as bigint): every change below it is committed (or rolled back) for good
 * and visible to any snapshot taken after it was read.
 *
 * It is the lowest transaction id still running when the statement's snapshot was taken, lowered
 * to the id of any transaction below that which still holds the lock on its own id. A transaction
 * leaves the snapshot's running set when its commit record is written, but holds that lock until
 * its commit has run to the end, after the commit callbacks. On Citus those callbacks are where a
 * two-phase commit is finished on the worker (`COMMIT PREPARED`): until then the worker's
 * snapshots do not see the change, though its id has left the coordinator's snapshot. (Citus
 * commits most business transactions in two phases: any that copies rows into a distributed
 * table does, as appending audit events does.) Read in the same statement after the snapshot, the
 * locks show every transaction below the snapshot's xmin that has not yet finished.
 *
 * A lock's 32-bit id is placed below the xmin by its distance behind it (1 to 2^31 - 1; a running
 * transaction's id is at or above the xmin, so its distance falls outside that range).
 *
 * Not covered: a worker that fails between PREPARE and COMMIT PREPARED. Citus's recovery commits
 * the prepared transaction later (within a minute), when the coordinator's transaction holds no
 * lock any more, so that change may land behind a cursor handed out meanwhile. Covering it would
 * mean reading every worker's prepared transactions on each page.
 */
export const CHANGE_HORIZON_SQL = `(SELECT least(h.xmin, min(h.xmin - finishing.behind))
    FROM (SELECT (pg_snapshot_xmin(pg_current_snapshot())::text)::bigint AS xmin) h
    LEFT JOIN LATERAL (
      SELECT (h.xmin % ${XID_SPAN} - (l.transactionid::text)::bigint + ${XID_SPAN}) % ${XID_SPAN} AS behind
        FROM pg_locks l
       WHERE l.locktype = 'transactionid' AND l.mode = 'ExclusiveLock' AND l.granted
    ) finishing ON finishing.behind BETWEEN 1 AND ${XID_SPAN / 2 - 1}
   GROUP BY h.xmin)`;

/** The partial unique index that refuses a second open order with the same externalRef. */
export const WORK_ORDER_OPEN_EXTERNAL_REF_INDEX = 'work_orders_external_ref_open_unique';
