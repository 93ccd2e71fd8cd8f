import { describe, expect, it } from 'vitest';
import type { AuditEventView, DomainEvent } from '@dispatch/api-client';
import {
  assignedEvent,
  DRIVER,
  domainEvent,
  ORDER,
  PEOPLE,
  stepEvent,
  UNIT,
} from '../../live/domain-events.fixtures';
import { timelineItemOf } from '../../live/apply-event';
import { actionLabel, actorLabel, changedFacts, fieldWords, timelineStep } from './timeline-logic';

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

/** A timeline line as the API lists it: the typed event, and the audit's before and after. */
const typed = (domainEvent: DomainEvent, rest: Partial<AuditEventView> = {}) =>
  timelineStep(
    { ...timelineItemOf(domainEvent), before: { status: 'x' }, after: { status: 'y' }, ...rest },
    { time: (iso) => `<${iso.slice(11, 16)}>` },
  );

/** Nothing a person should not read: no raw status values, ids or JSON. */
function expectReadable(step: ReturnType<typeof timelineStep>) {
  const text = [step.actor, step.label, ...step.facts].join(' | ');
  expect(text).not.toMatch(/\b(en_route|on_site|off_duty|on_duty)\b|[{}"]|\b[du]r?-\d\b|wo-\d/);
}

describe('work order timeline from typed events', () => {
  it('tells how the engine dispatched the order, in words', () => {
    const step = typed(assignedEvent('automatic'));
    expect(step).toMatchObject({
      action: 'dispatch.assigned',
      label: 'Dispatched automatically',
      actor: 'Dispatch engine',
      role: null,
      facts: ['unit CR-12', 'driver Ann Lee', '3.2 km from the site', 'after 4 min in the queue'],
    });
    expectReadable(step);
  });

  it('tells a dispatch by hand, made at once, with no distance known', () => {
    const event = assignedEvent('manual');
    const step = typed({
      ...event,
      payload: { ...event.payload, distanceKm: null, queuedSeconds: 12 },
    });
    expect(step).toMatchObject({
      label: 'Dispatched by hand',
      actor: 'Dora Dispatcher',
      role: 'dispatcher',
      facts: ['unit CR-12', 'driver Ann Lee', 'without waiting in the queue'],
    });
  });

  it('names each step of the dispatch, and only says where it came from when a step was skipped', () => {
    const enRoute = typed(stepEvent('dispatch.en_route', 'acknowledged'));
    expect(enRoute).toMatchObject({ label: 'En route', actor: 'Ann Lee', facts: [] });
    expectReadable(enRoute);
    expect(typed(stepEvent('dispatch.on_site', 'en_route')).label).toBe('On site');
    expect(typed(stepEvent('dispatch.completed', 'on_site'))).toMatchObject({
      label: 'Completed',
      facts: [],
    });
    const skipped = typed(stepEvent('dispatch.on_site', 'assigned'));
    expect(skipped.facts).toEqual(['from assigned']);
  });

  it('quotes what the driver wrote on completing the job', () => {
    const event = stepEvent('dispatch.completed', 'on_site');
    const step = typed({
      ...event,
      payload: { ...event.payload, note: 'Gate locked; key left with the site office' },
    });
    expect(step).toMatchObject({
      label: 'Completed',
      actor: 'Ann Lee',
      facts: ['note: “Gate locked; key left with the site office”'],
    });
    expectReadable(step);
    // No note, or an event recorded before notes existed: nothing to quote.
    expect(typed({ ...event, payload: { ...event.payload, note: null } }).facts).toEqual([]);
  });

  it('tells at which step a dispatch was cancelled, and what it freed', () => {
    const step = typed(stepEvent('dispatch.cancelled', 'en_route'));
    expect(step).toMatchObject({
      label: 'Dispatch cancelled',
      facts: ['while en route', 'unit CR-12 and driver Ann Lee freed'],
    });
    expectReadable(step);
  });

  it('tells from whom to whom a dispatch was re-assigned', () => {
    const step = typed(
      domainEvent('dispatch.reassigned', {
        dispatch: { id: 'd-1', status: 'en_route' },
        workOrder: ORDER,
        from: { unit: UNIT, driver: DRIVER },
        to: { unit: { id: 'u-2', code: 'CR-13' }, driver: { id: 'dr-2', name: 'Bo Berg' } },
      }),
    );
    expect(step).toMatchObject({
      label: 'Re-assigned',
      facts: ['from unit CR-12 / driver Ann Lee', 'to unit CR-13 / driver Bo Berg'],
    });
    expectReadable(step);
  });

  it('tells what a new order is, its window and its ERP reference', () => {
    const step = typed(
      domainEvent(
        'work_order.created',
        {
          workOrder: {
            ...ORDER,
            title: 'Lift HVAC units',
            priority: 'urgent',
            siteId: 's-1',
            equipmentTypeId: 't-1',
            windowStart: '2026-11-24T08:00:00.000Z',
            windowEnd: '2026-11-24T10:00:00.000Z',
          },
        },
        { actor: PEOPLE.erp },
      ),
    );
    expect(step).toMatchObject({
      label: 'Work order created',
      actor: 'machine client erp-sync',
      facts: [
        'Lift HVAC units',
        'priority urgent',
        'to do <08:00> – <10:00>',
        'ERP reference PO-7781',
      ],
    });
    expectReadable(step);
  });

  it('tells why an order waits, what an edit changed, and how it ended', () => {
    expect(
      typed(
        domainEvent('work_order.queued', {
          workOrder: ORDER,
          blockedBy: [{ code: 'no_free_unit', message: 'No free unit of type crane-50t' }],
        }),
      ),
    ).toMatchObject({ label: 'Queued', facts: ['No free unit of type crane-50t'] });
    const edited = typed(
      domainEvent('work_order.updated', {
        workOrder: ORDER,
        changed: ['priority', 'siteId', 'requiredQualificationIds'],
      }),
    );
    expect(edited).toMatchObject({
      label: 'Work order edited',
      facts: ['changed the priority, site and required qualifications'],
    });
    expectReadable(edited);
    expect(
      typed(domainEvent('work_order.completed', { workOrder: ORDER, dispatchId: 'd-1' })),
    ).toMatchObject({ label: 'Work order completed', facts: [] });
    expect(
      typed(domainEvent('work_order.cancelled', { workOrder: ORDER, dispatchId: 'd-1' })).facts,
    ).toEqual(['its dispatch was cancelled with it']);
  });

  it('uses before and after only for events recorded before the catalogue', () => {
    expect(typed(stepEvent('dispatch.on_site', 'en_route')).facts).toEqual([]);
    const old = timelineStep(
      event('dispatch.on_site', { before: { status: 'en_route' }, after: { status: 'on_site' } }),
    );
    expect(old).toMatchObject({ label: 'On site', facts: ['status: en_route → on_site'] });
  });

  it('names who acted: a person, the engine, or a machine client', () => {
    expect(actorLabel('person', 'Dora Dispatcher')).toBe('Dora Dispatcher');
    expect(actorLabel('engine', 'Automatic dispatch')).toBe('Dispatch engine');
    expect(actorLabel('machine', 'service-account-erp-sync')).toBe('machine client erp-sync');
    expect(
      timelineStep(event('dispatch.assigned', { actorKind: 'engine', actorName: 'auto' })),
    ).toMatchObject({ actor: 'Dispatch engine', role: null });
  });

  it('puts field names in words', () => {
    expect(fieldWords('equipmentTypeId')).toBe('equipment type');
    expect(fieldWords('externalRef')).toBe('ERP reference');
    expect(fieldWords('someNewField')).toBe('some new field');
  });
});
