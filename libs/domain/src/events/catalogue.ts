import { z } from 'zod';
import { DispatchStatus, DutyStatus, EquipmentStatus, Priority, Role } from '../enums';

/**
 * Every domain event the product emits: its name, and the shape of its payload. One catalogue
 * for the outbox, the live stream, the timeline, webhooks and the OpenAPI document (from which
 * the console's client is generated), so all of them agree on what happened.
 *
 * Payloads name what a reader needs to say what happened (numbers, codes, names, the ERP's
 * externalRef) so no consumer has to look anything up.
 */

const id = z.string().uuid();
const DispatchStatusName = z.enum(DispatchStatus);
const EquipmentStatusName = z.enum(EquipmentStatus);
const DutyStatusName = z.enum(DutyStatus);
const PriorityName = z.enum(Priority);
const RoleName = z.enum(Role);
const timestamp = z.string().datetime({ offset: true });

export const WorkOrderRef = z.object({
  id,
  number: z.number().int(),
  externalRef: z.string().nullable(),
});
export type WorkOrderRef = z.infer<typeof WorkOrderRef>;

export const UnitRef = z.object({ id, code: z.string() });
export type UnitRef = z.infer<typeof UnitRef>;

export const DriverRef = z.object({ id, name: z.string() });
export type DriverRef = z.infer<typeof DriverRef>;

export const QualificationRef = z.object({ id, code: z.string() });
export type QualificationRef = z.infer<typeof QualificationRef>;

const changed = z.array(z.string()).describe('Names of the fields the change touched');

/** Who caused an event: a person, an ERP's machine client, or the dispatch engine itself. */
export const ActorKind = z.enum(['person', 'machine', 'engine']);
export type ActorKind = z.infer<typeof ActorKind>;

export const EventActor = z.object({
  kind: ActorKind,
  subject: z.string(),
  name: z.string(),
  role: RoleName.nullable(),
});
export type EventActor = z.infer<typeof EventActor>;

const dispatchParties = {
  dispatch: z.object({ id, status: DispatchStatusName }),
  workOrder: WorkOrderRef,
  unit: UnitRef,
  driver: DriverRef,
};

const DispatchStep = z.object({
  ...dispatchParties,
  from: DispatchStatusName,
  at: timestamp,
});

/** The most a completion note may hold (the dispatch's column is as wide). */
export const COMPLETION_NOTE_MAX_LENGTH = 2000;

const DispatchCompleted = DispatchStep.extend({
  note: z
    .string()
    .max(COMPLETION_NOTE_MAX_LENGTH)
    .nullable()
    .optional()
    .describe(
      'What the driver (or dispatcher) wrote on completing the job: null without a note, absent in events recorded before notes existed',
    ),
});

const WorkOrderClosed = z.object({ workOrder: WorkOrderRef, dispatchId: id.nullable() });

const EquipmentStatusMove = z.object({
  unit: UnitRef,
  from: EquipmentStatusName,
  to: EquipmentStatusName,
});

const DriverQualificationChange = z.object({
  driver: DriverRef,
  qualification: QualificationRef,
  expiresAt: z.string().nullable().describe('YYYY-MM-DD; null when removed'),
  previousExpiresAt: z.string().nullable(),
});

const Labelled = z.object({ id, code: z.string(), name: z.string() });
const SiteRef = z.object({ id, name: z.string() });
const UserRef = z.object({ id, username: z.string() });
const ApiClientRef = z.object({
  id,
  clientId: z.string().describe('Keycloak client id (the `azp` of its tokens)'),
  name: z.string(),
  role: z.enum([Role.Dispatcher, Role.Viewer]),
});
const WebhookRef = z.object({ id, url: z.string(), events: z.array(z.string()) });

