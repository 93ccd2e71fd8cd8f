import { queryDatabase } from './database';

/**
 * The engine's promises, checked directly in PostgreSQL. Each query returns the rows that break a
 * promise, so an empty result everywhere means the tenant is consistent.
 */
const CHECKS: Record<string, string> = {
  'a unit in two open dispatches': `
    SELECT equipment_id FROM dispatches WHERE status IN ('assigned','acknowledged','en_route','on_site')
    GROUP BY equipment_id HAVING count(*) > 1`,
  'a driver in two open dispatches': `
    SELECT driver_id FROM dispatches WHERE status IN ('assigned','acknowledged','en_route','on_site')
    GROUP BY driver_id HAVING count(*) > 1`,
  'a work order in two open dispatches': `
    SELECT work_order_id FROM dispatches WHERE status IN ('assigned','acknowledged','en_route','on_site')
    GROUP BY work_order_id HAVING count(*) > 1`,
  'a unit whose status disagrees with its dispatches': `
    SELECT e.id, e.status FROM equipment e
     WHERE (e.status = 'dispatched') <> EXISTS (SELECT 1 FROM dispatches d WHERE d.equipment_id = e.id AND d.status IN ('assigned','acknowledged','en_route','on_site'))`,
  'a driver whose active dispatch disagrees with its dispatches': `
    SELECT dr.id FROM drivers dr
     WHERE dr.active_dispatch_id IS DISTINCT FROM (SELECT d.id FROM dispatches d WHERE d.driver_id = dr.id AND d.status IN ('assigned','acknowledged','en_route','on_site'))`,
  'a work order whose status disagrees with its dispatches': `
    SELECT wo.id, wo.status FROM work_orders wo
     WHERE (wo.status = 'dispatched') <> EXISTS (SELECT 1 FROM dispatches d WHERE d.work_order_id = wo.id AND d.status IN ('assigned','acknowledged','en_route','on_site'))`,
  'an open dispatch on a unit in maintenance or retired, or a driver off duty': `
    SELECT d.id FROM dispatches d JOIN equipment e ON e.id = d.equipment_id JOIN drivers dr ON dr.id = d.driver_id
     WHERE d.status IN ('assigned','acknowledged','en_route','on_site') AND (e.status <> 'dispatched' OR dr.duty_status <> 'on_duty')`,
  'a queued order that a free unit and a free qualified driver could serve (a missed wake-up)': `
    SELECT wo.id FROM work_orders wo
     WHERE wo.status = 'queued' AND wo.window_start IS NULL
       AND EXISTS (SELECT 1 FROM equipment e WHERE e.equipment_type_id = wo.equipment_type_id AND e.status = 'available')
       AND EXISTS (
         SELECT 1 FROM drivers dr
          WHERE dr.duty_status = 'on_duty' AND dr.active_dispatch_id IS NULL
            AND NOT EXISTS (
              SELECT q.id FROM (
                SELECT qualification_id AS id FROM equipment_type_required_qualifications WHERE equipment_type_id = wo.equipment_type_id
                UNION SELECT qualification_id FROM work_order_required_qualifications WHERE work_order_id = wo.id) q
               WHERE NOT EXISTS (SELECT 1 FROM driver_qualifications h WHERE h.driver_id = dr.id AND h.qualification_id = q.id AND h.expires_at >= current_date)))`,
};

export async function invariantViolations(
  databaseUrl: string,
  tenant = 'acme',
): Promise<Record<string, unknown[]>> {
  const violations: Record<string, unknown[]> = {};
  for (const [promise, sql] of Object.entries(CHECKS)) {
    const rows = await queryDatabase(databaseUrl, sql, [], { searchPath: `tenant_${tenant}` });
    if (rows.length > 0) violations[promise] = rows;
  }
  return violations;
}
