/** The parts of the admin pages, each at /admin/<section>, in the order of the navigation. */
export const ADMIN_SECTIONS = ['users', 'drivers', 'equipment', 'sites', 'qualifications'] as const;
export type AdminSection = (typeof ADMIN_SECTIONS)[number];

export const ADMIN_SECTION_LABEL: Record<AdminSection, string> = {
  users: 'Users',
  drivers: 'Drivers',
  equipment: 'Equipment',
  sites: 'Sites',
  qualifications: 'Qualifications',
};

export function isAdminSection(value: string): value is AdminSection {
  return (ADMIN_SECTIONS as readonly string[]).includes(value);
}
