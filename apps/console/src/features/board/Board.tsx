import {
  type DispatchView,
  type DriverView,
  type EquipmentView,
  type QueueItemView,
  type TransitionDtoTo,
  useDispatchesList,
  useDispatchesTransition,
  useDriversList,
  useDriversUpdate,
  useEquipmentList,
  useEquipmentUpdate,
  useQueueList,
  useWorkOrdersList,
  type WorkOrderView,
} from '@dispatch/api-client';
import { Group, Title } from '@mantine/core';
import { openConfirmModal } from '@mantine/modals';
import { useMemo, useState } from 'react';
import { useCancelWorkOrder } from '../work-orders/cancel-work-order';
import { NewWorkOrder } from '../work-orders/CreateWorkOrder';
import {
  ACTION_LABEL,
  formatWaiting,
  groupByStep,
  nextStep,
  OPEN_STEPS,
  STEP_LABEL,
} from './board-logic';
import { HandDispatchDialog } from './HandDispatch';
import { problemText } from './problem-text';
import { WorkOrderFinder } from './WorkOrderFinder';
import { WorkOrderLink } from './WorkOrderLink';

type OrderHeading = Pick<WorkOrderView, 'number' | 'title'>;

/** The dispatcher's screen: the queue, open dispatches by step, and the state of units and drivers. */
export function Board({ canDispatch }: { canDispatch: boolean }) {
  const queue = useQueueList({ limit: 200 });
  const open = useDispatchesList({ status: 'open', limit: 200 });
  const equipment = useEquipmentList({ limit: 200 });
  const drivers = useDriversList({ limit: 200 });
  // The open dispatches name their work order only by id: one list gives every card its number.
  const dispatched = useWorkOrdersList({ status: 'dispatched', limit: 200 });
  const people = useMemo(
    () => new Map((drivers.data?.items ?? []).map((driver) => [driver.id, driver])),
    [drivers.data],
  );
  const orders = useMemo(
    () => new Map((dispatched.data?.items ?? []).map((order) => [order.id, order])),
    [dispatched.data],
  );

  return (
    <div className="board">
      <Group justify="space-between" className="board__head">
        <Title order={1} className="page-title">
          Board
        </Title>
        {canDispatch && <NewWorkOrder />}
      </Group>
      <section className="panel panel--queue" aria-labelledby="queue-title">
        <h2 id="queue-title">
          Queue <span className="count">{queue.data?.total ?? '…'}</span>
        </h2>
        {queue.isLoading ? (
          <p className="muted">Loading…</p>
        ) : queue.isError ? (
          <p className="error">The queue could not be loaded: {problemText(queue.error)}</p>
        ) : (queue.data?.items.length ?? 0) === 0 ? (
          <p className="muted">Nothing is waiting: every work order has a unit and a driver.</p>
        ) : (
          <ol className="queue" data-testid="queue">
            {queue.data?.items.map((item) => (
              <QueueRow key={item.workOrder.id} item={item} canDispatch={canDispatch} />
            ))}
          </ol>
        )}
      </section>
      <section className="panel panel--dispatches" aria-labelledby="dispatches-title">
        <h2 id="dispatches-title">
          Open dispatches <span className="count">{open.data?.total ?? '…'}</span>
        </h2>
        <DispatchColumns
          dispatches={open.data?.items ?? []}
          people={people}
          orders={orders}
          canDispatch={canDispatch}
        />
      </section>
      <section className="panel" aria-labelledby="equipment-title">
        <h2 id="equipment-title">Equipment</h2>
        <EquipmentList
          units={equipment.data?.items ?? []}
          canDispatch={canDispatch}
          loading={equipment.isLoading}
        />
      </section>
      <section className="panel" aria-labelledby="drivers-title">
        <h2 id="drivers-title">Drivers</h2>
        <DriverList
          drivers={drivers.data?.items ?? []}
          canDispatch={canDispatch}
          loading={drivers.isLoading}
        />
      </section>
      <WorkOrderFinder />
    </div>
  );
}

export function QueueRow({ item, canDispatch }: { item: QueueItemView; canDispatch: boolean }) {
  const cancel = useCancelWorkOrder();
  const [choosing, setChoosing] = useState(false);
  const { number } = item.workOrder;
  return (
    <li
      className={`queue__item priority--${item.effectivePriority}`}
      data-testid="queue-item"
      data-work-order={item.workOrder.id}
    >
      <div className="queue__head">
        <span className="position">#{item.position}</span>
        <WorkOrderLink workOrderId={item.workOrder.id}>
          <strong>{number}</strong>
        </WorkOrderLink>{' '}
        {item.workOrder.title}
        <span className={`badge badge--${item.workOrder.priority}`}>{item.workOrder.priority}</span>
        {item.effectivePriority !== item.workOrder.priority && (
          <span className="badge">served as {item.effectivePriority}</span>
        )}
        <span className="muted">waiting {formatWaiting(item.waitingSeconds)}</span>
        {canDispatch && (
          <>
            <button className="small" onClick={() => setChoosing(true)}>
              Dispatch by hand
            </button>
            <button
              className="small"
              disabled={cancel.isPending}
              onClick={() => cancel.confirm(item.workOrder)}
            >
              Cancel
            </button>
          </>
        )}
      </div>
      <ul className="blockers">
        {item.blockedBy.map((blocker) => (
          <li key={`${blocker.code}-${blocker.qualificationId ?? ''}`}>{blocker.message}</li>
        ))}
      </ul>
      {choosing && (
        <HandDispatchDialog
          title={`Dispatch ${number} by hand`}
          workOrderId={item.workOrder.id}
          onClose={() => setChoosing(false)}
        />
      )}
    </li>
  );
}

