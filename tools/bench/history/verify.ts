/**
 * Checks a generated history in SQL: what the database's triggers and constraints would have
 * guaranteed (the generator loads with triggers off), and what the reports rely on.
 */
import type { Client } from 'pg';

export interface Check {
  name: string;
  /** Rows that break the rule (0 is a pass), or a count for information. */
  value: number;
  ok: boolean;
}

const RULES: [string, string][] = [
  [
    'unit assignment periods that overlap the previous one',
    `SELECT count(*) FROM (
       SELECT started_at, lag(coalesce(ended_at, 'infinity')) OVER (PARTITION BY equipment_id ORDER BY started_at, id) AS previous_end
         FROM assignment_periods) x WHERE previous_end > started_at`,
  ],
  [
    'driver assignment periods that overlap the previous one',
    `SELECT count(*) FROM (
       SELECT started_at, lag(coalesce(ended_at, 'infinity')) OVER (PARTITION BY driver_id ORDER BY started_at, id) AS previous_end
         FROM assignment_periods) x WHERE previous_end > started_at`,
  ],
  [
    'maintenance or retirement overlapping a dispatch of the same unit',
    `SELECT count(*) FROM equipment_status_periods s
       JOIN assignment_periods p ON p.equipment_id = s.equipment_id
      WHERE tstzrange(p.started_at, p.ended_at, '[)') && tstzrange(s.started_at, s.ended_at, '[)')`,
  ],
  [
    'status periods of a unit that overlap each other',
    `SELECT count(*) FROM (
       SELECT started_at, lag(coalesce(ended_at, 'infinity')) OVER (PARTITION BY equipment_id ORDER BY started_at, id) AS previous_end
         FROM equipment_status_periods) x WHERE previous_end > started_at`,
  ],
  [
    'dispatches whose periods do not match (first start = assigned_at, last end = completed/cancelled)',
    `SELECT count(*) FROM dispatches d
       JOIN (SELECT dispatch_id, min(started_at) AS first_start, count(*) FILTER (WHERE ended_at IS NULL) AS open,
                    max(ended_at) AS last_end
               FROM assignment_periods GROUP BY dispatch_id) p ON p.dispatch_id = d.id
      WHERE p.first_start <> d.assigned_at
         OR (d.status IN ('completed', 'cancelled')) <> (p.open = 0)
         OR (p.open = 0 AND p.last_end <> coalesce(d.completed_at, d.cancelled_at))`,
  ],
  [
    'dispatches without an assignment period',
    `SELECT count(*) FROM dispatches d WHERE NOT EXISTS (SELECT 1 FROM assignment_periods p WHERE p.dispatch_id = d.id)`,
  ],
  [
    'periods whose site, unit or driver differ from the dispatch (but for re-assigned drivers)',
    `SELECT count(*) FROM assignment_periods p JOIN dispatches d ON d.id = p.dispatch_id
       JOIN work_orders o ON o.id = d.work_order_id
      WHERE p.site_id <> o.site_id OR p.equipment_id <> d.equipment_id
         OR (p.end_reason IS DISTINCT FROM 'reassigned' AND p.driver_id <> d.driver_id)`,
  ],
  [
    'work orders whose dispatched_at / on_site_at differ from their dispatch',
    `SELECT count(*) FROM work_orders o LEFT JOIN dispatches d ON d.work_order_id = o.id
      WHERE o.dispatched_at IS DISTINCT FROM d.assigned_at OR o.on_site_at IS DISTINCT FROM d.on_site_at`,
  ],
  [
    'work order status inconsistent with its dispatch',
    `SELECT count(*) FROM work_orders o LEFT JOIN dispatches d ON d.work_order_id = o.id
      WHERE CASE WHEN d.id IS NULL THEN o.status NOT IN ('queued', 'cancelled')
                 WHEN d.status = 'completed' THEN o.status <> 'completed' OR o.completed_at <> d.completed_at
                 WHEN d.status = 'cancelled' THEN o.status <> 'cancelled' OR o.cancelled_at <> d.cancelled_at
                 ELSE o.status <> 'dispatched' END`,
  ],
  [
    'units whose status disagrees with their open dispatch / status period',
    `SELECT count(*) FROM equipment e
      WHERE (e.status = 'dispatched') <> EXISTS (SELECT 1 FROM dispatches d WHERE d.equipment_id = e.id AND d.status NOT IN ('completed', 'cancelled'))
         OR (e.status IN ('maintenance', 'retired')) <> EXISTS (SELECT 1 FROM equipment_status_periods s WHERE s.equipment_id = e.id AND s.ended_at IS NULL AND s.status = e.status)`,
  ],
  [
    'drivers whose active dispatch disagrees with their open dispatch',
    `SELECT count(*) FROM drivers dr
       LEFT JOIN dispatches d ON d.driver_id = dr.id AND d.status NOT IN ('completed', 'cancelled')
      WHERE dr.active_dispatch_id IS DISTINCT FROM d.id`,
  ],
  [
    'dangling references (dispatch → order/unit/driver, period → dispatch/site)',
    `SELECT (SELECT count(*) FROM dispatches d WHERE NOT EXISTS (SELECT 1 FROM work_orders o WHERE o.id = d.work_order_id)
                                              OR NOT EXISTS (SELECT 1 FROM equipment e WHERE e.id = d.equipment_id)
                                              OR NOT EXISTS (SELECT 1 FROM drivers r WHERE r.id = d.driver_id))
          + (SELECT count(*) FROM assignment_periods p WHERE NOT EXISTS (SELECT 1 FROM dispatches d WHERE d.id = p.dispatch_id)
                                                      OR NOT EXISTS (SELECT 1 FROM sites s WHERE s.id = p.site_id))
          + (SELECT count(*) FROM work_orders o WHERE NOT EXISTS (SELECT 1 FROM sites s WHERE s.id = o.site_id)) AS count`,
  ],
  [
    'dispatch steps out of order',
    `SELECT count(*) FROM dispatches
      WHERE acknowledged_at < assigned_at OR en_route_at < acknowledged_at OR on_site_at < en_route_at
         OR completed_at < on_site_at OR cancelled_at < assigned_at OR assigned_at > now()`,
  ],
  [
    'audit events whose id order disagrees with occurred_at',
    `SELECT count(*) FROM (SELECT occurred_at < lag(occurred_at) OVER (ORDER BY id) AS back FROM audit_events) x WHERE back`,
  ],
];

export async function verifyHistory(client: Client): Promise<Check[]> {
  const checks: Check[] = [];
  for (const [name, sql] of RULES) {
    const value = Number((await client.query<{ count: string }>(sql)).rows[0].count);
    checks.push({ name, value, ok: value === 0 });
  }
  return checks;
}

export async function tableCounts(client: Client): Promise<Record<string, number>> {
  const tables = [
    'sites',
    'qualifications',
    'equipment_types',
    'equipment',
    'drivers',
    'driver_qualifications',
    'work_orders',
    'work_order_required_qualifications',
    'dispatches',
    'assignment_periods',
    'equipment_status_periods',
    'audit_events',
  ];
  const { rows } = await client.query<Record<string, string>>(
    `SELECT ${tables.map((table) => `(SELECT count(*) FROM ${table}) AS ${table}`).join(', ')}`,
  );
  return Object.fromEntries(tables.map((table) => [table, Number(rows[0][table])]));
}
