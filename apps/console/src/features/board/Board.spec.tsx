// @vitest-environment jsdom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DispatchView, EquipmentView, QueueItemView } from '@dispatch/api-client';
import { renderPage } from '../../test/render';
import { DispatchCard, QueueRow } from './Board';
import { UnitTimeline } from './UnitTimeline';

const queued: QueueItemView = {
  position: 2,
  waitingSeconds: 65 * 60,
  effectivePriority: 'urgent',
  blockedBy: [
    {
      code: 'no_free_unit',
      message: 'No free unit of type crane-50t (2 dispatched, 1 in maintenance)',
    },
    {
      code: 'no_free_driver_with_qualification',
      message:
        'No free driver with hazmat: every driver holding a valid hazmat is busy or off duty',
      qualificationId: 'q1',
    },
  ],
  workOrder: {
    id: 'wo-1',
    number: 'WO-000042',
    title: 'Lift HVAC units',
    priority: 'low',
  } as QueueItemView['workOrder'],
};

const dispatch = {
  id: 'd-1',
  workOrderId: 'wo-1',
  equipmentId: 'e-1',
  equipmentCode: 'CR-007',
  equipmentName: 'Crane',
  driverId: 'dr-1',
  status: 'en_route',
  dispatchedBy: 'auto',
  assignedAt: '2026-11-21T10:00:00Z',
} as DispatchView;

afterEach(cleanup);

describe('QueueRow', () => {
  it('tells the dispatcher where the order stands and what blocks it', async () => {
    await renderPage(<QueueRow item={queued} canDispatch />);
    expect(screen.getByText('WO-000042')).toBeTruthy();
    expect(screen.getByText('served as urgent')).toBeTruthy();
    expect(screen.getByText('waiting 1 h 05 min')).toBeTruthy();
    expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual(
      expect.arrayContaining([queued.blockedBy[0].message, queued.blockedBy[1].message]),
    );
    expect(screen.getByRole('button', { name: 'Dispatch by hand' })).toBeTruthy();
  });

  it('offers no control to someone who may not dispatch', async () => {
    await renderPage(<QueueRow item={queued} canDispatch={false} />);
    expect(screen.queryAllByRole('button')).toEqual([]);
  });

  it('asks before cancelling the order, naming it', async () => {
    await renderPage(<QueueRow item={queued} canDispatch />);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    const dialog = await screen.findByRole('dialog', { name: 'Cancel WO-000042?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Keep it' }));
    expect(screen.queryByRole('dialog')).toBe(null);
  });
});

describe('DispatchCard', () => {
  it('offers the next step of the dispatch, and cancelling once confirmed', async () => {
    const onStep = vi.fn();
    await renderPage(
      <DispatchCard dispatch={dispatch} driverName="Maria Lopez" canDispatch onStep={onStep} />,
    );
    expect(screen.getByText('CR-007 · Maria Lopez')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Arrived on site' }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onStep.mock.calls).toEqual([['on_site']]);
    const dialog = await screen.findByRole('dialog', { name: 'Cancel this work order?' });
    expect(dialog.textContent).toContain('CR-007 and Maria Lopez are freed');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel the dispatch' }));
    expect(onStep.mock.calls).toEqual([['on_site'], ['cancelled']]);
  });

  it('is read-only for viewers', async () => {
    await renderPage(
      <DispatchCard
        dispatch={dispatch}
        driverName="Maria Lopez"
        canDispatch={false}
        onStep={vi.fn()}
      />,
    );
    expect(screen.queryAllByRole('button')).toEqual([]);
  });

  it('names its work order with a link to its page, even for viewers', async () => {
    await renderPage(
      <DispatchCard
        dispatch={dispatch}
        driverName="Maria Lopez"
        order={{ number: 'WO-000042', title: 'Lift HVAC units' }}
        canDispatch={false}
        onStep={vi.fn()}
      />,
    );
    const link = screen.getByRole('link', { name: 'WO-000042 · Lift HVAC units' });
    expect(link.getAttribute('href')).toBe('/work-orders/wo-1');
    expect(screen.queryAllByRole('button')).toEqual([]);
  });
});

describe('QueueRow work order link', () => {
  it('links the order’s number to its page, the only control a viewer gets', async () => {
    await renderPage(<QueueRow item={queued} canDispatch={false} />);
    const link = screen.getByRole('link', { name: 'WO-000042' });
    expect(link.getAttribute('href')).toBe('/work-orders/wo-1');
    expect(screen.getAllByRole('link')).toHaveLength(1);
    expect(screen.queryAllByRole('button')).toEqual([]);
  });
});

describe('DispatchCard at a glance', () => {
  it('shows the site, the time in this step, the window and the order’s age', async () => {
    const now = new Date('2026-12-03T12:00:00Z');
    await renderPage(
      <DispatchCard
        dispatch={{
          ...dispatch,
          siteName: 'Riverside Tower',
          status: 'en_route',
          enRouteAt: '2026-12-03T11:48:00Z',
        }}
        driverName="Maria Lopez"
        order={{
          number: 'WO-000042',
          title: 'Lift HVAC units',
          createdAt: '2026-12-03T09:55:00Z',
          window: { start: '2026-12-03T13:00:00Z', end: '2026-12-03T15:00:00Z' },
        }}
        now={now}
        canDispatch={false}
        onStep={vi.fn()}
      />,
    );
    expect(screen.getByText('Riverside Tower')).toBeTruthy();
    expect(screen.getByTestId('card-times').textContent).toBe('12 min in step · age 2 h 05 min');
    expect(screen.getByTestId('card-window').textContent).toMatch(
      /^Window \w{3} \d{1,2} Dec \d{2}:00–\d{2}:00$/,
    );
  });
});

describe('UnitTimeline', () => {
  it('draws a row per unit in service and each of today’s dispatches as a link to its order', async () => {
    const now = new Date(2026, 11, 3, 12, 0);
    const units = [
      { id: 'e-1', code: 'CR-007', name: 'Crane', status: 'dispatched' },
      { id: 'e-2', code: 'CR-008', name: 'Crane', status: 'available' },
      { id: 'e-3', code: 'CR-009', name: 'Crane', status: 'retired' },
    ] as EquipmentView[];
    await renderPage(
      <UnitTimeline
        units={units}
        dispatches={[
          {
            ...dispatch,
            status: 'assigned',
            workOrderNumber: 'WO-000042',
            assignedAt: new Date(2026, 11, 3, 10, 30).toISOString(),
            completedAt: null,
            cancelledAt: null,
          },
        ]}
        now={now}
        driverName={(id) => (id === 'dr-1' ? 'Maria Lopez' : 'driver')}
      />,
    );
    const region = screen.getByRole('region', { name: 'Unit timeline' });
    expect(
      within(region)
        .getAllByTestId('unit-timeline-row')
        .map((row) => row.dataset.unit),
    ).toEqual(['e-1', 'e-2']);
    const bar = within(region).getByRole('link', {
      name: 'WO-000042 · Maria Lopez, 10:30–now (Assigned)',
    });
    expect(bar.getAttribute('href')).toBe('/work-orders/wo-1');
    expect(bar.textContent).toBe('WO-000042 · Maria Lopez');
  });
});
