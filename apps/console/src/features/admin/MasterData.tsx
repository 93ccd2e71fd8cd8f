import {
  type DriverView,
  useDriversCreate,
  useDriversList,
  useDriversUpdate,
  useEquipmentCreate,
  useEquipmentList,
  useEquipmentTypesCreate,
  useEquipmentTypesList,
  useEquipmentUpdate,
  useQualificationsCreate,
  useQualificationsList,
  useSitesCreate,
  useSitesList,
} from '@dispatch/api-client';
import { openConfirmModal } from '@mantine/modals';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type InputHTMLAttributes, type ReactNode, useState } from 'react';
import { daysUntil } from '../board/board-logic';
import { problemText } from '../board/problem-text';

const SOON_DAYS = 30;

function inOneYear(): string {
  const date = new Date();
  date.setUTCFullYear(date.getUTCFullYear() + 1);
  return date.toISOString().slice(0, 10);
}

/** A labelled text input whose onChange hands over the new value. */
function TextField({
  label,
  onChange,
  ...input
}: { label: string; onChange: (value: string) => void } & Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'onChange'
>) {
  return (
    <label>
      {label}
      <input {...input} onChange={(event) => onChange(event.target.value)} />
    </label>
  );
}

/** The code and name every catalogue entry (qualification, equipment type, unit) has. */
function CodeAndName({
  labels,
  code,
  name,
  onCode,
  onName,
}: {
  labels: [string, string];
  code: string;
  name: string;
  onCode: (value: string) => void;
  onName: (value: string) => void;
}) {
  return (
    <>
      <TextField
        label={labels[0]}
        name="code"
        required
        maxLength={50}
        value={code}
        onChange={onCode}
      />
      <TextField
        label={labels[1]}
        name="name"
        required
        maxLength={200}
        value={name}
        onChange={onName}
      />
    </>
  );
}

/** A small create form: fields laid out in a row, one submit button, the API's answer below. */
function CreateForm({
  testId,
  label,
  pending,
  error,
  onSubmit,
  children,
}: {
  testId: string;
  label: string;
  pending: boolean;
  error: unknown;
  onSubmit: () => void;
  children: ReactNode;
}) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <form className="form" onSubmit={submit} data-testid={testId}>
      {children}
      <button type="submit" disabled={pending}>
        {label}
      </button>
      {error ? <p className="error">{problemText(error)}</p> : null}
    </form>
  );
}

/** Refetches everything after a change (the live stream does too, a moment later). */
function useRefresh(): () => void {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries();
}

