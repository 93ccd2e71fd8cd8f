import { partialMatchKey, QueryClient, type QueryKey } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AuditEventView,
  type DispatchPage,
  type DispatchView,
  type DomainEvent,
  type DriverPage,
  type DriverView,
  type EquipmentPage,
  type EquipmentView,
  getApiClientsListQueryKey,
  getDispatchesCandidatesQueryKey,
  getDispatchesGetQueryKey,
  getDispatchesListQueryKey,
  getDriversListQueryKey,
  getDriversMeQueryKey,
  getEquipmentListQueryKey,
  getEquipmentTypesListQueryKey,
  getQualificationsListQueryKey,
  getQueueListQueryKey,
  getReportsQueueQueryKey,
  getSitesListQueryKey,
  getUsersListQueryKey,
  getWebhooksDeliveriesQueryKey,
  getWebhooksDeliveryQueryKey,
  getWebhooksGetQueryKey,
  getWebhooksListQueryKey,
  getWorkOrdersGetQueryKey,
  getWorkOrdersListQueryKey,
  getWorkOrdersTimelineQueryKey,
  type WorkOrderDetailView,
} from '@dispatch/api-client';
import {
  applyDomainEvent,
  EVERY_LIVE_QUERY,
  parseDomainEvent,
  timelineItemOf,
} from './apply-event';
import {
  assignedEvent,
  dispatchView,
  DRIVER,
  domainEvent,
  integrationEvent,
  ORDER,
  PEOPLE,
  stepEvent,
  UNIT,
} from './domain-events.fixtures';

const dispatch = dispatchView;

const page = <T>(items: T[]) => ({ items, total: items.length, limit: 200, offset: 0 });

