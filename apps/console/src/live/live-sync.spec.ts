import { QueryClient, type QueryKey, QueryObserver } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type DispatchPage,
  getDispatchesListQueryKey,
  getDriversListQueryKey,
  getQueueListQueryKey,
  getReportsQueueQueryKey,
  getWorkOrdersListQueryKey,
} from '@dispatch/api-client';
import { dispatchView, domainEvent, ORDER, stepEvent } from './domain-events.fixtures';
import { wholeListKey } from '../ui/whole-list';
import { BURST_MILLISECONDS, createLiveSync } from './live-sync';

let client: QueryClient;
let fetches: Map<string, number>;
let observers: (() => void)[];

/** A query on screen (an observer, as a mounted component has), counting its requests. */
function watch(name: string, queryKey: QueryKey, data: unknown, meta?: { live: false }) {
  fetches.set(name, 0);
  const observer = new QueryObserver(client, {
    queryKey,
    queryFn: () => {
      fetches.set(name, (fetches.get(name) ?? 0) + 1);
      return Promise.resolve(data);
    },
    staleTime: Infinity,
    ...(meta ? { meta } : {}),
  });
  observers.push(observer.subscribe(() => {}));
}

const emptyPage = { items: [], total: 0, limit: 200, offset: 0 };
/** The keys the board's whole lists are cached under. */
const OPEN_KEY = wholeListKey(getDispatchesListQueryKey, { status: 'open' } as const);
const openPage: DispatchPage = {
  ...emptyPage,
  items: [dispatchView('d-1', 'on_site')],
  total: 1,
};

beforeEach(async () => {
  vi.useFakeTimers();
  client = new QueryClient();
  fetches = new Map();
  observers = [];
  watch('open', OPEN_KEY, openPage);
  watch('queue', wholeListKey(getQueueListQueryKey, {}), emptyPage);
  watch(
    'orders',
    wholeListKey(getWorkOrdersListQueryKey, { status: 'dispatched' } as const),
    emptyPage,
  );
  watch('drivers', wholeListKey(getDriversListQueryKey, {}), emptyPage);
  watch('report', getReportsQueueQueryKey({ from: '2026-11-01', to: '2026-11-21' }), [], {
    live: false,
  });
  await vi.advanceTimersByTimeAsync(10);
  fetches.forEach((_count, name) => fetches.set(name, 0));
});

afterEach(() => {
  observers.forEach((unsubscribe) => unsubscribe());
  client.clear();
  vi.useRealTimers();
});

const counts = () => Object.fromEntries(fetches);

describe('live sync', () => {
  it('fetches each query named by a burst of events once, at the end of the burst', async () => {
    const sync = createLiveSync(client);
    // Completing a job: the dispatch's step, then the order's completion.
    sync.apply(stepEvent('dispatch.completed', 'on_site'));
    sync.apply(domainEvent('work_order.completed', { workOrder: ORDER, dispatchId: 'd-1' }));
    await vi.advanceTimersByTimeAsync(BURST_MILLISECONDS - 10);
    expect(counts()).toMatchObject({ open: 0, queue: 0, orders: 0 });
    await vi.advanceTimersByTimeAsync(20);
    expect(counts()).toEqual({ open: 1, queue: 1, orders: 1, drivers: 0, report: 0 });
    sync.dispose();
  });

  it('fetches nothing for a step the payload describes: the board changes at once', async () => {
    const sync = createLiveSync(client);
    sync.apply(stepEvent('dispatch.en_route', 'on_site'));
    expect(client.getQueryData<DispatchPage>(OPEN_KEY)?.items[0].status).toBe('en_route');
    await vi.advanceTimersByTimeAsync(BURST_MILLISECONDS * 4);
    expect(counts()).toEqual({ open: 0, queue: 0, orders: 0, drivers: 0, report: 0 });
    sync.dispose();
  });

  it('after the stream was down refreshes every live query once, the reports not at all', async () => {
    const sync = createLiveSync(client);
    sync.refreshAll();
    sync.apply(domainEvent('site.created', { site: { id: 's-1', name: 'Pier 4' } }));
    await vi.advanceTimersByTimeAsync(BURST_MILLISECONDS + 10);
    expect(counts()).toEqual({ open: 1, queue: 1, orders: 1, drivers: 1, report: 0 });
    sync.dispose();
  });

  it('drops what is pending when the stream closes', async () => {
    const sync = createLiveSync(client);
    sync.refreshAll();
    sync.dispose();
    await vi.advanceTimersByTimeAsync(BURST_MILLISECONDS * 4);
    expect(counts()).toEqual({ open: 0, queue: 0, orders: 0, drivers: 0, report: 0 });
  });
});
