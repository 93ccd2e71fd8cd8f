import type { AuditEventView } from '@dispatch/api-client';
import { diffChanges, formatValue } from '../audit/audit-diff';
import { STEP_LABEL } from './board-logic';

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
  'work_order.updated': 'Work order edited',
  'work_order.completed': 'Work order completed',
  'work_order.cancelled': 'Work order cancelled',
  'dispatch.assigned': 'Dispatched',
  'dispatch.reassigned': 'Re-assigned',
};

/** `work_order.created` → "Work order created", `dispatch.en_route` → "En route". */
export function actionLabel(action: string): string {
  if (LABEL[action]) return LABEL[action];
  const [entity, verb = ''] = action.split('.');
  if (entity === 'dispatch' && STEP_LABEL[verb]) return STEP_LABEL[verb];
  const words = action.replace(/[._]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
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

export function timelineStep(event: AuditEventView): TimelineStep {
  const after = event.after ?? {};
  let facts: string[];
  if (event.action === 'work_order.created') {
    facts = [text(after.title), text(after.priority) && `priority ${text(after.priority)}`].filter(
      (fact): fact is string => Boolean(fact),
    );
  } else if (event.action === 'dispatch.assigned') {
    facts = assignmentFacts(after);
    // The engine dispatches on someone's change (a new order, a freed unit): say whose.
    const trigger = text(object(after.trigger)?.name);
    if (event.actorSubject === 'auto' && trigger) facts.push(`on a change by ${trigger}`);
  } else {
    facts = changedFacts(event);
  }
  return {
    id: event.id,
    at: event.occurredAt,
    actor: event.actorName,
    role: event.actorRole,
    action: event.action,
    label: actionLabel(event.action),
    facts,
  };
}
