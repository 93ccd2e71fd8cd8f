import type { Role } from '../auth/session';

export type Tab = 'board' | 'reports' | 'audit' | 'admin' | 'integrations';

export const TAB_LABEL: Record<Tab, string> = {
  board: 'Board',
  reports: 'Reports',
  audit: 'Audit',
  admin: 'Admin',
  integrations: 'Integrations',
};

/** The sections a role may open, in the order of the tab bar (drivers get their phone page only). */
export function tabsFor(roles: readonly Role[]): Tab[] {
  const has = (role: Role) => roles.includes(role);
  return (['board', 'reports', 'audit', 'admin', 'integrations'] as const).filter((tab) => {
    if (tab === 'reports') return has('admin') || has('dispatcher') || has('viewer');
    if (tab === 'audit') return has('admin') || has('viewer');
    if (tab === 'admin' || tab === 'integrations') return has('admin');
    return true;
  });
}

/** Every part of the console a route belongs to: the tabs, and a driver's own jobs. */
export type Section = Tab | 'driver';

export const SECTION_LABEL: Record<Section, string> = { ...TAB_LABEL, driver: 'My jobs' };

/** Where each section starts. */
export const SECTION_PATH = {
  board: '/board',
  reports: '/reports',
  audit: '/audit',
  admin: '/admin',
  integrations: '/integrations',
  driver: '/my-jobs',
} as const satisfies Record<Section, string>;

/** A user whose only role is driver: the phone page, and nothing else. */
export function isDriverOnly(roles: readonly Role[]): boolean {
  return roles.length > 0 && roles.every((role) => role === 'driver');
}

/**
 * The sections a user may open, in the order of the navigation: the tabs of their roles, and their
 * own jobs if they drive. A user who only drives gets the jobs page alone, as the console has always
 * shown them (the API answers a driver only about their own dispatches: a board would be empty).
 */
export function sectionsFor(roles: readonly Role[]): Section[] {
  if (isDriverOnly(roles)) return ['driver'];
  const tabs: Section[] = tabsFor(roles);
  return roles.includes('driver') ? [...tabs, 'driver'] : tabs;
}

export function canOpen(section: Section, roles: readonly Role[]): boolean {
  return sectionsFor(roles).includes(section);
}

/** Where `/` takes a user: the first section they may open. */
export function homePath(roles: readonly Role[]): (typeof SECTION_PATH)[Section] {
  return SECTION_PATH[sectionsFor(roles)[0]];
}
