/** Mean earth radius used for distances, as in `distanceKmSql`. */
export const EARTH_RADIUS_KM = 6371;

export interface GeoPoint {
  latitude: number;
  longitude: number;
}

export interface MaybeGeoPoint {
  latitude: number | null;
  longitude: number | null;
}

const radians = (degrees: number) => (degrees * Math.PI) / 180;

/**
 * Great-circle (haversine) distance in km between two points: the rule `distanceKmSql` applies in
 * SQL (from a unit to an order's site), for one pair at a time. `null` when a position is unknown,
 * as the SQL gives NULL for a unit without one.
 */
export function distanceKm(a: GeoPoint, b: GeoPoint): number;
export function distanceKm(a: MaybeGeoPoint, b: MaybeGeoPoint): number | null;
export function distanceKm(a: MaybeGeoPoint, b: MaybeGeoPoint): number | null {
  if (a.latitude === null || a.longitude === null || b.latitude === null || b.longitude === null)
    return null;
  const dLat = radians(b.latitude - a.latitude);
  const dLon = radians(b.longitude - a.longitude);
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(radians(a.latitude)) * Math.cos(radians(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(h));
}
