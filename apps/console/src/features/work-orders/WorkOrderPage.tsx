import {
  ApiProblem,
  type DispatchSummary,
  useDispatchesGet,
  useDriversGet,
  useEquipmentTypesGet,
  useSitesGet,
  useWorkOrdersGet,
  type WorkOrderDetailView,
} from '@dispatch/api-client';
import { Button, Group, Title } from '@mantine/core';
import { useState } from 'react';
import { RouterAnchor } from '../../ui/links';
import { STEP_LABEL } from '../board/board-logic';
import { problemText } from '../board/problem-text';
import { HandDispatchDialog } from '../board/HandDispatch';
import { WorkOrderStatus, WorkOrderStory } from '../board/WorkOrderTimeline';
import { useCancelWorkOrder } from './cancel-work-order';
import { EditWorkOrder } from './EditWorkOrder';
import { blockerText, unblockAdvice } from './unblock';
import { PRIORITY_LABEL } from './work-order-form';
import { useAllQualifications } from '../records/whole-lists';

const moment = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A time window in the reader's zone: "Jan 10, 2027, 7:00 – 9:30 AM". */
function formatWindow(window: { start: string; end: string }): string {
  return moment.formatRange(new Date(window.start), new Date(window.end));
}

/**
 * One work order at its own address (/work-orders/<id>), to be sent to a colleague: what it asks
 * for, where it stands (its dispatch, or what keeps it in the queue) and its story so far.
 */
export function WorkOrderPage({
  workOrderId,
  canDispatch,
}: {
  workOrderId: string;
  canDispatch: boolean;
}) {
  const order = useWorkOrdersGet(workOrderId);
  const cancel = useCancelWorkOrder();
  if (order.isPending) return <p className="muted">Loading the work order…</p>;
  if (order.isError) {
    const error: unknown = order.error;
    const missing = error instanceof ApiProblem && (error.status === 404 || error.status === 400);
    return (
      <div className="panel" data-testid="work-order-missing">
        <Title order={1} className="page-title">
          Work order
        </Title>
        <p className={missing ? undefined : 'error'} role="alert">
          {missing
            ? 'There is no such work order in your organization: the link may be mistyped, or the order belongs to another organization.'
            : `The work order could not be loaded: ${problemText(error)}`}
        </p>
        <RouterAnchor to="/board">Back to the board</RouterAnchor>
      </div>
    );
  }
  const data = order.data;
  const open = data.status === 'queued' || data.status === 'dispatched';
  return (
    <div className="work-order-page" data-testid="work-order-page" data-work-order-id={data.id}>
      <Group justify="space-between" align="flex-start" gap="sm" className="work-order-page__head">
        <Group gap="sm" align="baseline" wrap="wrap" className="work-order-page__title">
          <Title order={1} className="page-title">
            {data.number} · {data.title}
          </Title>
          <WorkOrderStatus status={data.status} testId="work-order-status" />
        </Group>
        {canDispatch && open && (
          <Group gap="sm">
            {data.status === 'queued' && <EditWorkOrder order={data} />}
            <Button
              color="red"
              variant="light"
              loading={cancel.isPending}
              onClick={() => cancel.confirm(data)}
            >
              Cancel work order
            </Button>
          </Group>
        )}
      </Group>
      <div className="work-order-page__body">
        <section className="panel" aria-labelledby="work-order-details">
          <h2 id="work-order-details">Details</h2>
          <WorkOrderFacts order={data} canDispatch={canDispatch} />
        </section>
        <section className="panel" aria-labelledby="work-order-timeline" data-testid="timeline">
          <h2 id="work-order-timeline">Timeline</h2>
          <WorkOrderStory workOrderId={data.id} />
        </section>
      </div>
    </div>
  );
}

