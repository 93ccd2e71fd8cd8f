import { useDriversList, useEquipmentTypesList, useSitesList } from '@dispatch/api-client';
import { daysUntil } from '../board/board-logic';
import { UsersPanel } from './UsersPanel';

const SOON_DAYS = 30;

/** The organization's master data. Qualifications that expire within a month are highlighted. */
export function AdminPanel() {
  const drivers = useDriversList({ limit: 200 });
  const types = useEquipmentTypesList({ limit: 200 });
  const sites = useSitesList({ limit: 200 });
  return (
    <div className="admin">
      <UsersPanel />
      <section className="panel" aria-labelledby="admin-drivers">
        <h2 id="admin-drivers">Drivers and qualifications</h2>
        <table className="table" data-testid="admin-drivers">
          <thead>
            <tr>
              <th>Driver</th>
              <th>Login</th>
              <th>Qualifications (expiry)</th>
            </tr>
          </thead>
          <tbody>
            {drivers.data?.items.map((driver) => (
              <tr key={driver.id}>
                <td>{driver.name}</td>
                <td className="muted">{driver.username ?? '—'}</td>
                <td>
                  {driver.qualifications.map((held) => {
                    const days = daysUntil(held.expiresAt);
                    const state = days < 0 ? 'expired' : days <= SOON_DAYS ? 'expiring' : 'valid';
                    return (
                      <span
                        key={held.qualificationId}
                        className={`badge badge--${state}`}
                        title={`${held.name}: ${state === 'expired' ? 'expired' : `${days} days left`}`}
                      >
                        {held.code} {held.expiresAt}
                      </span>
                    );
                  })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="panel" aria-labelledby="admin-types">
        <h2 id="admin-types">Equipment types</h2>
        <ul>
          {types.data?.items.map((type) => (
            <li key={type.id}>
              <strong>{type.code}</strong> {type.name} — requires{' '}
              {type.requiredQualifications.map((required) => required.code).join(', ') || 'nothing'}
            </li>
          ))}
        </ul>
      </section>
      <section className="panel" aria-labelledby="admin-sites">
        <h2 id="admin-sites">Sites</h2>
        <ul>
          {sites.data?.items.map((site) => (
            <li key={site.id}>
              <strong>{site.name}</strong> {site.address}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
