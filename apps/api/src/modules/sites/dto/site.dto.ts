import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsLatitude,
  IsLongitude,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import type { Site } from '@dispatch/domain';
import {
  PageOf,
  PageQuery,
  listSorting,
  SortParam,
  type SortOf,
} from '../../../core/http/pagination';
import { OptionalText, RequiredText, trim } from '../../../core/http/dto-rules';
import { OptionalExternalRef } from '../../../core/http/external-ref';

/**
 * A telephone number a phone can dial: digits with the usual separators (spaces, dashes, dots,
 * parentheses, a slash), an optional leading +, at least three digits.
 */
export const PHONE_PATTERN = /^(?=(?:\D*\d){3})\+?[\d ()./-]+$/;

/** Trimmed; blank is no value (null). */
const blankToNull = ({ value }: { value: unknown }) => {
  const trimmed = trim({ value });
  return trimmed === '' ? null : trimmed;
};

/** An optional phone number (trimmed; blank or null clears it). */
function OptionalPhone(example: string) {
  return applyDecorators(
    ApiPropertyOptional({
      maxLength: 40,
      example,
      nullable: true,
      type: String,
      pattern: PHONE_PATTERN.source,
    }),
    Transform(blankToNull),
    IsOptional(),
    IsString(),
    MaxLength(40),
    Matches(PHONE_PATTERN, {
      message: 'contactPhone must be a phone number: digits, spaces, + ( ) - . / only',
    }),
  );
}

export class CreateSiteDto {
  @RequiredText(200, 'North Harbour Depot')
  name: string;

  @RequiredText(500, '12 Quay Street, Auckland')
  address: string;

  @ApiProperty({ minimum: -90, maximum: 90, example: -36.8406 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsLatitude()
  latitude: number;

  @ApiProperty({ minimum: -180, maximum: 180, example: 174.7679 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsLongitude()
  longitude: number;

  @OptionalExternalRef("The site's key in your ERP (unique): work orders may name the site by it")
  externalRef?: string | null;

  @ApiPropertyOptional({
    maxLength: 200,
    example: 'Sam Rivera',
    nullable: true,
    type: String,
    description: 'Whom a driver calls at the site (blank or null clears it)',
  })
  @Transform(blankToNull)
  @IsOptional()
  @IsString()
  @MaxLength(200)
  contactName?: string | null;

  @OptionalPhone('+1 303 555 0142')
  contactPhone?: string | null;
}

export class UpdateSiteDto extends PartialType(CreateSiteDto) {}

export const SITE_SORTING = listSorting(['name', 'address'], 'name');
export type SiteSort = SortOf<(typeof SITE_SORTING.fields)[number]>;

export class SiteListQuery extends PageQuery {
  @SortParam(SITE_SORTING)
  sort?: SiteSort;

  /** Matches name or address. */
  @OptionalText(200)
  q?: string;

  @OptionalExternalRef()
  externalRef?: string;
}

export class SiteView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() address: string;
  @ApiProperty() latitude: number;
  @ApiProperty() longitude: number;
  @ApiProperty({ type: String, nullable: true }) externalRef: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Whom a driver calls at the site' })
  contactName: string | null;
  @ApiProperty({ type: String, nullable: true }) contactPhone: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export const SitePage = PageOf(SiteView);

export function toSiteView(site: Site): SiteView {
  return {
    id: site.id,
    name: site.name,
    address: site.address,
    latitude: site.latitude,
    longitude: site.longitude,
    externalRef: site.externalRef,
    contactName: site.contactName,
    contactPhone: site.contactPhone,
    createdAt: site.createdAt.toISOString(),
    updatedAt: site.updatedAt.toISOString(),
  };
}
