import { Priority } from '../enums';

/** Serving rank of each priority: higher is served first. */
export const PRIORITY_RANK: Record<Priority, number> = {
  [Priority.Low]: 0,
  [Priority.Standard]: 1,
  [Priority.Urgent]: 2,
  [Priority.Emergency]: 3,
};

const BY_RANK: Priority[] = [Priority.Low, Priority.Standard, Priority.Urgent, Priority.Emergency];

/** Default time a queued order waits before it is served as if one priority higher. */
export const DEFAULT_AGING_SECONDS = 30 * 60;

/**
 * Aging: every `agingSeconds` a queued order waits raises it one priority level, up to `urgent`.
 * Emergencies stay above everything that aged; within a level the oldest order goes first. So a
 * low-priority order waits at most two aging periods before it is served like an urgent one, and
 * then only emergencies and older urgent orders stay ahead of it: nothing starves.
 */
export function effectivePriority(
  priority: Priority,
  waitedSeconds: number,
  agingSeconds = DEFAULT_AGING_SECONDS,
): Priority {
  if (priority === Priority.Emergency) return priority;
  const boost = Math.max(0, Math.floor(waitedSeconds / agingSeconds));
  return BY_RANK[Math.min(PRIORITY_RANK[Priority.Urgent], PRIORITY_RANK[priority] + boost)];
}

/**
 * The same rule as SQL, for ORDER BY. `queuedSince` is the SQL expression of the moment the order
 * started waiting (by default its creation).
 */
export function effectiveRankSql(
  agingSeconds: number,
  alias = 'wo',
  queuedSince = `${alias}.created_at`,
): string {
  const seconds = Math.max(1, Math.floor(agingSeconds));
  const base = `(CASE ${alias}.priority WHEN 'emergency' THEN 3 WHEN 'urgent' THEN 2 WHEN 'standard' THEN 1 ELSE 0 END)`;
  return `(CASE WHEN ${alias}.priority = 'emergency' THEN 3 ELSE LEAST(2, ${base} + floor(GREATEST(0, extract(epoch FROM (now() - ${queuedSince}))) / ${seconds})::int) END)`;
}

/**
 * When an order started waiting, which aging counts from: its creation, or for scheduled work the
 * start of its lead time (`leadMinutes` before its window starts), as `queuedSinceSql`. Until
 * then the engine does not dispatch it.
 */
export function queuedSince(
  order: { createdAt: Date; windowStart: Date | null },
  leadMinutes: number,
): Date {
  if (!order.windowStart) return order.createdAt;
  const leadStarts = order.windowStart.getTime() - leadMinutes * 60_000;
  return leadStarts > order.createdAt.getTime() ? new Date(leadStarts) : order.createdAt;
}

export interface QueuedOrderForOrdering {
  priority: Priority;
  createdAt: Date;
  number: number;
  /** When it started waiting (`queuedSince`): aging counts from then; its creation if not given. */
  queuedSince?: Date;
}

/**
 * Sorts queued orders into serving order at `now`, as `servingOrderSql`: effective priority (aging
 * from when each started waiting), then oldest, then number.
 */
export function servingOrder<T extends QueuedOrderForOrdering>(
  orders: readonly T[],
  now: Date,
  agingSeconds = DEFAULT_AGING_SECONDS,
): T[] {
  const ranked = orders.map((order) => ({
    order,
    rank: PRIORITY_RANK[
      effectivePriority(
        order.priority,
        (now.getTime() - (order.queuedSince ?? order.createdAt).getTime()) / 1000,
        agingSeconds,
      )
    ],
  }));
  ranked.sort(
    (a, b) =>
      b.rank - a.rank ||
      a.order.createdAt.getTime() - b.order.createdAt.getTime() ||
      a.order.number - b.order.number,
  );
  return ranked.map(({ order }) => order);
}
