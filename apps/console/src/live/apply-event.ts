import type { Query, QueryClient, QueryKey } from '@tanstack/react-query';
import {
  type AuditEventView,
  type DispatchesListParams,
  type DispatchPage,
  type DispatchView,
  type DomainEvent,
  type DriverPage,
  type DriversListParams,
  type DriverView,
  type EquipmentListParams,
  type EquipmentPage,
  type EquipmentView,
  EventName,
  getApiClientsListQueryKey,
  getDispatchesCandidatesQueryKey,
  getDispatchesGetQueryKey,
  getDispatchesListQueryKey,
  getDriversGetQueryKey,
  getDriversListQueryKey,
  getDriversMeQueryKey,
  getEquipmentGetQueryKey,
  getEquipmentListQueryKey,
  getEquipmentTypesGetQueryKey,
  getEquipmentTypesListQueryKey,
  getQualificationsGetQueryKey,
  getQualificationsListQueryKey,
  getQueueListQueryKey,
  getSitesGetQueryKey,
  getSitesListQueryKey,
  getUsersListQueryKey,
  getWebhooksDeliveriesQueryKey,
  getWebhooksGetQueryKey,
  getWebhooksListQueryKey,
  getWorkOrdersGetQueryKey,
  getWorkOrdersListQueryKey,
  getWorkOrdersTimelineQueryKey,
  type WorkOrderDetailView,
} from '@dispatch/api-client';

/** Whether a query follows the live stream (all but `meta.live: false`: reports, the audit explorer). */
export function followsLiveUpdates(query: Query): boolean {
  return query.meta?.live !== false;
}

/** A key every query key starts with: invalidating it refetches every live query. */
export const EVERY_LIVE_QUERY: QueryKey = [];

/**
 * The console's query families, by the generated key functions: a list key without parameters is
 * the prefix of that list under any filter; a detail key names one record.
 */
const keys = {
  dispatches: () => getDispatchesListQueryKey(),
  dispatch: (id: string) => getDispatchesGetQueryKey(id),
  /** Hand dispatch: which units and drivers may take an order, and why not. */
  candidates: () => getDispatchesCandidatesQueryKey(),
  /** The queue says what blocks each order, from the state of units, drivers and qualifications. */
  queue: () => getQueueListQueryKey(),
  workOrders: () => getWorkOrdersListQueryKey(),
  workOrder: (id: string) => getWorkOrdersGetQueryKey(id),
  timeline: (workOrderId: string) => getWorkOrdersTimelineQueryKey(workOrderId),
  equipment: () => getEquipmentListQueryKey(),
  unit: (id: string) => getEquipmentGetQueryKey(id),
  equipmentTypes: () => getEquipmentTypesListQueryKey(),
  equipmentType: (id: string) => getEquipmentTypesGetQueryKey(id),
  drivers: () => getDriversListQueryKey(),
  driver: (id: string) => getDriversGetQueryKey(id),
  me: () => getDriversMeQueryKey(),
  sites: () => getSitesListQueryKey(),
  site: (id: string) => getSitesGetQueryKey(id),
  qualifications: () => getQualificationsListQueryKey(),
  qualification: (id: string) => getQualificationsGetQueryKey(id),
  users: () => getUsersListQueryKey(),
  /** Integrations (admins): machine clients, webhook endpoints and an endpoint's delivery log. */
  apiClients: () => getApiClientsListQueryKey(),
  webhooks: () => getWebhooksListQueryKey(),
  webhook: (id: string) => getWebhooksGetQueryKey(id),
  deliveries: (webhookId: string) => getWebhooksDeliveriesQueryKey(webhookId),
};

const KNOWN_EVENTS: ReadonlySet<string> = new Set(Object.values(EventName));

/**
 * The DomainEvent a stream message carries, or undefined when it is not one this console knows
 * (a newer API): the caller then refreshes everything rather than guess.
 */
