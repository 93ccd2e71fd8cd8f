import type { MigrationInterface } from 'typeorm';
import { InitialPlatformSchema1795239259356 } from './1795239259356-InitialPlatformSchema';
import { ApiRole1795247000001 } from './1795247000001-ApiRole';
import { RateLimits1795249300000 } from './1795249300000-RateLimits';

/** Applied, in this order, to the shared platform schema. Append; never edit a released migration. */
export const PLATFORM_MIGRATIONS: (new () => MigrationInterface)[] = [
  InitialPlatformSchema1795239259356,
  ApiRole1795247000001,
  RateLimits1795249300000,
];
