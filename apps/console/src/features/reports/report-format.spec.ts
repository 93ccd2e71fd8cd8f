import { describe, expect, it } from 'vitest';
import {
  formatCount,
  formatHours,
  formatInstant,
  formatMinutes,
  formatShare,
  toPercent,
} from './report-format';

describe('report figures', () => {
  it('shows a dash where the API has no figure', () => {
    for (const format of [formatCount, formatHours, formatShare, formatMinutes])
      expect(format(null)).toBe('—');
    expect(toPercent(null)).toBeNull();
  });

  it('formats counts, hours and shares', () => {
    expect(formatCount(12345)).toBe('12,345');
    expect(formatCount(0)).toBe('0');
    expect(formatHours(12.345)).toBe('12.3 h');
    expect(formatHours(0)).toBe('0.0 h');
    expect(formatShare(0.4251)).toBe('42.5 %');
    expect(formatShare(1)).toBe('100.0 %');
    expect(toPercent(0.12345)).toBe(12.3);
  });

  it('formats durations from minutes to days', () => {
    expect(formatMinutes(0)).toBe('0.0 min');
    expect(formatMinutes(4.46)).toBe('4.5 min');
    expect(formatMinutes(65)).toBe('1 h 05 min');
    expect(formatMinutes(59.96)).toBe('1 h 00 min');
    expect(formatMinutes(51 * 60 + 10)).toBe('2 d 3 h');
  });

  it('shows instants in the report’s time zone', () => {
    expect(formatInstant('2026-11-21T23:30:00Z', 'UTC')).toBe('Nov 21, 2026, 11:30 PM');
    expect(formatInstant('2026-11-21T23:30:00Z', 'Europe/Berlin')).toBe('Nov 22, 2026, 12:30 AM');
    expect(formatInstant('not a time')).toBe('not a time');
  });
});
