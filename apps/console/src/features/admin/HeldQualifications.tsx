import {
  type DriverView,
  type HeldQualificationView,
  useDriversUpdate,
} from '@dispatch/api-client';
import { Badge, Button, Group, Select, Table, Text } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import dayjs from 'dayjs';
import { useState } from 'react';
import { toast } from '../../ui/toast';
import { problemText } from '../board/problem-text';
import { ConfirmQuestion } from './Questions';
import {
  aYearAfter,
  validity,
  VALIDITY_LABEL,
  withAdded,
  withRemoved,
  withRenewed,
} from './held-qualifications';
import { useAllQualifications } from '../records/whole-lists';

const VALIDITY_COLOR = { valid: 'green', expiring: 'yellow', expired: 'red' } as const;
const DAY_FORMAT = 'D MMM YYYY';

const today = () => dayjs().format('YYYY-MM-DD');
const readableDay = (day: string) => dayjs(day).format(DAY_FORMAT);

/** What the date pickers' controls are called, for screen readers (and tests). */
const PICKER_LABELS = {
  ariaLabels: {
    nextMonth: 'Next month',
    previousMonth: 'Previous month',
    nextYear: 'Next year',
    previousYear: 'Previous year',
    nextDecade: 'Next decade',
    previousDecade: 'Previous decade',
    monthLevelControl: 'Choose the month',
    yearLevelControl: 'Choose the year',
  },
  getDayAriaLabel: (date: string) => dayjs(date).format('D MMMM YYYY'),
} as const;

/**
 * The qualifications a driver holds, each valid until a day (expired in red, running out within
 * 30 days in amber): add another, renew one until a day picked (asked first), remove one (asked
 * first). Each change is saved at once and hands the driver as saved to `onChanged`.
 */
