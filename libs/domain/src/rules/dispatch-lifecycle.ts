import { DispatchStatus } from '../enums';
import { DomainError } from '../errors';

/** The steps a dispatch may take from each status. Completed and cancelled are final. */
export const NEXT_STEPS: Record<DispatchStatus, readonly DispatchStatus[]> = {
  [DispatchStatus.Assigned]: [DispatchStatus.Acknowledged, DispatchStatus.Cancelled],
  [DispatchStatus.Acknowledged]: [DispatchStatus.EnRoute, DispatchStatus.Cancelled],
  [DispatchStatus.EnRoute]: [DispatchStatus.OnSite, DispatchStatus.Cancelled],
  [DispatchStatus.OnSite]: [DispatchStatus.Completed, DispatchStatus.Cancelled],
  [DispatchStatus.Completed]: [],
  [DispatchStatus.Cancelled]: [],
};

/** The timestamp column each status sets when reached. */
export const STEP_TIMESTAMP = {
  [DispatchStatus.Assigned]: 'assignedAt',
  [DispatchStatus.Acknowledged]: 'acknowledgedAt',
  [DispatchStatus.EnRoute]: 'enRouteAt',
  [DispatchStatus.OnSite]: 'onSiteAt',
  [DispatchStatus.Completed]: 'completedAt',
  [DispatchStatus.Cancelled]: 'cancelledAt',
} as const satisfies Record<DispatchStatus, string>;

/** Steps a driver may take on their own dispatch; cancelling is for dispatchers and admins. */
export const DRIVER_STEPS: readonly DispatchStatus[] = [
  DispatchStatus.Acknowledged,
  DispatchStatus.EnRoute,
  DispatchStatus.OnSite,
  DispatchStatus.Completed,
];

export function isOpen(status: DispatchStatus): boolean {
  return NEXT_STEPS[status].length > 0;
}

export function assertTransition(from: DispatchStatus, to: DispatchStatus): void {
  if (!NEXT_STEPS[from].includes(to)) {
    throw new DomainError('ILLEGAL_TRANSITION', `A dispatch that is ${from} cannot move to ${to}`, {
      currentStatus: from,
      requestedStatus: to,
      allowed: NEXT_STEPS[from],
    });
  }
}
