import {
  useDispatchesCandidates,
  useDispatchesCreate,
  useDispatchesReassign,
} from '@dispatch/api-client';
import { Alert, Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { problemText } from './problem-text';

/**
 * Dispatching a work order by hand, or re-assigning an open dispatch, in a dialog wide enough for
 * every unit and driver and the reasons some cannot take the order.
 */
export function HandDispatchDialog({
  title,
  workOrderId,
  dispatchId,
  onClose,
}: {
  title: string;
  workOrderId: string;
  dispatchId?: string;
  onClose: () => void;
}) {
  return (
    <Modal opened onClose={onClose} title={title} size="lg">
      <HandDispatch workOrderId={workOrderId} dispatchId={dispatchId} onDone={onClose} />
    </Modal>
  );
}

/**
 * Dispatch a work order by hand, or re-assign an open dispatch: every unit and driver is listed,
 * and those that cannot take the order are disabled with the reason beneath them.
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
  const [chosen, setChosen] = useState<Record<Choice, string | null>>({ unit: null, driver: null });
  const { unit: equipmentId, driver: driverId } = chosen;
  const pending = create.isPending || reassign.isPending;
  const error: unknown = create.error ?? reassign.error;
  // A dispatch needs both; a re-assignment changes one or both.
  const ready = dispatchId ? Boolean(equipmentId || driverId) : Boolean(equipmentId && driverId);

  const done = (message: string) => {
    notifications.show({ color: 'green', message });
    onDone();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!ready) return;
    if (dispatchId) {
      reassign.mutate(
        {
          id: dispatchId,
          data: { ...(equipmentId ? { equipmentId } : {}), ...(driverId ? { driverId } : {}) },
        },
        { onSuccess: () => done('Re-assigned') },
      );
    } else if (equipmentId && driverId) {
      create.mutate(
        { data: { workOrderId, equipmentId, driverId } },
        { onSuccess: () => done('Dispatched by hand') },
      );
    }
  };

  if (candidates.isLoading) return <p className="muted">Loading units and drivers…</p>;
  if (candidates.isError) return <p className="error">{problemText(candidates.error)}</p>;
  const options: Record<Choice, Candidate[]> = {
    unit: (candidates.data?.units ?? []).map((unit) => ({
      id: unit.id,
      label: unit.distanceKm !== null ? `${unit.code} · ${unit.distanceKm} km` : unit.code,
      conflicts: unit.conflicts,
    })),
    driver: (candidates.data?.drivers ?? []).map((driver) => ({
      id: driver.id,
      label: driver.name,
      conflicts: driver.conflicts,
    })),
  };
  return (
    <form onSubmit={submit} data-testid="hand-dispatch" noValidate>
      <Stack gap="sm">
        {CHOICES.map((choice) => (
          <CandidateSelect
            key={choice}
            label={CHOICE_TEXT[choice].label}
            name={choice}
            placeholder={dispatchId ? CHOICE_TEXT[choice].keep : CHOICE_TEXT[choice].choose}
            required={!dispatchId}
            value={chosen[choice]}
            onChange={(value) => setChosen((before) => ({ ...before, [choice]: value }))}
            options={options[choice]}
          />
        ))}
        {error ? (
          <Alert color="red" role="alert">
            {problemText(error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Close
          </Button>
          <Button type="submit" disabled={!ready} loading={pending}>
            {dispatchId ? 'Re-assign' : 'Dispatch'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** What a dispatch by hand chooses: a unit and a driver (the form field names of both). */
const CHOICES = ['unit', 'driver'] as const;
type Choice = (typeof CHOICES)[number];

const CHOICE_TEXT: Record<Choice, { label: string; choose: string; keep: string }> = {
  unit: { label: 'Unit', choose: 'Choose a unit', keep: 'Keep the unit' },
  driver: { label: 'Driver', choose: 'Choose a driver', keep: 'Keep the driver' },
};

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
  value: string | null;
  onChange: (value: string | null) => void;
  options: Candidate[];
}) {
  const reasons = new Map(
    options.map((option) => [
      option.id,
      option.conflicts.map((conflict) => conflict.message).join('; '),
    ]),
  );
  const free = options.filter((option) => option.conflicts.length === 0).length;
  return (
    <Select
      label={label}
      name={name}
      placeholder={placeholder}
      required={required}
      searchable
      clearable={!required}
      description={`${free} of ${options.length} can take it`}
      nothingFoundMessage="None matches"
      maxDropdownHeight={320}
      value={value}
      onChange={onChange}
      data={options.map((option) => ({
        value: option.id,
        label: option.label,
        disabled: option.conflicts.length > 0,
      }))}
      renderOption={({ option }) => (
        <div>
          <Text size="sm">{option.label}</Text>
          {reasons.get(option.value) ? (
            <Text size="xs" c="dimmed">
              {reasons.get(option.value)}
            </Text>
          ) : null}
        </div>
      )}
    />
  );
}
