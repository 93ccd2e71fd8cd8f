import {
  DriversSection,
  EquipmentSection,
  QualificationsSection,
  SitesSection,
} from './MasterData';
import { UsersPanel } from './UsersPanel';

/**
 * The organization's administration: users and roles (in Keycloak), drivers and their
 * qualifications (expired in red, expiring within 30 days in amber), equipment and its types,
 * sites and qualifications.
 */
export function AdminPanel() {
  return (
    <div className="admin">
      <UsersPanel />
      <DriversSection />
      <EquipmentSection />
      <SitesSection />
      <QualificationsSection />
    </div>
  );
}
