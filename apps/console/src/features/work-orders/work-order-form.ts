import type {
  CreateWorkOrderDto,
  CreateWorkOrderDtoPriority,
  UpdateWorkOrderDto,
  WorkOrderView,
} from '@dispatch/api-client';
import dayjs from 'dayjs';
import { z } from 'zod';

/** The priorities in the order a dispatcher weighs them. */
export const PRIORITIES = [
  'emergency',
  'urgent',
  'standard',
  'low',
] as const satisfies readonly CreateWorkOrderDtoPriority[];

export const PRIORITY_LABEL: Record<CreateWorkOrderDtoPriority, string> = {
  emergency: 'Emergency',
  urgent: 'Urgent',
  standard: 'Standard',
  low: 'Low',
};

/** The API's limits (apps/api work-order DTO): title 200, notes 4000, externalRef 100. */
export const TITLE_MAX = 200;
export const NOTES_MAX = 4000;
export const EXTERNAL_REF_MAX = 100;
export const EXTRA_QUALIFICATIONS_MAX = 50;

// The API refuses control characters in an externalRef.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** A choice a Select leaves empty (null) until one is made, required here. */
function chosen(message: string) {
  return z
    .string()
    .nullable()
    .transform((value, context) => {
      if (value) return value;
      context.addIssue({ code: 'custom', message });
      return z.NEVER;
    });
}

/**
 * The new-work-order form, checked before it is sent: the fields of the API's CreateWorkOrderDto,
 * the time window as the date-time pickers give it (local `YYYY-MM-DD HH:mm:ss`, or null), both
 * ends or neither, ending after it starts.
 */
export const workOrderFormSchema = z
  .object({
    title: z
      .string()
      .trim()
      .min(1, 'Give the work order a title')
      .max(TITLE_MAX, `At most ${TITLE_MAX} characters`),
    siteId: chosen('Choose the site'),
    equipmentTypeId: chosen('Choose the equipment type'),
    priority: z.enum(PRIORITIES, 'Choose a priority'),
    requiredQualificationIds: z
      .array(z.string())
      .max(EXTRA_QUALIFICATIONS_MAX, `At most ${EXTRA_QUALIFICATIONS_MAX} qualifications`),
    notes: z.string().trim().max(NOTES_MAX, `At most ${NOTES_MAX} characters`),
    externalRef: z
      .string()
      .trim()
      .max(EXTERNAL_REF_MAX, `At most ${EXTERNAL_REF_MAX} characters`)
      .refine((value) => !CONTROL_CHARACTERS.test(value), 'No control characters'),
    windowStart: z.string().nullable(),
    windowEnd: z.string().nullable(),
  })
  .superRefine((form, context) => {
    const start = form.windowStart ? dayjs(form.windowStart) : undefined;
    const end = form.windowEnd ? dayjs(form.windowEnd) : undefined;
    if (start && !start.isValid())
      context.addIssue({ code: 'custom', path: ['windowStart'], message: 'Not a date and time' });
    if (end && !end.isValid())
      context.addIssue({ code: 'custom', path: ['windowEnd'], message: 'Not a date and time' });
    if (start && !end)
      context.addIssue({
        code: 'custom',
        path: ['windowEnd'],
        message: 'Give the window an end too, or clear its start',
      });
    if (end && !start)
      context.addIssue({
        code: 'custom',
        path: ['windowStart'],
        message: 'Give the window a start too, or clear its end',
      });
    if (start?.isValid() && end?.isValid() && !end.isAfter(start))
      context.addIssue({
        code: 'custom',
        path: ['windowEnd'],
        message: 'The window must end after it starts',
      });
  });

/** What the form holds while it is filled in. */
export type WorkOrderFormValues = z.input<typeof workOrderFormSchema>;
/** What it holds once checked. */
export type CheckedWorkOrderForm = z.output<typeof workOrderFormSchema>;

export const EMPTY_WORK_ORDER_FORM: WorkOrderFormValues = {
  title: '',
  siteId: null,
  equipmentTypeId: null,
  priority: 'standard',
  requiredQualificationIds: [],
  notes: '',
  externalRef: '',
  windowStart: null,
  windowEnd: null,
};

/** A local date-time of the pickers as the API takes it: ISO 8601 with the browser's offset. */
export function withOffset(localDateTime: string): string {
  return dayjs(localDateTime).format('YYYY-MM-DDTHH:mm:ssZ');
}

/** The request body for `POST /work-orders`: optional fields only when given. */
export function toCreateWorkOrderDto(form: CheckedWorkOrderForm): CreateWorkOrderDto {
  return {
    title: form.title,
    siteId: form.siteId,
    equipmentTypeId: form.equipmentTypeId,
    priority: form.priority,
    requiredQualificationIds: form.requiredQualificationIds,
    ...(form.notes ? { notes: form.notes } : {}),
    ...(form.externalRef ? { externalRef: form.externalRef } : {}),
    ...(form.windowStart && form.windowEnd
      ? { window: { start: withOffset(form.windowStart), end: withOffset(form.windowEnd) } }
      : {}),
  };
}

/** An instant of the API as the date-time pickers hold it: local `YYYY-MM-DD HH:mm:ss`. */
export function toPickerValue(instant: string): string {
  return dayjs(instant).format('YYYY-MM-DD HH:mm:ss');
}

/** A work order as the form holds it, to be edited. */
export function formValuesOf(order: WorkOrderView): WorkOrderFormValues {
  return {
    title: order.title,
    siteId: order.siteId,
    equipmentTypeId: order.equipmentTypeId,
    priority: order.priority,
    requiredQualificationIds: [...order.requiredQualificationIds],
    notes: order.notes ?? '',
    externalRef: order.externalRef ?? '',
    windowStart: order.window ? toPickerValue(order.window.start) : null,
    windowEnd: order.window ? toPickerValue(order.window.end) : null,
  };
}

/**
 * The request body for `PATCH /work-orders/:id`: the fields the form changed from `before` (the
 * order as it was, checked the same way), cleared ones as null (no notes, no window), so the
 * order's history names only what was edited. The ERP's key is not edited here: it is the ERP's.
 */
export function toUpdateWorkOrderDto(
  before: CheckedWorkOrderForm,
  after: CheckedWorkOrderForm,
): UpdateWorkOrderDto {
  const same = (field: keyof CheckedWorkOrderForm) =>
    JSON.stringify(before[field]) === JSON.stringify(after[field]);
  const dto: UpdateWorkOrderDto = {};
  if (!same('title')) dto.title = after.title;
  if (!same('siteId')) dto.siteId = after.siteId;
  if (!same('equipmentTypeId')) dto.equipmentTypeId = after.equipmentTypeId;
  if (!same('priority')) dto.priority = after.priority;
  if (!same('requiredQualificationIds'))
    dto.requiredQualificationIds = after.requiredQualificationIds;
  if (!same('notes')) dto.notes = after.notes || null;
  if (!same('windowStart') || !same('windowEnd'))
    dto.window =
      after.windowStart && after.windowEnd
        ? { start: withOffset(after.windowStart), end: withOffset(after.windowEnd) }
        : null;
  return dto;
}
