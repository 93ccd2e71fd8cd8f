import type { HeldQualificationInput, HeldQualificationView } from '@dispatch/api-client';
import dayjs from 'dayjs';

/**
 * A driver's qualifications as the API takes them back (PATCH /drivers/:id replaces the whole
 * list): each change is the list the driver holds, with one entry added, renewed or removed.
 */

/** Days from which a qualification counts as running out (amber). */
export const EXPIRING_DAYS = 30;

export type Validity = 'valid' | 'expiring' | 'expired';

/** Whether a qualification valid until `expiresAt` (its last day) still holds on `today`. */
export function validity(expiresAt: string, today: string): Validity {
  const days = dayjs(expiresAt).diff(dayjs(today), 'day');
  if (days < 0) return 'expired';
  return days <= EXPIRING_DAYS ? 'expiring' : 'valid';
}

export const VALIDITY_LABEL: Record<Validity, string> = {
  valid: 'valid',
  expiring: 'runs out soon',
  expired: 'expired',
};

/** The calendar day a year after `day` (`YYYY-MM-DD`): what a renewal offers first. */
export function aYearAfter(day: string): string {
  return dayjs(day).add(1, 'year').format('YYYY-MM-DD');
}

function asInput(held: readonly HeldQualificationView[]): HeldQualificationInput[] {
  return held.map(({ qualificationId, expiresAt }) => ({ qualificationId, expiresAt }));
}

export function withAdded(
  held: readonly HeldQualificationView[],
  qualificationId: string,
  expiresAt: string,
): HeldQualificationInput[] {
  return [
    ...asInput(held).filter((entry) => entry.qualificationId !== qualificationId),
    { qualificationId, expiresAt },
  ];
}

export function withRenewed(
  held: readonly HeldQualificationView[],
  qualificationId: string,
  expiresAt: string,
): HeldQualificationInput[] {
  return asInput(held).map((entry) =>
    entry.qualificationId === qualificationId ? { qualificationId, expiresAt } : entry,
  );
}

export function withRemoved(
  held: readonly HeldQualificationView[],
  qualificationId: string,
): HeldQualificationInput[] {
  return asInput(held).filter((entry) => entry.qualificationId !== qualificationId);
}
