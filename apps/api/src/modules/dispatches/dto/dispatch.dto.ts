import type { MovedDispatchRow } from '../../dispatch-engine/dispatch-engine.service';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { type Dispatch, DispatchStatus } from '@dispatch/domain';
import { PageOf, PageQuery } from '../../../core/http/pagination';
import { OptionalUuid } from '../../../core/http/dto-rules';

export class CreateDispatchDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  workOrderId: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  equipmentId: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  driverId: string;
}

export class ReassignDispatchDto {
  @OptionalUuid()
  equipmentId?: string;

  @OptionalUuid()
  driverId?: string;
}

const TARGETS = [
  DispatchStatus.Acknowledged,
  DispatchStatus.EnRoute,
  DispatchStatus.OnSite,
  DispatchStatus.Completed,
  DispatchStatus.Cancelled,
] as const;

export class TransitionDto {
  @ApiProperty({ enum: TARGETS })
  @IsIn(TARGETS)
  to: (typeof TARGETS)[number];
}

export class DispatchListQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: [...Object.values(DispatchStatus), 'open'],
    description: '`open`: any step before completed or cancelled',
  })
  @IsOptional()
  @IsIn([...Object.values(DispatchStatus), 'open'])
  status?: DispatchStatus | 'open';

  @OptionalUuid()
  workOrderId?: string;

  @OptionalUuid()
  equipmentId?: string;

  @OptionalUuid()
  driverId?: string;
}

export class DispatchView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) workOrderId: string;
  @ApiProperty({ format: 'uuid' }) equipmentId: string;
  @ApiProperty({
    description: 'Code of the unit (drivers may not read equipment, but must know their unit)',
  })
  equipmentCode: string;
  @ApiProperty() equipmentName: string;
  @ApiProperty({ format: 'uuid' }) driverId: string;
  @ApiProperty({ enum: DispatchStatus }) status: DispatchStatus;
  @ApiProperty({ description: 'Keycloak subject of the dispatcher, or `auto`' })
  dispatchedBy: string;
  @ApiProperty({ format: 'date-time' }) assignedAt: string;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) acknowledgedAt: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) enRouteAt: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) onSiteAt: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) completedAt: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) cancelledAt: string | null;
}

export const DispatchPage = PageOf(DispatchView);

export class DispatchConflict {
  @ApiProperty({ example: 'driverId' }) field: string;
  @ApiProperty({ example: 'missing_qualification' }) code: string;
  @ApiProperty() message: string;
}

export function toDispatchView(dispatch: Dispatch): DispatchView {
  const iso = (value: Date | null) => value?.toISOString() ?? null;
  return {
    id: dispatch.id,
    workOrderId: dispatch.workOrderId,
    equipmentId: dispatch.equipmentId,
    equipmentCode: dispatch.equipment?.code ?? '',
    equipmentName: dispatch.equipment?.name ?? '',
    driverId: dispatch.driverId,
    status: dispatch.status,
    dispatchedBy: dispatch.dispatchedBy,
    assignedAt: dispatch.assignedAt.toISOString(),
    acknowledgedAt: iso(dispatch.acknowledgedAt),
    enRouteAt: iso(dispatch.enRouteAt),
    onSiteAt: iso(dispatch.onSiteAt),
    completedAt: iso(dispatch.completedAt),
    cancelledAt: iso(dispatch.cancelledAt),
  };
}

/** The same view from a dispatch row as the engine's statements return it. */
export function toDispatchViewFromRow(row: MovedDispatchRow): DispatchView {
  const iso = (value: Date | null) => (value ? new Date(value).toISOString() : null);
  return {
    id: row.id,
    workOrderId: row.work_order_id,
    equipmentId: row.equipment_id,
    equipmentCode: row.unit_code,
    equipmentName: row.unit_name,
    driverId: row.driver_id,
    status: row.status,
    dispatchedBy: row.dispatched_by,
    assignedAt: new Date(row.assigned_at).toISOString(),
    acknowledgedAt: iso(row.acknowledged_at),
    enRouteAt: iso(row.en_route_at),
    onSiteAt: iso(row.on_site_at),
    completedAt: iso(row.completed_at),
    cancelledAt: iso(row.cancelled_at),
  };
}

export class CandidatesQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  workOrderId: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'When re-assigning: the open dispatch whose unit and driver are being replaced',
  })
  @IsOptional()
  @IsUUID('all')
  dispatchId?: string;
}

export class UnitCandidate {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty() status: string;
  @ApiProperty({ type: Number, nullable: true }) distanceKm: number | null;
  @ApiProperty({ type: [DispatchConflict], description: 'Empty when the unit can take the order' })
  conflicts: DispatchConflict[];
}

export class DriverCandidate {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() dutyStatus: string;
  @ApiProperty({
    type: [DispatchConflict],
    description: 'Empty when the driver can take the order',
  })
  conflicts: DispatchConflict[];
}

export class Candidates {
  @ApiProperty({ type: [UnitCandidate] }) units: UnitCandidate[];
  @ApiProperty({ type: [DriverCandidate] }) drivers: DriverCandidate[];
}