function DispatchColumns({
  dispatches,
  people,
  orders,
  canDispatch,
}: {
  dispatches: DispatchView[];
  people: Map<string, DriverView>;
  orders: Map<string, OrderHeading>;
  canDispatch: boolean;
}) {
  const groups = groupByStep(dispatches);
  const transition = useDispatchesTransition();
  return (
    <div className="columns">
      {OPEN_STEPS.map((step) => (
        <div className="column" key={step} data-testid={`column-${step}`}>
          <h3>
            {STEP_LABEL[step]} <span className="count">{groups[step].length}</span>
          </h3>
          {groups[step].length === 0 && <p className="muted">—</p>}
          {groups[step].map((dispatch) => (
            <DispatchCard
              key={dispatch.id}
              dispatch={dispatch}
              driverName={people.get(dispatch.driverId)?.name ?? 'driver'}
              order={orders.get(dispatch.workOrderId)}
              canDispatch={canDispatch}
              onStep={(to) => transition.mutate({ id: dispatch.id, data: { to } })}
            />
          ))}
        </div>
      ))}
      {transition.isError && <p className="error">{problemText(transition.error)}</p>}
    </div>
  );
}

export function DispatchCard({
  dispatch,
  driverName,
  order,
  canDispatch,
  onStep,
}: {
  dispatch: DispatchView;
  driverName: string;
  /** The work order's number and title, when known. */
  order?: OrderHeading;
  canDispatch: boolean;
  onStep: (to: TransitionDtoTo) => void;
}) {
  const [reassigning, setReassigning] = useState(false);
  const next = nextStep(dispatch.status);
  return (
    <article
      className="card"
      data-testid="dispatch-card"
      data-dispatch={dispatch.id}
      data-work-order={dispatch.workOrderId}
    >
      <div className="card__order">
        <WorkOrderLink workOrderId={dispatch.workOrderId}>
          {order ? `${order.number} · ${order.title}` : 'Work order'}
        </WorkOrderLink>
      </div>
      <div>
        {dispatch.equipmentCode} · {driverName}
      </div>
      <div className="muted">
        {dispatch.dispatchedBy === 'auto' ? 'dispatched automatically' : 'dispatched by hand'}
      </div>
      {canDispatch && (
        <div className="actions">
          {next && (
            <button className="small" onClick={() => onStep(next)}>
              {ACTION_LABEL[next]}
            </button>
          )}
          <button className="small" onClick={() => setReassigning(true)}>
            Re-assign
          </button>
          <button
            className="small danger"
            onClick={() =>
              openConfirmModal({
                title: `Cancel ${order?.number ?? 'this work order'}?`,
                children: (
                  <p>
                    The dispatch and its work order are cancelled for good; {dispatch.equipmentCode}{' '}
                    and {driverName} are freed for the next order. This cannot be undone.
                  </p>
                ),
                labels: { confirm: 'Cancel the dispatch', cancel: 'Keep it' },
                confirmProps: { color: 'red' },
                onConfirm: () => onStep('cancelled'),
              })
            }
          >
            Cancel
          </button>
        </div>
      )}
      {reassigning && (
        <HandDispatchDialog
          title={`Re-assign ${order?.number ?? 'the dispatch'}`}
          workOrderId={dispatch.workOrderId}
          dispatchId={dispatch.id}
          onClose={() => setReassigning(false)}
        />
      )}
    </article>
  );
}

function EquipmentList({
  units,
  canDispatch,
  loading,
}: {
  units: EquipmentView[];
  canDispatch: boolean;
  loading: boolean;
}) {
  const update = useEquipmentUpdate();
  if (loading) return <p className="muted">Loading…</p>;
  return (
    <>
      {update.isError && <p className="error">{problemText(update.error)}</p>}
      <table className="table" data-testid="equipment">
        <tbody>
          {units.map((unit) => (
            <tr key={unit.id} className={`status--${unit.status}`}>
              <td>{unit.code}</td>
              <td>{unit.name}</td>
              <td>
                <span className={`badge badge--${unit.status}`}>{unit.status}</span>
              </td>
              <td>
                {canDispatch && unit.status === 'available' && (
                  <button
                    className="small"
                    onClick={() => update.mutate({ id: unit.id, data: { status: 'maintenance' } })}
                  >
                    To maintenance
                  </button>
                )}
                {canDispatch && unit.status === 'maintenance' && (
                  <button
                    className="small"
                    onClick={() => update.mutate({ id: unit.id, data: { status: 'available' } })}
                  >
                    Back in service
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function DriverList({
  drivers,
  canDispatch,
  loading,
}: {
  drivers: DriverView[];
  canDispatch: boolean;
  loading: boolean;
}) {
  const update = useDriversUpdate();
  if (loading) return <p className="muted">Loading…</p>;
  return (
    <>
      {update.isError && <p className="error">{problemText(update.error)}</p>}
      <table className="table" data-testid="drivers">
        <tbody>
          {drivers.map((driver) => (
            <tr key={driver.id}>
              <td>{driver.name}</td>
              <td className="muted">{driver.qualifications.map((held) => held.code).join(', ')}</td>
              <td>
                <span className={`badge badge--${driver.dutyStatus}`}>
                  {driver.dutyStatus === 'on_duty' ? 'on duty' : 'off duty'}
                </span>
              </td>
              <td>
                {canDispatch && (
                  <button
                    className="small"
                    onClick={() =>
                      update.mutate({
                        id: driver.id,
                        data: {
                          dutyStatus: driver.dutyStatus === 'on_duty' ? 'off_duty' : 'on_duty',
                        },
                      })
                    }
                  >
                    {driver.dutyStatus === 'on_duty' ? 'Off duty' : 'On duty'}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
