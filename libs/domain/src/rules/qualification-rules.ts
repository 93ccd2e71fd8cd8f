/**
 * A qualification counts only if it is still valid on the day the work is due: the end of the
 * order's time window, or today for work without one. Dates are calendar dates (UTC).
 */
export function dueDate(window: { windowEnd: Date | null } | null, now: Date = new Date()): string {
  const due = window?.windowEnd && window.windowEnd > now ? window.windowEnd : now;
  return due.toISOString().slice(0, 10);
}

export function isValidThrough(expiresAt: string, due: string): boolean {
  return expiresAt >= due;
}

/** Everything a driver must hold for an order: the equipment type's requirements plus the order's own. */
export function requiredQualificationIds(
  typeRequirements: readonly string[],
  orderRequirements: readonly string[],
): string[] {
  return [...new Set([...typeRequirements, ...orderRequirements])].sort();
}
