import '../admin/admin.css';
import { useParams, useRouteContext } from '@tanstack/react-router';
import { DriverPage } from './DriverPage';
import { UnitPage } from './UnitPage';

/** /units/<id>: the unit the address names; admins may edit it. */
export function UnitRoute() {
  const { unitId } = useParams({ from: '/units/$unitId' });
  const { session } = useRouteContext({ from: '/units/$unitId' });
  return <UnitPage key={unitId} unitId={unitId} canEdit={session.roles.includes('admin')} />;
}

/** /drivers/<id>: the driver the address names; admins may edit them. */
export function DriverRoute() {
  const { driverId } = useParams({ from: '/drivers/$driverId' });
  const { session } = useRouteContext({ from: '/drivers/$driverId' });
  return (
    <DriverPage key={driverId} driverId={driverId} canEdit={session.roles.includes('admin')} />
  );
}
