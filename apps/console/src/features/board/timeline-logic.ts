import type { ActorKind, AuditEventView, DomainEvent } from '@dispatch/api-client';
import { diffChanges, formatValue } from '../audit/audit-diff';
import { formatWaiting, STEP_LABEL } from './board-logic';

/** One line of a work order's story: what happened, and the few facts that matter about it. */
export interface TimelineStep {
  id: string;
  at: string;
  actor: string;
  role: string | null;
  action: string;
  label: string;
  facts: string[];
}

const LABEL: Record<string, string> = {
  'work_order.created': 'Work order created',
  'work_order.queued': 'Queued',
  'work_order.updated': 'Work order edited',
  'work_order.completed': 'Work order completed',
  'work_order.cancelled': 'Work order cancelled',
  'dispatch.assigned': 'Dispatched',
  'dispatch.reassigned': 'Re-assigned',
  'dispatch.cancelled': 'Dispatch cancelled',
};

/** `work_order.created` → "Work order created", `dispatch.en_route` → "En route". */
export function actionLabel(action: string): string {
  if (LABEL[action]) return LABEL[action];
  const [entity, verb = ''] = action.split('.');
  if (entity === 'dispatch' && STEP_LABEL[verb]) return STEP_LABEL[verb];
  const words = action.replace(/[._]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Keycloak names the user behind a client's service account `service-account-<client id>`. */
const SERVICE_ACCOUNT_PREFIX = 'service-account-';

/** Who acted, as a reader knows them: a person by name, the engine, or a named machine client. */
export function actorLabel(kind: ActorKind, name: string): string {
  if (kind === 'engine') return 'Dispatch engine';
  if (kind === 'machine') {
    const client = name.startsWith(SERVICE_ACCOUNT_PREFIX)
      ? name.slice(SERVICE_ACCOUNT_PREFIX.length)
      : name;
    return `machine client ${client}`;
  }
  return name;
}

/** Bookkeeping fields that say nothing to a reader of the story. */
const NOISE = new Set(['id', 'createdAt', 'updatedAt', 'createdBy', 'workOrderId', 'rule']);

type Json = Record<string, unknown>;

function object(value: unknown): Json | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

/** Which unit and driver a dispatch got (the engine writes its selection into the event). */
function assignmentFacts(after: Json): string[] {
  const selection = object(after.selection);
  const unit = text(object(selection?.unit)?.code) ?? text(after.equipmentCode);
  const driver = text(object(selection?.driver)?.name) ?? text(after.driverName);
  const facts: string[] = [];
  if (unit) facts.push(`unit ${unit}`);
  if (driver) facts.push(`driver ${driver}`);
  const distance = object(selection?.unit)?.distanceKm;
  if (typeof distance === 'number') facts.push(`${distance} km from the site`);
  return facts;
}

/** The fields an event changed, as `field: before → after` (at most `limit`). */
export function changedFacts(event: Pick<AuditEventView, 'before' | 'after'>, limit = 4): string[] {
  return diffChanges(event.before, event.after)
    .filter((change) => change.kind !== 'same' && !NOISE.has(change.field))
    .filter((change) => change.kind === 'removed' || !object(change.after))
    .slice(0, limit)
    .map((change) =>
      change.kind === 'added'
        ? `${change.field}: ${formatValue(change.after)}`
        : change.kind === 'removed'
          ? `${change.field} removed`
          : `${change.field}: ${formatValue(change.before)} → ${formatValue(change.after)}`,
    );
}

/** Fields of a work order, in a dispatcher's words. */
const FIELD: Record<string, string> = {
  title: 'title',
  priority: 'priority',
  siteId: 'site',
  equipmentTypeId: 'equipment type',
  requiredQualificationIds: 'required qualifications',
  window: 'time window',
  notes: 'notes',
  externalRef: 'ERP reference',
};

/** `equipmentTypeId` → "equipment type", for a field the list above does not know yet. */
export function fieldWords(field: string): string {
  return (
    FIELD[field] ??
    field
      .replace(/Ids?$/, '')
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .toLowerCase()
  );
}

/** "title", "title and priority", "title, priority and notes". */
function listWords(words: readonly string[]): string {
  return words.length < 2
    ? words.join('')
    : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** 3.24 → "3.2 km". */
function kilometres(distance: number): string {
  return `${Math.round(distance * 10) / 10} km`;
}

function waited(seconds: number): string {
  return seconds < 60
    ? 'without waiting in the queue'
    : `after ${formatWaiting(seconds)} in the queue`;
}

/** The step a dispatch normally comes from: a step from anywhere else is worth saying. */
const USUAL_FROM: Record<string, string> = {
  acknowledged: 'assigned',
  en_route: 'acknowledged',
  on_site: 'en_route',
  completed: 'on_site',
};

function stepName(status: string): string {
  return (STEP_LABEL[status] ?? status.replace(/_/g, ' ')).toLowerCase();
}

export interface TimelineFormat {
  /** A moment of a time window, for people. */
  time: (iso: string) => string;
}

const DEFAULT_FORMAT: TimelineFormat = {
  time: (() => {
    const format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
    return (iso: string) => format.format(new Date(iso));
  })(),
};

/** What a typed event says, in people's words: its label and the facts that matter. */
export function describeEvent(
  event: DomainEvent,
  format: TimelineFormat = DEFAULT_FORMAT,
): { label: string; facts: string[] } {
  switch (event.type) {
    case 'work_order.created': {
      const order = event.payload.workOrder;
      const facts = [order.title, `priority ${order.priority}`];
      if (order.windowStart && order.windowEnd)
        facts.push(`to do ${format.time(order.windowStart)} – ${format.time(order.windowEnd)}`);
      else if (order.windowStart) facts.push(`to do from ${format.time(order.windowStart)}`);
      else if (order.windowEnd) facts.push(`to do by ${format.time(order.windowEnd)}`);
      if (order.externalRef) facts.push(`ERP reference ${order.externalRef}`);
      return { label: 'Work order created', facts };
    }
    case 'work_order.queued':
      return {
        label: 'Queued',
        facts: event.payload.blockedBy.map((blocker) => blocker.message),
      };
    case 'work_order.updated': {
      const { changed } = event.payload;
      return {
        label: 'Work order edited',
        facts: changed.length ? [`changed the ${listWords(changed.map(fieldWords))}`] : [],
      };
    }
    case 'work_order.completed':
      return { label: 'Work order completed', facts: [] };
    case 'work_order.cancelled':
      return {
        label: 'Work order cancelled',
        facts: event.payload.dispatchId ? ['its dispatch was cancelled with it'] : [],
      };
    case 'dispatch.assigned': {
      const { mode, unit, driver, distanceKm, queuedSeconds } = event.payload;
      const facts = [`unit ${unit.code}`, `driver ${driver.name}`];
      if (distanceKm !== null) facts.push(`${kilometres(distanceKm)} from the site`);
      facts.push(waited(queuedSeconds));
      return {
        label: mode === 'automatic' ? 'Dispatched automatically' : 'Dispatched by hand',
        facts,
      };
    }
    case 'dispatch.acknowledged':
    case 'dispatch.en_route':
    case 'dispatch.on_site':
    case 'dispatch.completed': {
      const { dispatch, from } = event.payload;
      const facts = USUAL_FROM[dispatch.status] === from ? [] : [`from ${stepName(from)}`];
      // What the driver wrote on finishing the job.
      if (event.type === 'dispatch.completed' && event.payload.note)
        facts.push(`note: “${event.payload.note}”`);
      return { label: actionLabel(event.type), facts };
    }
    case 'dispatch.cancelled': {
      const { from, unit, driver } = event.payload;
      return {
        label: actionLabel(event.type),
        facts: [`while ${stepName(from)}`, `unit ${unit.code} and driver ${driver.name} freed`],
      };
    }
    case 'dispatch.reassigned': {
      const { from, to } = event.payload;
      return {
        label: 'Re-assigned',
        facts: [
          `from unit ${from.unit.code} / driver ${from.driver.name}`,
          `to unit ${to.unit.code} / driver ${to.driver.name}`,
        ],
      };
    }
    default:
      // Events about other records do not appear in a work order's story; name them all the same.
      return { label: actionLabel(event.type), facts: [] };
  }
}

/** The facts of an event recorded before the event catalogue, from its before and after. */
function recordedFacts(event: AuditEventView): string[] {
  const after = event.after ?? {};
  if (event.action === 'work_order.created') {
    return [text(after.title), text(after.priority) && `priority ${text(after.priority)}`].filter(
      (fact): fact is string => Boolean(fact),
    );
  }
  if (event.action === 'dispatch.assigned') {
    const facts = assignmentFacts(after);
    // The engine dispatches on someone's change (a new order, a freed unit): say whose.
    const trigger = text(object(after.trigger)?.name);
    const byEngine = event.actorKind === 'engine' || event.actorSubject === 'auto';
    if (byEngine && trigger) facts.push(`on a change by ${trigger}`);
    return facts;
  }
  return changedFacts(event);
}

export function timelineStep(
  event: AuditEventView,
  format: TimelineFormat = DEFAULT_FORMAT,
): TimelineStep {
  const typed = event.event ? describeEvent(event.event, format) : undefined;
  return {
    id: event.id,
    at: event.occurredAt,
    actor: actorLabel(event.actorKind, event.actorName),
    role: event.actorKind === 'engine' ? null : event.actorRole,
    action: event.action,
    label: typed?.label ?? actionLabel(event.action),
    facts: typed?.facts ?? recordedFacts(event),
  };
}