export const EVENT_PAYLOADS = {
  'work_order.created': z.object({
    workOrder: WorkOrderRef.extend({
      title: z.string(),
      priority: PriorityName,
      siteId: id,
      equipmentTypeId: id,
      windowStart: timestamp.nullable(),
      windowEnd: timestamp.nullable(),
    }),
  }),
  'work_order.queued': z.object({
    workOrder: WorkOrderRef,
    blockedBy: z.array(z.object({ code: z.string(), message: z.string() })),
  }),
  'work_order.updated': z.object({ workOrder: WorkOrderRef, changed }),
  'work_order.completed': WorkOrderClosed,
  'work_order.cancelled': WorkOrderClosed,
  'dispatch.assigned': z.object({
    ...dispatchParties,
    mode: z.enum(['automatic', 'manual']),
    distanceKm: z.number().nullable(),
    queuedSeconds: z.number().int().describe('How long the order waited in the queue'),
  }),
  'dispatch.acknowledged': DispatchStep,
  'dispatch.en_route': DispatchStep,
  'dispatch.on_site': DispatchStep,
  'dispatch.completed': DispatchCompleted,
  'dispatch.cancelled': DispatchStep,
  'dispatch.reassigned': z.object({
    dispatch: dispatchParties.dispatch,
    workOrder: WorkOrderRef,
    from: z.object({ unit: UnitRef, driver: DriverRef }),
    to: z.object({ unit: UnitRef, driver: DriverRef }),
  }),
  'equipment.created': z.object({
    unit: UnitRef.extend({
      name: z.string(),
      equipmentTypeId: id,
      status: EquipmentStatusName,
    }),
  }),
  'equipment.updated': z.object({ unit: UnitRef, changed }),
  'equipment.maintenance_started': EquipmentStatusMove,
  'equipment.maintenance_ended': EquipmentStatusMove,
  'equipment.retired': EquipmentStatusMove,
  'equipment.reinstated': EquipmentStatusMove,
  'equipment_type.created': z.object({ equipmentType: Labelled }),
  'equipment_type.updated': z.object({ equipmentType: Labelled, changed }),
  'equipment_type.deleted': z.object({ equipmentType: Labelled }),
  'driver.created': z.object({ driver: DriverRef.extend({ dutyStatus: DutyStatusName }) }),
  'driver.updated': z.object({ driver: DriverRef, changed }),
  'driver.deleted': z.object({ driver: DriverRef }),
  'driver.duty_changed': z.object({
    driver: DriverRef,
    from: DutyStatusName,
    to: DutyStatusName,
  }),
  'driver.qualification_added': DriverQualificationChange,
  'driver.qualification_renewed': DriverQualificationChange,
  'driver.qualification_removed': DriverQualificationChange,
  'driver.login_linked': z.object({ driver: DriverRef, username: z.string() }),
  'site.created': z.object({ site: SiteRef }),
  'site.updated': z.object({ site: SiteRef, changed }),
  'site.deleted': z.object({ site: SiteRef }),
  'qualification.created': z.object({ qualification: Labelled }),
  'qualification.updated': z.object({ qualification: Labelled, changed }),
  'qualification.deleted': z.object({ qualification: Labelled }),
  'user.created': z.object({ user: UserRef, role: RoleName.nullable() }),
  'user.updated': z.object({ user: UserRef, changed }),
  'user.disabled': z.object({ user: UserRef }),
  'user.password_reset': z.object({ user: UserRef, temporary: z.boolean() }),
  'tenant.seeded': z.object({ counts: z.record(z.string(), z.number().int()) }),
  'api_client.created': z.object({ apiClient: ApiClientRef }),
  'api_client.secret_rotated': z.object({ apiClient: ApiClientRef }),
  'api_client.deleted': z.object({ apiClient: ApiClientRef }),
  'webhook.created': z.object({ webhook: WebhookRef }),
  'webhook.updated': z.object({ webhook: WebhookRef, changed }),
  'webhook.deleted': z.object({ webhook: WebhookRef }),
  'webhook.secret_rotated': z.object({ webhook: WebhookRef }),
  'webhook.disabled': z.object({
    webhook: WebhookRef,
    reason: z.string(),
    failingSince: timestamp,
  }),
} as const;

export type EventName = keyof typeof EVENT_PAYLOADS;
export type EventPayload<N extends EventName> = z.infer<(typeof EVENT_PAYLOADS)[N]>;

export const EVENT_NAMES = Object.keys(EVENT_PAYLOADS).sort() as EventName[];

/** The entity an event is about, from its name: `dispatch.en_route` → `dispatch`. */
export function entityTypeOf(name: EventName): string {
  return name.slice(0, name.indexOf('.'));
}

export function isEventName(value: string): value is EventName {
  return Object.prototype.hasOwnProperty.call(EVENT_PAYLOADS, value);
}

/** One event about to be appended to the outbox (with the audit's before/after, when useful). */
export type NewEvent = {
  [N in EventName]: {
    type: N;
    entityId: string | null;
    payload: EventPayload<N>;
    before?: object | null;
    after?: object | null;
  };
}[EventName];

