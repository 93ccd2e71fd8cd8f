import {
  type AuditEventView,
  type DomainEvent,
  type EventActor,
  EventName,
} from '@dispatch/api-client';
import { describe, expect, it } from 'vitest';
import {
  API_CLIENT,
  DRIVER,
  domainEvent,
  ORDER,
  PEOPLE,
  stepEvent,
  UNIT,
  WEBHOOK,
} from '../live/domain-events.fixtures';
import {
  calendarDay,
  entitySubject,
  entrySentence,
  type EventTextContext,
  eventSentence,
  hasEventText,
  readableTimes,
  workOrderCode,
} from './event-text';

type EventOf<N extends EventName> = Extract<DomainEvent, { type: N }>;

const SITE_ID = '3f2b9c1a-0000-4000-8000-000000000001';
const TYPE_ID = '3f2b9c1a-0000-4000-8000-000000000002';
const QUALIFICATION = { id: 'q-1', code: 'IPAF-3a' };
const LABELLED = { id: 't-1', code: 'boom-lift', name: 'Boom lift' };
const step = {
  dispatch: { id: 'd-1', status: 'assigned' as const },
  workOrder: ORDER,
  unit: UNIT,
  driver: DRIVER,
};
const at = '2027-01-10T07:00:00.000Z';

/** A payload of every type in the catalogue: a type added there without one here does not compile. */
const SAMPLES: { [N in EventName]: EventOf<N>['payload'] } = {
  'work_order.created': {
    workOrder: {
      ...ORDER,
      title: 'Lift HVAC units',
      priority: 'urgent',
      siteId: SITE_ID,
      equipmentTypeId: TYPE_ID,
      windowStart: '2027-01-10T08:00:00.000Z',
      windowEnd: '2027-01-10T10:00:00.000Z',
    },
  },
  'work_order.queued': {
    workOrder: ORDER,
    blockedBy: [
      { code: 'scheduled', message: `Scheduled: dispatched automatically from ${at}` },
      {
        code: 'no_free_unit',
        message: 'No free unit of type boom lift (1 dispatched, 0 in maintenance)',
      },
    ],
  },
  'work_order.updated': { workOrder: ORDER, changed: ['priority', 'siteId'] },
  'work_order.completed': { workOrder: ORDER, dispatchId: 'd-1' },
  'work_order.cancelled': { workOrder: ORDER, dispatchId: 'd-1' },
  'dispatch.assigned': {
    ...step,
    mode: 'automatic',
    distanceKm: 12.46,
    queuedSeconds: 0,
  },
  'dispatch.acknowledged': {
    ...step,
    dispatch: { id: 'd-1', status: 'acknowledged' },
    from: 'assigned',
    at,
  },
  'dispatch.en_route': {
    ...step,
    dispatch: { id: 'd-1', status: 'en_route' },
    from: 'acknowledged',
    at,
  },
  'dispatch.on_site': { ...step, dispatch: { id: 'd-1', status: 'on_site' }, from: 'en_route', at },
  'dispatch.completed': {
    ...step,
    dispatch: { id: 'd-1', status: 'completed' },
    from: 'on_site',
    at,
    note: 'Gate locked',
  },
  'dispatch.cancelled': {
    ...step,
    dispatch: { id: 'd-1', status: 'cancelled' },
    from: 'en_route',
    at,
  },
  'dispatch.reassigned': {
    dispatch: { id: 'd-1', status: 'en_route' },
    workOrder: ORDER,
    from: { unit: UNIT, driver: DRIVER },
    to: { unit: { id: 'u-2', code: 'CR-13' }, driver: { id: 'dr-2', name: 'Bo Berg' } },
  },
  'equipment.created': {
    unit: { ...UNIT, name: 'Liebherr LTM 1060', equipmentTypeId: TYPE_ID, status: 'available' },
  },
  'equipment.updated': { unit: UNIT, changed: ['name', 'equipmentTypeId'] },
  'equipment.maintenance_started': { unit: UNIT, from: 'available', to: 'maintenance' },
  'equipment.maintenance_ended': { unit: UNIT, from: 'maintenance', to: 'available' },
  'equipment.retired': { unit: UNIT, from: 'available', to: 'retired' },
  'equipment.reinstated': { unit: UNIT, from: 'retired', to: 'available' },
  'equipment_type.created': { equipmentType: LABELLED },
  'equipment_type.updated': { equipmentType: LABELLED, changed: ['requiredQualificationIds'] },
  'equipment_type.deleted': { equipmentType: LABELLED },
  'driver.created': { driver: { ...DRIVER, dutyStatus: 'off_duty' } },
  'driver.updated': { driver: DRIVER, changed: ['name'] },
  'driver.deleted': { driver: DRIVER },
  'driver.duty_changed': { driver: DRIVER, from: 'off_duty', to: 'on_duty' },
  'driver.qualification_added': {
    driver: DRIVER,
    qualification: QUALIFICATION,
    expiresAt: '2027-06-30',
    previousExpiresAt: null,
  },
  'driver.qualification_renewed': {
    driver: DRIVER,
    qualification: QUALIFICATION,
    expiresAt: '2028-06-30',
    previousExpiresAt: '2027-06-30',
  },
  'driver.qualification_removed': {
    driver: DRIVER,
    qualification: QUALIFICATION,
    expiresAt: null,
    previousExpiresAt: '2027-06-30',
  },
  'driver.login_linked': { driver: DRIVER, username: 'ann.lee' },
  'site.created': { site: { id: SITE_ID, name: 'Riverside Tower' } },
  'site.updated': { site: { id: SITE_ID, name: 'Riverside Tower' }, changed: ['contactPhone'] },
  'site.deleted': { site: { id: SITE_ID, name: 'Riverside Tower' } },
  'qualification.created': { qualification: { ...QUALIFICATION, name: 'IPAF mobile boom' } },
  'qualification.updated': {
    qualification: { ...QUALIFICATION, name: 'IPAF mobile boom' },
    changed: ['name'],
  },
  'qualification.deleted': { qualification: { ...QUALIFICATION, name: 'IPAF mobile boom' } },
  'user.created': { user: { id: 'us-1', username: 'dora' }, role: 'dispatcher' },
  'user.updated': { user: { id: 'us-1', username: 'dora' }, changed: ['role'] },
  'user.disabled': { user: { id: 'us-1', username: 'dora' } },
  'user.password_reset': { user: { id: 'us-1', username: 'dora' }, temporary: true },
  'tenant.seeded': { counts: { sites: 3, equipmentTypes: 2 } },
  'api_client.created': { apiClient: API_CLIENT },
  'api_client.secret_rotated': { apiClient: API_CLIENT },
  'api_client.deleted': { apiClient: API_CLIENT },
  'webhook.created': { webhook: WEBHOOK },
  'webhook.updated': { webhook: WEBHOOK, changed: ['events'] },
  'webhook.deleted': { webhook: WEBHOOK },
  'webhook.secret_rotated': { webhook: WEBHOOK },
  'webhook.disabled': { webhook: WEBHOOK, reason: 'HTTP 500 for 3 s', failingSince: at },
};

