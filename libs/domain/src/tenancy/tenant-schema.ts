import { DomainError } from '../errors';

/** The shared schema: holds only the tenant registry. */
export const PLATFORM_SCHEMA = 'platform';

/** Tenant slugs: lower-case letters, digits and single hyphens, 2–40 characters, starting with a letter. */
export const TENANT_SLUG_PATTERN = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){1,39}$/;
export const TENANT_SLUG_PATTERN_SQL = '^[a-z]([a-z0-9]|-[a-z0-9]){1,39}$';

export function assertTenantSlug(slug: string): void {
  if (!TENANT_SLUG_PATTERN.test(slug)) {
    throw new DomainError('VALIDATION', `"${slug}" is not a valid tenant slug`);
  }
}

/** The PostgreSQL schema that holds a tenant's data. Derived, never taken from user input as is. */
export function tenantSchemaName(slug: string): string {
  assertTenantSlug(slug);
  return `tenant_${slug.replace(/-/g, '_')}`;
}
