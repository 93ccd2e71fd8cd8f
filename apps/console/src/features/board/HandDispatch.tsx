import {
  useDispatchesCandidates,
  useDispatchesCreate,
  useDispatchesReassign,
} from '@dispatch/api-client';
import { type FormEvent, useState } from 'react';
import { problemText } from './problem-text';

/**
 * Dispatch a work order by hand, or re-assign an open dispatch: every unit and driver is listed,
 * and those that cannot take the order are disabled with the reason beside them.
 */
export function HandDispatch({
  workOrderId,
  dispatchId,
  onDone,
}: {
  workOrderId: string;
  dispatchId?: string;
  onDone: () => void;
}) {
  const candidates = useDispatchesCandidates({
    workOrderId,
    ...(dispatchId ? { dispatchId } : {}),
  });
  const create = useDispatchesCreate();
  const reassign = useDispatchesReassign();
  const [equipmentId, setEquipmentId] = useState('');
  const [driverId, setDriverId] = useState('');
  const pending = create.isPending || reassign.isPending;
  const error: unknown = create.error ?? reassign.error;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (dispatchId) {
      reassign.mutate(
        {
          id: dispatchId,
          data: { ...(equipmentId ? { equipmentId } : {}), ...(driverId ? { driverId } : {}) },
        },
        { onSuccess: onDone },
      );
    } else {
      create.mutate({ data: { workOrderId, equipmentId, driverId } }, { onSuccess: onDone });
    }
  };

  if (candidates.isLoading) return <p className="muted">Loading units and drivers…</p>;
  if (candidates.isError) return <p className="error">{problemText(candidates.error)}</p>;
  return (
    <form className="hand-dispatch" onSubmit={submit} data-testid="hand-dispatch">
      <label>
        Unit
        <select
          name="unit"
          value={equipmentId}
          onChange={(event) => setEquipmentId(event.target.value)}
          required={!dispatchId}
        >
          <option value="">{dispatchId ? 'Keep the unit' : 'Choose a unit'}</option>
          {candidates.data?.units.map((unit) => (
            <option key={unit.id} value={unit.id} disabled={unit.conflicts.length > 0}>
              {unit.code} {unit.distanceKm !== null ? `· ${unit.distanceKm} km` : ''}
              {unit.conflicts.length > 0
                ? ` — ${unit.conflicts.map((conflict) => conflict.message).join('; ')}`
                : ''}
            </option>
          ))}
        </select>
      </label>
      <label>
        Driver
        <select
          name="driver"
          value={driverId}
          onChange={(event) => setDriverId(event.target.value)}
          required={!dispatchId}
        >
          <option value="">{dispatchId ? 'Keep the driver' : 'Choose a driver'}</option>
          {candidates.data?.drivers.map((driver) => (
            <option key={driver.id} value={driver.id} disabled={driver.conflicts.length > 0}>
              {driver.name}
              {driver.conflicts.length > 0
                ? ` — ${driver.conflicts.map((conflict) => conflict.message).join('; ')}`
                : ''}
            </option>
          ))}
        </select>
      </label>
      <div className="actions">
        <button type="submit" disabled={pending || (!!dispatchId && !equipmentId && !driverId)}>
          {dispatchId ? 'Re-assign' : 'Dispatch'}
        </button>
        <button type="button" onClick={onDone}>
          Close
        </button>
      </div>
      {error ? <p className="error">{problemText(error)}</p> : null}
    </form>
  );
}
