import { machineClientId, newClientSecret } from '../api-client-credentials';

describe('API client credentials', () => {
  it('names the Keycloak client after the tenant and a slug of the name, plus a random part', () => {
    expect(machineClientId('acme', 'SAP S/4 — Production', '0a1b2c3d')).toBe(
      'acme-sap-s-4-production-0a1b2c3d',
    );
    expect(machineClientId('globex', 'Größe Übersicht', 'ffffffff')).toBe(
      'globex-gro-e-ubersicht-ffffffff',
    );
    expect(machineClientId('acme', '日本語', '00000000')).toBe('acme-client-00000000');
    expect(machineClientId('acme', `${'x'.repeat(39)} yz`, '00000000')).toBe(
      `acme-${'x'.repeat(39)}-00000000`,
    );
    expect(machineClientId('acme', 'ERP')).toMatch(/^acme-erp-[0-9a-f]{8}$/);
    expect(machineClientId('acme', 'ERP')).not.toBe(machineClientId('acme', 'ERP'));
  });

  it('makes long, URL-safe, unpredictable secrets', () => {
    const secret = newClientSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newClientSecret()).not.toBe(secret);
  });
});
