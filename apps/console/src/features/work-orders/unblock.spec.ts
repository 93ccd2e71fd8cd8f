import { describe, expect, it } from 'vitest';
import { blockerText, unblockAdvice } from './unblock';

const label = (id: string) => (id === 'q-1' ? 'hazmat' : id);

describe('what would unblock a queued order', () => {
  it('names the qualification a driver lacks, by why the free drivers do not count', () => {
    const base = {
      code: 'no_free_driver_with_qualification',
      message: '…',
      qualificationId: 'q-1',
    } as const;
    expect(unblockAdvice({ ...base, reason: 'nobody_holds' }, label)).toMatch(
      /^Nobody holds hazmat: add it to a driver/,
    );
    expect(unblockAdvice({ ...base, reason: 'expires_before_due' }, label)).toMatch(
      /^Renew hazmat/,
    );
    expect(unblockAdvice({ ...base, reason: 'held_only_by_busy_or_off_duty_drivers' }, label)).toBe(
      'Put a driver who holds hazmat on duty, or wait until one is free.',
    );
  });

  it('says what to do about units and drivers, and that scheduled work waits by itself', () => {
    expect(unblockAdvice({ code: 'no_unit_of_type', message: '…' }, label)).toMatch(
      /^Put a unit of this type in service/,
    );
    expect(unblockAdvice({ code: 'no_free_driver', message: '…' }, label)).toBe(
      'Put a driver on duty, or wait until one finishes a job.',
    );
    expect(unblockAdvice({ code: 'scheduled', message: '…' }, label)).toMatch(
      /dispatched by itself when its window nears/,
    );
    expect(unblockAdvice({ code: 'something_newer', message: '…' }, label)).toMatch(
      /See which units and drivers could take it/,
    );
  });

  it('writes the moment scheduled work is dispatched in the reader’s zone, not as ISO', () => {
    const text = blockerText({
      message: 'Scheduled: dispatched automatically from 2027-01-10T07:00:00.000Z',
    });
    expect(text).not.toContain('2027-01-10T07');
    expect(text).toMatch(
      /^Scheduled: dispatched automatically from \w{3},? \d{1,2} Jan 2027, \d{2}:\d{2}$/,
    );
    expect(blockerText({ message: 'No free driver' })).toBe('No free driver');
  });
});
