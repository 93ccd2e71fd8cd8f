import type { DispatchView } from '@dispatch/api-client';

const HOUR = 3_600_000;

/** A stretch of time in epoch milliseconds, `start` included, `end` excluded. */
export interface Span {
  start: number;
  end: number;
}

/** Today in the browser's zone: from its midnight to the next (23 or 25 hours on a DST change). */
export function dayOf(now: Date): Span {
  const start = new Date(now);
  start.setHours(0, 0, 0, 0);
  const end = new Date(start);
  end.setDate(end.getDate() + 1);
  return { start: start.getTime(), end: end.getTime() };
}

/** When a dispatch ended (completed or cancelled), or undefined while it is open. */
function endOf(dispatch: DispatchView): string | null | undefined {
  return dispatch.completedAt ?? dispatch.cancelledAt;
}

/** A dispatch as a bar of a unit's row: where it starts and ends on the shown stretch, in 0…1. */
export interface Bar {
  dispatch: DispatchView;
  /** Left edge, as a fraction of the shown stretch. */
  left: number;
  /** Width, as a fraction of the shown stretch (at least `MIN_WIDTH`, never past its end). */
  width: number;
  /** 0 for the first line of the row; overlapping dispatches of one unit take further lines. */
  lane: number;
  /** Still open: it runs to now. */
  open: boolean;
  /** It began before the shown stretch (yesterday): its start is cut off. */
  cutStart: boolean;
  /** The bar's real times, for its label. */
  from: number;
  to: number;
}

/** A bar is never drawn thinner than this (a minute's dispatch is still to be seen and clicked). */
export const MIN_WIDTH = 0.006;

/**
 * The stretch of today the timeline shows: every dispatch of today and the hours around now (six
 * before, two after), at least `MIN_HOURS` long, in whole hours, never beyond the day — so the
 * bars of a busy afternoon are not squeezed by an empty night.
 */
export function shownSpan(dispatches: readonly DispatchView[], now: Date): Span {
  const day = dayOf(now);
  let start = now.getTime() - 6 * HOUR;
  let end = now.getTime() + 2 * HOUR;
  for (const dispatch of dispatches) {
    start = Math.min(start, Date.parse(dispatch.assignedAt));
    const ended = endOf(dispatch);
    end = Math.max(end, ended ? Date.parse(ended) : now.getTime());
  }
  start = Math.max(day.start, day.start + Math.floor((start - day.start) / HOUR) * HOUR);
  end = Math.min(day.end, day.start + Math.ceil((end - day.start) / HOUR) * HOUR);
  // Too short a stretch (early morning, late evening) is widened into the day.
  if (end - start < MIN_HOURS * HOUR) {
    if (start === day.start) end = Math.min(day.end, start + MIN_HOURS * HOUR);
    else start = Math.max(day.start, end - MIN_HOURS * HOUR);
  }
  return { start, end };
}

/** The shortest stretch the timeline shows, in hours. */
export const MIN_HOURS = 8;

/** Where `time` falls on `span`, from 0 (its start) to 1 (its end), held within. */
export function position(time: number, span: Span): number {
  return Math.min(1, Math.max(0, (time - span.start) / (span.end - span.start)));
}

/**
 * The bars of one unit's row: each dispatch of the unit that touches `span`, from its assignment to
 * its completion or cancellation (to `now` while open), cut to the span; dispatches that overlap
 * (a re-assignment hands a unit over within the same minute) go on separate lanes.
 */
export function barsOf(dispatches: readonly DispatchView[], span: Span, now: Date): Bar[] {
  const bars: Bar[] = [];
  const sorted = [...dispatches].sort((a, b) => a.assignedAt.localeCompare(b.assignedAt));
  const laneEnds: number[] = [];
  for (const dispatch of sorted) {
    const from = Date.parse(dispatch.assignedAt);
    const ended = endOf(dispatch);
    const to = ended ? Date.parse(ended) : Math.max(from, now.getTime());
    if (to < span.start || from >= span.end) continue;
    const left = position(from, span);
    const width = Math.min(1, Math.max(MIN_WIDTH, position(to, span) - left));
    // The shifted left edge of a bar at the very end keeps it inside the row.
    const shown = { left: Math.min(left, 1 - width), width };
    let lane = laneEnds.findIndex((end) => end <= shown.left);
    if (lane < 0) lane = laneEnds.length;
    laneEnds[lane] = shown.left + shown.width;
    bars.push({
      dispatch,
      ...shown,
      lane,
      open: !ended,
      cutStart: from < span.start,
      from,
      to,
    });
  }
  return bars;
}

/** The whole hours of `span` worth a label, every `step` hours: their times and positions. */
export function hourTicks(span: Span, step: number): { time: number; left: number }[] {
  const ticks: { time: number; left: number }[] = [];
  const first = new Date(span.start);
  first.setMinutes(0, 0, 0);
  for (let time = first.getTime(); time <= span.end; time += HOUR) {
    if (time < span.start) continue;
    if (new Date(time).getHours() % step === 0) ticks.push({ time, left: position(time, span) });
  }
  return ticks;
}

/** Groups dispatches by their unit. */
export function byUnit(dispatches: readonly DispatchView[]): Map<string, DispatchView[]> {
  const groups = new Map<string, DispatchView[]>();
  for (const dispatch of dispatches) {
    const list = groups.get(dispatch.equipmentId) ?? [];
    list.push(dispatch);
    groups.set(dispatch.equipmentId, list);
  }
  return groups;
}
