import { ApiClient, createdId, tokenFor } from '@dispatch/testing';

/** The API the global setup started, as a tenant's admin: how each suite seeds its own world. */
export async function adminApi(tenant: 'acme' | 'globex' = 'acme'): Promise<ApiClient> {
  const url = process.env.E2E_API_URL;
  if (!url) throw new Error('E2E_API_URL is not set: run the suite through its jest config');
  // A browser suite's event loop stalls while Jest compiles the next one: no connection is kept
  // for it to find closed afterwards.
  return new ApiClient(`${url}/api/v1`, await tokenFor(tenant, 'admin'), {
    freshConnections: true,
  });
}

export interface SiteSeed {
  name: string;
  address: string;
  latitude: number;
  longitude: number;
  contactName?: string;
  contactPhone?: string;
}

export interface EquipmentTypeSeed {
  code: string;
  name: string;
  requiredQualificationIds?: string[];
}

/** A unit of the seeded equipment type. */
export interface UnitSeed {
  code: string;
  name: string;
  latitude: number;
  longitude: number;
}

export interface DriverSeed {
  name: string;
  username?: string;
  dutyStatus: 'on_duty' | 'off_duty';
  qualifications: { qualificationId: string; expiresAt: string }[];
}

export interface WorldSeed {
  site?: SiteSeed;
  type?: EquipmentTypeSeed;
  unit?: UnitSeed;
  driver?: DriverSeed;
}

/** The ids of what `seedWorld` created, by the names of its parts. */
export type SeededWorld = Partial<Record<keyof WorldSeed, string>>;

/**
 * Creates what a suite works with, in the order the records need each other: a site, an equipment
 * type, a unit of that type, a driver. Any failure stops the suite's setup loudly.
 */
export async function seedWorld(api: ApiClient, seed: WorldSeed): Promise<SeededWorld> {
  const world: SeededWorld = {};
  if (seed.site) world.site = await createdId(api.post('/sites', seed.site));
  if (seed.type) world.type = await createdId(api.post('/equipment-types', seed.type));
  if (seed.unit) {
    if (!world.type) throw new Error('seedWorld: a unit needs the type seeded with it');
    world.unit = await createdId(
      api.post('/equipment', { ...seed.unit, equipmentTypeId: world.type }),
    );
  }
  if (seed.driver) world.driver = await createdId(api.post('/drivers', seed.driver));
  return world;
}
