import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsEnum,
  IsIn,
  IsLatitude,
  IsLongitude,
  IsNumber,
  IsOptional,
  IsUUID,
  Matches,
} from 'class-validator';
import { type Equipment, EquipmentStatus } from '@dispatch/domain';
import {
  PageOf,
  PageQuery,
  listSorting,
  SortParam,
  type SortOf,
} from '../../../core/http/pagination';
import { OptionalText, RequiredText, OptionalUuid } from '../../../core/http/dto-rules';
import { CODE_PATTERN } from '../../qualifications/dto/qualification.dto';

/** Statuses a person may set; `dispatched` is only ever set by dispatching. */
export const SETTABLE_EQUIPMENT_STATUSES = [
  EquipmentStatus.Available,
  EquipmentStatus.Maintenance,
  EquipmentStatus.Retired,
] as const;
export type SettableEquipmentStatus = (typeof SETTABLE_EQUIPMENT_STATUSES)[number];

export class CreateEquipmentDto {
  @RequiredText(50, 'CR-014')
  @Matches(CODE_PATTERN, { message: 'code may hold letters, digits, dot, dash and underscore' })
  code: string;

  @RequiredText(200, 'Liebherr LTM 1050')
  name: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  equipmentTypeId: string;

  @ApiPropertyOptional({ minimum: -90, maximum: 90, nullable: true, type: Number })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsLatitude()
  latitude?: number | null;

  @ApiPropertyOptional({ minimum: -180, maximum: 180, nullable: true, type: Number })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsLongitude()
  longitude?: number | null;
}

export class UpdateEquipmentDto extends PartialType(CreateEquipmentDto) {
  @ApiPropertyOptional({ enum: SETTABLE_EQUIPMENT_STATUSES })
  @IsOptional()
  @IsIn(SETTABLE_EQUIPMENT_STATUSES)
  status?: SettableEquipmentStatus;
}

export const EQUIPMENT_SORTING = listSorting(['code', 'name', 'status'], 'code');
export type EquipmentSort = SortOf<(typeof EQUIPMENT_SORTING.fields)[number]>;

export class EquipmentListQuery extends PageQuery {
  @SortParam(EQUIPMENT_SORTING)
  sort?: EquipmentSort;

  @ApiPropertyOptional({ enum: EquipmentStatus })
  @IsOptional()
  @IsEnum(EquipmentStatus)
  status?: EquipmentStatus;

  @OptionalUuid()
  equipmentTypeId?: string;

  /** Matches code or name. */
  @OptionalText(200)
  q?: string;
}

export class EquipmentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'uuid' }) equipmentTypeId: string;
  @ApiProperty({ enum: EquipmentStatus }) status: EquipmentStatus;
  @ApiProperty({ type: Number, nullable: true }) latitude: number | null;
  @ApiProperty({ type: Number, nullable: true }) longitude: number | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export const EquipmentPage = PageOf(EquipmentView);

export function toEquipmentView(unit: Equipment): EquipmentView {
  return {
    id: unit.id,
    code: unit.code,
    name: unit.name,
    equipmentTypeId: unit.equipmentTypeId,
    status: unit.status,
    latitude: unit.latitude,
    longitude: unit.longitude,
    createdAt: unit.createdAt.toISOString(),
    updatedAt: unit.updatedAt.toISOString(),
  };
}
