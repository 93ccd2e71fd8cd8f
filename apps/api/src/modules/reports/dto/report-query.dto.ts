import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsISO8601,
  IsOptional,
  Matches,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { OptionalUuid } from '../../../core/http/dto-rules';

export const REPORT_FORMATS = ['json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** An IANA time zone name that the runtime knows (PostgreSQL shares the same database). */
function IsTimeZone(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isTimeZone',
      target: target.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be an IANA time zone such as Europe/Berlin`,
        ...options,
      },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string' || value.length > 64) return false;
          try {
            new Intl.DateTimeFormat('en', { timeZone: value });
            return true;
          } catch {
            return false;
          }
        },
      },
    });
}

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

export class ReportQuery {
  @ApiProperty({ format: 'date', example: '2026-11-01', description: 'First local day, inclusive' })
  @Matches(LOCAL_DATE, { message: 'from must be a date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true }, { message: 'from must be a valid date' })
  from: string;

  @ApiProperty({ format: 'date', example: '2026-11-30', description: 'Last local day, inclusive' })
  @Matches(LOCAL_DATE, { message: 'to must be a date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true }, { message: 'to must be a valid date' })
  to: string;

  @ApiPropertyOptional({
    default: 'UTC',
    example: 'Europe/Berlin',
    description: 'Time zone in which the days begin and end',
  })
  @IsOptional()
  @IsTimeZone()
  tz?: string;

  @OptionalUuid()
  siteId?: string;

  @OptionalUuid()
  equipmentTypeId?: string;

  @ApiPropertyOptional({
    enum: REPORT_FORMATS,
    default: 'json',
    description: 'csv streams the rows (and the total last) as text/csv; so does Accept: text/csv',
  })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;
}
