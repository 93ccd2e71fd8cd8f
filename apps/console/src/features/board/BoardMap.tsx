import type { DispatchView, SiteView } from '@dispatch/api-client';
import { divIcon } from 'leaflet';
import { useMemo } from 'react';
import { Marker, Polyline, Popup } from 'react-leaflet';
import { RouterAnchor } from '../../ui/links';
import { MapCanvas } from '../../ui/MapCanvas';
import {
  boardMapPoints,
  dispatchLines,
  type PlacedUnit,
  UNIT_STATE_LABEL,
  type UnitState,
} from './board-map-logic';
import { STEP_LABEL } from './board-logic';
import { WorkOrderLink } from './WorkOrderLink';

type PinKind = 'site' | UnitState;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]);
}

/**
 * A marker's icon: a shape that tells its kind apart without colour (a square site; a ring for a
 * free unit, a filled dot for a dispatched one, a diamond for one in maintenance), the name a screen
 * reader reads, and for units their code beside the shape.
 */
function pin(kind: PinKind, name: string, label?: string) {
  return divIcon({
    className: `map-pin map-pin--${kind}`,
    html: [
      '<span class="map-pin__shape" aria-hidden="true"></span>',
      `<span class="visually-hidden">${escapeHtml(name)}</span>`,
      label ? `<span class="map-pin__label" aria-hidden="true">${escapeHtml(label)}</span>` : '',
    ].join(''),
    iconSize: [18, 18],
    iconAnchor: [9, 9],
    popupAnchor: [0, -8],
  });
}

/** The map's key: the same shapes as on the map, in words. */
export function MapLegend() {
  const entries: [PinKind | 'line', string][] = [
    ['site', 'Site'],
    ['free', 'Free unit'],
    ['dispatched', 'Dispatched unit'],
    ['maintenance', 'Unit in maintenance'],
    ['line', 'Open dispatch: unit → site'],
  ];
  return (
    <ul className="map-legend" aria-label="Map legend">
      {entries.map(([kind, text]) => (
        <li key={kind}>
          <span className={`map-pin map-pin--${kind} map-legend__pin`} aria-hidden="true">
            <span className="map-pin__shape" />
          </span>
          {text}
        </li>
      ))}
    </ul>
  );
}

/**
 * The board's map: the tenant's sites, its units in service (free, dispatched, in maintenance) and
 * each open dispatch as a line from its unit to its site. Every marker is named for screen readers
 * and opens a note with links to the work orders concerned.
 */
export function BoardMap({
  sites,
  units,
  dispatches,
  siteOf,
  driverName,
}: {
  sites: readonly SiteView[];
  units: readonly PlacedUnit[];
  dispatches: readonly DispatchView[];
  /** The site of a work order, by the order's id (dispatches carry only the site's name). */
  siteOf: (workOrderId: string) => string | undefined;
  driverName: (driverId: string) => string;
}) {
  const sitesById = useMemo(() => new Map(sites.map((site) => [site.id, site])), [sites]);
  const lines = useMemo(
    () => dispatchLines(dispatches, units, sitesById, siteOf),
    [dispatches, units, sitesById, siteOf],
  );
  const points = useMemo(() => boardMapPoints(sites, units), [sites, units]);
  const openAt = (siteId: string) =>
    dispatches.filter((dispatch) => siteOf(dispatch.workOrderId) === siteId);
  return (
    <MapCanvas label="Map" points={points} fitPadding={48} testId="board-map">
      {lines.map((line) => (
        <Polyline
          key={line.dispatch.id}
          positions={[
            [line.from[0], line.from[1]],
            [line.to[0], line.to[1]],
          ]}
          interactive={false}
          pathOptions={{ color: '#1f3f99', weight: 2, dashArray: '6 5', opacity: 0.8 }}
        />
      ))}
      {sites.map((site) => (
        <SiteMarker key={site.id} site={site} open={openAt(site.id)} driverName={driverName} />
      ))}
      {units.map((placed) => (
        <UnitMarker
          key={placed.unit.id}
          placed={placed}
          dispatch={dispatches.find((dispatch) => dispatch.equipmentId === placed.unit.id)}
          driverName={driverName}
        />
      ))}
    </MapCanvas>
  );
}

function SiteMarker({
  site,
  open,
  driverName,
}: {
  site: SiteView;
  open: readonly DispatchView[];
  driverName: (driverId: string) => string;
}) {
  const icon = useMemo(() => pin('site', `Site ${site.name}`), [site.name]);
  return (
    <Marker
      position={[site.latitude, site.longitude]}
      icon={icon}
      title={`${site.name} — ${site.address}`}
    >
      <Popup>
        <strong>{site.name}</strong>
        <div className="muted">{site.address}</div>
        {open.length === 0 ? (
          <div>No open dispatch here.</div>
        ) : (
          <ul className="map-popup__list">
            {open.map((dispatch) => (
              <li key={dispatch.id}>
                <WorkOrderLink workOrderId={dispatch.workOrderId}>
                  {dispatch.workOrderNumber}
                </WorkOrderLink>{' '}
                {dispatch.equipmentCode} · {driverName(dispatch.driverId)} ·{' '}
                {STEP_LABEL[dispatch.status]}
              </li>
            ))}
          </ul>
        )}
      </Popup>
    </Marker>
  );
}

function UnitMarker({
  placed,
  dispatch,
  driverName,
}: {
  placed: PlacedUnit;
  dispatch?: DispatchView;
  driverName: (driverId: string) => string;
}) {
  const { unit, state, at } = placed;
  const icon = useMemo(
    () => pin(state, `Unit ${unit.code}, ${UNIT_STATE_LABEL[state]}`, unit.code),
    [state, unit.code],
  );
  return (
    <Marker
      position={[at[0], at[1]]}
      icon={icon}
      title={`${unit.code} · ${unit.name} (${UNIT_STATE_LABEL[state]})`}
      zIndexOffset={state === 'dispatched' ? 500 : 0}
    >
      <Popup>
        <strong>
          {unit.code} · {unit.name}
        </strong>
        <div className="muted">{UNIT_STATE_LABEL[state]}</div>
        <RouterAnchor to="/units/$unitId" params={{ unitId: unit.id }} size="sm">
          Open {unit.code}
        </RouterAnchor>
        {dispatch && (
          <div>
            <WorkOrderLink workOrderId={dispatch.workOrderId}>
              {dispatch.workOrderNumber}
            </WorkOrderLink>{' '}
            at {dispatch.siteName} with {driverName(dispatch.driverId)} ·{' '}
            {STEP_LABEL[dispatch.status]}
          </div>
        )}
      </Popup>
    </Marker>
  );
}