function WorkOrderFacts({
  order,
  canDispatch,
}: {
  order: WorkOrderDetailView;
  canDispatch: boolean;
}) {
  const site = useSitesGet(order.siteId);
  const type = useEquipmentTypesGet(order.equipmentTypeId);
  const qualifications = useAllQualifications();
  const codes = new Map(
    (qualifications.data?.items ?? []).map((qualification) => [
      qualification.id,
      qualification.code,
    ]),
  );
  return (
    <>
      <dl className="facts-grid" data-testid="work-order-facts">
        <dt>Priority</dt>
        <dd>
          <span className={`badge badge--${order.priority}`}>{PRIORITY_LABEL[order.priority]}</span>
        </dd>
        <dt>Site</dt>
        <dd>
          {site.data ? (
            <>
              {site.data.name} <span className="muted">{site.data.address}</span>
            </>
          ) : (
            '…'
          )}
        </dd>
        <dt>Equipment type</dt>
        <dd>{type.data ? `${type.data.name} (${type.data.code})` : '…'}</dd>
        <dt>Extra qualifications</dt>
        <dd>
          {order.requiredQualificationIds.length === 0
            ? 'None'
            : order.requiredQualificationIds.map((id) => codes.get(id) ?? '…').join(', ')}
        </dd>
        <dt>Time window</dt>
        <dd>{order.window ? formatWindow(order.window) : 'Any time'}</dd>
        <dt>External reference</dt>
        <dd>{order.externalRef ?? '—'}</dd>
        <dt>Created</dt>
        <dd>{moment.format(new Date(order.createdAt))}</dd>
        {order.completedAt && (
          <>
            <dt>Completed</dt>
            <dd>{moment.format(new Date(order.completedAt))}</dd>
          </>
        )}
        {order.cancelledAt && (
          <>
            <dt>Cancelled</dt>
            <dd>{moment.format(new Date(order.cancelledAt))}</dd>
          </>
        )}
        {order.dispatch && <DispatchFacts dispatch={order.dispatch} />}
      </dl>
      {order.notes && (
        <>
          <h3 className="work-order-page__subhead">Notes</h3>
          <p className="work-order-page__notes">{order.notes}</p>
        </>
      )}
      {order.status === 'queued' && (order.blockedBy?.length ?? 0) > 0 && (
        <Unblock
          order={order}
          label={(id) => codes.get(id) ?? 'the qualification'}
          canDispatch={canDispatch}
        />
      )}
    </>
  );
}

/**
 * A blocked order's way out: what keeps it in the queue, what would unblock each, and (for those
 * who dispatch) the units and drivers that could take it, with why the others cannot.
 */
function Unblock({
  order,
  label,
  canDispatch,
}: {
  order: WorkOrderDetailView;
  label: (qualificationId: string) => string;
  canDispatch: boolean;
}) {
  const [choosing, setChoosing] = useState(false);
  return (
    <>
      <h3 className="work-order-page__subhead">Waiting because</h3>
      <ul className="blockers unblock" data-testid="work-order-blockers">
        {order.blockedBy?.map((blocker) => (
          <li key={`${blocker.code}-${blocker.qualificationId ?? ''}`}>
            {blockerText(blocker)}
            <div className="unblock__advice" data-testid="unblock-advice">
              {unblockAdvice(blocker, label)}
            </div>
          </li>
        ))}
      </ul>
      {canDispatch && (
        <>
          <Button
            variant="light"
            size="xs"
            mt="xs"
            onClick={() => setChoosing(true)}
            data-testid="show-candidates"
          >
            See the units and drivers that could take it
          </Button>
          {choosing && (
            <HandDispatchDialog
              title={`Dispatch ${order.number} by hand`}
              workOrderId={order.id}
              onClose={() => setChoosing(false)}
            />
          )}
        </>
      )}
    </>
  );
}

function DispatchFacts({ dispatch }: { dispatch: DispatchSummary }) {
  const detail = useDispatchesGet(dispatch.id);
  const driver = useDriversGet(dispatch.driverId);
  return (
    <>
      <dt>Dispatch</dt>
      <dd data-testid="work-order-dispatch">
        {detail.data?.equipmentCode ?? '…'} · {driver.data?.name ?? '…'} ·{' '}
        {STEP_LABEL[dispatch.status] ?? dispatch.status}
      </dd>
    </>
  );
}
