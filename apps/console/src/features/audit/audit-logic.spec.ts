import { describe, expect, it } from 'vitest';
import {
  actionOptions,
  auditCsvFileName,
  auditFilterParams,
  auditFilterProblem,
  EMPTY_AUDIT_FILTER,
  localDateTimeToIso,
  parsePageSize,
} from './audit-logic';

const ID = '3f2b8c1e-5d4a-4f7b-9c2e-1a2b3c4d5e6f';

describe('audit filters', () => {
  it('reads datetime-local values as the browser’s local time', () => {
    expect(localDateTimeToIso('2026-11-21T10:05')).toBe(
      new Date(2026, 10, 21, 10, 5).toISOString(),
    );
    expect(localDateTimeToIso('')).toBeUndefined();
    expect(localDateTimeToIso('yesterday-ish')).toBeUndefined();
  });

  it('sends only the filters that are set, trimmed, with times as instants', () => {
    expect(auditFilterParams(EMPTY_AUDIT_FILTER)).toEqual({});
    expect(
      auditFilterParams({
        ...EMPTY_AUDIT_FILTER,
        entityType: ' work_order ',
        entityId: ID,
        actor: 'auto',
        from: '2026-11-21T10:05',
      }),
    ).toEqual({
      entityType: 'work_order',
      entityId: ID,
      actor: 'auto',
      from: new Date(2026, 10, 21, 10, 5).toISOString(),
    });
  });

  it('says what the API would refuse before asking it', () => {
    expect(auditFilterProblem(EMPTY_AUDIT_FILTER)).toBeUndefined();
    expect(
      auditFilterProblem({ ...EMPTY_AUDIT_FILTER, entityId: ID.toUpperCase() }),
    ).toBeUndefined();
    expect(auditFilterProblem({ ...EMPTY_AUDIT_FILTER, entityId: 'WO-000042' })).toMatch(/UUID/);
    expect(
      auditFilterProblem({
        ...EMPTY_AUDIT_FILTER,
        from: '2026-11-21T10:05',
        to: '2026-11-21T10:05',
      }),
    ).toBe('The end must come after the start.');
    expect(
      auditFilterProblem({
        ...EMPTY_AUDIT_FILTER,
        from: '2026-11-21T10:05',
        to: '2026-11-22T00:00',
      }),
    ).toBeUndefined();
  });

  it('names the export as the API does', () => {
    expect(auditCsvFileName(new Date('2026-11-21T10:00:00Z'))).toBe('audit-2026-11-21.csv');
  });

  it('keeps the page size within the API’s bounds', () => {
    expect(parsePageSize('2')).toBe(2);
    expect(parsePageSize('2.4')).toBe(2);
    expect(parsePageSize('500')).toBe(200);
    expect(parsePageSize('0')).toBe(50);
    expect(parsePageSize('')).toBe(50);
    expect(parsePageSize('many')).toBe(50);
  });
});

describe('the Action filter’s choices', () => {
  it('offers every action of the catalogue by its label, grouped by its record', () => {
    const groups = actionOptions();
    const workOrder = groups.find((group) => group.group === 'Work order');
    expect(workOrder?.items).toEqual(
      expect.arrayContaining([
        { value: 'work_order.created', label: 'Work order created' },
        { value: 'work_order.cancelled', label: 'Work order cancelled' },
      ]),
    );
    expect(groups.find((group) => group.group === 'Dispatch')?.items).toEqual(
      expect.arrayContaining([{ value: 'dispatch.en_route', label: 'En route' }]),
    );
    const values = groups.flatMap((group) => group.items.map((item) => item.value));
    expect(values).toEqual([...new Set(values)]);
    expect(groups.map((group) => group.group)).not.toContain('Other');
    // No raw code shown as a label.
    for (const item of groups.flatMap((group) => group.items))
      expect(item.label).not.toMatch(/[._]/);
  });

  it('keeps an action it does not know when one is set, so the filter still shows it', () => {
    const values = actionOptions('robot.arrived').flatMap((group) =>
      group.items.map((item) => item.value),
    );
    expect(values).toContain('robot.arrived');
    expect(actionOptions('work_order.created').flatMap((group) => group.items)).toHaveLength(
      actionOptions().flatMap((group) => group.items).length,
    );
  });
});
