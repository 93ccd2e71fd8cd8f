/** Realm roles of the `dispatch` Keycloak realm. */
export enum Role {
  Admin = 'admin',
  Dispatcher = 'dispatcher',
  Driver = 'driver',
  Viewer = 'viewer',
}

export enum EquipmentStatus {
  Available = 'available',
  Dispatched = 'dispatched',
  Maintenance = 'maintenance',
  Retired = 'retired',
}

export enum DutyStatus {
  OnDuty = 'on_duty',
  OffDuty = 'off_duty',
}

/** Served in this order: emergency first, low last. */
export enum Priority {
  Emergency = 'emergency',
  Urgent = 'urgent',
  Standard = 'standard',
  Low = 'low',
}

export enum WorkOrderStatus {
  Queued = 'queued',
  Dispatched = 'dispatched',
  Completed = 'completed',
  Cancelled = 'cancelled',
}

/** Statuses in which a work order is open: its externalRef names it and no other order. */
export const OPEN_WORK_ORDER_STATUSES: readonly WorkOrderStatus[] = [
  WorkOrderStatus.Queued,
  WorkOrderStatus.Dispatched,
];

export enum DispatchStatus {
  Assigned = 'assigned',
  Acknowledged = 'acknowledged',
  EnRoute = 'en_route',
  OnSite = 'on_site',
  Completed = 'completed',
  Cancelled = 'cancelled',
}

/** Statuses in which a dispatch still holds its equipment unit, driver and work order. */
export const OPEN_DISPATCH_STATUSES: readonly DispatchStatus[] = [
  DispatchStatus.Assigned,
  DispatchStatus.Acknowledged,
  DispatchStatus.EnRoute,
  DispatchStatus.OnSite,
];

/** SQL list literal of the values of a string enum, for CHECK constraints and partial indexes. */
export function sqlValues(values: readonly string[]): string {
  return values.map((value) => `'${value}'`).join(', ');
}
