import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, IsUUID, Matches } from 'class-validator';
import type { EquipmentType, Qualification } from '@dispatch/domain';
import {
  PageOf,
  PageQuery,
  listSorting,
  SortParam,
  type SortOf,
} from '../../../core/http/pagination';
import { OptionalText, RequiredText } from '../../../core/http/dto-rules';
import { OptionalExternalRef } from '../../../core/http/external-ref';
import { CODE_PATTERN } from '../../qualifications/dto/qualification.dto';

export class CreateEquipmentTypeDto {
  @RequiredText(50, 'crane-50t')
  @Matches(CODE_PATTERN, { message: 'code may hold letters, digits, dot, dash and underscore' })
  code: string;

  @RequiredText(200, 'Mobile crane, 50 t')
  name: string;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'Qualifications every driver of this type must hold',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  requiredQualificationIds?: string[];

  @OptionalExternalRef("The type's key in your ERP (unique): work orders may name the type by it")
  externalRef?: string | null;
}

export class UpdateEquipmentTypeDto extends PartialType(CreateEquipmentTypeDto) {}

export const EQUIPMENT_TYPE_SORTING = listSorting(['code', 'name'], 'code');
export type EquipmentTypeSort = SortOf<(typeof EQUIPMENT_TYPE_SORTING.fields)[number]>;

export class EquipmentTypeListQuery extends PageQuery {
  @SortParam(EQUIPMENT_TYPE_SORTING)
  sort?: EquipmentTypeSort;

  /** Matches code or name. */
  @OptionalText(200)
  q?: string;

  @OptionalExternalRef()
  externalRef?: string;
}

export class QualificationRef {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
}

export class EquipmentTypeView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [QualificationRef] }) requiredQualifications: QualificationRef[];
  @ApiProperty({ type: String, nullable: true }) externalRef: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export const EquipmentTypePage = PageOf(EquipmentTypeView);

export function toQualificationRef(qualification: Qualification): QualificationRef {
  return { id: qualification.id, code: qualification.code, name: qualification.name };
}

export function toEquipmentTypeView(type: EquipmentType): EquipmentTypeView {
  return {
    id: type.id,
    code: type.code,
    name: type.name,
    requiredQualifications: (type.requiredQualifications ?? [])
      .flatMap((required) =>
        required.qualification ? [toQualificationRef(required.qualification)] : [],
      )
      .sort((a, b) => a.code.localeCompare(b.code)),
    externalRef: type.externalRef,
    createdAt: type.createdAt.toISOString(),
    updatedAt: type.updatedAt.toISOString(),
  };
}
