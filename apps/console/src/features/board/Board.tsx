import {
  type CreateWorkOrderDtoPriority,
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
  useEquipmentTypesList,
  useEquipmentUpdate,
  useQualificationsList,
  useQueueList,
  useSitesList,
  useWorkOrdersCancel,
  useWorkOrdersCreate,
  useWorkOrdersList,
  type WorkOrderView,
} from '@dispatch/api-client';
import { type FormEvent, type ReactNode, useCallback, useMemo, useState } from 'react';
import {
  ACTION_LABEL,
  formatWaiting,
  groupByStep,
  nextStep,
  OPEN_STEPS,
  STEP_LABEL,
} from './board-logic';
import { HandDispatch } from './HandDispatch';
import { problemText } from './problem-text';
import { WorkOrderFinder } from './WorkOrderFinder';
import { WorkOrderTimeline } from './WorkOrderTimeline';

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
  const [timelineFor, setTimelineFor] = useState<string>();
  const closeTimeline = useCallback(() => setTimelineFor(undefined), []);

  return (
    <div className="board">
      {canDispatch && <CreateWorkOrder />}
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
              <QueueRow
                key={item.workOrder.id}
                item={item}
                canDispatch={canDispatch}
                onOpenTimeline={() => setTimelineFor(item.workOrder.id)}
              />
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
          onOpenTimeline={setTimelineFor}
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
      <WorkOrderFinder onOpenTimeline={setTimelineFor} />
      {timelineFor && <WorkOrderTimeline workOrderId={timelineFor} onClose={closeTimeline} />}
    </div>
  );
}

/** A work order's number as a control that opens its timeline (reading only: viewers get it too). */
export function TimelineButton({
  workOrderId,
  onOpen,
  children,
}: {
  workOrderId: string;
  onOpen: (id: string) => void;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      className="link order-link"
      data-testid="open-timeline"
      data-timeline-for={workOrderId}
      title="Show the timeline of this work order"
      onClick={() => onOpen(workOrderId)}
    >
      {children}
    </button>
  );
}

export function QueueRow({
  item,
  canDispatch,
  onOpenTimeline,
}: {
  item: QueueItemView;
  canDispatch: boolean;
  /** Offers the order's timeline from its number. */
  onOpenTimeline?: () => void;
}) {
  const cancel = useWorkOrdersCancel();
  const [choosing, setChoosing] = useState(false);
  return (
    <li
      className={`queue__item priority--${item.effectivePriority}`}
      data-testid="queue-item"
      data-work-order={item.workOrder.id}
    >
      <div className="queue__head">
        <span className="position">#{item.position}</span>
        {onOpenTimeline ? (
          <TimelineButton workOrderId={item.workOrder.id} onOpen={onOpenTimeline}>
            <strong>{item.workOrder.number}</strong>
          </TimelineButton>
        ) : (
          <strong>{item.workOrder.number}</strong>
        )}{' '}
        {item.workOrder.title}
        <span className={`badge badge--${item.workOrder.priority}`}>{item.workOrder.priority}</span>
        {item.effectivePriority !== item.workOrder.priority && (
          <span className="badge">served as {item.effectivePriority}</span>
        )}
        <span className="muted">waiting {formatWaiting(item.waitingSeconds)}</span>
        {canDispatch && (
          <>
            <button className="small" onClick={() => setChoosing((open) => !open)}>
              Dispatch by hand
            </button>
            <button
              className="small"
              disabled={cancel.isPending}
              onClick={() => cancel.mutate({ id: item.workOrder.id })}
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
        <HandDispatch workOrderId={item.workOrder.id} onDone={() => setChoosing(false)} />
      )}
    </li>
  );
}

