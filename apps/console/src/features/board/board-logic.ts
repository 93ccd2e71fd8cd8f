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
