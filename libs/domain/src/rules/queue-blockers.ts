import { isValidThrough } from './qualification-rules';

/** What a queued work order is waiting for, in words a dispatcher can act on. */
export type BlockerCode =
  | 'scheduled'
  | 'no_unit_of_type'
  | 'no_free_unit'
  | 'no_free_driver'
  | 'no_free_driver_with_qualification'
  | 'no_free_driver_with_all_qualifications';

export interface Blocker {
  code: BlockerCode;
  message: string;
  equipmentTypeId?: string;
  qualificationId?: string;
  qualificationIds?: string[];
  /** For qualification blockers: why the free drivers do not count. */
  reason?: 'nobody_holds' | 'held_only_by_busy_or_off_duty_drivers' | 'expires_before_due';
}

export interface UnitCounts {
  total: number;
  available: number;
  dispatched: number;
  maintenance: number;
}

export interface DriverCapability {
  /** On duty and not on an open dispatch. */
  free: boolean;
  /** qualificationId → expiry date (YYYY-MM-DD). */
  qualifications: ReadonlyMap<string, string>;
}

/** The tenant's capacity at one moment: read once, then used to explain every queued order. */
export interface CapacitySnapshot {
  unitsByType: ReadonlyMap<string, UnitCounts>;
  drivers: readonly DriverCapability[];
  typeLabel: (equipmentTypeId: string) => string;
  qualificationLabel: (qualificationId: string) => string;
}

export interface OrderNeeds {
  equipmentTypeId: string;
  requiredQualificationIds: readonly string[];
  /** Calendar date the qualifications must still be valid on. */
  due: string;
  /** Scheduled work: the moment (ISO 8601) the engine may start dispatching it, if still ahead. */
  notBefore?: string;
}

function holds(driver: DriverCapability, qualificationId: string, due: string): boolean {
  const expiresAt = driver.qualifications.get(qualificationId);
  return expiresAt !== undefined && isValidThrough(expiresAt, due);
}

/** Every reason the order cannot be dispatched now; empty when a unit and a driver are free for it. */
export function explainBlockers(order: OrderNeeds, capacity: CapacitySnapshot): Blocker[] {
  const blockers: Blocker[] = [];
  if (order.notBefore) {
    blockers.push({
      code: 'scheduled',
      message: `Scheduled: dispatched automatically from ${order.notBefore}`,
    });
  }
  const type = capacity.typeLabel(order.equipmentTypeId);
  const units = capacity.unitsByType.get(order.equipmentTypeId);
  if (!units || units.total === 0) {
    blockers.push({
      code: 'no_unit_of_type',
      equipmentTypeId: order.equipmentTypeId,
      message: `No unit of type ${type} is in service`,
    });
  } else if (units.available === 0) {
    blockers.push({
      code: 'no_free_unit',
      equipmentTypeId: order.equipmentTypeId,
      message: `No free unit of type ${type} (${units.dispatched} dispatched, ${units.maintenance} in maintenance)`,
    });
  }

  const free = capacity.drivers.filter((driver) => driver.free);
  if (free.length === 0) {
    blockers.push({ code: 'no_free_driver', message: 'No driver is on duty and free' });
    return blockers;
  }
  let eachCovered = true;
  for (const qualificationId of order.requiredQualificationIds) {
    if (free.some((driver) => holds(driver, qualificationId, order.due))) continue;
    eachCovered = false;
    const label = capacity.qualificationLabel(qualificationId);
    const reason = free.some((driver) => driver.qualifications.has(qualificationId))
      ? 'expires_before_due'
      : capacity.drivers.some((driver) => holds(driver, qualificationId, order.due))
        ? 'held_only_by_busy_or_off_duty_drivers'
        : 'nobody_holds';
    const detail = {
      expires_before_due: `free drivers holding ${label} have certificates that expire before ${order.due}`,
      held_only_by_busy_or_off_duty_drivers: `every driver holding a valid ${label} is busy or off duty`,
      nobody_holds: `no driver holds a valid ${label}`,
    }[reason];
    blockers.push({
      code: 'no_free_driver_with_qualification',
      qualificationId,
      reason,
      message: `No free driver with ${label}: ${detail}`,
    });
  }
  if (
    eachCovered &&
    order.requiredQualificationIds.length > 1 &&
    !free.some((driver) =>
      order.requiredQualificationIds.every((id) => holds(driver, id, order.due)),
    )
  ) {
    blockers.push({
      code: 'no_free_driver_with_all_qualifications',
      qualificationIds: [...order.requiredQualificationIds],
      message: `No free driver holds all of ${order.requiredQualificationIds.map(capacity.qualificationLabel).join(', ')} at once`,
    });
  }
  return blockers;
}
