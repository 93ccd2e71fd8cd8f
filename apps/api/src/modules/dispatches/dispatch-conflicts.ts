import {
  Driver,
  dueDate,
  DutyStatus,
  Equipment,
  EquipmentStatus,
  isValidThrough,
  NotFoundError,
  type WorkOrder,
} from '@dispatch/domain';
import type { EntityManager } from 'typeorm';
import type { DispatchConflict } from './dto/dispatch.dto';

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
): Promise<{ conflicts: DispatchConflict[]; unit: Equipment; driver: Driver }> {
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

  const conflicts: DispatchConflict[] = [];
  if (unit.equipmentTypeId !== order.equipmentTypeId) {
    conflicts.push({
      field: 'equipmentId',
      code: 'wrong_equipment_type',
      message: `Unit ${unit.code} is not of the equipment type the work order needs`,
    });
  }
  const ownUnit =
    ownDispatchId !== undefined &&
    unit.status === EquipmentStatus.Dispatched &&
    (await isOnDispatch(manager, 'equipment_id', unit.id, ownDispatchId));
  if (unit.status !== EquipmentStatus.Available && !ownUnit) {
    conflicts.push({
      field: 'equipmentId',
      code: `unit_${unit.status}`,
      message: `Unit ${unit.code} is ${unit.status}`,
    });
  }
  if (driver.dutyStatus !== DutyStatus.OnDuty) {
    conflicts.push({
      field: 'driverId',
      code: 'driver_off_duty',
      message: `${driver.name} is off duty`,
    });
  }
  if (driver.activeDispatchId && driver.activeDispatchId !== ownDispatchId) {
    conflicts.push({
      field: 'driverId',
      code: 'driver_on_another_dispatch',
      message: `${driver.name} is on another open dispatch`,
    });
  }
  const due = dueDate({ windowEnd: order.windowEnd });
  const requirements = (await manager.query(
    `SELECT q.id, q.code, h.expires_at::text AS expires_at
       FROM qualifications q
       LEFT JOIN driver_qualifications h ON h.qualification_id = q.id AND h.driver_id = $3
      WHERE q.id IN (SELECT qualification_id FROM equipment_type_required_qualifications WHERE equipment_type_id = $1
                     UNION SELECT qualification_id FROM work_order_required_qualifications WHERE work_order_id = $2)
      ORDER BY q.code`,
    [order.equipmentTypeId, order.id, driver.id],
  )) as { id: string; code: string; expires_at: string | null }[];
  for (const requirement of requirements) {
    if (requirement.expires_at === null) {
      conflicts.push({
        field: 'driverId',
        code: 'missing_qualification',
        message: `${driver.name} does not hold ${requirement.code}`,
      });
    } else if (!isValidThrough(requirement.expires_at, due)) {
      conflicts.push({
        field: 'driverId',
        code: 'qualification_expires',
        message: `${driver.name}'s ${requirement.code} expires ${requirement.expires_at}, before the work is due (${due})`,
      });
    }
  }
  return { conflicts, unit, driver };
}

async function isOnDispatch(
  manager: EntityManager,
  column: 'equipment_id',
  id: string,
  dispatchId: string,
): Promise<boolean> {
  const rows = (await manager.query(`SELECT 1 FROM dispatches WHERE id = $1 AND ${column} = $2`, [
    dispatchId,
    id,
  ])) as unknown[];
  return rows.length > 0;
}