export function parseDomainEvent(data: string): DomainEvent | undefined {
  try {
    const value: unknown = JSON.parse(data);
    if (!value || typeof value !== 'object') return undefined;
    const { type, payload, actor, entity } = value as Record<string, unknown>;
    if (typeof type !== 'string' || !KNOWN_EVENTS.has(type)) return undefined;
    if (!payload || typeof payload !== 'object' || !actor || !entity) return undefined;
    // The API builds the event from the same catalogue the client is generated from.
    return value as DomainEvent;
  } catch {
    return undefined;
  }
}

/** The event as a line of a work order's timeline (the API's view of the same outbox row). */
export function timelineItemOf(event: DomainEvent): AuditEventView {
  return {
    id: event.id,
    occurredAt: event.occurredAt,
    actorKind: event.actor.kind,
    actorSubject: event.actor.subject,
    actorName: event.actor.name,
    actorRole: event.actor.role,
    action: event.type,
    entityType: event.entity.type,
    entityId: event.entity.id,
    before: null,
    after: null,
    requestId: event.requestId,
    event,
  };
}

/** Returned by an edit when the query must be fetched again instead (what it lists has changed). */
const REFETCH = Symbol('refetch');

/**
 * Rewrites the cached data of the live queries under `queryKey` in place. `change` returns the new
 * data, the same object when nothing changed, or REFETCH. A query that is fetching at that moment
 * is fetched again too: its answer may have been read before the event.
 */
function edit<T>(
  client: QueryClient,
  queryKey: QueryKey,
  change: (data: T, key: QueryKey) => T | typeof REFETCH,
  stale: QueryKey[],
): void {
  for (const query of client.getQueryCache().findAll({ queryKey, predicate: followsLiveUpdates })) {
    const fetching = query.state.fetchStatus === 'fetching';
    const data = query.state.data as T | undefined;
    if (data === undefined) {
      if (fetching) stale.push(query.queryKey);
      continue;
    }
    const next = change(data, query.queryKey);
    if (next === REFETCH) {
      stale.push(query.queryKey);
    } else if (next !== data) {
      client.setQueryData<T>(query.queryKey, next);
      if (fetching) stale.push(query.queryKey);
    }
  }
}

/** The filter parameters of a list query (its key's second element, when there is one). */
function paramsOf<P>(key: QueryKey): P | undefined {
  const params = key[1];
  return params && typeof params === 'object' ? (params as P) : undefined;
}

/** Replaces one item of a page in place; the same page when the item is not on it. */
function patchItem<T extends { id: string }, P extends { items: T[] }>(
  page: P,
  id: string,
  change: (item: T) => T,
): P {
  const index = page.items.findIndex((item) => item.id === id);
  if (index < 0) return page;
  const item = change(page.items[index]);
  if (item === page.items[index]) return page;
  const items = page.items.slice();
  items[index] = item;
  return { ...page, items };
}

/**
 * A record's status moved `from` → `to` in every cached list: where the list's filter keeps it (or
 * never held it) the item is patched in place; where it now enters or leaves the list, that list
 * is fetched again (its total and paging change).
 */
function moveInLists<T extends { id: string }, P extends { items: T[] }>(
  client: QueryClient,
  listKey: QueryKey,
  filterOf: (key: QueryKey) => ((status: string) => boolean) | undefined,
  id: string,
  move: { from: string; to: string },
  change: (item: T) => T,
  stale: QueryKey[],
): void {
  edit<P>(
    client,
    listKey,
    (page, key) => {
      const fits = filterOf(key);
      if (fits && fits(move.from) !== fits(move.to)) return REFETCH;
      return patchItem<T, P>(page, id, change);
    },
    stale,
  );
}

const OPEN_DISPATCH = new Set(['assigned', 'acknowledged', 'en_route', 'on_site']);

function dispatchFilter(key: QueryKey): ((status: string) => boolean) | undefined {
  const wanted = paramsOf<DispatchesListParams>(key)?.status;
  if (!wanted) return undefined;
  return (status) => (wanted === 'open' ? OPEN_DISPATCH.has(status) : status === wanted);
}

function equipmentFilter(key: QueryKey): ((status: string) => boolean) | undefined {
  const wanted = paramsOf<EquipmentListParams>(key)?.status;
  return wanted ? (status) => status === wanted : undefined;
}

