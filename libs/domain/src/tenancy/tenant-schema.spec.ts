import {
  assertTenantSlug,
  tenantSchemaName,
  TENANT_SLUG_PATTERN,
  TENANT_SLUG_PATTERN_SQL,
} from './tenant-schema';

describe('tenant schema names', () => {
  it('derives one schema per tenant slug', () => {
    expect(tenantSchemaName('acme')).toBe('tenant_acme');
    expect(tenantSchemaName('north-west-utilities')).toBe('tenant_north_west_utilities');
  });

  it.each([
    '',
    'a',
    'Acme',
    '1acme',
    '-acme',
    'acme-',
    'ac--me',
    'acme; DROP SCHEMA platform',
    'acme"',
    'x'.repeat(41),
    'tenant_acme',
  ])('refuses the slug %j', (slug) => {
    expect(() => assertTenantSlug(slug)).toThrow(/valid tenant slug/);
    expect(() => tenantSchemaName(slug)).toThrow();
  });

  it('keeps the SQL check constraint and the code pattern in agreement', () => {
    const sql = new RegExp(TENANT_SLUG_PATTERN_SQL);
    for (const slug of [
      'acme',
      'ab',
      'a1-b2',
      'x'.repeat(40),
      'x'.repeat(41),
      'ab-',
      'a--b',
      'Ab',
      '9ab',
    ]) {
      expect({ slug, sql: sql.test(slug) }).toEqual({ slug, sql: TENANT_SLUG_PATTERN.test(slug) });
    }
  });
});
