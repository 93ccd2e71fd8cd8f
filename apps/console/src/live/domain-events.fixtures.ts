import type { DispatchView, DomainEvent, EventActor } from '@dispatch/api-client';

/** Test fixtures: typed domain events as the API sends them, for the live and timeline specs. */

type EventOf<T extends DomainEvent['type']> = Extract<DomainEvent, { type: T }>;

export const PEOPLE = {
  dispatcher: {
    kind: 'person',
    subject: 'sub-dora',
    name: 'Dora Dispatcher',
    role: 'dispatcher',
  },
  driver: { kind: 'person', subject: 'sub-ann', name: 'Ann Lee', role: 'driver' },
  engine: { kind: 'engine', subject: 'auto', name: 'Dispatch engine', role: null },
  erp: {
    kind: 'machine',
    subject: 'sub-erp',
    name: 'service-account-erp-sync',
    role: 'dispatcher',
  },
} as const satisfies Record<string, EventActor>;

let position = 100;

/** One event of a type with its payload; ids count up like positions in the event log. */
export function domainEvent<T extends DomainEvent['type']>(
  type: T,
  payload: EventOf<T>['payload'],
  rest: Partial<Pick<DomainEvent, 'id' | 'occurredAt' | 'actor' | 'entity' | 'requestId'>> = {},
): EventOf<T> {
  position += 1;
  return {
    id: String(position),
    type,
    occurredAt: '2026-11-21T10:00:00.000Z',
    actor: PEOPLE.dispatcher,
    entity: { type: type.slice(0, type.indexOf('.')), id: null },
    payload,
    requestId: 'req-1',
    ...rest,
  } as EventOf<T>;
}

export const ORDER = { id: 'wo-1', number: 42, externalRef: 'PO-7781' };
export const UNIT = { id: 'u-1', code: 'CR-12' };
export const DRIVER = { id: 'dr-1', name: 'Ann Lee' };

type StepType =
  | 'dispatch.acknowledged'
  | 'dispatch.en_route'
  | 'dispatch.on_site'
  | 'dispatch.completed'
  | 'dispatch.cancelled';

/** A dispatch's step, `from` → the step the type names. */
export function stepEvent<T extends StepType>(
  type: T,
  from: EventOf<T>['payload']['from'],
  at = '2026-11-21T10:05:00.000Z',
  dispatchId = 'd-1',
): EventOf<T> {
  const to = type.slice('dispatch.'.length) as EventOf<T>['payload']['dispatch']['status'];
  return domainEvent(
    type,
    {
      dispatch: { id: dispatchId, status: to },
      workOrder: ORDER,
      unit: UNIT,
      driver: DRIVER,
      from,
      at,
    } as EventOf<T>['payload'],
    { actor: PEOPLE.driver, entity: { type: 'dispatch', id: dispatchId }, occurredAt: at },
  );
}

export function assignedEvent(
  mode: 'automatic' | 'manual' = 'automatic',
): EventOf<'dispatch.assigned'> {
  return domainEvent(
    'dispatch.assigned',
    {
      dispatch: { id: 'd-1', status: 'assigned' },
      workOrder: ORDER,
      unit: UNIT,
      driver: DRIVER,
      mode,
      distanceKm: 3.24,
      queuedSeconds: 4 * 60 + 10,
    },
    {
      actor: mode === 'automatic' ? PEOPLE.engine : PEOPLE.dispatcher,
      entity: { type: 'dispatch', id: 'd-1' },
    },
  );
}

/** A dispatch as the API lists it: `d-1` is on ORDER, with UNIT and DRIVER. */
export function dispatchView(id: string, status: DispatchView['status']): DispatchView {
  return {
    id,
    workOrderId: id === 'd-1' ? ORDER.id : `wo-of-${id}`,
    workOrderNumber: id === 'd-1' ? 'WO-000042' : 'WO-000099',
    workOrderTitle: 'Lift the rooftop units',
    siteName: 'Riverside Tower',
    equipmentId: UNIT.id,
    equipmentCode: UNIT.code,
    equipmentName: 'Liebherr LTM 1060',
    driverId: DRIVER.id,
    status,
    dispatchedBy: 'auto',
    assignedAt: '2026-11-21T09:00:00.000Z',
    acknowledgedAt: null,
    enRouteAt: null,
    onSiteAt: null,
    completedAt: null,
    cancelledAt: null,
    completionNote: null,
  };
}

/** A webhook endpoint as its events name it. */
export const WEBHOOK = {
  id: 'wh-1',
  url: 'https://erp.example.com/dispatch/webhooks',
  events: ['work_order.created', 'dispatch.completed'],
};

/** An ERP's machine client as its events name it (never with a secret). */
export const API_CLIENT = {
  id: 'ac-1',
  clientId: 'acme-sap-s4-1a2b3c4d',
  name: 'SAP S/4',
  role: 'dispatcher' as const,
};

type IntegrationType = Extract<DomainEvent['type'], `webhook.${string}` | `api_client.${string}`>;

/** An admin's change to the integrations (webhook.* and api_client.*), about WEBHOOK or API_CLIENT. */
export function integrationEvent<T extends IntegrationType>(
  type: T,
  extra: Partial<EventOf<T>['payload']> = {},
): EventOf<T> {
  const isWebhook = type.startsWith('webhook.');
  return domainEvent(
    type,
    {
      ...(isWebhook ? { webhook: WEBHOOK } : { apiClient: API_CLIENT }),
      ...extra,
    } as EventOf<T>['payload'],
    {
      actor: { kind: 'person', subject: 'sub-ada', name: 'Ada Admin', role: 'admin' },
      entity: isWebhook
        ? { type: 'webhook', id: WEBHOOK.id }
        : { type: 'api_client', id: API_CLIENT.id },
    },
  );
}
