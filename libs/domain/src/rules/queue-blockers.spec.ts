import { type CapacitySnapshot, type DriverCapability, explainBlockers } from './queue-blockers';
import { dueDate, isValidThrough, requiredQualificationIds } from './qualification-rules';

function capacity(
  units: Record<string, [number, number, number, number]>,
  drivers: DriverCapability[],
): CapacitySnapshot {
  return {
    unitsByType: new Map(
      Object.entries(units).map(([type, [total, available, dispatched, maintenance]]) => [
        type,
        { total, available, dispatched, maintenance },
      ]),
    ),
    drivers,
    typeLabel: (id) => `type:${id}`,
    qualificationLabel: (id) => `qual:${id}`,
  };
}

const driver = (free: boolean, qualifications: Record<string, string>): DriverCapability => ({
  free,
  qualifications: new Map(Object.entries(qualifications)),
});
const due = '2026-12-01';

describe('qualification rules', () => {
  it('counts a qualification valid through its expiry day', () => {
    expect(isValidThrough('2026-12-01', '2026-12-01')).toBe(true);
    expect(isValidThrough('2026-11-30', '2026-12-01')).toBe(false);
  });

  it('takes the due date from the end of the window, or today', () => {
    const now = new Date('2026-11-21T10:00:00Z');
    expect(dueDate(null, now)).toBe('2026-11-21');
    expect(dueDate({ windowEnd: new Date('2026-12-03T15:00:00Z') }, now)).toBe('2026-12-03');
    expect(dueDate({ windowEnd: new Date('2026-11-01T15:00:00Z') }, now)).toBe('2026-11-21');
  });

  it('merges the equipment type’s and the order’s requirements', () => {
    expect(requiredQualificationIds(['b', 'a'], ['a', 'c'])).toEqual(['a', 'b', 'c']);
  });
});

describe('queue explanation', () => {
  it('is empty when a unit and a qualified driver are free', () => {
    expect(
      explainBlockers(
        { equipmentTypeId: 'crane', requiredQualificationIds: ['q1'], due },
        capacity({ crane: [2, 1, 1, 0] }, [driver(true, { q1: '2027-01-01' })]),
      ),
    ).toEqual([]);
  });

  it('names a type without units and a type whose units are all busy', () => {
    const none = explainBlockers(
      { equipmentTypeId: 'crane', requiredQualificationIds: [], due },
      capacity({}, [driver(true, {})]),
    );
    expect(none.map((blocker) => blocker.code)).toEqual(['no_unit_of_type']);
    const busy = explainBlockers(
      { equipmentTypeId: 'crane', requiredQualificationIds: [], due },
      capacity({ crane: [3, 0, 2, 1] }, [driver(true, {})]),
    );
    expect(busy).toEqual([
      expect.objectContaining({
        code: 'no_free_unit',
        message: 'No free unit of type type:crane (2 dispatched, 1 in maintenance)',
      }),
    ]);
  });

  it('tells why no driver counts for a qualification', () => {
    const snapshot = (drivers: DriverCapability[]) => capacity({ crane: [1, 1, 0, 0] }, drivers);
    const needs = { equipmentTypeId: 'crane', requiredQualificationIds: ['q1'], due };
    expect(explainBlockers(needs, snapshot([driver(true, {})]))[0]).toMatchObject({
      code: 'no_free_driver_with_qualification',
      reason: 'nobody_holds',
      qualificationId: 'q1',
    });
    expect(
      explainBlockers(needs, snapshot([driver(true, {}), driver(false, { q1: '2027-01-01' })]))[0],
    ).toMatchObject({ reason: 'held_only_by_busy_or_off_duty_drivers' });
    expect(explainBlockers(needs, snapshot([driver(true, { q1: '2026-11-30' })]))[0]).toMatchObject(
      { reason: 'expires_before_due' },
    );
  });

  it('notices when no single free driver holds every qualification', () => {
    const blockers = explainBlockers(
      { equipmentTypeId: 'crane', requiredQualificationIds: ['q1', 'q2'], due },
      capacity({ crane: [1, 1, 0, 0] }, [
        driver(true, { q1: '2027-01-01' }),
        driver(true, { q2: '2027-01-01' }),
      ]),
    );
    expect(blockers.map((blocker) => blocker.code)).toEqual([
      'no_free_driver_with_all_qualifications',
    ]);
  });

  it('reports no free driver at all, and scheduled work', () => {
    const blockers = explainBlockers(
      {
        equipmentTypeId: 'crane',
        requiredQualificationIds: ['q1'],
        due,
        notBefore: '2026-12-01T07:00:00.000Z',
      },
      capacity({ crane: [1, 0, 1, 0] }, [driver(false, { q1: '2027-01-01' })]),
    );
    expect(blockers.map((blocker) => blocker.code)).toEqual([
      'scheduled',
      'no_free_unit',
      'no_free_driver',
    ]);
  });
});
