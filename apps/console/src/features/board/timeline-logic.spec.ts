import { describe, expect, it } from 'vitest';
import type { AuditEventView } from '@dispatch/api-client';
import { actionLabel, changedFacts, timelineStep } from './timeline-logic';

const event = (action: string, rest: Partial<AuditEventView> = {}): AuditEventView => ({
  id: '7',
  occurredAt: '2026-11-21T10:00:00.000Z',
  actorKind: 'person',
  actorSubject: 'sub-1',
  actorName: 'Dora Dispatcher',
  actorRole: 'dispatcher',
  action,
  entityType: action.split('.')[0],
  entityId: 'e-1',
  before: null,
  after: null,
  requestId: null,
  event: null,
  ...rest,
});

describe('work order timeline', () => {
  it('names each kind of event for people', () => {
    expect(actionLabel('work_order.created')).toBe('Work order created');
    expect(actionLabel('dispatch.assigned')).toBe('Dispatched');
    expect(actionLabel('dispatch.en_route')).toBe('En route');
    expect(actionLabel('dispatch.on_site')).toBe('On site');
    expect(actionLabel('dispatch.completed')).toBe('Completed');
    expect(actionLabel('driver.login_linked')).toBe('Driver login linked');
  });

  it('tells what a new order is', () => {
    const step = timelineStep(
      event('work_order.created', {
        after: { id: 'wo', title: 'Replace facade lights', priority: 'urgent', status: 'queued' },
      }),
    );
    expect(step).toMatchObject({
      label: 'Work order created',
      actor: 'Dora Dispatcher',
      role: 'dispatcher',
      facts: ['Replace facade lights', 'priority urgent'],
    });
  });

  it('tells which unit and driver the engine chose, and on whose change', () => {
    const step = timelineStep(
      event('dispatch.assigned', {
        actorSubject: 'auto',
        actorName: 'Automatic dispatch',
        actorRole: null,
        after: {
          id: 'd',
          status: 'assigned',
          trigger: { subject: 'sub-1', name: 'Dora Dispatcher' },
          selection: {
            rule: 'nearest…',
            unit: { id: 'u', code: 'BL-001', distanceKm: 5.56 },
            driver: { id: 'p', name: 'Dana Driver' },
          },
        },
      }),
    );
    expect(step.facts).toEqual([
      'unit BL-001',
      'driver Dana Driver',
      '5.56 km from the site',
      'on a change by Dora Dispatcher',
    ]);
  });

  it('shows a step as its status change', () => {
    expect(
      timelineStep(
        event('dispatch.on_site', { before: { status: 'en_route' }, after: { status: 'on_site' } }),
      ).facts,
    ).toEqual(['status: en_route → on_site']);
  });

  it('leaves bookkeeping and nested detail out of the changes, and keeps them short', () => {
    expect(
      changedFacts({
        before: { status: 'dispatched', updatedAt: '1', priority: 'low' },
        after: {
          status: 'completed',
          updatedAt: '2',
          dispatchId: 'd-1',
          window: { start: 'x' },
          priority: 'urgent',
        },
      }),
    ).toEqual(['status: dispatched → completed', 'dispatchId: d-1', 'priority: low → urgent']);
    expect(changedFacts({ before: {}, after: { a: 1, b: 2, c: 3, d: 4, e: 5 } }, 2)).toEqual([
      'a: 1',
      'b: 2',
    ]);
  });
});
