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
