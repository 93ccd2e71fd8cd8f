import { PLATFORM_SCHEMA, Priority } from '@dispatch/domain';
import { escapeIdentifier } from 'pg';

export type WebhookBacklogState = 'pending' | 'retrying';

/** What waits, summed over every tenant. */
export interface Backlog {
  /** Work orders in the queue (scheduled ones included), by priority. */
  queued: Record<Priority, number>;
  /** Outbox events not yet fanned out to the webhook subscriptions (tenants that have some). */
  outbox: number;
  /** Webhook deliveries not yet delivered: never tried yet, or tried and failed. */
  webhooks: Record<WebhookBacklogState, number>;
}

export interface BacklogRow {
  metric: string;
  label: string | null;
  value: number;
}

export const TENANT_SCHEMAS_SQL = `SELECT schema_name FROM ${escapeIdentifier(PLATFORM_SCHEMA)}.organizations`;

export function emptyBacklog(): Backlog {
  return {
    queued: Object.fromEntries(Object.values(Priority).map((priority) => [priority, 0])) as Record<
      Priority,
      number
    >,
    outbox: 0,
    webhooks: { pending: 0, retrying: 0 },
  };
}

function tenantBacklogSql(schemaName: string): string {
  const schema = escapeIdentifier(schemaName);
  return `SELECT 'queued' AS metric, priority::text AS label, count(*) AS value
      FROM ${schema}.work_orders WHERE status = 'queued' GROUP BY priority
    UNION ALL
    -- The delivery worker fans out (and moves webhook_fanout) only for tenants with subscriptions.
    SELECT 'outbox', NULL, count(*) FROM ${schema}.audit_events
     WHERE id > (SELECT position FROM ${schema}.webhook_fanout)
       AND EXISTS (SELECT 1 FROM ${schema}.webhook_subscriptions)
    UNION ALL
    -- A recorded attempt (its duration) on a delivery still pending is a failed one.
    SELECT 'webhooks', CASE WHEN last_duration_ms IS NULL THEN 'pending' ELSE 'retrying' END, count(*)
      FROM ${schema}.webhook_deliveries WHERE status = 'pending' GROUP BY 2`;
}

/** One statement for every tenant's backlog, summed per metric and label; null without tenants. */
export function backlogSql(schemaNames: readonly string[]): string | null {
  if (schemaNames.length === 0) return null;
  return `SELECT metric, label, sum(value)::float8 AS value FROM (
    ${schemaNames.map(tenantBacklogSql).join('\n    UNION ALL\n    ')}
  ) AS per_tenant GROUP BY metric, label`;
}

export function backlogOf(rows: readonly BacklogRow[]): Backlog {
  const backlog = emptyBacklog();
  for (const { metric, label, value } of rows) {
    if (metric === 'queued' && label !== null && label in backlog.queued)
      backlog.queued[label as Priority] = value;
    else if (metric === 'outbox') backlog.outbox = value;
    else if (metric === 'webhooks' && (label === 'pending' || label === 'retrying'))
      backlog.webhooks[label] = value;
  }
  return backlog;
}
