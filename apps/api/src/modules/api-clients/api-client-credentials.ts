import { randomBytes } from 'node:crypto';

const SLUG_LENGTH = 40;

/**
 * Keycloak's client id of a tenant's machine client: `<tenant>-<slug of the name>-<8 random hex>`.
 * The tenant prefix keeps organizations apart at a glance, the random part keeps two clients of
 * the same name (one deleted, say) apart, and Keycloak refuses a duplicate client id in any case.
 * Lower case only: Keycloak names the service account `service-account-<client id>` in lower case.
 */
export function machineClientId(
  tenant: string,
  name: string,
  random = randomBytes(4).toString('hex'),
): string {
  const slug =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+/, '')
      .slice(0, SLUG_LENGTH)
      .replace(/-+$/, '') || 'client';
  return `${tenant}-${slug}-${random}`;
}

/** A client secret: 256 random bits, URL-safe (it travels in form bodies and Basic auth). */
export function newClientSecret(): string {
  return randomBytes(32).toString('base64url');
}
