import type { BlockerView } from '@dispatch/api-client';

/** A moment of the API in the reader's zone: "Sun 10 Jan 2027, 08:00". */
const moment = new Intl.DateTimeFormat('en-GB', {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

const SCHEDULED = /^Scheduled: dispatched automatically from (\S+)$/;

/**
 * A blocker as a dispatcher reads it: the API's message, with the moment scheduled work is
 * dispatched written in the reader's zone rather than as an ISO timestamp.
 */
export function blockerText(blocker: Pick<BlockerView, 'message'>): string {
  const scheduled = SCHEDULED.exec(blocker.message);
  if (!scheduled) return blocker.message;
  const at = Date.parse(scheduled[1]);
  return Number.isNaN(at)
    ? blocker.message
    : `Scheduled: dispatched automatically from ${moment.format(at)}`;
}

/** What the dispatcher (or an admin) can do about one blocker; `label` names a qualification. */
export function unblockAdvice(
  blocker: BlockerView | (Omit<BlockerView, 'code'> & { code: string }),
  label: (qualificationId: string) => string,
): string {
  const named = blocker.qualificationId ? label(blocker.qualificationId) : 'the qualification';
  switch (blocker.code) {
    case 'scheduled':
      return 'Nothing needs doing: it is dispatched by itself when its window nears — or dispatch it by hand now.';
    case 'no_unit_of_type':
      return 'Put a unit of this type in service (Admin → Equipment, or back from maintenance), or edit the order to another equipment type.';
    case 'no_free_unit':
      return 'Wait for a unit of this type to be freed, take one out of maintenance, or re-assign a unit from a less urgent dispatch.';
    case 'no_free_driver':
      return 'Put a driver on duty, or wait until one finishes a job.';
    case 'no_free_driver_with_qualification':
      if (blocker.reason === 'nobody_holds')
        return `Nobody holds ${named}: add it to a driver (Admin → Drivers), or edit the order to drop it from the extra qualifications.`;
      if (blocker.reason === 'expires_before_due')
        return `Renew ${named} for a driver whose qualification runs out before the work is due (Admin → Drivers).`;
      return `Put a driver who holds ${named} on duty, or wait until one is free.`;
    case 'no_free_driver_with_all_qualifications':
      return 'No free driver holds every qualification together: put such a driver on duty, add the missing ones to a driver, or edit the order to need fewer.';
    default:
      return 'See which units and drivers could take it, and why the others cannot.';
  }
}