function DispatchColumns({
  dispatches,
  people,
  orders,
  canDispatch,
  onOpenTimeline,
}: {
  dispatches: DispatchView[];
  people: Map<string, DriverView>;
  orders: Map<string, OrderHeading>;
  canDispatch: boolean;
  onOpenTimeline: (workOrderId: string) => void;
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
              onOpenTimeline={onOpenTimeline}
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
  onOpenTimeline,
}: {
  dispatch: DispatchView;
  driverName: string;
  /** The work order's number and title, when known. */
  order?: OrderHeading;
  canDispatch: boolean;
  onStep: (to: TransitionDtoTo) => void;
  onOpenTimeline?: (workOrderId: string) => void;
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
      {onOpenTimeline ? (
        <div className="card__order">
          <TimelineButton workOrderId={dispatch.workOrderId} onOpen={onOpenTimeline}>
            {order ? `${order.number} · ${order.title}` : 'Work order timeline'}
          </TimelineButton>
        </div>
      ) : (
        order && (
          <div className="card__order">
            {order.number} · {order.title}
          </div>
        )
      )}
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
          <button className="small" onClick={() => setReassigning((open) => !open)}>
            Re-assign
          </button>
          <button className="small danger" onClick={() => onStep('cancelled')}>
            Cancel
          </button>
        </div>
      )}
      {reassigning && (
        <HandDispatch
          workOrderId={dispatch.workOrderId}
          dispatchId={dispatch.id}
          onDone={() => setReassigning(false)}
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

const PRIORITIES: CreateWorkOrderDtoPriority[] = ['emergency', 'urgent', 'standard', 'low'];

function CreateWorkOrder() {
  const sites = useSitesList({ limit: 200 });
  const types = useEquipmentTypesList({ limit: 200 });
  const qualifications = useQualificationsList({ limit: 200 });
  const create = useWorkOrdersCreate();
  const [title, setTitle] = useState('');
  const [siteId, setSiteId] = useState('');
  const [equipmentTypeId, setEquipmentTypeId] = useState('');
  const [priority, setPriority] = useState<CreateWorkOrderDtoPriority>('standard');
  const [extra, setExtra] = useState<string[]>([]);
  const [notes, setNotes] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      {
        data: {
          title,
          siteId,
          equipmentTypeId,
          priority,
          requiredQualificationIds: extra,
          ...(notes ? { notes } : {}),
        },
      },
      {
        onSuccess: () => {
          setTitle('');
          setNotes('');
          setExtra([]);
        },
      },
    );
  };

  const created = create.data;
  return (
    <section className="panel panel--create" aria-labelledby="create-title">
      <h2 id="create-title">New work order</h2>
      <form className="form" onSubmit={submit} data-testid="create-work-order">
        <label>
          Title
          <input
            name="title"
            required
            maxLength={200}
            value={title}
            onChange={(event) => setTitle(event.target.value)}
          />
        </label>
        <label>
          Site
          <select
            name="site"
            required
            value={siteId}
            onChange={(event) => setSiteId(event.target.value)}
          >
            <option value="">Choose a site</option>
            {sites.data?.items.map((site) => (
              <option key={site.id} value={site.id}>
                {site.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Equipment type
          <select
            name="equipmentType"
            required
            value={equipmentTypeId}
            onChange={(event) => setEquipmentTypeId(event.target.value)}
          >
            <option value="">Choose a type</option>
            {types.data?.items.map((type) => (
              <option key={type.id} value={type.id}>
                {type.name} ({type.code})
              </option>
            ))}
          </select>
        </label>
        <label>
          Priority
          <select
            name="priority"
            value={priority}
            onChange={(event) => setPriority(event.target.value as CreateWorkOrderDtoPriority)}
          >
            {PRIORITIES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
        <label>
          Extra qualifications
          <select
            name="qualifications"
            multiple
            value={extra}
            onChange={(event) =>
              setExtra([...event.target.selectedOptions].map((option) => option.value))
            }
          >
            {qualifications.data?.items.map((qualification) => (
              <option key={qualification.id} value={qualification.id}>
                {qualification.code}
              </option>
            ))}
          </select>
        </label>
        <label>
          Notes
          <textarea
            name="notes"
            maxLength={4000}
            value={notes}
            onChange={(event) => setNotes(event.target.value)}
          />
        </label>
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create work order'}
        </button>
        {create.isError && <p className="error">{problemText(create.error)}</p>}
        {created && (
          <p className="notice" data-testid="create-result" data-work-order={created.id}>
            {created.number}{' '}
            {created.status === 'dispatched'
              ? 'dispatched at once'
              : `queued: ${created.blockedBy?.map((blocker) => blocker.message).join('; ')}`}
          </p>
        )}
      </form>
    </section>
  );
}
