/**
 * The product's own statements for one five-step dispatch cycle, as a pgbench script: the same
 * transactions, in the same order, with the same SQL text the API sends (the engine's statements
 * come from `BookingStatements`, the one place they are written), without HTTP, auth or ORM.
 * Keep in step with the services: each block below names the request it stands for.
 */
import { BookingStatements, type QueueTiming } from '@dispatch/domain';

/** pgbench substitutes `:name` textually: each `$n` becomes the SQL literal (or variable) given. */
function inline(sql: string, values: string[]): string {
  return sql.replace(/\$(\d+)/g, (_, index: string) => values[Number(index) - 1]);
}

/** One statement per line, as pgbench reads them (a `\gset` must end the statement's line). */
function statement(sql: string, gset = ''): string {
  return `${sql.replace(/\s*\n\s*/g, ' ').trim()}${gset ? ` ${gset}` : ';'}`;
}

/** TenantDatabase opens a transaction with one message (pgbench joins commands with `\;`). */
const OPEN = `BEGIN \\; SELECT set_config('search_path', '"tenant_acme"', true);`;

/** TenantDatabase sends the outbox insert and COMMIT as one message. */
function commitWith(sql: string): string {
  return `${sql.replace(/\s*\n\s*/g, ' ').trim()} \\; COMMIT;`;
}

/** The outbox insert of EventOutbox.flushStatement, then COMMIT. */
function outbox(events: { action: string; entity: string; id: string; payload: object }[]): string {
  const rows = events.map((event) => ({
    actor_kind: 'person',
    actor_subject: '3f1c2a70-5a9e-4c1b-9d55-2f1e8c0b7a11',
    actor_name: 'acme-dispatcher',
    actor_role: 'dispatcher',
    action: event.action,
    entity_type: event.entity,
    // A pgbench variable (such as :m_id): pgbench substitutes it inside the JSON text too.
    entity_id: event.id,
    payload: event.payload,
    before: { status: 'before' },
    after: { status: 'after' },
    request_id: 'bench-request-0000000000',
  }));
  const json = JSON.stringify(rows).replace(/'/g, "''");
  return commitWith(`INSERT INTO audit_events (actor_kind, actor_subject, actor_name, actor_role, action, entity_type, entity_id, payload, before, after, request_id)
    SELECT actor_kind, actor_subject, actor_name, actor_role, action, entity_type, entity_id, payload, before, after, request_id
      FROM jsonb_to_recordset('${json}'::jsonb) AS x(actor_kind text, actor_subject text, actor_name text, actor_role text, action text,
           entity_type text, entity_id uuid, payload jsonb, before jsonb, after jsonb, request_id text)
     WHERE pg_current_xact_id() IS NOT NULL`);
}

const PARTIES = {
  workOrder: { id: ':m_work_order_id', number: 1234, externalRef: null },
  unit: { id: ':m_unit_id', code: 'B-1' },
  driver: { id: ':m_driver_id', name: 'Bench driver 1' },
};

export function productCycleScript(timing: QueueTiming, siteId: string, typeId: string): string {
  const sql = new BookingStatements(timing);
  const step = (to: string, from: string) =>
    [
      OPEN,
      statement(inline(sql.transition(to), [`':m_id'`, `'${to}'`, `'{${from}}'`, 'NULL', 'NULL'])),
      outbox([
        {
          action: `dispatch.${to}`,
          entity: 'dispatch',
          id: ':m_id',
          payload: { ...PARTIES, dispatch: { id: ':m_id', status: to }, from, at: 'now' },
        },
      ]),
    ].join('\n');
  return [
    // POST /work-orders: the fast path inserts the order already dispatched, in one statement
    `BEGIN \\; SELECT set_config('search_path', '"tenant_acme"', true) \\; ${sql.fastPathSavepoint};`,
    statement(
      inline(sql.createAndMatch, [
        `'Bench'`,
        `'${siteId}'`,
        `'${typeId}'`,
        `'standard'`,
        'NULL',
        'NULL',
        `'3f1c2a70-5a9e-4c1b-9d55-2f1e8c0b7a11'`,
        'NULL',
        'NULL',
        `'{}'`,
        `'auto'`,
      ]),
      '\\gset m_',
    ),
    outbox([
      {
        action: 'work_order.created',
        entity: 'work_order',
        id: ':m_work_order_id',
        payload: { workOrder: { ...PARTIES.workOrder, title: 'Bench', priority: 'standard' } },
      },
      {
        action: 'dispatch.assigned',
        entity: 'dispatch',
        id: ':m_id',
        payload: { ...PARTIES, dispatch: { id: ':m_id', status: 'assigned' }, mode: 'automatic' },
      },
    ]),
    // POST /dispatches/:id/transitions × 3
    step('acknowledged', 'assigned'),
    step('en_route', 'acknowledged'),
    step('on_site', 'en_route'),
    // POST /dispatches/:id/transitions { to: completed }: frees the pair, serves the queue if due work waits
    `BEGIN \\; SELECT set_config('search_path', '"tenant_acme"', true) \\; ${sql.decideShared} \\; ${statement(sql.waitingThenServeLock)}`,
    statement(
      inline(sql.transition('completed'), [
        `':m_id'`,
        `'completed'`,
        `'{on_site}'`,
        'NULL',
        'NULL',
        `'completed'`,
        'NULL', // no completion note
      ]),
    ),
    outbox([
      {
        action: 'dispatch.completed',
        entity: 'dispatch',
        id: ':m_id',
        payload: { ...PARTIES, dispatch: { id: ':m_id', status: 'completed' }, from: 'on_site' },
      },
      {
        action: 'work_order.completed',
        entity: 'work_order',
        id: ':m_work_order_id',
        payload: { workOrder: PARTIES.workOrder, dispatchId: ':m_id' },
      },
    ]),
    '',
  ].join('\n');
}
