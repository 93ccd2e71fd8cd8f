import { ApiProblem } from '@dispatch/api-client';

/** A problem+json answer in a sentence a dispatcher can act on, conflicts and bad fields included. */
export function problemText(error: unknown): string {
  if (error instanceof ApiProblem) {
    const conflicts = (error.body.conflicts as { message: string }[] | undefined)?.map(
      (conflict) => conflict.message,
    );
    const fields = error.errors.map((field) => `${field.field}: ${field.message}`);
    return [error.detail ?? error.title, ...(conflicts ?? []), ...fields].join(' — ');
  }
  return error instanceof Error ? error.message : String(error);
}
