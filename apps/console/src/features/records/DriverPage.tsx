import { useDispatchesList, useDriversGet } from '@dispatch/api-client';
import { Badge, Button, Group, Title } from '@mantine/core';
import dayjs from 'dayjs';
import { useState } from 'react';
import { RouterAnchor } from '../../ui/links';
import { STEP_LABEL } from '../board/board-logic';
import { DUTY_LABEL } from '../admin/admin-forms';
import { DriverEditor } from '../admin/DriverEditor';
import { validity, VALIDITY_LABEL } from '../admin/held-qualifications';
import { RecordDispatches } from './RecordDispatches';
import { RecordMissing } from './RecordMissing';

const VALIDITY_COLOR = { valid: 'green', expiring: 'yellow', expired: 'red' } as const;

/**
 * One driver at their own address (/drivers/<id>): how to reach them, their duty, what they are
 * qualified for and until when, the job they are on and their recent dispatches; admins edit them
 * (and their qualifications) from here.
 */
export function DriverPage({ driverId, canEdit }: { driverId: string; canEdit: boolean }) {
  const driver = useDriversGet(driverId);
  const current = useDispatchesList({ driverId, status: 'open', limit: 5 });
  const [editing, setEditing] = useState(false);
  if (driver.isPending) return <p className="muted">Loading the driver…</p>;
  if (driver.isError) return <RecordMissing what="driver" error={driver.error} />;
  const data = driver.data;
  const today = dayjs().format('YYYY-MM-DD');
  return (
    <div className="record-page" data-testid="driver-page" data-driver-id={data.id}>
      <Group justify="space-between" align="flex-start" gap="sm">
        <Group gap="sm" align="baseline" wrap="wrap">
          <Title order={1} className="page-title">
            {data.name}
          </Title>
          <Badge
            variant="light"
            color={data.dutyStatus === 'on_duty' ? 'green' : 'gray'}
            data-testid="driver-duty"
          >
            {DUTY_LABEL[data.dutyStatus]}
          </Badge>
        </Group>
        {canEdit && <Button onClick={() => setEditing(true)}>Edit driver</Button>}
      </Group>
      <div className="record-page__body">
        <section className="panel" aria-labelledby="driver-facts">
          <h2 id="driver-facts">Details</h2>
          <dl className="facts-grid" data-testid="driver-facts">
            <dt>Phone</dt>
            <dd>{data.phone ? <a href={`tel:${data.phone}`}>{data.phone}</a> : '—'}</dd>
            <dt>Email</dt>
            <dd>{data.email ? <a href={`mailto:${data.email}`}>{data.email}</a> : '—'}</dd>
            <dt>Login</dt>
            <dd>{data.username ?? 'No login'}</dd>
            <dt>Qualifications</dt>
            <dd data-testid="driver-qualifications">
              {data.qualifications.length === 0
                ? 'None'
                : data.qualifications.map((held) => {
                    const state = validity(held.expiresAt, today);
                    return (
                      <div key={held.qualificationId}>
                        <strong>{held.code}</strong> {held.name}{' '}
                        <span className="muted">
                          until {dayjs(held.expiresAt).format('D MMM YYYY')}
                        </span>{' '}
                        {state !== 'valid' && (
                          <Badge size="sm" variant="light" color={VALIDITY_COLOR[state]}>
                            {VALIDITY_LABEL[state]}
                          </Badge>
                        )}
                      </div>
                    );
                  })}
            </dd>
            <dt>Now on</dt>
            <dd data-testid="driver-current">
              {current.data?.items.length
                ? current.data.items.map((dispatch) => (
                    <div key={dispatch.id}>
                      <RouterAnchor
                        to="/work-orders/$workOrderId"
                        params={{ workOrderId: dispatch.workOrderId }}
                      >
                        {dispatch.workOrderNumber} · {dispatch.workOrderTitle}
                      </RouterAnchor>{' '}
                      <span className="muted">
                        {STEP_LABEL[dispatch.status]} with {dispatch.equipmentCode} at{' '}
                        {dispatch.siteName}
                      </span>
                    </div>
                  ))
                : current.isPending
                  ? '…'
                  : 'No open dispatch'}
            </dd>
          </dl>
        </section>
        <section className="panel" aria-labelledby="driver-dispatches">
          <h2 id="driver-dispatches">Dispatches</h2>
          <RecordDispatches filter={{ driverId: data.id }} label={`Dispatches of ${data.name}`} />
        </section>
      </div>
      {editing && <DriverEditor driver={data} onClose={() => setEditing(false)} />}
    </div>
  );
}
