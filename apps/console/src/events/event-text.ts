import type { AuditEventView, DomainEvent, EventActor, EventName } from '@dispatch/api-client';
import { formatWaiting, STEP_LABEL } from '../features/board/board-logic';
import { actionLabel, actorLabel, fieldWords } from '../features/board/timeline-logic';

/**
 * Every event of the typed catalogue (and every audit entry) as one sentence a dispatcher reads:
 * codes and names instead of ids, times in the reader's zone, enum values as words.
 */

export interface EventTextContext {
  /** A moment, for people, in the reader's time zone. */
  time: (iso: string) => string;
  /** Names of records the payload only gives by id, from the lists the console holds. */
  siteName: (id: string) => string | undefined;
  equipmentTypeName: (id: string) => string | undefined;
  /** On a work order's own timeline its code would be said in every line: leave it out. */
  withinWorkOrder?: boolean;
}

const defaultTime = (() => {
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return (iso: string) => format.format(new Date(iso));
})();

export const PLAIN_CONTEXT: EventTextContext = {
  time: defaultTime,
  siteName: () => undefined,
  equipmentTypeName: () => undefined,
};

/** 12 → "WO-000012", as the API numbers work orders. */
export function workOrderCode(number: number): string {
  return `WO-${String(number).padStart(6, '0')}`;
}

/** A record known only by its id: a short code, never a whole UUID. */
export function shortId(id: string): string {
  return `#${id.replace(/-/g, '').slice(0, 6)}`;
}

const ISO_INSTANT =
  /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b/g;

/** Free text from the API (a blocker's message) with its ISO instants told as local times. */
export function readableTimes(text: string, time: EventTextContext['time']): string {
  return text.replace(ISO_INSTANT, (iso) =>
    Number.isNaN(Date.parse(iso)) ? iso : time(new Date(iso).toISOString()),
  );
}

/** "YYYY-MM-DD" as a date for people ("10 Jan 2027"), read as the calendar day it names. */
export function calendarDay(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  if (!year || !month || !day) return date;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(Date.UTC(year, month - 1, day)),
  );
}

/** `on_site` → "on site", `off_duty` → "off duty". */
export function enumWords(value: string): string {
  return value.replace(/_/g, ' ');
}

