import {
  type DispatchView,
  type DriverView,
  type EquipmentView,
  type QueueItemView,
  type TransitionDtoTo,
  useDispatchesTransition,
  useDriversUpdate,
  useEquipmentUpdate,
  type WorkOrderView,
} from '@dispatch/api-client';
import { Button, Group, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { openConfirmModal } from '@mantine/modals';
import { useCallback, useMemo, useRef, useState } from 'react';
import { useCancelWorkOrder } from '../work-orders/cancel-work-order';
import { NewWorkOrder } from '../work-orders/CreateWorkOrder';
import { blockerText } from '../work-orders/unblock';
import './board.css';
import {
  ACTION_LABEL,
  formatWaiting,
  formatWindow,
  groupByStep,
  nextStep,
  OPEN_STEPS,
  secondsSince,
  STEP_LABEL,
  stepStartedAt,
} from './board-logic';
import { placedUnits } from './board-map-logic';
import { BoardMap, MapLegend } from './BoardMap';
import { BoardShortcuts } from './BoardShortcuts';
import { HandDispatchDialog } from './HandDispatch';
import { problemText } from './problem-text';
import { UnitTimeline } from './UnitTimeline';
import { dayOf } from './unit-timeline';
import { useNow } from './useNow';
import { WorkOrderFinder } from './WorkOrderFinder';
import { WorkOrderLink } from './WorkOrderLink';
import {
  useAllDispatches,
  useAllDrivers,
  useAllSites,
  useAllUnits,
  useAllWorkOrders,
  useWholeQueue,
} from '../records/whole-lists';

/** What a card shows of its work order: its number and title, and when known its window and age. */
type OrderHeading = Pick<WorkOrderView, 'number' | 'title'> &
  Partial<Pick<WorkOrderView, 'window' | 'createdAt' | 'siteId'>>;

const OPEN = { status: 'open' } as const;
const DISPATCHED = { status: 'dispatched' } as const;

/**
 * The dispatcher's screen, one screen at a desk: the queue, open dispatches by step, a map of sites
 * and units and a timeline of each unit's day, each panel scrolling inside itself; the units' and
 * drivers' lists follow below. On a phone the panels stack.
 */
export function Board({ canDispatch }: { canDispatch: boolean }) {
  const now = useNow();
  const queue = useWholeQueue();
  const open = useAllDispatches(OPEN);
  // Today in the user's zone: the timeline's dispatches, open or ended since midnight.
  const today = useMemo(() => new Date(dayOf(now).start).toISOString(), [now]);
  const todays = useAllDispatches({ activeSince: today });
  const equipment = useAllUnits();
  const drivers = useAllDrivers();
  const sites = useAllSites();
  // The window, age and site of each open dispatch's order.
  const dispatched = useAllWorkOrders(DISPATCHED);
  const people = useMemo(
    () => new Map((drivers.data?.items ?? []).map((driver) => [driver.id, driver])),
    [drivers.data],
  );
  const orders = useMemo(
    () => new Map((dispatched.data?.items ?? []).map((order) => [order.id, order])),
    [dispatched.data],
  );
  const siteNames = useMemo(
    () => new Map((sites.data?.items ?? []).map((site) => [site.id, site.name])),
    [sites.data],
  );
  const driverName = useCallback(
    (driverId: string) => people.get(driverId)?.name ?? 'driver',
    [people],
  );
  const siteOf = useCallback((workOrderId: string) => orders.get(workOrderId)?.siteId, [orders]);
  const units = useMemo(() => placedUnits(equipment.data?.items ?? []), [equipment.data]);
  const [creating, create] = useDisclosure(false);
  const [helping, help] = useDisclosure(false);
  const search = useRef<HTMLInputElement>(null);
  const transition = useDispatchesTransition();
  const step = useCallback(
    (dispatchId: string, to: TransitionDtoTo) =>
      transition.mutate({ id: dispatchId, data: { to } }),
    [transition],
  );

  return (
    <div className="dispatch-board">
      <div className="dispatch-board__screen">
        <Group justify="space-between" gap="sm" className="dispatch-board__head">
          <Title order={1} className="page-title">
            Board
          </Title>
          <Group gap="sm">
            {canDispatch && (
              <Button
                variant="default"
                onClick={help.open}
                visibleFrom="sm"
                data-testid="shortcuts-button"
              >
                Keyboard shortcuts
              </Button>
            )}
            {canDispatch && (
              <NewWorkOrder opened={creating} onOpen={create.open} onClose={create.close} />
            )}
          </Group>
        </Group>
        <BoardShortcuts
          canDispatch={canDispatch}
          helpOpened={helping}
          onHelp={help.open}
          onCloseHelp={help.close}
          onNew={create.open}
          onSearch={() => search.current?.focus()}
          onNextStep={(dispatchId) => {
            const dispatch = open.data?.items.find((item) => item.id === dispatchId);
            const next = dispatch && nextStep(dispatch.status);
            if (next) step(dispatchId, next);
            return next;
          }}
        />
        <div className="dispatch-board__side">
          <section className="panel dispatch-board__queue" aria-labelledby="queue-title">
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
                    siteName={siteNames.get(item.workOrder.siteId)}
                    canDispatch={canDispatch}
                  />
                ))}
              </ol>
            )}
          </section>
          <WorkOrderFinder inputRef={search} />
        </div>
        <section className="panel dispatch-board__dispatches" aria-labelledby="dispatches-title">
          <h2 id="dispatches-title">
            Open dispatches <span className="count">{open.data?.total ?? '…'}</span>
          </h2>
          <DispatchColumns
            dispatches={open.data?.items ?? []}
            people={people}
            orders={orders}
            now={now}
            canDispatch={canDispatch}
            onStep={step}
          />
          {transition.isError && <p className="error">{problemText(transition.error)}</p>}
        </section>
        {/* The map and the timeline are named regions themselves; their panels are not a second one. */}
        <section className="panel dispatch-board__map">
          <h2>Map</h2>
          <BoardMap
            sites={sites.data?.items ?? []}
            units={units}
            dispatches={open.data?.items ?? []}
            siteOf={siteOf}
            driverName={driverName}
          />
          <MapLegend />
        </section>
        <section className="panel dispatch-board__timeline">
          <h2>Unit timeline</h2>
          {todays.isError ? (
            <p className="error">
              Today’s dispatches could not be loaded: {problemText(todays.error)}
            </p>
          ) : (
            <UnitTimeline
              units={equipment.data?.items ?? []}
              dispatches={todays.data?.items ?? []}
              now={now}
              driverName={driverName}
            />
          )}
        </section>
      </div>
      <div className="dispatch-board__more">
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
      </div>
    </div>
  );
}

