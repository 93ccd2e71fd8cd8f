import { describe, expect, it } from 'vitest';
import type { WorkOrderView } from '@dispatch/api-client';
import {
  EMPTY_WORK_ORDER_FORM,
  formValuesOf,
  toCreateWorkOrderDto,
  toUpdateWorkOrderDto,
  type WorkOrderFormValues,
  withOffset,
  workOrderFormSchema,
} from './work-order-form';

const filled: WorkOrderFormValues = {
  ...EMPTY_WORK_ORDER_FORM,
  title: '  Lift HVAC units  ',
  siteId: 'site-1',
  equipmentTypeId: 'type-1',
  priority: 'urgent',
};

/** The messages the form would show, by field. */
function problems(values: WorkOrderFormValues): Record<string, string[]> {
  const result = workOrderFormSchema.safeParse(values);
  if (result.success) return {};
  const byField: Record<string, string[]> = {};
  for (const issue of result.error.issues)
    (byField[issue.path.join('.')] ??= []).push(issue.message);
  return byField;
}

describe('the new work order form', () => {
  it('asks for a title, a site and an equipment type', () => {
    expect(problems(EMPTY_WORK_ORDER_FORM)).toEqual({
      title: ['Give the work order a title'],
      siteId: ['Choose the site'],
      equipmentTypeId: ['Choose the equipment type'],
    });
    expect(problems({ ...filled, title: '   ' })).toEqual({
      title: ['Give the work order a title'],
    });
  });

  it('keeps to the API’s limits', () => {
    expect(problems({ ...filled, title: 'x'.repeat(201) })).toEqual({
      title: ['At most 200 characters'],
    });
    expect(problems({ ...filled, notes: 'x'.repeat(4001) })).toEqual({
      notes: ['At most 4000 characters'],
    });
    expect(problems({ ...filled, externalRef: 'x'.repeat(101) })).toEqual({
      externalRef: ['At most 100 characters'],
    });
    expect(problems({ ...filled, externalRef: 'SAP\t4711' })).toEqual({
      externalRef: ['No control characters'],
    });
  });

  it('takes a window with both ends, ending after it starts', () => {
    expect(
      problems({ ...filled, windowStart: '2027-01-10 07:00:00', windowEnd: '2027-01-10 09:30:00' }),
    ).toEqual({});
    expect(
      problems({ ...filled, windowStart: '2027-01-10 09:30:00', windowEnd: '2027-01-10 07:00:00' }),
    ).toEqual({ windowEnd: ['The window must end after it starts'] });
    expect(
      problems({ ...filled, windowStart: '2027-01-10 07:00:00', windowEnd: '2027-01-10 07:00:00' }),
    ).toEqual({ windowEnd: ['The window must end after it starts'] });
    expect(problems({ ...filled, windowStart: '2027-01-10 07:00:00' })).toEqual({
      windowEnd: ['Give the window an end too, or clear its start'],
    });
    expect(problems({ ...filled, windowEnd: '2027-01-10 07:00:00' })).toEqual({
      windowStart: ['Give the window a start too, or clear its end'],
    });
  });

  it('sends only what was given, trimmed', () => {
    const checked = workOrderFormSchema.parse({ ...filled, notes: '  ', externalRef: ' ' });
    expect(toCreateWorkOrderDto(checked)).toEqual({
      title: 'Lift HVAC units',
      siteId: 'site-1',
      equipmentTypeId: 'type-1',
      priority: 'urgent',
      requiredQualificationIds: [],
    });
  });

  it('sends the window with the browser’s offset, and the extra qualifications, notes and ERP key', () => {
    const checked = workOrderFormSchema.parse({
      ...filled,
      requiredQualificationIds: ['q-1', 'q-2'],
      notes: 'Gate code 4711',
      externalRef: ' SAP-4711 ',
      windowStart: '2027-01-10 07:00:00',
      windowEnd: '2027-01-10 09:30:00',
    });
    const dto = toCreateWorkOrderDto(checked);
    expect(dto).toMatchObject({
      requiredQualificationIds: ['q-1', 'q-2'],
      notes: 'Gate code 4711',
      externalRef: 'SAP-4711',
    });
    expect(dto.window?.start).toMatch(/^2027-01-10T07:00:00[+-]\d{2}:\d{2}$/);
    expect(dto.window?.end).toMatch(/^2027-01-10T09:30:00[+-]\d{2}:\d{2}$/);
    // The same instant the user picked on their clock.
    expect(Date.parse(dto.window?.start ?? '')).toBe(new Date(2027, 0, 10, 7, 0).getTime());
  });

  it('writes a local time with its offset', () => {
    expect(Date.parse(withOffset('2026-07-01 12:15:00'))).toBe(
      new Date(2026, 6, 1, 12, 15).getTime(),
    );
  });

  it('edits an order: filled in as it is, sending only what changed, cleared fields as null', () => {
    const order = {
      title: 'Lift HVAC units',
      siteId: 'site-1',
      equipmentTypeId: 'type-1',
      priority: 'standard',
      requiredQualificationIds: ['q-1'],
      notes: 'Gate code 4711',
      externalRef: 'SAP-4711',
      window: { start: '2027-01-10T07:00:00.000Z', end: '2027-01-10T09:30:00.000Z' },
    } as WorkOrderView;
    const values = formValuesOf(order);
    expect(values).toMatchObject({ title: 'Lift HVAC units', notes: 'Gate code 4711' });
    expect(Date.parse(values.windowStart ?? '')).toBe(Date.parse(order.window!.start));
    const before = workOrderFormSchema.parse(values);
    expect(toUpdateWorkOrderDto(before, before)).toEqual({});
    const after = workOrderFormSchema.parse({
      ...values,
      title: 'Lift the HVAC units',
      priority: 'urgent',
      notes: '',
      windowStart: null,
      windowEnd: null,
    });
    expect(toUpdateWorkOrderDto(before, after)).toEqual({
      title: 'Lift the HVAC units',
      priority: 'urgent',
      notes: null,
      window: null,
    });
  });
});
