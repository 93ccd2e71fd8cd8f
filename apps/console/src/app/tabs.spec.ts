import { describe, expect, it } from 'vitest';
import { tabsFor } from './tabs';

describe('tabs by role', () => {
  it('gives each role the sections the API lets it read', () => {
    expect(tabsFor(['admin'])).toEqual(['board', 'reports', 'audit', 'admin', 'integrations']);
    expect(tabsFor(['dispatcher'])).toEqual(['board', 'reports']);
    expect(tabsFor(['viewer'])).toEqual(['board', 'reports', 'audit']);
    expect(tabsFor(['driver'])).toEqual(['board']);
    expect(tabsFor(['dispatcher', 'viewer'])).toEqual(['board', 'reports', 'audit']);
  });
});
