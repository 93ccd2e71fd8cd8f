import { API_CLIENT_ROLES, ApiClient, type ApiClientRole } from './api-client.entity';
import { AuditEvent } from './audit-event.entity';
import { Dispatch } from './dispatch.entity';
import { DriverQualification } from './driver-qualification.entity';
import { Driver } from './driver.entity';
import { EquipmentType } from './equipment-type.entity';
import { Equipment } from './equipment.entity';
import { Organization } from './organization.entity';
import { Qualification } from './qualification.entity';
import {
  EquipmentTypeRequiredQualification,
  WorkOrderRequiredQualification,
} from './required-qualification.entities';
import { Site } from './site.entity';
import { WorkOrder } from './work-order.entity';

export {
  API_CLIENT_ROLES,
  ApiClient,
  type ApiClientRole,
  AuditEvent,
  Dispatch,
  Driver,
  DriverQualification,
  Equipment,
  EquipmentType,
  EquipmentTypeRequiredQualification,
  Organization,
  Qualification,
  Site,
  WorkOrder,
  WorkOrderRequiredQualification,
};

/** Entities stored in every tenant's own schema. */
export const TENANT_ENTITIES = [
  Site,
  Qualification,
  EquipmentType,
  EquipmentTypeRequiredQualification,
  Equipment,
  Driver,
  DriverQualification,
  WorkOrder,
  WorkOrderRequiredQualification,
  Dispatch,
  AuditEvent,
  ApiClient,
];

/** Entities stored in the shared platform schema. */
export const PLATFORM_ENTITIES = [Organization];
