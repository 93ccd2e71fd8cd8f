import type { AuditExportParams } from '@dispatch/api-client';

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
