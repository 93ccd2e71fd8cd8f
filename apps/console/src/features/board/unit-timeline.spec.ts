import type { DispatchView } from '@dispatch/api-client';
import { describe, expect, it } from 'vitest';
import { barsOf, byUnit, dayOf, hourTicks, MIN_WIDTH, position, shownSpan } from './unit-timeline';

/** A local time of 2 December 2026 (the tests hold in any zone). */
const at = (hours: number, minutes = 0) => new Date(2026, 11, 2, hours, minutes);
const iso = (date: Date) => date.toISOString();

function dispatch(
  id: string,
  assigned: Date,
  ended?: Date,
  extra: Partial<DispatchView> = {},
): DispatchView {
  return {
    id,
    equipmentId: 'unit-1',
    assignedAt: iso(assigned),
    completedAt: ended ? iso(ended) : null,
    cancelledAt: null,
    ...extra,
  } as DispatchView;
}

describe('the unit timeline', () => {
  const now = at(12);

  it('takes today from midnight to midnight in the browser’s zone', () => {
    expect(dayOf(now)).toEqual({ start: at(0).getTime(), end: new Date(2026, 11, 3).getTime() });
  });

  it('shows the hours around now, widened to every dispatch of today, at least eight hours', () => {
    expect(shownSpan([], now)).toEqual({ start: at(6).getTime(), end: at(14).getTime() });
    // An early start: whole hours around it.
    expect(shownSpan([dispatch('a', at(4, 30), at(5, 10))], now).start).toBe(at(4).getTime());
    // Late in the evening: six hours back, to midnight.
    expect(shownSpan([], at(21, 15))).toEqual({
      start: at(15).getTime(),
      end: new Date(2026, 11, 3).getTime(),
    });
    // Early in the morning: from midnight, eight hours on.
    expect(shownSpan([], at(1, 30))).toEqual({ start: at(0).getTime(), end: at(8).getTime() });
    // Yesterday's dispatch still open at midnight does not reach before today.
    const yesterday = new Date(2026, 11, 1, 22, 0);
    expect(shownSpan([dispatch('b', yesterday)], now).start).toBe(at(0).getTime());
  });

  it('places a finished dispatch from its assignment to its completion', () => {
    const span = { start: at(8).getTime(), end: at(18).getTime() };
    const [bar] = barsOf([dispatch('a', at(10), at(12, 30))], span, now);
    expect(bar.left).toBeCloseTo(0.2);
    expect(bar.width).toBeCloseTo(0.25);
    expect(bar).toMatchObject({ lane: 0, open: false, cutStart: false });
  });

  it('runs an open dispatch to now, and a cancelled one to its cancellation', () => {
    const span = { start: at(8).getTime(), end: at(18).getTime() };
    const [cancelled, open] = barsOf(
      [
        dispatch('open', at(11)),
        dispatch('cancelled', at(9), undefined, { cancelledAt: iso(at(9, 30)) }),
      ],
      span,
      now,
    ).sort((a, b) => a.dispatch.id.localeCompare(b.dispatch.id));
    expect(cancelled.dispatch.id).toBe('cancelled');
    expect(cancelled.width).toBeCloseTo(0.05);
    expect(cancelled.open).toBe(false);
    expect(open.left).toBeCloseTo(0.3);
    expect(open.width).toBeCloseTo(0.1);
    expect(open.open).toBe(true);
  });

  it('cuts a dispatch begun yesterday at the start, and leaves out those that ended before', () => {
    const span = dayOf(now);
    const bars = barsOf(
      [
        dispatch('overnight', new Date(2026, 11, 1, 22, 0), at(2)),
        dispatch('yesterday', new Date(2026, 11, 1, 9, 0), new Date(2026, 11, 1, 10, 0)),
      ],
      span,
      now,
    );
    expect(bars.map((bar) => bar.dispatch.id)).toEqual(['overnight']);
    expect(bars[0].left).toBe(0);
    expect(bars[0].width).toBeCloseTo(2 / 24);
    expect(bars[0].cutStart).toBe(true);
  });

  it('draws a dispatch of a minute still wide enough to see, and inside the row at its end', () => {
    const span = { start: at(8).getTime(), end: at(12).getTime() };
    const [short] = barsOf([dispatch('a', at(9), at(9, 0))], span, now);
    expect(short.width).toBe(MIN_WIDTH);
    const [last] = barsOf([dispatch('b', at(11, 59), at(12))], span, now);
    expect(last.width).toBe(MIN_WIDTH);
    expect(last.left + last.width).toBeCloseTo(1);
  });

  it('puts overlapping dispatches of one unit on separate lanes, and reuses a lane once free', () => {
    const span = { start: at(8).getTime(), end: at(18).getTime() };
    const bars = barsOf(
      [
        dispatch('a', at(9), at(11)),
        dispatch('b', at(10), at(10, 30)),
        dispatch('c', at(11, 30), at(12)),
      ],
      span,
      now,
    );
    expect(bars.map((bar) => [bar.dispatch.id, bar.lane])).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 0],
    ]);
  });

  it('marks whole hours for the scale, and holds positions within the span', () => {
    const span = { start: at(6).getTime(), end: at(12).getTime() };
    expect(hourTicks(span, 3).map((tick) => [new Date(tick.time).getHours(), tick.left])).toEqual([
      [6, 0],
      [9, 0.5],
      [12, 1],
    ]);
    expect(position(at(5).getTime(), span)).toBe(0);
    expect(position(at(13).getTime(), span)).toBe(1);
  });

  it('groups dispatches by unit', () => {
    const groups = byUnit([
      dispatch('a', at(9)),
      dispatch('b', at(10), undefined, { equipmentId: 'unit-2' }),
      dispatch('c', at(11)),
    ]);
    expect([...groups].map(([unit, list]) => [unit, list.map((item) => item.id)])).toEqual([
      ['unit-1', ['a', 'c']],
      ['unit-2', ['b']],
    ]);
  });
});