function dutyFilter(key: QueryKey): ((status: string) => boolean) | undefined {
  const wanted = paramsOf<DriversListParams>(key)?.dutyStatus;
  return wanted ? (status) => status === wanted : undefined;
}

/** Which timestamp of a dispatch each step sets. */
const STEP_AT = {
  acknowledged: 'acknowledgedAt',
  en_route: 'enRouteAt',
  on_site: 'onSiteAt',
  completed: 'completedAt',
  cancelled: 'cancelledAt',
} as const satisfies Record<string, keyof DispatchView>;

type DispatchStepEvent = Extract<
  DomainEvent,
  {
    type:
      | 'dispatch.acknowledged'
      | 'dispatch.en_route'
      | 'dispatch.on_site'
      | 'dispatch.completed'
      | 'dispatch.cancelled';
  }
>;

/** A dispatch took a step: its status and step time, wherever it is cached. */
function stepDispatch(client: QueryClient, event: DispatchStepEvent, stale: QueryKey[]): void {
  const { dispatch, from, at, workOrder } = event.payload;
  const to = dispatch.status;
  const field = STEP_AT[to as keyof typeof STEP_AT] as keyof DispatchView | undefined;
  // A completion brings its note (events recorded before notes existed have none to say).
  const note =
    event.type === 'dispatch.completed' && event.payload.note !== undefined
      ? { completionNote: event.payload.note }
      : {};
  const change = (item: DispatchView): DispatchView =>
    item.status === to && (!field || item[field] === at)
      ? item
      : { ...item, status: to, ...(field ? { [field]: at } : {}), ...note };
  moveInLists<DispatchView, DispatchPage>(
    client,
    keys.dispatches(),
    dispatchFilter,
    dispatch.id,
    { from, to },
    change,
    stale,
  );
  edit<DispatchView>(client, keys.dispatch(dispatch.id), change, stale);
  edit<WorkOrderDetailView>(
    client,
    keys.workOrder(workOrder.id),
    (order) =>
      order.dispatch?.id === dispatch.id && order.dispatch.status !== to
        ? { ...order, dispatch: { ...order.dispatch, status: to } }
        : order,
    stale,
  );
}

/** A unit's status moved (maintenance, retirement): in every cached equipment list and its detail. */
function moveUnit(
  client: QueryClient,
  event: { occurredAt: string; payload: { unit: { id: string }; from: string; to: string } },
  stale: QueryKey[],
): void {
  const { unit, from, to } = event.payload;
  const change = (item: EquipmentView): EquipmentView =>
    item.status === to
      ? item
      : { ...item, status: to as EquipmentView['status'], updatedAt: event.occurredAt };
  moveInLists<EquipmentView, EquipmentPage>(
    client,
    keys.equipment(),
    equipmentFilter,
    unit.id,
    { from, to },
    change,
    stale,
  );
  edit<EquipmentView>(client, keys.unit(unit.id), change, stale);
}

/** A driver went on or off duty: in every cached driver list, its detail, and the driver's own page. */
function changeDuty(
  client: QueryClient,
  event: Extract<DomainEvent, { type: 'driver.duty_changed' }>,
  stale: QueryKey[],
): void {
  const { driver, from, to } = event.payload;
  const change = (item: DriverView): DriverView =>
    item.dutyStatus === to ? item : { ...item, dutyStatus: to, updatedAt: event.occurredAt };
  moveInLists<DriverView, DriverPage>(
    client,
    keys.drivers(),
    dutyFilter,
    driver.id,
    { from, to },
    change,
    stale,
  );
  edit<DriverView>(client, keys.driver(driver.id), change, stale);
  edit<DriverView>(client, keys.me(), (me) => (me.id === driver.id ? change(me) : me), stale);
}

/** Orders by (occurredAt, position), as the API lists a timeline. */
function timelineOrder(a: AuditEventView, b: AuditEventView): number {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt < b.occurredAt ? -1 : 1;
  const [x, y] = [BigInt(a.id), BigInt(b.id)];
  return x === y ? 0 : x < y ? -1 : 1;
}

