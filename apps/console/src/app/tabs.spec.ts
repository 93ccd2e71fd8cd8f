import { describe, expect, it } from 'vitest';
import { canOpen, homePath, isDriverOnly, sectionsFor, tabsFor } from './tabs';

describe('tabs by role', () => {
  it('gives each role the sections the API lets it read', () => {
    expect(tabsFor(['admin'])).toEqual(['board', 'reports', 'audit', 'admin', 'integrations']);
    expect(tabsFor(['dispatcher'])).toEqual(['board', 'reports']);
    expect(tabsFor(['viewer'])).toEqual(['board', 'reports', 'audit']);
    expect(tabsFor(['driver'])).toEqual(['board']);
    expect(tabsFor(['dispatcher', 'viewer'])).toEqual(['board', 'reports', 'audit']);
  });
});

describe('sections by role', () => {
  it('gives a driver their own jobs and nothing else', () => {
    expect(isDriverOnly(['driver'])).toBe(true);
    expect(sectionsFor(['driver'])).toEqual(['driver']);
    expect(homePath(['driver'])).toBe('/my-jobs');
    for (const section of ['board', 'reports', 'audit', 'admin', 'integrations'] as const)
      expect(canOpen(section, ['driver'])).toBe(false);
  });

  it('opens the tabs of each office role, and starts on the board', () => {
    expect(sectionsFor(['admin'])).toEqual(['board', 'reports', 'audit', 'admin', 'integrations']);
    expect(sectionsFor(['dispatcher'])).toEqual(['board', 'reports']);
    expect(sectionsFor(['viewer'])).toEqual(['board', 'reports', 'audit']);
    for (const roles of [['admin'], ['dispatcher'], ['viewer']] as const)
      expect(homePath(roles)).toBe('/board');
    expect(canOpen('audit', ['dispatcher'])).toBe(false);
    expect(canOpen('admin', ['viewer'])).toBe(false);
    expect(canOpen('integrations', ['dispatcher'])).toBe(false);
    expect(canOpen('driver', ['dispatcher'])).toBe(false);
  });

  it('adds the jobs page for someone who also drives', () => {
    expect(isDriverOnly(['dispatcher', 'driver'])).toBe(false);
    expect(sectionsFor(['dispatcher', 'driver'])).toEqual(['board', 'reports', 'driver']);
    expect(homePath(['dispatcher', 'driver'])).toBe('/board');
  });

  it('leaves a user without a known role the read-only board, as before', () => {
    expect(isDriverOnly([])).toBe(false);
    expect(sectionsFor([])).toEqual(['board']);
  });
});
