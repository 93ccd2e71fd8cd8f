import 'leaflet/dist/leaflet.css';
import './map-canvas.css';
import {
  createLeafletContext,
  LeafletContext,
  type LeafletContextInterface,
} from '@react-leaflet/core';
import { latLngBounds, Map as LeafletMap, svg } from 'leaflet';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { TileLayer } from 'react-leaflet';
import { config } from '../config';

/** A place on the map: latitude, longitude (WGS 84). */
export type MapPoint = readonly [latitude: number, longitude: number];

/** Where a map with nothing on it looks (the middle of the contiguous US, at a country's scale). */
const NOWHERE: MapPoint = [39.5, -98.35];
const NOWHERE_ZOOM = 4;
/** Room Leaflet's zoom buttons take at the map's left edge, in pixels. */
const ZOOM_CONTROL_WIDTH = 40;

export interface MapCanvasProps {
  /** The map's accessible name: it is a region of this name ("Map"). */
  label: string;
  /**
   * What the map shows: it is fitted to these whenever they change (a single point at `maxZoom`),
   * and to `fallback` when there is none.
   */
  points: readonly MapPoint[];
  /** Where to look when there is no point. */
  fallback?: MapPoint;
  /** The closest zoom fitting goes to. */
  maxZoom?: number;
  /** Room in pixels kept around the fitted points (for labels beside the markers). */
  fitPadding?: number;
  className?: string;
  testId?: string;
  /** Layers (react-leaflet markers, lines, map event hooks) drawn on the map. */
  children?: ReactNode;
}

/**
 * A Leaflet map with the deployment's tiles (VITE_MAP_TILE_URL), or on a plain background when none
 * is configured: then it asks nothing of any server, so it works offline and in the tests. The map
 * is a named region; its layers come as react-leaflet children.
 *
 * The Leaflet map is created and removed by an effect (not react-leaflet's MapContainer, which
 * removes its map for good in React's strict-mode double mount), so it survives a remount.
 */
export function MapCanvas({
  label,
  points,
  fallback = NOWHERE,
  maxZoom = 14,
  fitPadding = 32,
  className,
  testId,
  children,
}: MapCanvasProps) {
  const container = useRef<HTMLDivElement>(null);
  const [context, setContext] = useState<LeafletContextInterface | null>(null);
  /** Fits the view to the current points again (after the map's box changed size). */
  const refit = useRef<() => void>(() => undefined);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const map = new LeafletMap(element, {
      center: [fallback[0], fallback[1]],
      zoom: NOWHERE_ZOOM,
      // Drawn exactly over the map's box: Leaflet's default margin would reach past it.
      renderer: svg({ padding: 0 }),
      attributionControl: Boolean(config.mapTileUrl),
      zoomSnap: 0.25,
    });
    // The attribution's own "Leaflet" link and flag are not needed beside the tile source's.
    map.attributionControl?.setPrefix(false);
    setContext(createLeafletContext(map));
    // The box may change size with the page around it (a panel laid out, a dialog opened, a phone
    // turned): the map takes its new size and shows its points again.
    const resized = new ResizeObserver(() => {
      map.invalidateSize();
      refit.current();
    });
    resized.observe(element);
    return () => {
      resized.disconnect();
      setContext(null);
      map.remove();
    };
    // The map is made once (its first `fallback` is only where it starts); what it shows follows
    // its props below.
  }, []);

  const fitKey = JSON.stringify(points.length > 0 ? points : [fallback]);
  useEffect(() => {
    const map = context?.map;
    if (!map) return;
    const shown = JSON.parse(fitKey) as [number, number][];
    refit.current = () => {
      // A box without a size yet has no zoom to fit: it is fitted once it is laid out.
      if (map.getSize().x === 0 || map.getSize().y === 0) return;
      if (shown.length === 1 && points.length === 0) map.setView(shown[0], NOWHERE_ZOOM);
      else
        map.fitBounds(latLngBounds(shown), {
          // The zoom buttons take the top left corner: nothing is fitted beneath them.
          paddingTopLeft: [fitPadding + ZOOM_CONTROL_WIDTH, fitPadding],
          paddingBottomRight: [fitPadding, fitPadding],
          maxZoom,
          animate: false,
        });
    };
    refit.current();
    // `points` is read through its key: a new array with the same places keeps the view.
  }, [context, fitKey, fitPadding, maxZoom]);

  return (
    <div
      role="region"
      aria-label={label}
      className={['map-canvas', className].filter(Boolean).join(' ')}
      data-testid={testId}
      data-tiles={config.mapTileUrl ? 'configured' : 'none'}
      // Escape closes an open popup wherever the focus is inside (Leaflet listens only while the
      // map itself is focused, not a marker).
      onKeyDown={(event) => {
        if (event.key === 'Escape') context?.map.closePopup();
      }}
    >
      <div ref={container} className="map-canvas__map">
        {context && (
          <LeafletContext value={context}>
            {config.mapTileUrl && (
              <TileLayer url={config.mapTileUrl} attribution={config.mapAttribution} />
            )}
            {children}
          </LeafletContext>
        )}
      </div>
    </div>
  );
}
