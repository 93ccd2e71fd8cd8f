import { ApiProperty, PartialType } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import type { Qualification } from '@dispatch/domain';
import {
  PageOf,
  PageQuery,
  listSorting,
  SortParam,
  type SortOf,
} from '../../../core/http/pagination';
import { OptionalText, RequiredText } from '../../../core/http/dto-rules';

/** Codes read like `CDL-A`, `crane-operator`, `hazmat`. */
export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export class CreateQualificationDto {
  @RequiredText(50, 'CDL-A')
  @Matches(CODE_PATTERN, { message: 'code may hold letters, digits, dot, dash and underscore' })
  code: string;

  @RequiredText(200, 'Commercial driver licence, class A')
  name: string;
}

export class UpdateQualificationDto extends PartialType(CreateQualificationDto) {}

export const QUALIFICATION_SORTING = listSorting(['code', 'name'], 'code');
export type QualificationSort = SortOf<(typeof QUALIFICATION_SORTING.fields)[number]>;

export class QualificationListQuery extends PageQuery {
  @SortParam(QUALIFICATION_SORTING)
  sort?: QualificationSort;

  /** Matches code or name. */
  @OptionalText(200)
  q?: string;
}

export class QualificationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export const QualificationPage = PageOf(QualificationView);

export function toQualificationView(qualification: Qualification): QualificationView {
  return {
    id: qualification.id,
    code: qualification.code,
    name: qualification.name,
    createdAt: qualification.createdAt.toISOString(),
    updatedAt: qualification.updatedAt.toISOString(),
  };
}