/** An event as committed to the outbox and read back by its consumers. */
export type DomainEvent = {
  [N in EventName]: {
    id: string;
    type: N;
    occurredAt: string;
    actor: EventActor;
    entity: { type: string; id: string | null };
    payload: EventPayload<N>;
    requestId: string | null;
  };
}[EventName];

/** Shorthand that keeps the name and the payload of an event in step at compile time. */
export function domainEvent<N extends EventName>(
  type: N,
  entityId: string | null,
  payload: EventPayload<N>,
  audit: { before?: object | null; after?: object | null } = {},
): NewEvent {
  return { type, entityId, payload, ...audit } as NewEvent;
}

/** Checks a payload against its schema: for tests and for reading events written by older code. */
export function parsePayload<N extends EventName>(type: N, payload: unknown): EventPayload<N> {
  return EVENT_PAYLOADS[type].parse(payload) as EventPayload<N>;
}

/** Pascal-case schema name of an event's envelope: `dispatch.en_route` → `DispatchEnRouteEvent`. */
export function eventSchemaName(name: EventName): string {
  return `${name
    .split(/[._]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}Event`;
}

type JsonSchema = Record<string, unknown>;

/** Shapes shared by many payloads: one component schema each, so the generated client has one type each. */
const SHARED_SCHEMAS: [z.ZodType, string][] = [
  [WorkOrderRef, 'EventWorkOrder'],
  [UnitRef, 'EventUnit'],
  [DriverRef, 'EventDriver'],
  [QualificationRef, 'EventQualification'],
  [dispatchParties.dispatch, 'EventDispatch'],
  [DispatchStatusName, 'DispatchStatus'],
  [EquipmentStatusName, 'EquipmentStatus'],
  [DutyStatusName, 'DutyStatus'],
  [PriorityName, 'Priority'],
  [RoleName, 'Role'],
  [ActorKind, 'ActorKind'],
  [EventActor, 'EventActor'],
];

/** `dispatch.en_route` → `DispatchEnRoutePayload`. */
export function payloadSchemaName(name: EventName): string {
  return eventSchemaName(name).replace(/Event$/, 'Payload');
}

/**
 * The catalogue as OpenAPI 3.0 component schemas: each payload, the shapes they share, one
 * envelope per event (its `type` a constant) and `DomainEvent`, their union discriminated by `type`.
 */
export function eventCatalogueSchemas(): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of SHARED_SCHEMAS) registry.add(schema, { id });
  for (const name of EVENT_NAMES)
    registry.add(EVENT_PAYLOADS[name], { id: payloadSchemaName(name) });
  const converted = z.toJSONSchema(registry, {
    target: 'openapi-3.0',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  const schemas: Record<string, JsonSchema> = {};
  for (const [id, { $id: _uri, $schema: _dialect, ...schema }] of Object.entries(converted.schemas))
    schemas[id] = schema;
  for (const name of EVENT_NAMES) {
    schemas[eventSchemaName(name)] = {
      type: 'object',
      description: `\`${name}\``,
      required: ['id', 'type', 'occurredAt', 'actor', 'entity', 'payload', 'requestId'],
      properties: {
        id: { type: 'string', description: 'Position in the tenant’s event log' },
        type: { type: 'string', enum: [name] },
        occurredAt: { type: 'string', format: 'date-time' },
        actor: { $ref: '#/components/schemas/EventActor' },
        entity: { $ref: '#/components/schemas/EventEntity' },
        payload: { $ref: `#/components/schemas/${payloadSchemaName(name)}` },
        requestId: { type: 'string', nullable: true },
      },
    };
  }
  schemas.EventEntity = {
    type: 'object',
    description: 'What the event is about',
    required: ['type', 'id'],
    properties: {
      type: { type: 'string' },
      id: { type: 'string', format: 'uuid', nullable: true },
    },
  };
  schemas.DomainEvent = {
    description: 'A committed domain event: its `type` names the payload’s shape.',
    oneOf: EVENT_NAMES.map((name) => ({ $ref: `#/components/schemas/${eventSchemaName(name)}` })),
    discriminator: {
      propertyName: 'type',
      mapping: Object.fromEntries(
        EVENT_NAMES.map((name) => [name, `#/components/schemas/${eventSchemaName(name)}`]),
      ),
    },
  };
  schemas.EventName = { type: 'string', enum: EVENT_NAMES };
  return schemas;
}
