import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  csvFileName,
  daysInRange,
  initialFilters,
  matchingPreset,
  presetRange,
  rangeProblem,
  reportParams,
  timeZoneOptions,
  todayIn,
} from './report-range';

describe('report ranges', () => {
  it('knows what day it is in the report’s time zone', () => {
    const now = new Date('2026-11-21T23:30:00Z');
    expect(todayIn('UTC', now)).toBe('2026-11-21');
    expect(todayIn('Europe/Berlin', now)).toBe('2026-11-22');
    expect(todayIn('America/Los_Angeles', now)).toBe('2026-11-21');
    expect(todayIn('Pacific/Kiritimati', new Date('2026-12-31T10:00:00Z'))).toBe('2027-01-01');
  });

  it('moves by days and months across month ends and leap days', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonths('2028-02-29', -12)).toBe('2027-02-28');
    expect(addMonths('2026-01-15', -13)).toBe('2024-12-15');
  });

  it('ends every preset today', () => {
    const today = '2026-11-21';
    expect(presetRange('last7', today)).toEqual({ from: '2026-11-15', to: today });
    expect(presetRange('last30', today)).toEqual({ from: '2026-10-23', to: today });
    expect(presetRange('thisMonth', today)).toEqual({ from: '2026-11-01', to: today });
    expect(presetRange('last12Months', today)).toEqual({ from: '2025-11-22', to: today });
    expect(daysInRange(presetRange('last7', today))).toBe(7);
    expect(daysInRange(presetRange('last30', today))).toBe(30);
    expect(daysInRange(presetRange('last12Months', today))).toBe(365);
  });

  it('recognizes a preset range, and no preset for a range chosen by hand', () => {
    expect(matchingPreset({ from: '2026-11-15', to: '2026-11-21' }, '2026-11-21')).toBe('last7');
    expect(matchingPreset({ from: '2026-11-01', to: '2026-11-21' }, '2026-11-21')).toBe(
      'thisMonth',
    );
    expect(matchingPreset({ from: '2026-11-02', to: '2026-11-21' }, '2026-11-21')).toBeUndefined();
  });

  it('says what the API would refuse before asking it', () => {
    expect(rangeProblem({ from: '2026-11-01', to: '2026-11-30' })).toBeUndefined();
    expect(rangeProblem({ from: '2026-11-21', to: '2026-11-21' })).toBeUndefined();
    expect(rangeProblem({ from: '', to: '2026-11-30' })).toBe('Choose a first and a last day.');
    expect(rangeProblem({ from: '2026-02-30', to: '2026-03-01' })).toBe(
      'Choose a first and a last day.',
    );
    expect(rangeProblem({ from: '2026-11-30', to: '2026-11-01' })).toBe(
      'The range ends before it begins.',
    );
    expect(rangeProblem({ from: '2025-01-01', to: '2026-12-31' })).toBeUndefined(); // 730 days
    expect(rangeProblem({ from: '2024-01-01', to: '2025-12-31' })).toBeUndefined(); // 731 days
    expect(rangeProblem({ from: '2024-01-01', to: '2026-01-01' })).toBe(
      'A report covers at most 731 days.',
    );
  });

  it('leaves blank filters out of the query', () => {
    const filters = {
      from: '2026-11-01',
      to: '2026-11-30',
      timeZone: 'Europe/Berlin',
      siteId: '',
      equipmentTypeId: '',
    };
    expect(reportParams(filters)).toEqual({
      from: '2026-11-01',
      to: '2026-11-30',
      tz: 'Europe/Berlin',
    });
    expect(reportParams({ ...filters, siteId: 's1', equipmentTypeId: 't1' })).toEqual({
      from: '2026-11-01',
      to: '2026-11-30',
      tz: 'Europe/Berlin',
      siteId: 's1',
      equipmentTypeId: 't1',
    });
  });

  it('names downloads as the API names its attachments', () => {
    expect(csvFileName('completion', { from: '2026-11-01', to: '2026-11-30' })).toBe(
      'completion-2026-11-01-to-2026-11-30.csv',
    );
  });

  it('offers every zone, with UTC and the current one, once each and sorted', () => {
    expect(timeZoneOptions('Europe/Berlin', ['Europe/Paris', 'America/New_York'])).toEqual([
      'America/New_York',
      'Europe/Berlin',
      'Europe/Paris',
      'UTC',
    ]);
    expect(timeZoneOptions('UTC', ['UTC'])).toEqual(['UTC']);
  });

  it('starts with the last 30 days in the given zone, unfiltered', () => {
    expect(initialFilters('Asia/Tokyo', new Date('2026-11-21T20:00:00Z'))).toEqual({
      from: '2026-10-24',
      to: '2026-11-22',
      timeZone: 'Asia/Tokyo',
      siteId: '',
      equipmentTypeId: '',
    });
  });
});
