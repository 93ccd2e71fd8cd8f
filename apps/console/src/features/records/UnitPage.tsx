import { useDispatchesList, useEquipmentGet, useEquipmentTypesGet } from '@dispatch/api-client';
import { Badge, Button, Group, Title } from '@mantine/core';
import { useState } from 'react';
import { RouterAnchor } from '../../ui/links';
import { STEP_LABEL } from '../board/board-logic';
import { UnitEditor } from '../admin/UnitForm';
import { UNIT_STATUS_COLOR, UNIT_STATUS_LABEL } from '../admin/unit-status';
import { RecordDispatches } from './RecordDispatches';
import { RecordMissing } from './RecordMissing';

const moment = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * One unit at its own address (/units/<id>): what it is, where it stands, the job it is on and
 * its recent dispatches; admins edit it from here.
 */
export function UnitPage({ unitId, canEdit }: { unitId: string; canEdit: boolean }) {
  const unit = useEquipmentGet(unitId);
  const current = useDispatchesList({ equipmentId: unitId, status: 'open', limit: 5 });
  const [editing, setEditing] = useState(false);
  if (unit.isPending) return <p className="muted">Loading the unit…</p>;
  if (unit.isError) return <RecordMissing what="unit" error={unit.error} />;
  const data = unit.data;
  return (
    <div className="record-page" data-testid="unit-page" data-unit-id={data.id}>
      <Group justify="space-between" align="flex-start" gap="sm">
        <Group gap="sm" align="baseline" wrap="wrap">
          <Title order={1} className="page-title">
            {data.code} · {data.name}
          </Title>
          <Badge variant="light" color={UNIT_STATUS_COLOR[data.status]} data-testid="unit-status">
            {UNIT_STATUS_LABEL[data.status]}
          </Badge>
        </Group>
        {canEdit && <Button onClick={() => setEditing(true)}>Edit unit</Button>}
      </Group>
      <div className="record-page__body">
        <section className="panel" aria-labelledby="unit-facts">
          <h2 id="unit-facts">Details</h2>
          <dl className="facts-grid" data-testid="unit-facts">
            <TypeFacts equipmentTypeId={data.equipmentTypeId} />
            <dt>Position</dt>
            <dd>
              {data.latitude !== null && data.longitude !== null
                ? `${data.latitude}, ${data.longitude}`
                : 'Not known'}
            </dd>
            <dt>On the books since</dt>
            <dd>{moment.format(new Date(data.createdAt))}</dd>
            <dt>Now on</dt>
            <dd data-testid="unit-current">
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
                        {STEP_LABEL[dispatch.status]} at {dispatch.siteName}
                      </span>
                    </div>
                  ))
                : current.isPending
                  ? '…'
                  : 'No open dispatch'}
            </dd>
          </dl>
        </section>
        <section className="panel" aria-labelledby="unit-dispatches">
          <h2 id="unit-dispatches">Dispatches</h2>
          <RecordDispatches
            filter={{ equipmentId: data.id }}
            label={`Dispatches of ${data.code}`}
          />
        </section>
      </div>
      {editing && <UnitEditor unit={data} onClose={() => setEditing(false)} />}
    </div>
  );
}

/** The unit's type, and what its drivers must hold. */
function TypeFacts({ equipmentTypeId }: { equipmentTypeId: string }) {
  const type = useEquipmentTypesGet(equipmentTypeId);
  return (
    <>
      <dt>Type</dt>
      <dd>{type.data ? `${type.data.name} (${type.data.code})` : '…'}</dd>
      <dt>Drivers must hold</dt>
      <dd>
        {type.data
          ? type.data.requiredQualifications.map((required) => required.code).join(', ') ||
            'Nothing particular'
          : '…'}
      </dd>
    </>
  );
}
