import type { MigrationInterface } from 'typeorm';
import { InitialTenantSchema1795239257246 } from './1795239257246-InitialTenantSchema';
import { DriverActiveDispatch1795240672524 } from './1795240672524-DriverActiveDispatch';
import { AuditEventNotify1795242000000 } from './1795242000000-AuditEventNotify';
import { AuditTamperEvidence1795243000000 } from './1795243000000-AuditTamperEvidence';
import { ReportingHistory1795244000000 } from './1795244000000-ReportingHistory';
import { AuditActionIndex1795245000000 } from './1795245000000-AuditActionIndex';
import { ReportingTriggersWhenNeeded1795246000000 } from './1795246000000-ReportingTriggersWhenNeeded';
import { EventSpine1795247000000 } from './1795247000000-EventSpine';
import { CheaperBookingState1795248000000 } from './1795248000000-CheaperBookingState';
import { WebhooksAndIdempotency1795249000000 } from './1795249000000-WebhooksAndIdempotency';
import { ApiClients1795249200000 } from './1795249200000-ApiClients';
import { ExternalRefSync1795249400000 } from './1795249400000-ExternalRefSync';
import { IdempotencyClaimInstance1795249500000 } from './1795249500000-IdempotencyClaimInstance';
import { StableChangeXid1795249600000 } from './1795249600000-StableChangeXid';
import { ReplicaIdentityEverywhere1795249700000 } from './1795249700000-ReplicaIdentityEverywhere';
import { CompletionNoteAndSiteContact1795249800000 } from './1795249800000-CompletionNoteAndSiteContact';
import { AuditActorNameIndex1795249900000 } from './1795249900000-AuditActorNameIndex';

/** Applied, in this order, to every tenant schema. Append; never edit a released migration. */
export const TENANT_MIGRATIONS: (new () => MigrationInterface)[] = [
  InitialTenantSchema1795239257246,
  DriverActiveDispatch1795240672524,
  AuditEventNotify1795242000000,
  AuditTamperEvidence1795243000000,
  ReportingHistory1795244000000,
  AuditActionIndex1795245000000,
  ReportingTriggersWhenNeeded1795246000000,
  EventSpine1795247000000,
  CheaperBookingState1795248000000,
  WebhooksAndIdempotency1795249000000,
  ApiClients1795249200000,
  ExternalRefSync1795249400000,
  IdempotencyClaimInstance1795249500000,
  StableChangeXid1795249600000,
  ReplicaIdentityEverywhere1795249700000,
  CompletionNoteAndSiteContact1795249800000,
  AuditActorNameIndex1795249900000,
];