export function QualificationsSection() {
  const list = useQualificationsList({ limit: 200 });
  const create = useQualificationsCreate();
  const refresh = useRefresh();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  return (
    <section className="panel" aria-labelledby="admin-qualifications">
      <h2 id="admin-qualifications">Qualifications</h2>
      <CreateForm
        testId="create-qualification"
        label="Add qualification"
        pending={create.isPending}
        error={create.error}
        onSubmit={() =>
          create.mutate(
            { data: { code, name } },
            {
              onSuccess: () => {
                setCode('');
                setName('');
                refresh();
              },
            },
          )
        }
      >
        <CodeAndName
          labels={['Code', 'Name']}
          code={code}
          name={name}
          onCode={(value) => setCode(value)}
          onName={(value) => setName(value)}
        />
      </CreateForm>
      <ul>
        {list.data?.items.map((qualification) => (
          <li key={qualification.id}>
            <strong>{qualification.code}</strong> {qualification.name}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function SitesSection() {
  const list = useSitesList({ limit: 200 });
  const create = useSitesCreate();
  const refresh = useRefresh();
  const [site, setSite] = useState({ name: '', address: '', latitude: '', longitude: '' });
  return (
    <section className="panel" aria-labelledby="admin-sites">
      <h2 id="admin-sites">Sites</h2>
      <CreateForm
        testId="create-site"
        label="Add site"
        pending={create.isPending}
        error={create.error}
        onSubmit={() =>
          create.mutate(
            {
              data: {
                name: site.name,
                address: site.address,
                latitude: Number(site.latitude),
                longitude: Number(site.longitude),
              },
            },
            {
              onSuccess: () => {
                setSite({ name: '', address: '', latitude: '', longitude: '' });
                refresh();
              },
            },
          )
        }
      >
        {(['name', 'address', 'latitude', 'longitude'] as const).map((field) => (
          <label key={field}>
            {field[0].toUpperCase() + field.slice(1)}
            <input
              name={field}
              required
              type={field === 'latitude' || field === 'longitude' ? 'number' : 'text'}
              step="any"
              value={site[field]}
              onChange={(event) => setSite({ ...site, [field]: event.target.value })}
            />
          </label>
        ))}
      </CreateForm>
      <ul data-testid="sites">
        {list.data?.items.map((entry) => (
          <li key={entry.id}>
            <strong>{entry.name}</strong> {entry.address}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function EquipmentSection() {
  const types = useEquipmentTypesList({ limit: 200 });
  const units = useEquipmentList({ limit: 200 });
  const qualifications = useQualificationsList({ limit: 200 });
  const createType = useEquipmentTypesCreate();
  const createUnit = useEquipmentCreate();
  const updateUnit = useEquipmentUpdate();
  const refresh = useRefresh();
  const [type, setType] = useState({
    code: '',
    name: '',
    requiredQualificationIds: [] as string[],
  });
  const [unit, setUnit] = useState({ code: '', name: '', equipmentTypeId: '' });
  return (
    <section className="panel" aria-labelledby="admin-equipment">
      <h2 id="admin-equipment">Equipment types and units</h2>
      <CreateForm
        testId="create-equipment-type"
        label="Add type"
        pending={createType.isPending}
        error={createType.error}
        onSubmit={() =>
          createType.mutate(
            { data: type },
            {
              onSuccess: () => {
                setType({ code: '', name: '', requiredQualificationIds: [] });
                refresh();
              },
            },
          )
        }
      >
        <CodeAndName
          labels={['Type code', 'Type name']}
          code={type.code}
          name={type.name}
          onCode={(value) => setType({ ...type, code: value })}
          onName={(value) => setType({ ...type, name: value })}
        />
        <label>
          Drivers must hold
          <select
            multiple
            name="requiredQualifications"
            value={type.requiredQualificationIds}
            onChange={(event) =>
              setType({
                ...type,
                requiredQualificationIds: [...event.target.selectedOptions].map(
                  (option) => option.value,
                ),
              })
            }
          >
            {qualifications.data?.items.map((qualification) => (
              <option key={qualification.id} value={qualification.id}>
                {qualification.code}
              </option>
            ))}
          </select>
        </label>
      </CreateForm>
      <ul>
        {types.data?.items.map((entry) => (
          <li key={entry.id}>
            <strong>{entry.code}</strong> {entry.name} — requires{' '}
            {entry.requiredQualifications.map((required) => required.code).join(', ') || 'nothing'}
          </li>
        ))}
      </ul>
      <CreateForm
        testId="create-equipment"
        label="Add unit"
        pending={createUnit.isPending}
        error={createUnit.error ?? updateUnit.error}
        onSubmit={() =>
          createUnit.mutate(
            { data: unit },
            {
              onSuccess: () => {
                setUnit({ code: '', name: '', equipmentTypeId: unit.equipmentTypeId });
                refresh();
              },
            },
          )
        }
      >
        <CodeAndName
          labels={['Unit code', 'Unit name']}
          code={unit.code}
          name={unit.name}
          onCode={(value) => setUnit({ ...unit, code: value })}
          onName={(value) => setUnit({ ...unit, name: value })}
        />
        <label>
          Type
          <select
            name="equipmentType"
            required
            value={unit.equipmentTypeId}
            onChange={(event) => setUnit({ ...unit, equipmentTypeId: event.target.value })}
          >
            <option value="">Choose a type</option>
            {types.data?.items.map((entry) => (
              <option key={entry.id} value={entry.id}>
                {entry.code}
              </option>
            ))}
          </select>
        </label>
      </CreateForm>
      <table className="table">
        <tbody>
          {units.data?.items.map((entry) => (
            <tr key={entry.id}>
              <td>{entry.code}</td>
              <td>{entry.name}</td>
              <td>
                <span className={`badge badge--${entry.status}`}>{entry.status}</span>
              </td>
              <td>
                {entry.status !== 'retired' && entry.status !== 'dispatched' && (
                  <button
                    className="small"
                    onClick={() =>
                      updateUnit.mutate(
                        { id: entry.id, data: { status: 'retired' } },
                        { onSuccess: refresh },
                      )
                    }
                  >
                    Retire
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function DriversSection() {
  const drivers = useDriversList({ limit: 200 });
  const qualifications = useQualificationsList({ limit: 200 });
  const create = useDriversCreate();
  const update = useDriversUpdate();
  const refresh = useRefresh();
  const [driver, setDriver] = useState({
    name: '',
    email: '',
    username: '',
    qualificationId: '',
    expiresAt: inOneYear(),
  });

  const renew = (held: DriverView, qualificationId: string) =>
    update.mutate(
      {
        id: held.id,
        data: {
          qualifications: held.qualifications.map((entry) => ({
            qualificationId: entry.qualificationId,
            expiresAt: entry.qualificationId === qualificationId ? inOneYear() : entry.expiresAt,
          })),
        },
      },
      { onSuccess: refresh },
    );

  return (
    <section className="panel" aria-labelledby="admin-drivers">
      <h2 id="admin-drivers">Drivers and qualifications</h2>
      <CreateForm
        testId="create-driver"
        label="Add driver"
        pending={create.isPending}
        error={create.error ?? update.error}
        onSubmit={() =>
          create.mutate(
            {
              data: {
                name: driver.name,
                ...(driver.email ? { email: driver.email } : {}),
                ...(driver.username ? { username: driver.username } : {}),
                dutyStatus: 'off_duty',
                qualifications: driver.qualificationId
                  ? [{ qualificationId: driver.qualificationId, expiresAt: driver.expiresAt }]
                  : [],
              },
            },
            {
              onSuccess: () => {
                setDriver({
                  name: '',
                  email: '',
                  username: '',
                  qualificationId: '',
                  expiresAt: inOneYear(),
                });
                refresh();
              },
            },
          )
        }
      >
        <TextField
          label="Name"
          name="name"
          required
          maxLength={200}
          value={driver.name}
          onChange={(value) => setDriver({ ...driver, name: value })}
        />
        <TextField
          label="Email"
          name="email"
          type="email"
          value={driver.email}
          onChange={(value) => setDriver({ ...driver, email: value })}
        />
        <TextField
          label="Login (username)"
          name="username"
          value={driver.username}
          onChange={(value) => setDriver({ ...driver, username: value })}
        />
        <label>
          Qualification
          <select
            name="qualification"
            value={driver.qualificationId}
            onChange={(event) => setDriver({ ...driver, qualificationId: event.target.value })}
          >
            <option value="">None yet</option>
            {qualifications.data?.items.map((qualification) => (
              <option key={qualification.id} value={qualification.id}>
                {qualification.code}
              </option>
            ))}
          </select>
        </label>
        <TextField
          label="Valid until"
          name="expiresAt"
          type="date"
          value={driver.expiresAt}
          onChange={(value) => setDriver({ ...driver, expiresAt: value })}
        />
      </CreateForm>
      <table className="table" data-testid="admin-drivers">
        <thead>
          <tr>
            <th>Driver</th>
            <th>Login</th>
            <th>Qualifications (valid until; click to renew for a year)</th>
          </tr>
        </thead>
        <tbody>
          {drivers.data?.items.map((entry) => (
            <tr key={entry.id}>
              <td>{entry.name}</td>
              <td className="muted">{entry.username ?? '—'}</td>
              <td>
                {entry.qualifications.map((held) => {
                  const days = daysUntil(held.expiresAt);
                  const state = days < 0 ? 'expired' : days <= SOON_DAYS ? 'expiring' : 'valid';
                  return (
                    <button
                      key={held.qualificationId}
                      className={`badge badge--${state}`}
                      title={`${held.name}: ${state === 'expired' ? 'expired' : `${days} days left`} — renew for a year`}
                      onClick={() =>
                        openConfirmModal({
                          title: `Renew ${held.code} of ${entry.name}?`,
                          children: (
                            <p>
                              {held.name} becomes valid until {inOneYear()} (now{' '}
                              {state === 'expired' ? 'expired on' : 'valid until'} {held.expiresAt}
                              ).
                            </p>
                          ),
                          labels: { confirm: 'Renew for a year', cancel: 'Cancel' },
                          onConfirm: () => renew(entry, held.qualificationId),
                        })
                      }
                    >
                      {held.code} {held.expiresAt}
                    </button>
                  );
                })}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
