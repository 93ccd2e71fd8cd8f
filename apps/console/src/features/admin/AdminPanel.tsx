import './admin.css';
import { Title } from '@mantine/core';
import { useParams } from '@tanstack/react-router';
import { type AdminSection, ADMIN_SECTION_LABEL } from './admin-sections';
import { DriversSection } from './DriversSection';
import { EquipmentSection } from './EquipmentSection';
import { QualificationsSection } from './QualificationsSection';
import { SitesSection } from './SitesSection';
import { UsersPanel } from './UsersPanel';

const SECTION = {
  users: UsersPanel,
  drivers: DriversSection,
  equipment: EquipmentSection,
  sites: SitesSection,
  qualifications: QualificationsSection,
} as const satisfies Record<AdminSection, () => React.JSX.Element>;

/**
 * The organization's administration, one part per page (/admin/<section>): users and roles (in
 * Keycloak), drivers and their qualifications (expired in red, expiring within 30 days in amber),
 * equipment and its types, sites and qualifications.
 */
export function AdminPanel({ section }: { section: AdminSection }) {
  const Section = SECTION[section];
  return (
    <div className="admin" data-testid={`admin-${section}-page`}>
      <Title order={1} className="page-title">
        Admin · {ADMIN_SECTION_LABEL[section]}
      </Title>
      <Section />
    </div>
  );
}

/** /admin/<section>: the part the address names. */
export function AdminRoute() {
  const { adminSection } = useParams({ from: '/admin/$adminSection' });
  return <AdminPanel section={adminSection} />;
}
