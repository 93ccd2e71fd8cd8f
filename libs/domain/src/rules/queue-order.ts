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

export interface QueuedOrderForOrdering {
  priority: Priority;
  createdAt: Date;
  number: number;
}

/** Sorts queued orders into serving order at `now`. */
export function servingOrder<T extends QueuedOrderForOrdering>(
  orders: T[],
  now: Date,
  agingSeconds = DEFAULT_AGING_SECONDS,
): T[] {
  const rank = (order: T) =>
    PRIORITY_RANK[
      effectivePriority(
        order.priority,
        (now.getTime() - order.createdAt.getTime()) / 1000,
        agingSeconds,
      )
    ];
  return [...orders].sort(
    (a, b) =>
      rank(b) - rank(a) || a.createdAt.getTime() - b.createdAt.getTime() || a.number - b.number,
  );
}
