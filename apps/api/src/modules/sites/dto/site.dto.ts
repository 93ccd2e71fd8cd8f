import { ApiProperty, PartialType } from '@nestjs/swagger';
import { IsLatitude, IsLongitude, IsNumber } from 'class-validator';
import type { Site } from '@dispatch/domain';
import { PageOf, PageQuery } from '../../../core/http/pagination';
import { OptionalText, RequiredText } from '../../../core/http/dto-rules';
import { OptionalExternalRef } from '../../../core/http/external-ref';

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
}

export class UpdateSiteDto extends PartialType(CreateSiteDto) {}

export class SiteListQuery extends PageQuery {
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
    createdAt: site.createdAt.toISOString(),
    updatedAt: site.updatedAt.toISOString(),
  };
}
