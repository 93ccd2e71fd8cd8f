import { DispatchStatus, OPEN_DISPATCH_STATUSES, sqlValues } from './enums';

describe('enums', () => {
  it('treats every step before completion as holding the unit, driver and work order', () => {
    expect(OPEN_DISPATCH_STATUSES).toEqual(['assigned', 'acknowledged', 'en_route', 'on_site']);
    expect(OPEN_DISPATCH_STATUSES).not.toContain(DispatchStatus.Completed);
    expect(OPEN_DISPATCH_STATUSES).not.toContain(DispatchStatus.Cancelled);
  });

  it('renders SQL value lists for constraints', () => {
    expect(sqlValues(['a', 'b'])).toBe("'a', 'b'");
  });
});
