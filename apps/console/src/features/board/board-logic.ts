import type { DispatchView, TransitionDtoTo, WorkOrderDetailView } from '@dispatch/api-client';

/** The steps of an open dispatch, in board column order. */
export const OPEN_STEPS = ['assigned', 'acknowledged', 'en_route', 'on_site'] as const;
export type OpenStep = (typeof OPEN_STEPS)[number];

const NEXT: Record<string, TransitionDtoTo | undefined> = {
  assigned: 'acknowledged',
  acknowledged: 'en_route',
  en_route: 'on_site',
  on_site: 'completed',
};

/** The one step a driver (or dispatcher) takes next, or none for a finished dispatch. */
export function nextStep(status: string): TransitionDtoTo | undefined {
  return NEXT[status];
}

export const STEP_LABEL: Record<string, string> = {
  assigned: 'Assigned',
  acknowledged: 'Acknowledged',
  en_route: 'En route',
  on_site: 'On site',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

/** What the big button says for the next step. */
export const ACTION_LABEL: Record<string, string> = {
  acknowledged: 'Acknowledge',
  en_route: 'Start driving',
  on_site: 'Arrived on site',
  completed: 'Complete job',
};

export function groupByStep(dispatches: readonly DispatchView[]): Record<OpenStep, DispatchView[]> {
  const groups = Object.fromEntries(
    OPEN_STEPS.map((step) => [step, [] as DispatchView[]]),
  ) as Record<OpenStep, DispatchView[]>;
  for (const dispatch of dispatches) {
    if ((OPEN_STEPS as readonly string[]).includes(dispatch.status))
      groups[dispatch.status as OpenStep].push(dispatch);
  }
  for (const step of OPEN_STEPS)
    groups[step].sort((a, b) => a.assignedAt.localeCompare(b.assignedAt));
  return groups;
}

/** "4 min", "1 h 05 min", "2 d 3 h": how long an order has waited, for a dispatcher's glance. */
export function formatWaiting(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Days until a qualification expires (negative once expired), counted in calendar days. */
export function daysUntil(date: string, today: Date = new Date()): number {
  const start = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const [year, month, day] = date.split('-').map(Number);
  return Math.round((Date.UTC(year, month - 1, day) - start) / 86_400_000);
}

export function workOrderHeadline(order: Pick<WorkOrderDetailView, 'number' | 'title'>): string {
  return `${order.number} · ${order.title}`;
}

/** Which time of a dispatch says when it entered each open step. */
const STEP_STARTED: Record<OpenStep, keyof DispatchView> = {
  assigned: 'assignedAt',
  acknowledged: 'acknowledgedAt',
  en_route: 'enRouteAt',
  on_site: 'onSiteAt',
};

/** When an open dispatch entered the step it is in (its assignment if the step's time is unknown). */
export function stepStartedAt(dispatch: DispatchView): string {
  const field = STEP_STARTED[dispatch.status as OpenStep] as keyof DispatchView | undefined;
  const at = field ? dispatch[field] : undefined;
  return typeof at === 'string' ? at : dispatch.assignedAt;
}

/** Whole seconds from `since` (ISO 8601) to `now`, never negative (clocks differ a little). */
export function secondsSince(since: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(since)) / 1000));
}

/**
 * A time window as a dispatcher reads it, in `timeZone` (the user's, unless given): "Thu 3 Dec
 * 14:00–16:00", or both days when it ends on another: "Thu 3 Dec 22:00 – Fri 4 Dec 02:00".
 */
export function formatWindow(window: { start: string; end: string }, timeZone?: string): string {
  const day = new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone,
  });
  const clock = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  });
  const [start, end] = [new Date(window.start), new Date(window.end)];
  const [startDay, endDay] = [day.format(start).replace(',', ''), day.format(end).replace(',', '')];
  return startDay === endDay
    ? `${startDay} ${clock.format(start)}–${clock.format(end)}`
    : `${startDay} ${clock.format(start)} – ${endDay} ${clock.format(end)}`;
}