const unit = (id: string, code: string, status: EquipmentView['status']): EquipmentView => ({
  id,
  code,
  name: code,
  equipmentTypeId: 't-1',
  status,
  latitude: null,
  longitude: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

const driver = (id: string, name: string, dutyStatus: DriverView['dutyStatus']): DriverView => ({
  id,
  name,
  dutyStatus,
  email: null,
  phone: null,
  username: null,
  qualifications: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

/** The keys the console's screens use (Board, DriverView, MasterData, the timeline). */
const KEY = {
  openDispatches: getDispatchesListQueryKey({ status: 'open', limit: 200 }),
  driverOpen: getDispatchesListQueryKey({ status: 'open', limit: 5 }),
  history: getDispatchesListQueryKey({ limit: 20 }),
  enRouteOnly: getDispatchesListQueryKey({ status: 'en_route' }),
  dispatch: getDispatchesGetQueryKey('d-1'),
  queue: getQueueListQueryKey({ limit: 200 }),
  dispatchedOrders: getWorkOrdersListQueryKey({ status: 'dispatched', limit: 200 }),
  order: getWorkOrdersGetQueryKey(ORDER.id),
  timeline: getWorkOrdersTimelineQueryKey(ORDER.id),
  otherTimeline: getWorkOrdersTimelineQueryKey('wo-2'),
  equipment: getEquipmentListQueryKey({ limit: 200 }),
  availableUnits: getEquipmentListQueryKey({ status: 'available' }),
  drivers: getDriversListQueryKey({ limit: 200 }),
  onDuty: getDriversListQueryKey({ dutyStatus: 'on_duty' }),
  me: getDriversMeQueryKey(),
  candidates: getDispatchesCandidatesQueryKey({ workOrderId: 'wo-3' }),
  sites: getSitesListQueryKey({ limit: 200 }),
  types: getEquipmentTypesListQueryKey({ limit: 200 }),
  qualifications: getQualificationsListQueryKey({ limit: 200 }),
  users: getUsersListQueryKey(),
  report: getReportsQueueQueryKey({ from: '2026-11-01', to: '2026-11-21' }),
  audit: ['/api/v1/audit', 'pages', {}, 50] as QueryKey,
  frozenDispatches: getDispatchesListQueryKey({ status: 'open', limit: 7 }),
  apiClients: getApiClientsListQueryKey({ limit: 200 }),
  webhooks: getWebhooksListQueryKey({ limit: 200 }),
  webhook: getWebhooksGetQueryKey('wh-1'),
  deliveries: getWebhooksDeliveriesQueryKey('wh-1', { limit: 20, offset: 0 }),
  failedDeliveries: getWebhooksDeliveriesQueryKey('wh-1', {
    limit: 20,
    offset: 0,
    status: 'failed',
  }),
  otherDeliveries: getWebhooksDeliveriesQueryKey('wh-2', { limit: 20, offset: 0 }),
  delivery: getWebhooksDeliveryQueryKey('wh-1', 'dl-1'),
};

let client: QueryClient;

/** A query the live stream must leave alone, as the reports and the audit explorer declare it. */
function seedFrozen(queryKey: QueryKey, data: unknown) {
  client.getQueryCache().build(client, { queryKey, meta: { live: false } });
  client.setQueryData(queryKey, data);
}

beforeEach(() => {
  client = new QueryClient();
  client.setQueryData<DispatchPage>(
    KEY.openDispatches,
    page([dispatch('d-1', 'acknowledged'), dispatch('d-2', 'assigned')]),
  );
  client.setQueryData<DispatchPage>(KEY.driverOpen, page([dispatch('d-1', 'acknowledged')]));
  client.setQueryData<DispatchPage>(
    KEY.history,
    page([dispatch('d-1', 'acknowledged'), dispatch('d-0', 'completed')]),
  );
  client.setQueryData<DispatchPage>(KEY.enRouteOnly, page([dispatch('d-3', 'en_route')]));
  client.setQueryData<DispatchView>(KEY.dispatch, dispatch('d-1', 'acknowledged'));
  client.setQueryData(KEY.queue, page([]));
  client.setQueryData(KEY.dispatchedOrders, page([]));
  client.setQueryData<Partial<WorkOrderDetailView>>(KEY.order, {
    id: ORDER.id,
    number: 'WO-000042',
    status: 'dispatched',
    dispatch: { id: 'd-1', status: 'acknowledged', driverId: DRIVER.id, equipmentId: UNIT.id },
  });
  client.setQueryData<AuditEventView[]>(KEY.timeline, [
    timelineItemOf(domainEvent('work_order.created', createdPayload(), { id: '10' })),
  ]);
  client.setQueryData<AuditEventView[]>(KEY.otherTimeline, []);
  client.setQueryData<EquipmentPage>(
    KEY.equipment,
    page([unit(UNIT.id, UNIT.code, 'available'), unit('u-2', 'CR-13', 'dispatched')]),
  );
  client.setQueryData<EquipmentPage>(
    KEY.availableUnits,
    page([unit(UNIT.id, UNIT.code, 'available')]),
  );
  client.setQueryData<DriverPage>(
    KEY.drivers,
    page([driver(DRIVER.id, DRIVER.name, 'off_duty'), driver('dr-2', 'Bo Berg', 'on_duty')]),
  );
  client.setQueryData<DriverPage>(KEY.onDuty, page([driver('dr-2', 'Bo Berg', 'on_duty')]));
  client.setQueryData<DriverView>(KEY.me, driver(DRIVER.id, DRIVER.name, 'off_duty'));
  client.setQueryData(KEY.candidates, { units: [], drivers: [] });
  client.setQueryData(KEY.sites, page([]));
  client.setQueryData(KEY.types, page([]));
  client.setQueryData(KEY.qualifications, page([]));
  client.setQueryData(KEY.users, []);
  client.setQueryData(KEY.apiClients, page([]));
  client.setQueryData(KEY.webhooks, page([]));
  client.setQueryData(KEY.webhook, { id: 'wh-1' });
  client.setQueryData(KEY.deliveries, page([]));
  client.setQueryData(KEY.failedDeliveries, page([]));
  client.setQueryData(KEY.otherDeliveries, page([]));
  client.setQueryData(KEY.delivery, { id: 'dl-1' });
  seedFrozen(KEY.report, []);
  seedFrozen(KEY.audit, { pages: [], pageParams: [] });
  seedFrozen(KEY.frozenDispatches, page([dispatch('d-1', 'acknowledged')]));
});

afterEach(() => client.clear());

function createdPayload() {
  return {
    workOrder: {
      ...ORDER,
      title: 'Lift HVAC units',
      priority: 'urgent' as const,
      siteId: 's-1',
      equipmentTypeId: 't-1',
      windowStart: null,
      windowEnd: null,
    },
  };
}

/** Applies the event and invalidates what it names, as the live stream does at the end of a burst. */
async function apply(event: DomainEvent): Promise<string[]> {
  const stale = applyDomainEvent(client, event);
  await client.invalidateQueries({
    predicate: (query) =>
      query.meta?.live !== false && stale.some((prefix) => partialMatchKey(query.queryKey, prefix)),
  });
  return invalidated();
}

/** Names (KEY entries) of the seeded queries now marked invalidated. */
function invalidated(): string[] {
  return Object.entries(KEY)
    .filter(([, key]) => client.getQueryState(key)?.isInvalidated)
    .map(([name]) => name)
    .sort();
}

const items = <T>(key: QueryKey) => client.getQueryData<{ items: T[] }>(key)?.items ?? [];
const statusOf = (key: QueryKey, id: string) =>
  items<DispatchView>(key).find((item) => item.id === id)?.status;

describe('a dispatch step', () => {
  it('moves the dispatch in every cached list, its detail and its order, fetching nothing else', async () => {
    const stale = await apply(
      stepEvent('dispatch.en_route', 'acknowledged', '2026-11-21T10:05:00Z'),
    );
    // Only the list of dispatches en route is fetched: the dispatch joins it.
    expect(stale).toEqual(['enRouteOnly']);
    for (const key of [KEY.openDispatches, KEY.driverOpen, KEY.history])
      expect(items<DispatchView>(key).find((item) => item.id === 'd-1')).toMatchObject({
        status: 'en_route',
        enRouteAt: '2026-11-21T10:05:00Z',
        acknowledgedAt: null,
      });
    expect(statusOf(KEY.openDispatches, 'd-2')).toBe('assigned');
    expect(client.getQueryData<DispatchView>(KEY.dispatch)).toMatchObject({
      status: 'en_route',
      enRouteAt: '2026-11-21T10:05:00Z',
    });
    expect(client.getQueryData<WorkOrderDetailView>(KEY.order)?.dispatch?.status).toBe('en_route');
  });

  it('refetches a list the dispatch enters or leaves by its status filter, and only that one', () => {
    const stale = applyDomainEvent(
      client,
      stepEvent('dispatch.on_site', 'en_route', undefined, 'd-3'),
    );
    expect(stale).toEqual([KEY.enRouteOnly]);
  });

  it('adds the step to the cached timeline of its order, in its place and only once', () => {
    const event = stepEvent('dispatch.acknowledged', 'assigned', '2026-11-21T10:01:00.000Z');
    applyDomainEvent(client, event);
    applyDomainEvent(client, event);
    const timeline = client.getQueryData<AuditEventView[]>(KEY.timeline) ?? [];
    expect(timeline.map((item) => item.action)).toEqual([
      'work_order.created',
      'dispatch.acknowledged',
    ]);
    expect(timeline[1]).toMatchObject({
      id: event.id,
      actorKind: 'person',
      actorName: 'Ann Lee',
      actorRole: 'driver',
      entityType: 'dispatch',
      entityId: 'd-1',
      event,
    });
    expect(client.getQueryData(KEY.otherTimeline)).toEqual([]);
  });

  it('keeps the timeline in the API’s order when events arrive out of it', () => {
    const late = stepEvent('dispatch.on_site', 'en_route', '2026-11-21T10:09:00.000Z');
    const early = stepEvent('dispatch.en_route', 'acknowledged', '2026-11-21T10:05:00.000Z');
    applyDomainEvent(client, late);
    applyDomainEvent(client, early);
    expect(client.getQueryData<AuditEventView[]>(KEY.timeline)?.map((item) => item.action)).toEqual(
      ['work_order.created', 'dispatch.en_route', 'dispatch.on_site'],
    );
  });

  it('completes a dispatch: patched where it stays listed, the rest of its world refetched', async () => {
    const stale = await apply(stepEvent('dispatch.completed', 'on_site', '2026-11-21T11:00:00Z'));
    expect(items<DispatchView>(KEY.history)[0]).toMatchObject({
      status: 'completed',
      completedAt: '2026-11-21T11:00:00Z',
    });
    expect(stale).toEqual(
      [
        'candidates',
        'dispatchedOrders',
        'driverOpen',
        'equipment',
        'availableUnits',
        'openDispatches',
        'order',
        'queue',
      ].sort(),
    );
  });

  it('brings a completion’s note to the dispatch wherever it stays listed', () => {
    const event = stepEvent('dispatch.completed', 'on_site', '2026-11-21T11:00:00Z');
    applyDomainEvent(client, {
      ...event,
      payload: { ...event.payload, note: 'Key left with the site office' },
    });
    expect(items<DispatchView>(KEY.history)[0]).toMatchObject({
      status: 'completed',
      completionNote: 'Key left with the site office',
    });
  });

  it('leaves a query marked live: false as it was', () => {
    applyDomainEvent(client, stepEvent('dispatch.en_route', 'acknowledged'));
    expect(statusOf(KEY.frozenDispatches, 'd-1')).toBe('acknowledged');
  });

  it('refetches a query that was loading when the event came: its answer may predate it', () => {
    const loading = getDispatchesListQueryKey({ status: 'open', limit: 9 });
    void client.prefetchQuery({
      queryKey: loading,
      queryFn: () => new Promise<DispatchPage>(() => {}),
    });
    expect(applyDomainEvent(client, stepEvent('dispatch.acknowledged', 'assigned'))).toEqual([
      loading,
    ]);
  });
});

describe('a unit or a driver changing status', () => {
  it('puts a unit into maintenance in the cached lists; queue and candidates refetched', async () => {
    const event = domainEvent(
      'equipment.maintenance_started',
      { unit: UNIT, from: 'available', to: 'maintenance' },
      { entity: { type: 'equipment', id: UNIT.id } },
    );
    const stale = await apply(event);
    expect(items<EquipmentView>(KEY.equipment).map((item) => item.status)).toEqual([
      'maintenance',
      'dispatched',
    ]);
    // The "available" list no longer holds it: that list is fetched again.
    expect(stale).toEqual(['availableUnits', 'candidates', 'queue']);
  });

  it('reinstates a unit the same way', async () => {
    client.setQueryData<EquipmentPage>(KEY.equipment, page([unit(UNIT.id, UNIT.code, 'retired')]));
    await apply(
      domainEvent('equipment.reinstated', { unit: UNIT, from: 'retired', to: 'available' }),
    );
    expect(items<EquipmentView>(KEY.equipment)[0].status).toBe('available');
  });

  it('sets a driver on duty in the cached lists and on the driver’s own page', async () => {
    const stale = await apply(
      domainEvent(
        'driver.duty_changed',
        { driver: DRIVER, from: 'off_duty', to: 'on_duty' },
        {
          occurredAt: '2026-11-21T12:00:00.000Z',
        },
      ),
    );
    expect(items<DriverView>(KEY.drivers)[0]).toMatchObject({
      dutyStatus: 'on_duty',
      updatedAt: '2026-11-21T12:00:00.000Z',
    });
    expect(items<DriverView>(KEY.drivers)[1].dutyStatus).toBe('on_duty');
    expect(client.getQueryData<DriverView>(KEY.me)?.dutyStatus).toBe('on_duty');
    expect(stale).toEqual(['candidates', 'onDuty', 'queue']);
  });
});

describe('events whose payload does not carry the new state', () => {
  it('a new dispatch: its lists, the queue, the orders and the units; not the drivers', async () => {
    const stale = await apply(assignedEvent());
    expect(stale).toEqual(
      [
        'candidates',
        'dispatch',
        'dispatchedOrders',
        'driverOpen',
        'enRouteOnly',
        'equipment',
        'availableUnits',
        'history',
        'openDispatches',
        'order',
        'queue',
      ].sort(),
    );
    expect(client.getQueryData<AuditEventView[]>(KEY.timeline)).toHaveLength(2);
  });

  it.each<[string, DomainEvent, string[]]>([
    [
      'work_order.created',
      domainEvent('work_order.created', createdPayload()),
      ['dispatchedOrders', 'order', 'queue'],
    ],
    [
      'work_order.cancelled',
      domainEvent('work_order.cancelled', { workOrder: ORDER, dispatchId: null }),
      ['dispatchedOrders', 'order', 'queue'],
    ],
    [
      'dispatch.reassigned',
      domainEvent('dispatch.reassigned', {
        dispatch: { id: 'd-1', status: 'en_route' },
        workOrder: ORDER,
        from: { unit: UNIT, driver: DRIVER },
        to: { unit: { id: 'u-2', code: 'CR-13' }, driver: DRIVER },
      }),
      [
        'availableUnits',
        'candidates',
        'dispatch',
        'driverOpen',
        'enRouteOnly',
        'equipment',
        'history',
        'openDispatches',
        'order',
        'queue',
      ],
    ],
    [
      'site.created',
      domainEvent('site.created', { site: { id: 's-2', name: 'Pier 4' } }),
      ['sites'],
    ],
    [
      'qualification.updated',
      domainEvent('qualification.updated', {
        qualification: { id: 'q-1', code: 'hazmat', name: 'Hazardous goods' },
        changed: ['name'],
      }),
      ['candidates', 'drivers', 'onDuty', 'qualifications', 'queue', 'types'],
    ],
    [
      'equipment_type.created',
      domainEvent('equipment_type.created', {
        equipmentType: { id: 't-2', code: 'crane-90t', name: 'Crane 90 t' },
      }),
      ['types'],
    ],
    [
      'user.created',
      domainEvent('user.created', { user: { id: 'x', username: 'nora' }, role: 'dispatcher' }),
      ['users'],
    ],
    [
      'driver.qualification_added',
      domainEvent('driver.qualification_added', {
        driver: { id: 'dr-2', name: 'Bo Berg' },
        qualification: { id: 'q-1', code: 'hazmat' },
        expiresAt: '2027-01-01',
        previousExpiresAt: null,
      }),
      // The signed-in driver is someone else: their page stays.
      ['candidates', 'drivers', 'onDuty', 'queue'],
    ],
  ])('%s refetches only its families', async (_type, event, expected) => {
    expect(await apply(event)).toEqual(expected.sort());
  });

  it.each<[string, DomainEvent, string[]]>([
    ['webhook.created', integrationEvent('webhook.created'), ['webhooks']],
    [
      'webhook.updated (its URL)',
      integrationEvent('webhook.updated', { changed: ['url'] }),
      ['webhook', 'webhooks'],
    ],
    [
      'webhook.updated (re-enabled)',
      integrationEvent('webhook.updated', { changed: ['enabled'] }),
      // Waiting deliveries are sent again at once: this endpoint's log, under any filter.
      ['deliveries', 'failedDeliveries', 'webhook', 'webhooks'],
    ],
    ['webhook.secret_rotated', integrationEvent('webhook.secret_rotated'), ['webhook', 'webhooks']],
    [
      'webhook.disabled',
      integrationEvent('webhook.disabled', {
        reason: 'Every delivery failed for 24 h (last: HTTP 503)',
        failingSince: '2026-11-20T10:00:00.000Z',
      }),
      ['webhook', 'webhooks'],
    ],
    // Its detail and log answer 404 now: only the list is read again.
    ['webhook.deleted', integrationEvent('webhook.deleted'), ['webhooks']],
    ['api_client.created', integrationEvent('api_client.created'), ['apiClients']],
    ['api_client.secret_rotated', integrationEvent('api_client.secret_rotated'), ['apiClients']],
    ['api_client.deleted', integrationEvent('api_client.deleted'), ['apiClients']],
  ])('%s refetches only the integrations it changes', async (_type, event, expected) => {
    expect(await apply(event)).toEqual(expected.sort());
  });

  it('refetches every live query after a reseed, never the reports or the audit explorer', async () => {
    expect(
      applyDomainEvent(client, domainEvent('tenant.seeded', { counts: { sites: 3 } })),
    ).toEqual([EVERY_LIVE_QUERY]);
    const stale = await apply(domainEvent('tenant.seeded', { counts: {} }));
    expect(stale).not.toContain('report');
    expect(stale).not.toContain('audit');
    expect(stale).not.toContain('frozenDispatches');
    expect(stale).toContain('users');
    expect(stale).toContain('webhooks');
  });
});

describe('reading the stream', () => {
  it('takes a typed event, and refuses what this console does not know', () => {
    const event = stepEvent('dispatch.en_route', 'acknowledged');
    expect(parseDomainEvent(JSON.stringify(event))).toEqual(event);
    expect(parseDomainEvent(JSON.stringify({ ...event, type: 'dispatch.teleported' }))).toBe(
      undefined,
    );
    expect(parseDomainEvent('{"type":"dispatch.en_route"}')).toBe(undefined);
    expect(parseDomainEvent('not json')).toBe(undefined);
    expect(parseDomainEvent('null')).toBe(undefined);
  });

  it('gives a machine client’s event its kind in the timeline', () => {
    const item = timelineItemOf(
      domainEvent('work_order.created', createdPayload(), { actor: PEOPLE.erp }),
    );
    expect(item).toMatchObject({ actorKind: 'machine', actorName: 'service-account-erp-sync' });
    expect(item.before).toBe(null);
  });
});
