import {
  type Conflict,
  Driver,
  driverConflicts,
  dueDate,
  Equipment,
  NotFoundError,
  type Requirement,
  requiredQualificationsSql,
  unitConflicts,
  type WorkOrder,
} from '@dispatch/domain';
import type { EntityManager } from 'typeorm';

/** Every qualification a driver of this order must hold: the type's and the order's own. */
export async function requirementsOf(
  manager: EntityManager,
  order: Pick<WorkOrder, 'id'>,
): Promise<Requirement[]> {
  return (await manager.query(
    `SELECT q.id, q.code
       FROM work_orders wo
      CROSS JOIN LATERAL unnest(${requiredQualificationsSql('wo')}) AS needed(id)
       JOIN qualifications q ON q.id = needed.id
      WHERE wo.id = $1
      ORDER BY q.code`,
    [order.id],
  )) as Requirement[];
}

/** qualificationId → expiry date, per driver. */
export async function heldQualifications(
  manager: EntityManager,
  driverIds: string[],
): Promise<Map<string, Map<string, string>>> {
  const rows = (await manager.query(
    `SELECT driver_id, qualification_id, expires_at::text AS expires_at FROM driver_qualifications WHERE driver_id = ANY($1::uuid[])`,
    [driverIds],
  )) as { driver_id: string; qualification_id: string; expires_at: string }[];
  const held = new Map<string, Map<string, string>>(driverIds.map((id) => [id, new Map()]));
  for (const row of rows) held.get(row.driver_id)?.set(row.qualification_id, row.expires_at);
  return held;
}

/**
 * Checks a unit and a driver a person chose for a work order against the same rules the engine
 * applies, locking both rows. Returns every conflict, so the 409 tells the dispatcher all that is
 * wrong at once. `ownDispatchId` is the dispatch being re-assigned: its own unit and driver are not
 * conflicts.
 */
export async function lockAndCheckPair(
  manager: EntityManager,
  order: WorkOrder,
  choice: { equipmentId: string; driverId: string },
  ownDispatchId?: string,
): Promise<{ conflicts: Conflict[]; unit: Equipment; driver: Driver }> {
  const unit = await manager.findOne(Equipment, {
    where: { id: choice.equipmentId },
    lock: { mode: 'pessimistic_write' },
  });
  if (!unit) throw new NotFoundError('Equipment', choice.equipmentId, 'equipmentId');
  const driver = await manager.findOne(Driver, {
    where: { id: choice.driverId },
    lock: { mode: 'pessimistic_write' },
  });
  if (!driver) throw new NotFoundError('Driver', choice.driverId, 'driverId');
  const onOwnDispatch =
    ownDispatchId !== undefined &&
    (
      (await manager.query(`SELECT 1 FROM dispatches WHERE id = $1 AND equipment_id = $2`, [
        ownDispatchId,
        unit.id,
      ])) as unknown[]
    ).length > 0;
  const held = await heldQualifications(manager, [driver.id]);
  const conflicts = [
    ...unitConflicts({ ...unit, onOwnDispatch }, order.equipmentTypeId),
    ...driverConflicts(
      { ...driver, qualifications: held.get(driver.id) ?? new Map() },
      await requirementsOf(manager, order),
      dueDate({ windowEnd: order.windowEnd }),
      ownDispatchId,
    ),
  ];
  return { conflicts, unit, driver };
}
