import { distanceKm } from './distance';

/** Reference values computed by PostgreSQL with `distanceKmSql` (unit first, then the point). */
const FROM_SQL: [unit: [number, number], point: [number, number], km: number][] = [
  [[52.52, 13.405], [48.1374, 11.5755], 504.2856686856301], // Berlin → Munich
  [[52.5163, 13.3777], [52.5251, 13.3694], 1.1282090596982897], // across Berlin's centre
  [[0, 0], [0, 180], 20015.086796020572], // half the equator
  [[-33.8688, 151.2093], [51.5074, -0.1278], 16993.933459795906], // Sydney → London
];

const at = ([latitude, longitude]: [number, number]) => ({ latitude, longitude });

describe('distanceKm', () => {
  it('gives the great-circle distance distanceKmSql gives, with an earth radius of 6371 km', () => {
    for (const [unit, point, km] of FROM_SQL) {
      expect(distanceKm(at(unit), at(point))).toBeCloseTo(km, 9);
      expect(distanceKm(at(point), at(unit))).toBeCloseTo(km, 9);
    }
  });

  it('is zero from a point to itself', () => {
    expect(distanceKm(at([52.52, 13.405]), at([52.52, 13.405]))).toBe(0);
  });

  it('is unknown (null) when a position is, as in SQL', () => {
    expect(distanceKm({ latitude: null, longitude: 13.4 }, at([52.5, 13.4]))).toBeNull();
    expect(distanceKm(at([52.5, 13.4]), { latitude: 52.5, longitude: null })).toBeNull();
  });
});
