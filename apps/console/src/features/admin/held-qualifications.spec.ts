import type { HeldQualificationView } from '@dispatch/api-client';
import { describe, expect, it } from 'vitest';
import { aYearAfter, validity, withAdded, withRemoved, withRenewed } from './held-qualifications';

const HELD: HeldQualificationView[] = [
  { qualificationId: 'q-cdl', code: 'CDL-A', name: 'Licence', expiresAt: '2027-03-31' },
  { qualificationId: 'q-rig', code: 'RIG', name: 'Rigging', expiresAt: '2026-12-20' },
];

describe("a driver's qualifications", () => {
  it('tells valid, running out within 30 days and expired apart, the last day still valid', () => {
    expect(validity('2027-03-31', '2026-12-02')).toBe('valid');
    expect(validity('2027-01-01', '2026-12-02')).toBe('expiring');
    expect(validity('2026-12-02', '2026-12-02')).toBe('expiring');
    expect(validity('2026-12-01', '2026-12-02')).toBe('expired');
  });

  it('offers a year after a day, leap days included', () => {
    expect(aYearAfter('2026-12-20')).toBe('2027-12-20');
    expect(aYearAfter('2028-02-29')).toBe('2029-02-28');
  });

  it('sends the whole list back with one entry added, renewed or removed', () => {
    expect(withAdded(HELD, 'q-night', '2027-12-02')).toEqual([
      { qualificationId: 'q-cdl', expiresAt: '2027-03-31' },
      { qualificationId: 'q-rig', expiresAt: '2026-12-20' },
      { qualificationId: 'q-night', expiresAt: '2027-12-02' },
    ]);
    expect(withRenewed(HELD, 'q-rig', '2027-12-15')).toEqual([
      { qualificationId: 'q-cdl', expiresAt: '2027-03-31' },
      { qualificationId: 'q-rig', expiresAt: '2027-12-15' },
    ]);
    expect(withRemoved(HELD, 'q-cdl')).toEqual([
      { qualificationId: 'q-rig', expiresAt: '2026-12-20' },
    ]);
  });

  it('adds a qualification already held only once, with the new day', () => {
    expect(withAdded(HELD, 'q-rig', '2028-01-01')).toEqual([
      { qualificationId: 'q-cdl', expiresAt: '2027-03-31' },
      { qualificationId: 'q-rig', expiresAt: '2028-01-01' },
    ]);
  });
});
