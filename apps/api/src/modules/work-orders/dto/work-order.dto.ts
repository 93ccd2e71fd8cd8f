import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsEnum,
  IsISO8601,
  IsOptional,
  IsUUID,
  Matches,
  ValidateNested,
} from 'class-validator';
import { DispatchStatus, Priority, type WorkOrder, WorkOrderStatus } from '@dispatch/domain';
import { PageOf, PageQuery } from '../../../core/http/pagination';
import { OptionalText, RequiredText, OptionalUuid } from '../../../core/http/dto-rules';

const OFFSET_DATE_TIME = /(Z|[+-]\d{2}:\d{2})$/;

export class TimeWindowDto {
  @ApiProperty({ format: 'date-time', example: '2026-11-23T08:00:00+13:00' })
  @IsISO8601({ strict: true })
  @Matches(OFFSET_DATE_TIME, { message: 'start must carry a time-zone offset' })
  start: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-23T12:00:00+13:00' })
  @IsISO8601({ strict: true })
  @Matches(OFFSET_DATE_TIME, { message: 'end must carry a time-zone offset' })
  end: string;
}

export class CreateWorkOrderDto {
  @RequiredText(200, 'Lift HVAC units onto roof')
  title: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  siteId: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  equipmentTypeId: string;

  @ApiProperty({ enum: Priority })
  @IsEnum(Priority)
  priority: Priority;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'Needed on top of what the equipment type requires',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  requiredQualificationIds?: string[];

  @ApiPropertyOptional({ type: TimeWindowDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => TimeWindowDto)
  window?: TimeWindowDto | null;

  @OptionalText(4000)
  notes?: string | null;

  @OptionalText(100, 'SAP-4711')
  externalRef?: string | null;
}

export class UpdateWorkOrderDto extends PartialType(
  OmitType(CreateWorkOrderDto, ['externalRef'] as const),
) {}

export class WorkOrderListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: WorkOrderStatus })
  @IsOptional()
  @IsEnum(WorkOrderStatus)
  status?: WorkOrderStatus;

  @ApiPropertyOptional({ enum: Priority })
  @IsOptional()
  @IsEnum(Priority)
  priority?: Priority;

  @OptionalUuid()
  siteId?: string;

  @OptionalUuid()
  equipmentTypeId?: string;

  @OptionalText(100)
  externalRef?: string;

  /** Matches title or number (e.g. `WO-000012`). */
  @OptionalText(200)
  q?: string;
}

export class TimeWindowView {
  @ApiProperty({ format: 'date-time' }) start: string;
  @ApiProperty({ format: 'date-time' }) end: string;
}

export class WorkOrderView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'WO-000012' }) number: string;
  @ApiProperty() title: string;
  @ApiProperty({ format: 'uuid' }) siteId: string;
  @ApiProperty({ format: 'uuid' }) equipmentTypeId: string;
  @ApiProperty({ enum: Priority }) priority: Priority;
  @ApiProperty({ type: [String], format: 'uuid' }) requiredQualificationIds: string[];
  @ApiProperty({ type: TimeWindowView, nullable: true }) window: TimeWindowView | null;
  @ApiProperty({ type: String, nullable: true }) notes: string | null;
  @ApiProperty({ type: String, nullable: true }) externalRef: string | null;
  @ApiProperty({ enum: WorkOrderStatus }) status: WorkOrderStatus;
  @ApiProperty({ description: 'Keycloak subject of the creator' }) createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) cancelledAt: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) completedAt: string | null;
}

export class BlockerView {
  @ApiProperty({
    enum: [
      'no_unit_of_type',
      'no_free_unit',
      'no_free_driver',
      'no_free_driver_with_qualification',
      'no_free_driver_with_all_qualifications',
    ],
  })
  code: string;

  @ApiProperty({ example: 'No free unit of type crane-50t (3 dispatched, 1 in maintenance)' })
  message: string;

  @ApiPropertyOptional({ format: 'uuid' }) equipmentTypeId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) qualificationId?: string;
  @ApiPropertyOptional({ type: [String], format: 'uuid' }) qualificationIds?: string[];
  @ApiPropertyOptional({
    enum: ['nobody_holds', 'held_only_by_busy_or_off_duty_drivers', 'expires_before_due'],
  })
  reason?: string;
}

export class DispatchSummary {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) equipmentId: string;
  @ApiProperty({ format: 'uuid' }) driverId: string;
  @ApiProperty({ enum: DispatchStatus }) status: DispatchStatus;
}

/** One work order with where it stands: its current dispatch, or what it is queued behind. */
export class WorkOrderDetailView extends WorkOrderView {
  @ApiPropertyOptional({
    type: DispatchSummary,
    description: 'The open (or last) dispatch of the order',
  })
  dispatch?: DispatchSummary;

  @ApiPropertyOptional({
    type: [BlockerView],
    description: 'For a queued order: what it is waiting for',
  })
  blockedBy?: BlockerView[];
}

export const WorkOrderPage = PageOf(WorkOrderView);

export function formatWorkOrderNumber(number: number): string {
  return `WO-${String(number).padStart(6, '0')}`;
}

export function toWorkOrderView(order: WorkOrder): WorkOrderView {
  return {
    id: order.id,
    number: formatWorkOrderNumber(order.number),
    title: order.title,
    siteId: order.siteId,
    equipmentTypeId: order.equipmentTypeId,
    priority: order.priority,
    requiredQualificationIds: (order.requiredQualifications ?? [])
      .map((required) => required.qualificationId)
      .sort(),
    window:
      order.windowStart && order.windowEnd
        ? { start: order.windowStart.toISOString(), end: order.windowEnd.toISOString() }
        : null,
    notes: order.notes,
    externalRef: order.externalRef,
    status: order.status,
    createdBy: order.createdBy,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
    cancelledAt: order.cancelledAt?.toISOString() ?? null,
    completedAt: order.completedAt?.toISOString() ?? null,
  };
}
