import { getDriversMeQueryKey, useDriversMe } from '@dispatch/api-client';

/**
 * The name of the signed-in driver as the organization knows them (their driver profile), for the
 * header of a driver's page; undefined until it is known, for a user without a profile, or when
 * `enabled` is false (a user who does not drive: no request is made). Shares the cache of the
 * driver page's own profile query.
 */
export function useOwnDriverName(enabled: boolean): string | undefined {
  const me = useDriversMe({
    query: {
      queryKey: getDriversMeQueryKey(),
      enabled,
      select: (driver) => driver.name,
    },
  });
  return me.data;
}
