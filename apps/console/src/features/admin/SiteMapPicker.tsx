import { CircleMarker, useMapEvents } from 'react-leaflet';
import { MapCanvas, type MapPoint } from '../../ui/MapCanvas';

/** Five decimals of a degree: about a metre, finer than a site needs. */
const roundCoordinate = (value: number) => Math.round(value * 100_000) / 100_000;

/** Hands a click on the map over as a place. */
function ClickToPlace({ onPick }: { onPick: (latitude: number, longitude: number) => void }) {
  useMapEvents({
    click: (event) => onPick(roundCoordinate(event.latlng.lat), roundCoordinate(event.latlng.lng)),
  });
  return null;
}

/**
 * A small map on which a click places the site (its latitude and longitude follow): the site's
 * marker in blue, the organization's other sites in grey for orientation. The view is fitted to
 * where the site was when the dialog opened (or to the other sites), not to each click.
 */
export function SiteMapPicker({
  place,
  initial,
  others,
  onPick,
}: {
  place: MapPoint | undefined;
  initial: MapPoint | undefined;
  others: readonly MapPoint[];
  onPick: (latitude: number, longitude: number) => void;
}) {
  return (
    <div className="site-map">
      <MapCanvas
        label="Site on the map"
        testId="site-map"
        points={initial ? [initial] : others}
        maxZoom={initial ? 13 : 10}
      >
        {others.map((point) => (
          <CircleMarker
            key={point.join()}
            center={[point[0], point[1]]}
            radius={5}
            interactive={false}
            pathOptions={{ color: '#868e96', fillOpacity: 0.5, weight: 1 }}
          />
        ))}
        {place && (
          <CircleMarker
            center={[place[0], place[1]]}
            interactive={false}
            radius={9}
            pathOptions={{
              color: '#1c7ed6',
              fillColor: '#339af0',
              fillOpacity: 0.9,
              weight: 2,
              className: 'site-map__place',
            }}
          />
        )}
        <ClickToPlace onPick={onPick} />
      </MapCanvas>
    </div>
  );
}
