import type { EquipmentStatus } from '@dispatch/api-client';

export const UNIT_STATUS_LABEL: Record<EquipmentStatus, string> = {
  available: 'Available',
  dispatched: 'Dispatched',
  maintenance: 'In maintenance',
  retired: 'Retired',
};

/** A unit's status at a glance: free green, out on a job blue, in the workshop amber, gone grey. */
export const UNIT_STATUS_COLOR: Record<EquipmentStatus, string> = {
  available: 'green',
  dispatched: 'blue',
  maintenance: 'yellow',
  retired: 'gray',
};
