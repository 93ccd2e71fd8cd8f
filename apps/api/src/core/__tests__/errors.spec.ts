import { DomainError } from '@dispatch/domain';
import { QueryFailedError } from 'typeorm';
import { problemFromDatabaseError, violatedConstraint } from '../errors/database-errors';
import { DOMAIN_ERROR_STATUS } from '../errors/problem';
import { flattenValidationErrors } from '../errors/validation';

function pgError(fields: Record<string, string>, message = 'db'): QueryFailedError {
  return new QueryFailedError('INSERT ...', [], Object.assign(new Error(message), fields));
}

describe('error mapping', () => {
  it('maps every domain error code to a 4xx status', () => {
    for (const [code, mapping] of Object.entries(DOMAIN_ERROR_STATUS)) {
      expect({ code, client: mapping.status >= 400 && mapping.status < 500 }).toEqual({
        code,
        client: true,
      });
    }
    expect(new DomainError('NOT_FOUND', 'x').code).toBe('NOT_FOUND');
  });

  it('turns a unique violation into 409 naming the field', () => {
    const problem = problemFromDatabaseError(
      pgError({
        code: '23505',
        detail: 'Key (external_ref)=(SAP-1) already exists.',
        constraint: 'x',
      }),
    );
    expect(problem).toMatchObject({ status: 409, errors: [{ field: 'externalRef' }] });
  });

  it('turns a NOT NULL violation into 400 naming the field, and leaves unknown errors to the 500 path', () => {
    expect(
      problemFromDatabaseError(pgError({ code: '23502', column: 'equipment_type_id' })),
    ).toMatchObject({ status: 400, errors: [{ field: 'equipmentTypeId' }] });
    expect(problemFromDatabaseError(pgError({ code: '57P01' }))).toBeUndefined();
    expect(problemFromDatabaseError(pgError({ code: '22023' }))).toMatchObject({ status: 400 });
  });

  it('reads the same from a worker error relayed by Citus (no fields, shard suffix in the name)', () => {
    const unique = pgError(
      { code: '23505', detail: 'Key (external_ref)=(SAP-1) already exists.' },
      'duplicate key value violates unique constraint "work_orders_external_ref_open_unique_102042"',
    );
    expect(problemFromDatabaseError(unique)).toMatchObject({
      status: 409,
      constraint: 'work_orders_external_ref_open_unique',
      errors: [{ field: 'externalRef' }],
    });
    expect(
      violatedConstraint({
        code: '23505',
        constraint: 'plain_name_1',
        message: 'duplicate key value violates unique constraint "plain_name_1"',
      }),
    ).toBe('plain_name_1');
    expect(
      problemFromDatabaseError(
        pgError(
          { code: '23502' },
          'null value in column "equipment_type_id" of relation "equipment_102010" violates not-null constraint',
        ),
      ),
    ).toMatchObject({ status: 400, errors: [{ field: 'equipmentTypeId' }] });
  });

  it('flattens nested validation errors into field paths', () => {
    const fields = flattenValidationErrors([
      {
        property: 'qualifications',
        children: [
          {
            property: '0',
            children: [
              { property: 'expiresAt', constraints: { isIso8601: 'bad date' }, children: [] },
            ],
          },
        ],
      },
      { property: 'name', constraints: { isNotEmpty: 'name should not be empty' }, children: [] },
    ]);
    expect(fields).toEqual([
      { field: 'qualifications[0].expiresAt', message: 'bad date' },
      { field: 'name', message: 'name should not be empty' },
    ]);
  });
});
