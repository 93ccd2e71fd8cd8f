import { type AuditExportParams, EventName } from '@dispatch/api-client';
import { actionLabel } from '../board/timeline-logic';

/** What the audit explorer's form holds: text as typed, times as `datetime-local` values. */
export interface AuditFilterForm {
  entityType: string;
  entityId: string;
  actor: string;
  action: string;
  from: string;
  to: string;
}

export const EMPTY_AUDIT_FILTER: AuditFilterForm = {
  entityType: '',
  entityId: '',
  actor: '',
  action: '',
  from: '',
  to: '',
};

/** The entity types the API records, offered by the form. */
export const ENTITY_TYPES = [
  'work_order',
  'dispatch',
  'equipment',
  'equipment_type',
  'driver',
  'qualification',
  'site',
  'user',
] as const;

/** What each kind of record is called, for the form's choices and the action groups. */
export const ENTITY_LABEL: Record<(typeof ENTITY_TYPES)[number], string> = {
  work_order: 'Work order',
  dispatch: 'Dispatch',
  equipment: 'Unit',
  equipment_type: 'Equipment type',
  driver: 'Driver',
  qualification: 'Qualification',
  site: 'Site',
  user: 'User',
};

const GROUP_LABEL: Record<string, string> = {
  ...ENTITY_LABEL,
  api_client: 'API client',
  webhook: 'Webhook',
  tenant: 'Organization',
};

interface ActionGroup {
  group: string;
  items: { value: string; label: string }[];
}

/**
 * The actions the audit trail records, as the Action filter offers them: grouped by the record
 * they happen to, each called by its label ("Work order created"), the catalogue's order kept.
 * An action the console does not know (a newer API's, set from a row) is offered too, as it is.
 */
export function actionOptions(current = ''): ActionGroup[] {
  const groups = new Map<string, ActionGroup>();
  const known: string[] = Object.values(EventName);
  for (const action of current && !known.includes(current) ? [...known, current] : known) {
    const entity = action.split('.')[0];
    const group = GROUP_LABEL[entity] ?? 'Other';
    if (!groups.has(group)) groups.set(group, { group, items: [] });
    groups.get(group)?.items.push({ value: action, label: actionLabel(action) });
  }
  return [...groups.values()];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A `datetime-local` value (the browser's local time) as an ISO instant; undefined when blank or not a time. */
export function localDateTimeToIso(value: string): string | undefined {
  if (!value.trim()) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The API's filters: trimmed, blanks left out, times as instants. */
export function auditFilterParams(form: AuditFilterForm): AuditExportParams {
  const text = (value: string) => value.trim() || undefined;
  const params: AuditExportParams = {
    entityType: text(form.entityType),
    entityId: text(form.entityId),
    actor: text(form.actor),
    action: text(form.action),
    from: localDateTimeToIso(form.from),
    to: localDateTimeToIso(form.to),
  };
  return Object.fromEntries(
    Object.entries(params).filter(([, value]) => value !== undefined),
  ) as AuditExportParams;
}

/** Why the API would refuse these filters, said before asking it; undefined when they are fine. */
export function auditFilterProblem(form: AuditFilterForm): string | undefined {
  if (form.entityId.trim() && !UUID.test(form.entityId.trim()))
    return 'The record id is a UUID, such as 3f2b…-…: copy it from an event or a page.';
  if (form.from.trim() && !localDateTimeToIso(form.from)) return 'The start is not a time.';
  if (form.to.trim() && !localDateTimeToIso(form.to)) return 'The end is not a time.';
  const from = localDateTimeToIso(form.from);
  const to = localDateTimeToIso(form.to);
  if (from && to && from >= to) return 'The end must come after the start.';
  return undefined;
}

/** `audit-2026-11-21.csv`, as the API names the export. */
export function auditCsvFileName(now: Date = new Date()): string {
  return `audit-${now.toISOString().slice(0, 10)}.csv`;
}

export const DEFAULT_PAGE_SIZE = 50;

/** Events per page as typed: a whole number from 1 to 200 (the API's bounds), else the default. */
export function parsePageSize(value: string): number {
  const size = Math.round(Number(value));
  if (!Number.isFinite(size) || size < 1) return DEFAULT_PAGE_SIZE;
  return Math.min(200, size);
}
