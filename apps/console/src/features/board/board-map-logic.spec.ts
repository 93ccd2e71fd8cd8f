import type { DispatchView, EquipmentView, SiteView } from '@dispatch/api-client';
import { describe, expect, it } from 'vitest';
import { boardMapPoints, dispatchLines, placedUnits, unitState } from './board-map-logic';

const unit = (id: string, status: EquipmentView['status'], at: [number, number] | null) =>
  ({
    id,
    code: id.toUpperCase(),
    status,
    latitude: at?.[0] ?? null,
    longitude: at?.[1] ?? null,
  }) as EquipmentView;

const site = { id: 'site-1', name: 'Riverside', latitude: 39.75, longitude: -105 } as SiteView;

describe('the board’s map', () => {
  it('tells free, dispatched and maintenance units apart, and leaves retired ones off', () => {
    expect(unitState('available')).toBe('free');
    expect(unitState('dispatched')).toBe('dispatched');
    expect(unitState('maintenance')).toBe('maintenance');
    expect(unitState('retired')).toBeUndefined();
  });

  it('places the units in service that have a position', () => {
    const placed = placedUnits([
      unit('a', 'available', [39.7, -105]),
      unit('b', 'retired', [39.7, -105]),
      unit('c', 'maintenance', null),
      unit('d', 'dispatched', [39.8, -105.1]),
    ]);
    expect(placed.map((item) => [item.unit.id, item.state, item.at])).toEqual([
      ['a', 'free', [39.7, -105]],
      ['d', 'dispatched', [39.8, -105.1]],
    ]);
    expect(boardMapPoints([site], placed)).toEqual([
      [39.75, -105],
      [39.7, -105],
      [39.8, -105.1],
    ]);
  });

  it('draws an open dispatch from its unit to its order’s site, when both are known', () => {
    const placed = placedUnits([unit('d', 'dispatched', [39.8, -105.1])]);
    const dispatches = [
      { id: 'x', equipmentId: 'd', workOrderId: 'wo-1' },
      { id: 'y', equipmentId: 'unplaced', workOrderId: 'wo-1' },
      { id: 'z', equipmentId: 'd', workOrderId: 'wo-unknown' },
    ] as DispatchView[];
    const lines = dispatchLines(dispatches, placed, new Map([[site.id, site]]), (id) =>
      id === 'wo-1' ? 'site-1' : undefined,
    );
    expect(lines.map((line) => [line.dispatch.id, line.from, line.to])).toEqual([
      ['x', [39.8, -105.1], [39.75, -105]],
    ]);
  });
});
