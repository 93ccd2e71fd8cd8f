// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DispatchView, QueueItemView } from '@dispatch/api-client';
import { DispatchCard, QueueRow } from './Board';

function withQueryClient(children: ReactNode) {
  return <QueryClientProvider client={new QueryClient()}>{children}</QueryClientProvider>;
}

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
  it('tells the dispatcher where the order stands and what blocks it', () => {
    render(withQueryClient(<QueueRow item={queued} canDispatch />));
    expect(screen.getByText('WO-000042')).toBeTruthy();
    expect(screen.getByText('served as urgent')).toBeTruthy();
    expect(screen.getByText('waiting 1 h 05 min')).toBeTruthy();
    expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual(
      expect.arrayContaining([queued.blockedBy[0].message, queued.blockedBy[1].message]),
    );
    expect(screen.getByRole('button', { name: 'Dispatch by hand' })).toBeTruthy();
  });

  it('offers no control to someone who may not dispatch', () => {
    render(withQueryClient(<QueueRow item={queued} canDispatch={false} />));
    expect(screen.queryAllByRole('button')).toEqual([]);
  });
});

describe('DispatchCard', () => {
  it('offers the next step of the dispatch, and cancelling', () => {
    const onStep = vi.fn();
    render(
      withQueryClient(
        <DispatchCard dispatch={dispatch} driverName="Maria Lopez" canDispatch onStep={onStep} />,
      ),
    );
    expect(screen.getByText('CR-007 · Maria Lopez')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Arrived on site' }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onStep.mock.calls).toEqual([['on_site'], ['cancelled']]);
  });

  it('is read-only for viewers', () => {
    render(
      withQueryClient(
        <DispatchCard
          dispatch={dispatch}
          driverName="Maria Lopez"
          canDispatch={false}
          onStep={vi.fn()}
        />,
      ),
    );
    expect(screen.queryAllByRole('button')).toEqual([]);
  });

  it('names its work order, which opens the timeline even for viewers', () => {
    const onOpenTimeline = vi.fn();
    render(
      withQueryClient(
        <DispatchCard
          dispatch={dispatch}
          driverName="Maria Lopez"
          order={{ number: 'WO-000042', title: 'Lift HVAC units' }}
          canDispatch={false}
          onStep={vi.fn()}
          onOpenTimeline={onOpenTimeline}
        />,
      ),
    );
    const buttons = screen.getAllByRole('button');
    expect(buttons.map((button) => button.textContent)).toEqual(['WO-000042 · Lift HVAC units']);
    fireEvent.click(buttons[0]);
    expect(onOpenTimeline.mock.calls).toEqual([['wo-1']]);
  });
});

describe('QueueRow timeline', () => {
  it('opens the order’s timeline from its number, the only control a viewer gets', () => {
    const onOpenTimeline = vi.fn();
    render(
      withQueryClient(
        <QueueRow item={queued} canDispatch={false} onOpenTimeline={onOpenTimeline} />,
      ),
    );
    fireEvent.click(screen.getByRole('button', { name: 'WO-000042' }));
    expect(onOpenTimeline).toHaveBeenCalledTimes(1);
    expect(screen.getAllByRole('button')).toHaveLength(1);
  });
});
