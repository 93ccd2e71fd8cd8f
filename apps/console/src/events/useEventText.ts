import {
  type EquipmentTypePage,
  getEquipmentTypesListQueryKey,
  getSitesListQueryKey,
  type SitePage,
} from '@dispatch/api-client';
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useAllEquipmentTypes, useAllSites } from '../features/records/whole-lists';
import type { EventTextContext } from './event-text';

/** A record's name by id, from every page of a list the query cache holds. */
function nameIn<T extends { id: string; name: string }>(
  client: QueryClient,
  key: readonly unknown[],
): (id: string) => string | undefined {
  return (id) => {
    for (const [, page] of client.getQueriesData<{ items: T[] }>({ queryKey: key })) {
      const found = page?.items?.find((item) => item.id === id);
      if (found) return found.name;
    }
    return undefined;
  };
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * What the event texts need to name sites and equipment types (payloads give them by id): the
 * lists are read once and shared with the rest of the console; until they arrive, or for a record
 * since deleted, the text says a short code.
 */
export function useEventTextContext(withinWorkOrder = false): EventTextContext {
  const client = useQueryClient();
  // The same whole lists (and so the same cache entries) the forms and the report filters read.
  const sites = useAllSites();
  const types = useAllEquipmentTypes();
  return useMemo(
    () => ({
      time: (iso: string) => timeFormat.format(new Date(iso)),
      siteName: nameIn<SitePage['items'][number]>(client, getSitesListQueryKey()),
      equipmentTypeName: nameIn<EquipmentTypePage['items'][number]>(
        client,
        getEquipmentTypesListQueryKey(),
      ),
      withinWorkOrder,
    }),
    // The lists' answers are what the names come from: a new answer, a new context.
    [client, sites.dataUpdatedAt, types.dataUpdatedAt, withinWorkOrder],
  );
}
