import { keepPreviousData } from '@tanstack/react-query';

/**
 * How the reports are fetched: the last figures stay on screen while new filters load, and the
 * live stream does not re-run these heavier queries on every change (`meta.live`, see
 * useLiveUpdates) — they say when they were made, and the page has a refresh button.
 */
export const REPORT_QUERY = {
  placeholderData: keepPreviousData,
  meta: { live: false },
  staleTime: 60_000,
} as const;
