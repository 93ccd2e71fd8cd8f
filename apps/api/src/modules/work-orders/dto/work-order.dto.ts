import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsEnum,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { DispatchStatus, Priority, type WorkOrder, WorkOrderStatus } from '@dispatch/domain';
import { PageOf, PageQuery } from '../../../core/http/pagination';
import { OptionalText, RequiredText, OptionalUuid } from '../../../core/http/dto-rules';
import { NotTogetherWith, OptionalExternalRef } from '../../../core/http/external-ref';

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

  @ApiPropertyOptional({ format: 'uuid', description: 'The site; or name it by siteExternalRef' })
  @ValidateIf((order: CreateWorkOrderDto) => order.siteExternalRef == null)
  @IsDefined({ message: 'siteId or siteExternalRef is required' })
  @IsUUID('all')
  siteId?: string;

  @OptionalExternalRef('The site by its externalRef, instead of siteId')
  @NotTogetherWith('siteId')
  siteExternalRef?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The equipment type; or name it by equipmentTypeExternalRef',
  })
  @ValidateIf((order: CreateWorkOrderDto) => order.equipmentTypeExternalRef == null)
  @IsDefined({ message: 'equipmentTypeId or equipmentTypeExternalRef is required' })
  @IsUUID('all')
  equipmentTypeId?: string;

  @OptionalExternalRef('The equipment type by its externalRef, instead of equipmentTypeId')
  @NotTogetherWith('equipmentTypeId')
  equipmentTypeExternalRef?: string;

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

  @OptionalExternalRef(
    "The order's key in your ERP: unique among the open (queued or dispatched) orders, free again once the order is completed or cancelled",
  )
  externalRef?: string | null;
}

/**
 * `PUT /work-orders/by-external-ref/{externalRef}`: the whole order as the ERP has it (the key is
 * in the path). Creates it, or replaces the open order's fields: what is left out is cleared
 * (no window, no notes, no extra qualifications).
 */
export class PutWorkOrderDto extends OmitType(CreateWorkOrderDto, ['externalRef'] as const) {}

export class UpdateWorkOrderDto extends PartialType(
  OmitType(CreateWorkOrderDto, ['externalRef'] as const),
) {}

export const WORK_ORDER_SORTS = ['createdAt', 'updatedAt'] as const;

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

  @OptionalExternalRef()
  externalRef?: string;

  /** Matches title or number (e.g. `WO-000012`). */
  @OptionalText(200)
  q?: string;

  @ApiPropertyOptional({
    enum: WORK_ORDER_SORTS,
    default: 'createdAt',
    description: [
      '`createdAt` (default): newest first, paged by `limit` and `offset`, answered as a WorkOrderPage.',
      '',
      '`updatedAt`: the change feed for incremental sync, answered as a WorkOrderChangePage and paged',
      'by `cursor`. Orders come in the order their changes committed, which follows `updatedAt` to',
      "within a transaction's length (`updatedAt` is when the changing transaction started). An order",
      'changed again later comes again later, with its new state. A change appears once every',
      'transaction that was running when it committed has ended, and from then on it is never',
      'behind a cursor already handed out: resuming from the last `nextCursor` misses nothing.',
    ].join('\n'),
  })
  @IsOptional()
  @IsIn(WORK_ORDER_SORTS)
  sort?: (typeof WORK_ORDER_SORTS)[number];

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-11-23T08:00:00Z',
    description:
      'With sort=updatedAt: where a new walk starts (changes of orders with updatedAt at or after it); ignored once a cursor is given. Without: a filter. Encode a `+` offset as %2B.',
  })
  @IsOptional()
  // An unencoded `+` of the offset arrives as a space.
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.replace(/ (\d{2}:\d{2})$/, '+$1') : value,
  )
  @IsISO8601({ strict: true })
  @Matches(OFFSET_DATE_TIME, { message: 'updatedSince must carry a time-zone offset' })
  updatedSince?: string;

  @ApiPropertyOptional({
    description:
      'With sort=updatedAt: the nextCursor of the previous page, to continue the walk (opaque; keep it to resume later)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a nextCursor this API handed out' })
  cursor?: string;
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

/** A page of the change feed (`sort=updatedAt`). */
export class WorkOrderChangePage {
  @ApiProperty({
    type: [WorkOrderView],
    description:
      "Orders in the order their changes committed (which follows updatedAt to within a transaction's length); an order changed again later comes again later",
  })
  items: WorkOrderView[];

  @ApiProperty({
    description:
      'Pass as cursor to continue; never null: once caught up, keep it and ask again later for what changed since',
  })
  nextCursor: string;

  @ApiProperty({
    description: 'More changes are ready now: ask again with nextCursor at once (else: caught up)',
  })
  hasMore: boolean;

  @ApiProperty()
  limit: number;
}

/** Where a work order is read: the `Location` of an order a PUT created, the link of a 409. */
export function workOrderLocation(id: string): string {
  return `/api/v1/work-orders/${id}`;
}

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