/** Times as a marker, so a test sees that a time went through the reader's formatting. */
const context: EventTextContext = {
  time: (iso) => `<${iso.slice(11, 16)}>`,
  siteName: (id) => (id === SITE_ID ? 'Riverside Tower' : undefined),
  equipmentTypeName: (id) => (id === TYPE_ID ? 'Boom lift' : undefined),
};

const sample = <N extends EventName>(type: N, actor: EventActor = PEOPLE.dispatcher): DomainEvent =>
  domainEvent(type, SAMPLES[type] as never, { actor }) as DomainEvent;

/** Nothing a person should not read: no ids, ISO times, JSON or raw enum values. */
function expectReadable(text: string) {
  expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/i);
  expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  expect(text).not.toMatch(/[{}"]/);
  expect(text).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
  expect(text).not.toMatch(/\b(siteId|equipmentTypeId|undefined|null|NaN)\b/);
}

describe('event texts', () => {
  it.each(Object.values(EventName))('has a readable sentence for %s', (type) => {
    expect(hasEventText(type)).toBe(true);
    const text = eventSentence(sample(type), context);
    expect(text.length).toBeGreaterThan(8);
    expectReadable(text);
  });

  it('tells how the engine dispatched an order, with codes and names', () => {
    expect(eventSentence(sample('dispatch.assigned', PEOPLE.engine), context)).toBe(
      'CR-12 and Ann Lee to WO-000042 dispatched by the engine: nearest unit, 12.5 km',
    );
    // On the order's own timeline the order is not named again.
    expect(
      eventSentence(sample('dispatch.assigned', PEOPLE.engine), {
        ...context,
        withinWorkOrder: true,
      }),
    ).toBe('CR-12 and Ann Lee dispatched by the engine: nearest unit, 12.5 km');
  });

  it('tells why an order waits, its scheduled start in the reader’s time and no ISO instant', () => {
    expect(eventSentence(sample('work_order.queued'), context)).toBe(
      'WO-000042 (PO-7781) queued: scheduled, dispatched automatically from <07:00>; no free unit of type boom lift (1 dispatched, 0 in maintenance)',
    );
  });

  it('says a step as who took it, not as a status change', () => {
    expect(
      eventSentence(stepEvent('dispatch.acknowledged', 'assigned'), {
        ...context,
        withinWorkOrder: true,
      }),
    ).toBe('Acknowledged by Ann Lee (CR-12)');
    expect(
      eventSentence(sample('work_order.completed'), { ...context, withinWorkOrder: true }),
    ).toBe('Work order completed');
    expect(eventSentence(stepEvent('dispatch.on_site', 'assigned'), context)).toBe(
      'On site by Ann Lee (CR-12) on WO-000042, straight from assigned',
    );
    expect(eventSentence(sample('dispatch.completed', PEOPLE.driver), context)).toBe(
      'Job WO-000042 completed by Ann Lee (CR-12), noting “Gate locked”',
    );
  });

  it('names the site and type of a new order from the console’s lists, else a short code', () => {
    expect(eventSentence(sample('work_order.created'), context)).toBe(
      'WO-000042 (PO-7781) created by Dora Dispatcher: “Lift HVAC units”, urgent, Boom lift at Riverside Tower, to do <08:00> – <10:00>',
    );
    const unknown = eventSentence(sample('work_order.created'), {
      ...context,
      siteName: () => undefined,
      equipmentTypeName: () => undefined,
    });
    expect(unknown).toContain('equipment type #3f2b9c at site #3f2b9c');
    expectReadable(unknown);
  });

  it('names machine clients and states in words', () => {
    expect(eventSentence(sample('work_order.cancelled', PEOPLE.erp), context)).toBe(
      'WO-000042 (PO-7781) cancelled by machine client erp-sync, with its dispatch',
    );
    expect(eventSentence(sample('driver.duty_changed', PEOPLE.driver), context)).toBe(
      'Ann Lee went on duty',
    );
    expect(eventSentence(sample('equipment.maintenance_started'), context)).toBe(
      'Unit CR-12 put into maintenance by Dora Dispatcher',
    );
    expect(calendarDay('2027-06-30')).not.toContain('2027-06-30');
  });

  it('rewrites ISO instants in free text as local times', () => {
    expect(readableTimes(`from ${at} until 2027-01-10T09:30:00+02:00`, context.time)).toBe(
      'from <07:00> until <07:30>',
    );
    expect(workOrderCode(7)).toBe('WO-000007');
  });
});

const entry = (rest: Partial<AuditEventView>): AuditEventView => ({
  id: '7',
  occurredAt: '2026-11-21T10:00:00.000Z',
  actorKind: 'person',
  actorSubject: 'sub-1',
  actorName: 'Dora Dispatcher',
  actorRole: 'dispatcher',
  action: 'dispatch.on_site',
  entityType: 'dispatch',
  entityId: '3f2b9c1a-0000-4000-8000-0000000000aa',
  before: null,
  after: null,
  requestId: null,
  event: null,
  ...rest,
});

describe('audit entries as sentences', () => {
  it('uses the typed event when the entry has one, and names what it is about', () => {
    const event = sample('dispatch.assigned', PEOPLE.engine);
    const typed = entry({ action: event.type, event });
    expect(entrySentence(typed, context)).toBe(eventSentence(event, context));
    expect(entitySubject(typed)).toBe('dispatch of WO-000042');
    expect(
      entitySubject(entry({ entityType: 'equipment', event: sample('equipment.retired') })),
    ).toBe('equipment CR-12');
  });

  it('tells an entry from before the catalogue by its action and changes, never its id', () => {
    const old = entry({ before: { status: 'en_route' }, after: { status: 'on_site' } });
    expect(entrySentence(old, context)).toBe('On site by Dora Dispatcher');
    const edited = entry({
      action: 'site.updated',
      entityType: 'site',
      before: { name: 'A', updatedAt: '2026-01-01T00:00:00Z' },
      after: { name: 'B', updatedAt: '2026-01-02T00:00:00Z' },
    });
    expect(entrySentence(edited, context)).toBe(
      'Site updated by Dora Dispatcher: changed the name',
    );
    expect(entitySubject(old)).toBe('dispatch #3f2b9c');
  });
});
