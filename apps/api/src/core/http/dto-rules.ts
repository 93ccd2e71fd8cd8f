import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

/** class-transformer: surrounding whitespace off a string, anything else as it is. */
export const trim = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value;

/** A required, trimmed, non-empty string of at most `max` characters. */
export function RequiredText(max: number, example?: string) {
  return applyDecorators(
    ApiProperty({ maxLength: max, example }),
    Transform(trim),
    IsString(),
    IsNotEmpty(),
    MaxLength(max),
  );
}

/** An optional trimmed string of at most `max` characters (null clears it). */
export function OptionalText(max: number, example?: string) {
  return applyDecorators(
    ApiPropertyOptional({ maxLength: max, example, nullable: true, type: String }),
    Transform(trim),
    IsOptional(),
    IsString(),
    MaxLength(max),
  );
}

/** An optional id (any UUID version), e.g. a filter. */
export function OptionalUuid() {
  return applyDecorators(ApiPropertyOptional({ format: 'uuid' }), IsOptional(), IsUUID('all'));
}