export function HeldQualifications({
  driver,
  onChanged,
}: {
  driver: DriverView;
  onChanged: (driver: DriverView) => void;
}) {
  const update = useDriversUpdate();
  const [renewing, setRenewing] = useState<HeldQualificationView>();
  const [removing, setRemoving] = useState<HeldQualificationView>();
  const save = (qualifications: ReturnType<typeof withAdded>) =>
    update
      .mutateAsync({ id: driver.id, data: { qualifications } })
      .then((saved) => onChanged(saved));

  return (
    <section aria-labelledby="held-qualifications" data-testid="held-qualifications">
      <h3 id="held-qualifications">Qualifications</h3>
      {driver.qualifications.length === 0 ? (
        <Text c="dimmed" size="sm">
          {driver.name} holds no qualification yet.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={0}>
          <Table aria-label={`Qualifications of ${driver.name}`} verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Qualification</Table.Th>
                <Table.Th>Valid until</Table.Th>
                <Table.Th>
                  <span className="visually-hidden">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {driver.qualifications.map((held) => {
                const state = validity(held.expiresAt, today());
                return (
                  <Table.Tr key={held.qualificationId} data-code={held.code}>
                    <Table.Td>
                      <strong>{held.code}</strong> {held.name}
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <span data-testid="held-expiry" className="nowrap">
                          {readableDay(held.expiresAt)}
                        </span>
                        {state !== 'valid' && (
                          <Badge color={VALIDITY_COLOR[state]} variant="light" miw="max-content">
                            {VALIDITY_LABEL[state]}
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          aria-label={`Renew ${held.code}`}
                          onClick={() => setRenewing(held)}
                        >
                          Renew
                        </Button>
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color="red"
                          aria-label={`Remove ${held.code}`}
                          onClick={() => setRemoving(held)}
                        >
                          Remove
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <AddQualification driver={driver} save={save} />
      {renewing && (
        <RenewQualification
          driver={driver}
          held={renewing}
          save={save}
          onClose={() => setRenewing(undefined)}
        />
      )}
      {removing && (
        <ConfirmQuestion
          title={`Remove ${removing.code} from ${driver.name}?`}
          confirmLabel="Remove qualification"
          done={`${removing.code} removed from ${driver.name}.`}
          run={() => save(withRemoved(driver.qualifications, removing.qualificationId))}
          onClose={() => setRemoving(undefined)}
        >
          {driver.name} no longer holds {removing.name}: work needing it is no longer dispatched to
          them.
        </ConfirmQuestion>
      )}
    </section>
  );
}

type Save = (qualifications: ReturnType<typeof withAdded>) => Promise<void>;

/** A qualification the driver does not hold yet, valid until a day picked (a year from today). */
function AddQualification({ driver, save }: { driver: DriverView; save: Save }) {
  const qualifications = useAllQualifications();
  const [qualificationId, setQualificationId] = useState<string | null>(null);
  const [expiresAt, setExpiresAt] = useState<string | null>(aYearAfter(today()));
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const held = new Set(driver.qualifications.map((entry) => entry.qualificationId));
  const options = (qualifications.data?.items ?? [])
    .filter((qualification) => !held.has(qualification.id))
    .map((qualification) => ({
      value: qualification.id,
      label: `${qualification.code} · ${qualification.name}`,
    }));
  const add = () => {
    if (!qualificationId || !expiresAt) {
      setError('Choose the qualification and the day it is valid until.');
      return;
    }
    const code = options.find((option) => option.value === qualificationId)?.label ?? '';
    setPending(true);
    setError(undefined);
    save(withAdded(driver.qualifications, qualificationId, expiresAt)).then(
      () => {
        setPending(false);
        setQualificationId(null);
        toast(`${code} added to ${driver.name}.`);
      },
      (failure: unknown) => {
        setPending(false);
        setError(problemText(failure));
      },
    );
  };
  return (
    <div className="held-qualifications__add" data-testid="add-qualification">
      <Group align="flex-end" gap="sm" wrap="wrap">
        <Select
          label="Add a qualification"
          placeholder={options.length === 0 ? 'Holds every qualification' : 'Choose one'}
          searchable
          data={options}
          value={qualificationId}
          onChange={setQualificationId}
          className="held-qualifications__field"
        />
        <DatePickerInput
          label="Valid until"
          valueFormat={DAY_FORMAT}
          minDate={today()}
          value={expiresAt}
          onChange={setExpiresAt}
          className="held-qualifications__field"
          {...PICKER_LABELS}
        />
        <Button onClick={add} loading={pending} variant="light">
          Add
        </Button>
      </Group>
      {error && (
        <Text c="red" size="sm" role="alert" mt="xs">
          {error}
        </Text>
      )}
    </div>
  );
}

/** Renewing asks until when (a year after it runs out, or from today if it has) before saving. */
function RenewQualification({
  driver,
  held,
  save,
  onClose,
}: {
  driver: DriverView;
  held: HeldQualificationView;
  save: Save;
  onClose: () => void;
}) {
  const from = held.expiresAt > today() ? held.expiresAt : today();
  const [expiresAt, setExpiresAt] = useState<string | null>(aYearAfter(from));
  return (
    <ConfirmQuestion
      title={`Renew ${held.code} of ${driver.name}?`}
      confirmLabel={expiresAt ? `Renew until ${readableDay(expiresAt)}` : 'Renew'}
      done={`${held.code} of ${driver.name} renewed${expiresAt ? ` until ${readableDay(expiresAt)}` : ''}.`}
      run={() =>
        expiresAt
          ? save(withRenewed(driver.qualifications, held.qualificationId, expiresAt))
          : Promise.reject(new Error('Choose the day it is valid until.'))
      }
      onClose={onClose}
    >
      <Text size="sm" mb="sm">
        {held.name} is {held.expiresAt < today() ? 'expired since' : 'valid until'}{' '}
        {readableDay(held.expiresAt)}.
      </Text>
      <DatePickerInput
        label="Valid until"
        valueFormat={DAY_FORMAT}
        minDate={today()}
        value={expiresAt}
        onChange={setExpiresAt}
        {...PICKER_LABELS}
      />
    </ConfirmQuestion>
  );
}
