import { describe, expect, it } from 'vitest';
import type { DispatchView } from '@dispatch/api-client';
import {
  daysUntil,
  formatWaiting,
  formatWindow,
  groupByStep,
  nextStep,
  secondsSince,
  stepStartedAt,
} from './board-logic';

const dispatch = (id: string, status: string, assignedAt: string) =>
  ({ id, status, assignedAt }) as DispatchView;

describe('board logic', () => {
  it('walks a dispatch through its steps and stops when finished', () => {
    expect(nextStep('assigned')).toBe('acknowledged');
    expect(nextStep('acknowledged')).toBe('en_route');
    expect(nextStep('en_route')).toBe('on_site');
    expect(nextStep('on_site')).toBe('completed');
    expect(nextStep('completed')).toBeUndefined();
    expect(nextStep('cancelled')).toBeUndefined();
  });

  it('groups open dispatches by step, oldest first, leaving finished ones out', () => {
    const groups = groupByStep([
      dispatch('b', 'assigned', '2026-11-21T10:05:00Z'),
      dispatch('a', 'assigned', '2026-11-21T10:00:00Z'),
      dispatch('c', 'on_site', '2026-11-21T09:00:00Z'),
      dispatch('d', 'completed', '2026-11-21T08:00:00Z'),
    ]);
    expect(groups.assigned.map((item) => item.id)).toEqual(['a', 'b']);
    expect(groups.on_site.map((item) => item.id)).toEqual(['c']);
    expect(groups.acknowledged).toEqual([]);
    expect(
      Object.values(groups)
        .flat()
        .map((item) => item.id),
    ).not.toContain('d');
  });

  it('formats waiting times for a glance', () => {
    expect(formatWaiting(20)).toBe('just now');
    expect(formatWaiting(4 * 60)).toBe('4 min');
    expect(formatWaiting(65 * 60)).toBe('1 h 05 min');
    expect(formatWaiting(51 * 3600)).toBe('2 d 3 h');
  });

  it('counts calendar days to an expiry', () => {
    const today = new Date('2026-11-21T23:30:00Z');
    expect(daysUntil('2026-11-21', today)).toBe(0);
    expect(daysUntil('2026-12-01', today)).toBe(10);
    expect(daysUntil('2026-11-20', today)).toBe(-1);
  });

  it('says when a dispatch entered its current step', () => {
    const base = {
      assignedAt: '2026-11-21T10:00:00Z',
      acknowledgedAt: '2026-11-21T10:05:00Z',
      enRouteAt: '2026-11-21T10:20:00Z',
      onSiteAt: null,
    };
    expect(stepStartedAt({ ...base, status: 'assigned' } as DispatchView)).toBe(base.assignedAt);
    expect(stepStartedAt({ ...base, status: 'en_route' } as DispatchView)).toBe(base.enRouteAt);
    // A step whose time is not known yet counts from the assignment.
    expect(stepStartedAt({ ...base, status: 'on_site' } as DispatchView)).toBe(base.assignedAt);
  });

  it('counts seconds since a moment, never below zero', () => {
    const now = new Date('2026-11-21T10:10:30Z');
    expect(secondsSince('2026-11-21T10:00:00Z', now)).toBe(630);
    expect(secondsSince('2026-11-21T10:10:31Z', now)).toBe(0);
  });

  it('writes a window as a dispatcher reads it, in a given zone', () => {
    const window = { start: '2026-12-03T13:00:00Z', end: '2026-12-03T15:00:00Z' };
    expect(formatWindow(window, 'Europe/Berlin')).toBe('Thu 3 Dec 14:00–16:00');
    expect(formatWindow(window, 'America/Denver')).toBe('Thu 3 Dec 06:00–08:00');
    expect(
      formatWindow({ start: '2026-12-03T21:00:00Z', end: '2026-12-04T01:00:00Z' }, 'Europe/Berlin'),
    ).toBe('Thu 3 Dec 22:00 – Fri 4 Dec 02:00');
  });
});
