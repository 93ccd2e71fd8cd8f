import { describe, expect, it } from 'vitest';
import {
  formatCoordinate,
  formatMoment,
  formatWindow,
  geoUrl,
  telUrl,
  webMapsUrl,
} from './driver-logic';

const riverside = { name: 'Riverside Tower', latitude: 39.75, longitude: -105 };

describe('navigation links', () => {
  it('writes coordinates with at most six decimals, never as an exponent', () => {
    expect(formatCoordinate(39.75)).toBe('39.75');
    expect(formatCoordinate(-105)).toBe('-105');
    expect(formatCoordinate(12.3456789)).toBe('12.345679');
    expect(formatCoordinate(0.0000001)).toBe('0');
    expect(formatCoordinate(-0.0000001)).toBe('0');
    expect(formatCoordinate(-36.840601)).toBe('-36.840601');
    expect(() => formatCoordinate(Number.NaN)).toThrow(RangeError);
  });

  it('builds the geo: URI of the site, labelled with its name', () => {
    expect(geoUrl(riverside)).toBe('geo:39.75,-105?q=39.75,-105(Riverside%20Tower)');
  });

  it('keeps a name with parentheses, ampersands or accents inside its label', () => {
    expect(
      geoUrl({ name: 'Yard (north) & Café #2', latitude: -36.8406, longitude: 174.7679 }),
    ).toBe(
      'geo:-36.8406,174.7679?q=-36.8406,174.7679(Yard%20%28north%29%20%26%20Caf%C3%A9%20%232)',
    );
  });

  it('offers the same destination as a web maps link', () => {
    expect(webMapsUrl(riverside)).toBe(
      'https://www.google.com/maps/dir/?api=1&destination=39.75%2C-105',
    );
  });
});

describe('calling the site', () => {
  it('dials the digits of a number as people write it, keeping a leading +', () => {
    expect(telUrl('+1 (303) 555-0142')).toBe('tel:+13035550142');
    expect(telUrl(' 0800.123/456 ')).toBe('tel:0800123456');
  });

  it('offers no call without a number', () => {
    expect(telUrl(null)).toBeNull();
    expect(telUrl(undefined)).toBeNull();
    expect(telUrl('')).toBeNull();
    expect(telUrl('12')).toBeNull();
  });
});

describe('times for the driver', () => {
  const utc = { locale: 'en-GB', timeZone: 'UTC' };

  it('writes a moment in the user’s zone', () => {
    expect(formatMoment('2026-11-21T10:05:00Z', utc)).toBe('21 Nov 2026, 10:05');
    expect(formatMoment('2026-11-21T10:05:00Z', { ...utc, timeZone: 'Pacific/Auckland' })).toBe(
      '21 Nov 2026, 23:05',
    );
  });

  it('says the day of a window once when it starts and ends on the same day', () => {
    expect(formatWindow({ start: '2026-11-21T10:00:00Z', end: '2026-11-21T12:00:00Z' }, utc)).toBe(
      '21 Nov 2026, 10:00–12:00',
    );
  });

  it('says both days of a window across midnight, in the user’s zone', () => {
    const window = { start: '2026-11-21T22:00:00Z', end: '2026-11-22T02:00:00Z' };
    expect(formatWindow(window, utc)).toBe('21 Nov 2026, 22:00 – 22 Nov 2026, 02:00');
    // In New York the same window is one evening.
    expect(formatWindow(window, { ...utc, timeZone: 'America/New_York' })).toBe(
      '21 Nov 2026, 17:00–21:00',
    );
  });
});
