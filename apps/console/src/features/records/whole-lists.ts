import {
  type DispatchesListParams,
  dispatchesList,
  driversList,
  equipmentList,
  equipmentTypesList,
  getDispatchesListQueryKey,
  getDriversListQueryKey,
  getEquipmentListQueryKey,
  getEquipmentTypesListQueryKey,
  getQualificationsListQueryKey,
  getQueueListQueryKey,
  getSitesListQueryKey,
  getWebhooksListQueryKey,
  getWorkOrdersListQueryKey,
  qualificationsList,
  queueList,
  sitesList,
  useDispatchesList,
  useDriversList,
  useEquipmentList,
  useEquipmentTypesList,
  useQualificationsList,
  useQueueList,
  useSitesList,
  useWebhooksList,
  useWorkOrdersList,
  type WebhookPage,
  webhooksList,
  type WorkOrdersListParams,
  workOrdersList,
} from '@dispatch/api-client';
import type { UseQueryOptions } from '@tanstack/react-query';
import { wholeList } from '../../ui/whole-list';

/*
 * Lists the console needs whole, however long (the board's map and columns, the choices of a
 * form's select, the names an event text uses), read page after page. They share their cache
 * entries wherever they are used, and the live updates patch them like any page of the list.
 */

const NONE = {} as const;

export const useAllSites = () =>
  useSitesList(NONE, wholeList(sitesList, getSitesListQueryKey, NONE));

export const useAllEquipmentTypes = () =>
  useEquipmentTypesList(NONE, wholeList(equipmentTypesList, getEquipmentTypesListQueryKey, NONE));

export const useAllQualifications = () =>
  useQualificationsList(NONE, wholeList(qualificationsList, getQualificationsListQueryKey, NONE));

export const useAllUnits = () =>
  useEquipmentList(NONE, wholeList(equipmentList, getEquipmentListQueryKey, NONE));

export const useAllDrivers = () =>
  useDriversList(NONE, wholeList(driversList, getDriversListQueryKey, NONE));

/** The whole queue, in the order the engine serves it. */
export const useWholeQueue = () =>
  useQueueList(NONE, wholeList(queueList, getQueueListQueryKey, NONE));

export const useAllDispatches = (params: DispatchesListParams) =>
  useDispatchesList(params, wholeList(dispatchesList, getDispatchesListQueryKey, params));

/** Work orders by their filters, newest first (never the change feed, which `sort` asks for). */
export const useAllWorkOrders = (params: Omit<WorkOrdersListParams, 'sort' | 'cursor'>) =>
  useWorkOrdersList(params, wholeList(workOrdersList, getWorkOrdersListQueryKey, params));

/** The webhook endpoints, read again every `refetchInterval` when it says so (deliveries pending). */
export const useAllWebhooks = (refetchInterval?: UseQueryOptions<WebhookPage>['refetchInterval']) =>
  useWebhooksList(NONE, {
    query: { ...wholeList(webhooksList, getWebhooksListQueryKey, NONE).query, refetchInterval },
  });
