import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsEnum,
  IsISO8601,
  IsOptional,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { type Driver, DutyStatus } from '@dispatch/domain';
import {
  PageOf,
  PageQuery,
  listSorting,
  SortParam,
  type SortOf,
} from '../../../core/http/pagination';
import { OptionalText, RequiredText } from '../../../core/http/dto-rules';

export class HeldQualificationInput {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  qualificationId: string;

  @ApiProperty({
    format: 'date',
    example: '2027-06-30',
    description: 'Last day the qualification is valid',
  })
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'expiresAt must be a calendar date (YYYY-MM-DD)' })
  expiresAt: string;
}

export class CreateDriverDto {
  @RequiredText(200, 'Maria Lopez')
  name: string;

  @OptionalText(40, '+64 21 555 0199')
  phone?: string | null;

  @ApiPropertyOptional({ maxLength: 320, nullable: true, type: String })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string | null;

  @ApiPropertyOptional({
    maxLength: 255,
    nullable: true,
    type: String,
    description: 'Keycloak username of the driver’s login',
  })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9._@-]{0,254}$/, {
    message: 'username must be a Keycloak username (lower case)',
  })
  username?: string | null;

  @ApiPropertyOptional({ enum: DutyStatus, default: DutyStatus.OffDuty })
  @IsOptional()
  @IsEnum(DutyStatus)
  dutyStatus?: DutyStatus;

  @ApiProperty({ type: [HeldQualificationInput] })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => HeldQualificationInput)
  qualifications: HeldQualificationInput[];
}

export class UpdateDriverDto extends PartialType(CreateDriverDto) {}

/** What drivers change on their own profile: whether they are on duty. */
export class UpdateOwnDutyDto {
  @ApiProperty({ enum: DutyStatus })
  @IsEnum(DutyStatus)
  dutyStatus: DutyStatus;
}

export const DRIVER_SORTING = listSorting(['name', 'username', 'dutyStatus'], 'name');
export type DriverSort = SortOf<(typeof DRIVER_SORTING.fields)[number]>;

export class DriverListQuery extends PageQuery {
  @SortParam(DRIVER_SORTING)
  sort?: DriverSort;

  @ApiPropertyOptional({ enum: DutyStatus })
  @IsOptional()
  @IsEnum(DutyStatus)
  dutyStatus?: DutyStatus;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only drivers holding this qualification (expired or not)',
  })
  @IsOptional()
  @IsUUID('all')
  qualificationId?: string;

  /** Matches name, email or username. */
  @OptionalText(200)
  q?: string;
}

export class HeldQualificationView {
  @ApiProperty({ format: 'uuid' }) qualificationId: string;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date' }) expiresAt: string;
}

export class DriverView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) phone: string | null;
  @ApiProperty({ type: String, nullable: true }) email: string | null;
  @ApiProperty({ type: String, nullable: true }) username: string | null;
  @ApiProperty({ enum: DutyStatus }) dutyStatus: DutyStatus;
  @ApiProperty({ type: [HeldQualificationView] }) qualifications: HeldQualificationView[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export const DriverPage = PageOf(DriverView);

export function toDriverView(driver: Driver): DriverView {
  return {
    id: driver.id,
    name: driver.name,
    phone: driver.phone,
    email: driver.email,
    username: driver.username,
    dutyStatus: driver.dutyStatus,
    qualifications: (driver.qualifications ?? [])
      .map((held) => ({
        qualificationId: held.qualificationId,
        code: held.qualification?.code ?? '',
        name: held.qualification?.name ?? '',
        expiresAt: held.expiresAt,
      }))
      .sort((a, b) => a.code.localeCompare(b.code)),
    createdAt: driver.createdAt.toISOString(),
    updatedAt: driver.updatedAt.toISOString(),
  };
}
