import { Priority } from '../enums';
import { effectivePriority, queuedSince, servingOrder } from './queue-order';

const AGING = 1800;

describe('queue order and aging', () => {
  it('keeps fresh orders at their own priority', () => {
    for (const priority of Object.values(Priority))
      expect(effectivePriority(priority, 0, AGING)).toBe(priority);
  });

  it('raises waiting orders one level per aging period, up to urgent', () => {
    expect(effectivePriority(Priority.Low, AGING - 1, AGING)).toBe(Priority.Low);
    expect(effectivePriority(Priority.Low, AGING, AGING)).toBe(Priority.Standard);
    expect(effectivePriority(Priority.Low, 2 * AGING, AGING)).toBe(Priority.Urgent);
    expect(effectivePriority(Priority.Low, 50 * AGING, AGING)).toBe(Priority.Urgent);
    expect(effectivePriority(Priority.Standard, AGING, AGING)).toBe(Priority.Urgent);
    expect(effectivePriority(Priority.Urgent, 50 * AGING, AGING)).toBe(Priority.Urgent);
    expect(effectivePriority(Priority.Emergency, 0, AGING)).toBe(Priority.Emergency);
  });

  const now = new Date('2026-11-21T12:00:00Z');
  const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000);

  it('serves by priority, then oldest first', () => {
    const orders = [
      { number: 1, priority: Priority.Low, createdAt: at(5) },
      { number: 2, priority: Priority.Emergency, createdAt: at(1) },
      { number: 3, priority: Priority.Standard, createdAt: at(3) },
      { number: 4, priority: Priority.Standard, createdAt: at(4) },
      { number: 5, priority: Priority.Urgent, createdAt: at(2) },
    ];
    expect(servingOrder(orders, now, AGING).map((order) => order.number)).toEqual([2, 5, 4, 3, 1]);
  });

  it('never lets a low-priority order starve behind a stream of newer urgent ones', () => {
    const old = { number: 1, priority: Priority.Low, createdAt: at(61) };
    const stream = Array.from({ length: 20 }, (_, index) => ({
      number: index + 2,
      priority: Priority.Urgent,
      createdAt: at(index % 30),
    }));
    const order = servingOrder([...stream, old], now, AGING);
    expect(order[0].number).toBe(1);
    const emergency = { number: 99, priority: Priority.Emergency, createdAt: at(0) };
    expect(servingOrder([old, emergency], now, AGING).map((entry) => entry.number)).toEqual([
      99, 1,
    ]);
  });

  it('breaks ties deterministically by number', () => {
    const same = at(10);
    const orders = [3, 1, 2].map((number) => ({
      number,
      priority: Priority.Standard,
      createdAt: same,
    }));
    expect(servingOrder(orders, now, AGING).map((order) => order.number)).toEqual([1, 2, 3]);
  });

  it('counts waiting from creation, or for scheduled work from the start of its lead time', () => {
    const windowStart = (minutesAhead: number) => new Date(now.getTime() + minutesAhead * 60_000);
    expect(queuedSince({ createdAt: at(10), windowStart: null }, 60)).toEqual(at(10));
    // Booked a day ahead: waits from an hour before its window starts.
    expect(queuedSince({ createdAt: at(10), windowStart: windowStart(24 * 60) }, 60)).toEqual(
      windowStart(23 * 60),
    );
    // Its window starts within the lead time: waits from its creation.
    expect(queuedSince({ createdAt: at(10), windowStart: windowStart(30) }, 60)).toEqual(at(10));
  });

  it('ages scheduled work from when it started waiting, and still serves the oldest first', () => {
    const orders = [
      // Created long ago for a window that starts soon: has waited only 5 minutes.
      { number: 1, priority: Priority.Low, createdAt: at(600), queuedSince: at(5) },
      { number: 2, priority: Priority.Low, createdAt: at(61) },
      { number: 3, priority: Priority.Standard, createdAt: at(20) },
    ];
    expect(servingOrder(orders, now, AGING).map((order) => order.number)).toEqual([2, 3, 1]);
    const fresh = orders.map((order) => ({ ...order, queuedSince: now }));
    expect(servingOrder(fresh, now, AGING).map((order) => order.number)).toEqual([3, 1, 2]);
  });
});