/** "title", "title and priority", "title, priority and notes". */
export function listWords(words: readonly string[]): string {
  return words.length < 2
    ? words.join('')
    : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function changedWords(changed: readonly string[]): string {
  return changed.length ? `: changed the ${listWords(changed.map(fieldWords))}` : '';
}

function kilometres(distance: number): string {
  return `${Math.round(distance * 10) / 10} km`;
}

function firstLower(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Who acted, as the sentence names them after "by". */
function by(actor: Pick<EventActor, 'kind' | 'name'>): string {
  return actor.kind === 'engine' ? 'the engine' : actorLabel(actor.kind, actor.name);
}

/**
 * Whether the driver took the step themself: a driver acts only on their own jobs and duty, and
 * their login may carry another name than their driver profile.
 */
function isTheDriver(actor: EventActor, driver: { name: string }): boolean {
  return actor.role === 'driver' || actor.name === driver.name;
}

type EventOf<N extends EventName> = Extract<DomainEvent, { type: N }>;
type Texts = { [N in EventName]: (event: EventOf<N>, context: EventTextContext) => string };

/** The work order a line is about, as its first words (left out on the order's own timeline). */
function orderSubject(
  workOrder: { number: number; externalRef: string | null },
  context: EventTextContext,
): string {
  if (context.withinWorkOrder) return '';
  const ref = workOrder.externalRef ? ` (${workOrder.externalRef})` : '';
  return `${workOrderCode(workOrder.number)}${ref} `;
}

/** "WO-000012 created", or "Work order created" on the order's own timeline. */
function orderSentence(
  workOrder: { number: number; externalRef: string | null },
  rest: string,
  context: EventTextContext,
): string {
  return `${orderSubject(workOrder, context) || 'Work order '}${rest}`;
}

function dispatchStep(
  event: EventOf<'dispatch.acknowledged' | 'dispatch.en_route' | 'dispatch.on_site'>,
  context: EventTextContext,
): string {
  const { unit, driver, workOrder, dispatch, from } = event.payload;
  const step = STEP_LABEL[dispatch.status] ?? enumWords(dispatch.status);
  const order = context.withinWorkOrder ? '' : ` on ${workOrderCode(workOrder.number)}`;
  const usual: Record<string, string> = {
    acknowledged: 'assigned',
    en_route: 'acknowledged',
    on_site: 'en_route',
  };
  const skipped = usual[dispatch.status] === from ? '' : `, straight from ${enumWords(from)}`;
  const who = isTheDriver(event.actor, driver)
    ? driver.name
    : `${by(event.actor)} for ${driver.name}`;
  return `${step} by ${who} (${unit.code})${order}${skipped}`;
}

function windowWords(start: string | null, end: string | null, context: EventTextContext): string {
  if (start && end) return `, to do ${context.time(start)} – ${context.time(end)}`;
  if (start) return `, to do from ${context.time(start)}`;
  if (end) return `, to do by ${context.time(end)}`;
  return '';
}

function qualificationChange(
  verb: string,
  event: EventOf<
    'driver.qualification_added' | 'driver.qualification_renewed' | 'driver.qualification_removed'
  >,
): string {
  const { driver, qualification, expiresAt, previousExpiresAt } = event.payload;
  const until = expiresAt ? `, valid until ${calendarDay(expiresAt)}` : '';
  const before = previousExpiresAt && expiresAt ? ` (was ${calendarDay(previousExpiresAt)})` : '';
  return `${qualification.code} ${verb} for ${driver.name} by ${by(event.actor)}${until}${before}`;
}

const EQUIPMENT_MOVE: Record<string, string> = {
  'equipment.maintenance_started': 'put into maintenance',
  'equipment.maintenance_ended': 'taken out of maintenance',
  'equipment.retired': 'retired',
  'equipment.reinstated': 'put back in service',
};

function equipmentMove(
  event: EventOf<
    | 'equipment.maintenance_started'
    | 'equipment.maintenance_ended'
    | 'equipment.retired'
    | 'equipment.reinstated'
  >,
): string {
  return `Unit ${event.payload.unit.code} ${EQUIPMENT_MOVE[event.type]} by ${by(event.actor)}`;
}

/**
 * One sentence per event type. Typed by the catalogue: a type without a text does not compile,
 * and the spec walks every name the API lists.
 */
const TEXTS: Texts = {
  'work_order.created': (event, context) => {
    const order = event.payload.workOrder;
    const site = context.siteName(order.siteId) ?? `site ${shortId(order.siteId)}`;
    const type =
      context.equipmentTypeName(order.equipmentTypeId) ??
      `equipment type ${shortId(order.equipmentTypeId)}`;
    return orderSentence(
      order,
      `created by ${by(event.actor)}: “${order.title}”, ${order.priority}, ${type} at ${site}${windowWords(order.windowStart, order.windowEnd, context)}`,
      context,
    );
  },
  'work_order.queued': (event, context) => {
    const reasons = event.payload.blockedBy.map((blocker) =>
      // "Scheduled: dispatched automatically from …" reads as one clause after "queued:".
      firstLower(readableTimes(blocker.message, context.time)).replace(
        /^scheduled: /,
        'scheduled, ',
      ),
    );
    return orderSentence(
      event.payload.workOrder,
      `queued${reasons.length ? `: ${reasons.join('; ')}` : ''}`,
      context,
    );
  },
  'work_order.updated': (event, context) =>
    orderSentence(
      event.payload.workOrder,
      `edited by ${by(event.actor)}${changedWords(event.payload.changed)}`,
      context,
    ),
  'work_order.completed': (event, context) =>
    orderSentence(event.payload.workOrder, 'completed', context),
  'work_order.cancelled': (event, context) =>
    orderSentence(
      event.payload.workOrder,
      `cancelled by ${by(event.actor)}${event.payload.dispatchId ? ', with its dispatch' : ''}`,
      context,
    ),
  'dispatch.assigned': (event, context) => {
    const { mode, unit, driver, distanceKm, queuedSeconds, workOrder } = event.payload;
    const how =
      mode === 'automatic'
        ? `dispatched by the engine${distanceKm !== null ? `: nearest unit, ${kilometres(distanceKm)}` : ''}`
        : `dispatched by hand by ${by(event.actor)}${distanceKm !== null ? `, ${kilometres(distanceKm)} from the site` : ''}`;
    const waited = queuedSeconds < 60 ? '' : `, after ${formatWaiting(queuedSeconds)} in the queue`;
    const order = context.withinWorkOrder ? '' : ` to ${workOrderCode(workOrder.number)}`;
    return `${unit.code} and ${driver.name}${order} ${how}${waited}`;
  },
  'dispatch.acknowledged': dispatchStep,
  'dispatch.en_route': dispatchStep,
  'dispatch.on_site': dispatchStep,
  'dispatch.completed': (event, context) => {
    const { unit, driver, workOrder, note } = event.payload;
    const order = context.withinWorkOrder ? '' : ` ${workOrderCode(workOrder.number)}`;
    const who = isTheDriver(event.actor, driver)
      ? driver.name
      : `${by(event.actor)} for ${driver.name}`;
    return `Job${order} completed by ${who} (${unit.code})${note ? `, noting “${note}”` : ''}`;
  },
  'dispatch.cancelled': (event, context) => {
    const { unit, driver, workOrder, from } = event.payload;
    const order = context.withinWorkOrder ? '' : ` of ${workOrderCode(workOrder.number)}`;
    return `Dispatch${order} cancelled by ${by(event.actor)} while ${enumWords(from)}: ${unit.code} and ${driver.name} are free again`;
  },
  'dispatch.reassigned': (event, context) => {
    const { from, to, workOrder } = event.payload;
    const order = context.withinWorkOrder ? '' : ` ${workOrderCode(workOrder.number)}`;
    return `Re-assigned${order} by ${by(event.actor)} from ${from.unit.code} and ${from.driver.name} to ${to.unit.code} and ${to.driver.name}`;
  },
  'equipment.created': (event, context) => {
    const { unit } = event.payload;
    const type = context.equipmentTypeName(unit.equipmentTypeId) ?? shortId(unit.equipmentTypeId);
    return `Unit ${unit.code} (${unit.name}, ${type}) added by ${by(event.actor)}, ${enumWords(unit.status)}`;
  },
  'equipment.updated': (event) =>
    `Unit ${event.payload.unit.code} edited by ${by(event.actor)}${changedWords(event.payload.changed)}`,
  'equipment.maintenance_started': equipmentMove,
  'equipment.maintenance_ended': equipmentMove,
  'equipment.retired': equipmentMove,
  'equipment.reinstated': equipmentMove,
  'equipment_type.created': (event) =>
    `Equipment type ${event.payload.equipmentType.name} (${event.payload.equipmentType.code}) added by ${by(event.actor)}`,
  'equipment_type.updated': (event) =>
    `Equipment type ${event.payload.equipmentType.name} edited by ${by(event.actor)}${changedWords(event.payload.changed)}`,
  'equipment_type.deleted': (event) =>
    `Equipment type ${event.payload.equipmentType.name} (${event.payload.equipmentType.code}) deleted by ${by(event.actor)}`,
  'driver.created': (event) =>
    `Driver ${event.payload.driver.name} added by ${by(event.actor)}, ${enumWords(event.payload.driver.dutyStatus)}`,
  'driver.updated': (event) =>
    `Driver ${event.payload.driver.name} edited by ${by(event.actor)}${changedWords(event.payload.changed)}`,
  'driver.deleted': (event) => `Driver ${event.payload.driver.name} deleted by ${by(event.actor)}`,
  'driver.duty_changed': (event) => {
    const { driver, to } = event.payload;
    const who = isTheDriver(event.actor, driver) ? '' : ` (set by ${by(event.actor)})`;
    return `${driver.name} went ${enumWords(to)}${who}`;
  },
  'driver.qualification_added': (event) => qualificationChange('added', event),
  'driver.qualification_renewed': (event) => qualificationChange('renewed', event),
  'driver.qualification_removed': (event) => qualificationChange('removed', event),
  'driver.login_linked': (event) =>
    `Driver ${event.payload.driver.name} now signs in as ${event.payload.username}, linked by ${by(event.actor)}`,
  'site.created': (event) => `Site ${event.payload.site.name} added by ${by(event.actor)}`,
  'site.updated': (event) =>
    `Site ${event.payload.site.name} edited by ${by(event.actor)}${changedWords(event.payload.changed)}`,
  'site.deleted': (event) => `Site ${event.payload.site.name} deleted by ${by(event.actor)}`,
  'qualification.created': (event) =>
    `Qualification ${event.payload.qualification.name} (${event.payload.qualification.code}) added by ${by(event.actor)}`,
  'qualification.updated': (event) =>
    `Qualification ${event.payload.qualification.name} edited by ${by(event.actor)}${changedWords(event.payload.changed)}`,
  'qualification.deleted': (event) =>
    `Qualification ${event.payload.qualification.name} (${event.payload.qualification.code}) deleted by ${by(event.actor)}`,
  'user.created': (event) =>
    `User ${event.payload.user.username} added by ${by(event.actor)}${event.payload.role ? ` as ${event.payload.role}` : ''}`,
  'user.updated': (event) =>
    `User ${event.payload.user.username} edited by ${by(event.actor)}${changedWords(event.payload.changed)}`,
  'user.disabled': (event) => `User ${event.payload.user.username} disabled by ${by(event.actor)}`,
  'user.password_reset': (event) =>
    `Password of ${event.payload.user.username} reset by ${by(event.actor)}${event.payload.temporary ? ', to be changed at the next sign-in' : ''}`,
  'tenant.seeded': (event) => {
    const counts = Object.entries(event.payload.counts).map(
      ([what, count]) => `${count} ${fieldWords(what)}`,
    );
    return `Demo data loaded by ${by(event.actor)}${counts.length ? `: ${listWords(counts)}` : ''}`;
  },
  'api_client.created': (event) =>
    `API client ${event.payload.apiClient.name} (${event.payload.apiClient.role}) added by ${by(event.actor)}`,
  'api_client.secret_rotated': (event) =>
    `Secret of API client ${event.payload.apiClient.name} rotated by ${by(event.actor)}`,
  'api_client.deleted': (event) =>
    `API client ${event.payload.apiClient.name} deleted by ${by(event.actor)}`,
  'webhook.created': (event) =>
    `Webhook to ${event.payload.webhook.url} added by ${by(event.actor)}, for ${event.payload.webhook.events.length} event types`,
  'webhook.updated': (event) =>
    `Webhook to ${event.payload.webhook.url} edited by ${by(event.actor)}${changedWords(event.payload.changed)}`,
  'webhook.deleted': (event) =>
    `Webhook to ${event.payload.webhook.url} deleted by ${by(event.actor)}`,
  'webhook.secret_rotated': (event) =>
    `Secret of the webhook to ${event.payload.webhook.url} rotated by ${by(event.actor)}`,
  'webhook.disabled': (event, context) =>
    `Webhook to ${event.payload.webhook.url} disabled after failing since ${context.time(event.payload.failingSince)}: ${event.payload.reason}`,
};

/** Whether the catalogue's name has a text here (the spec checks every name the API lists). */
export function hasEventText(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(TEXTS, name);
}

/** A typed event as a sentence. */
export function eventSentence(
  event: DomainEvent,
  context: EventTextContext = PLAIN_CONTEXT,
): string {
  const text = TEXTS[event.type] as (event: DomainEvent, context: EventTextContext) => string;
  return text(event, context);
}

/** An entry recorded before the event catalogue: its action in words, who, and what it changed. */
function recordedSentence(entry: AuditEventView, context: EventTextContext): string {
  const changed = Object.keys({ ...(entry.before ?? {}), ...(entry.after ?? {}) }).filter(
    (field) =>
      !['id', 'createdAt', 'updatedAt', 'createdBy'].includes(field) &&
      JSON.stringify(entry.before?.[field]) !== JSON.stringify(entry.after?.[field]),
  );
  const status = entry.after?.status;
  const label = actionLabel(entry.action);
  const who =
    entry.actorKind === 'engine' ? 'the engine' : actorLabel(entry.actorKind, entry.actorName);
  const step =
    entry.entityType === 'dispatch' && typeof status === 'string' && STEP_LABEL[status]
      ? ''
      : changed.length && entry.before
        ? `: changed the ${listWords(changed.slice(0, 4).map(fieldWords))}`
        : '';
  return readableTimes(`${label} by ${who}${step}`, context.time);
}

/** An audit entry (or a timeline line) as a sentence: from its typed event when it has one. */
export function entrySentence(
  entry: AuditEventView,
  context: EventTextContext = PLAIN_CONTEXT,
): string {
  return entry.event ? eventSentence(entry.event, context) : recordedSentence(entry, context);
}

/** What an entry is about, by its name or code (never a bare id): "WO-000012", "unit CR-004". */
export function entitySubject(entry: AuditEventView): string {
  const payload = (entry.event?.payload ?? {}) as Record<string, unknown>;
  const named = (key: string) => payload[key] as Record<string, unknown> | undefined;
  const order = named('workOrder');
  if (entry.entityType === 'work_order' && typeof order?.number === 'number')
    return workOrderCode(order.number);
  if (entry.entityType === 'dispatch' && typeof order?.number === 'number')
    return `dispatch of ${workOrderCode(order.number)}`;
  const words = enumWords(entry.entityType);
  for (const key of ['unit', 'equipmentType', 'qualification']) {
    const code = named(key)?.code;
    if (typeof code === 'string') return `${words} ${code}`;
  }
  for (const key of ['driver', 'site', 'apiClient']) {
    const name = named(key)?.name;
    if (typeof name === 'string') return `${words} ${name}`;
  }
  const user = named('user')?.username;
  if (typeof user === 'string') return `${words} ${user}`;
  const url = named('webhook')?.url;
  if (typeof url === 'string') return `${words} ${url}`;
  return entry.entityId ? `${words} ${shortId(entry.entityId)}` : words;
}