export function QueueRow({
  item,
  siteName,
  canDispatch,
}: {
  item: QueueItemView;
  /** The name of the order's site, once the sites are loaded. */
  siteName?: string;
  canDispatch: boolean;
}) {
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
      {(siteName || item.workOrder.window) && (
        <div className="queue__where muted">
          {siteName}
          {siteName && item.workOrder.window ? ' · ' : ''}
          {item.workOrder.window && formatWindow(item.workOrder.window)}
        </div>
      )}
      <ul className="blockers">
        {item.blockedBy.map((blocker) => (
          <li key={`${blocker.code}-${blocker.qualificationId ?? ''}`}>{blockerText(blocker)}</li>
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
  now,
  canDispatch,
  onStep,
}: {
  dispatches: DispatchView[];
  people: Map<string, DriverView>;
  orders: Map<string, OrderHeading>;
  now: Date;
  canDispatch: boolean;
  onStep: (dispatchId: string, to: TransitionDtoTo) => void;
}) {
  const groups = groupByStep(dispatches);
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
              now={now}
              canDispatch={canDispatch}
              onStep={(to) => onStep(dispatch.id, to)}
            />
          ))}
        </div>
      ))}
    </div>
  );
}

/**
 * An open dispatch: its order, site, unit and driver, how long it has been in this step, its
 * window and the order's age, and the dispatcher's actions. A card takes the focus (a click or Tab)
 * so the keyboard's next-step shortcut knows which one is meant.
 */
export function DispatchCard({
  dispatch,
  driverName,
  order,
  now = new Date(),
  canDispatch,
  onStep,
}: {
  dispatch: DispatchView;
  driverName: string;
  /** The work order's number and title, when known (with its window and creation). */
  order?: OrderHeading;
  now?: Date;
  canDispatch: boolean;
  onStep: (to: TransitionDtoTo) => void;
}) {
  const [reassigning, setReassigning] = useState(false);
  const next = nextStep(dispatch.status);
  const number = order?.number ?? dispatch.workOrderNumber;
  const title = order?.title ?? dispatch.workOrderTitle;
  return (
    <article
      className="card"
      tabIndex={0}
      aria-label={`${number ?? 'Work order'}: ${dispatch.equipmentCode} · ${driverName}`}
      data-testid="dispatch-card"
      data-dispatch={dispatch.id}
      data-work-order={dispatch.workOrderId}
    >
      <div className="card__order">
        <WorkOrderLink workOrderId={dispatch.workOrderId}>
          {number ? `${number} · ${title ?? ''}` : 'Work order'}
        </WorkOrderLink>
      </div>
      {dispatch.siteName && <div className="card__site">{dispatch.siteName}</div>}
      <div>
        {dispatch.equipmentCode} · {driverName}
      </div>
      <div className="card__times muted" data-testid="card-times">
        <span title="Time in this step">
          {formatWaiting(secondsSince(stepStartedAt(dispatch), now))} in step
        </span>
        {order?.createdAt && (
          <span title="Age of the work order">
            {' · '}age {formatWaiting(secondsSince(order.createdAt, now))}
          </span>
        )}
      </div>
      {order?.window && (
        <div className="card__window" data-testid="card-window">
          Window {formatWindow(order.window)}
        </div>
      )}
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
                title: `Cancel ${number ?? 'this work order'}?`,
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
          title={`Re-assign ${number ?? 'the dispatch'}`}
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
              <td className="code">{unit.code}</td>
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