/** A work order's event joins its timeline, if that is cached (once, in its place). */
function extendTimeline(
  client: QueryClient,
  workOrderId: string,
  event: DomainEvent,
  stale: QueryKey[],
): void {
  edit<AuditEventView[]>(
    client,
    keys.timeline(workOrderId),
    (items) =>
      items.some((item) => item.id === event.id)
        ? items
        : [...items, timelineItemOf(event)].sort(timelineOrder),
    stale,
  );
}

/** The cached driver profile of the signed-in driver, when it is this driver (or not known yet). */
function meIfDriver(client: QueryClient, driverId: string): QueryKey[] {
  const me = client.getQueryData<DriverView>(keys.me());
  return !me || me.id === driverId ? [keys.me()] : [];
}

/**
 * Brings the query cache up to date with one committed domain event. What the payload says fully
 * (a dispatch step, a unit's or a driver's status, a new line of a timeline) is written into the
 * cached lists and details at once, without a request; what it does not is returned as the query
 * families to fetch again (prefix keys, from the generated key functions), for the caller to batch.
 * Queries marked `meta: { live: false }` are neither patched nor returned.
 */
/** What booking or freeing a unit changes besides the dispatch: the queue, the order, the units. */
function bookingKeys(workOrderId: string, ...unitIds: string[]): QueryKey[] {
  return [
    keys.queue(),
    keys.workOrder(workOrderId),
    keys.equipment(),
    ...unitIds.map((unitId) => keys.unit(unitId)),
    keys.candidates(),
  ];
}

