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
      <CandidateSelect
        label="Unit"
        name="unit"
        placeholder={dispatchId ? 'Keep the unit' : 'Choose a unit'}
        required={!dispatchId}
        value={equipmentId}
        onChange={setEquipmentId}
        options={(candidates.data?.units ?? []).map((unit) => ({
          id: unit.id,
          label: unit.distanceKm !== null ? `${unit.code} · ${unit.distanceKm} km` : unit.code,
          conflicts: unit.conflicts,
        }))}
      />
      <CandidateSelect
        label="Driver"
        name="driver"
        placeholder={dispatchId ? 'Keep the driver' : 'Choose a driver'}
        required={!dispatchId}
        value={driverId}
        onChange={setDriverId}
        options={(candidates.data?.drivers ?? []).map((driver) => ({
          id: driver.id,
          label: driver.name,
          conflicts: driver.conflicts,
        }))}
      />
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

interface Candidate {
  id: string;
  label: string;
  conflicts: { message: string }[];
}

/** A choice among units or drivers: those that cannot take the order are disabled, with the reason. */
function CandidateSelect({
  label,
  name,
  placeholder,
  required,
  value,
  onChange,
  options,
}: {
  label: string;
  name: string;
  placeholder: string;
  required: boolean;
  value: string;
  onChange: (value: string) => void;
  options: Candidate[];
}) {
  return (
    <label>
      {label}
      <select
        name={name}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        required={required}
      >
        <option value="">{placeholder}</option>
        {options.map((option) => (
          <option key={option.id} value={option.id} disabled={option.conflicts.length > 0}>
            {option.label}
            {option.conflicts.length > 0
              ? ` — ${option.conflicts.map((conflict) => conflict.message).join('; ')}`
              : ''}
          </option>
        ))}
      </select>
    </label>
  );
}
