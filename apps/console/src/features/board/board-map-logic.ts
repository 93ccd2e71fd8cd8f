import type { DispatchView, EquipmentView, SiteView } from '@dispatch/api-client';
import type { MapPoint } from '../../ui/MapCanvas';

/** What the map tells apart about a unit (a retired unit is not on it). */
export type UnitState = 'free' | 'dispatched' | 'maintenance';

export const UNIT_STATE_LABEL: Record<UnitState, string> = {
  free: 'free',
  dispatched: 'dispatched',
  maintenance: 'in maintenance',
};

const STATE_OF: Partial<Record<EquipmentView['status'], UnitState>> = {
  available: 'free',
  dispatched: 'dispatched',
  maintenance: 'maintenance',
};

export function unitState(status: EquipmentView['status']): UnitState | undefined {
  return STATE_OF[status];
}

/** A unit the map can place: in service, with a known position. */
export interface PlacedUnit {
  unit: EquipmentView;
  state: UnitState;
  at: MapPoint;
}

export function placedUnits(units: readonly EquipmentView[]): PlacedUnit[] {
  const placed: PlacedUnit[] = [];
  for (const unit of units) {
    const state = unitState(unit.status);
    if (state && unit.latitude !== null && unit.longitude !== null)
      placed.push({ unit, state, at: [unit.latitude, unit.longitude] });
  }
  return placed;
}

/** An open dispatch on the map: a line from its unit to the site of its work order. */
export interface DispatchLine {
  dispatch: DispatchView;
  from: MapPoint;
  to: MapPoint;
}

/**
 * The lines of the open dispatches whose unit and site are both placed; `siteOf` names the site of
 * a work order (the dispatch carries only the site's name).
 */
export function dispatchLines(
  dispatches: readonly DispatchView[],
  units: readonly PlacedUnit[],
  sites: ReadonlyMap<string, SiteView>,
  siteOf: (workOrderId: string) => string | undefined,
): DispatchLine[] {
  const unitAt = new Map(units.map((placed) => [placed.unit.id, placed.at]));
  const lines: DispatchLine[] = [];
  for (const dispatch of dispatches) {
    const from = unitAt.get(dispatch.equipmentId);
    const siteId = siteOf(dispatch.workOrderId);
    const site = siteId ? sites.get(siteId) : undefined;
    if (from && site) lines.push({ dispatch, from, to: [site.latitude, site.longitude] });
  }
  return lines;
}

/** Everything the map should show at once: the sites and the placed units. */
export function boardMapPoints(
  sites: readonly SiteView[],
  units: readonly PlacedUnit[],
): MapPoint[] {
  return [
    ...sites.map((site): MapPoint => [site.latitude, site.longitude]),
    ...units.map((placed) => placed.at),
  ];
}