export function applyDomainEvent(client: QueryClient, event: DomainEvent): QueryKey[] {
  const stale: QueryKey[] = [];
  switch (event.type) {
    case 'dispatch.acknowledged':
    case 'dispatch.en_route':
    case 'dispatch.on_site':
      stepDispatch(client, event, stale);
      extendTimeline(client, event.payload.workOrder.id, event, stale);
      break;
    case 'dispatch.completed':
    case 'dispatch.cancelled': {
      const { unit, workOrder } = event.payload;
      stepDispatch(client, event, stale);
      extendTimeline(client, workOrder.id, event, stale);
      // The unit and the driver are free again; the order is closed (or back in the queue).
      stale.push(keys.workOrders(), ...bookingKeys(workOrder.id, unit.id));
      break;
    }
    case 'dispatch.assigned': {
      const { dispatch, unit, workOrder } = event.payload;
      extendTimeline(client, workOrder.id, event, stale);
      // A new dispatch: the order leaves the queue, the unit is taken.
      stale.push(
        keys.dispatches(),
        keys.dispatch(dispatch.id),
        keys.workOrders(),
        ...bookingKeys(workOrder.id, unit.id),
      );
      break;
    }
    case 'dispatch.reassigned': {
      const { dispatch, workOrder, from, to } = event.payload;
      extendTimeline(client, workOrder.id, event, stale);
      stale.push(
        keys.dispatches(),
        keys.dispatch(dispatch.id),
        ...bookingKeys(workOrder.id, from.unit.id, to.unit.id),
      );
      break;
    }
    case 'work_order.created':
    case 'work_order.queued':
    case 'work_order.updated': {
      const { workOrder } = event.payload;
      extendTimeline(client, workOrder.id, event, stale);
      stale.push(keys.queue(), keys.workOrders(), keys.workOrder(workOrder.id));
      // An edited order may need another type of unit or other qualifications.
      if (event.type === 'work_order.updated') stale.push(keys.candidates());
      break;
    }
    case 'work_order.completed':
    case 'work_order.cancelled': {
      const { workOrder, dispatchId } = event.payload;
      extendTimeline(client, workOrder.id, event, stale);
      stale.push(keys.queue(), keys.workOrders(), keys.workOrder(workOrder.id));
      if (dispatchId) stale.push(keys.dispatches(), keys.dispatch(dispatchId));
      break;
    }
    case 'equipment.maintenance_started':
    case 'equipment.maintenance_ended':
    case 'equipment.retired':
    case 'equipment.reinstated':
      moveUnit(client, event, stale);
      // What blocks a queued order, and who may take one, depend on which units are free.
      stale.push(keys.queue(), keys.candidates());
      break;
    case 'equipment.created':
      stale.push(keys.equipment(), keys.queue(), keys.candidates());
      break;
    case 'equipment.updated': {
      const { unit, changed } = event.payload;
      stale.push(keys.equipment(), keys.unit(unit.id), keys.queue(), keys.candidates());
      // Dispatches carry their unit's code and name.
      if (changed.includes('code') || changed.includes('name')) stale.push(keys.dispatches());
      break;
    }
    case 'equipment_type.created':
      stale.push(keys.equipmentTypes());
      break;
    case 'equipment_type.updated':
    case 'equipment_type.deleted':
      stale.push(
        keys.equipmentTypes(),
        keys.equipmentType(event.payload.equipmentType.id),
        keys.queue(),
        keys.candidates(),
      );
      break;
    case 'driver.duty_changed':
      changeDuty(client, event, stale);
      stale.push(keys.queue(), keys.candidates());
      break;
    case 'driver.created':
      stale.push(keys.drivers(), keys.queue(), keys.candidates());
      break;
    case 'driver.updated':
    case 'driver.deleted':
    case 'driver.qualification_added':
    case 'driver.qualification_renewed':
    case 'driver.qualification_removed': {
      const { driver } = event.payload;
      stale.push(
        keys.drivers(),
        keys.driver(driver.id),
        ...meIfDriver(client, driver.id),
        keys.queue(),
        keys.candidates(),
      );
      break;
    }
    case 'driver.login_linked': {
      const { driver } = event.payload;
      // The newly linked driver's own page may exist only now.
      stale.push(keys.drivers(), keys.driver(driver.id), ...meIfDriver(client, driver.id));
      break;
    }
    case 'site.created':
      stale.push(keys.sites());
      break;
    case 'site.updated':
    case 'site.deleted':
      // Candidates are ranked by their distance from the order's site.
      stale.push(keys.sites(), keys.site(event.payload.site.id), keys.candidates());
      break;
    case 'qualification.created':
      stale.push(keys.qualifications());
      break;
    case 'qualification.updated':
    case 'qualification.deleted':
      // Drivers and equipment types show the codes they hold or require; blockers name them.
      stale.push(
        keys.qualifications(),
        keys.qualification(event.payload.qualification.id),
        keys.drivers(),
        keys.equipmentTypes(),
        keys.queue(),
        keys.candidates(),
      );
      break;
    case 'user.created':
    case 'user.updated':
    case 'user.disabled':
    case 'user.password_reset':
      stale.push(keys.users());
      break;
    case 'api_client.created':
    case 'api_client.deleted':
    case 'api_client.secret_rotated':
      // The list shows when a client's secret was last rotated; no secret is ever in an event.
      stale.push(keys.apiClients());
      break;
    case 'webhook.created':
      stale.push(keys.webhooks());
      break;
    case 'webhook.updated': {
      const { webhook, changed } = event.payload;
      stale.push(keys.webhooks(), keys.webhook(webhook.id));
      // Re-enabling an endpoint sends its waiting deliveries again at once.
      if (changed.includes('enabled')) stale.push(keys.deliveries(webhook.id));
      break;
    }
    case 'webhook.secret_rotated':
      stale.push(keys.webhooks(), keys.webhook(event.payload.webhook.id));
      break;
    case 'webhook.disabled': {
      // Disabled after failing: its state, reason and failure clock are in the list and the detail.
      const { webhook } = event.payload;
      stale.push(keys.webhooks(), keys.webhook(webhook.id));
      break;
    }
    case 'webhook.deleted':
      // Its detail and log are gone (they would answer 404): the list drops it, and with it the
      // screens that showed them.
      stale.push(keys.webhooks());
      break;
    case 'tenant.seeded':
      stale.push(EVERY_LIVE_QUERY);
      break;
    default: {
      // Every type of the catalogue is handled above (the compiler checks it). Should an event of
      // a newer API come through all the same, everything is refreshed rather than a change missed.
      const exhaustive: never = event;
      void exhaustive;
      stale.push(EVERY_LIVE_QUERY);
    }
  }
  return stale;
}
