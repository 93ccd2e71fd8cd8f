import { applyDecorators, type PipeTransform } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
  type ValidationArguments,
} from 'class-validator';
import { RequestValidationException } from '../errors/validation';
import { trim } from './dto-rules';

/** An ERP's key of a record (`externalRef`): at most this many characters. */
export const EXTERNAL_REF_MAX_LENGTH = 100;

/** Printable text: no control characters (line breaks, tabs, NUL …). */
const NO_CONTROL_CHARACTERS = /^[^\p{Cc}]*$/u;

/**
 * The problem with an ERP key, or null if it is a good one: trimmed, 1 to 100 characters, no
 * control characters. Any other character is fine (`SAP/4711`, `Auftrag 12`, `Ü-9`).
 */
export function externalRefProblem(value: string): string | null {
  if (value.length === 0) return 'must not be empty';
  if (value.length > EXTERNAL_REF_MAX_LENGTH)
    return `must be at most ${EXTERNAL_REF_MAX_LENGTH} characters`;
  if (!NO_CONTROL_CHARACTERS.test(value)) return 'must not contain control characters';
  return null;
}

/** An optional ERP key in a body or query: trimmed, 1–100 characters, no control characters (null clears it). */
export function OptionalExternalRef(description?: string) {
  return applyDecorators(
    ApiPropertyOptional({
      type: String,
      nullable: true,
      minLength: 1,
      maxLength: EXTERNAL_REF_MAX_LENGTH,
      example: 'SAP-4711',
      description,
    }),
    Transform(trim),
    IsOptional(),
    IsString(),
    IsNotEmpty(),
    MaxLength(EXTERNAL_REF_MAX_LENGTH),
    Matches(NO_CONTROL_CHARACTERS, { message: '$property must not contain control characters' }),
  );
}

/** The property may not be given together with `other` (e.g. `siteExternalRef` with `siteId`). */
export function NotTogetherWith(other: string) {
  return ValidateBy({
    name: 'notTogetherWith',
    constraints: [other],
    validator: {
      validate: (_value: unknown, args?: ValidationArguments) =>
        (args?.object as Record<string, unknown> | undefined)?.[other] == null,
      defaultMessage: (args?: ValidationArguments) =>
        `give either ${other} or ${args?.property ?? 'this'}, not both`,
    },
  });
}

/** `:externalRef` path parameters: trimmed and checked like a body's externalRef, else a 400 naming it. */
export function externalRefParam(name = 'externalRef'): PipeTransform<string, string> {
  return {
    transform(value: string): string {
      const ref = typeof value === 'string' ? value.trim() : '';
      const problem = externalRefProblem(ref);
      if (problem)
        throw new RequestValidationException([{ field: name, message: `${name} ${problem}` }]);
      return ref;
    },
  };
}
