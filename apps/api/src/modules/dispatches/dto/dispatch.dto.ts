import type { MovedDispatchRow } from '../../dispatch-engine/dispatch-engine.service';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateBy,
} from 'class-validator';
import { COMPLETION_NOTE_MAX_LENGTH, type Dispatch, DispatchStatus } from '@dispatch/domain';
import {
  PageOf,
  PageQuery,
  listSorting,
  SortParam,
  type SortOf,
} from '../../../core/http/pagination';
import { OptionalUuid, trim } from '../../../core/http/dto-rules';
import { formatWorkOrderNumber } from '../../work-orders/dto/work-order.dto';

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

/** A completion note goes only with `to: completed` (a note on another step is a 400). */
function OnlyWhenCompleting(): PropertyDecorator {
  return ValidateBy({
    name: 'onlyWhenCompleting',
    validator: {
      validate: (value: unknown, args) =>
        value === undefined ||
        value === null ||
        (args?.object as Partial<TransitionDto> | undefined)?.to === DispatchStatus.Completed,
      defaultMessage: () => 'note may be sent only with to: completed',
    },
  });
}

export class TransitionDto {
  @ApiProperty({ enum: TARGETS })
  @IsIn(TARGETS)
  to: (typeof TARGETS)[number];

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: COMPLETION_NOTE_MAX_LENGTH,
    example: 'Gate was locked; key left with the site office',
    description:
      'Only with `to: completed`: what the driver reports on finishing (trimmed; empty means none)',
  })
  @Transform(trim)
  @OnlyWhenCompleting()
  @IsOptional()
  @IsString()
  @MaxLength(COMPLETION_NOTE_MAX_LENGTH)
  note?: string | null;
}

export const DISPATCH_SORTING = listSorting(
  ['assignedAt', 'status', 'site', 'unit'],
  '-assignedAt',
);
export type DispatchSort = SortOf<(typeof DISPATCH_SORTING.fields)[number]>;

export class DispatchListQuery extends PageQuery {
  @SortParam(DISPATCH_SORTING)
  sort?: DispatchSort;

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

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-12-02T00:00:00+01:00',
    description:
      'Only dispatches open at some moment at or after this time: still open, or completed or cancelled since (a day of work: the start of the day). Encode a `+` offset as %2B.',
  })
  @IsOptional()
  // An unencoded `+` of the offset arrives as a space.
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.replace(/ (\d{2}:\d{2})$/, '+$1') : value,
  )
  @IsISO8601({ strict: true })
  @Matches(/(Z|[+-]\d{2}:\d{2})$/, { message: 'activeSince must carry a time-zone offset' })
  activeSince?: string;
}

export class DispatchView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) workOrderId: string;
  @ApiProperty({ example: 'WO-000012', description: 'Number of the work order' })
  workOrderNumber: string;
  @ApiProperty({ description: 'Title of the work order' }) workOrderTitle: string;
  @ApiProperty({ description: 'Name of the work order’s site' }) siteName: string;
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
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'What the driver (or dispatcher) wrote on completing the job',
  })
  completionNote: string | null;
}

export const DispatchPage = PageOf(DispatchView);

export class DispatchConflict {
  @ApiProperty({ example: 'driverId' }) field: string;
  @ApiProperty({ example: 'missing_qualification' }) code: string;
  @ApiProperty() message: string;
}

/** What a dispatch view reads beside the dispatch: its unit, and its order with the site. */
export const DISPATCH_VIEW_RELATIONS = { equipment: true, workOrder: { site: true } } as const;

/** A dispatch loaded with `DISPATCH_VIEW_RELATIONS`, as the view. */
export function toDispatchView(dispatch: Dispatch): DispatchView {
  const iso = (value: Date | null) => value?.toISOString() ?? null;
  const order = dispatch.workOrder;
  return {
    id: dispatch.id,
    workOrderId: dispatch.workOrderId,
    workOrderNumber: order ? formatWorkOrderNumber(order.number) : '',
    workOrderTitle: order?.title ?? '',
    siteName: order?.site?.name ?? '',
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
    completionNote: dispatch.completionNote,
  };
}

/** The same view from a dispatch row as the engine's statements return it. */
export function toDispatchViewFromRow(row: MovedDispatchRow): DispatchView {
  const iso = (value: Date | null) => (value ? new Date(value).toISOString() : null);
  return {
    id: row.id,
    workOrderId: row.work_order_id,
    workOrderNumber: formatWorkOrderNumber(row.number),
    workOrderTitle: row.work_order_title,
    siteName: row.site_name,
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
    completionNote: row.completion_note,
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
