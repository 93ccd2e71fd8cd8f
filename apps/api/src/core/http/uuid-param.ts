import { ParseUUIDPipe } from '@nestjs/common';
import { RequestValidationException } from '../errors/validation';

/** `:id` path parameters must be UUIDs: anything else is a 400 naming the parameter. */
export function uuidParam(name = 'id'): ParseUUIDPipe {
  return new ParseUUIDPipe({
    version: undefined,
    exceptionFactory: () =>
      new RequestValidationException([{ field: name, message: `${name} must be a UUID` }]),
  });
}
