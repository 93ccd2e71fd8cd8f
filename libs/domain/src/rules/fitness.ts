import { DutyStatus, EquipmentStatus } from '../enums';
import { isValidThrough } from './qualification-rules';

/** Why a unit or a driver cannot take a work order: the same rules the engine matches by. */
export interface Conflict {
  field: 'equipmentId' | 'driverId';
  code: string;
  message: string;
}

export interface UnitFacts {
  code: string;
  equipmentTypeId: string;
  status: EquipmentStatus;
  /** The unit is already on the dispatch being re-assigned (so `dispatched` is no conflict). */
  onOwnDispatch?: boolean;
}

export interface DriverFacts {
  name: string;
  dutyStatus: DutyStatus;
  activeDispatchId: string | null;
  /** qualificationId → expiry date (YYYY-MM-DD). */
  qualifications: ReadonlyMap<string, string>;
}

export interface Requirement {
  id: string;
  code: string;
}

export function unitConflicts(unit: UnitFacts, equipmentTypeId: string): Conflict[] {
  const conflicts: Conflict[] = [];
  if (unit.equipmentTypeId !== equipmentTypeId) {
    conflicts.push({
      field: 'equipmentId',
      code: 'wrong_equipment_type',
      message: `Unit ${unit.code} is not of the equipment type the work order needs`,
    });
  }
  if (unit.status !== EquipmentStatus.Available && !unit.onOwnDispatch) {
    conflicts.push({
      field: 'equipmentId',
      code: `unit_${unit.status}`,
      message: `Unit ${unit.code} is ${unit.status}`,
    });
  }
  return conflicts;
}

export function driverConflicts(
  driver: DriverFacts,
  requirements: readonly Requirement[],
  due: string,
  ownDispatchId?: string,
): Conflict[] {
  const conflicts: Conflict[] = [];
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
  for (const requirement of requirements) {
    const expiresAt = driver.qualifications.get(requirement.id);
    if (expiresAt === undefined) {
      conflicts.push({
        field: 'driverId',
        code: 'missing_qualification',
        message: `${driver.name} does not hold ${requirement.code}`,
      });
    } else if (!isValidThrough(expiresAt, due)) {
      conflicts.push({
        field: 'driverId',
        code: 'qualification_expires',
        message: `${driver.name}'s ${requirement.code} expires ${expiresAt}, before the work is due (${due})`,
      });
    }
  }
  return conflicts;
}
